// The three browser engines, driven alike through W3C WebDriver
// (selenium-webdriver, which never downloads a browser or a driver):
// Chromium by Debian's chromedriver, Firefox ESR by geckodriver (built from
// crates.io by `cargo xtask test`), WebKitGTK's MiniBrowser by Debian's
// WebKitWebDriver under Xvfb. Each session is a fresh browser profile: its
// own IndexedDB, service workers and caches.
//
// A `Page` wraps one session with what the cross-engine suite needs, by the
// app's `data-testid`s. Text is typed with real key events; dates and
// selections are set as a picker would, with the `input` and `change`
// events a picker fires (the engines' date widgets take keys differently).

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { Builder } from "selenium-webdriver";
import { CHROMIUM, CHROMIUM_ARGS } from "./browser.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];

/** How long the app may take to start or to answer a click. */
const TIMEOUT_MS = 20_000;
/** How long a driver may take to listen. */
const DRIVER_MS = 20_000;

const MINIBROWSER = process.env.QINGDAN_MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const FIREFOX = process.env.QINGDAN_FIREFOX ?? "/usr/bin/firefox-esr";
const GECKODRIVER = process.env.QINGDAN_GECKODRIVER ?? "geckodriver";

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Children to kill if the process exits without `close()`. */
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function start(program, args, env = {}) {
  const child = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  children.add(child);
  child.on("exit", () => children.delete(child));
  return { child, stderr: () => stderr };
}

async function stop({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** Waits until `url` answers `GET /status` (every W3C driver has it). */
async function listening(url, proc, what) {
  const deadline = Date.now() + DRIVER_MS;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not listen at ${url} within ${DRIVER_MS / 1000} s:\n${proc.stderr()}`);
}

/** An X display for WebKitGTK, which has no headless mode: Xvfb on a free display number. */
async function xvfb() {
  for (let n = 90; n < 110; n++) {
    const proc = start("Xvfb", [`:${n}`, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"]);
    const ok = await Promise.race([
      new Promise((resolve) => proc.child.once("exit", () => resolve(false))),
      new Promise((resolve) => setTimeout(() => resolve(true), 700)),
    ]);
    if (ok) return { proc, display: `:${n}` };
  }
  throw new Error("Xvfb could not start on displays :90 to :109");
}

/** The driver and the capabilities of each engine. */
async function driverFor(name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const extra = [];
  let proc, capabilities;
  switch (name) {
    case "chromium":
      proc = start("chromedriver", [`--port=${port}`]);
      capabilities = {
        browserName: "chrome",
        "goog:chromeOptions": { binary: CHROMIUM, args: [...CHROMIUM_ARGS, "--headless=new", "--window-size=1280,1024"] },
      };
      break;
    case "firefox":
      proc = start(GECKODRIVER, ["--port", String(port), "--host", "127.0.0.1"]);
      capabilities = {
        browserName: "firefox",
        "moz:firefoxOptions": {
          binary: FIREFOX,
          args: ["-headless", "-width", "1280", "-height", "1024"],
          prefs: {
            // No calls home from a closed network.
            "app.update.enabled": false,
            "browser.shell.checkDefaultBrowser": false,
            "datareporting.policy.dataSubmissionEnabled": false,
            "toolkit.telemetry.enabled": false,
            "network.captive-portal-service.enabled": false,
            "network.connectivity-service.enabled": false,
            "browser.safebrowsing.malware.enabled": false,
            "browser.safebrowsing.phishing.enabled": false,
            "extensions.update.enabled": false,
          },
        },
      };
      break;
    case "webkit": {
      const x = await xvfb();
      extra.push(x.proc);
      proc = start("WebKitWebDriver", [`--port=${port}`], { DISPLAY: x.display });
      capabilities = {
        browserName: "MiniBrowser",
        "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
      };
      break;
    }
    default:
      throw new Error(`no engine ${name}: one of ${ENGINES.join(", ")}`);
  }
  await listening(url, proc, `the ${name} driver`);
  return { url, capabilities, procs: [proc, ...extra] };
}

/**
 * Starts the driver of engine `name`. `session()` opens a fresh browser (a
 * `Page`); `close()` quits every browser and stops the driver.
 */
export async function startEngine(name) {
  const { url, capabilities, procs } = await driverFor(name);
  const pages = new Set();
  const engine = {
    name,
    version: undefined,
    async session() {
      const driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
      const caps = await driver.getCapabilities();
      engine.version ??= `${caps.get("browserName")} ${caps.get("browserVersion")}`;
      await driver.manage().setTimeouts({ script: TIMEOUT_MS, pageLoad: 60_000 });
      const page = new Page(driver, name);
      pages.add(page);
      return page;
    },
    async close() {
      for (const page of pages) await page.quit();
      for (const proc of procs) await stop(proc);
    },
  };
  return engine;
}

const byTestId = (id) => `[data-testid="${id}"]`;

/** One browser session, with the app's controls by CSS selector. */
export class Page {
  constructor(driver, engine) {
    this.driver = driver;
    this.engine = engine;
    this.closed = false;
  }

  async quit() {
    if (this.closed) return;
    this.closed = true;
    await this.driver.quit().catch(() => {});
  }

  /** Runs `fn(...args)` in the page (a function, sent as its source). */
  evaluate(fn, ...args) {
    return this.driver.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
  }

  /** Runs async `fn(...args)` in the page and waits for its promise. */
  evaluateAsync(fn, ...args) {
    return this.driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
         .then((v) => done({ ok: v }), (e) => done({ error: String(e && e.stack || e) }));`,
      ...args,
    ).then((r) => {
      if (r && r.error !== undefined) throw new Error(`in the page: ${r.error}`);
      return r?.ok;
    });
  }

  url() {
    return this.driver.getCurrentUrl();
  }

  /** Polls `test()` until it is truthy; fails with `what` (and the last value). */
  async until(test, what, timeout = TIMEOUT_MS) {
    const deadline = Date.now() + timeout;
    let last;
    do {
      try {
        last = await test();
        if (last) return last;
      } catch (error) {
        last = error.message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    // What the screen showed then, to tell a slow screen from one that
    // failed or never left its loading state.
    const screen = await this.evaluate(() => {
      const main = document.querySelector("main");
      return main ? `${main.dataset.testid ?? "main"}: ${main.innerText.slice(0, 300)}` : "no <main>";
    }).catch((error) => `unreadable: ${error.message}`);
    throw new Error(
      `${this.engine}: ${what} within ${timeout / 1000} s (last: ${JSON.stringify(last)}) at ${await this.url().catch(() => "?")}; the screen: ${JSON.stringify(screen)}`,
    );
  }

  /** How many elements match `css`. */
  count(css) {
    return this.evaluate((s) => document.querySelectorAll(s).length, css);
  }

  /** Waits until an element matches `css`. */
  waitFor(css, timeout = TIMEOUT_MS) {
    return this.until(() => this.count(css), `nothing matched ${css}`, timeout);
  }

  /** Opens the app at `base + hash` and waits until it is ready. */
  async open(base, hash = "#/") {
    await this.driver.get(base + hash);
    await this.waitFor(byTestId("app-ready"));
  }

  /**
   * Reloads the page as the page itself or a user's F5 does. (WebDriver's
   * refresh is a forced reload in Firefox, which bypasses the service
   * worker, as Shift+F5 does.)
   */
  async reload() {
    await this.evaluate(() => {
      window.__qingdanOldPage = true;
      setTimeout(() => location.reload(), 0);
    });
    await this.until(
      () => this.evaluate(() => !window.__qingdanOldPage && !!document.querySelector('[data-testid="app-ready"]')),
      "the page did not load again",
    );
  }

  /** The trimmed text of the first match of `css` (null when none). */
  text(css) {
    return this.evaluate((s) => document.querySelector(s)?.textContent.trim() ?? null, css);
  }

  /** An attribute of the first match of `css` (null when none). */
  attr(css, name) {
    return this.evaluate((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, css, name);
  }

  /** The value of the form control `css`. */
  value(css) {
    return this.evaluate((s) => document.querySelector(s)?.value ?? null, css);
  }

  /** Clicks the first match of `css` once it is there, as a user does. */
  async click(css) {
    await this.waitFor(css);
    // A driver clicks at the element's centre: wait until the element has
    // stopped moving (50 ms apart: timers, unlike frames, also run in a tab
    // the engine does not paint) and is what that point hits, or a banner
    // appearing above it would send the click to its neighbour.
    await this.until(
      () =>
        this.evaluateAsync(async (s) => {
          const el = document.querySelector(s);
          if (!el) return false;
          el.scrollIntoView({ block: "center" });
          const box = () => JSON.stringify(el.getBoundingClientRect());
          const before = box();
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (box() !== before) return false;
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return hit !== null && (hit === el || el.contains(hit));
        }, css),
      `${css} did not hold still where a click reaches it`,
    );
    await (await this.driver.findElement({ css })).click();
  }

  /** Types `text` into the field `css` in place of what it holds. */
  async type(css, text) {
    await this.waitFor(css);
    const el = await this.driver.findElement({ css });
    await el.clear();
    if (text !== "") await el.sendKeys(text);
  }

  /**
   * Sets the control `css` to `value` as a picker or a choice list does
   * (dates, selects), firing `input` and `change`.
   */
  async set(css, value) {
    await this.waitFor(css);
    await this.evaluate(
      (s, v) => {
        const el = document.querySelector(s);
        el.value = v;
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      },
      css,
      value,
    );
  }

  /** A second tab: runs `body()` in it, then closes it and comes back. */
  async inNewTab(body, { close = true } = {}) {
    const first = await this.driver.getWindowHandle();
    await this.driver.switchTo().newWindow("tab");
    try {
      await body();
    } finally {
      if (close) await this.driver.close();
      await this.driver.switchTo().window(first);
    }
  }
}

export { byTestId };
