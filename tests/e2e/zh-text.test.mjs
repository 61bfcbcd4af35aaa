// The Chinese UI speaks Chinese: every screen, and every error path the other
// tests provoke (a bad checklist imported, a packet that does not verify, a
// wrong PIN, an enrollment code used twice, a packet the intake refuses),
// shows no English sentence, no `{placeholder}` and no `Error(...)`. Proper
// names, ids, codes and fingerprints are shown as they are.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { appBrowserAndIntake, enroll, submitEnrollment } from "./lib/intake.mjs";
import {
  createEnrollableKey,
  item,
  newAssessment,
  newPage,
  open,
  pageErrors,
  repoPath,
  saveCount,
  saved,
} from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "jiandu-zeren";
const UNIT = { code: "510824-301", name: "某某镇党委" };
/** Registered nowhere: the intake refuses its packets. */
const UNREGISTERED = { code: "999999-002", name: "未登记单位" };
const SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
const TEST_MS = 300_000;

/** Words that may stand in Chinese text: proper names and formats. */
const ALLOWED = ["Qingdan", "JSON", "PIN", "Ed25519", "Excel", "English", "UTF-8", "SHA-256", "HTTPS", "YYYY-MM-DD"];
/** Three English words or more in a row. */
const ENGLISH_RUN = /\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}\b/;

/** What `document.body.innerText` shows that the Chinese UI must not. */
function foreignText(text) {
  let rest = text;
  for (const word of ALLOWED) rest = rest.split(word).join(" ");
  if (rest.includes("{")) return `a placeholder: …${around(rest, rest.indexOf("{"))}…`;
  const call = rest.match(/Error\(/);
  if (call) return `an error's debug text: …${around(rest, call.index)}…`;
  const run = rest.match(ENGLISH_RUN);
  if (run) return `English: "${run[0]}" in …${around(rest, run.index)}…`;
  return null;
}

const around = (text, at) => text.slice(Math.max(0, at - 40), at + 80).replace(/\s+/g, " ");

/** Asserts the page shows only Chinese (and the allowed names), saying where. */
async function chineseOnly(page, where) {
  const text = await page.evaluate(() => document.body.innerText);
  const found = foreignText(text);
  assert.equal(found, null, `${where} (${page.url()}): ${found}${pageErrors(page)}`);
}

const env = appBrowserAndIntake({ units: [UNIT] });

test("the check itself finds English, placeholders and debug text", () => {
  assert.equal(foreignText("清单 · 责任清单 PIN 码 510824-101 Ed25519 JSON"), null);
  assert.match(foreignText("未能保存：The transaction was aborted"), /English/);
  assert.match(foreignText("出错了：{e}"), /placeholder/);
  assert.match(foreignText("IndexedDB: Error(\"x\")"), /debug/);
});

test("every screen and error path in zh-CN shows Chinese only", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext({ locale: "zh-CN" });
  try {
    const p = await newPage(context);

    // --- Home, and checklists refused -------------------------------------
    await open(p, env.server.url, "#/");
    assert.equal(await p.evaluate(() => document.documentElement.lang), "zh-CN");
    await chineseOnly(p, "Home");
    const importErrors = p.getByTestId("import-errors");
    await p.getByTestId("import-template").setInputFiles(repoPath("tests/data/templates/invalid/band-gap.json"));
    await importErrors.waitFor();
    await chineseOnly(p, "Home, a checklist with a gap between its bands refused");
    await p.getByTestId("import-template").setInputFiles(repoPath("tests/data/sheets/openpyxl-bad-cell.xlsx"));
    await p.waitForFunction(() => document.querySelector('[data-testid="import-errors"]')?.textContent.includes("xlsx"));
    await chineseOnly(p, "Home, a workbook with a bad cell refused");
    await p.getByTestId("import-template").setInputFiles({
      name: "garbage.json",
      mimeType: "application/json",
      buffer: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    });
    await p.waitForFunction(() => document.querySelector('[data-testid="import-errors"]')?.textContent.includes("garbage"));
    await chineseOnly(p, "Home, a file that is not text refused");

    // --- 查验数据包: valid, tampered, not a packet --------------------------
    const packetText = await readFile(
      repoPath("tests/data/compat/score-2-49f7291/jiandu-zeren-self-assessment.json"),
      "utf8",
    );
    const openPacket = async (name, text, valid, what) => {
      await open(p, env.server.url, "#/open");
      await chineseOnly(p, "查验数据包");
      await p
        .getByTestId("import-packet")
        .setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text, "utf8") });
      await p.locator(`[data-testid="verify-result"][data-valid="${valid}"]`).waitFor();
      await chineseOnly(p, `查验数据包, ${what}`);
    };
    await openPacket("valid.qingdan.json", packetText, "true", "a valid packet");
    const tampered = JSON.parse(packetText);
    tampered.payload.unit.name = "另一个镇党委";
    await openPacket("tampered.qingdan.json", JSON.stringify(tampered), "false", "a packet changed after signing");
    await openPacket("broken.qingdan.json", '{"payload": 1.5, "payload": 2}', "false", "a file that is no packet");

    // --- Settings: keys, the intake, a code used twice --------------------
    await open(p, env.server.url, "#/settings");
    await chineseOnly(p, "Settings");
    const keys = {};
    for (const signer of SIGNERS) {
      keys[signer.role] = await createEnrollableKey(p, signer, Object.values(keys));
      await p.getByTestId(`key-${keys[signer.role]}`).waitFor();
    }
    await chineseOnly(p, "Settings with two keys");
    await p.getByTestId("key-name").fill("");
    await p.getByTestId("key-create").click();
    await p.getByTestId("key-notice").waitFor();
    await chineseOnly(p, "Settings, a key without a name");

    // --- New, on a device not yet enrolled: any unit code ------------------
    await open(p, env.server.url, `#/new/${ID}`);
    await chineseOnly(p, "New");
    await p.getByTestId("start-assessment").evaluate((b) => {
      b.form.noValidate = true;
      b.form.requestSubmit();
    });
    await p.getByTestId("new-notice").waitFor();
    await chineseOnly(p, "New, without a unit");
    await p.getByTestId("new-unit-code").fill(UNIT.code);
    await p.getByTestId("new-unit-name").fill(UNIT.name);
    await p.getByTestId("new-period").fill("2026-Q3");
    await p.getByTestId("start-assessment").click();
    await p.locator('[data-testid="new-notice"]', { hasText: "年度" }).waitFor();
    await chineseOnly(p, "New, a quarter for an annual checklist");

    // --- Fill, Review, Sign (a wrong PIN), for a unit the intake refuses ----
    const id = await newAssessment(p, env.server.url, ID, { unitCode: UNREGISTERED.code, unitName: UNREGISTERED.name });
    await chineseOnly(p, "Fill, empty");
    await item(p, "1.2").locator('input[data-field="count"]').fill("x");
    await p.locator('[data-item-id="1.2"] .problem').waitFor();
    await chineseOnly(p, "Fill, a count that is no number");
    for (const i of items(template(ID))) {
      const answer = fullAnswer(i);
      if (answer) await give(item(p, i.id), answer);
    }
    const before = await saveCount(p);
    await item(p, "1.1").locator('[data-answer="done"]').click();
    await saved(p, before);
    await chineseOnly(p, "Fill, every item answered");
    await p.getByTestId("go-review").click();
    await p.waitForURL(/\/review$/);
    await p.getByTestId("total-score").waitFor();
    await chineseOnly(p, "Review");

    await open(p, env.server.url, `#/a/${encodeURIComponent(id)}/sign`);
    await chineseOnly(p, "Sign");
    for (const { role } of SIGNERS) await p.getByTestId(`signer-key-${role}`).selectOption(keys[role]);
    await p.getByTestId("prepare-packet").click();
    await p.getByTestId("sign-pin-principal").waitFor();
    await chineseOnly(p, "Sign, the packet prepared");
    await p.getByTestId("sign-pin-principal").fill("000000");
    await p.getByTestId("sign-principal").click();
    await p.getByTestId("sign-error").waitFor();
    await chineseOnly(p, "Sign, a wrong PIN");
    for (const { role, pin } of SIGNERS) {
      await p.getByTestId(`sign-pin-${role}`).fill(pin);
      await p.getByTestId(`sign-${role}`).click();
      await p.getByTestId(`signed-${role}`).waitFor();
    }
    await p.getByTestId("signed-status").waitFor();
    await chineseOnly(p, "Sign, signed");

    // --- Enrollment: a code used twice -------------------------------------
    await open(p, env.server.url, "#/settings");
    const code = await enroll(p, env.intake, UNIT.code, "principal", keys.principal);
    await chineseOnly(p, "Settings, enrolled");
    await submitEnrollment(p, env.intake, keys.supervisory, code);
    await p.locator('[data-testid="enroll-notice"][data-kind="error"]').waitFor();
    await chineseOnly(p, "Settings, an enrollment code used twice");
    await enroll(p, env.intake, UNIT.code, "supervisory", keys.supervisory);
    await open(p, env.server.url, `#/new/${ID}`);
    await p.getByTestId("new-unit").waitFor();
    await chineseOnly(p, "New, on an enrolled device");

    // --- The packet refused by the intake, then corrected ------------------
    await open(p, env.server.url, "#/");
    await p.getByTestId("sync-button").click();
    await p
      .getByTestId(`assessment-${id}`)
      .locator('[data-testid="upload-status"][data-upload="rejected"]')
      .waitFor({ timeout: 30_000 });
    await chineseOnly(p, "Home, a packet refused");
    await open(p, env.server.url, `#/a/${encodeURIComponent(id)}`);
    await p.getByTestId("edit-new-draft").waitFor();
    await chineseOnly(p, "Fill, signed and locked");
    await open(p, env.server.url, `#/a/${encodeURIComponent(id)}/review`);
    await p.getByTestId("upload-reason").waitFor();
    await chineseOnly(p, "Review, a packet refused");
    await p.getByTestId("upload-correct").click();
    await p.getByTestId("facts-not-enrolled").waitFor();
    await chineseOnly(p, "Fill, a refused packet as a draft to correct");

    // --- Findings on an inspection ------------------------------------------
    await newAssessment(p, env.server.url, "jiancha-kaohe", { unitCode: UNIT.code, unitName: UNIT.name, kind: "inspection" });
    const card = item(p, "1.1");
    await card.getByTestId("add-finding-1.1").click();
    await card.locator('li[data-testid^="finding-"]').first().waitFor();
    await chineseOnly(p, "Fill, an inspection with a finding");
    await p.getByTestId("go-sign").click();
    await p.getByTestId("sign-blocked").waitFor();
    await chineseOnly(p, "Sign, an inspection not yet complete");
  } finally {
    await context.close();
  }
});
