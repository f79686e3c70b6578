import { test, expect, Page } from "@playwright/test";
import * as fs from "node:fs";
import { randomUUID } from "node:crypto";
import { noViolations, addUser, PASSWORD } from "./helpers";

async function signIn(page: Page, username: string) {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
}

/** A complaint sent through the public API, as the widget sends it. */
async function sendComplaint(page: Page, name: string, email: string): Promise<string> {
  const res = await page.request.post("/api/v1/complaints", {
    headers: { "Idempotency-Key": randomUUID() },
    data: {
      full_name: name,
      address_line_1: "3 Mill Lane",
      address_town: "Nottingham",
      address_postcode: "NG2 7QP",
      email,
      preferred_contact: "email",
      on_behalf_of: "myself",
      category: "subject_access",
      description: "My request went unanswered.",
      outcomes_wanted: ["apology"],
      also_about_service: false,
      consent_handle: true,
      consent_share: true,
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).reference;
}

const banner = (page: Page) => page.getByRole("status").filter({ has: page.locator(".notification-banner__heading") });

test.beforeAll(() => {
  addUser("dee", "dpo", "Dee Officer");
});

test("the DPO holds a case, reads the retention page, runs retention and exports a person's records", async ({ page }) => {
  test.setTimeout(90_000);
  const email = `petra.${Date.now()}@example.com`;
  const reference = await sendComplaint(page, "Petra Subjectaccess", email);
  await signIn(page, "dee");

  // The retention page: the rules in force, what is due, holds and runs.
  await page.getByRole("navigation", { name: "Staff pages" }).getByRole("link", { name: "Retention" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Retention" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /one year after the decision/ })).toBeVisible();
  for (const h of ["The rules", "Due in the next 30 days", "Legal holds", "Runs"]) {
    await expect(page.getByRole("heading", { level: 2, name: h })).toBeVisible();
  }
  await noViolations(page, "retention page");

  // A legal hold on the case, with its reason: on the case and on the retention page.
  await page.goto(`/staff/cases/${reference.replace(/-/g, "")}`);
  await page.getByLabel("Hold from retention because").fill("ICO investigation");
  await page.getByRole("button", { name: "Place a legal hold" }).click();
  await expect(banner(page)).toContainText("Legal hold placed");
  await expect(page.getByText("Legal hold: ICO investigation.")).toBeVisible();
  await noViolations(page, "case with a legal hold");
  await page.goto("/staff/retention");
  const holds = page.getByRole("table", { name: "Cases under a legal hold" });
  await expect(holds.getByRole("row").filter({ hasText: reference })).toContainText("ICO investigation");

  // Run now: the run is recorded.
  await page.getByRole("button", { name: "Run retention now" }).click();
  await expect(banner(page)).toContainText("Retention has run");
  await expect(page.getByRole("table", { name: "Retention runs, newest first" }).getByRole("row").nth(1)).toContainText("Run by the DPO");
  await noViolations(page, "retention page after a run");

  // Subject access by email: the case, then the JSON download and the printable page.
  await page.getByRole("navigation", { name: "Staff pages" }).getByRole("link", { name: "Subject access" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Subject access" })).toBeVisible();
  await noViolations(page, "subject access form");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert")).toContainText("Select what to search by");
  await noViolations(page, "subject access form with an error");
  await page.getByRole("group", { name: "Search by" }).getByLabel("Email address").check();
  await page.getByLabel("Search for").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "1 case found" })).toBeVisible();
  await expect(page.getByText(`Case ${reference} (their complaint)`)).toBeVisible();
  // The search term is never in the address bar.
  expect(page.url()).not.toContain("petra");
  await noViolations(page, "subject access results");

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download as JSON" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^subject-access-\d{4}-\d{2}-\d{2}\.json$/);
  const doc = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
  expect(doc.cases).toHaveLength(1);
  expect(doc.cases[0].reference).toBe(reference);
  expect(doc.cases[0].complaint.complainant.full_name).toBe("Petra Subjectaccess");

  await page.getByRole("button", { name: "Printable page" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Subject access: records held on / })).toBeVisible();
  await expect(page.getByText("My request went unanswered.")).toBeVisible();
  await noViolations(page, "subject access printable page");
});
