import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

// Each run gets a fresh database; the server is the release binary cargo-leptos built.
const port = Number(process.env.E2E_PORT ?? 3107);
// The demonstration council site: allowed to frame the widget on demoPort, not on otherPort.
const demoPort = port + 1;
const otherPort = port + 2;
process.env.E2E_DEMO_ALLOWED ??= `http://localhost:${demoPort}`;
process.env.E2E_DEMO_OTHER ??= `http://localhost:${otherPort}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "intake-e2e-"));
const root = path.resolve(__dirname, "..");
const databaseUrl = `sqlite://${path.join(dataDir, "intake.db")}`;
// Email goes to a real SMTP server on this machine (Debian's aiosmtpd), which delivers into a
// maildir the tests read.
const smtpPort = port + 3;
process.env.E2E_MAILDIR ??= path.join(dataDir, "maildir");
const configPath = path.join(dataDir, "intake.toml");
// The council's identity provider: a real OpenID provider (npm oidc-provider) on oidcPort.
const oidcPort = port + 4;
process.env.E2E_OIDC_USERS ??= path.join(dataDir, "oidc-users.json");
fs.writeFileSync(
  process.env.E2E_OIDC_USERS,
  JSON.stringify({
    olu: { name: "Olu Officer", roles: ["Complaints.DPO"] },
    kit: { name: "Kit Handler", roles: ["Complaints.Handler"] },
  }),
);
fs.writeFileSync(
  configPath,
  [
    `public_url = "http://127.0.0.1:${port}"`,
    "[email]",
    'provider = "smtp"',
    "[email.smtp]",
    'host = "127.0.0.1"',
    `port = ${smtpPort}`,
    'security = "none"',
    'from = "Data Protection <dpo@example.gov.uk>"',
    "[outbox]",
    "poll_ms = 200",
    "[oidc]",
    `issuer = "http://127.0.0.1:${oidcPort}"`,
    'client_id = "complaints"',
    'client_secret = "test-secret"',
    'provider_name = "Test Council ID"',
    "[oidc.roles]",
    '"Complaints.DPO" = "dpo"',
    '"Complaints.Handler" = "handler"',
    "",
  ].join("\n"),
);
// The staff tests add accounts to the server's database with `server user add`.
process.env.E2E_DATABASE_URL ??= databaseUrl;
process.env.E2E_SERVER_BIN ??= process.env.E2E_SERVER ?? path.join(root, "target/debug/server");

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Never download a browser: use Debian's Chromium.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        // Chromium as people normally run it: storage in a frame from another site works
        // (partitioned by the top-level site). Under Playwright this Chromium otherwise blocks
        // third-party cookies and with them a framed widget's local storage; the embedding
        // tests check that case separately.
        "--disable-features=TrackingProtection3pcd",
      ],
    },
    trace: "off",
  },
  projects: [
    // The public form, on phones.
    { name: "phone 390x844", testIgnore: /staff/, use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
    { name: "small phone 320x640", testIgnore: /staff|embed/, use: { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true } },
    // Staff work at desks; council pages with the widget are read on desktops too.
    { name: "desktop 1280x800", testMatch: /staff|embed/, use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: [{
    // The debug build shares its compilation with `cargo test`, which saves CI a release build.
    command: process.env.E2E_SERVER ?? path.join(root, "target/debug/server"),
    cwd: root,
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      INTAKE_LISTEN_ADDR: `127.0.0.1:${port}`,
      INTAKE_DATABASE_URL: process.env.E2E_DATABASE_URL,
      INTAKE_SITE_ROOT: path.join(root, "target/site"),
      INTAKE_LOG: "warn",
      INTAKE_CONFIG: configPath,
      // Every test sends from 127.0.0.1: the limits are tested by the integration tests.
      INTAKE_LIMIT_CLIENT_BURST: "100000",
      INTAKE_LIMIT_SIGN_IN_BURST: "100000",
      INTAKE_MAX_CONNECTIONS_PER_CLIENT: "100000",
      // The staff specs sign in with passwords; staff-sign-in.spec.ts starts a server of its
      // own with the default (two steps for handlers and the DPO).
      INTAKE_TWO_STEP_REQUIRED: "none",
      // One line per panic, so a failure shows its cause rather than a page of frames.
      RUST_BACKTRACE: "0",
      // The demonstration council site may show the widget in a frame; the other may not.
      INTAKE_EMBED_ORIGINS: `http://localhost:${demoPort}`,
    },
  }, {
    command: `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${process.env.E2E_MAILDIR}`,
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
  }, {
    command: "node oidc/provider.mjs",
    cwd: __dirname,
    url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(oidcPort),
      USERS: process.env.E2E_OIDC_USERS,
      REDIRECT_URI: `http://127.0.0.1:${port}/staff/sign-in/oidc/callback`,
      POST_LOGOUT_REDIRECT_URI: `http://127.0.0.1:${port}/staff/sign-in`,
    },
  }, {
    // A council's privacy notice with the snippet, on other origins than the widget's.
    command: "node demo/serve.mjs",
    cwd: __dirname,
    url: `http://localhost:${demoPort}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      INTAKE_BASE: `http://127.0.0.1:${port}`,
      DEMO_PORTS: `${demoPort},${otherPort}`,
    },
  }],
});
