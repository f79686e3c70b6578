import { test, expect, Page } from "@playwright/test";
import { addUser, PASSWORD } from "./helpers";

// Issue 28: a complaint sent with markup in its answers opened a handler's correction form
// with that markup live (a meta refresh to a fake sign-in page). The staff pages show it as
// the complainant's text.
const PLANTED = 'Large print</textarea><meta http-equiv="refresh" content="0;url=https://evil.example/staff/sign-in"><textarea>"><b>x</b>';

test.beforeAll(() => {
  addUser("kim", "handler", "Kim Handler");
});

async function nothingPlanted(page: Page, where: string) {
  expect(await page.locator("main b").count(), where).toBe(0);
  expect(await page.locator("meta[http-equiv]").count(), where).toBe(0);
  expect(page.url(), where).not.toContain("evil.example");
}

test("a complaint's planted markup shows as text on the case and in the correction form", async ({ page, request }) => {
  const example = await (await request.get("/api/v1/openapi.json")).json();
  const documented = example.paths["/api/v1/complaints"].post.requestBody.content["application/json"].examples.complaint.value;
  const body = { ...documented, full_name: "Mark Up", adjustments: PLANTED, description: `What happened. ${PLANTED}` };
  const sent = await request.post("/api/v1/complaints", {
    data: body,
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  expect(sent.status()).toBe(201);
  const reference = ((await sent.json()).reference as string).replace(/-/g, "");

  await page.goto("/staff/sign-in");
  await page.getByLabel("Username").fill("kim");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto(`/staff/cases/${reference}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await nothingPlanted(page, "case page");
  await page.goto(`/staff/cases/${reference}/correct`);
  await nothingPlanted(page, "correction form");
  // The box holds exactly what was sent, for the handler to read and correct.
  await expect(page.locator("textarea#adjustments")).toHaveValue(PLANTED);
  // Still on our page a moment later: no refresh took the handler anywhere.
  await page.waitForTimeout(1500);
  expect(page.url()).toContain(`/staff/cases/${reference}/correct`);
});
