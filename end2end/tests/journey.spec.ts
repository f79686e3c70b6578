import { test, expect } from "@playwright/test";
import {
  REFERENCE, answerEverything, emailsTo, continueOn, hydrated, noHorizontalScroll, fillAboutYou, fillWhoFor,
  fillWhatAbout, fillOutcome, fillConsent,
} from "./helpers";

test.describe("with WebAssembly", () => {
  test("the whole journey, without a page load between steps", async ({ page }) => {
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto("/");
    await page.getByRole("button", { name: "Start now" }).click();
    await hydrated(page);
    // A marker that a full page load would wipe out.
    await page.evaluate(() => ((window as any).__samePage = true));
    await fillAboutYou(page);
    // The new step's heading takes focus, so a screen reader announces it.
    await expect(page.getByRole("heading", { level: 1, name: "Who the complaint is for" })).toBeFocused();
    await fillWhoFor(page);
    await fillWhatAbout(page);
    await fillOutcome(page);
    // Opt-outs are the person's choice: never ticked for them.
    await expect(page.getByLabel("Do not invite me to the customer satisfaction survey")).not.toBeChecked();
    await expect(page.getByLabel("Do not use my case in published summaries")).not.toBeChecked();
    await expect(page.getByText(/we may not be able to investigate it fully/)).toBeVisible();
    await fillConsent(page);
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await noHorizontalScroll(page);
    const summary = page.locator(".summary-list");
    await expect(summary).toContainText("Sam Example");
    await expect(summary).toContainText("ng2 7qp");
    // Change an answer and come back to the check page.
    await page.getByRole("button", { name: "Change full name" }).click();
    await expect(page.getByLabel("Full name")).toHaveValue("Sam Example");
    await page.getByLabel("Full name").fill("Sam Q Example");
    await continueOn(page);
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await expect(summary).toContainText("Sam Q Example");
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
    await expect(page.getByText(/We aim to tell you the outcome by \d+ \w+ \d{4}/)).toBeVisible();
    await expect(page.getByText(/0303 123 1113/)).toBeVisible();
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
    // A confirmation email with the reference reaches the person (through the SMTP server).
    const reference = (await page.locator(".reference").textContent())!;
    await expect
      .poll(() => emailsTo("sam@example.com").filter((m) => m.includes(`Your reference is ${reference}`)).length, { timeout: 20_000 })
      .toBe(1);
    // Nothing personal in any address the browser used.
    expect(page.url()).not.toContain("Sam");
    // Sent: the draft is gone from the device.
    expect(await page.evaluate(() => localStorage.getItem("dp-complaint-draft"))).toBeNull();
    // Nothing was blocked by the Content-Security-Policy, and nothing went wrong in the page.
    expect(consoleErrors).toEqual([]);
  });

  test("an empty step shows the error summary, focused, linking to each field", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await continueOn(page);
    const summary = page.getByRole("alert");
    await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
    await expect(summary).toBeFocused();
    await expect(page).toHaveTitle(/^Error: /);
    await summary.getByRole("link", { name: "Enter your full name" }).click();
    await expect(page.getByLabel("Full name")).toBeFocused();
    await expect(page.locator("#full_name-error")).toContainText("Enter your full name");
  });

  test("changed answers sent again after Back go only as a new complaint, when the person says so", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Back Again" });
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    const first = await page.locator(".reference").textContent();
    // Back to the check page, one answer changed, sent again from the same form.
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Change full name" }).click();
    await page.getByLabel("Full name").fill("Back Again Changed");
    await continueOn(page);
    await page.getByRole("button", { name: "Send complaint" }).click();
    const notice = page.getByRole("alert");
    await expect(notice).toContainText(`You have already sent a complaint from this form. Its reference is ${first}.`);
    await expect(notice).toContainText("they have not been sent");
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Send as a new complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
    await expect(page.locator(".reference")).not.toHaveText(first!);
  });

  test("a double tap on send sends once", async ({ page }) => {
    let sends = 0;
    await page.route("**/api/submit-complaint", async (route) => {
      sends++;
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Double Tap" });
    await page.getByRole("button", { name: "Send complaint" }).dblclick();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    expect(sends).toBe(1);
  });

  test("a dropped connection keeps the answers, says the complaint waits, and sending again sends it", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Flaky Connection" });
    await page.route("**/api/submit-complaint", (route) => route.abort("internetdisconnected"));
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText("Your complaint is waiting to send");
    expect(await page.evaluate(() => localStorage.getItem("dp-complaint-draft"))).toContain("Flaky Connection");
    await page.unroute("**/api/submit-complaint");
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
  });

  test("a refusal from the service (not a lost signal) says to try again, and nothing waits", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Refused Rita" });
    await page.route("**/api/submit-complaint", (route) => route.fulfill({ status: 503, body: "down" }));
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText("Your complaint has not been sent");
    await expect(page.getByRole("alert")).not.toContainText("waiting to send");
    await page.unroute("**/api/submit-complaint");
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
  });

  test("sending without a network waits on the device and goes once the network is back", async ({ page, context }) => {
    const answered: number[] = [];
    page.on("response", (r) => {
      if (r.url().endsWith("/api/submit-complaint")) answered.push(r.status());
    });
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Offline Olive" });
    await context.setOffline(true);
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText("Your complaint is waiting to send");
    await expect(page.locator(".reference")).toHaveCount(0);
    expect(answered).toEqual([]);
    // Kept on the device, marked to send.
    const stored = await page.evaluate(() => localStorage.getItem("dp-complaint-draft"));
    expect(stored).toContain("Offline Olive");
    // Back online: it goes by itself, once, and only then is the reference shown.
    await context.setOffline(false);
    await expect(page.locator(".reference")).toHaveText(REFERENCE, { timeout: 10_000 });
    expect(answered).toEqual([200]);
    const reference = (await page.locator(".reference").textContent())!;
    await expect
      .poll(() => emailsTo("sam@example.com").filter((m) => m.includes(`Your reference is ${reference}`)).length, { timeout: 20_000 })
      .toBe(1);
    expect(await page.evaluate(() => localStorage.getItem("dp-complaint-draft"))).toBeNull();
  });

  test("a complaint left waiting when the page was closed goes when the person comes back online", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Later Lorna" });
    await context.setOffline(true);
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText("Your complaint is waiting to send");
    await page.close();
    // Later, with a network again: the same device, a new visit to the form.
    await context.setOffline(false);
    const again = await context.newPage();
    const answered: number[] = [];
    again.on("response", (r) => {
      if (r.url().endsWith("/api/submit-complaint")) answered.push(r.status());
    });
    await again.goto("/complaint");
    await expect(again.locator(".reference")).toHaveText(REFERENCE, { timeout: 10_000 });
    await expect(again.getByRole("heading", { level: 1 })).toContainText("received");
    expect(answered).toEqual([200]);
    expect(await again.evaluate(() => localStorage.getItem("dp-complaint-draft"))).toBeNull();
    // A reload now starts afresh: nothing is sent twice.
    await again.reload();
    await hydrated(again);
    expect(answered).toEqual([200]);
    await context.close();
  });

  test("without storage, a complaint sent offline is not kept and the person is told to try again", async ({ page, context }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("blocked", "SecurityError");
        },
      });
    });
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { name: "Nostore Nina" });
    await context.setOffline(true);
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText("Your complaint has not been sent");
    await expect(page.getByRole("alert")).not.toContainText("waiting to send");
    await context.setOffline(false);
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
  });

  // SPEC "Categories and triage": where a breach is possible, whether one happened is its own
  // question; the outcome question follows only a "yes".
  test("a complaint about sharing asks whether a breach happened, and only a breach becomes a breach report", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await fillAboutYou(page);
    await fillWhoFor(page);
    const happened = page.getByRole("group", { name: /Was your information lost, stolen/ });
    const reported = page.getByRole("group", { name: /have you already reported this to us/ });
    await expect(happened).toBeHidden();
    await page.getByLabel(/We shared your information when we should not have/).check();
    await expect(happened).toBeVisible();
    await expect(reported).toBeHidden();
    await happened.getByLabel("Yes").check();
    await expect(reported).toBeVisible();
    await happened.getByLabel("No").check();
    await expect(reported).toBeHidden();
    await page.getByLabel(/Which service/).fill("Housing");
    await page.getByLabel("What happened?").fill("You gave my new address to my former landlord without asking me first.");
    await continueOn(page);
    await fillOutcome(page);
    await fillConsent(page);
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
  });

  test("a breach reported without the breach outcome becomes a breach report", async ({ page }) => {
    await page.goto("/complaint");
    await hydrated(page);
    await answerEverything(page, { category: /data breach/, breach: /not reported it before/ });
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Data breach report received" })).toBeVisible();
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole journey with plain form posts", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "Start now" }).click();
    await answerEverything(page, { name: "Plain Forms" });
    await noHorizontalScroll(page);
    await expect(page.locator(".summary-list")).toContainText("Plain Forms");
    await page.getByRole("button", { name: "Change full name" }).click();
    await expect(page.getByLabel("Full name")).toHaveValue("Plain Forms");
    await continueOn(page);
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    const reference = await page.locator(".reference").textContent();
    expect(reference).toMatch(REFERENCE);
    expect(page.url()).not.toContain("Plain");
    // The back button and sending again: the same complaint, not a second one.
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "We already have your complaint" })).toBeVisible();
    await expect(page.locator(".reference")).toHaveText(reference!);
  });

  test("changed answers sent again after Back go only as a new complaint, when the person says so", async ({ page }) => {
    await page.goto("/complaint");
    await answerEverything(page, { name: "Plain Back" });
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    const first = await page.locator(".reference").textContent();
    await page.goBack();
    await expect(page.getByRole("heading", { level: 1, name: /Check your answers/ })).toBeVisible();
    await page.getByRole("button", { name: "Change full name" }).click();
    await page.getByLabel("Full name").fill("Plain Back Changed");
    await continueOn(page);
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.getByRole("alert")).toContainText(
      `You have already sent a complaint from this form. Its reference is ${first}.`,
    );
    await expect(page.locator(".summary-list")).toContainText("Plain Back Changed");
    await page.getByRole("button", { name: "Send as a new complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
    await expect(page.locator(".reference")).not.toHaveText(first!);
  });

  test("an empty step shows the error summary", async ({ page }) => {
    await page.goto("/complaint");
    await expect(page).toHaveTitle("About you – Data protection complaint");
    await continueOn(page);
    await expect(page).toHaveTitle("Error: About you – Data protection complaint");
    await expect(page.getByRole("heading", { name: "There is a problem" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Enter your full name" })).toHaveAttribute("href", "#full_name");
    await expect(page.locator("#full_name-error")).toContainText("Enter your full name");
  });

  test("answers are kept when a later step has an error", async ({ page }) => {
    await page.goto("/complaint");
    await fillAboutYou(page, "Kept Answers");
    await continueOn(page); // who-for left empty
    await expect(page.getByRole("link", { name: "Select who you are complaining for" })).toBeVisible();
    await page.getByLabel("Myself").check();
    await continueOn(page);
    await expect(page.getByRole("heading", { level: 1, name: "What your complaint is about" })).toBeVisible();
    await expect(page.locator('input[name="full_name"]')).toHaveValue("Kept Answers");
  });
});

// Phones fill in personal details from the address book only where each box says what it holds
// (WCAG 1.3.5, Identify Input Purpose): every personal-details field carries its token.
for (const javaScriptEnabled of [true, false]) {
  test(`every personal-details field says what it holds for autofill (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto("/complaint");
    if (javaScriptEnabled) await hydrated(page);
    await expect(page.getByRole("heading", { level: 1, name: "About you" })).toBeVisible();
    const tokens: [string | RegExp, string][] = [
      ["Full name", "name"],
      ["Building and street", "street-address"],
      ["Town or city", "address-level2"],
      ["Postcode", "postal-code"],
      [/^Email address/, "email"],
      [/^Telephone number/, "tel"],
    ];
    for (const [label, token] of tokens) {
      await expect(page.getByLabel(label), String(label)).toHaveAttribute("autocomplete", token);
    }
    await context.close();
  });
}

// Issue 10: complaining through an MP. The constituent gives the MP's details (letters are
// copied to the MP); an MP writing for a constituent names them instead. With the WebAssembly
// only the questions that apply show; without it every question shows and the server sorts it.
for (const javaScriptEnabled of [true, false]) {
  test(`through an MP: the MP's details, or the constituent when the MP writes (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto("/complaint");
    if (javaScriptEnabled) await hydrated(page);
    await fillAboutYou(page, "Office of Ann Member");
    await page.getByLabel("I am an MP, or complaining through my MP").check();
    await page.getByLabel("The MP's name").fill("Ann Member MP");
    const writing = page.getByLabel("I am the MP, or I work in their office, and I am writing for a constituent");
    if (javaScriptEnabled) {
      // Only the questions for the constituent writing show until the box is ticked.
      await expect(page.getByLabel("The MP's email address (optional)")).toBeVisible();
      await expect(page.getByLabel("The constituent's full name")).toBeHidden();
    }
    await writing.check();
    if (javaScriptEnabled) await expect(page.getByLabel("The MP's email address (optional)")).toBeHidden();
    // The constituent's name is needed.
    await continueOn(page);
    await expect(page.locator("#error-summary")).toContainText("Enter the name of the constituent you are writing for");
    await page.getByLabel("The constituent's full name").fill("Connie Constituent");
    await page.getByLabel("The constituent's address (optional)").fill("2 Mill Lane\nNottingham");
    await continueOn(page);
    await fillWhatAbout(page);
    await fillOutcome(page);
    await fillConsent(page);
    await expect(page.locator(".summary-list")).toContainText("Written by the MP for Connie Constituent");
    await page.getByRole("button", { name: "Send complaint" }).click();
    await expect(page.locator(".reference")).toHaveText(REFERENCE);
    await context.close();
  });
}

test("the constituent writing through their MP gives the MP's email, and the MP gets copies", async ({ page }) => {
  await page.goto("/complaint");
  await hydrated(page);
  await fillAboutYou(page, "Connie Through Mp");
  await page.getByLabel("I am an MP, or complaining through my MP").check();
  await page.getByLabel("The MP's name").fill("Ann Member MP");
  await page.getByLabel("The MP's email address (optional)").fill("not an address");
  await continueOn(page);
  await expect(page.locator("#error-summary")).toContainText("Enter the MP's email address in the right format");
  await page.getByLabel("The MP's email address (optional)").fill("ann.member.e2e@parliament.uk");
  await continueOn(page);
  await fillWhatAbout(page);
  await fillOutcome(page);
  await fillConsent(page);
  await expect(page.locator(".summary-list")).toContainText("ann.member.e2e@parliament.uk");
  await page.getByRole("button", { name: "Send complaint" }).click();
  const reference = (await page.locator(".reference").textContent())!;
  // The acknowledgement goes to the person, and a copy to the MP.
  await expect
    .poll(() => emailsTo("ann.member.e2e@parliament.uk").filter((m) => m.includes(reference)).length, { timeout: 20_000 })
    .toBe(1);
});
