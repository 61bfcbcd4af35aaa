// Filling a bundled checklist shows the score the template defines, to the
// hundredth, and a changed answer changes it by exactly that item's points.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appAndBrowser, expectText, item, newAssessment, newPage } from "./lib/app.mjs";
import { cents, decimal, fullAnswer, give, items, maxTotal, maximum, template } from "./lib/templates.mjs";

const ID = "yigang-shuangze";
const env = appAndBrowser();

test("every scored item answered in full gives the maximum; one answer less takes off exactly its points", async () => {
  const t = template(ID);
  const page = await newPage(await env.browser.newContext());
  await newAssessment(page, env.server.url, ID);

  for (const i of items(t)) {
    const answer = fullAnswer(i);
    if (answer) await give(item(page, i.id), answer);
  }
  const max = maxTotal(t);
  const total = page.getByTestId("total-score");
  await expectText(total, decimal(max), "total with every scored item in full");
  assert.equal(await page.locator('[data-testid^="missing-"]').count(), 0, "no required item is listed as missing");

  // An unweighted check item not done: its points leave the total.
  const check = items(t).find((i) => i.rule.kind === "check" && !i.weight);
  const notDone = item(page, check.id).locator('[data-answer="not_done"]');
  await notDone.click();
  await expectText(total, decimal(max - maximum(check)), `total with item ${check.id} not done`);
  assert.equal(await notDone.getAttribute("aria-pressed"), "true");
  assert.equal(await item(page, check.id).locator('[data-answer="done"]').getAttribute("aria-pressed"), "false");

  // A weighted check item partly done: partial × weight, rounded once.
  const weighted = items(t).find((i) => i.rule.kind === "check" && i.weight && i.rule.partial !== undefined);
  assert.ok(weighted, `${ID} has a weighted check item with partial points`);
  await item(page, weighted.id).locator('[data-answer="partial"]').click();
  const partial = Math.round((cents(weighted.rule.partial) * cents(weighted.weight)) / 100);
  await expectText(
    total,
    decimal(max - maximum(check) - (maximum(weighted) - partial)),
    `total with item ${check.id} not done and item ${weighted.id} partly done`,
  );
});
