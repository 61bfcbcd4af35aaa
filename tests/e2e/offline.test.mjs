// Once visited, the app starts and saves without a network: the service
// worker serves the shell and answers go to IndexedDB.

import assert from "node:assert/strict";
import { test } from "node:test";
import { controlled } from "./lib/sw.mjs";
import { appAndBrowser, item, newAssessment, newPage, open, ready, repoPath, saveCount, saved } from "./lib/app.mjs";

const env = appAndBrowser();

test("offline after one visit: the app reloads, a new assessment is filled and saved, and a reload keeps it", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await open(page, env.server.url, "#/");
  await controlled(page);

  await context.setOffline(true);
  await page.reload();
  await ready(page);

  const id = await newAssessment(page, env.server.url, "jiandu-zeren", { unitName: "离线测试镇党委" });
  const before = await saveCount(page);
  await item(page, "1.1").locator('[data-answer="done"]').click();
  await saved(page, before);

  await page.reload();
  await ready(page);
  assert.equal(decodeURIComponent(new URL(page.url()).hash), `#/a/${id}`);
  assert.equal(await item(page, "1.1").locator('[data-answer="done"]').getAttribute("aria-pressed"), "true");

  await open(page, env.server.url, "#/");
  await page.getByTestId(`assessment-${id}`).waitFor();
  assert.equal(await page.getByTestId(`assessment-${id}`).getAttribute("data-status"), "draft");
});

test("offline after one visit: a checklist workbook imports (the spreadsheet reader was cached too)", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await open(page, env.server.url, "#/");
  await controlled(page);

  await context.setOffline(true);
  await page.reload();
  await ready(page);
  await page.getByTestId("import-template").setInputFiles(repoPath("tests/data/sheets/openpyxl-checklist.xlsx"));
  await page.getByTestId("template-town-inspection").waitFor();
  assert.equal(await page.getByTestId("import-errors").count(), 0);
});
