import { expect, FrameLocator, Page } from "@playwright/test";

/** A whole page, or the widget inside a frame on a council's page. */
export type Scope = Page | FrameLocator;
import AxeBuilder from "@axe-core/playwright";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";

export const PASSWORD = "correct horse battery staple";

/** Adds a staff account as an operator does: `server user add`, the password on stdin. */
export function addUser(username: string, role: string, name: string) {
  try {
    execFileSync(process.env.E2E_SERVER_BIN!, ["user", "add", username, role, ...name.split(" ")], {
      input: `${PASSWORD}\n`,
      env: { ...process.env, INTAKE_DATABASE_URL: process.env.E2E_DATABASE_URL, INTAKE_LOG: "warn" },
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (e: any) {
    // Already there from an earlier test in this run.
    if (!String(e.stderr).includes("already an account")) throw e;
  }
}

/** The emails the SMTP server received so far for `to`, raw (the maildir the server fills). */
export function emailsTo(to: string): string[] {
  const dir = process.env.E2E_MAILDIR!;
  const found: string[] = [];
  for (const sub of ["new", "cur"]) {
    const where = path.join(dir, sub);
    if (!fs.existsSync(where)) continue;
    for (const f of fs.readdirSync(where)) {
      const text = fs.readFileSync(path.join(where, f), "utf8");
      if (new RegExp(`^To: .*${to.replace(/[.]/g, "\\.")}`, "mi").test(text)) found.push(text);
    }
  }
  return found;
}

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** axe-core finds no WCAG 2.x A/AA violations on the page as it is now. */
export async function noViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(summary, where).toEqual([]);
}

export const REFERENCE = /^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/;

export async function continueOn(page: Scope) {
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Waits for the WebAssembly to take over the page. */
export async function hydrated(page: Scope) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

export async function fillAboutYou(page: Scope, name = "Sam Example") {
  await expect(page.getByRole("heading", { level: 1, name: "About you" })).toBeVisible();
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Building and street").fill("1 High Street");
  await page.getByLabel("Town or city").fill("Nottingham");
  await page.getByLabel("Postcode").fill("ng2 7qp");
  await page.getByLabel(/^Email address/).fill("sam@example.com");
  await page.getByLabel(/^Telephone number/).fill("07700 900982");
  await page.getByRole("group", { name: "How would you like us to contact you?" }).getByLabel("Email").check();
  await continueOn(page);
}

export async function fillWhoFor(page: Scope) {
  await expect(page.getByRole("heading", { level: 1, name: "Who the complaint is for" })).toBeVisible();
  await page.getByLabel("Myself").check();
  await continueOn(page);
}

export async function fillWhatAbout(page: Scope, category: RegExp = /subject access request/, breach?: RegExp) {
  await expect(page.getByRole("heading", { level: 1, name: "What your complaint is about" })).toBeVisible();
  await page.getByLabel(category).check();
  if (breach) await page.getByLabel(breach).check();
  await page.getByLabel(/Which service/).fill("Adult social care");
  await page.getByLabel("What happened?").fill(
    "I asked for a copy of my care records in January and have had no reply, though I chased it twice.",
  );
  await continueOn(page);
}

export async function fillOutcome(page: Scope) {
  await expect(page.getByRole("heading", { level: 1, name: "What you would like to happen" })).toBeVisible();
  await page.getByLabel("An apology").check();
  await page.getByRole("group", { name: /also about the service/ }).getByLabel("No").check();
  await continueOn(page);
}

export async function fillConsent(page: Scope) {
  await expect(page.getByRole("heading", { level: 1, name: "How we handle your complaint" })).toBeVisible();
  await page.getByLabel("I agree to you using my information to handle my complaint").check();
  await page.getByLabel("Yes, you may share it").check();
  await continueOn(page);
}

/** Every question page, ending on "Check your answers". */
export async function answerEverything(page: Scope, opts: { name?: string; category?: RegExp; breach?: RegExp } = {}) {
  await fillAboutYou(page, opts.name);
  await fillWhoFor(page);
  await fillWhatAbout(page, opts.category, opts.breach);
  await fillOutcome(page);
  await fillConsent(page);
  await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
}

export async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}
