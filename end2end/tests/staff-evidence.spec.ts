import { test, expect, Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { noViolations, addUser, PASSWORD } from "./helpers";

// Staff add a scanned letter to a case and open it again, at their desks (1280x800).

async function signIn(page: Page, username: string) {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% a scanned letter\ntrailer << /Root 1 0 R >>\n%%EOF\n");

test("a handler uploads a scanned letter to a case and downloads it", async ({ page }) => {
  addUser("kim", "handler", "Kim Handler");
  const res = await page.request.post("/api/v1/complaints", {
    headers: { "Idempotency-Key": randomUUID() },
    data: {
      full_name: "Fay Files",
      address_line_1: "6 Canal Street",
      address_postcode: "NG1 7EH",
      email: `fay.${Date.now()}@example.com`,
      preferred_contact: "email",
      on_behalf_of: "myself",
      category: "subject_access",
      description: "Enough words here to describe what happened to my information.",
      outcomes_wanted: ["apology"],
      also_about_service: false,
      consent_handle: true,
      consent_share: true,
    },
  });
  expect(res.status()).toBe(201);
  const reference = ((await res.json()).reference as string).replace(/-/g, "");
  await signIn(page, "kim");
  await page.goto(`/staff/cases/${reference}`);
  await expect(page.getByRole("heading", { level: 2, name: "Evidence" })).toBeVisible();
  // No scanner on this server: the page says so plainly.
  await expect(page.getByText("Files are not scanned for viruses")).toBeVisible();
  await page.getByLabel("Add a file").setInputFiles({ name: "scanned letter.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByText("File added to the case's evidence.")).toBeVisible();
  const row = page.getByRole("row", { name: /scanned letter\.pdf/ });
  await expect(row).toContainText("PDF");
  await expect(row).toContainText("by kim");
  await noViolations(page, "case page with evidence");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: "scanned letter.pdf" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("scanned letter.pdf");
  const saved = await download.path();
  expect(fs.readFileSync(saved!).equals(PDF)).toBe(true);
});
