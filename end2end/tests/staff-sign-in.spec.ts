import { test, expect, Page } from "@playwright/test";
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { noViolations, PASSWORD } from "./helpers";

// Staff sign in at their desks (1280x800): through the council's identity provider, and
// with a password and a code from an authenticator app.

test("staff sign in through the council's identity provider, and the DPO manages accounts", async ({ page }) => {
  await page.goto("/staff/sign-in");
  await noViolations(page, "sign-in page with a provider");
  await page.getByRole("link", { name: "Sign in with Test Council ID" }).click();
  // The provider's own page.
  await page.getByLabel("Username").fill("olu");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Back here, signed in, and on to the staff home page by itself.
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByText("Olu Officer (Data Protection Officer)")).toBeVisible();

  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Staff accounts" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Olu Officer/ })).toContainText("Test Council ID");
  await noViolations(page, "accounts page");
  await page.getByRole("link", { name: "Olu Officer" }).click();
  await expect(page.getByText("This is your own account")).toBeVisible();
  await noViolations(page, "an account's page");

  // Sign-out ends our session and offers the provider's.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign out of Test Council ID" })).toBeVisible();
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/sign-in/);
});

/** RFC 6238 with SHA-1, 6 digits, 30-second steps, as authenticator apps do. */
function totp(base32: string, stepOffset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/\s|=/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepOffset));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

/** A server of this test's own, with the product's default sign-in rules. */
async function ownServer(): Promise<{ base: string; child: ChildProcess; db: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intake-two-step-"));
  const port = Number(process.env.E2E_PORT ?? 3107) + 5;
  const db = `sqlite://${path.join(dir, "intake.db")}`;
  const config = path.join(dir, "intake.toml");
  fs.writeFileSync(config, `public_url = "http://127.0.0.1:${port}"\n[email]\nfiles_dir = "${dir}/outbox"\n`);
  const env = {
    ...process.env,
    INTAKE_LISTEN_ADDR: `127.0.0.1:${port}`,
    INTAKE_DATABASE_URL: db,
    INTAKE_SITE_ROOT: path.resolve(__dirname, "../../target/site"),
    INTAKE_CONFIG: config,
    INTAKE_LOG: "warn",
  };
  execFileSync(process.env.E2E_SERVER_BIN!, ["user", "add", "dana", "dpo", "Dana", "Officer"], {
    input: `${PASSWORD}\n`,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const child = spawn(process.env.E2E_SERVER_BIN!, [], { env, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, child, db };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not start");
}

async function password(page: Page, base: string) {
  await page.goto(`${base}/staff/sign-in`);
  await page.getByLabel("Username").fill("dana");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a DPO sets up two-step sign-in, then signs in with a code", async ({ page }) => {
  const server = await ownServer();
  try {
    // Wait, if need be, so that the codes below fall in known 30-second steps.
    const into = Math.floor(Date.now() / 1000) % 30;
    if (into > 20) await page.waitForTimeout((31 - into) * 1000);
    await password(page, server.base);
    await expect(page.getByRole("heading", { level: 1, name: "Set up two-step sign-in" })).toBeVisible();
    await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
    await noViolations(page, "enrolment page");
    // No page of the service opens before the second step.
    await page.goto(`${server.base}/staff/register`);
    await expect(page).toHaveURL(/\/staff\/two-step/);
    await page.goto(`${server.base}/staff/two-step/enrol`);
    const secret = (await page.locator("#secret").textContent())!;
    await page.getByLabel("Code from the app").fill(totp(secret));
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await expect(page.getByRole("heading", { name: "Two-step sign-in is set up" })).toBeVisible();
    await expect(page.locator(".recovery-codes li")).toHaveCount(10);
    await noViolations(page, "recovery codes page");
    await page.getByRole("link", { name: "Continue" }).click();
    await expect(page.getByText("Dana Officer (Data Protection Officer)")).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await password(page, server.base);
    await expect(page.getByRole("heading", { level: 1, name: "Enter the code from your authenticator app" })).toBeVisible();
    await noViolations(page, "second step page");
    // The code just used is spent; the next one (a phone a little ahead) is accepted.
    await page.getByLabel("Code").fill(totp(secret));
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.locator("#code-error")).toContainText("That code is not right, or has been used");
    await noViolations(page, "second step page with an error");
    await page.getByLabel("Code").fill(totp(secret, 1));
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("Dana Officer (Data Protection Officer)")).toBeVisible();
  } finally {
    server.child.kill();
  }
});
