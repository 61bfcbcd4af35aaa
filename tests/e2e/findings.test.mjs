// Inspection findings and their rectification, end to end: an inspector
// records two findings while scoring an inspection and signs it; the unit
// opens the inspection packet, answers one finding in a rectification and
// signs that; both packets go up to the intake on their own, and the
// intake's findings report has one finding closed and one open — overdue
// once its deadline has passed (the day is given with `--as-of`).
//
// One intake (`qingdan serve`, lib/intake.mjs); the inspector's device and
// the unit's are browser contexts of their own (their own keys, outboxes).

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { enrolledKey as enrolledKeyAt, appBrowserAndIntake, waitReceived as waitReceivedAt } from "./lib/intake.mjs";
import {
  item,
  newAssessment,
  newPage,
  open,
  pageErrors,
  ready,
  saveCount,
  saved,
  signWith,
} from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

/** The inspection checklist (检查考核), signed by inspectors. */
const ID = "jiancha-kaohe";
const UNIT = { code: "510824-201", name: "某某镇党委" };
const PERIOD = "2026";
const INSPECTOR = { role: "inspector", name: "王五", pin: "11223399" };
const UNIT_SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
/** What the inspector writes, by the id the app gives each finding. */
const FINDINGS = [
  { id: "1", item: "1.1", problem: "党委会议未专题研究党风廉政建设", deadline: "2027-01-31", responsible: "张三" },
  { id: "2", item: "1.2", problem: "廉政谈话记录不全", deadline: "2027-01-31", responsible: "李四" },
];
/** What the unit answers for finding 1; finding 2 it leaves unanswered. */
const ANSWER = { finding: "1", status: "done", action: "已召开专题会议，形成纪要", completed_on: "2026-11-20" };

/** How long an upload may take to reach the intake. */
const UPLOAD_MS = 30_000;
/** How long the whole scenario may take. */
const TEST_MS = 300_000;

// startIntake publishes the bundled checklists, jiancha-kaohe among them.
const env = appBrowserAndIntake({ units: [UNIT] });

// --- The device and what the intake holds --------------------------------

/** A key made in Settings and enrolled for its role at UNIT; its fingerprint. */
const enrolledKey = (p, signer) => enrolledKeyAt(p, env.server.url, env.intake, signer, UNIT.code);

/** Waits until the intake holds the one packet of `kind` for UNIT and the device shows its receipt. */
const waitReceived = (p, kind) => waitReceivedAt(p, env.intake, UNIT.code, kind, UPLOAD_MS);

/** The packet the intake holds with this id, parsed. */
const storedPacket = (id) => env.intake.get(`/packets/${encodeURIComponent(id)}`, { admin: true });

/** Waits until the rectification's progress says `answered` of the findings are answered. */
const progress = async (p, answered, message) => {
  const hook = p.locator(
    `[data-testid="rectification-progress"][data-answered="${answered}"][data-total="${FINDINGS.length}"]`,
  );
  await hook.waitFor({ timeout: 10_000 }).catch(() => assert.fail(message));
};

/** `qingdan report findings` for UNIT on `day`, parsed. */
async function findingsReport(day) {
  const out = await env.intake.admin(["report", "findings", "--unit", UNIT.code, "--as-of", day, "--format", "json"]);
  try {
    return JSON.parse(out);
  } catch {
    throw new Error(`qingdan report findings --format json printed no JSON:\n${out}`);
  }
}

/** A test with browser contexts of its own, closed after it whatever happens. */
function withContexts(name, count, body) {
  test(name, { timeout: TEST_MS }, async () => {
    const contexts = [];
    try {
      for (let i = 0; i < count; i++) contexts.push(await env.browser.newContext());
      await body(...contexts);
    } finally {
      for (const context of contexts) await context.close();
    }
  });
}

// --- The test -------------------------------------------------------------

withContexts(
  "an inspection's two findings, one rectified: the report has one closed and one open, overdue after its deadline",
  2,
  async (inspectorDevice, unitDevice) => {
    const t = template(ID);
    assert.ok(
      t.signers.some((s) => s.role === INSPECTOR.role),
      `${ID} is signed by inspectors`,
    );

    // --- The inspector: an inspection with two findings, signed and sent.
    const ip = await newPage(inspectorDevice);
    const inspectorKey = await enrolledKey(ip, INSPECTOR);
    await newAssessment(ip, env.server.url, ID, {
      unitCode: UNIT.code,
      unitName: UNIT.name,
      period: PERIOD,
      kind: "inspection",
    });
    let before = await saveCount(ip);
    for (const i of items(t)) {
      const answer = fullAnswer(i);
      if (answer) await give(item(ip, i.id), answer);
    }
    await saved(ip, before);

    for (const finding of FINDINGS) {
      const card = item(ip, finding.item);
      before = await saveCount(ip);
      await card.getByTestId(`add-finding-${finding.item}`).click();
      const row = card.getByTestId(`finding-${finding.item}-${finding.id}`);
      try {
        await row.waitFor();
      } catch {
        const shown = await card
          .locator('[data-testid^="finding-"]')
          .evaluateAll((ls) => ls.map((l) => l.dataset.testid));
        throw new Error(
          `no finding ${finding.id} on item ${finding.item} after add-finding; it shows ${JSON.stringify(shown)}` +
            pageErrors(ip),
        );
      }
      assert.equal(
        await card.locator('li[data-testid^="finding-"]').count(),
        1,
        `item ${finding.item} has the one finding just added`,
      );
      await row.locator('textarea[data-field="problem"]').fill(finding.problem);
      // The deadline is written on `change`, which fill fires.
      await row.locator('input[type="date"][data-field="deadline"]').fill(finding.deadline);
      await row.locator('input[data-field="responsible"]').fill(finding.responsible);
      await row.locator('input[data-field="responsible"]').press("Tab");
      await saved(ip, before);
      // The screen shows what was typed, once saved.
      assert.equal(await row.locator('[data-field="problem"]').inputValue(), finding.problem);
      assert.equal(await row.locator('[data-field="deadline"]').inputValue(), finding.deadline);
      assert.equal(await row.locator('[data-field="responsible"]').inputValue(), finding.responsible);
    }
    // Kept on the device: after a reload both findings are there as typed.
    await ip.reload();
    await ready(ip);
    assert.equal(await ip.locator('li[data-testid^="finding-"]').count(), FINDINGS.length, "both findings kept");
    for (const finding of FINDINGS) {
      const row = item(ip, finding.item).getByTestId(`finding-${finding.item}-${finding.id}`);
      for (const field of ["problem", "deadline", "responsible"]) {
        assert.equal(
          await row.locator(`[data-field="${field}"]`).inputValue(),
          finding[field],
          `finding ${finding.id}'s ${field} is kept`,
        );
      }
    }

    await signWith(ip, [INSPECTOR], { [INSPECTOR.role]: inspectorKey });
    const inspectionStored = await waitReceived(ip, "inspection");

    // The inspection packet file, as the inspector hands it to the unit.
    const [download] = await Promise.all([
      ip.waitForEvent("download"),
      ip.getByTestId("export-packet").click(),
    ]);
    const inspectionText = await readFile(await download.path(), "utf8");
    const inspection = JSON.parse(inspectionText);
    assert.equal(inspection.payload.kind, "inspection");
    assert.equal(inspection.payload.id, inspectionStored.id, "the exported packet is the one the intake holds");
    assert.deepEqual(inspection, await storedPacket(inspectionStored.id), "the intake holds the same packet");
    assert.deepEqual(
      inspection.payload.signers.map((s) => [s.role, s.name]),
      [[INSPECTOR.role, INSPECTOR.name]],
    );
    assert.deepEqual(inspection.payload.findings, FINDINGS, "the packet holds both findings as typed");
    // The score sheet (and its print) lists them.
    await ip.goto(ip.url().replace(/\/sign$/, "/review"));
    await ready(ip);
    for (const finding of FINDINGS) {
      const text = await ip.getByTestId(`review-finding-${finding.id}`).textContent();
      assert.ok(text.includes(finding.problem) && text.includes(finding.deadline), `review shows finding ${finding.id}: ${text}`);
    }
    assert.equal(pageErrors(ip), "", "no errors on the inspector's page");

    // --- The unit: opens the inspection, answers finding 1, signs, sends.
    const up = await newPage(unitDevice);
    const keys = {};
    for (const signer of UNIT_SIGNERS) keys[signer.role] = await enrolledKey(up, signer);

    await open(up, env.server.url, "#/open");
    await up
      .getByTestId("import-packet")
      .setInputFiles({
        name: download.suggestedFilename(),
        mimeType: "application/json",
        buffer: Buffer.from(inspectionText, "utf8"),
      });
    const result = up.getByTestId("verify-result");
    await result.waitFor();
    assert.equal(await result.getAttribute("data-valid"), "true", (await result.textContent()).trim());
    const listed = up.locator('[data-testid="packet-findings"] li');
    await listed.first().waitFor();
    assert.equal(await listed.count(), FINDINGS.length, "the packet's findings are listed");
    for (const [i, finding] of FINDINGS.entries()) {
      const text = await listed.nth(i).textContent();
      assert.ok(text.includes(finding.problem), `finding ${finding.id} shows its problem: ${text}`);
      assert.ok(text.includes(finding.deadline), `finding ${finding.id} shows its deadline: ${text}`);
    }

    await up.getByTestId("start-rectification").click();
    await up.waitForURL(/#\/a\/[^/]+$/);
    const rows = FINDINGS.map((f) => up.locator(`li[data-testid="rectify-${f.id}"]`));
    for (const row of rows) await row.waitFor();
    assert.equal(await up.locator('li[data-testid^="rectify-"]').count(), FINDINGS.length, "one answer per finding");
    for (const [i, finding] of FINDINGS.entries()) {
      const text = await rows[i].textContent();
      assert.ok(text.includes(finding.problem), `the rectification shows finding ${finding.id}: ${text}`);
      assert.equal(await rows[i].getAttribute("data-state"), "", `finding ${finding.id} is not answered yet`);
    }
    await progress(up, 0, "nothing answered yet");

    const answered = rows[0];
    before = await saveCount(up);
    await answered.locator('select[data-field="status"]').selectOption(ANSWER.status);
    await up.locator(`li[data-testid="rectify-${ANSWER.finding}"][data-state="${ANSWER.status}"]`).waitFor();
    await answered.locator('input[data-field="completed_on"]').fill(ANSWER.completed_on);
    await answered.locator('textarea[data-field="action"]').fill(ANSWER.action);
    await answered.locator('textarea[data-field="action"]').press("Tab");
    await saved(up, before);
    assert.equal(await answered.locator('[data-field="completed_on"]').inputValue(), ANSWER.completed_on);
    assert.equal(await answered.locator('[data-field="action"]').inputValue(), ANSWER.action);
    assert.equal(await rows[1].getAttribute("data-state"), "", "finding 2 is left unanswered");
    await progress(up, 1, "one of two answered");
    // Kept on the device: after a reload the answer is there as typed.
    await up.reload();
    await ready(up);
    await rows[0].waitFor();
    assert.equal(await rows[0].getAttribute("data-state"), ANSWER.status, "the answer's status is kept");
    assert.equal(await rows[0].locator('[data-field="status"]').inputValue(), ANSWER.status);
    assert.equal(await rows[0].locator('[data-field="completed_on"]').inputValue(), ANSWER.completed_on);
    assert.equal(await rows[0].locator('[data-field="action"]').inputValue(), ANSWER.action);
    assert.equal(await rows[1].getAttribute("data-state"), "", "finding 2 is still unanswered");
    await progress(up, 1, "one of two answered, kept");

    await signWith(up, UNIT_SIGNERS, keys);
    const rectificationStored = await waitReceived(up, "rectification");
    const rectification = await storedPacket(rectificationStored.id);
    assert.equal(rectification.payload.kind, "rectification");
    assert.equal(rectification.payload.refers_to, inspectionStored.id, "the rectification answers the inspection");
    assert.deepEqual(rectification.payload.rectifications, [ANSWER], "it holds the one answer as typed");
    assert.deepEqual(
      rectification.payload.signers.map((s) => [s.role, s.name]),
      UNIT_SIGNERS.map((s) => [s.role, s.name]),
    );
    // Its review says what was done about each finding.
    await up.goto(up.url().replace(/\/sign$/, "/review"));
    await ready(up);
    const answerShown = await up.getByTestId(`review-finding-${ANSWER.finding}`).textContent();
    assert.ok(answerShown.includes(ANSWER.action) && answerShown.includes(ANSWER.completed_on), answerShown);
    assert.equal(await up.getByTestId("review-findings").locator("tbody tr").count(), FINDINGS.length);
    assert.equal(pageErrors(up), "", "no errors on the unit's page");

    // --- The intake's findings report, on the deadline and the day after.
    const row = (report, id) => {
      const found = report.rows.filter((r) => r.inspection_id === inspectionStored.id && r.finding_id === id);
      assert.equal(found.length, 1, `the report has finding ${id} once: ${JSON.stringify(report.rows)}`);
      return found[0];
    };
    const unitRow = { unit_code: UNIT.code, unit_name: UNIT.name };
    const onDeadline = await findingsReport("2027-01-31");
    assert.equal(onDeadline.as_of, "2027-01-31");
    assert.equal(onDeadline.rows.length, FINDINGS.length, "the report has both findings");
    assert.deepEqual(onDeadline.units, [{ ...unitRow, open: 1, overdue: 0, closed: 1 }], "on the deadline");
    const closed = row(onDeadline, ANSWER.finding);
    assert.equal(closed.state, "closed");
    assert.equal(closed.item, FINDINGS[0].item);
    assert.equal(closed.problem, FINDINGS[0].problem);
    assert.equal(closed.deadline, FINDINGS[0].deadline);
    assert.equal(closed.responsible, FINDINGS[0].responsible);
    assert.equal(closed.action, ANSWER.action, "the action the unit typed");
    assert.equal(closed.completed_on, ANSWER.completed_on);
    assert.equal(closed.late, false);
    assert.equal(closed.rectification_id, rectificationStored.id);
    const open2 = row(onDeadline, FINDINGS[1].id);
    assert.equal(open2.state, "open", "unanswered, on its deadline: open");
    assert.equal(open2.item, FINDINGS[1].item);
    assert.equal(open2.responsible, FINDINGS[1].responsible);
    assert.equal(open2.action, null);
    assert.equal(open2.rectification_id, null);

    const dayAfter = await findingsReport("2027-02-01");
    assert.equal(dayAfter.as_of, "2027-02-01");
    assert.deepEqual(dayAfter.units, [{ ...unitRow, open: 0, overdue: 1, closed: 1 }], "the day after the deadline");
    assert.equal(row(dayAfter, ANSWER.finding).state, "closed", "a closed finding stays closed");
    assert.equal(row(dayAfter, FINDINGS[1].id).state, "overdue", "unanswered past its deadline: overdue");

    assert.equal(pageErrors(ip), "", "no errors on the inspector's page");
    assert.equal(pageErrors(up), "", "no errors on the unit's page");
  },
);
