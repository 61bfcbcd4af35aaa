// Crafted workbooks in the browser: a shared-string count of 10^11, more
// shared strings than any checklist, a zip bomb, a part that unpacks past
// the size it declares, a cell at XFD1048576, and
// one long text, font name or path copied thousands of times. The
// spreadsheet reader module refuses each before calamine allocates, naming
// the limit it passes, as the command line does
// (`tests/data/sheets/crafted/refusals.json`, which
// crates/qingdan-sheet/tests/it/craft.rs writes with the workbooks); the
// page lives on, and a valid workbook still imports.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { appAndBrowser, newPage, open, pageErrors, repoPath } from "./lib/app.mjs";

const env = appAndBrowser();

const CRAFTED = "tests/data/sheets/crafted";

/** Each crafted workbook's file name and what the reader says of it. */
const refusals = Object.entries(JSON.parse(await readFile(repoPath(`${CRAFTED}/refusals.json`), "utf8")));

test("crafted workbooks are refused in zh-CN, each naming its limit, and a valid one imports after them", async () => {
  assert.ok(refusals.length >= 8, "the crafted workbooks are listed");
  const page = await newPage(await env.browser.newContext({ locale: "zh-CN" }));
  await open(page, env.server.url, "#/");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
  const errors = page.getByTestId("import-errors");

  for (const [file, refusal] of refusals) {
    await page.getByTestId("import-template").setInputFiles(repoPath(`${CRAFTED}/${file}`));
    try {
      await page.waitForFunction(
        (file) => document.querySelector('[data-testid="import-errors"]')?.textContent.includes(file),
        file,
      );
    } catch {
      throw new Error(`${file} was not refused${pageErrors(page)}`);
    }
    const text = await errors.textContent();
    // In zh-CN a sentence of the app's says which workbook or cell is
    // wrong; the reader's own line, which names the limit, is its detail.
    const cell = refusal.split(": ")[0];
    const summary = cell.includes("!") ? `工作簿 ${file} 的单元格 ${cell} 有误` : `工作簿 ${file} 未能读取`;
    assert.ok(text.includes(summary), `${file}: ${text}`);
    assert.ok(text.includes(`${file}: ${refusal}`), `${file}: ${text}${pageErrors(page)}`);
    assert.equal(await page.locator('[data-testid^="template-town-inspection"]').count(), 0, `${file} imported nothing`);
  }
  assert.equal(pageErrors(page), "", "the refusals left no errors on the page");

  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/sheets/openpyxl-checklist.xlsx"));
  const card = page.getByTestId("template-town-inspection");
  await card.waitFor();
  assert.match(await card.textContent(), /某镇党风廉政建设检查考核表/);
  assert.equal(await errors.count(), 0, "the refusals are gone");
  assert.equal(pageErrors(page), "", "no errors on the page");
});
