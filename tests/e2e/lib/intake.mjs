// A central intake for the sync tests: `qingdan serve` on a fresh SQLite
// database in a temporary directory, set up with the CLI's admin commands
// (bundled checklists published, units registered, an admin token), on
// 127.0.0.1 and a port of its own. It can be stopped and started again on
// the same address, as a server that goes away for a while and comes back.

import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { appAndBrowser, cli, createEnrollableKey, dist, open, pageErrors } from "./app.mjs";

/** How long `qingdan serve` may take to say it listens, and to stop. */
const START_MS = 30_000;
const STOP_MS = 10_000;
/** How long `start()` keeps trying to bind an address that is briefly busy. */
const REBIND_MS = 5_000;
/** Kept of a server's stderr, to explain a failure. */
const STDERR_KEEP = 16_000;

/** Servers still running, killed if the test process exits without `close()`. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const tail = (text, n = 4000) => {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  return plain.length > n ? `…${plain.slice(-n)}` : plain;
};

/** The environment of the commands: no colours in the logs kept for errors. */
const ENV = { ...process.env, NO_COLOR: "1" };

/** Runs `qingdan ARGS` to completion: `{ status, signal, stdout, stderr }`. */
function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli(), args, { stdio: ["ignore", "pipe", "pipe"], env: ENV });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

const describe = (args) => `qingdan ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;

/**
 * Starts an intake for one test file. `units` are registered before it
 * starts (`[{ code, name }]`); more can be added later with `addUnit`.
 * Call `close()` once done (in `after`).
 */
/**
 * `appAndBrowser`, and an intake started with `options` (`startIntake`'s) for
 * the calling test file: `env.intake` once its tests start, closed after them.
 */
export function appBrowserAndIntake(options) {
  const env = appAndBrowser();
  before(async () => {
    env.intake = await startIntake(options);
  });
  after(async () => {
    await env.intake?.close();
  });
  return env;
}

export async function startIntake({ units = [], serveArgs = [] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "qingdan-intake-"));
  const intake = new Intake(dir, serveArgs);
  try {
    // The first command makes the database; the others refuse one that is not there.
    await intake.admin(["template", "publish", "--bundled", "--create"]);
    for (const { code, name } of units) await intake.addUnit(code, name);
    intake.token = (await intake.admin(["admin", "token"])).trim();
    if (!intake.token) throw new Error("qingdan admin token printed no token");
    await intake.start();
  } catch (error) {
    await intake.close().catch(() => {});
    throw error;
  }
  return intake;
}

class Intake {
  constructor(dir, serveArgs = []) {
    /** The temporary directory holding the database (and, with `--tls auto`, `tls/ca.pem`). */
    this.dir = dir;
    /** More options for `qingdan serve` (`--tls auto --hostname …`). */
    this.serveArgs = serveArgs;
    /** `sqlite://<dir>/intake.db`. */
    this.database = `sqlite://${join(dir, "intake.db")}`;
    /** `http://127.0.0.1:PORT` (`https://` with TLS), no trailing slash; set by the first `start()`. */
    this.url = undefined;
    /** The admin token (`Authorization: Bearer …`). */
    this.token = undefined;
    this.addr = undefined;
    this.server = undefined;
  }

  /** Runs `qingdan --database URL ARGS`; returns its stdout, or throws with its stderr. */
  async admin(args) {
    const all = ["--database", this.database, ...args];
    const { status, signal, stdout, stderr } = await run(all);
    if (status !== 0) {
      throw new Error(
        `${describe(all)} failed (${signal ? `signal ${signal}` : `exit code ${status}`})\n` +
          `stdout: ${tail(stdout)}\nstderr: ${tail(stderr)}`,
      );
    }
    return stdout;
  }

  /** Registers a unit (or renames it). */
  async addUnit(code, name) {
    await this.admin(["unit", "add", "--code", code, "--name", name]);
  }

  /** A new one-time enrollment code for a key of `role` at `unit`. */
  async code(unit, role) {
    const out = await this.admin(["key", "code", "--unit", unit, "--role", role]);
    const code = out.split("\n")[0].trim();
    if (!code) throw new Error(`qingdan key code --unit ${unit} --role ${role} printed no code:\n${out}`);
    return code;
  }

  /** Whether `qingdan serve` is running. */
  get running() {
    return this.server !== undefined;
  }

  /**
   * Starts `qingdan serve`: on 127.0.0.1 and a free port the first time,
   * then always on that same address (retrying for a few seconds while it
   * is busy). Resolves once the server says it listens.
   */
  async start() {
    if (this.server) throw new Error(`the intake is running already at ${this.url}`);
    const deadline = Date.now() + REBIND_MS;
    for (;;) {
      try {
        this.server = await this.#spawnServer(this.addr ?? "127.0.0.1:0");
        break;
      } catch (error) {
        const busy = this.addr && /address already in use|cannot listen/i.test(error.message);
        if (!busy || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    return this.url;
  }

  #spawnServer(addr) {
    // It serves the built app too, as `cargo xtask run` does, under the intake's security headers.
    const args = ["--database", this.database, "serve", "--addr", addr, "--rate-limit", "0", "--web", dist(), ...this.serveArgs];
    const child = spawn(cli(), args, { stdio: ["ignore", "pipe", "pipe"], env: ENV });
    running.add(child);
    const server = { child, args, stderr: "", exit: undefined };
    server.exited = new Promise((resolve) => {
      child.on("close", (status, signal) => {
        running.delete(child);
        server.exit = { status, signal };
        resolve(server.exit);
      });
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      server.stderr = (server.stderr + d).slice(-STDERR_KEEP);
    });
    return new Promise((resolve, reject) => {
      let stdout = "";
      let done = false;
      const fail = async (why) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!server.exit) {
          child.kill("SIGKILL");
          await server.exited;
        }
        reject(new Error(`${describe(args)}: ${why}\nstdout: ${tail(stdout)}\nstderr: ${tail(server.stderr)}`));
      };
      const timer = setTimeout(() => fail(`did not say it listens within ${START_MS / 1000} s`), START_MS);
      child.on("error", (error) => fail(`cannot run it: ${error.message}`));
      server.exited.then(({ status, signal }) =>
        fail(`exited before listening (${signal ? `signal ${signal}` : `exit code ${status}`})`),
      );
      child.stdout.setEncoding("utf8").on("data", (d) => {
        if (done) return; // Drained, so the server never blocks on a full pipe.
        stdout += d;
        const match = stdout.match(/^qingdan serve: listening on (https?:\/\/(\S+))\s*$/m);
        // Everything it prints at start (the office CA's fingerprint among it).
        const last = this.serveArgs.includes("auto") ? /office CA:.*\n/ : /intake key:.*\n/;
        if (!match || !last.test(stdout)) return;
        done = true;
        clearTimeout(timer);
        this.url = match[1].replace(/\/+$/, "");
        this.addr = match[2];
        this.started = stdout;
        resolve(server);
      });
    });
  }

  /**
   * Stops the server (SIGTERM, which lets it commit what it has queued) and
   * waits for it to exit; throws, with its stderr, if it did not exit
   * cleanly. Does nothing when it is not running. A server stopped right
   * after it said it listens may die of the SIGTERM itself (its handler is
   * not installed yet, so it has answered nothing): that counts as clean.
   */
  async stop() {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    if (!server.exit) server.child.kill("SIGTERM");
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve("timeout"), STOP_MS);
    });
    const outcome = await Promise.race([server.exited, timeout]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      server.child.kill("SIGKILL");
      await server.exited;
      throw new Error(
        `${describe(server.args)} did not stop within ${STOP_MS / 1000} s of SIGTERM (killed)\n` +
          `stderr: ${tail(server.stderr)}`,
      );
    }
    const { status, signal } = outcome;
    if (status !== 0 && signal !== "SIGTERM") {
      const how = signal ? `signal ${signal}` : `exit code ${status}`;
      console.error(`qingdan serve at ${this.url} stopped with ${how}; its stderr:\n${tail(server.stderr)}`);
      throw new Error(`${describe(server.args)} stopped with ${how}\nstderr: ${tail(server.stderr)}`);
    }
  }

  /** Stops the server if running and removes the directory with the database. */
  async close() {
    try {
      await this.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** A GET on the intake's API (`path` after `/api/v1`), parsed as JSON; throws unless 200. */
  async get(path, { admin = false } = {}) {
    if (!this.url) throw new Error("the intake was never started");
    const url = `${this.url}/api/v1${path}`;
    const headers = admin ? { authorization: `Bearer ${this.token}` } : {};
    let response;
    try {
      response = await fetch(url, { headers });
    } catch (error) {
      const state = this.server
        ? this.server.exit
          ? `the server exited (${JSON.stringify(this.server.exit)}); stderr:\n${tail(this.server.stderr)}`
          : "the server is running"
        : "the server is stopped";
      throw new Error(`GET ${url}: ${error.cause?.message ?? error.message} (${state})`);
    }
    const body = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}\n${body}`);
    try {
      return JSON.parse(body);
    } catch {
      throw new Error(`GET ${url}: not JSON:\n${tail(body)}`);
    }
  }

  /** `GET /api/v1/intake`: `{ public_key, max_packet_bytes }`. */
  info() {
    return this.get("/intake");
  }

  /**
   * The admin listing, `{ page, per_page, total, packets: [{ id, sha256,
   * kind, unit_code, period, template_id, template_version, created_at,
   * received_at, total, grade, vetoes, size }] }`, up to 1000 packets.
   * `query` filters it: `{ unit, period, template, kind }` (or a query string).
   */
  packets(query = {}) {
    const params = new URLSearchParams({ per_page: "1000" });
    for (const [key, value] of new URLSearchParams(query)) params.set(key, value);
    return this.get(`/packets?${params}`, { admin: true });
  }
}

/** Fills Settings' enrollment form and submits it (the URL only where it may be typed). */
export async function submitEnrollment(page, intake, fingerprint, code) {
  const url = page.getByTestId("enroll-url");
  if ((await url.count()) > 0 && (await url.isEditable()) && (await url.inputValue()) !== intake.url) {
    await url.fill(intake.url);
  }
  await page.getByTestId("enroll-code").fill(code);
  await page.getByTestId("enroll-key").selectOption(fingerprint);
  await page.getByTestId("enroll-submit").click();
}

/**
 * Enrolls a key with a code (a fresh one unless given) for its role at
 * `unit`; waits for the success and the key's row, which must name the unit
 * and the role. Returns the code.
 */
export async function enroll(page, intake, unit, role, fingerprint, code) {
  code ??= await intake.code(unit, role);
  await submitEnrollment(page, intake, fingerprint, code);
  const enrolled = page.getByTestId(`enrollment-${fingerprint}`);
  try {
    await page.locator('[data-testid="enroll-notice"][data-kind="ok"]').waitFor();
    await enrolled.waitFor();
  } catch {
    const notice = await page
      .getByTestId("enroll-notice")
      .evaluate((n) => `${n.dataset.kind}: ${n.textContent.trim()}`, null, { timeout: 100 })
      .catch(() => "absent");
    throw new Error(`enrolling the ${role} key ${fingerprint} at ${unit} failed; enroll-notice: ${notice}${pageErrors(page)}`);
  }
  assert.equal(await enrolled.getAttribute("data-unit"), unit, `the ${role} key is enrolled for its unit`);
  assert.equal(await enrolled.getAttribute("data-role"), role, `the ${role} key is enrolled for its role`);
  return code;
}

/**
 * Makes a key in Settings (the app served at `base`) and enrolls it at
 * `intake` with a fresh code for its role at `unit` (`*` for every unit, as
 * an inspector's); returns its fingerprint.
 */
export async function enrolledKey(page, base, intake, signer, unit) {
  await open(page, base, "#/settings");
  const known = await page
    .locator('[data-testid="enroll-key"] option')
    .evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  const fingerprint = await createEnrollableKey(page, signer, known);
  await enroll(page, intake, unit, signer.role, fingerprint);
  return fingerprint;
}

/**
 * Polls `intake` until it holds a packet of `kind` for `unit` (within
 * `timeout` ms); checks it holds exactly one and that the device (`page`,
 * on the Sign screen) shows that packet's receipt. Returns the listing's
 * entry.
 */
export async function waitReceived(page, intake, unit, kind, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let list;
  do {
    list = await intake.packets({ unit, kind });
    if (list.total > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  if (list.total === 0) {
    const status = page.getByTestId("upload-status");
    const now = await status.getAttribute("data-upload", { timeout: 100 }).catch(() => "absent");
    const reason = await page.getByTestId("upload-reason").textContent({ timeout: 100 }).catch(() => null);
    assert.fail(
      `the intake holds no ${kind} packet of ${unit} within ${timeout / 1000} s; ` +
        `the device's upload-status is ${now}${reason ? ` (reason: ${reason.trim()})` : ""}${pageErrors(page)}`,
    );
  }
  assert.equal(list.total, 1, `the intake holds one ${kind} packet of ${unit}`);
  const [stored] = list.packets;
  assert.equal(stored.kind, kind);
  // The device shows the receipt of that same packet.
  const status = page.locator(`[data-testid="upload-status"][data-upload="received"][data-packet-id="${stored.id}"]`);
  await status.waitFor({ state: "attached", timeout });
  return stored;
}
