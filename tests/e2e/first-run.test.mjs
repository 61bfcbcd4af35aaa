// First use of a device, in the order a person meets it: Home sends a new
// device to Settings, where a key is made before it is enrolled and its role
// is chosen on purpose, each mistake told beside its field. Then on an
// enrolled device: a wrong PIN names whose PIN it was, 同步 says what it did,
// and once the intake has acknowledged a packet, Home no longer warns that
// the assessment exists only on this device.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { appBrowserAndIntake, enroll } from "./lib/intake.mjs";
import { createEnrollableKey, item, newAssessment, newPage, open, pageErrors, saveCount, saved } from "./lib/app.mjs";
import { controlled } from "./lib/sw.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "jiandu-zeren";
const UNIT = { code: "510824-201", name: "某某镇党委" };
const SIGNERS = [
  { role: "principal", name: "李清廉", pin: "24681357" },
  { role: "supervisory", name: "王守纪", pin: "13579246" },
];
const UPLOAD_MS = 30_000;
const TEST_MS = 180_000;

const env = appBrowserAndIntake({ units: [UNIT] });

/** The box of `locator` on the page. */
async function box(locator) {
  const b = await locator.boundingBox();
  assert.ok(b, "the element is drawn");
  return b;
}

/** Asserts that `note` is drawn just below `field`, within the form's column. */
async function besideField(note, field, what) {
  const [n, f] = [await box(note), await box(field)];
  const gap = n.y - (f.y + f.height);
  assert.ok(gap >= -1 && gap < 40, `${what}: the error is right below its field (gap ${gap}px)`);
}

/** The fingerprint of a base64url Ed25519 public key, as qingdan_core::keys::fingerprint makes it. */
function fingerprint(publicKey) {
  const hex = createHash("sha256").update(Buffer.from(publicKey, "base64url")).digest("hex").slice(0, 16);
  return hex.match(/.{4}/g).join("-");
}

test("a new device is sent to Settings, where a key is made first and its role chosen on purpose", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext({ viewport: { width: 768, height: 1024 } });
  try {
    const p = await newPage(context);
    await open(p, env.server.url, "#/");
    await p.locator('main[data-first-step="key"]').waitFor();
    await p.locator('[data-testid="first-run"][data-step="key"]').waitFor();

    // 同步 on a device enrolled nowhere says so, as an error.
    await p.getByTestId("sync-button").click();
    const feedback = p.locator('[data-testid="sync-feedback"][data-state="error"]');
    await feedback.waitFor();
    assert.notEqual((await feedback.textContent()).trim(), "", "the feedback says why nothing went");

    await p.getByTestId("first-run-settings").click();
    await p.waitForURL(/#\/settings$/);
    await p.getByTestId("key-create").waitFor();

    // Key creation comes before enrollment, which has no key to offer yet.
    const [create, enrollCode] = [p.getByTestId("key-create"), p.getByTestId("enroll-code")];
    assert.ok((await box(create)).y < (await box(enrollCode)).y, "key creation is above enrollment");
    await p.getByTestId("enroll-no-key").waitFor();
    assert.equal(await p.getByTestId("enroll-key").count(), 0, "no empty key list");
    assert.ok(await p.getByTestId("enroll-submit").isDisabled(), "nothing to enroll yet");

    // The buttons look like buttons, not like the text boxes above them.
    const look = (l) =>
      l.evaluate((e) => {
        const s = getComputedStyle(e);
        return { background: s.backgroundColor, width: e.getBoundingClientRect().width };
      });
    for (const [button, field] of [
      ["key-create", "key-name"],
      ["enroll-submit", "enroll-code"],
    ]) {
      const [b, f] = [await look(p.getByTestId(button)), await look(p.getByTestId(field))];
      assert.notEqual(b.background, f.background, `${button} is coloured unlike ${field}`);
      assert.ok(b.width < f.width / 2, `${button} is not stretched like ${field} (${b.width} vs ${f.width})`);
    }

    // No role is assumed: made without one, the key is refused beside the role.
    const [signer] = SIGNERS;
    assert.equal(await p.getByTestId("key-role").inputValue(), "", "no role until one is chosen");
    await p.getByTestId("key-name").fill(signer.name);
    await p.getByTestId("key-pin").fill(signer.pin);
    await p.getByTestId("key-pin-confirm").fill(signer.pin);
    await create.click();
    const roleError = p.locator('[data-testid="key-notice"][data-field="role"][data-kind="error"]');
    await roleError.waitFor();
    await besideField(roleError, p.getByTestId("key-role"), "no role");
    assert.equal(await p.locator('tr[data-testid^="key-"]').count(), 0, "no key was made");

    // A PIN easy to guess (six digits, a run, a repeat) is refused beside the PIN.
    await p.getByTestId("key-role").selectOption(signer.role);
    for (const weak of ["246810", "12345678", "66666666", "12121212"]) {
      await p.getByTestId("key-pin").fill(weak);
      await p.getByTestId("key-pin-confirm").fill(weak);
      await create.click();
      const weakError = p.locator('[data-testid="key-notice"][data-field="pin"][data-kind="error"]');
      await weakError.waitFor();
      await besideField(weakError, p.getByTestId("key-pin"), `the PIN ${weak}`);
      assert.equal(await p.locator('tr[data-testid^="key-"]').count(), 0, `no key was made with ${weak}`);
    }

    // A PIN typed differently the second time is told beside the second PIN.
    await p.getByTestId("key-pin").fill(signer.pin);
    await p.getByTestId("key-pin-confirm").fill(`${signer.pin}9`);
    await create.click();
    const pinError = p.locator('[data-testid="key-notice"][data-field="pin-confirm"]');
    await pinError.waitFor();
    await besideField(pinError, p.getByTestId("key-pin-confirm"), "PINs that differ");
    assert.equal(await roleError.count(), 0, "the role's error is gone once a role is chosen");

    // Made right, the key is offered for enrollment, with no stale error.
    await p.getByTestId("key-pin-confirm").fill(signer.pin);
    await create.click();
    await p.locator('[data-testid="enroll-key"] option').first().waitFor({ state: "attached" });
    await p.locator('[data-testid="key-notice"][data-kind="ok"]').waitFor();
    assert.equal(await p.locator('[data-testid="key-notice"][data-kind="error"]').count(), 0);
    assert.equal(await p.getByTestId("enroll-no-key").count(), 0, "the hint to make a key first is gone");
    assert.equal(await p.locator('[data-testid="enroll-notice"][data-kind="error"]').count(), 0);
    assert.equal(await p.getByTestId("key-role").inputValue(), "", "the next key's role is chosen afresh");

    // With a key but no intake, Home points to enrollment.
    await open(p, env.server.url, "#/");
    await p.locator('[data-testid="first-run"][data-step="enroll"]').waitFor();
  } finally {
    await context.close();
  }
});

test("on an enrolled device a wrong PIN names the signer, 同步 reports, and a received packet is no longer only here", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext();
  try {
    const p = await newPage(context);
    await open(p, env.server.url, "#/settings");
    const keys = {};
    for (const signer of SIGNERS) {
      keys[signer.role] = await createEnrollableKey(p, signer, Object.values(keys));
      await p.getByTestId(`key-${keys[signer.role]}`).waitFor();
    }
    for (const { role } of SIGNERS) await enroll(p, env.intake, UNIT.code, role, keys[role]);

    // The pinned intake key is shown by its fingerprint, xxxx-xxxx-xxxx-xxxx.
    const pinned = await p.getByTestId("intake-pinned").getAttribute("data-key");
    const shown = (await p.getByTestId("intake-fingerprint").textContent()).trim();
    assert.match(shown, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    assert.equal(shown, fingerprint(pinned), "the fingerprint is the core's, of the pinned key");

    await open(p, env.server.url, "#/");
    await p.locator('main[data-first-step="none"]').waitFor();
    assert.equal(await p.getByTestId("first-run").count(), 0, "an enrolled device with keys is not sent to Settings");

    // A draft exists only here.
    const id = await newAssessment(p, env.server.url, ID, { unitCode: UNIT.code, unitName: UNIT.name });
    for (const i of items(template(ID))) {
      const answer = fullAnswer(i);
      if (answer) await give(item(p, i.id), answer);
    }
    const before = await saveCount(p);
    await item(p, "1.1").locator('[data-answer="done"]').click();
    await saved(p, before);
    await open(p, env.server.url, "#/");
    await p.getByTestId("device-only-warning").waitFor();

    // The intake goes away while the packet is signed.
    await env.intake.stop();
    await open(p, env.server.url, `#/a/${encodeURIComponent(id)}/sign`);
    for (const { role } of SIGNERS) await p.getByTestId(`signer-key-${role}`).selectOption(keys[role]);
    await p.getByTestId("prepare-packet").click();
    const [first, second] = SIGNERS;
    await p.getByTestId(`sign-pin-${first.role}`).fill("000000");
    await p.getByTestId(`sign-${first.role}`).click();
    const wrong = p.locator(`[data-testid="sign-error"][data-place="${first.role}"]`);
    await wrong.waitFor();
    assert.ok((await wrong.textContent()).includes(first.name), "the wrong-PIN message names the signer");
    await besideField(wrong, p.getByTestId(`sign-pin-${first.role}`), "a wrong PIN");

    await p.getByTestId(`sign-pin-${first.role}`).fill(first.pin);
    await p.getByTestId(`sign-${first.role}`).click();
    await p.getByTestId(`signed-${first.role}`).waitFor();
    assert.ok((await p.getByTestId(`signed-${first.role}`).textContent()).includes(first.name));
    assert.equal(await p.getByTestId("sign-error").count(), 0, "the wrong PIN's message is gone");
    assert.equal(await p.getByTestId("sign-notice").count(), 0, "the signature is told once, at its place");
    await p.getByTestId(`sign-pin-${second.role}`).fill(second.pin);
    await p.getByTestId(`sign-${second.role}`).click();
    await p.getByTestId("signed-status").waitFor();

    // 同步 with the intake down: the packet could not go, and it says so.
    await p.getByTestId("sync-button").click();
    const failed = p.locator('[data-testid="sync-feedback"][data-state="error"][data-failed="1"]');
    await failed.waitFor({ timeout: UPLOAD_MS });
    assert.notEqual((await failed.textContent()).trim(), "");
    await open(p, env.server.url, "#/");
    await p.getByTestId(`assessment-${id}`).locator('[data-upload="queued"]').waitFor();
    await p.getByTestId("device-only-warning").waitFor();

    // Back up: 同步 is busy, then done, and the intake acknowledges the packet.
    await env.intake.start();
    await p.evaluate(() => {
      window.__syncStates = [];
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="sync-feedback"]')?.dataset.state;
        if (state && window.__syncStates.at(-1) !== state) window.__syncStates.push(state);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await p.getByTestId("sync-button").click();
    await p.locator('[data-testid="sync-feedback"][data-state="done"]').waitFor({ timeout: UPLOAD_MS });
    assert.deepEqual(await p.evaluate(() => window.__syncStates), ["busy", "done"], "同步 is busy, then done");
    await p.getByTestId(`assessment-${id}`).locator('[data-upload="received"]').waitFor({ timeout: UPLOAD_MS });
    const held = await env.intake.packets({ unit: UNIT.code });
    assert.equal(held.total, 1, "the intake holds the packet");
    assert.equal(await p.getByTestId("device-only-warning").count(), 0, "the intake holds it: no device-only warning");

    // Nothing waits now: 同步 says it sent nothing, and it is no error.
    await p.getByTestId("sync-button").click();
    await p.locator('[data-testid="sync-feedback"][data-state="done"][data-sent="0"]').waitFor({ timeout: UPLOAD_MS });
  } finally {
    if (!env.intake.running) await env.intake.start();
    await context.close();
  }
});

test("the app served by the intake starts, lists its checklists and makes a key under the intake's security policy", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext();
  try {
    const p = await newPage(context);
    const response = await p.goto(`${env.intake.url}/#/`);
    const policy = response.headers()["content-security-policy"] ?? "";
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/, `the page has a script policy: ${policy}`);
    assert.doesNotMatch(policy, /'unsafe-inline'/);
    assert.equal(response.headers()["x-frame-options"], "DENY");
    await p.locator('[data-testid^="template-"]').first().waitFor();
    await controlled(p);
    await open(p, env.intake.url + "/", "#/settings");
    await createEnrollableKey(p, SIGNERS[0], []);
    assert.equal(pageErrors(p), "", "nothing was refused by the policy");
  } finally {
    await context.close();
  }
});
