// HTTPS on the office network: `qingdan serve --tls auto --hostname
// qingdan.test` makes an office certificate authority, and Chromium, which
// trusts it through its certificate store (NSS, as a user's "import
// authority" does) and resolves qingdan.test to 127.0.0.1, gets a secure
// context there: the app makes a PIN-sealed key, its service worker
// registers, and it opens offline. A browser that does not trust the
// authority is refused; plain HTTP on the name gets an app that says why it
// cannot make keys; plain HTTP on the HTTPS port is sent to HTTPS, and
// /install tells how to trust the authority.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CHROMIUM_ARGS, launch } from "./lib/browser.mjs";
import { createEnrollableKey, createKey, newPage, open, ready } from "./lib/app.mjs";
import { startIntake } from "./lib/intake.mjs";
import { controlled } from "./lib/sw.mjs";

const NAME = "qingdan.test";
const SIGNER = { role: "principal", name: "李清廉", pin: "24681357" };

const env = {};

/** A browser whose NSS store (under `home`) is the one it trusts. */
function browserWith(home) {
  return launch({
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${NAME} 127.0.0.1`],
    env: { ...process.env, HOME: home },
  });
}

/** An empty NSS store in `home`, as Chromium on Linux keeps it. */
async function nssStore(home) {
  const db = join(home, ".pki", "nssdb");
  await mkdir(db, { recursive: true });
  execFileSync("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"]);
  return db;
}

before(async () => {
  env.secure = await startIntake({ serveArgs: ["--tls", "auto", "--hostname", NAME] });
  env.plain = await startIntake();
  env.port = new URL(env.secure.url).port;
  env.base = `https://${NAME}:${env.port}/`;
  env.caFile = join(env.secure.dir, "tls", "ca.pem");
  // A user who trusts the office authority, as /install tells them to.
  env.trusting = await mkdtemp(join(tmpdir(), "qingdan-home-"));
  const db = await nssStore(env.trusting);
  execFileSync("certutil", ["-A", "-d", `sql:${db}`, "-n", "Qingdan office CA", "-t", "C,,", "-i", env.caFile]);
  env.browser = await browserWith(env.trusting);
  // A user who has not.
  env.stranger = await mkdtemp(join(tmpdir(), "qingdan-home-"));
  await nssStore(env.stranger);
  env.strangerBrowser = await browserWith(env.stranger);
});

after(async () => {
  await env.browser?.close();
  await env.strangerBrowser?.close();
  await env.secure?.close();
  await env.plain?.close();
  for (const home of [env.trusting, env.stranger]) if (home) await rm(home, { recursive: true, force: true });
});

test("over HTTPS with the office authority trusted: a secure context that makes a key, registers its service worker and opens offline", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await open(page, env.base, "#/");
  assert.deepEqual(await page.evaluate(() => [location.protocol, location.host, window.isSecureContext]), [
    "https:",
    `${NAME}:${env.port}`,
    true,
  ]);
  await controlled(page);

  await open(page, env.base, "#/settings");
  assert.equal(await page.getByTestId("insecure-context").count(), 0);
  const fingerprint = await createEnrollableKey(page, SIGNER, []);
  assert.match(fingerprint, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);

  await context.setOffline(true);
  await page.reload();
  await ready(page);
  await page.getByTestId(`key-${fingerprint}`).waitFor();
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);
  await context.close();
});

test("a browser that does not trust the office authority is refused, not let through", async () => {
  const context = await env.strangerBrowser.newContext();
  const page = await context.newPage();
  await assert.rejects(page.goto(env.base), /ERR_CERT_AUTHORITY_INVALID/);
  await context.close();
});

test("plain HTTP on the office name: the app says it cannot make keys there, and why", async () => {
  const port = new URL(env.plain.url).port;
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await open(page, `http://${NAME}:${port}/`, "#/settings");
  assert.equal(await page.evaluate(() => window.isSecureContext), false);
  const notice = page.getByTestId("insecure-context");
  await notice.waitFor();
  const text = await notice.textContent();
  assert.match(text, /不是安全连接/);
  assert.ok(text.includes(`http://${NAME}:${port}`) && text.includes("https://"), text);

  await createKey(page, SIGNER);
  const refusal = page.locator('[data-testid="key-notice"][data-kind="error"]');
  await refusal.waitFor();
  assert.equal(await refusal.textContent(), text);
  assert.equal(await page.locator('[data-testid^="key-"][data-public-key]').count(), 0);
  await context.close();
});

test("plain HTTP on the HTTPS port is sent to HTTPS; /install tells how to trust the authority, in Chinese and English", async () => {
  const context = await env.browser.newContext();
  const page = await newPage(context);
  await page.goto(`http://${NAME}:${env.port}/#/settings`);
  await ready(page);
  assert.equal(new URL(page.url()).origin, `https://${NAME}:${env.port}`);

  // Before trusting anything a device reads /install over plain HTTP.
  await page.goto(`http://${NAME}:${env.port}/install`);
  assert.equal(new URL(page.url()).protocol, "http:");
  const printed = env.secure.started.match(/office CA:\s+(\S+)/)[1];
  assert.equal(await page.getByTestId("ca-fingerprint").textContent(), printed);
  assert.equal(await page.locator(".qr svg").count(), 1);
  assert.match(await page.locator("h1").textContent(), /清单考核系统/);
  assert.ok((await page.locator("body").textContent()).includes(env.base));

  const download = page.waitForEvent("download");
  await page.getByTestId("ca-download").click();
  const file = await (await download).path();
  assert.equal(await readFile(file, "utf8"), await readFile(env.caFile, "utf8"));

  await page.getByTestId("install-lang").click();
  await page.waitForURL(/lang=en/);
  assert.match(await page.locator("h1").textContent(), /Use Qingdan on this device/);
  assert.ok(!/[\u4e00-\u9fff]/.test(await page.locator("ol").first().textContent()));
  await context.close();
});
