// Page-weight benchmark: what a first visit costs a phone, in bytes transferred.
//
//   cargo leptos build --release --precompress && node end2end/bench/page-weight.mjs
//
// Starts the release server on a fresh database, then for each page opens a new browser context
// (empty cache) in Debian's Chromium at 390x844, waits until the page is ready (the question page:
// hydrated by the WebAssembly), and adds up the encoded (brotli) body sizes of every response by
// kind. Then a first visit to a council's page with the snippet (the demonstration site).
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(new URL(".", import.meta.url).pathname, "../..");
const port = Number(process.env.BENCH_PORT ?? 3117);
const base = `http://127.0.0.1:${port}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intake-weight-"));
const server = spawn(path.join(root, "target/release/server"), [], {
  cwd: root,
  env: {
    ...process.env,
    INTAKE_LISTEN_ADDR: `127.0.0.1:${port}`,
    INTAKE_DATABASE_URL: `sqlite://${path.join(dir, "weight.db")}`,
    INTAKE_SITE_ROOT: path.join(root, "target/site"),
    INTAKE_LOG: "warn",
    INTAKE_EMBED_ORIGINS: `http://localhost:${port + 1}`,
  },
  stdio: ["ignore", "ignore", "inherit"],
});
// The demonstration council site, for what a first visit to a page with the snippet costs.
const host = `http://localhost:${port + 1}/privacy-notice`;
const demo = spawn(process.execPath, [path.join(root, "end2end/demo/serve.mjs")], {
  env: { ...process.env, INTAKE_BASE: base, DEMO_PORTS: String(port + 1) },
  stdio: ["ignore", "ignore", "inherit"],
});

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the server did not start");
}

function kind(url, contentType) {
  if (url.endsWith(".wasm") || contentType.includes("wasm")) return "wasm";
  if (url.endsWith(".js") || contentType.includes("javascript")) return "js";
  if (url.endsWith(".css") || contentType.includes("css")) return "css";
  if (contentType.includes("html")) return "html";
  return "other";
}

async function measure(browser, url, ready = (page) => page.waitForSelector("html[data-hydrated=true]", { timeout: 30_000 })) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const pending = [];
  page.on("response", (response) => {
    pending.push(
      (async () => {
        const sizes = await response.request().sizes();
        const headers = await response.allHeaders();
        return {
          url: response.url(),
          kind: kind(new URL(response.url()).pathname, headers["content-type"] ?? ""),
          encoding: headers["content-encoding"] ?? "identity",
          bytes: sizes.responseBodySize,
        };
      })(),
    );
  });
  await page.goto(url);
  await ready(page);
  await page.waitForLoadState("networkidle");
  const responses = await Promise.all(pending);
  await context.close();
  const totals = { html: 0, css: 0, js: 0, wasm: 0, other: 0 };
  for (const r of responses) totals[r.kind] += r.bytes;
  return { responses, totals };
}

// English and Welsh: each page carries only its own language's words.
// A mid-range phone on a poor mobile connection (issue 16's profile): the CPU four times
// slower than this machine's, 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
async function phoneTiming(browser, url) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  // When the page was first painted and when the WebAssembly marked it hydrated, in the page's
  // own clock (from the start of navigation), recorded the moment each happens.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.documentElement.getAttribute("data-hydrated") === "true") {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1e6) / 8,
    uploadThroughput: (750 * 1e3) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.goto(url);
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
  const timing = await page.evaluate(() => ({
    paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    hydrated: window.__hydratedAt,
  }));
  await context.close();
  return timing;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const KB = 1000;
let ok = true;
try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  console.log("page weight, first visit (empty cache), bytes transferred");
  console.log("page             HTML      CSS       JS     WASM   HTML+CSS   JS+WASM");
  // The start page needs no code in the browser; the first question page is ready once the
  // WebAssembly has hydrated it.
  const loaded = (page) => page.waitForSelector("h1", { timeout: 30_000 });
  for (const [p, ready] of [["/", loaded], ["/complaint", undefined], ["/cy/", loaded], ["/cy/complaint", undefined]]) {
    const { responses, totals } = await measure(browser, base + p, ready);
    const markup = totals.html + totals.css;
    const code = totals.js + totals.wasm;
    const row = [totals.html, totals.css, totals.js, totals.wasm, markup, code].map((n) => String(n).padStart(8)).join(" ");
    console.log(`${p.padEnd(12)} ${row}`);
    for (const r of responses) console.log(`    ${r.kind.padEnd(5)} ${String(r.bytes).padStart(8)}  ${r.encoding.padEnd(8)} ${new URL(r.url).pathname}`);
    const markupOk = markup <= 30 * KB;
    const codeOk = code <= 150 * KB;
    console.log(`    target HTML+CSS <= 30 KB: ${markupOk ? "met" : "MISSED"}; JS+WASM <= 150 KB: ${codeOk ? "met" : "MISSED"}`);
    ok &&= markupOk && codeOk;
  }

  // Time to a usable form on the phone profile: median of five first visits.
  console.log("\nphone profile (4x CPU slowdown, 150 ms RTT, 1.6 Mbit/s), first visit, median of 5");
  for (const p of ["/complaint", "/cy/complaint"]) {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await phoneTiming(browser, base + p));
    const paint = median(runs.map((r) => r.paint));
    const hydrated = median(runs.map((r) => r.hydrated));
    console.log(`${p.padEnd(12)} first paint ${paint.toFixed(0)} ms, hydrated ${hydrated.toFixed(0)} ms (runs: ${runs.map((r) => r.hydrated.toFixed(0)).join(", ")})`);
    const fast = hydrated <= 1500;
    console.log(`    target hydrated <= 1.5 s: ${fast ? "met" : "MISSED"}`);
    ok &&= fast;
  }

  // A council's page with the snippet: the page itself is the council's; the rest is ours.
  const framed = (page) => page.frameLocator("iframe").locator("h1").waitFor({ timeout: 30_000 });
  const { responses } = await measure(browser, host, framed);
  const snippet = responses.filter((r) => new URL(r.url).pathname === "/embed.js");
  const ours = responses.filter((r) => r.url.startsWith(base));
  const council = responses.filter((r) => !r.url.startsWith(base));
  const sum = (rs) => rs.reduce((n, r) => n + r.bytes, 0);
  console.log(`\nfirst visit to a council page with the snippet (${host})`);
  for (const r of responses) console.log(`    ${r.kind.padEnd(5)} ${String(r.bytes).padStart(8)}  ${r.encoding.padEnd(8)} ${r.url}`);
  const snippetBytes = sum(snippet);
  console.log(`    the council's own page: ${sum(council)} bytes; ours (snippet and framed form): ${sum(ours)} bytes`);
  console.log(`    snippet script /embed.js: ${snippetBytes} bytes (${snippet.map((r) => r.encoding).join(", ")})`);
  const snippetOk = snippet.length === 1 && snippetBytes <= 2 * KB;
  console.log(`    target snippet <= 2 KB compressed: ${snippetOk ? "met" : "MISSED"}`);
  ok &&= snippetOk;
  await browser.close();
} finally {
  server.kill();
  demo.kill();
}
console.log(ok ? "all page-weight targets met" : "page-weight targets MISSED");
