// Home: the data live on this device only, so it says so and offers a backup
// of every assessment; checklists of one's own can be imported, and a broken
// one is refused with its problems listed.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { appAndBrowser, item, newAssessment, newPage, open, repoPath, saveCount, saved } from "./lib/app.mjs";

const env = appAndBrowser();

test("Home warns that the data are on this device only, and the backup holds every assessment", async () => {
  const page = await newPage(await env.browser.newContext());
  const id = await newAssessment(page, env.server.url, "lianzheng-fengxian", { unitName: "备份测试局党组" });
  const before = await saveCount(page);
  await item(page, "1.1").locator('[data-answer="done"]').click();
  await saved(page, before);

  await open(page, env.server.url, "#/");
  await page.getByTestId("device-only-warning").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-all").click()]);
  const backup = await readFile(await download.path(), "utf8");
  assert.doesNotThrow(() => JSON.parse(backup), "the backup is JSON");
  assert.ok(backup.includes(id), `the backup holds assessment ${id}`);
  assert.ok(backup.includes("备份测试局党组"), "the backup holds the unit's name");
});

test("an invalid checklist is refused with its problems; a valid one joins the lists", async () => {
  const page = await newPage(await env.browser.newContext());
  await open(page, env.server.url, "#/");

  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/templates/invalid/band-gap.json"));
  const errors = page.getByTestId("import-errors");
  await errors.waitFor();
  // The problem names its place: the band `pass` and the uncovered range.
  assert.match(await errors.textContent(), /pass[\s\S]*60\.00/);

  await page
    .getByTestId("import-template")
    .setInputFiles(repoPath("tests/data/scoring/readme-worked-example/template.json"));
  await page.getByTestId("template-readme-worked-example").waitFor();
});

test("a checklist whose form is wrong is refused naming the item and the JSON path", async () => {
  const page = await newPage(await env.browser.newContext());
  await open(page, env.server.url, "#/");

  // The app reads without tracking paths; the reader module, loaded now, names the place.
  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/templates/invalid/float-points.json"));
  const errors = page.getByTestId("import-errors");
  await errors.waitFor();
  assert.match(await errors.textContent(), /item 1\.1 \(sections\[0\]\.items\[0\]\.rule\)/);
  assert.equal(await page.locator('[data-testid^="template-"]').filter({ hasText: "校验用清单" }).count(), 0);
});

test("a checklist kept in Excel imports in the browser; a workbook with a bad cell is refused, the cell named", async () => {
  const page = await newPage(await env.browser.newContext());
  await open(page, env.server.url, "#/");

  // Written by openpyxl (tests/interop/openpyxl_workbook.py's layout), not by Qingdan.
  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/sheets/openpyxl-bad-cell.xlsx"));
  const errors = page.getByTestId("import-errors");
  await errors.waitFor();
  assert.match(await errors.textContent(), /openpyxl-bad-cell\.xlsx: Items!F3: points "四点五" is not a number/);
  assert.equal(await page.getByTestId("template-town-inspection").count(), 0, "nothing was imported");

  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/sheets/openpyxl-checklist.xlsx"));
  const card = page.getByTestId("template-town-inspection");
  await card.waitFor();
  assert.match(await card.textContent(), /某镇党风廉政建设检查考核表/);
  assert.equal(await errors.count(), 0, "the earlier problems are gone");
});
