// A checklist about a person, end to end: two leadership members of one
// unit (一岗双责) each fill their own self-assessment on the unit's tablet.
// Each names its subject, is signed by the subject, the principal and the
// supervisory (a packet the subject does not sign is refused on the
// tablet), and is its own row in the intake's ranking. A triggered veto
// cannot be signed until it is explained.

import assert from "node:assert/strict";
import { test } from "node:test";
import { enrolledKey as enrolledKeyAt, appBrowserAndIntake } from "./lib/intake.mjs";
import { item, newAssessment, newPage, open, pageErrors, saveCount, saved } from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "yigang-shuangze";
const UNIT = { code: "510824-401", name: "某某镇党委" };
const PERIOD = "2026";
const PRINCIPAL = { role: "principal", name: "张三", pin: "24681357" };
const SUPERVISORY = { role: "supervisory", name: "李四", pin: "13579246" };
const WANG = { role: "member", name: "王五", pin: "11223399", post: "党委副书记" };
const ZHAO = { role: "member", name: "赵六", pin: "44556677", post: "党委委员、副镇长" };
const UPLOAD_MS = 30_000;
const TEST_MS = 300_000;

const env = appBrowserAndIntake({ units: [UNIT] });

/** Answers every item for full points, but `weaker` (not done); `veto`, when given, is triggered. */
async function answerAll(p, t, { veto, weaker } = {}) {
  const before = await saveCount(p);
  for (const i of items(t)) {
    const answer = i.id === veto?.id ? { answer: "yes" } : i.id === weaker?.id ? { answer: "not_done" } : fullAnswer(i);
    if (answer) await give(item(p, i.id), answer);
  }
  await saved(p, before);
}

/** Chooses the keys, makes the packet and signs it with each; returns the sign error instead when there is one. */
async function sign(p, signers, keys) {
  for (const s of signers) await p.getByTestId(`signer-key-${s.role}`).selectOption(keys[s.name]);
  const error = p.getByTestId("sign-error");
  // A refusal of the signers chosen before goes once they are chosen again.
  await error.waitFor({ state: "detached", timeout: 5_000 });
  await p.getByTestId("prepare-packet").click();
  const first = p.getByTestId(`sign-pin-${signers[0].role}`);
  await Promise.race([error.waitFor(), first.waitFor()]);
  if ((await error.count()) > 0) return (await error.textContent()).trim();
  for (const s of signers) {
    await p.getByTestId(`sign-pin-${s.role}`).fill(s.pin);
    await p.getByTestId(`sign-${s.role}`).click();
    await p.getByTestId(`signed-${s.role}`).waitFor();
  }
  await p.getByTestId("signed-status").waitFor();
  return null;
}

/** Waits until the intake holds `n` self-assessments of UNIT. */
async function waitStored(n) {
  const deadline = Date.now() + UPLOAD_MS;
  let list;
  do {
    list = await env.intake.packets({ unit: UNIT.code, kind: "self-assessment" });
    if (list.total >= n) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  assert.fail(`the intake holds ${list.total} self-assessments of ${UNIT.code}, not ${n}`);
}

test("two members' 一岗双责 self-assessments: each names and is signed by its member, and ranks as its own row", { timeout: TEST_MS }, async () => {
  const tablet = await env.browser.newContext();
  try {
    const t = template(ID);
    assert.equal(t.subject, "person", `${ID} is a checklist about a person`);
    const veto = items(t).find((i) => i.rule.kind === "veto" && i.explain);
    assert.ok(veto, `${ID} has a veto that must be explained`);
    const weaker = items(t).find((i) => i.rule.kind === "check" && !i.explain && !i.show_if);

    const p = await newPage(tablet);
    const keys = {};
    for (const s of [PRINCIPAL, SUPERVISORY, WANG, ZHAO]) {
      keys[s.name] = await enrolledKeyAt(p, env.server.url, env.intake, s, UNIT.code);
    }

    // --- 王五's own list: the New screen asks who is assessed.
    await newAssessment(p, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: PERIOD, subject: WANG });
    assert.match(await p.getByTestId("assessed").textContent(), /王五（党委副书记）/, "the form names whom it assesses");
    await answerAll(p, t);
    await p.getByTestId("go-sign").click();
    await p.waitForURL(/\/sign$/);
    // Signed by another member in the member's place: refused on the tablet.
    const refused = await sign(p, [PRINCIPAL, SUPERVISORY, ZHAO], keys);
    assert.ok(refused?.includes(WANG.name), `the tablet says ${WANG.name} must sign: ${refused}`);
    assert.equal(await p.getByTestId("sign-pin-principal").count(), 0, "no packet was made");
    assert.equal(await sign(p, [PRINCIPAL, SUPERVISORY, WANG], keys), null);
    await waitStored(1);

    // --- 赵六's list, one item not done and a veto triggered: not signed until the veto is explained.
    const zhao = await newAssessment(p, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: PERIOD, subject: ZHAO });
    await answerAll(p, t, { veto, weaker });
    await item(p, veto.id).getByTestId("needs-note").waitFor();
    await p.getByTestId("go-sign").click();
    await p.waitForURL(/\/sign$/);
    const blocked = (await p.getByTestId("sign-blocked").textContent()).trim();
    assert.ok(blocked.includes(veto.id), `the sign screen names ${veto.id}: ${blocked}`);
    assert.equal(await p.getByTestId("prepare-packet").count(), 0, "nothing to sign yet");
    await open(p, env.server.url, `#/a/${encodeURIComponent(zhao)}`);
    const before = await saveCount(p);
    await item(p, veto.id).locator('[data-field="note"]').fill("分管领域发生严重违纪案件，已立案审查");
    await saved(p, before);
    assert.equal(await item(p, veto.id).getByTestId("needs-note").count(), 0, "explained");
    await p.getByTestId("go-sign").click();
    await p.waitForURL(/\/sign$/);
    assert.equal(await sign(p, [PRINCIPAL, SUPERVISORY, ZHAO], keys), null);
    const stored = await waitStored(2);

    // --- Each packet names its member, who signed it.
    for (const entry of stored.packets) {
      const packet = await env.intake.get(`/packets/${entry.id}`, { admin: true });
      const subject = packet.payload.subject;
      assert.ok(subject, "the packet names its subject");
      const member = [WANG, ZHAO].find((m) => m.name === subject.name);
      assert.equal(subject.post, member.post);
      assert.deepEqual(
        packet.payload.signers.map((s) => [s.role, s.name]),
        [PRINCIPAL, SUPERVISORY, member].map((s) => [s.role, s.name]),
      );
    }

    // --- The ranking: one row per member of the one unit, the vetoed one last.
    const ranking = JSON.parse(
      await env.intake.admin(["report", "ranking", "--template", ID, "--period", PERIOD, "--kind", "self-assessment", "--format", "json"]),
    );
    const rows = ranking.rows.filter((r) => r.unit_code === UNIT.code).map((r) => [r.subject?.name, r.rank, r.failed_by_veto]);
    assert.deepEqual(rows, [
      [WANG.name, 1, false],
      [ZHAO.name, 2, true],
    ]);
    assert.equal(pageErrors(p), "", "no errors on the page");
  } finally {
    await tablet.close();
  }
});
