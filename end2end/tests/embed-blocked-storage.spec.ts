import { test, expect } from "@playwright/test";
import { REFERENCE, answerEverything, hydrated } from "./helpers";

// This Chromium's own setting under automation: third-party cookies, and with them local
// storage in a frame from another site, blocked (as in many private windows).
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
});

const COUNCIL = process.env.E2E_DEMO_ALLOWED!;

test("where a framed page may not store anything, the form still works and says it cannot keep a draft", async ({ page }) => {
  await page.goto(`${COUNCIL}/privacy-notice`);
  const widget = page.frameLocator('iframe[title="Data protection complaint form"]');
  await widget.getByRole("button", { name: "Start now" }).click();
  await hydrated(widget);
  await expect(widget.getByText(/cannot be saved on this device/)).toBeVisible();
  await answerEverything(widget, { name: "No Storage Person" });
  await widget.getByRole("button", { name: "Send complaint" }).click();
  await expect(widget.locator(".reference")).toHaveText(REFERENCE);
});
