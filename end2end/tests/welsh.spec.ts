import { test, expect, Page } from "@playwright/test";
import { REFERENCE, emailsTo, hydrated, noHorizontalScroll, noViolations } from "./helpers";

/** Emails as their reader sees them: Welsh goes quoted-printable, decoded here part by part. */
function decoded(raw: string[]): string[] {
  return raw.map((m) =>
    /quoted-printable/i.test(m)
      ? Buffer.from(m.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8")
      : m,
  );
}

const WELSH_DATE = /\d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr) \d{4}/;

async function parhau(page: Page) {
  await page.getByRole("button", { name: "Parhau" }).click();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`in Welsh, ${javaScriptEnabled ? "with" : "without"} JavaScript`, () => {
    // Without JavaScript: the page's own scripts never load (axe, which checks each page,
    // needs JavaScript itself, as in accessibility.spec.ts), so every step is a form post.
    test.beforeEach(async ({ page }) => {
      if (!javaScriptEnabled) await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    });

    test("the whole journey: errors, switching language in the middle keeps the answers, a Welsh confirmation and email", async ({ page }) => {
      const email = `cymraeg-${javaScriptEnabled ? "js" : "nojs"}-${test.info().project.name.replace(/\W/g, "")}@example.com`;
      // Nothing goes wrong in the page (a hydration mismatch, a blocked script) along the way.
      const consoleErrors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" && !/ERR_FAILED|ERR_BLOCKED|net::/.test(m.text())) consoleErrors.push(m.text());
      });
      await page.goto("/cy/");
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.getByRole("heading", { level: 1, name: "Cwyno am sut rydym wedi defnyddio eich gwybodaeth bersonol" })).toBeVisible();
      await noViolations(page, "Welsh start page");
      await page.getByRole("button", { name: "Dechrau nawr" }).click();
      await expect(page).toHaveURL(/\/cy\/complaint/);
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.getByRole("heading", { level: 1, name: "Amdanoch chi" })).toBeVisible();
      await expect(page.getByText("Cwestiwn 1 o 5")).toBeVisible();
      await noViolations(page, "Welsh first question");

      // Nothing answered: the errors, in Welsh, from the same rules the server applies.
      await parhau(page);
      const summary = page.locator("#error-summary");
      await expect(summary).toBeVisible();
      await expect(summary.getByRole("heading", { name: "Mae problem wedi codi" })).toBeVisible();
      await expect(summary.getByRole("link", { name: "Rhowch eich enw llawn" })).toBeVisible();
      await expect(summary.getByRole("link", { name: "Rhowch gyfeiriad e-bost neu rif ffôn" })).toBeVisible();
      await expect(page).toHaveTitle(/^Gwall: Amdanoch chi – Cwyn diogelu data/);
      await noViolations(page, "Welsh errors");
      // A malformed answer: the domain's message, with its label, all in Welsh.
      await page.getByLabel("Cod post").fill("ZZ");
      await parhau(page);
      await expect(summary.getByRole("link", { name: "Rhowch god post go iawn, fel NG2 7QP" })).toBeVisible();

      await page.getByLabel("Enw llawn").fill("Siân Llŷr");
      await page.getByLabel("Adeilad a stryd").fill("1 Stryd Fawr");
      await page.getByLabel("Tref neu ddinas").fill("Caerdydd");
      await page.getByLabel("Cod post").fill("cf10 1ep");
      await page.getByLabel(/^Cyfeiriad e-bost/).fill(email);
      await page.getByRole("group", { name: "Sut yr hoffech i ni gysylltu â chi?" }).getByLabel("E-bost").check();
      await parhau(page);

      await expect(page.getByRole("heading", { level: 1, name: "Ar ran pwy mae'r gŵyn" })).toBeVisible();
      await noViolations(page, "Welsh: who for");
      await page.getByLabel("Fi fy hun").check();
      await parhau(page);

      await expect(page.getByRole("heading", { level: 1, name: "Beth yw testun eich cwyn" })).toBeVisible();
      await noViolations(page, "Welsh: what about");
      await page.getByLabel(/cais gwrthrych am wybodaeth/).check();
      await page.getByLabel("Beth ddigwyddodd?").fill("Gofynnais am gopi o fy nghofnodion ym mis Ionawr a dim ateb.");
      await noHorizontalScroll(page);

      // The switch, half way through a page: the same question in English, nothing lost.
      const toEnglish = page.getByRole("button", { name: "English" });
      await expect(toEnglish).toHaveAttribute("lang", "en-GB");
      await toEnglish.click();
      await expect(page.locator("html")).toHaveAttribute("lang", "en-GB");
      await expect(page.getByRole("heading", { level: 1, name: "What your complaint is about" })).toBeVisible();
      await expect(page.getByLabel("What happened?")).toHaveValue("Gofynnais am gopi o fy nghofnodion ym mis Ionawr a dim ateb.");
      await expect(page.getByLabel(/subject access request/)).toBeChecked();
      // No error shown for a page the person has not finished.
      await expect(page.locator("#error-summary")).toHaveCount(0);
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("button", { name: "Cymraeg" }).click();
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.getByLabel("Beth ddigwyddodd?")).toHaveValue("Gofynnais am gopi o fy nghofnodion ym mis Ionawr a dim ateb.");
      if (javaScriptEnabled) await hydrated(page);
      await parhau(page);

      await expect(page.getByRole("heading", { level: 1, name: "Beth yr hoffech ei weld yn digwydd" })).toBeVisible();
      await noViolations(page, "Welsh: outcome");
      await page.getByLabel("Ymddiheuriad").check();
      await page.getByRole("group", { name: /hefyd am y gwasanaeth/ }).getByLabel("Na").check();
      await parhau(page);

      await expect(page.getByRole("heading", { level: 1, name: "Sut rydym yn ymdrin â'ch cwyn" })).toBeVisible();
      await expect(page.getByText(/Er mwyn ymchwilio i'ch cwyn/)).toBeVisible();
      await page.getByLabel("Rwy'n cytuno i chi ddefnyddio fy ngwybodaeth i ymdrin â'm cwyn").check();
      await page.getByLabel("Cewch, gallwch ei rhannu").check();
      await noViolations(page, "Welsh consent page");
      await parhau(page);

      await expect(page.getByRole("heading", { level: 1, name: "Gwiriwch eich atebion cyn anfon eich cwyn" })).toBeVisible();
      const answers = page.locator(".summary-list");
      await expect(answers).toContainText("Siân Llŷr");
      await expect(answers).toContainText("Fi fy hun");
      await expect(answers).toContainText("Ymddiheuriad");
      await noViolations(page, "Welsh check answers");
      await page.getByRole("button", { name: "Anfon y gŵyn" }).click();

      await expect(page.getByRole("heading", { level: 1, name: "Cwyn wedi dod i law" })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.locator(".reference")).toHaveText(REFERENCE);
      await expect(page.getByText(new RegExp(`^Ein nod yw rhoi gwybod i chi beth yw'r canlyniad erbyn ${WELSH_DATE.source}`))).toBeVisible();
      await expect(page.getByText(/Bydd ein Tîm Cwynion a Gwybodaeth yn ymchwilio i'ch cwyn/)).toBeVisible();
      await noViolations(page, "Welsh confirmation");
      const reference = (await page.locator(".reference").textContent())!;

      // The confirmation email is in Welsh too.
      // The confirmation email and the acknowledgement letter (sent by email) are in Welsh too.
      const confirmation = () => decoded(emailsTo(email)).filter((m) => m.includes(`Eich cyfeirnod yw ${reference}`));
      await expect.poll(() => confirmation().length, { timeout: 20_000 }).toBe(1);
      expect(confirmation()[0]).toMatch(new RegExp(`Daeth eich cwyn diogelu data i law ar ${WELSH_DATE.source}`));
      expect(confirmation()[0]).toContain('<html lang="cy">');
      await expect
        .poll(() => decoded(emailsTo(email)).filter((m) => m.includes("Annwyl Siân Llŷr,") && m.includes(reference)).length, { timeout: 20_000 })
        .toBe(1);
      if (!javaScriptEnabled) await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
      if (javaScriptEnabled) expect(consoleErrors).toEqual([]);
    });

    test("the statement, the not-found page and the switch links name their language", async ({ page }) => {
      await page.goto("/");
      const toWelsh = page.getByRole("link", { name: "Cymraeg" });
      await expect(toWelsh).toHaveAttribute("lang", "cy");
      await expect(toWelsh).toHaveAttribute("hreflang", "cy");
      await toWelsh.click();
      await expect(page).toHaveURL(/\/cy\/$/);
      await expect(page.getByRole("link", { name: "Datganiad hygyrchedd" })).toHaveAttribute("href", "/cy/accessibility");

      await page.goto("/cy/accessibility");
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.getByRole("heading", { level: 1, name: "Datganiad hygyrchedd ar gyfer y ffurflen cwyno am ddiogelu data" })).toBeVisible();
      await expect(page.getByText(/Gweithdrefn orfodi/)).toBeVisible();
      await expect(page.getByText(new RegExp(`Paratowyd y datganiad hwn ar ${WELSH_DATE.source}`))).toBeVisible();
      await noViolations(page, "Welsh accessibility statement");
      await page.getByRole("link", { name: "English" }).click();
      await expect(page).toHaveURL(/\/accessibility$/);
      await expect(page.locator("html")).toHaveAttribute("lang", "en-GB");

      const missing = await page.goto("/cy/no-such-page");
      expect(missing?.status()).toBe(404);
      await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      await expect(page.getByRole("heading", { level: 1, name: "Heb ddod o hyd i'r dudalen" })).toBeVisible();
      await noViolations(page, "Welsh page not found");
    });
  });
}

test("a Welsh complaint sent with the network cut waits, says so in Welsh, and goes once back online", async ({ page, context }) => {
  await page.goto("/cy/complaint");
  await hydrated(page);
  await page.getByLabel("Enw llawn").fill("Rhys Offline");
  await page.getByLabel(/^Rhif ffôn/).fill("07700 900982");
  await page.getByRole("group", { name: "Sut yr hoffech i ni gysylltu â chi?" }).getByLabel("Ffôn").check();
  await parhau(page);
  await page.getByLabel("Fi fy hun").check();
  await parhau(page);
  await page.getByLabel(/cais gwrthrych am wybodaeth/).check();
  await page.getByLabel("Beth ddigwyddodd?").fill("Dim ateb i fy nghais.");
  await parhau(page);
  await page.getByLabel("Ymddiheuriad").check();
  await page.getByRole("group", { name: /hefyd am y gwasanaeth/ }).getByLabel("Na").check();
  await parhau(page);
  await page.getByLabel("Rwy'n cytuno i chi ddefnyddio fy ngwybodaeth i ymdrin â'm cwyn").check();
  await page.getByLabel("Cewch, gallwch ei rhannu").check();
  await parhau(page);
  await context.setOffline(true);
  await page.getByRole("button", { name: "Anfon y gŵyn" }).click();
  await expect(page.getByText(/Mae eich cwyn yn aros i gael ei hanfon/)).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByRole("heading", { level: 1, name: "Cwyn wedi dod i law" })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(".reference")).toHaveText(REFERENCE);
});
