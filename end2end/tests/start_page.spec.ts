import { test, expect } from "@playwright/test";

test.describe("the start page", () => {
  test("renders on the server and hydrates with WebAssembly", async ({ page }) => {
    const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.status() === 200);
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Complain about how we used your personal information",
    );
    await wasm;
    // The App component marks the document once hydration has run in the browser.
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    const start = page.getByRole("button", { name: "Start now" });
    await expect(start).toBeVisible();
    // The stylesheet loaded and applies (GOV.UK green start button, 44px+ tall).
    await expect(start).toHaveCSS("background-color", "rgb(0, 112, 60)");
    expect((await start.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    // Nothing scrolls sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });
    test("still shows the whole page", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("button", { name: "Start now" })).toHaveAttribute("href", "/complaint");
      await expect(page.getByRole("button", { name: "Start now" })).toHaveCSS("background-color", "rgb(0, 112, 60)");
      await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
    });
  });
});
