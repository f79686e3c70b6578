import { test, expect, Page } from "@playwright/test";
import { REFERENCE, answerEverything, continueOn, hydrated } from "./helpers";

// The council's site (localhost) and the widget (127.0.0.1) are different origins and sites.
const COUNCIL = process.env.E2E_DEMO_ALLOWED!;
const STRANGER = process.env.E2E_DEMO_OTHER!;
const TITLE = "Data protection complaint form";

const frameOf = (page: Page) => page.frameLocator(`iframe[title="${TITLE}"]`);
const frameHeight = (page: Page) => page.locator(`iframe[title="${TITLE}"]`).evaluate((f) => f.getBoundingClientRect().height);

/** The frame is as tall as the widget's content: nothing hidden, no inner scrollbar, no gap.
    (Measured from both sides: Chromium does not lay out a frame scrolled out of view, so the
    widget's own idea of its window can lag behind the frame's real size.) */
async function noInnerScrollbar(page: Page) {
  await expect
    .poll(async () => {
      const content = await frameOf(page).locator("html").evaluate(() => document.documentElement.getBoundingClientRect().height);
      const frame = await page.locator(`iframe[title="${TITLE}"]`).evaluate((f) => f.clientHeight);
      return Math.abs(frame - Math.ceil(content));
    })
    .toBeLessThanOrEqual(1);
}

test("the widget loads in a frame on the council's page and grows and shrinks with its content", async ({ page }) => {
  const answer = page.waitForResponse((r) => r.url().startsWith("http://127.0.0.1") && r.request().resourceType() === "document");
  await page.goto(`${COUNCIL}/privacy-notice`);
  // Framed only where allowed, with the other security headers as on any page.
  const headers = await (await answer).allHeaders();
  expect(headers["content-security-policy"]).toContain(`frame-ancestors 'self' ${COUNCIL}`);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["set-cookie"]).toBeUndefined();
  const widget = frameOf(page);
  await expect(widget.getByRole("heading", { level: 1, name: /Complain about how we used your personal information/ })).toBeVisible();
  // The council's page has its own header: the widget's is hidden in the frame.
  await expect(widget.locator(".site-header")).toBeHidden();
  await noInnerScrollbar(page);
  const start = await frameHeight(page);

  await widget.getByRole("button", { name: "Start now" }).click();
  await hydrated(widget);
  await expect(widget.getByRole("heading", { level: 1, name: "About you" })).toBeVisible();
  await noInnerScrollbar(page);
  const question = await frameHeight(page);
  expect(question).not.toBe(start);

  // An error summary and a message beside each field: the frame grows to show them all.
  await continueOn(widget);
  await expect(widget.getByRole("alert")).toBeVisible();
  await expect.poll(() => frameHeight(page)).toBeGreaterThan(question);
  await noInnerScrollbar(page);
  const withErrors = await frameHeight(page);

  // The next, shorter step: it shrinks again.
  await widget.getByLabel("Full name", { exact: true }).fill("Framed Person");
  await widget.getByLabel(/^Email address/).fill("framed@example.com");
  await widget.getByRole("group", { name: "How would you like us to contact you?" }).getByLabel("Email").check();
  await continueOn(widget);
  await expect(widget.getByRole("heading", { level: 1, name: "Who the complaint is for" })).toBeVisible();
  await expect.poll(() => frameHeight(page)).toBeLessThan(withErrors);
  await noInnerScrollbar(page);
});

test("a new step brings the top of the widget into view, not the top of the council's page", async ({ page }) => {
  await page.goto(`${COUNCIL}/privacy-notice`);
  const widget = frameOf(page);
  await widget.getByRole("button", { name: "Start now" }).click();
  await hydrated(widget);
  await expect(widget.getByRole("heading", { level: 1, name: "About you" })).toBeVisible();
  // Scroll down to the "Continue" button at the bottom of the form, as a person would.
  await widget.getByRole("button", { name: "Continue" }).scrollIntoViewIfNeeded();
  const frame = page.locator(`iframe[title="${TITLE}"]`);
  expect(await frame.evaluate((f) => f.getBoundingClientRect().top)).toBeLessThan(0);
  await continueOn(widget);
  await expect(widget.getByRole("alert")).toBeVisible();
  await expect.poll(() => frame.evaluate((f) => Math.round(f.getBoundingClientRect().top))).toBeGreaterThanOrEqual(0);
  // ...and the council's page did not jump back to its own top.
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
});

test("a whole complaint can be made inside the frame", async ({ page }) => {
  await page.goto(`${COUNCIL}/privacy-notice`);
  const widget = frameOf(page);
  await widget.getByRole("button", { name: "Start now" }).click();
  await hydrated(widget);
  await answerEverything(widget, { name: "Framed Complainant" });
  await widget.getByRole("button", { name: "Send complaint" }).click();
  await expect(widget.getByRole("heading", { level: 1, name: "Complaint received" })).toBeVisible();
  await expect(widget.locator(".reference")).toHaveText(REFERENCE);
  await noInnerScrollbar(page);
  // The council's page itself never navigated.
  expect(page.url()).toBe(`${COUNCIL}/privacy-notice`);
});

test("a draft started in the frame survives a reload of the council's page", async ({ page }) => {
  await page.goto(`${COUNCIL}/privacy-notice`);
  const widget = frameOf(page);
  await widget.getByRole("button", { name: "Start now" }).click();
  await hydrated(widget);
  await widget.getByLabel("Full name", { exact: true }).fill("Draft In A Frame");
  await expect
    .poll(() => widget.locator("html").evaluate(() => localStorage.getItem("dp-complaint-draft")))
    .toContain("Draft In A Frame");
  await page.reload();
  const again = frameOf(page);
  await again.getByRole("button", { name: "Start now" }).click();
  await hydrated(again);
  await expect(again.getByLabel("Full name", { exact: true })).toHaveValue("Draft In A Frame");
  await expect(again.getByText(/We have restored the answers you saved on this device/)).toBeVisible();
});

test("a page whose origin is not allowed cannot show the widget", async ({ page }) => {
  const refused: string[] = [];
  page.on("console", (m) => {
    if (/frame-ancestors/.test(m.text())) refused.push(m.text());
  });
  const answer = page.waitForResponse((r) => r.url().startsWith("http://127.0.0.1") && r.request().resourceType() === "document");
  await page.goto(`${STRANGER}/privacy-notice`);
  const framed = await answer;
  // The server says who may frame it, and this origin is not among them...
  const csp = (await framed.allHeaders())["content-security-policy"];
  expect(csp).toMatch(/frame-ancestors 'self' http:\/\/localhost:\d+/);
  expect(csp).not.toContain(STRANGER);
  // ...so the browser refuses to show it.
  await expect.poll(() => refused.length).toBeGreaterThan(0);
  await expect(frameOf(page).getByRole("heading", { level: 1 })).toHaveCount(0);
});

test.describe("without JavaScript on the council's page", () => {
  test.use({ javaScriptEnabled: false });

  test("the plain link still leads to the form", async ({ page }) => {
    await page.goto(`${COUNCIL}/privacy-notice`);
    await expect(page.locator("iframe")).toHaveCount(0);
    await page.getByRole("link", { name: "Make a data protection complaint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /Complain about how we used your personal information/ })).toBeVisible();
  });
});

