import { test, expect } from "@playwright/test";
import { REFERENCE, continueOn, hydrated, fillWhoFor, fillWhatAbout, fillOutcome, fillConsent, noHorizontalScroll } from "./helpers";

// SPEC "Intake": a person with only a postal address can complain (issue 22: the form insisted
// on an email address or a telephone number even for letters by post).
for (const js of [true, false]) {
  test.describe(js ? "with WebAssembly" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("a complaint with only a postal address, for letters by post", async ({ page }) => {
      await page.goto("/complaint");
      if (js) await hydrated(page);
      await page.getByLabel("Full name").fill("Percy Post");
      await page.getByRole("group", { name: "How would you like us to contact you?" }).getByLabel("Letter by post").check();
      // No address yet: said plainly, beside the address.
      await continueOn(page);
      await expect(page.getByRole("alert")).toContainText("Enter the building and street of your address");
      await expect(page.getByRole("alert")).not.toContainText("email address or a telephone number");
      await page.getByLabel("Building and street").fill("2 Low Road");
      await page.getByLabel("Town or city").fill("Nottingham");
      await page.getByLabel("Postcode").fill("NG2 7QP");
      await continueOn(page);
      await fillWhoFor(page);
      await fillWhatAbout(page);
      await fillOutcome(page);
      await fillConsent(page);
      await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
      await noHorizontalScroll(page);
      await page.getByRole("button", { name: "Send complaint" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
      await expect(page.locator(".reference")).toHaveText(REFERENCE);
    });
  });
}
