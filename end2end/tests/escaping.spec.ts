import { test, expect, Page } from "@playwright/test";
import { REFERENCE, continueOn, hydrated, fillWhoFor, fillOutcome, fillConsent } from "./helpers";

// Issue 28: answers holding markup were put back into pages raw. Typed into every multi-line
// answer, they must come back as the person's text, in the box and on every page after.
const PLANTED = 'Large print</textarea><meta http-equiv="refresh" content="0;url=https://evil.example/"><b>x</b>"><b>y</b>';

async function nothingPlanted(page: Page, where: string) {
  expect(await page.locator("b").count(), where).toBe(0);
  expect(await page.locator("meta[http-equiv]").count(), where).toBe(0);
  expect(page.url(), where).not.toContain("evil.example");
}

for (const js of [true, false]) {
  test.describe(js ? "with WebAssembly" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("markup typed into the answer boxes comes back as text on every page", async ({ page }) => {
      await page.goto("/complaint");
      if (js) await hydrated(page);
      // An error on the step (no name): the page comes back with the answers.
      await page.getByLabel(/Do you need us to do anything differently/).fill(PLANTED);
      await continueOn(page);
      await expect(page.getByRole("alert")).toContainText("Enter your full name");
      await nothingPlanted(page, "about you, with an error");
      await expect(page.getByLabel(/Do you need us to do anything differently/)).toHaveValue(PLANTED);
      await page.getByLabel("Full name").fill("Tara Text");
      await page.getByLabel("Building and street").fill("1 High Street");
      await page.getByLabel("Town or city").fill("Nottingham");
      await page.getByLabel("Postcode").fill("NG2 7QP");
      await page.getByLabel(/^Email address/).fill("tara@example.com");
      await page.getByRole("group", { name: "How would you like us to contact you?" }).getByLabel("Email").check();
      await continueOn(page);
      await fillWhoFor(page);
      await page.getByLabel(/subject access request/).check();
      await page.getByLabel(/Which service/).fill("Adult social care");
      await page.getByLabel("What happened?").fill(`I asked for my records. ${PLANTED}`);
      await continueOn(page);
      await fillOutcome(page);
      await fillConsent(page);
      await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
      await nothingPlanted(page, "check your answers");
      await expect(page.locator(".summary-list")).toContainText('</textarea><meta http-equiv="refresh"');
      // Back to the box through "Change": the same text, still only text.
      await page.getByRole("button", { name: /Change what happened/i }).click();
      await expect(page.getByLabel("What happened?")).toHaveValue(`I asked for my records. ${PLANTED}`);
      await nothingPlanted(page, "changing what happened");
      await continueOn(page);
      await page.getByRole("button", { name: "Send complaint" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
      await expect(page.locator(".reference")).toHaveText(REFERENCE);
      await nothingPlanted(page, "confirmation");
    });
  });
}
