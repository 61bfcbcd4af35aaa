// The paper record (issue 18): a self-assessment of 纪委监督责任清单 with a
// text answer (9.2 存在问题及整改措施), evidence notes, a bonus (8.1) and
// an overall note, signed by the principal and the supervisory with keys
// enrolled at an intake and received there. Review shows the bonus
// section's figure as a bonus; its A4 print (page.pdf, the text read back
// with pdf.js) carries the facts, every answer and note, the overall note,
// each signer with a line to sign, the packet's SHA-256 and the receipt's
// time in the browser's time zone (Asia/Shanghai).

import assert from "node:assert/strict";
import { test } from "node:test";
import { appBrowserAndIntake, enrolledKey, waitReceived } from "./lib/intake.mjs";
import { item, newAssessment, newPage, open, saveCount, saved, signWith } from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";
import { pattern, pdfPages, squash } from "./lib/pdf.mjs";

const ID = "jiandu-zeren";
const UNIT = { code: "510824-301", name: "某某镇纪委" };
const PERIOD = "2026";
const SIGNERS = [
  { role: "principal", name: "张清正", pin: "24681357" },
  { role: "supervisory", name: "李廉洁", pin: "13579246" },
];
const TEXT_ANSWER = "存在问题：廉政谈话记录不全。整改措施：十二月底前补齐谈话记录并建立台账。";
const NOTES = {
  "1.1": "监督检查计划已于一月印发，文号见附件。",
  "2.1": "会议纪要存档于纪委办公室。",
};
const OVERALL = "本年度监督责任落实情况总体良好，整改事项已列入明年计划。";
/** The signature line each signer gets (the catalog's 签字 line). */
const SIGN_LINE = "签字：＿＿＿＿";

const env = appBrowserAndIntake({ units: [UNIT] });

/** `2026-11-30T13:34:28.698Z` as the app shows it in Asia/Shanghai (UTC+8, no summer time): `2026-11-30 21:34`. */
function shanghai(utc) {
  const t = new Date(Date.parse(utc) + 8 * 3600_000);
  const two = (n) => String(n).padStart(2, "0");
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
}


test("the printed Review is a record to sign and file, and a bonus section shows its bonus", { timeout: 300_000 }, async () => {
  const page = await newPage(await env.browser.newContext({ timezoneId: "Asia/Shanghai", locale: "zh-CN" }));
  const keys = {};
  for (const signer of SIGNERS) {
    keys[signer.role] = await enrolledKey(page, env.server.url, env.intake, signer, UNIT.code);
  }

  const id = await newAssessment(page, env.server.url, ID, {
    unitCode: UNIT.code,
    unitName: UNIT.name,
    period: PERIOD,
  });
  for (const i of items(template(ID))) {
    const answer = fullAnswer(i);
    if (answer) await give(item(page, i.id), answer);
  }
  await give(item(page, "8.1"), { fields: { count: "1" } });
  await give(item(page, "9.2"), { fields: { text: TEXT_ANSWER } });
  for (const [itemId, note] of Object.entries(NOTES)) {
    await item(page, itemId).locator('[data-field="note"]').fill(note);
  }
  const before = await saveCount(page);
  await page.getByTestId("overall-note-input").fill(OVERALL);
  await saved(page, before);

  // Review: the bonus section shows its bonus, marked as one.
  await open(page, env.server.url, `#/a/${encodeURIComponent(id)}/review`);
  const bonus = page.getByTestId("section-figure-8");
  assert.equal(await bonus.getAttribute("data-bonus"), "true", "加分项 is a bonus section");
  assert.equal(await bonus.getAttribute("data-value"), "1.00", "8.1's bonus is the section's figure");
  assert.equal((await bonus.textContent()).trim(), "+1.00（加分）");
  assert.equal(await page.getByTestId("section-figure-1").getAttribute("data-bonus"), "false");
  assert.equal((await page.getByTestId("total-score").textContent()).trim(), "101.00");

  await open(page, env.server.url, `#/a/${encodeURIComponent(id)}`);
  await signWith(page, SIGNERS, keys);
  const stored = await waitReceived(page, env.intake, UNIT.code, "self-assessment");
  const packet = await env.intake.get(`/packets/${encodeURIComponent(stored.id)}`, { admin: true });
  assert.equal(packet.payload.note, OVERALL, "the overall note is the packet's signed note");

  // On screen too, times read in Asia/Shanghai: the receipt, and the last change.
  const afterSigning = shanghai(new Date().toISOString());
  await open(page, env.server.url, "#/");
  const row = page.getByTestId(`assessment-${id}`);
  await row.locator('[data-upload="received"]').waitFor();
  assert.equal((await row.getByTestId("receipt-time").textContent()).trim(), shanghai(stored.received_at));
  const changed = (await row.getByTestId("last-change").textContent()).trim();
  assert.ok(
    changed >= shanghai(packet.payload.created_at) && changed <= afterSigning,
    `the last change (${changed}) is read in Asia/Shanghai, between ${shanghai(packet.payload.created_at)} and ${afterSigning}`,
  );

  await open(page, env.server.url, `#/a/${encodeURIComponent(id)}/review`);
  await page.getByTestId("record-received").waitFor();
  const pages = await pdfPages(await page.pdf({ format: "A4" }));
  const all = pages.join("\n");
  const flat = squash(all);
  const has = (text, what) => assert.match(flat, pattern(text), `the print lacks ${what}: ${text}\n--- print:\n${all}`);

  assert.ok(pages.length >= 2, `the record runs to ${pages.length} page(s)`);
  for (const fact of [UNIT.name, UNIT.code, PERIOD, "自查自评", `${ID} v`]) has(fact, "a fact of the assessment");
  for (const { name } of SIGNERS) has(name, "a signer's name");
  const lines = all.split(SIGN_LINE).length - 1;
  assert.ok(lines >= SIGNERS.length, `${lines} signature lines for ${SIGNERS.length} signers\n--- print:\n${all}`);
  has(TEXT_ANSWER, "the text answer");
  for (const note of Object.values(NOTES)) has(note, "an evidence note");
  has(OVERALL, "the overall note");
  has(stored.sha256, "the packet's SHA-256");
  has(shanghai(stored.received_at), "the receipt's time in local time");
  has("+1.00（加分）", "the bonus section's figure");
  // A row is never cut: each noted item's title and its note are on one page.
  const t = template(ID);
  for (const [itemId, note] of Object.entries(NOTES)) {
    const title = items(t).find((i) => i.id === itemId).title.zh;
    const on = pages.map(squash).filter((p) => pattern(note).test(p) && pattern(title).test(p));
    assert.equal(on.length, 1, `item ${itemId}'s row is whole on one page`);
  }
});
