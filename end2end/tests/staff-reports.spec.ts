import { test, expect, Page } from "@playwright/test";
import { noViolations, addUser, PASSWORD } from "./helpers";

async function signIn(page: Page, username: string) {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
}

test.beforeAll(() => {
  addUser("kim", "handler", "Kim Handler");
});

test("the reports page shows the ICO number, its tables and charts, and downloads", async ({ page }) => {
  await signIn(page, "kim");
  await page.getByRole("navigation", { name: "Staff pages" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Complaints report: Q\d \d{4}$/ })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "The number for the ICO" })).toBeVisible();
  // Each chart is an image with a text description, beside the table of the same numbers.
  await expect(page.getByRole("img", { name: /Complaints received by quarter/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Timeliness by quarter/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "This period and the four quarters before it" }).getByRole("row")).toHaveCount(6);
  await noViolations(page, "reports");

  // Any range: today's complaints, with the CSV to download.
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From").fill(today);
  await page.getByLabel("To").fill(today);
  await page.getByRole("button", { name: "Show the report" }).click();
  await expect(page.getByText(new RegExp(`Data protection complaints received from ${today} to ${today}: \\d+`))).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`complaints-report-${today}-to-${today}.csv`);

  // Dates the wrong way round: said plainly, and the page still passes.
  await page.goto("/staff/reports?from=2026-12-31&to=2026-10-01");
  await expect(page.getByRole("alert")).toContainText("The end date must be on or after the start date");
  await noViolations(page, "reports with an error");
});
