// Sync with a central intake: a device enrolls its keys with one-time codes,
// and every packet signed on it is queued and uploaded, with a receipt to
// show for it. Packets wait while the intake is down or the device offline
// and go once it is back; a packet the intake refuses says why and holds up
// no other; a page closed mid-upload loses nothing and doubles nothing.
//
// One intake (`qingdan serve`, lib/intake.mjs) serves the whole file; each
// test has a browser context of its own (its own IndexedDB: keys, outbox)
// and a unit of its own, so the tests do not depend on their order.

import assert from "node:assert/strict";
import { test } from "node:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { appBrowserAndIntake, enroll, submitEnrollment } from "./lib/intake.mjs";
import {
  createEnrollableKey,
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
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "jiandu-zeren";
const SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
// A unit per test; 999999-001 is registered nowhere.
const UNITS = {
  receipt: { code: "510824-101", name: "某某镇党委" },
  outage: { code: "510824-102", name: "某某乡党委" },
  rejected: { code: "510824-103", name: "某某街道党工委" },
  closed: { code: "510824-104", name: "某某局党组" },
  update: { code: "510824-105", name: "某某委员会" },
  rotated: { code: "510824-106", name: "某某人民政府" },
  forget: { code: "510824-107", name: "某某司法所" },
  slip: { code: "510824-108", name: "某某卫生院" },
};
const UNREGISTERED = { code: "999999-001", name: "未登记单位" };

/** How long an upload may take to reach the state a test waits for. */
const UPLOAD_MS = 30_000;
/** How long a test may take in all. */
const TEST_MS = 240_000;

const env = appBrowserAndIntake({ units: Object.values(UNITS) });

// --- What the page shows ------------------------------------------------

/** The home row of an assessment. */
const row = (p, id) => p.getByTestId(`assessment-${id}`);

/** What an `upload-status` (within `scope`) says now: `{ upload, packetId }`, or null. */
async function uploadOf(scope) {
  const status = scope.getByTestId("upload-status");
  if ((await status.count()) === 0) return null;
  return {
    upload: await status.getAttribute("data-upload"),
    packetId: await status.getAttribute("data-packet-id"),
  };
}

/**
 * Waits until the `upload-status` within `scope` says `state`; returns its
 * packet id. On failure says what it showed instead (and the reason, if any).
 */
async function waitUpload(p, scope, state, what, timeout = UPLOAD_MS) {
  const status = scope.locator(`[data-testid="upload-status"][data-upload="${state}"]`);
  try {
    await status.waitFor({ state: "attached", timeout });
  } catch {
    const now = await uploadOf(scope).catch(() => null);
    const reason = await scope
      .getByTestId("upload-reason")
      .textContent({ timeout: 100 })
      .catch(() => null);
    throw new Error(
      `${what}: expected upload-status data-upload="${state}" within ${timeout / 1000} s, ` +
        `but it is ${now ? `"${now.upload}"` : "absent"}${reason ? ` (reason: ${reason.trim()})` : ""} ` +
        `at ${p.url()}${pageErrors(p)}`,
    );
  }
  const id = await status.getAttribute("data-packet-id");
  assert.ok(id, `${what}: upload-status carries the packet's id`);
  return id;
}

/** The outbox badge's count now. */
const badge = (p) => p.getByTestId("outbox-badge").getAttribute("data-count");

/** Waits until the outbox badge says `count` packets are waiting. */
async function waitBadge(p, count, what, timeout = UPLOAD_MS) {
  const deadline = Date.now() + timeout;
  let now;
  do {
    now = await badge(p).catch(() => "absent");
    if (now === String(count)) return;
    await sleep(100);
  } while (Date.now() < deadline);
  assert.fail(`${what}: outbox-badge data-count is ${now}, expected ${count}${pageErrors(p)}`);
}

// --- The device: keys, enrollment, signing ------------------------------

/**
 * Opens Settings and makes the signers' keys there; returns their
 * fingerprints by role, read from the enrollment's key choice.
 */
async function createKeys(p) {
  await open(p, env.server.url, "#/settings");
  const keys = {};
  for (const signer of SIGNERS) {
    const { role } = signer;
    const fingerprint = await createEnrollableKey(p, signer, Object.values(keys));
    await p.getByTestId(`key-${fingerprint}`).waitFor();
    keys[role] = fingerprint;
  }
  const options = await p
    .locator('[data-testid="enroll-key"] option')
    .evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(options.sort(), Object.values(keys).sort(), "one enrollment choice per key on the device");
  return keys;
}

/** A device with both signers' keys enrolled for `unit`: their fingerprints by role. */
async function enrolledDevice(p, unit) {
  const keys = await createKeys(p);
  for (const { role } of SIGNERS) await enroll(p, env.intake, unit, role, keys[role]);
  return keys;
}

/**
 * Fills a new assessment with full answers and has both signers sign it
 * with their keys; `beforeSign(page)` runs once the packet is prepared,
 * before the first signature. Returns the assessment's id.
 */
async function fillAndSign(p, keys, { unit = UNITS.receipt, beforeSign } = {}) {
  const id = await newAssessment(p, env.server.url, ID, { unitCode: unit.code, unitName: unit.name });
  for (const i of items(template(ID))) {
    const answer = fullAnswer(i);
    if (answer) await give(item(p, i.id), answer);
  }
  await signWith(p, SIGNERS, keys, { beforeSign });
  return id;
}

// --- What the intake holds ----------------------------------------------

/** The intake's packets for `unit`, checked to hold each id once. */
async function held(unit) {
  const list = await env.intake.packets({ unit: unit.code });
  const ids = list.packets.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length, `the intake holds each packet of ${unit.code} once: ${ids}`);
  assert.equal(list.total, ids.length, `the listing of ${unit.code} is whole`);
  return list.packets;
}

/** Polls the intake until `unit` has `count` packets (or fails saying how many it has). */
async function waitHeld(unit, count, what, timeout = UPLOAD_MS) {
  const deadline = Date.now() + timeout;
  let packets;
  do {
    packets = await held(unit);
    if (packets.length >= count) break;
    await sleep(100);
  } while (Date.now() < deadline);
  assert.equal(packets.length, count, `${what}: the intake holds ${packets.length} packets of ${unit.code}`);
  return packets;
}

/** Resolves with `promise`, or fails with `message()` after `ms`. */
async function within(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A test with a browser context of its own, closed after it whatever happens. */
function withContext(name, body, options = {}) {
  test(name, { timeout: TEST_MS }, async () => {
    const context = await env.browser.newContext(options);
    try {
      await body(context);
    } finally {
      await context.close();
    }
  });
}

// --- The tests ----------------------------------------------------------

withContext("a device enrolls with codes, and a signed packet goes up with a receipt", async (context) => {
  const unit = UNITS.receipt;
  const p = await newPage(context);
  const keys = await createKeys(p);

  const principal = SIGNERS[0].role;
  const code = await enroll(p, env.intake, unit.code, principal, keys[principal]);
  const pinned = p.getByTestId("intake-pinned");
  assert.equal(await pinned.getAttribute("data-url"), env.intake.url, "the intake's address is kept");
  assert.equal(
    await pinned.getAttribute("data-key"),
    (await env.intake.info()).public_key,
    "the intake's public key is pinned at enrollment",
  );

  // The same code a second time, for the other (not yet enrolled) key:
  // the intake refuses it, and nothing is enrolled.
  const supervisory = SIGNERS[1].role;
  await submitEnrollment(p, env.intake, keys[supervisory], code);
  const refused = p.locator('[data-testid="enroll-notice"][data-kind="error"]');
  await refused.waitFor();
  const zh = (await refused.textContent()).trim();
  assert.match(zh, /注册码/, `the refusal says why, in Chinese: ${zh}`);
  assert.doesNotMatch(zh, /[A-Za-z]+ [A-Za-z]+/, `no English sentence in the Chinese refusal: ${zh}`);
  assert.equal(await p.getByTestId(`enrollment-${keys[supervisory]}`).count(), 0, "a used code enrolls nothing");
  // After the switch to English, the same refusal is in English.
  await p.getByTestId("lang-switch").click();
  await submitEnrollment(p, env.intake, keys[supervisory], code);
  await expectText(refused, /code is not valid or was used/, "the refusal in English");
  assert.doesNotMatch((await refused.textContent()).trim(), /[\u4e00-\u9fff]/, "no Chinese in the English refusal");
  await p.getByTestId("lang-switch").click();

  await enroll(p, env.intake, unit.code, supervisory, keys[supervisory]);
  assert.equal(await p.getByTestId(`enrollment-${keys[principal]}`).getAttribute("data-role"), principal);

  const id = await fillAndSign(p, keys, { unit });

  // The intake holds it...
  const [stored] = await waitHeld(unit, 1, "the signed packet is uploaded at once");
  assert.equal(stored.unit_code, unit.code);
  assert.equal(stored.template_id, ID);

  // ... and the device shows the receipt.
  await open(p, env.server.url, "#/");
  const packetId = await waitUpload(p, row(p, id), "received", "Home, once uploaded");
  assert.equal(packetId, stored.id, "the packet Home shows is the one the intake holds");
  await waitBadge(p, 0, "nothing waits once the packet is received");

  await open(p, env.server.url, `#/a/${encodeURIComponent(id)}/review`);
  await waitUpload(p, p, "received", "Review, once uploaded");
  assert.notEqual((await p.getByTestId("receipt-time").textContent()).trim(), "", "the receipt's time is shown");
  await expectText(p.getByTestId("receipt-sha256"), stored.sha256, "the receipt is for the bytes the intake holds");
  await waitBadge(p, 0, "the badge is on every screen");
});

withContext("packets wait while the intake is down or the device offline, then all go once", async (context) => {
  const unit = UNITS.outage;
  const p = await newPage(context);
  const keys = await enrolledDevice(p, unit.code);

  await env.intake.stop();
  let a, b;
  try {
    a = await fillAndSign(p, keys, { unit });
    b = await fillAndSign(p, keys, { unit });
    await open(p, env.server.url, "#/");
    await waitBadge(p, 2, "two packets wait while the intake is down");
    // A few seconds of failing retries: they wait, neither refused nor lost.
    const until = Date.now() + 4_000;
    while (Date.now() < until) {
      for (const id of [a, b]) {
        const now = await uploadOf(row(p, id));
        assert.ok(
          now && ["queued", "sending"].includes(now.upload),
          `packet of ${id} waits while the intake is down, not ${JSON.stringify(now)}`,
        );
      }
      assert.equal(await badge(p), "2", "both still wait");
      await sleep(200);
    }
    for (const id of [a, b]) await waitUpload(p, row(p, id), "queued", "between retries");
  } finally {
    if (!env.intake.running) await env.intake.start();
  }

  await p.getByTestId("sync-button").click();
  const ids = [];
  for (const id of [a, b]) ids.push(await waitUpload(p, row(p, id), "received", "after sync with the intake back"));
  await waitBadge(p, 0, "nothing waits after the sync");
  let packets = await held(unit);
  assert.deepEqual(packets.map((x) => x.id).sort(), ids.sort(), "the intake holds both, each once");

  // Offline: the packet waits, and goes by itself when the device is online.
  let c;
  try {
    c = await fillAndSign(p, keys, { unit, beforeSign: () => context.setOffline(true) });
    await open(p, env.server.url, "#/");
    await waitUpload(p, row(p, c), "queued", "signed offline");
    await waitBadge(p, 1, "one packet waits offline");
    await sleep(2_000);
    assert.equal((await uploadOf(row(p, c)))?.upload, "queued", "it still waits offline");
  } finally {
    await context.setOffline(false);
  }
  // No click on sync: the `online` event sends it (well before a long backoff).
  const third = await waitUpload(p, row(p, c), "received", "back online, without a click on sync", 10_000);
  await waitBadge(p, 0, "nothing waits once online");
  packets = await held(unit);
  assert.equal(packets.length, 3, "the intake holds exactly the three packets of the unit");
  assert.deepEqual(packets.map((x) => x.id).sort(), [...ids, third].sort(), "each packet once");
});

withContext("a packet signed for a mistyped unit is refused in the user's language, corrected as a draft with every answer, and accepted", async (context) => {
  const unit = UNITS.rejected;
  const p = await newPage(context);
  const t = template(ID);
  const weaker = items(t).find((i) => i.rule.kind === "check" && !i.show_if);

  // Before its keys are enrolled, a device takes any unit code: a mistyped one is signed.
  const keys = await createKeys(p);
  const refused = await newAssessment(p, env.server.url, ID, { unitCode: UNREGISTERED.code, unitName: UNREGISTERED.name });
  const before = await saveCount(p);
  for (const i of items(t)) {
    const answer = i.id === weaker.id ? { answer: "not_done" } : fullAnswer(i);
    if (answer) await give(item(p, i.id), answer);
  }
  await saved(p, before);
  await p.getByTestId("overall-note-input").fill("全年无新发问题");
  await saved(p, before + 1);
  await signWith(p, SIGNERS, keys);

  // Once enrolled, the device offers its unit and no other.
  await open(p, env.server.url, "#/settings");
  for (const { role } of SIGNERS) await enroll(p, env.intake, unit.code, role, keys[role]);
  await open(p, env.server.url, "#/");
  await p.locator(`[data-testid="template-${ID}"]`).click();
  // The screen is drawn once New opens: an enrolled device shows a choice of units.
  await p.getByTestId("new-unit").waitFor();
  const offered = await p.locator('[data-testid="new-unit"] option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(offered, [unit.code], "a new assessment offers the enrolled unit only");
  assert.equal(await p.getByTestId("new-unit-code").count(), 0, "no free unit code on an enrolled device");
  const accepted = await fillAndSign(p, keys, { unit });
  await open(p, env.server.url, "#/");
  await p.getByTestId("sync-button").click();
  await waitUpload(p, row(p, refused), "rejected", "a packet for an unregistered unit");
  const packetId = await waitUpload(p, row(p, accepted), "received", "a packet after a refused one");
  await waitBadge(p, 0, "a refused packet does not wait");
  assert.deepEqual((await held(unit)).map((x) => x.id), [packetId], "the intake holds the accepted packet, once");
  assert.equal((await env.intake.packets({ unit: UNREGISTERED.code })).total, 0, "and nothing of the refused one");

  // Review says why, and what to do, in Chinese, then in English.
  await open(p, env.server.url, `#/a/${encodeURIComponent(refused)}/review`);
  await waitUpload(p, p, "rejected", "Review of the refused packet");
  const total = (await p.getByTestId("total-score").textContent()).trim();
  const reason = p.getByTestId("upload-reason");
  assert.equal(await reason.getAttribute("data-code"), "unit-not-registered", "the intake's problem code");
  const zh = (await reason.textContent()).trim();
  assert.ok(zh.includes("改为草稿并更正"), `the reason says what to do: ${zh}`);
  assert.doesNotMatch(zh, /[A-Za-z]+ [A-Za-z]+/, `no English sentence in the Chinese reason: ${zh}`);
  await p.getByTestId("lang-switch").click();
  await expectText(reason, /not registered/, "the reason in English after the switch");
  assert.doesNotMatch((await reason.textContent()).trim(), /[\u4e00-\u9fff]/, "no Chinese in the English reason");
  await p.getByTestId("lang-switch").click();
  await expectText(reason, /汇总服务器未登记该单位/, "the reason in Chinese again");

  // The refused packet becomes a draft: every answer kept, the unit flagged.
  await p.getByTestId("upload-correct").click();
  await p.waitForURL(new RegExp(`#/a/${encodeURIComponent(refused)}$`));
  await p.locator('[data-testid="facts"][data-allowed="false"]').waitFor();
  await p.getByTestId("facts-not-enrolled").waitFor();
  await expectText(p.getByTestId("total-score"), total, "the draft scores what the refused packet did");
  assert.equal(
    await item(p, weaker.id).locator('[data-answer="not_done"]').getAttribute("aria-pressed"),
    "true",
    `${weaker.id} is still answered not done`,
  );
  assert.equal(await p.getByTestId("overall-note-input").inputValue(), "全年无新发问题", "the overall note is kept");

  // An annual checklist refuses a half-year period; the enrolled unit is taken.
  await p.getByTestId("facts-period").fill("2026-H2");
  await p.getByTestId("facts-correct").click();
  await expectText(p.locator('[data-testid="facts-notice"]'), /年度/, "the period's kind is named");
  await p.getByTestId("facts-unit").selectOption(unit.code);
  await p.getByTestId("facts-period").fill("2026");
  await p.getByTestId("facts-correct").click();
  await p.locator('[data-testid="facts"][data-allowed="true"]').waitFor();
  await expectText(p.getByTestId("assessed"), new RegExp(unit.name), "the draft is now for the enrolled unit");

  // Signed again and uploaded, it is accepted with the answers it had.
  await signWith(p, SIGNERS, keys);
  await open(p, env.server.url, "#/");
  await p.getByTestId("sync-button").click();
  const corrected = await waitUpload(p, row(p, refused), "received", "the corrected packet");
  const stored = await env.intake.get(`/packets/${corrected}`, { admin: true });
  assert.equal(stored.payload.unit.code, unit.code);
  assert.equal(stored.payload.note, "全年无新发问题");
  assert.equal(stored.payload.score.total, total, "the signed total is the refused packet's");
  const list = await held(unit);
  assert.deepEqual(list.map((x) => x.id).sort(), [packetId, corrected].sort(), "both packets of the unit, once each");
});

withContext("a page closed mid-upload loses no packet and doubles none", async (context) => {
  const unit = UNITS.closed;
  let p = await newPage(context);
  const keys = await enrolledDevice(p, unit.code);
  const isUpload = (url) => url.pathname === "/api/v1/packets";

  // (a) The intake stores the packet, but its answer never reaches the page.
  let release;
  const hold = new Promise((resolve) => (release = resolve));
  const forwarded = [];
  let answered;
  const intakeAnswered = new Promise((resolve) => (answered = resolve));
  await p.route(isUpload, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    try {
      const response = await route.fetch();
      forwarded.push(response.status());
    } catch (error) {
      forwarded.push(`failed: ${error.message}`);
    }
    answered();
    await hold; // The page never gets the answer.
    await route.abort().catch(() => {});
  });
  let a;
  try {
    a = await fillAndSign(p, keys, { unit });
    const [stored] = await waitHeld(unit, 1, "the first upload reached the intake");
    // The intake commits before it answers: its answer reaches the route
    // a moment after the packet is held.
    await within(intakeAnswered, UPLOAD_MS, () => "the upload went through page.route (not around it)");
    assert.deepEqual(forwarded, [201], "the intake answered the routed upload with its receipt");
    await waitBadge(p, 1, "the page has no answer yet: the packet still waits");
    await p.close();
    p = await newPage(context);
    await open(p, env.server.url, "#/");
    const id = await waitUpload(p, row(p, a), "received", "re-sent after the page was closed mid-upload");
    assert.equal(id, stored.id);
    const packets = await held(unit);
    assert.deepEqual(
      packets.map((x) => x.id),
      [stored.id],
      "stored once, though sent twice",
    );
    await open(p, env.server.url, `#/a/${encodeURIComponent(a)}/review`);
    await waitUpload(p, p, "received", "Review of the re-sent packet");
    await expectText(p.getByTestId("receipt-sha256"), stored.sha256, "the same receipt as the first time");
  } finally {
    release();
  }

  // (b) The upload never leaves the page before it closes.
  let releaseB;
  const holdB = new Promise((resolve) => (releaseB = resolve));
  let seen;
  const sent = new Promise((resolve) => (seen = resolve));
  await p.route(isUpload, async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    seen();
    await holdB; // Neither forwarded nor answered.
    await route.abort().catch(() => {});
  });
  try {
    const b = await fillAndSign(p, keys, { unit });
    await within(sent, UPLOAD_MS, () => `the second upload never started${pageErrors(p)}`);
    assert.equal((await held(unit)).length, 1, "the held upload has not reached the intake");
    await p.close();
    p = await newPage(context);
    await open(p, env.server.url, "#/");
    const id = await waitUpload(p, row(p, b), "received", "sent after the page was closed before it could");
    const packets = await held(unit);
    assert.equal(packets.length, 2, "the intake holds the two packets of the unit");
    assert.equal(packets.filter((x) => x.id === id).length, 1, "the second packet once");
    await waitBadge(p, 0, "nothing waits");
  } finally {
    releaseB();
  }
});

withContext("a checklist the intake publishes reaches the device, and a draft keeps its version", async (context) => {
  const unit = UNITS.update;
  const p = await newPage(context);
  await enrolledDevice(p, unit.code);
  const draft = await newAssessment(p, env.server.url, ID, { unitCode: unit.code, unitName: unit.name });
  const [first] = items(template(ID));
  const before = await saveCount(p);
  await give(item(p, first.id), fullAnswer(first));
  await saved(p, before);

  // The intake publishes the next version of the checklist.
  const next = template(ID);
  const bundledVersion = next.version;
  next.version = bundledVersion + 1;
  next.title.zh = `${next.title.zh}（修订）`;
  const file = join(env.intake.dir, `${ID}-v${next.version}.json`);
  await writeFile(file, JSON.stringify(next));
  await env.intake.admin(["template", "publish", file]);

  await open(p, env.server.url, "#/");
  await p.getByTestId("sync-button").click();
  const card = p.locator(`[data-testid="template-${ID}"][data-version="${next.version}"]`);
  await card.waitFor({ timeout: UPLOAD_MS });
  assert.equal(await p.getByTestId(`template-${ID}`).count(), 1, "new assessments take the latest version only");
  assert.match(await card.textContent(), /（修订）/, "the card shows the new version's title");

  // The draft still opens on the bundled version, with its answer.
  await open(p, env.server.url, `#/a/${encodeURIComponent(draft)}`);
  await item(p, first.id).waitFor();
  await item(p, first.id).locator('[aria-pressed="true"]').first().waitFor();
  assert.equal(
    await item(p, first.id).locator('[aria-pressed="true"]').getAttribute("data-answer"),
    fullAnswer(first).answer,
    "the draft keeps its version and its answer",
  );
  // And the new version survives a reload (it is kept on the device).
  await p.reload();
  await open(p, env.server.url, "#/");
  await card.waitFor();
});

withContext("forgetting the intake needs the PIN of a key enrolled there; with it, the device is free to enroll again", async (context) => {
  const unit = UNITS.forget;
  const p = await newPage(context);
  await enrolledDevice(p, unit.code);
  await open(p, env.server.url, "#/settings");
  const pinned = p.getByTestId("intake-pinned");
  for (const typed of ["", "12345678", `${SIGNERS[0].pin}0`]) {
    // A fresh page for each, so that a refusal shown is this PIN's.
    await p.reload();
    await pinned.waitFor();
    await p.getByTestId("forget-pin").fill(typed);
    await p.getByTestId("intake-forget").click();
    const refused = p.locator('[data-testid="forget-notice"][data-kind="error"]');
    await expectText(refused, /PIN 码不对/, `the PIN ${JSON.stringify(typed)} is refused`);
    assert.equal(await pinned.count(), 1, `still pinned after the PIN ${JSON.stringify(typed)}`);
  }
  await p.reload();
  await pinned.waitFor();
  assert.equal(await pinned.getAttribute("data-key"), (await env.intake.info()).public_key, "the pin is kept");

  await p.getByTestId("forget-pin").fill(SIGNERS[1].pin);
  await p.getByTestId("intake-forget").click();
  await pinned.waitFor({ state: "detached" });
  await p.reload();
  await p.getByTestId("intake-section").waitFor();
  assert.equal(await pinned.count(), 0, "forgotten for good");
  assert.equal(pageErrors(p), "", "no errors on the page");
});

withContext("a printed slip's link opens Settings with its code filled in, and that code enrolls the key", async (context) => {
  const unit = UNITS.slip;
  const p = await newPage(context);
  // The sheet of slips, as the office prints it; its QR code holds this link.
  const sheet = join(env.intake.dir, "slips.html");
  await env.intake.admin(["code", "sheet", "--unit", unit.code, "--role", "principal", "--base", env.server.url, "-o", sheet]);
  const html = await readFile(sheet, "utf8");
  const link = /data-link="([^"]+)"/.exec(html)?.[1];
  const code = /data-code="([^"]+)"/.exec(html)?.[1];
  assert.ok(link && code, "the sheet has a slip with a link and a code");
  assert.equal(link, `${env.server.url.replace(/\/$/, "")}/#/enroll/${code}`);
  await p.goto(link);
  const field = p.getByTestId("enroll-code");
  await field.waitFor();
  assert.equal(await field.inputValue(), code, "the slip's code is filled in");
  const fingerprint = await createEnrollableKey(p, SIGNERS[0], []);
  assert.equal(await field.inputValue(), code, "still filled in once a key is made");
  await enroll(p, env.intake, unit.code, "principal", fingerprint, code);
  assert.equal(pageErrors(p), "", "no errors on the page");
});

// Last in this file: from here on the intake signs with a rotated key.
withContext("the intake's key is rotated: an enrolled device follows the signed hand-over, and its receipts, old and new, stand", async (context) => {
  const unit = UNITS.rotated;
  const p = await newPage(context);
  const keys = await enrolledDevice(p, unit.code);
  const pinned = async () => {
    await open(p, env.server.url, "#/settings");
    return p.getByTestId("intake-pinned").getAttribute("data-key");
  };
  const earlier = (await env.intake.info()).public_key;
  assert.equal(await pinned(), earlier);
  const first = await fillAndSign(p, keys, { unit });
  await waitHeld(unit, 1, "signed before the rotation");

  await env.intake.stop();
  const rotated = (await env.intake.admin(["intake", "rotate-key"])).trim();
  await env.intake.start();
  const about = await env.intake.info();
  assert.equal(about.public_key, rotated, "the intake signs with the key rotate-key printed");
  assert.deepEqual(about.earlier_keys, [earlier]);

  // Signed after the rotation: received, with the new key's receipt.
  const second = await fillAndSign(p, keys, { unit });
  await waitHeld(unit, 2, "signed after the rotation");
  await open(p, env.server.url, "#/");
  await waitUpload(p, row(p, second), "received", "the packet sent after the rotation");
  await waitUpload(p, row(p, first), "received", "the packet received before the rotation");
  assert.equal(await pinned(), rotated, "the device pins the key its intake handed over to");

  // A checklist published now is signed by the new key, and reaches the device.
  const next = template(ID);
  next.version += 2;
  const file = join(env.intake.dir, `${ID}-v${next.version}.json`);
  await writeFile(file, JSON.stringify(next));
  await env.intake.admin(["template", "publish", file]);
  await open(p, env.server.url, "#/");
  await p.getByTestId("sync-button").click();
  await p.locator(`[data-testid="template-${ID}"][data-version="${next.version}"]`).waitFor({ timeout: UPLOAD_MS });
  assert.equal(pageErrors(p), "", "no errors on the page");
});
