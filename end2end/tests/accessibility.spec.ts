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
