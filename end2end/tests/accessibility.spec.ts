import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import {
  WCAG_TAGS, hydrated, fillAboutYou, fillWhoFor, fillWhatAbout, fillOutcome, fillConsent, continueOn, noViolations,
} from "./helpers";

/** Visits every page of the journey, checking each (and each step's error state). */
async function walk(page: Page, wasm: boolean) {
  await page.goto("/");
  await noViolations(page, "start page");
  await page.goto("/complaint");
  if (wasm) await hydrated(page);
  await continueOn(page);
  await noViolations(page, "about you, with errors");
  await fillAboutYou(page);
  await noViolations(page, "who for");
  await fillWhoFor(page);
  await noViolations(page, "what about");
  await fillWhatAbout(page);
  await noViolations(page, "outcome");
  await fillOutcome(page);
  await noViolations(page, "consent");
  await fillConsent(page);
  await noViolations(page, "check answers");
  await page.getByRole("button", { name: "Send complaint" }).click();
  await expect(page.locator(".reference")).toBeVisible();
  await noViolations(page, "confirmation");
  await page.goto("/no-such-page");
  await noViolations(page, "not found");
  // The statement itself, reached from the footer as people reach it.
  await page.goto("/");
  await page.getByRole("contentinfo").getByRole("link", { name: "Accessibility statement" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Accessibility statement/ })).toBeVisible();
  await noViolations(page, "accessibility statement");
}

test("every page has no WCAG A/AA violations with WebAssembly", async ({ page }) => {
  await walk(page, true);
});

test("every page has no WCAG A/AA violations without the WebAssembly", async ({ page }) => {
  // The server's HTML alone: the scripts that would hydrate it never load. (axe itself needs
  // JavaScript to run, so the page's own scripts are blocked instead of JavaScript as a whole.)
  await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  await walk(page, false);
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
});

test("the check itself catches a real violation (control)", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(() => document.querySelector("main")!.insertAdjacentHTML("beforeend", '<input type="text">'));
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(results.violations.map((v) => v.id)).toContain("label");
});

test("the accessibility statement says how the form was tested, how to report a problem and who enforces", async ({ page }) => {
  // Linked from the footer of every public page, the question pages included.
  await page.goto("/complaint");
  await expect(page.getByRole("contentinfo").getByRole("link", { name: "Accessibility statement" })).toHaveAttribute("href", "/accessibility");
  await page.goto("/accessibility");
  for (const heading of [
    "How accessible this form is",
    "Feedback and contact information",
    "Reporting accessibility problems with this form",
    "Enforcement procedure",
    "Compliance status",
    "How we tested this form",
    "Preparation of this accessibility statement",
  ]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  }
  const main = page.getByRole("main");
  await expect(main).toContainText("Equality and Human Rights Commission");
  await expect(main).toContainText("Equality Commission for Northern Ireland");
  await expect(main).toContainText("partially compliant");
  await expect(main).toContainText("Automated checks cannot find every problem");
  await expect(main).toContainText(/This statement was prepared on \d{1,2} [A-Z][a-z]+ \d{4}/);
});
