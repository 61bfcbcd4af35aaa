// Answers survive a reload in the middle of the form.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, item, newAssessment, newPage, ready, saveCount, saved } from "./lib/app.mjs";

const env = appAndBrowser();

test("after a reload every answer, note and date is still there", async () => {
  const page = await newPage(await env.browser.newContext());
  await newAssessment(page, env.server.url, "jiandu-zeren");

  // One of each widget; each waits for its own save (typing is debounced).
  const answers = [
    ["1.1", (c) => c.locator('[data-answer="partial"]').click()],
    ["1.1", (c) => c.locator('textarea[data-field="note"]').fill("见2026年2月会议纪要")],
    ["1.2", (c) => c.locator('input[data-field="count"]').fill("3")],
    ["2.2", (c) => c.locator('input[data-field="due"]').fill("2026-01-31")],
    ["2.2", (c) => c.locator('input[data-field="done"]').fill("2026-02-03")],
    ["2.4", (c) => c.locator('[data-answer="na"]').click()],
    ["3.1", (c) => c.locator('[data-answer="not_done"]').click()],
    // 3.2 is shown only once 3.1 is partial or not done.
    ["3.2", (c) => c.locator('textarea[data-field="text"]').fill("线索未同步报告，已建立台账")],
    ["3.4", (c) => c.locator('input[data-field="count"]').fill("1")],
    ["9.1", (c) => c.locator('[data-answer="no"]').click()],
  ];
  for (const [id, act] of answers) {
    const before = await saveCount(page);
    await act(item(page, id));
    await saved(page, before);
  }
  const total = (await page.getByTestId("total-score").textContent()).trim();

  await page.reload();
  await ready(page);

  const pressed = (id, answer) => item(page, id).locator(`[data-answer="${answer}"]`).getAttribute("aria-pressed");
  const value = (id, field) => item(page, id).locator(`[data-field="${field}"]`).inputValue();
  assert.equal(await pressed("1.1", "partial"), "true", "1.1 partial");
  assert.equal(await pressed("1.1", "done"), "false", "1.1 not done");
  assert.equal(await value("1.1", "note"), "见2026年2月会议纪要", "1.1 note");
  assert.equal(await value("1.2", "count"), "3", "1.2 count");
  assert.equal(await value("2.2", "due"), "2026-01-31", "2.2 due date");
  assert.equal(await value("2.2", "done"), "2026-02-03", "2.2 done date");
  assert.equal(await pressed("2.4", "na"), "true", "2.4 not applicable");
  assert.equal(await pressed("3.1", "not_done"), "true", "3.1 not done");
  assert.equal(await value("3.2", "text"), "线索未同步报告，已建立台账", "3.2 text");
  assert.equal(await value("3.4", "count"), "1", "3.4 cases");
  assert.equal(await pressed("9.1", "no"), "true", "9.1 veto not triggered");
  assert.equal((await page.getByTestId("total-score").textContent()).trim(), total, "the same total");
});
