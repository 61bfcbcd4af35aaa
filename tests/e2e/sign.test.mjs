// Two responsible people sign a self-assessment with keys made on this
// device; a wrong PIN signs nothing; the exported packet passes the CLI's
// independent check.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { cli, createKey, dist, item, newAssessment, newPage, open } from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "jiandu-zeren";
const SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
let server, browser, downloads;

before(async () => {
  server = await serve(dist());
  browser = await launch();
  downloads = await mkdtemp(join(tmpdir(), "qingdan-packets-"));
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (downloads) await rm(downloads, { recursive: true, force: true });
});

test("sign with a principal and a supervisory key, refuse a wrong PIN, export a packet the CLI verifies", async () => {
  const t = template(ID);
  assert.deepEqual(
    t.signers.map((s) => s.role),
    SIGNERS.map((s) => s.role),
  );
  const page = await newPage(await browser.newContext());
  const id = await newAssessment(page, server.url, ID, { unitCode: "510824-101", unitName: "某某镇党委" });
  const period = String(new Date().getFullYear());
  for (const i of items(t)) {
    const answer = fullAnswer(i);
    if (answer) await give(item(page, i.id), answer);
  }
  await page.getByTestId("go-sign").click();
  await page.waitForURL(/\/sign$/);

  for (const signer of SIGNERS) {
    const { role } = signer;
    await createKey(page, signer);
    // The new key becomes an option for its role (PBKDF2 takes about a second).
    const option = page.locator(`[data-testid="signer-key-${role}"] option:not([value=""])`).first();
    await option.waitFor({ state: "attached" });
    await page.getByTestId(`signer-key-${role}`).selectOption(await option.getAttribute("value"));
  }
  await page.getByTestId("prepare-packet").click();

  const [first, second] = SIGNERS;
  await page.getByTestId(`sign-pin-${first.role}`).fill("000000");
  await page.getByTestId(`sign-${first.role}`).click();
  await page.getByTestId("sign-error").waitFor();
  assert.notEqual((await page.getByTestId("sign-error").textContent()).trim(), "", "the refusal says why");
  assert.equal(await page.getByTestId("signed-status").count(), 0, "a wrong PIN signs nothing");

  for (const { role, pin } of [first, second]) {
    await page.getByTestId(`sign-pin-${role}`).fill(pin);
    await page.getByTestId(`sign-${role}`).click();
  }
  await page.getByTestId("signed-status").waitFor();

  await open(page, server.url, "#/");
  const entry = page.getByTestId(`assessment-${id}`);
  assert.equal(await entry.getAttribute("data-status"), "signed");

  // A signed assessment is read-only.
  await open(page, server.url, `#/a/${encodeURIComponent(id)}`);
  await page.getByTestId("edit-new-draft").waitFor();
  assert.ok(await item(page, "1.1").locator('[data-answer="done"]').isDisabled(), "answers are locked once signed");

  await open(page, server.url, `#/a/${encodeURIComponent(id)}/sign`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-packet").click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^510824-101-${period}-.+\\.qingdan\\.json$`));
  const file = join(downloads, download.suggestedFilename());
  await download.saveAs(file);

  const packet = JSON.parse(await readFile(file, "utf8"));
  assert.equal(packet.payload.unit.name, "某某镇党委");
  assert.equal(packet.payload.kind, "self-assessment");
  assert.equal(packet.payload.period, period);
  assert.deepEqual(
    packet.payload.signers.map((s) => [s.role, s.name]),
    SIGNERS.map((s) => [s.role, s.name]),
  );
  assert.equal(packet.signatures.length, 2);

  const verify = spawnSync(cli(), ["verify", file], { encoding: "utf8" });
  assert.equal(verify.status, 0, `qingdan verify ${file}:\n${verify.stdout}${verify.stderr}`);
  assert.match(verify.stdout, /^valid packet /);
  assert.doesNotMatch(verify.stdout, /not at hand/, "verified against the bundled template, score recomputed");

  await open(page, server.url, "#/");
  assert.equal(await page.getByTestId(`assessment-${id}`).getAttribute("data-status"), "exported");
});
