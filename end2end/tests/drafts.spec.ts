import { test, expect, Browser } from "@playwright/test";
import { hydrated, fillAboutYou } from "./helpers";

const KEY = "dp-complaint-draft";
const T0 = new Date("2026-11-01T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

async function startDraft(browser: Browser, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install({ time: T0 });
  await page.goto("/complaint");
  await hydrated(page);
  await page.getByLabel("Full name").fill(name);
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), KEY)).toContain(name);
  // Started 1 November: kept until 1 December, in UK days.
  await expect(page.getByText("saved on this device as a draft until 1 December 2026")).toBeVisible();
  const state = await context.storageState();
  await context.close();
  return state;
}

test("a draft is restored after a reload", async ({ page }) => {
  await page.goto("/complaint");
  await hydrated(page);
  await page.getByLabel("Full name").fill("Reload Person");
  await page.getByLabel(/^Email address/).fill("reload@example.com");
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("Reload Person");
  await expect(page.getByLabel(/^Email address/)).toHaveValue("reload@example.com");
  await expect(page.getByText(/We have restored the answers you saved on this device/)).toBeVisible();
});

test("a draft is restored in a new browser context with the same storage", async ({ browser }) => {
  const storageState = await startDraft(browser, "Context Person");
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  await page.clock.install({ time: new Date(T0.getTime() + DAY) });
  await page.goto("/complaint");
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("Context Person");
  await context.close();
});

test("a draft is kept at 29 days and gone at 30 days and a minute after it was started", async ({ browser }) => {
  const storageState = await startDraft(browser, "Expiring Person");

  const at29 = await browser.newContext({ storageState });
  let page = await at29.newPage();
  await page.clock.install({ time: new Date(T0.getTime() + 29 * DAY) });
  await page.goto("/complaint");
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("Expiring Person");
  // Editing on day 29 does not extend it: it still ends 30 days from the start.
  await page.getByLabel("Full name").fill("Expiring Person Edited");
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), KEY)).toContain("Edited");
  const edited = await at29.storageState();
  await at29.close();

  const after30 = await browser.newContext({ storageState: edited });
  page = await after30.newPage();
  await page.clock.install({ time: new Date(T0.getTime() + 30 * DAY + 60_000) });
  await page.goto("/complaint");
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("");
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();
  await after30.close();
});

test("Delete my draft removes it from the device", async ({ page }) => {
  await page.goto("/complaint");
  await hydrated(page);
  await fillAboutYou(page, "Delete Me");
  await page.getByRole("button", { name: "Delete my draft" }).click();
  await expect(page.getByText("Your draft has been deleted from this device.")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("");
  expect(await page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("");
});

test("without storage the form still works and says drafts cannot be kept", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
  });
  await page.goto("/complaint");
  await hydrated(page);
  await expect(page.getByText(/cannot be saved on this device/)).toBeVisible();
  await fillAboutYou(page, "No Storage");
  await expect(page.getByRole("heading", { level: 1, name: "Who the complaint is for" })).toBeVisible();
});

test("a corrupt or old draft is discarded safely", async ({ page }) => {
  await page.addInitScript((k) => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem(k, '{"version":0,"input":{"full_name":"Old Form"');
      sessionStorage.setItem("seeded", "1");
    }
  }, KEY);
  await page.goto("/complaint");
  await hydrated(page);
  await expect(page.getByLabel("Full name")).toHaveValue("");
  await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), KEY)).toBeNull();
  await fillAboutYou(page, "New Draft");
});

test("nothing of a draft is sent to the server before sending", async ({ page }) => {
  const sent: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") sent.push(r.url());
  });
  await page.goto("/complaint");
  await hydrated(page);
  await fillAboutYou(page, "Quiet Person");
  await page.getByLabel("Myself").check();
  expect(sent).toEqual([]);
});
