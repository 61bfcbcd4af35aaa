// The reports' side of the console tests: packets of `jiandu-zeren` made
// with the CLI from the bundled example's answers (changed to score
// otherwise), signed by keys made and enrolled for them, and posted to
// the intake as a device posts them.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, repoPath } from "./app.mjs";

/** The environment of the commands: no colours in what they print. */
const ENV = { ...process.env, NO_COLOR: "1" };

/** The bundled example's answers to `jiandu-zeren` v2, as an object. */
export async function exampleAnswers() {
  return JSON.parse(await readFile(repoPath("tests/data/examples/jiandu-zeren-v2-2026.json"), "utf8"));
}

/**
 * Stores a packet of `jiandu-zeren` at `intake`: `kind` (`self-assessment`,
 * signed by a principal and a supervisory enrolled for `unit`; or
 * `inspection`, signed by an inspector enrolled for every unit), answering
 * `responses`, with `findings` (an inspection's). Each signer's key is
 * made and enrolled under their name. Returns the intake's listing entry
 * of the packet and the exact bytes posted.
 */
export async function storePacket(intake, { kind, unit, unitName, responses, signers, findings, period = "2026" }) {
  const dir = await mkdtemp(join(tmpdir(), "qingdan-reports-packet-"));
  let bytes;
  try {
    const qingdan = (...args) => execFileSync(cli(), args, { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    const signerArgs = [];
    for (const [i, { role, name }] of signers.entries()) {
      qingdan("keygen", "--out", `k${i}.pem`);
      const enrolledFor = role === "inspector" ? "*" : unit;
      await intake.admin(["key", "enroll", "--unit", enrolledFor, "--role", role, "--name", name, join(dir, `k${i}.pub.pem`)]);
      signerArgs.push("--signer", `${role}:${name}:k${i}.pub.pem`);
    }
    await writeFile(join(dir, "responses.json"), JSON.stringify(responses));
    const extra = [];
    if (findings) {
      await writeFile(join(dir, "findings.json"), JSON.stringify(findings));
      extra.push("--findings", "findings.json");
    }
    qingdan(
      "packet", "new",
      "--template", repoPath("crates/qingdan-core/templates/jiandu-zeren.json"),
      "--responses", "responses.json",
      "--kind", kind, "--unit", unit, "--unit-name", unitName, "--period", period,
      ...signerArgs, ...extra,
      "-o", "packet.json",
    );
    for (const i of signers.keys()) qingdan("sign", "--key", `k${i}.pem`, "packet.json", "-o", "packet.json");
    bytes = await readFile(join(dir, "packet.json"));
    const response = await fetch(`${intake.url}/api/v1/packets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bytes,
    });
    assert.equal(response.status, 201, `the intake stores ${unit}'s ${kind}: ${await response.text()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const { id } = JSON.parse(bytes.toString("utf8")).payload;
  const stored = (await intake.packets({ unit, kind })).packets.find((p) => p.id === id);
  assert.ok(stored, `the intake lists ${unit}'s ${kind} ${id}`);
  return { stored, bytes };
}
