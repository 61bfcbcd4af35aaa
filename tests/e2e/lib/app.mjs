// What the tests share: where the built app and the CLI are, opening the app
// and waiting on its test hooks (`data-testid`, `data-state`, ...), never on
// its wording.

import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { after, before } from "node:test";
import { launch } from "./browser.mjs";
import { serve } from "./server.mjs";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The built app: `QINGDAN_DIST`, else `web/dist`; `cargo xtask build-web` makes it. */
export function dist() {
  const dir = process.env.QINGDAN_DIST ?? join(ROOT, "web/dist");
  const missing = ["index.html", "sw.js"].filter((f) => !existsSync(join(dir, f)));
  // The modules' names carry a digest of their content.
  if (!existsSync(dir) || !readdirSync(dir).some((f) => /^qingdan_app_bg\.[0-9a-f]+\.wasm$/.test(f))) {
    missing.push("qingdan_app_bg.<digest>.wasm");
  }
  if (missing.length) {
    throw new Error(`${dir} lacks ${missing.join(", ")}: build the app first (cargo xtask build-web)`);
  }
  return dir;
}

/** The `qingdan` command: `QINGDAN_CLI`, else the debug build. */
export function cli() {
  const path = process.env.QINGDAN_CLI ?? join(ROOT, "target/debug/qingdan");
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build it (cargo build -p qingdan-cli) or set QINGDAN_CLI`);
  }
  return path;
}

export const repoPath = (path) => join(ROOT, path);

/** How long the app may take to start or to answer a click in these tests. */
const TIMEOUT_MS = 15_000;

const problems = new WeakMap();

/** A new page that remembers its script errors, to explain a failure. */
export async function newPage(context) {
  const page = await context.newPage();
  const seen = [];
  problems.set(page, seen);
  page.on("pageerror", (error) => seen.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") seen.push(`console error: ${message.text()}`);
  });
  page.setDefaultTimeout(TIMEOUT_MS);
  return page;
}

/** The page's last script errors, as lines to add to a failure message ("" when none). */
export function pageErrors(page) {
  const seen = problems.get(page) ?? [];
  return seen.length ? `\n  errors on the page:\n  ${seen.slice(-5).join("\n  ")}` : "";
}

function explain(page, what) {
  return `${what} at ${page.url()}${pageErrors(page) || "\n  errors on the page: none"}`;
}

/** Waits for `[data-testid="app-ready"]`, with a clear message when it never comes. */
export async function ready(page) {
  try {
    await page.locator('[data-testid="app-ready"]').first().waitFor({ state: "attached" });
  } catch {
    throw new Error(explain(page, `the app never showed [data-testid="app-ready"] within ${TIMEOUT_MS / 1000} s`));
  }
}

/** Opens the app at `hash` (`#/`, `#/a/<id>` ...) and waits until it is ready. */
export async function open(page, base, hash = "#/") {
  await page.goto(base + hash);
  await ready(page);
}

/** A locator for one item's container on the fill screen. */
export const item = (page, id) => page.locator(`[data-item-id="${id}"]`);

/** The number of saves so far (`window.__qingdanSaveMs`). */
export const saveCount = (page) => page.evaluate(() => window.__qingdanSaveMs?.length ?? 0);

/** Waits until a save after the first `before` ones has completed and the status says saved. */
export async function saved(page, before) {
  try {
    await page.waitForFunction(
      (n) =>
        document.querySelector('[data-testid="save-status"]')?.dataset.state === "saved" &&
        (window.__qingdanSaveMs?.length ?? 0) > n,
      before,
    );
  } catch {
    const state = await page
      .locator('[data-testid="save-status"]')
      .getAttribute("data-state", { timeout: 1000 })
      .catch(() => "absent");
    const count = await saveCount(page).catch(() => "?");
    throw new Error(
      explain(page, `no save completed: save-status data-state=${state}, saves ${count} (expected more than ${before})`),
    );
  }
}

/**
 * Polls until the locator's trimmed text equals `expected` (a string) or
 * matches it (a RegExp), then asserts it.
 */
export async function expectText(locator, expected, message) {
  const fits = (text) => (expected instanceof RegExp ? expected.test(text ?? "") : text === expected);
  const deadline = Date.now() + TIMEOUT_MS;
  let text;
  do {
    text = (await locator.textContent({ timeout: TIMEOUT_MS }))?.trim();
    if (fits(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  if (expected instanceof RegExp) assert.match(text ?? "", expected, message);
  else assert.equal(text, expected, message);
}

/**
 * Makes a signing key in the keys panel of the screen shown (Sign or
 * Settings), choosing its role (the form assumes none); the caller waits
 * for what the new key makes appear.
 */
export async function createKey(page, { name, role, pin }) {
  await page.getByTestId("key-name").fill(name);
  await page.getByTestId("key-role").selectOption(role);
  await page.getByTestId("key-pin").fill(pin);
  await page.getByTestId("key-pin-confirm").fill(pin);
  await page.getByTestId("key-create").click();
}

/**
 * Makes a key in Settings (createKey) and returns its fingerprint once it is
 * a choice of the enrollment form; `known` are the fingerprints already
 * there. (PBKDF2 takes about a second.)
 */
export async function createEnrollableKey(page, signer, known) {
  await createKey(page, signer);
  const fresh = await page.waitForFunction(
    (known) =>
      [...document.querySelectorAll('[data-testid="enroll-key"] option')]
        .map((o) => o.value)
        .find((v) => v && !known.includes(v)),
    known,
  );
  return fresh.jsonValue();
}

/**
 * From the fill screen: to Sign, chooses each signer's key (`keys` by role),
 * prepares the packet, runs `beforeSign(page)`, and signs with each PIN.
 * Returns once the packet is signed, or fails with the sign error.
 */
export async function signWith(page, signers, keys, { beforeSign } = {}) {
  await page.getByTestId("go-sign").click();
  await page.waitForURL(/\/sign$/);
  for (const { role } of signers) await page.getByTestId(`signer-key-${role}`).selectOption(keys[role]);
  await page.getByTestId("prepare-packet").click();
  await beforeSign?.(page);
  for (const { role, pin } of signers) {
    await page.getByTestId(`sign-pin-${role}`).fill(pin);
    await page.getByTestId(`sign-${role}`).click();
    await page.getByTestId(`signed-${role}`).waitFor();
  }
  try {
    await page.getByTestId("signed-status").waitFor();
  } catch {
    const error = await page.getByTestId("sign-error").textContent({ timeout: 100 }).catch(() => null);
    throw new Error(`the packet was not signed${error ? ` (sign-error: ${error.trim()})` : ""}${pageErrors(page)}`);
  }
}

/**
 * Starts an assessment of a bundled checklist from Home and returns its id
 * once its fill screen shows items.
 */
export async function newAssessment(page, base, templateId, fields = {}) {
  const { unitCode = "510824-101", unitName = "某某镇党委", period, kind = "self_assessment", subject } = fields;
  await open(page, base, "#/");
  await page.locator(`[data-testid="template-${templateId}"]`).click();
  // The kind first: which units are offered depends on it.
  await page.locator('[data-testid="new-kind"]').selectOption(kind);
  // A device enrolled for units offers those; one enrolled nowhere takes a code.
  const enrolled = page.locator('[data-testid="new-unit"]');
  await page.locator('[data-testid="new-unit"], [data-testid="new-unit-code"]').first().waitFor();
  if ((await enrolled.count()) > 0) {
    const offered = await enrolled.locator("option").evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes(unitCode), `the device is enrolled for ${unitCode}: it offers ${offered.join(", ")}`);
    await enrolled.selectOption(unitCode);
  } else {
    await page.locator('[data-testid="new-unit-code"]').fill(unitCode);
    await page.locator('[data-testid="new-unit-name"]').fill(unitName);
  }
  // A checklist about a person asks who (一岗双责, 第一责任人).
  const subjectName = page.locator('[data-testid="new-subject-name"]');
  if (subject || (await subjectName.count()) > 0) {
    await subjectName.fill(subject?.name ?? "王五");
    await page.locator('[data-testid="new-subject-post"]').fill(subject?.post ?? "党委副书记");
  }
  if (period !== undefined) await page.locator('[data-testid="new-period"]').fill(period);
  const start = page.locator('[data-testid="start-assessment"]');
  await start.click();
  // The fill screen, or the form's notice saying why not.
  const started = page.waitForURL(/#\/a\/[^/]+$/).then(() => null);
  const refused = page
    .locator('[data-testid="new-notice"]')
    .waitFor()
    .then(async () => page.getByTestId("new-notice").textContent());
  const why = await Promise.race([started, refused]).catch(async () => {
    const values = await page
      .locator("main input, main select")
      .evaluateAll((els) => els.map((el) => `${el.dataset.testid}=${el.value}`).join(", "))
      .catch(() => "unreadable");
    throw new Error(explain(page, `${templateId} never started; the form held ${values}`));
  });
  if (why !== null) throw new Error(explain(page, `${templateId} was not started: ${why.trim()}`));
  await page.locator("[data-item-id]").first().waitFor();
  return decodeURIComponent(new URL(page.url()).hash.slice("#/a/".length));
}

/**
 * Serves the built app and launches a browser for the calling test file,
 * closing both after its tests. Returns an object whose `server` and
 * `browser` are set once the file's tests start.
 */
export function appAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await serve(dist());
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
