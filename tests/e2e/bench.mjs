// Browser figures of the built app (`cargo xtask bench` runs this after
// `cargo xtask build-web`):
//   1. the app shell's transfer size, wasm + JS, gzip;
//   2. the time from navigation until Home lists the checklists, at 4× CPU
//      throttling: cold (no cache, no service worker) and from the service
//      worker; median of RUNS, with when the wasm had started (the page's
//      `qingdan:started` mark) to tell loading from the app's own start;
//   3. autosave latency per answer (the app's `window.__qingdanSaveMs`: from
//      the input event to the IndexedDB transaction's completion), p50/p95.
// Usage: node tests/e2e/bench.mjs   (QINGDAN_DIST: the built app, default web/dist)

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launch } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { controlled } from "./lib/sw.mjs";
import { dist, item, newAssessment, newPage, saveCount, saved } from "./lib/app.mjs";
import { items, template } from "./lib/templates.mjs";

const RUNS = 5;
const THROTTLE = 4;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const root = dist();
{
  const wasm = await readFile(join(root, "qingdan_app_bg.wasm"));
  const js = await readFile(join(root, "qingdan_app.js"));
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
  console.log(
    `app shell gzip (Node's zlib, -9): ${kib(gz(wasm) + gz(js))} (wasm ${kib(gz(wasm))} + js ${kib(gz(js))}); ` +
      `raw ${kib(wasm.length + js.length)} (target: <= 250 KB gzip)`,
  );
}

const server = await serve(root);
const browser = await launch();
try {
  // Records when Home first lists the checklists, in ms since navigation start.
  const MARK = () => {
    const observer = new MutationObserver(() => {
      const entry = document.querySelector('[data-testid^="template-"]');
      if (document.querySelector('[data-testid="app-ready"]') && entry?.getClientRects().length) {
        window.__qingdanReadyAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true });
  };

  async function start(page) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
    await page.goto(`${server.url}#/`);
    await page.waitForFunction(() => window.__qingdanReadyAt !== undefined, null, { timeout: 60_000 });
    const at = await page.evaluate(() => ({
      ready: window.__qingdanReadyAt,
      started: performance.getEntriesByName("qingdan:started")[0]?.startTime ?? NaN,
    }));
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    return at;
  }

  const report = (what, runs, target) => {
    const ready = runs.map((r) => r.ready);
    const started = percentile(runs.map((r) => r.started), 50);
    return (
      `start at ${THROTTLE}x CPU throttling, ${what}: median ${ms(percentile(ready, 50))} of ${RUNS} ` +
      `[${ready.map(ms).join(", ")}], wasm started at ${ms(started)} (target: <= ${target} ms)`
    );
  };

  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    await context.addInitScript(MARK);
    cold.push(await start(await newPage(context)));
    await context.close();
  }
  console.log(report("cold (no cache, no service worker)", cold, 1500));

  const warm = [];
  {
    const context = await browser.newContext();
    await context.addInitScript(MARK);
    const first = await newPage(context);
    await first.goto(`${server.url}#/`);
    await controlled(first);
    await first.close();
    const fetched = server.requests.get("/qingdan_app_bg.wasm");
    for (let i = 0; i < RUNS; i++) {
      const page = await newPage(context);
      warm.push(await start(page));
      await page.close();
    }
    const network = server.requests.get("/qingdan_app_bg.wasm") - fetched;
    console.log(
      report("from the service worker", warm, 500) +
        (network ? `; NOTE: the wasm came from the network ${network} times` : ""),
    );
    await context.close();
  }

  // Autosave: every check item of the largest list, clicked through its
  // answers one click at a time, as a person would.
  const t = template("zhuti-zeren-dangwei");
  const checks = items(t).filter((i) => i.rule.kind === "check" && !i.show_if);
  for (const throttle of [1, THROTTLE]) {
    const context = await browser.newContext();
    const page = await newPage(context);
    await newAssessment(page, server.url, t.id, { unitName: "基准测试镇党委" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
    const before = await saveCount(page);
    for (const answer of ["done", "not_done", "done"]) {
      for (const check of checks) {
        const n = await saveCount(page);
        await item(page, check.id).locator(`[data-answer="${answer}"]`).click();
        await saved(page, n);
      }
    }
    const samples = (await page.evaluate(() => window.__qingdanSaveMs)).slice(before);
    console.log(
      `autosave per answer${throttle === 1 ? "" : ` at ${throttle}x CPU throttling`}: ` +
        `p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, max ${ms(Math.max(...samples))} ` +
        `of ${samples.length} saves (target: p95 <= 50 ms)`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
