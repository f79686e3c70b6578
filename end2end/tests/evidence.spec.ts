import { test, expect } from "@playwright/test";
import { answerEverything, hydrated, noHorizontalScroll, noViolations } from "./helpers";

// Evidence sent from the confirmation page, on phones (390 and 320 px), with and without
// JavaScript, in English and in Welsh: a plain multipart form on a server-rendered page.

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const EXE = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]), Buffer.alloc(256)]);

for (const javaScriptEnabled of [true, false]) {
  for (const welsh of [false, true]) {
    test(`evidence sent from the confirmation page (${welsh ? "Welsh" : "English"}, ${javaScriptEnabled ? "with" : "without"} JavaScript)`, async ({ page }) => {
      if (!javaScriptEnabled) await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
      const words = welsh
        ? { check: "Gwiriwch eich atebion", send: "Anfon y gŵyn", received: "Cwyn wedi dod i law", evidence: "Anfonwch dystiolaeth atom", choose: "Dewiswch ffeil", sendFile: "Anfon ffeil", sent: "Mae eich ffeil wedi cael ei hanfon", count: "Ffeiliau rydych wedi'u hanfon hyd yma: 1.", wrongKind: "Rhaid i'r ffeil a ddewiswyd fod yn PDF" }
        : { check: "Check your answers", send: "Send complaint", received: "Complaint received", evidence: "Send us evidence", choose: "Choose a file", sendFile: "Send file", sent: "Your file has been sent", count: "Files you have sent so far: 1.", wrongKind: "The selected file must be a PDF" };
      await page.goto("/");
      await page.getByRole("button", { name: "Start now" }).click();
      if (javaScriptEnabled) await hydrated(page);
      await answerEverything(page, { name: "Eve Evidence" });
      if (welsh) {
        await page.getByRole("button", { name: "Cymraeg" }).click();
        await expect(page.locator("html")).toHaveAttribute("lang", "cy");
      }
      await expect(page.getByRole("heading", { level: 1, name: new RegExp(words.check) })).toBeVisible();
      await page.getByRole("button", { name: words.send }).click();
      await expect(page.getByRole("heading", { level: 1, name: words.received })).toBeVisible();

      await page.getByRole("link", { name: words.evidence }).click();
      await expect(page.getByRole("heading", { level: 1, name: words.evidence })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", welsh ? "cy" : "en-GB");
      expect(page.url()).not.toContain("Eve");
      await noViolations(page, "evidence page");
      await noHorizontalScroll(page);

      // A program named as a PDF: refused by its bytes, with GOV.UK's message.
      await page.getByLabel(words.choose).setInputFiles({ name: "letter.pdf", mimeType: "application/pdf", buffer: EXE });
      await page.getByRole("button", { name: words.sendFile }).click();
      await expect(page.locator(".error-summary")).toContainText(words.wrongKind);
      await noViolations(page, "evidence page with an error");

      await page.getByLabel(words.choose).setInputFiles({ name: "letter.pdf", mimeType: "application/pdf", buffer: PDF });
      await page.getByRole("button", { name: words.sendFile }).click();
      await expect(page.getByRole("heading", { name: words.sent })).toBeVisible();
      await expect(page.getByText(words.count)).toBeVisible();
      await noViolations(page, "evidence page after sending");
    });
  }
}
