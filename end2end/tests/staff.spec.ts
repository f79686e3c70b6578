import { test, expect, Page, Browser } from "@playwright/test";
import { REFERENCE, noViolations, addUser, PASSWORD } from "./helpers";

async function signIn(page: Page, username: string) {
  await page.goto("/staff");
  // Signed-out visitors are sent to sign in, and come back afterwards.
  await expect(page).toHaveURL(/\/staff\/sign-in\?next=/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
}

function isoDate(d: Date) {
  return d.toISOString().slice(0, 10);
}

function daysFromNow(n: number) {
  return isoDate(new Date(Date.now() + n * 86_400_000));
}

const banner = (page: Page) => page.getByRole("status").filter({ has: page.locator(".notification-banner__heading") });

test.beforeAll(() => {
  addUser("kim", "handler", "Kim Handler");
  addUser("dee", "dpo", "Dee Officer");
});

test("a handler keys in a telephone complaint and works it to closure; the DPO sees every step", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, "kim");
  await noViolations(page, "staff home");

  // Key in the complaint the caller gives on the telephone, received ten days ago.
  await page.getByRole("link", { name: "Key in a complaint" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Key in a complaint" })).toBeVisible();
  await noViolations(page, "staff intake");
  await page.getByRole("group", { name: "How did the complaint reach us?" }).getByLabel("Telephone").check();
  await page.getByLabel("Date received").fill(daysFromNow(-10));
  await page.getByLabel("Full name", { exact: true }).fill("Alex Caller");
  await page.getByLabel("Building and street").fill("2 Station Road");
  await page.getByLabel("Postcode").fill("NG1 1AA");
  await page.getByLabel(/^Telephone number/).fill("0115 496 0000");
  await page.getByRole("group", { name: "How would you like us to contact you?" }).getByLabel("Telephone").check();
  await page.getByLabel("Myself").check();
  await page.getByLabel(/subject access request/).check();
  await page.getByLabel("What happened?").fill("I asked for my housing file in August and the council sent someone else's letters with it.");
  await page.getByLabel("An apology").check();
  await page.getByRole("group", { name: /also about the service/ }).getByLabel("No").check();
  await page.getByLabel("I agree to you using my information to handle my complaint").check();
  await page.getByLabel("Yes, you may share it").check();
  await page.getByRole("button", { name: "Save complaint and get a reference" }).click();

  // The reference, large, to read out.
  await expect(page.getByRole("heading", { level: 1, name: "Complaint saved" })).toBeVisible();
  const reference = (await page.locator(".reference--large").innerText()).trim();
  expect(reference).toMatch(REFERENCE);
  await expect(page.getByText("must be confirmed in writing")).toBeVisible();
  await noViolations(page, "complaint saved");

  // Find it in the register, where it has not been acknowledged yet.
  await page.getByRole("link", { name: "Register", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Complaints register" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: reference });
  await expect(row).toContainText("Received");
  await expect(row).toContainText("Not assigned");
  await noViolations(page, "register");
  await row.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Case ${reference}` })).toBeVisible();
  await expect(page.getByText("Alex Caller")).toBeVisible();
  await noViolations(page, "case");

  // The acknowledgement (Appendix B letter) went to the print queue at once: a telephone
  // complaint with an address and no email. It counts as sent only once it is posted.
  await expect(page.getByText("The acknowledgement letter is waiting to go")).toBeVisible();
  await page.getByRole("link", { name: "Letters to post" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Letters to post" })).toBeVisible();
  await noViolations(page, "print queue");
  await page.getByRole("link", { name: /^Print all/ }).click();
  await expect(page.locator(".letter").filter({ hasText: reference }).first()).toBeVisible();
  await expect(page.locator(".letter").filter({ hasText: reference }).first()).toContainText("2 Station Road");
  await page.getByRole("link", { name: "Back to the letters to post" }).click();
  await page.getByRole("link", { name: "Register", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Received");
  await page.getByRole("link", { name: "Letters to post" }).first().click();
  await page.getByRole("row").filter({ hasText: reference }).getByRole("button", { name: /Mark as posted/ }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toHaveCount(0);
  await page.getByRole("link", { name: "Register", exact: true }).click();
  const posted = page.getByRole("row").filter({ hasText: reference });
  await expect(posted).toContainText("Acknowledged");
  await posted.getByRole("link", { name: reference }).click();

  // Take it with the independence confirmation, investigate.
  await page.getByRole("button", { name: "Start investigation" }).click();
  await expect(page.getByRole("alert")).toContainText("Assign a handler to this case first");
  await page.getByLabel("Assign to").selectOption("kim");
  await page.getByLabel(/I confirm I have not worked on/).first().check();
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(banner(page)).toContainText("Handler assigned");
  await page.getByRole("button", { name: "Start investigation" }).click();
  await expect(banner(page)).toContainText("Investigation started");

  // Record the outcome: the form checks itself, then makes the Appendix C letter.
  await page.getByRole("link", { name: "Record the outcome" }).click();
  await page.getByRole("button", { name: "Record outcome and make the letter" }).click();
  await expect(page.getByRole("alert")).toContainText("Select whether the complaint was upheld");
  await noViolations(page, "outcome form with errors");
  await page.getByLabel("Partly upheld").check();
  await page.getByLabel("Summary of the complaint").fill("Your housing file was sent with another person's letters in it.");
  await page.getByLabel("Investigation steps").fill("We checked the postal log and spoke to the housing team.");
  await page.getByLabel("Findings").fill("Two letters belonging to someone else were enclosed by mistake.");
  await page.getByLabel("Action 1", { exact: true }).fill("Add a second check before files are posted");
  await page.getByLabel("Owner of action 1").fill("Housing Services Manager");
  await page.getByLabel("Action 1 due by").fill(daysFromNow(60));
  await page.getByRole("button", { name: "Record outcome and make the letter" }).click();
  await expect(banner(page)).toContainText("Outcome recorded");

  // The outcome letter, laid out for printing.
  await page.getByRole("link", { name: /^Outcome letter/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Outcome of Your Data Protection Complaint (Ref: ${reference})` })).toBeVisible();
  await expect(page.getByText("your complaint is partly upheld")).toBeVisible();
  await expect(page.getByText(/0303 123 1113/)).toBeVisible();
  await noViolations(page, "letter");
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".staff-nav")).toBeHidden();
  await expect(page.locator(".letter")).toBeVisible();
  const pdf = await page.pdf({ format: "A4" });
  expect(pdf.length).toBeGreaterThan(1000);
  await page.emulateMedia({ media: "screen" });

  // The outcome letter goes by post too: the case shows the outcome sent once it is posted.
  await page.getByRole("link", { name: "Back to the case" }).click();
  await expect(page.getByText("The outcome letter is waiting to go")).toBeVisible();
  await page.getByRole("link", { name: "Letters to post" }).first().click();
  await page.getByRole("row").filter({ hasText: reference }).getByRole("button", { name: /Mark as posted/ }).click();
  // Back to it from the register, filtered to decided cases (other tests' open cases may fill
  // the first page of the whole register).
  await page.getByRole("link", { name: "Register", exact: true }).click();
  await page.goto("/staff/register?status=outcome_sent");
  await page.getByRole("row").filter({ hasText: reference }).getByRole("link", { name: reference }).click();

  // Close it, with an improvement action for the register.
  await page.getByRole("link", { name: "Close the case" }).click();
  await page.getByLabel("Resolution").fill("Apology given and the enclosed letters retrieved.");
  await page.getByLabel("Action 1", { exact: true }).fill("Remind housing staff of the posting checklist");
  await page.getByLabel("Owner of action 1").fill("Information Governance Manager");
  await page.getByLabel("Action 1 due by").fill(daysFromNow(30));
  await page.getByRole("button", { name: "Close the case" }).click();
  await expect(banner(page)).toContainText("Case closed");
  await expect(page.getByText("Remind housing staff of the posting checklist")).toBeVisible();

  // Both actions are on the register of actions, with their owners.
  await page.getByRole("link", { name: "Actions", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: "Remind housing staff of the posting checklist" })).toContainText("Information Governance Manager");
  await expect(page.getByRole("row").filter({ hasText: "Add a second check before files are posted" })).toContainText("Remedial");
  await noViolations(page, "actions");

  // The register's default view is open cases; closed ones are a filter away.
  await page.getByRole("link", { name: "Register", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toHaveCount(0);
  // (Closed ones: other tests' cases may fill the first page of all of them.)
  await page.getByLabel("Status").selectOption("closed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Closed");

  // The DPO sees each step in the audit trail.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const dpo = await context.newPage();
  await signIn(dpo, "dee");
  await dpo.getByRole("link", { name: "Audit trail" }).first().click();
  await dpo.getByLabel("Case reference").fill(reference.toLowerCase().replace(/-/g, " "));
  await dpo.getByRole("button", { name: "Show" }).click();
  const trail = dpo.locator("table.audit tbody");
  for (const action of [
    "keyed in a complaint",
    "viewed case",
    "marked a letter posted",
    "assigned a handler",
    "status: investigating",
    "outcome recorded",
    "viewed outcome letter",
    "status: closed",
  ]) {
    await expect(trail.getByRole("row").filter({ hasText: action }).filter({ hasText: "kim" }).first(), action).toBeVisible();
  }
  await noViolations(dpo, "audit trail");
  await context.close();
});

test("staff pages need the right role", async ({ page }) => {
  addUser("ivy", "intake", "Ivy Intake");
  await signIn(page, "ivy");
  await expect(page.getByRole("link", { name: "Register", exact: true })).toHaveCount(0);
  const response = await page.goto("/staff/register");
  expect(response!.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You cannot use this page" })).toBeVisible();
});
