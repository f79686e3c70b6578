import { test, expect } from "@playwright/test";

test.describe("the start page", () => {
  test("is complete from the server's HTML and CSS, without downloading the form's code", async ({ page }) => {
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (/\.(wasm|js)$/.test(new URL(r.url()).pathname) && !r.url().endsWith("/frame.js")) scripts.push(r.url());
    });
    await page.goto("/");
    await page.waitForLoadState("networkidle");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Complain about how we used your personal information",
    );
    // Nothing to do in the browser here: the WebAssembly loads with the first question.
    expect(scripts).toEqual([]);
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
    const start = page.getByRole("button", { name: "Start now" });
    await expect(start).toBeVisible();
    // The stylesheet loaded and applies (GOV.UK green start button, 44px+ tall).
    await expect(start).toHaveCSS("background-color", "rgb(0, 112, 60)");
    expect((await start.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    // Nothing scrolls sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // "Start now" leads to the first question, which does load the WebAssembly.
    await start.click();
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByRole("heading", { level: 1, name: "About you" })).toBeVisible();
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });
    test("still shows the whole page", async ({ page }) => {
      await page.goto("/");
      await expect(page).toHaveTitle("Complain about how we used your personal information");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(page.getByRole("button", { name: "Start now" })).toHaveAttribute("href", "/complaint");
      await expect(page.getByRole("button", { name: "Start now" })).toHaveCSS("background-color", "rgb(0, 112, 60)");
      await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
    });
  });
});
