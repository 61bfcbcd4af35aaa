// Opening a packet checks it on the device: a packet signed with the CLI is
// valid, and the same packet with one payload value changed is not, with the
// reason shown.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { cli, dist, newPage, open, repoPath } from "./lib/app.mjs";

let server, browser, dir, packet;

before(async () => {
  server = await serve(dist());
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), "qingdan-open-"));
  const qingdan = (...args) => execFileSync(cli(), args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  qingdan("keygen", "--out", "zhang.pem");
  qingdan("keygen", "--out", "li.pem");
  qingdan(
    "packet", "new",
    "--template", repoPath("crates/qingdan-core/templates/jiandu-zeren.json"),
    "--responses", repoPath("tests/data/examples/jiandu-zeren-v2-2026.json"),
    "--kind", "self-assessment", "--unit", "510824-101", "--unit-name", "某某镇党委", "--period", "2026",
    "--signer", "principal:张三:zhang.pub.pem", "--signer", "supervisory:李四:li.pub.pem",
    "-o", "packet.json",
  );
  qingdan("sign", "--key", "zhang.pem", "packet.json", "-o", "packet.json");
  qingdan("sign", "--key", "li.pem", "packet.json", "-o", "packet.json");
  packet = await readFile(join(dir, "packet.json"), "utf8");
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function openPacket(page, name, text) {
  await open(page, server.url, "#/open");
  await page
    .getByTestId("import-packet")
    .setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(text, "utf8") });
  const result = page.getByTestId("verify-result");
  await result.waitFor();
  return { valid: await result.getAttribute("data-valid"), text: (await result.textContent()).trim() };
}

test("a packet signed with the CLI is valid", async () => {
  const page = await newPage(await browser.newContext());
  const { valid, text } = await openPacket(page, "510824-101-2026-self-assessment.qingdan.json", packet);
  assert.equal(valid, "true", text);
  // Sound signatures are not a signer's identity: a device enrolled with
  // no intake says that it could not confirm who made each key.
  const signers = page.getByTestId("packet-signer");
  assert.equal(await signers.count(), JSON.parse(packet).payload.signers.length, "each signer is listed");
  for (const standing of await signers.evaluateAll((ls) => ls.map((l) => l.dataset.standing))) {
    assert.equal(standing, "unverified", text);
  }
  assert.match(text, /未核实/, text);
});

test("a packet whose unit name changed after signing is invalid, and the signature is named as the reason", async () => {
  const tampered = JSON.parse(packet);
  tampered.payload.unit.name = "另一个镇党委";
  const page = await newPage(await browser.newContext());
  const { valid, text } = await openPacket(page, "tampered.qingdan.json", JSON.stringify(tampered, null, 2));
  assert.equal(valid, "false", text);
  assert.match(text, /签名|signature/i);
});

test("packets older apps signed, of every released version and kind, are valid on today's device", async () => {
  const page = await newPage(await browser.newContext());
  const root = repoPath("tests/data/compat");
  const versions = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory());
  let opened = 0;
  for (const version of versions) {
    for (const name of await readdir(join(root, version.name))) {
      if (!name.endsWith(".json") || name === "context.json") continue;
      const text = await readFile(join(root, version.name, name), "utf8");
      const { valid, text: shown } = await openPacket(page, name, text);
      assert.equal(valid, "true", `${version.name}/${name}: ${shown}`);
      opened += 1;
    }
  }
  assert.ok(opened >= 20, `the corpus's packets were opened (${opened})`);
});
