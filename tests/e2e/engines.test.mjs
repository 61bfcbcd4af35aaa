// The app in the three browser engines — Chromium, Firefox and WebKit — by
// one suite whose engine is a parameter (QINGDAN_ENGINES, default all
// three): a bundled list filled and scored to its exact total; every answer
// found after a reload mid-form, and after the tab closed right after an
// answer; the app started and filled from its service worker once the
// server is gone; two PIN-sealed keys, a wrong PIN refused, a packet signed,
// exported and verified by `qingdan verify`; the keys enrolled at a real
// `qingdan serve` and the packet uploaded with its receipt; Review printed
// (where the engine's WebDriver can print) on two pages or more, with a
// signature line per signer.
//
// "Offline" here is the app's server gone away, not a driver's network
// switch: W3C WebDriver has none, and a server that stops answering is what
// the service worker must survive in every engine alike.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { cli, dist } from "./lib/app.mjs";
import { ENGINES, byTestId, startEngine } from "./lib/engines.mjs";
import { pattern, pdfPages, squash } from "./lib/pdf.mjs";
import { startIntake } from "./lib/intake.mjs";
import { serve } from "./lib/server.mjs";
import { decimal, fullAnswer, items, maxTotal, maximum, template } from "./lib/templates.mjs";

const ID = "jiandu-zeren";
const UNIT = { code: "510824-501", name: "某某镇党委" };
const SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
const TEST_MS = 240_000;

const chosen = (process.env.QINGDAN_ENGINES ?? ENGINES.join(","))
  .split(",")
  .map((e) => e.trim())
  .filter(Boolean);
for (const engine of chosen) assert.ok(ENGINES.includes(engine), `QINGDAN_ENGINES: no engine ${engine}`);

const item = (id) => `[data-item-id="${id}"]`;

/** The number of completed saves (`window.__qingdanSaveMs`). */
const saveCount = (p) => p.evaluate(() => window.__qingdanSaveMs?.length ?? 0);

/** Waits until a save after the first `before` completed and the status says saved. */
function saved(p, before) {
  return p.until(
    () =>
      p.evaluate(
        (n) =>
          document.querySelector('[data-testid="save-status"]')?.dataset.state === "saved" &&
          (window.__qingdanSaveMs?.length ?? 0) > n,
        before,
      ),
    `no save after ${before} completed`,
  );
}

/** Gives item `i` the answer `fullAnswer` (or another of that form) names. */
async function give(p, itemId, answer) {
  if (answer.answer !== undefined) await p.click(`${item(itemId)} [data-answer="${answer.answer}"]`);
  for (const [field, value] of Object.entries(answer.fields ?? {})) {
    const css = `${item(itemId)} [data-field="${field}"]`;
    const type = await p.attr(css, "type");
    if (type === "date") await p.set(css, value);
    else await p.type(css, value);
  }
}

/** Asserts that item `itemId` shows `answer` (as `give` gave it). */
async function shows(p, itemId, answer, when) {
  if (answer.answer !== undefined) {
    const pressed = await p.attr(`${item(itemId)} [data-answer="${answer.answer}"]`, "aria-pressed");
    assert.equal(pressed, "true", `${p.engine}, ${when}: item ${itemId} is ${answer.answer}`);
  }
  for (const [field, value] of Object.entries(answer.fields ?? {})) {
    const shown = await p.value(`${item(itemId)} [data-field="${field}"]`);
    assert.equal(shown, value, `${p.engine}, ${when}: item ${itemId}'s ${field}`);
  }
}

/** Starts a new assessment of ID from Home; returns its id once items show. */
async function newAssessment(p, base, unit = UNIT) {
  await p.open(base, "#/");
  await p.waitFor(byTestId(`template-${ID}`));
  const href = await p.attr(byTestId(`template-${ID}`), "href");
  await p.click(byTestId(`template-${ID}`));
  // The list it opened is the one clicked.
  await p.until(async () => (await p.url()).endsWith(href), `the new ${ID} assessment did not open`);
  await p.set(byTestId("new-kind"), "self_assessment");
  await p.until(() => p.count(`${byTestId("new-unit")}, ${byTestId("new-unit-code")}`), "no unit field");
  if (await p.count(byTestId("new-unit"))) {
    await p.set(byTestId("new-unit"), unit.code);
  } else {
    await p.type(byTestId("new-unit-code"), unit.code);
    await p.type(byTestId("new-unit-name"), unit.name);
  }
  await p.click(byTestId("start-assessment"));
  const url = await p
    .until(async () => {
      const now = await p.url();
      return /#\/a\/[^/]+$/.test(now) && (await p.count("[data-item-id]")) > 0 && now;
    }, "the new assessment did not open")
    .catch(async (error) => {
      const notice = await p.text(byTestId("new-notice")).catch(() => null);
      throw new Error(`${error.message}${notice ? `; the screen says: ${notice}` : ""}`);
    });
  return decodeURIComponent(new URL(url).hash.slice("#/a/".length));
}

/** Answers `list` (`[item, answer]`) and waits until they are saved. */
async function answer(p, list) {
  const before = await saveCount(p);
  for (const [id, a] of list) await give(p, id, a);
  await saved(p, before);
}

/** Makes a key in Settings; returns its fingerprint. */
async function makeKey(p, base, { name, role, pin }) {
  await p.open(base, "#/settings");
  const options = () =>
    p.evaluate(() => [...document.querySelectorAll('[data-testid="enroll-key"] option')].map((o) => o.value).filter(Boolean));
  const known = await options();
  await p.type(byTestId("key-name"), name);
  await p.set(byTestId("key-role"), role);
  await p.type(byTestId("key-pin"), pin);
  await p.type(byTestId("key-pin-confirm"), pin);
  await p.click(byTestId("key-create"));
  return p.until(async () => (await options()).find((v) => !known.includes(v)), `the ${role} key was not made`, 60_000);
}

const answers = (t) =>
  items(t)
    .map((i) => [i.id, fullAnswer(i)])
    .filter(([, a]) => a);

for (const name of chosen) {
  describe(`in ${name}`, () => {
    let engine, server;
    before(async () => {
      server = await serve(dist());
      engine = await startEngine(name);
    });
    after(async () => {
      if (engine?.version) console.log(`# ${name}: ${engine.version}`);
      await engine?.close();
      await server?.close();
    });

    test("a list filled and scored to its exact total keeps every answer across a reload and a tab closed right after an answer", { timeout: TEST_MS }, async () => {
      const p = await engine.session();
      // Quit even when it fails: a session left open would refuse the
      // next tests theirs (WebKit's driver allows one).
      try {
        const t = template(ID);
        const all = answers(t);
        const id = await newAssessment(p, server.url);

        // Half the answers, then a reload mid-form: every one is there.
        const half = all.slice(0, Math.ceil(all.length / 2));
        await answer(p, half);
        await p.reload();
        await p.waitFor(item(half[0][0]));
        for (const [itemId, a] of half) await shows(p, itemId, a, "after a reload mid-form");

        // The rest: the exact maximum.
        await answer(p, all.slice(half.length));
        const max = decimal(maxTotal(t));
        await p.until(async () => (await p.text(byTestId("total-score"))) === max, `the total is not ${max}`);

        // An answer given in another tab that closes right after the click.
        const check = items(t).find((i) => i.rule.kind === "check" && !i.show_if);
        await p.open(server.url, "#/");
        await p.inNewTab(async () => {
          await p.open(server.url, `#/a/${encodeURIComponent(id)}`);
          await p.click(`${item(check.id)} [data-answer="not_done"]`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        });
        await p.open(server.url, `#/a/${encodeURIComponent(id)}`);
        await p.waitFor(item(check.id));
        await shows(p, check.id, { answer: "not_done" }, "after the tab closed 50 ms after the click");
        const less = decimal(maxTotal(t) - maximum(check));
        assert.equal(await p.text(byTestId("total-score")), less, `${name}: ${check.id} not done takes off exactly its points`);
      } finally {
        await p.quit();
      }
    });

    test("after one visit the app starts from its service worker with the server gone, and fills and keeps an answer", { timeout: TEST_MS }, async () => {
      const own = await serve(dist());
      const p = await engine.session();
      try {
        await p.open(own.url, "#/");
        const controlled = await p.evaluateAsync(async () => {
          if (!("serviceWorker" in navigator)) return "no serviceWorker in navigator";
          await navigator.serviceWorker.ready;
          if (!navigator.serviceWorker.controller) {
            await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
          }
          return "controlled";
        });
        assert.equal(controlled, "controlled", `${name}: a service worker controls the page`);
        await own.close();

        await p.reload();
        const id = await newAssessment(p, own.url);
        await answer(p, [["1.1", { answer: "done" }]]);
        await p.reload();
        await p.waitFor(item("1.1"));
        await shows(p, "1.1", { answer: "done" }, "offline, after a reload");
        assert.ok(id);
      } finally {
        await p.quit();
        await own.close().catch(() => {});
      }
    });

    test("two PIN-sealed keys sign (a wrong PIN refused), the packet exports and verifies, uploads with a receipt, and prints", { timeout: TEST_MS }, async () => {
      const intake = await startIntake({ units: [UNIT] });
      const scratch = await mkdtemp(join(tmpdir(), "qingdan-engines-"));
      const p = await engine.session();
      try {
        const keys = {};
        for (const signer of SIGNERS) keys[signer.role] = await makeKey(p, server.url, signer);
        // Settings says whether this browser can keep the data from eviction at all.
        const canPersist = await p.evaluate(() => typeof navigator.storage?.persist === "function");
        const persisted = await p.attr(byTestId("storage-persistent"), "data-persisted");
        if (canPersist) assert.match(persisted, /^(true|false)$/, `${name}: persistent storage is asked for`);
        else assert.equal(persisted, "unsupported", `${name} has no persistent storage, and Settings says so`);
        // Enrolled with one-time codes: the device pins the intake.
        for (const { role } of SIGNERS) {
          await p.open(server.url, "#/settings");
          const url = `${byTestId("enroll-url")}:not([readonly]):not([disabled])`;
          if ((await p.count(url)) > 0 && (await p.value(url)) !== intake.url) {
            await p.type(byTestId("enroll-url"), intake.url);
          }
          await p.type(byTestId("enroll-code"), await intake.code(UNIT.code, role));
          await p.set(byTestId("enroll-key"), keys[role]);
          await p.click(byTestId("enroll-submit"));
          await p.waitFor(byTestId(`enrollment-${keys[role]}`), 30_000);
        }

        const id = await newAssessment(p, server.url);
        await answer(p, answers(template(ID)));
        await p.click(byTestId("go-sign"));
        await p.until(async () => /\/sign$/.test(await p.url()), "Sign did not open");
        for (const { role } of SIGNERS) await p.set(byTestId(`signer-key-${role}`), keys[role]);
        await p.click(byTestId("prepare-packet"));
        const [first, second] = SIGNERS;
        await p.type(byTestId(`sign-pin-${first.role}`), "000000");
        await p.click(byTestId(`sign-${first.role}`));
        await p.waitFor(byTestId("sign-error"), 60_000);
        assert.equal(await p.count(byTestId(`signed-${first.role}`)), 0, `${name}: a wrong PIN signs nothing`);
        for (const { role, pin } of [first, second]) {
          await p.type(byTestId(`sign-pin-${role}`), pin);
          await p.click(byTestId(`sign-${role}`));
          await p.waitFor(byTestId(`signed-${role}`), 60_000);
        }
        await p.waitFor(byTestId("signed-status"));

        // Uploaded on its own once signed: the intake holds it, the device shows the receipt.
        await p.waitFor(`${byTestId("upload-status")}[data-upload="received"]`, 30_000);
        const held = await intake.packets({ unit: UNIT.code });
        assert.equal(held.total, 1, `${name}: the intake holds the packet`);
        const shownId = await p.attr(byTestId("upload-status"), "data-packet-id");
        assert.equal(shownId, held.packets[0].id, `${name}: the receipt is for the packet the intake holds`);

        // Exported: the file the download would save, read back from its blob.
        await p.evaluate(() => {
          window.__exported = null;
          const click = HTMLAnchorElement.prototype.click;
          HTMLAnchorElement.prototype.click = function () {
            if (this.download) {
              fetch(this.href)
                .then((r) => r.text())
                .then((text) => (window.__exported = { name: this.download, text }));
            }
            return click.call(this);
          };
        });
        await p.click(byTestId("export-packet"));
        const exported = await p.until(() => p.evaluate(() => window.__exported), "no packet was exported");
        assert.match(exported.name, new RegExp(`^${UNIT.code}-\\d{4}-.+\\.qingdan\\.json$`));
        const file = join(scratch, exported.name);
        await writeFile(file, exported.text);
        const verify = spawnSync(cli(), ["verify", file], { encoding: "utf8" });
        assert.equal(verify.status, 0, `${name}: qingdan verify ${file}:\n${verify.stdout}${verify.stderr}`);
        assert.match(verify.stdout, /^valid packet /);
        assert.equal(JSON.parse(exported.text).signatures.length, 2);

        // Printed, Review is a record with each signer's name (WebKitGTK's
        // WebDriver has no print command: there, print is not checked).
        await p.open(server.url, `#/a/${encodeURIComponent(id)}/review`);
        await p.waitFor(byTestId("record-received"), 30_000);
        const printed = await p.driver.printPage({}).catch((error) => {
          if (name === "webkit" && /Unknown command/.test(error.message)) return null;
          throw error;
        });
        if (printed !== null) {
          const pages = await pdfPages(Buffer.from(printed, "base64"));
          const text = squash(pages.join("\n"));
          assert.ok(pages.length >= 2, `${name}: the record runs to ${pages.length} page(s)`);
          assert.match(text, new RegExp(UNIT.code), `${name}: the print names the unit's code`);
          const lines = text.split(/_{8}/).length - 1;
          assert.ok(lines >= SIGNERS.length, `${name}: ${lines} signature lines for ${SIGNERS.length} signers`);
          // Firefox's PDF maps many CJK glyphs to no text (pdf.js reads them
          // as U+FFFD), so Chinese is read back only where it can be.
          if (!text.includes("\uFFFD")) {
            for (const { name: signer } of SIGNERS) assert.match(text, pattern(signer), `${name}: the print names ${signer}`);
          }
        }
      } finally {
        await p.quit();
        await intake.close();
        await rm(scratch, { recursive: true, force: true });
      }
    });
  });
}
