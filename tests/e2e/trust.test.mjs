// Who may sign what, end to end: an inspection team of two (keys enrolled
// for every unit) scores a unit on a self-assessment list, 纪委监督责任清单,
// both signing one inspection on the inspectors' tablet; the unit's own
// self-assessment of the same list comes from the unit's tablet; the
// intake's gap report has the unit with both scores. Then the intake
// revokes the unit's supervisory key: after a sync the unit's tablet shows
// it revoked, and it signs nothing more.
//
// One intake (`qingdan serve`, lib/intake.mjs); each tablet is a browser
// context of its own (its own keys and outbox).

import assert from "node:assert/strict";
import { test } from "node:test";
import { enrolledKey as enrolledKeyAt, appBrowserAndIntake, waitReceived as waitReceivedAt } from "./lib/intake.mjs";
import {
  expectText,
  item,
  newAssessment,
  newPage,
  open,
  pageErrors,
  saveCount,
  saved,
  signWith,
} from "./lib/app.mjs";
import { cents, decimal, fullAnswer, give, items, maximum, template } from "./lib/templates.mjs";

/** A self-assessment list, which inspectors score too. */
const ID = "jiandu-zeren";
const UNIT = { code: "510824-301", name: "某某乡党委" };
const PERIOD = "2026";
const INSPECTORS = [
  { role: "inspector", name: "王五", pin: "11223399" },
  { role: "inspector", name: "赵六", pin: "44556677" },
];
const UNIT_SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];

/** How long an upload may take to reach the intake. */
const UPLOAD_MS = 30_000;
const TEST_MS = 300_000;

const env = appBrowserAndIntake({ units: [UNIT] });

/** A key made in Settings and enrolled: an inspector's for every unit (`*`), the unit's own for UNIT. */
const enrolledKey = (p, signer) =>
  enrolledKeyAt(p, env.server.url, env.intake, signer, signer.role === "inspector" ? "*" : UNIT.code);

/** Answers every item of the checklist for full points, but `weaker`'s, which it leaves not done. */
async function answerAll(p, t, weaker) {
  const before = await saveCount(p);
  for (const i of items(t)) {
    const answer = i.id === weaker ? { answer: "not_done" } : fullAnswer(i);
    if (answer) await give(item(p, i.id), answer);
  }
  await saved(p, before);
}

/** Waits until the intake holds the one packet of `kind` for UNIT and the device shows its receipt. */
const waitReceived = (p, kind) => waitReceivedAt(p, env.intake, UNIT.code, kind, UPLOAD_MS);

test("two inspectors sign one inspection, the unit its self-assessment: the gap report has both; a revoked key signs no more", { timeout: TEST_MS }, async () => {
  const inspectorsTablet = await env.browser.newContext();
  const unitTablet = await env.browser.newContext();
  try {
    const t = template(ID);
    const weaker = items(t).find((i) => i.rule.kind === "check" && !i.show_if);

    // --- The inspectors' tablet: both keys, one inspection, two signatures.
    const ip = await newPage(inspectorsTablet);
    const team = {};
    for (const inspector of INSPECTORS) team[inspector.name] = await enrolledKey(ip, inspector);
    // Inspectors type the unit's code: one the intake has not registered is refused before anything is filled.
    await open(ip, env.server.url, "#/");
    await ip.locator(`[data-testid="template-${ID}"]`).click();
    await ip.getByTestId("new-kind").selectOption("inspection");
    await ip.getByTestId("new-unit-code").fill("999999-009");
    await ip.getByTestId("new-unit-name").fill("未登记单位");
    await ip.getByTestId("start-assessment").click();
    await expectText(ip.getByTestId("new-notice"), /未登记单位代码 999999-009/, "an unregistered unit is refused at once");
    assert.match(ip.url(), /#\/new\//, "no assessment was started for it");
    await newAssessment(ip, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: PERIOD, kind: "inspection" });
    await answerAll(ip, t, weaker.id);
    await ip.getByTestId("go-sign").click();
    await ip.waitForURL(/\/sign$/);
    // One inspector's place (once the screen has read the assessment and the keys), and a second one added.
    await ip.getByTestId("add-signer-inspector").waitFor();
    assert.equal(await ip.locator('[data-testid^="signer-key-"]').count(), 1, "one signer to start with");
    await ip.getByTestId("add-signer-inspector").click();
    await ip.getByTestId("signer-key-inspector-2").waitFor();
    // Each place shows a key of its own, as the packet will list them.
    const shown = [
      await ip.getByTestId("signer-key-inspector").inputValue(),
      await ip.getByTestId("signer-key-inspector-2").inputValue(),
    ];
    assert.deepEqual(shown.toSorted(), Object.values(team).toSorted(), "one inspector's key in each place");
    const [first, second] = shown.map((key) => INSPECTORS.find((s) => team[s.name] === key));
    await ip.getByTestId("prepare-packet").click();
    // Who is still to sign: both, then the second.
    const waiting = ip.getByTestId("still-to-sign");
    assert.equal(await waiting.getAttribute("data-count"), "2");
    await ip.getByTestId("sign-pin-inspector").fill(first.pin);
    await ip.getByTestId("sign-inspector").click();
    await ip.getByTestId("signed-inspector").waitFor();
    await ip.locator('[data-testid="still-to-sign"][data-count="1"]').waitFor();
    assert.ok((await waiting.textContent()).includes(second.name), "the second inspector is still to sign");
    assert.equal(await ip.getByTestId("signed-status").count(), 0, "not complete with one of two");
    await ip.getByTestId("sign-pin-inspector-2").fill(second.pin);
    await ip.getByTestId("sign-inspector-2").click();
    await ip.getByTestId("signed-inspector-2").waitFor();
    await ip.getByTestId("signed-status").waitFor();
    const inspection = await waitReceived(ip, "inspection");
    const stored = await env.intake.get(`/packets/${inspection.id}`, { admin: true });
    assert.deepEqual(
      stored.payload.signers.map((s) => [s.role, s.name]),
      [first, second].map((s) => [s.role, s.name]),
      "the inspection is signed by both inspectors",
    );
    assert.equal(stored.signatures.length, 2);

    // --- The unit's tablet: its own self-assessment of the same list.
    const up = await newPage(unitTablet);
    const keys = {};
    for (const signer of UNIT_SIGNERS) keys[signer.role] = await enrolledKey(up, signer);
    await newAssessment(up, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: PERIOD });
    await answerAll(up, t, null);
    await signWith(up, UNIT_SIGNERS, keys);
    const own = await waitReceived(up, "self-assessment");

    // --- The gap report: both scores, and their difference.
    const gap = JSON.parse(
      await env.intake.admin(["report", "gap", "--template", ID, "--period", PERIOD, "--format", "json"]),
    );
    const row = gap.rows.find((r) => r.unit_code === UNIT.code);
    assert.ok(row, `the gap report has ${UNIT.code}: ${JSON.stringify(gap.rows)}`);
    assert.equal(row.self_assessment, own.total, "the self-assessment's total");
    assert.equal(row.inspection, inspection.total, "the inspection's total");
    assert.equal(row.difference, decimal(cents(own.total) - cents(inspection.total)));
    assert.equal(cents(row.difference), maximum(weaker), "the one item the inspectors found not done");
    assert.equal(row.inspection_packet, inspection.id);
    assert.equal(row.self_assessment_packet, own.id);

    // --- A half-signed packet: the principal signs, the supervisory not yet.
    const half = await newAssessment(up, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: "2025" });
    await answerAll(up, t, null);
    await up.getByTestId("go-sign").click();
    await up.waitForURL(/\/sign$/);
    for (const { role } of UNIT_SIGNERS) await up.getByTestId(`signer-key-${role}`).selectOption(keys[role]);
    await up.getByTestId("prepare-packet").click();
    await up.getByTestId("sign-pin-principal").fill(UNIT_SIGNERS[0].pin);
    await up.getByTestId("sign-principal").click();
    await up.getByTestId("signed-principal").waitFor();

    // --- The supervisory's key is revoked at the intake; a sync tells the tablet.
    await open(up, env.server.url, "#/settings");
    const keyRow = up.getByTestId(`key-${keys.supervisory}`);
    const publicKey = await keyRow.getAttribute("data-public-key");
    assert.equal(await keyRow.getAttribute("data-revoked"), "false");
    await env.intake.admin(["key", "revoke", publicKey, "--reason", "调离"]);
    await up.getByTestId("sync-button").click();
    await up.locator(`[data-testid="key-${keys.supervisory}"][data-revoked="true"]`).waitFor({ timeout: UPLOAD_MS });
    assert.equal(
      await up.getByTestId(`key-${keys.principal}`).getAttribute("data-revoked"),
      "false",
      "the principal's key is not revoked",
    );

    // The half-signed packet cannot be finished with it.
    await open(up, env.server.url, `#/a/${encodeURIComponent(half)}/sign`);
    await up.getByTestId("revoked-supervisory").waitFor();
    await up.getByTestId("sign-pin-supervisory").fill(UNIT_SIGNERS[1].pin);
    await up.getByTestId("sign-supervisory").click();
    await up.getByTestId("sign-error").waitFor();
    assert.equal(await up.getByTestId("signed-supervisory").count(), 0, "the revoked key did not sign");
    assert.equal(await up.getByTestId("signed-status").count(), 0, "the packet is not complete");

    // Nor can it be chosen for a new one: no packet can be made.
    await newAssessment(up, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: "2024" });
    await answerAll(up, t, null);
    await up.getByTestId("go-sign").click();
    await up.waitForURL(/\/sign$/);
    const revokedOption = up.locator(`[data-testid="signer-key-supervisory"] option[value="${keys.supervisory}"]`);
    assert.equal(await revokedOption.evaluate((o) => o.disabled), true, "the revoked key cannot be chosen");
    await up.getByTestId("prepare-packet").click();
    await up.getByTestId("sign-error").waitFor();
    assert.equal(await up.getByTestId("sign-pin-supervisory").count(), 0, "no packet to sign");
    assert.equal(
      (await env.intake.packets({ unit: UNIT.code, kind: "self-assessment" })).total,
      1,
      "only the packet signed before the revocation reached the intake",
    );
    assert.equal(pageErrors(ip), "", "no errors on the inspectors' page");
    assert.equal(pageErrors(up), "", "no errors on the unit's page");
  } finally {
    await inspectorsTablet.close();
    await unitTablet.close();
  }
});
