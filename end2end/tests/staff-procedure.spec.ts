import { test, expect, Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { noViolations, addUser, PASSWORD } from "./helpers";

async function signIn(page: Page, username: string) {
  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Hello, / })).toBeVisible();
}

const banner = (page: Page) => page.getByRole("status").filter({ has: page.locator(".notification-banner__heading") });

function daysFromNow(n: number) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

/** A complaint sent through the API (acknowledged by email at once); its reference. */
async function sendComplaint(page: Page, name: string, description: string, category = "subject_access") {
  const res = await page.request.post("/api/v1/complaints", {
    headers: { "Idempotency-Key": randomUUID() },
    data: {
      full_name: name,
      address_line_1: "4 Canal Street",
      address_town: "Nottingham",
      address_postcode: "NG1 7EH",
      email: `${name.split(" ")[0].toLowerCase()}.${Date.now()}@example.com`,
      preferred_contact: "email",
      on_behalf_of: "myself",
      category,
      description,
      outcomes_wanted: ["apology"],
      also_about_service: false,
      consent_handle: true,
      consent_share: true,
    },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).reference as string;
}

/** A complaint sent through the API, acknowledged by email, then taken by kim and under
 * investigation; the page is left on the case. */
async function underInvestigation(page: Page, name: string, description: string) {
  const reference = await sendComplaint(page, name, description);
  const casePath = `/staff/cases/${reference.replace(/-/g, "")}`;
  await signIn(page, "kim");
  // The acknowledgement goes by email at once; then the handler takes the case.
  await expect(async () => {
    await page.goto(casePath);
    await expect(page.locator(".tag").first()).toHaveText("Acknowledged");
  }).toPass({ timeout: 30_000 });
  await page.getByLabel("Assign to").selectOption("kim");
  await page.getByLabel(/I confirm I have not worked on/).first().check();
  await page.getByRole("button", { name: "Assign" }).click();
  await page.getByRole("button", { name: "Start investigation" }).click();
  await expect(banner(page)).toContainText("Investigation started");
  return { reference };
}

test.beforeAll(() => {
  addUser("kim", "handler", "Kim Handler");
});

test("a handler works a case through an update, a correction, 'not investigated', a review and an outcome", async ({ page }) => {
  test.setTimeout(120_000);
  const { reference } = await underInvestigation(
    page,
    "Paula Procedure",
    "I asked for my records in January and heard nothing back, though I chased twice.",
  );

  // A progress update: the form checks itself, then makes the update letter.
  await page.getByRole("link", { name: "Record a progress update" }).click();
  await noViolations(page, "progress update form");
  await page.getByRole("button", { name: "Record the update and make the letter" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter what has happened so far");
  await noViolations(page, "progress update form with errors");
  const revised = daysFromNow(120);
  await page.getByLabel("What has happened so far").fill("We have asked the records team for your file.");
  await page.getByLabel("The date you now expect to send the outcome").fill(revised);
  await page.getByLabel("Why it will take longer").fill("Part of the file is archived off site.");
  await page.getByRole("button", { name: "Record the update and make the letter" }).click();
  await expect(banner(page)).toContainText("Progress update recorded");
  await expect(page.getByText("Revised expected date (progress update)")).toBeVisible();
  await noViolations(page, "case with a progress update");

  // The update letter, laid out to print.
  await page.getByRole("link", { name: /^Progress update letter/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Your Data Protection Complaint – Progress Update (Ref: ${reference})` })).toBeVisible();
  await expect(page.getByText("Part of the file is archived off site.")).toBeVisible();
  await noViolations(page, "progress update letter");
  await page.emulateMedia({ media: "print" });
  expect((await page.pdf({ format: "A4" })).length).toBeGreaterThan(1000);
  await page.emulateMedia({ media: "screen" });
  await page.getByRole("link", { name: "Back to the case" }).click();

  // A correction: a new telephone number, and the person now declines sharing.
  await page.getByRole("link", { name: "Correct their details or choices" }).click();
  await noViolations(page, "correction form");
  await page.getByLabel("Telephone number (optional)").fill("0115 496 0123");
  await page.getByRole("group", { name: /May we share their name/ }).getByLabel("No").check();
  await page.getByLabel("Why are the details being corrected?").fill("She phoned with a new number and withdrew consent to share.");
  await page.getByRole("button", { name: "Save the correction" }).click();
  await expect(banner(page)).toContainText("Details corrected");
  await expect(page.getByText("Changed: Telephone, May share with the organisation complained about", { exact: true })).toBeVisible();

  // Closed as "not investigated", with a reason from the list.
  await page.getByRole("link", { name: "End the case without an outcome" }).click();
  await noViolations(page, "ending form");
  await page.getByLabel("Not investigated", { exact: true }).check();
  await page.getByRole("button", { name: "End the case and make the letter" }).click();
  await expect(page.getByRole("alert")).toContainText("Select why the complaint will not be investigated");
  await noViolations(page, "ending form with errors");
  await page.getByLabel("If it will not be investigated, why?").selectOption({ index: 2 });
  await page.getByRole("button", { name: "End the case and make the letter" }).click();
  await expect(banner(page)).toContainText("Case closed");
  await expect(page.getByText(/This case is closed: Not investigated/)).toBeVisible();

  // Reopened for review: back under investigation, the first ending on record.
  await page.getByLabel("Reopen for review because").fill("The complainant asked for a review of the decision.");
  await page.getByRole("button", { name: "Reopen for review" }).click();
  await expect(banner(page)).toContainText("Case reopened for review");
  await expect(page.getByText(/Ended before the review: Not investigated/)).toBeVisible();
  await noViolations(page, "reopened case");
  // The handler declares their independence again for the review (seed 004 §30).
  const confirm = page.locator("form").filter({ has: page.getByRole("button", { name: "Confirm and take the case" }) });
  await confirm.getByLabel(/I confirm I have not worked on any part/).check();
  await confirm.getByRole("button", { name: "Confirm and take the case" }).click();
  await expect(banner(page)).toBeVisible();

  // The review's outcome, and its letter.
  await page.getByRole("link", { name: "Record the outcome" }).click();
  await page.getByLabel("Not upheld").check();
  await page.getByLabel("Summary of the complaint").fill("You asked for your records and did not hear back.");
  await page.getByLabel("Investigation steps").fill("We looked at the request log again.");
  await page.getByLabel("Findings").fill("The request was answered within the time allowed; the reply went to an old address.");
  await page.getByLabel("If no action is needed, why (optional)").fill("The address is now corrected.");
  await page.getByRole("button", { name: "Record outcome and make the letter" }).click();
  await expect(banner(page)).toContainText("Outcome recorded");
  await page.getByRole("link", { name: /^Outcome letter/ }).click();
  await expect(page.getByText("your complaint is not upheld")).toBeVisible();
  await noViolations(page, "outcome letter after review");
  await page.emulateMedia({ media: "print" });
  expect((await page.pdf({ format: "A4" })).length).toBeGreaterThan(1000);
  await page.emulateMedia({ media: "screen" });

  // The register: closed cases say how they ended; the actions page filters.
  await page.goto("/staff/actions?show=overdue");
  await noViolations(page, "actions, overdue");
});

test("a breach report's page and a complaint through an MP pass axe, with their forms", async ({ page }) => {
  test.setTimeout(60_000);
  const send = async (extra: Record<string, unknown>) => {
    const res = await page.request.post("/api/v1/complaints", {
      headers: { "Idempotency-Key": randomUUID() },
      data: {
        full_name: "Axel Checked",
        address_line_1: "5 Canal Street",
        address_postcode: "NG1 7EH",
        email: `axel.${Date.now()}@example.com`,
        preferred_contact: "email",
        on_behalf_of: "myself",
        category: "subject_access",
        description: "Enough words here to describe what happened to my information.",
        outcomes_wanted: ["apology"],
        also_about_service: false,
        consent_handle: true,
        consent_share: true,
        ...extra,
      },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()).reference as string).replace(/-/g, "");
  };
  const breach = await send({ category: "personal_data_breach", breach_status: "not_reported" });
  const mp = await send({ on_behalf_of: "mp", mp_name: "Ann Member MP" });
  await signIn(page, "kim");
  await page.goto(`/staff/cases/${breach}`);
  await expect(page.getByRole("heading", { level: 3, name: "A complaint after the breach outcome" })).toBeVisible();
  await noViolations(page, "breach report case page");
  await page.goto(`/staff/cases/${mp}`);
  await expect(page.getByRole("heading", { level: 2, name: "Through their MP" })).toBeVisible();
  await page.getByLabel("MP's email address (optional if there is a postal address)").fill("ann.member.mp@parliament.uk");
  await page.getByRole("button", { name: "Save the MP's details" }).click();
  await expect(banner(page)).toContainText("The MP's details are recorded");
  await noViolations(page, "case through an MP");
  await page.goto("/staff/register?outstanding=identity");
  await noViolations(page, "register, still to do");
});

// SPEC "The investigation" (seed 004 §30, §33, §36) and "Reporting" (§47): a case worked
// through its plan, an interim measure and its findings into the outcome letter; the DPO's
// recommendation on the quarterly report, followed up on the actions page. Each new page
// passes axe.
test("a case is worked through its investigation plan, an interim measure and findings into the outcome letter", async ({ page }) => {
  test.setTimeout(120_000);
  addUser("dee", "dpo", "Dee Officer");
  await underInvestigation(page, "Ines Investigated", "My records were sent to the wrong address.");

  // The plan: refused with what is missing, then saved.
  await page.getByRole("link", { name: "Record the investigation plan" }).click();
  await noViolations(page, "investigation plan form");
  await page.getByLabel("Scope").fill("Where the records were sent, and why.");
  await page.getByRole("button", { name: "Save the plan" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter where the evidence will come from");
  await expect(page.getByLabel("Scope")).toHaveValue("Where the records were sent, and why.");
  await noViolations(page, "investigation plan form with errors");
  await page.getByLabel("Evidence sources").fill("The dispatch log; the address history.");
  await page.getByLabel("Stakeholders").fill("Records team; Post room.");
  const first = page.getByRole("group", { name: "Milestone 1" });
  await first.getByLabel("What").fill("Dispatch log checked");
  await first.getByLabel("By").fill(daysFromNow(7));
  await page.getByRole("button", { name: "Save the plan" }).click();
  await expect(banner(page)).toContainText("Investigation plan saved");

  // An interim measure, and the findings.
  await page.getByRole("link", { name: "Record an interim measure" }).click();
  await noViolations(page, "interim measure form");
  await page.getByLabel("Interim measure").fill("The wrong address was removed from the file.");
  await page.getByRole("button", { name: "Record the measure" }).click();
  await expect(banner(page)).toContainText("Interim measure recorded");
  await page.getByRole("link", { name: "Record the findings" }).click();
  await noViolations(page, "findings form");
  await page.getByLabel("Facts established").fill("The records went to an address the complainant left in 2023.");
  await page.getByLabel("The law that applies").fill("UK GDPR article 5(1)(d): accuracy.");
  await page.getByLabel("Risks to the individual").fill("The new occupant may have read them.");
  await page.getByLabel("Breaches of policy or law found").fill("Article 5(1)(d).");
  await page.getByRole("button", { name: "Save the findings" }).click();
  await expect(banner(page)).toContainText("Findings saved");
  await expect(page.getByText("Dispatch log checked")).toBeVisible();
  await noViolations(page, "case with its investigation record");

  // The outcome form starts from the findings; the letter carries them.
  await page.getByRole("link", { name: "Record the outcome" }).click();
  await expect(page.getByLabel("Findings")).toHaveValue(/The records went to an address the complainant left in 2023\./);
  await page.getByLabel("Not upheld").check();
  await page.getByLabel("Summary of the complaint").fill("Your records were sent to an old address.");
  await page.getByLabel("Investigation steps").fill("We checked the dispatch log.");
  await page.getByLabel("If no action is needed, why (optional)").fill("The address is corrected.");
  await page.getByRole("button", { name: "Record outcome and make the letter" }).click();
  await expect(banner(page)).toContainText("Outcome recorded");
  await page.getByRole("link", { name: /^Outcome letter/ }).click();
  await expect(page.getByText(/The records went to an address the complainant left in 2023\./)).toBeVisible();

  // The DPO's recommendation on the last complete quarter's report, followed up.
  await page.getByRole("button", { name: "Sign out" }).click();
  const dpo = page;
  await signIn(dpo, "dee");
  await dpo.goto("/staff/reports");
  await dpo.getByRole("link", { name: "Add a recommendation" }).click();
  await noViolations(dpo, "recommendation form");
  await dpo.getByLabel("Recommendation").fill("Check addresses before sending records.");
  await dpo.getByRole("button", { name: "Add the recommendation" }).click();
  await expect(dpo.getByRole("alert")).toContainText("Enter who owns the recommendation");
  await noViolations(dpo, "recommendation form with errors");
  await dpo.getByLabel("Owner").fill("Records Manager");
  await dpo.getByLabel("Date for completion").fill(daysFromNow(60));
  await dpo.getByRole("button", { name: "Add the recommendation" }).click();
  await expect(dpo.getByRole("cell", { name: "Check addresses before sending records.", exact: true })).toBeVisible();
  await noViolations(dpo, "report with a recommendation");
  await dpo.goto("/staff/actions");
  await dpo.getByRole("link", { name: /Mark done.*Check addresses/ }).click();
  await noViolations(dpo, "mark a recommendation done");
  await dpo.getByRole("button", { name: "Mark done" }).click();
  await expect(dpo.getByText(/^Done /).first()).toBeVisible();
  await noViolations(dpo, "actions with a recommendation done");
});

test("a handler asks for more information: the outcome target pauses, and the reply starts it again", async ({ page }) => {
  test.setTimeout(90_000);
  const { reference } = await underInvestigation(
    page,
    "Clara Clarify",
    "They sent my file to the wrong address and nobody will tell me what happened to it.",
  );
  await page.getByRole("link", { name: "Ask the complainant for more information" }).first().click();
  await noViolations(page, "request for more information form");
  await page.getByRole("button", { name: "Send the request and pause the target" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter what you need from the complainant");
  await noViolations(page, "request form with errors");
  await page.getByLabel("What do you need from the complainant?").fill("The date of the letter that went to the wrong address.");
  await page.getByRole("button", { name: "Send the request and pause the target" }).click();
  await expect(banner(page)).toContainText("Request for more information recorded");
  await expect(page.getByText(/^Waiting for the complainant since/)).toBeVisible();
  await expect(page.getByText(/The outcome target is paused: 0 days so far/)).toBeVisible();
  await expect(page.getByText("The outcome waits for the complainant's reply: record it below first.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Record the outcome" })).toHaveCount(0);
  await noViolations(page, "case waiting for the complainant");

  // The request, laid out to print.
  await page.getByRole("link", { name: /^Request for more information/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Your Data Protection Complaint – We Need More Information (Ref: ${reference})` })).toBeVisible();
  await expect(page.getByText("The date of the letter that went to the wrong address.")).toBeVisible();
  await noViolations(page, "request letter");

  // The register shows it paused and waiting.
  await page.goto("/staff/register?outstanding=reply");
  const row = page.getByRole("row", { name: new RegExp(reference) });
  await expect(row).toContainText("Paused");
  await expect(row).toContainText("Waiting for the complainant since");
  await noViolations(page, "register of cases waiting for the complainant");
  await row.getByRole("link", { name: reference }).click();

  // The reply: the target runs again and the outcome can be recorded.
  await page.getByRole("button", { name: "Record the complainant's reply" }).click();
  await expect(banner(page)).toContainText("Reply recorded");
  await expect(page.getByRole("link", { name: "Record the outcome" })).toBeVisible();
  await expect(page.getByText(/^Waiting for the complainant since/)).toHaveCount(0);
  await expect(page.getByRole("listitem").filter({ hasText: "reply received" })).toHaveCount(1);
  await noViolations(page, "case after the reply");
});

test("a handler groups three cases under an incident and sends each a progress update in one go", async ({ page }) => {
  test.setTimeout(120_000);
  const references: string[] = [];
  for (const name of ["Ida Incident", "Ian Incident", "Iris Incident"]) {
    const about = "A letter about someone else's council tax arrived at my house with my details in it.";
    references.push(await sendComplaint(page, name, about, "portability"));
  }
  await signIn(page, "kim");
  // Their own category, which no other test uses: the whole register runs to many pages.
  const VIEW = "/staff/register?category=portability";
  const tick = async () => {
    for (const r of references) await page.getByLabel(`Select case ${r}`).check();
  };
  // Acknowledged by email at once; then taken together.
  await expect(async () => {
    await page.goto(VIEW);
    for (const r of references) {
      await expect(page.getByRole("row", { name: new RegExp(r) })).toContainText("Acknowledged");
    }
  }).toPass({ timeout: 30_000 });
  await noViolations(page, "register with the bulk controls");
  await tick();
  await page.getByLabel("Assign them").check();
  await page.getByLabel("Assign to").selectOption("kim");
  await page.getByLabel(/If assigning to myself: I confirm/).check();
  await page.getByRole("button", { name: "Do this to the cases ticked" }).click();
  await expect(page.getByRole("status")).toContainText("3 cases assigned.");
  await noViolations(page, "bulk result");

  // Grouped under the incident, and found by it.
  await page.goto(VIEW);
  await tick();
  await page.getByLabel("Group them under an incident").check();
  await page.getByLabel("Incident", { exact: true }).fill("Mis-sent council tax letters");
  await page.getByRole("button", { name: "Do this to the cases ticked" }).click();
  await expect(page.getByRole("status")).toContainText("3 cases grouped under the incident.");
  await page.goto(VIEW);
  await page.getByRole("link", { name: "Incident: Mis-sent council tax letters" }).first().click();
  await expect(page.getByRole("status").filter({ hasText: "Showing" })).toContainText("of 3 cases");

  // One progress update, a letter on each case. A mistake first: what was typed comes back.
  await tick();
  await page.getByLabel("Send each a progress update (a letter each)").check();
  await page.getByLabel("Progress update: what has happened so far").fill("We are writing to everyone whose letter went astray.");
  await page.getByRole("button", { name: "Do this to the cases ticked" }).click();
  await expect(page.getByRole("alert")).toContainText("Enter why it will take longer");
  await expect(page.getByLabel("Progress update: what has happened so far")).toHaveValue("We are writing to everyone whose letter went astray.");
  await noViolations(page, "bulk form with errors");
  await page.getByLabel("Progress update: the date you now expect to send the outcome").fill(daysFromNow(120));
  await page.getByLabel("Progress update: why it will take longer").fill("Each letter must be traced with the printer.");
  await page.getByRole("button", { name: "Do this to the cases ticked" }).click();
  await expect(page.getByRole("status")).toContainText("3 cases sent a progress update");
  await page.getByRole("link", { name: references[0] }).click();
  await expect(page.getByRole("link", { name: /^Progress update letter/ })).toBeVisible();
});

