// The office console's side of the tests: an administrator made with the
// CLI, a unit's self-assessment made, signed by keys enrolled for it and
// stored at the intake (as a device would upload it), the CLI's view of a
// round's tracker, and signing in to the console at `/console/`.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, pageErrors, repoPath } from "./app.mjs";

/** The environment of the commands: no colours in what they print. */
const ENV = { ...process.env, NO_COLOR: "1" };

/** Runs `qingdan ARGS` with `input` on stdin; its stdout, or throws with its stderr. */
function withInput(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli(), args, { stdio: ["pipe", "pipe", "pipe"], env: ENV });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) =>
      status === 0 ? resolve(stdout) : reject(new Error(`qingdan ${args.join(" ")}: exit ${status}\n${stderr}`)),
    );
    child.stdin.end(`${input}\n`);
  });
}

/**
 * Makes an administrator of the console at `intake`: `qingdan admin add
 * NAME --password-stdin` (with `--must-change`, a one-time password).
 */
export async function addAdmin(intake, name, password, { mustChange = false } = {}) {
  const args = ["admin", "add", name, "--password-stdin", "--database", intake.database];
  if (mustChange) args.push("--must-change");
  await withInput(args, password);
}

/**
 * Stores a self-assessment of `jiandu-zeren` (the bundled example's
 * answers) for `unit` at `intake`: two keys made and enrolled for the unit
 * (principal 张三, supervisory 李四), the packet made and signed with the
 * CLI and posted to `/api/v1/packets` as a device posts it. Returns the
 * intake's listing entry of the packet (`total` among it).
 */
export async function storeSelfAssessment(intake, { unit, unitName, period = "2026" }) {
  const dir = await mkdtemp(join(tmpdir(), "qingdan-console-packet-"));
  try {
    const qingdan = (...args) => execFileSync(cli(), args, { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    qingdan("keygen", "--out", "zhang.pem");
    qingdan("keygen", "--out", "li.pem");
    await intake.admin(["key", "enroll", "--unit", unit, "--role", "principal", "--name", "张三", join(dir, "zhang.pub.pem")]);
    await intake.admin(["key", "enroll", "--unit", unit, "--role", "supervisory", "--name", "李四", join(dir, "li.pub.pem")]);
    qingdan(
      "packet", "new",
      "--template", repoPath("crates/qingdan-core/templates/jiandu-zeren.json"),
      "--responses", repoPath("tests/data/examples/jiandu-zeren-v2-2026.json"),
      "--kind", "self-assessment", "--unit", unit, "--unit-name", unitName, "--period", period,
      "--signer", "principal:张三:zhang.pub.pem", "--signer", "supervisory:李四:li.pub.pem",
      "-o", "packet.json",
    );
    qingdan("sign", "--key", "zhang.pem", "packet.json", "-o", "packet.json");
    qingdan("sign", "--key", "li.pem", "packet.json", "-o", "packet.json");
    const packet = await readFile(join(dir, "packet.json"));
    const response = await fetch(`${intake.url}/api/v1/packets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: packet,
    });
    assert.equal(response.status, 201, `the intake stores ${unit}'s packet: ${await response.text()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const list = await intake.packets({ unit, kind: "self-assessment" });
  assert.equal(list.total, 1, `the intake holds one self-assessment of ${unit}`);
  return list.packets[0];
}

/** `qingdan round status ID --as-of DAY --json`: the tracker as the CLI reads it. */
export async function roundStatus(intake, id, asOf) {
  return JSON.parse(await intake.admin(["round", "status", id, "--as-of", asOf, "--json"]));
}

/** Waits for the console's page `testid` to say it is ready (`data-ready="true"`). */
export async function consolePage(page, testid) {
  try {
    await page.locator(`[data-testid="${testid}"][data-ready="true"]`).waitFor();
  } catch {
    const shown = await page
      .locator("main[data-testid]")
      .first()
      .getAttribute("data-testid", { timeout: 100 })
      .catch(() => "none");
    throw new Error(`the console never showed ${testid} ready at ${page.url()} (it shows ${shown})${pageErrors(page)}`);
  }
}

/** Fills the console's sign-in form and submits it. */
export async function signIn(page, name, password) {
  await page.getByTestId("sign-in-name").fill(name);
  await page.getByTestId("sign-in-password").fill(password);
  await page.getByTestId("sign-in-submit").click();
}
