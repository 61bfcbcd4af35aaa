// Browser figures of the built app (`cargo xtask bench` runs this after
// `cargo xtask build-web`):
//   1. the app shell's transfer size, wasm + JS, gzip;
//   2. the time from navigation until Home lists the checklists, at 4× CPU
//      throttling: cold (no cache, no service worker) and from the service
//      worker; median of RUNS, with when the wasm had started (the page's
//      `qingdan:started` mark) to tell loading from the app's own start;
//   3. autosave latency per answer (the app's `window.__qingdanSaveMs`: from
//      the input event to the IndexedDB transaction's completion), p50/p95;
//   4. click to next frame per answer on the 94-item list, p50/p95: from the
//      click event until the frame that follows it has been drawn (a task
//      queued from that frame's requestAnimationFrame runs after its paint).
// Usage: node tests/e2e/bench.mjs [--start]   (QINGDAN_DIST: the built app,
// default web/dist; --start: only 1 and 2, to compare two builds)

import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launch } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { controlled } from "./lib/sw.mjs";
import { dist, item, newAssessment, newPage, open, saveCount, saved } from "./lib/app.mjs";
import { items, template } from "./lib/templates.mjs";

const RUNS = 5;
const THROTTLE = 4;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;

/** A checklist of 24 sections and 94 check items (苍溪县's full list is that size). */
function longList() {
  const band = (id, zh, min, max) => ({ id, label: { zh }, min, max });
  let n = 0;
  const sections = Array.from({ length: 24 }, (_, s) => ({
    id: String(s + 1),
    title: { zh: `第${s + 1}部分` },
    items: Array.from({ length: s < 22 ? 4 : 3 }, (_, i) => {
      n += 1;
      return { id: `${s + 1}.${i + 1}`, title: { zh: `第${n}项工作任务按要求完成` }, rule: { kind: "check", points: 1, partial: "0.5" } };
    }),
  }));
  return {
    format: "qingdan.template/1",
    id: "bench-94",
    version: 1,
    title: { zh: "基准测试清单（94项）" },
    responsibility: "principal",
    period: "annual",
    signers: [
      { role: "principal", title: { zh: "党委书记" } },
      { role: "supervisory", title: { zh: "纪委书记" } },
    ],
    bands: [band("excellent", "优秀", 90, 100), band("good", "良好", 80, 90), band("pass", "合格", 60, 80), band("fail", "不合格", 0, 60)],
    sections,
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const root = dist();
// The build names the modules by their content (`qingdan_app_bg.<digest>.wasm`).
const named = async (pattern) => (await readdir(root)).find((name) => pattern.test(name));
const wasmName = await named(/^qingdan_app_bg\.[0-9a-f]+\.wasm$/);
{
  const wasm = await readFile(join(root, wasmName));
  const js = await readFile(join(root, await named(/^qingdan_app\.[0-9a-f]+\.js$/)));
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
  console.log(report("cold (no cache, no service worker)", cold, 1000));

  const warm = [];
  {
    const context = await browser.newContext();
    await context.addInitScript(MARK);
    const first = await newPage(context);
    await first.goto(`${server.url}#/`);
    await controlled(first);
    await first.close();
    const fetched = server.requests.get(`/${wasmName}`);
    for (let i = 0; i < RUNS; i++) {
      const page = await newPage(context);
      warm.push(await start(page));
      await page.close();
    }
    const network = server.requests.get(`/${wasmName}`) - fetched;
    console.log(
      report("from the service worker", warm, 500) +
        (network ? `; NOTE: the wasm came from the network ${network} times` : ""),
    );
    await context.close();
  }
  if (process.argv.includes("--start")) process.exit(0);

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

  // Click to next frame on a list the size of 苍溪县's full list (24 major,
  // 94 minor items), each answer clicked in turn at 4x throttling.
  {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.__qingdanClickMs = [];
      document.addEventListener(
        "click",
        (event) => {
          const at = event.timeStamp;
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => window.__qingdanClickMs.push(performance.now() - at);
            channel.port2.postMessage(null);
          });
        },
        true,
      );
    });
    const page = await newPage(context);
    await open(page, server.url, "#/");
    const list = longList();
    await page.getByTestId("import-template").setInputFiles({
      name: "long-list.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(list)),
    });
    await page.getByTestId(`template-${list.id}`).waitFor();
    await newAssessment(page, server.url, list.id, { unitName: "基准测试镇党委" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
    const ids = items(list).map((i) => i.id);
    const before = await page.evaluate(() => window.__qingdanClickMs.length);
    for (const answer of ["done", "partial", "not_done"]) {
      for (const id of ids) {
        const n = await saveCount(page);
        await item(page, id).locator(`[data-answer="${answer}"]`).click();
        await saved(page, n);
      }
    }
    const clicks = (await page.evaluate(() => window.__qingdanClickMs)).slice(before);
    console.log(
      `click to next frame at ${THROTTLE}x CPU throttling, ${ids.length}-item list: p50 ${ms(percentile(clicks, 50))}, ` +
        `p95 ${ms(percentile(clicks, 95))}, max ${ms(Math.max(...clicks))} of ${clicks.length} clicks (target: p95 <= 100 ms)`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
