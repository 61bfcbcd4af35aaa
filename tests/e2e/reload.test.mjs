// Answers survive a reload in the middle of the form.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, item, newAssessment, newPage, open, ready, saveCount, saved } from "./lib/app.mjs";

const env = appAndBrowser();

test("after a reload every answer, note and date is still there", async () => {
  const page = await newPage(await env.browser.newContext());
  await newAssessment(page, env.server.url, "jiandu-zeren", { period: "2026" });
  // The checklist fixes 2.2's due date from the period: 31 January after it.
  assert.match(await item(page, "2.2").getByTestId("due-fixed").textContent(), /2027-01-31/);

  // One of each widget; each waits for its own save (typing is debounced).
  const answers = [
    ["1.1", (c) => c.locator('[data-answer="partial"]').click()],
    ["1.1", (c) => c.locator('textarea[data-field="note"]').fill("见2026年2月会议纪要")],
    ["1.2", (c) => c.locator('input[data-field="count"]').fill("3")],
    // The checklist fixes 2.2's due date: only when it was done is asked.
    ["2.2", (c) => c.locator('input[data-field="done"]').fill("2027-02-03")],
    ["2.4", (c) => c.locator('[data-answer="na"]').click()],
    ["2.4", (c) => c.locator('textarea[data-field="note"]').fill("本单位无下级党组织")],
    ["3.1", (c) => c.locator('[data-answer="not_done"]').click()],
    ["3.4", (c) => c.locator('input[data-field="count"]').fill("1")],
    ["5.3", (c) => c.locator('[data-answer="most"]').click()],
    ["9.2", (c) => c.locator('textarea[data-field="text"]').fill("线索未同步报告，已建立台账")],
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
  assert.equal(await item(page, "2.2").locator('[data-field="due"]').count(), 0, "2.2's due date is the checklist's");
  assert.equal(await value("2.2", "done"), "2027-02-03", "2.2 done date");
  assert.equal(await pressed("2.4", "na"), "true", "2.4 not applicable");
  assert.equal(await value("2.4", "note"), "本单位无下级党组织", "2.4 note");
  assert.equal(await pressed("3.1", "not_done"), "true", "3.1 not done");
  assert.equal(await value("3.4", "count"), "1", "3.4 cases");
  assert.equal(await pressed("5.3", "most"), "true", "5.3 choice");
  assert.equal(await value("9.2", "text"), "线索未同步报告，已建立台账", "9.2 text");
  // 3.1 and 3.4 lost points the checklist wants explained, and say so.
  assert.equal(await item(page, "3.1").getByTestId("needs-note").count(), 1, "3.1 asks for its note");
  assert.equal(await item(page, "2.4").getByTestId("needs-note").count(), 0, "2.4 is explained");
  assert.equal(await pressed("9.1", "no"), "true", "9.1 veto not triggered");
  assert.equal((await page.getByTestId("total-score").textContent()).trim(), total, "the same total");
});

// A draft begun on an earlier version of a bundled checklist (v1, before the
// lists were reviewed) still opens on that version after the app moved on.
test("a draft on the earlier version of a bundled list still opens on it", async () => {
  const page = await newPage(await env.browser.newContext());
  await open(page, env.server.url, `#/new/${encodeURIComponent("jiandu-zeren@1")}`);
  await page.locator('[data-testid="new-unit-code"]').fill("510824-101");
  await page.locator('[data-testid="new-unit-name"]').fill("某某镇党委");
  await page.locator('[data-testid="start-assessment"]').click();
  await page.waitForURL(/#\/a\/[^/]+$/);
  // v1's 2.2 takes its due date from the filler; v2 fixes it.
  const before = await saveCount(page);
  await item(page, "2.2").locator('input[data-field="due"]').fill("2027-01-31");
  await saved(page, before);
  await page.reload();
  await ready(page);
  assert.equal(await item(page, "2.2").locator('input[data-field="due"]').inputValue(), "2027-01-31");
  // v1's 3.2 (an explanation as its own item) is there, shown once 3.1 is not done.
  const was = await saveCount(page);
  await item(page, "3.1").locator('[data-answer="not_done"]').click();
  await saved(page, was);
  await item(page, "3.2").waitFor();
});
