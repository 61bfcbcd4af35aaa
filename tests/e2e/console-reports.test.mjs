// The office console's reports and packets (#/reports, #/packets/<id>),
// against a real `qingdan serve` holding three units' self-assessments
// (scoring differently) and two inspections, one with findings, made with
// the CLI: the ranking in rank order with the API's scores and a chart
// bar per row as long as its score, its workbook, the indicators, the gap
// and the findings, a packet as its score sheet with its signers'
// enrolled names and the exact bytes stored, and /dashboard leading here.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch } from "./lib/browser.mjs";
import { expectText, newPage } from "./lib/app.mjs";
import { startIntake } from "./lib/intake.mjs";
import { addAdmin, consolePage, signIn } from "./lib/console.mjs";
import { exampleAnswers, storePacket } from "./lib/reports.mjs";

const PASSWORD = "correct horse battery staple";
const UNITS = [
  { code: "510824-101", name: "某某镇党委" },
  { code: "510824-102", name: "某某乡党委" },
  { code: "510824-103", name: "某某街道党工委" },
];
const UNIT_SIGNERS = [
  { role: "principal", name: "张三" },
  { role: "supervisory", name: "李四" },
];
const INSPECTOR = [{ role: "inspector", name: "王五" }];
const SCOPE = "template=jiandu-zeren&version=2&period=2026";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let intake, browser, page;
/** Each unit's stored self-assessment: `{ stored, bytes }`. */
const selfAssessments = {};

/** The example's answers with the check items in `undone` not done (each explained). */
async function answers(undone) {
  const all = await exampleAnswers();
  for (const id of undone) all[id] = { answer: "not_done", note: `${id} 未完成，原因已说明` };
  return all;
}

before(async () => {
  intake = await startIntake({ units: UNITS });
  await addAdmin(intake, "zhang", PASSWORD);
  // Three scores: the example's, one item short, three items short.
  const undone = [[], ["1.1"], ["1.1", "2.1", "2.4"]];
  for (const [i, { code, name }] of UNITS.entries()) {
    selfAssessments[code] = await storePacket(intake, {
      kind: "self-assessment",
      unit: code,
      unitName: name,
      responses: await answers(undone[i]),
      signers: UNIT_SIGNERS,
    });
  }
  // The inspectors score the first two units; on the first they find two problems.
  await storePacket(intake, {
    kind: "inspection",
    unit: UNITS[0].code,
    unitName: UNITS[0].name,
    responses: await answers(["1.1"]),
    signers: INSPECTOR,
    findings: [
      { id: "1", item: "1.1", problem: "年度监督检查计划未经集体研究", deadline: "2099-01-31", responsible: "张三" },
      { id: "2", item: "2.4", problem: "廉政谈话记录不全", deadline: "2020-01-31", responsible: "李四" },
    ],
  });
  await storePacket(intake, {
    kind: "inspection",
    unit: UNITS[1].code,
    unitName: UNITS[1].name,
    responses: await answers(["1.1", "2.1"]),
    signers: INSPECTOR,
  });
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await newPage(context);
  await page.goto(`${intake.url}/console/`);
  await consolePage(page, "sign-in-page");
  await signIn(page, "zhang", PASSWORD);
  await consolePage(page, "rounds-page");
});

after(async () => {
  await browser?.close();
  await intake?.close();
});

/** Opens the console at `#/reports…` and waits for the report to be read. */
async function openReports(rest) {
  await page.goto(`${intake.url}/console/#/reports${rest}`);
  await consolePage(page, "reports-page");
}

/** The report as the API gives it (`path` after `/api/v1`). */
const api = (path) => intake.get(path, { admin: true });

/** Each bar of chart `testid`: its data and its geometry as drawn. */
function chartBars(testid, bar = "chart-bar") {
  return page
    .locator(`[data-testid="${testid}"] [data-testid="${bar}"]`)
    .evaluateAll((rects) =>
      rects.map((r) => ({
        key: r.dataset.key,
        value: r.dataset.value,
        width: Number(r.getAttribute("width")),
        x: Number(r.getAttribute("x")),
      })),
    );
}

/** Fetches `href` in the page (with its session): status, type and first bytes. */
function download(href) {
  return page.evaluate(async (href) => {
    const response = await fetch(href);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      magic: String.fromCharCode(bytes[0], bytes[1]),
      bytes: Array.from(bytes),
    };
  }, href);
}

test("the ranking lists the units in rank order with the API's scores, one bar each as long as its score", async () => {
  await openReports(`/ranking?${SCOPE}&kind=self-assessment`);
  const expected = await api(`/reports/ranking?${SCOPE}&kind=self-assessment`);
  assert.equal(expected.rows.length, 3, "three units ranked");
  const totals = expected.rows.map((r) => r.total);
  assert.equal(new Set(totals).size, 3, `three different scores: ${totals}`);

  const rows = await page.getByTestId("ranking-row").evaluateAll((trs) =>
    trs.map((tr) => ({
      unit: tr.dataset.unit,
      rank: tr.dataset.rank,
      total: tr.querySelector('[data-col="total"]').textContent.trim(),
    })),
  );
  assert.deepEqual(
    rows,
    expected.rows.map((r) => ({ unit: r.unit_code, rank: String(r.rank), total: r.total })),
    "the console's rows are the API's, in its order, with its exact totals",
  );
  assert.deepEqual(
    rows.map((r) => r.unit),
    ["510824-101", "510824-102", "510824-103"],
    "the unit that left most undone ranks last",
  );
  await expectText(page.getByTestId("ranking-row").first().locator('[data-col="name"]'), UNITS[0].name);

  const bars = await chartBars("ranking-chart");
  assert.equal(bars.length, expected.rows.length, "one bar per row");
  assert.deepEqual(
    bars.map((b) => [b.key, b.value]),
    expected.rows.map((r) => [r.unit_code, r.percentage]),
    "each bar draws its row's percentage",
  );
  for (let i = 1; i < bars.length; i++) {
    assert.ok(bars[i - 1].width > bars[i].width, `a higher score is a longer bar: ${JSON.stringify(bars)}`);
  }
  // Each length is its share of 100 %, in the chart's exact units.
  const span = bars[0].width / (Number(expected.rows[0].percentage) / 100);
  for (const [i, bar] of bars.entries()) {
    const share = Math.floor((span * Math.round(Number(expected.rows[i].percentage) * 100)) / 10000);
    assert.ok(Math.abs(bar.width - share) <= 1, `bar ${i}: ${bar.width} vs ${share}`);
  }
});

test("the ranking's Excel link downloads the workbook of the same checklist, period and kind", async () => {
  await openReports(`/ranking?${SCOPE}&kind=self-assessment`);
  const href = await page.getByTestId("report-xlsx").getAttribute("href");
  for (const part of ["reports/ranking", "format=xlsx", "template=jiandu-zeren", "period=2026", "kind=self-assessment"]) {
    assert.ok(href.includes(part), `${part} in ${href}`);
  }
  const workbook = await download(href);
  assert.deepEqual([workbook.status, workbook.type, workbook.magic], [200, XLSX, "PK"]);
});

test("the chooser changes the kind in the URL, and the inspections rank on their own", async () => {
  await openReports(`/ranking?${SCOPE}&kind=self-assessment`);
  await page.getByTestId("report-kind").selectOption("inspection");
  await page.waitForURL((url) => !url.hash.includes("kind=self-assessment"));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ranking-row"]').length === 2);
  await consolePage(page, "reports-page");
  const expected = await api(`/reports/ranking?${SCOPE}&kind=inspection`);
  const units = await page.getByTestId("ranking-row").evaluateAll((trs) => trs.map((tr) => tr.dataset.unit));
  assert.deepEqual(units, expected.rows.map((r) => r.unit_code));
  assert.equal(await chartBars("ranking-chart").then((b) => b.length), 2);
});

test("the indicators show the items most failed, charted, as the API counts them", async () => {
  await openReports(`/ranking?${SCOPE}&kind=self-assessment`);
  await page.getByTestId("tab-indicators").click();
  await page.locator('[data-testid="reports-page"][data-tab="indicators"][data-ready="true"]').waitFor();
  const expected = await api(`/reports/indicators?${SCOPE}&kind=self-assessment`);
  assert.equal(await page.getByTestId("indicators-units").getAttribute("data-units"), "3");
  const rows = await page
    .getByTestId("indicator-row")
    .evaluateAll((trs) => trs.map((tr) => [tr.dataset.item, tr.dataset.failed, tr.dataset.failureRate ?? null]));
  assert.deepEqual(
    rows,
    expected.rows.map((r) => [r.item, String(r.failed), r.failure_rate]),
  );
  // 1.1 was left undone by two units of three: among the most failed, drawn.
  const bars = await chartBars("indicators-chart");
  assert.equal(bars.length, Math.min(20, expected.rows.length));
  const item = bars.find((b) => b.key === "1.1");
  assert.equal(item?.value, expected.rows.find((r) => r.item === "1.1").failure_rate);
  const href = await page.getByTestId("report-xlsx").getAttribute("href");
  assert.deepEqual(await download(href).then((w) => [w.status, w.type]), [200, XLSX]);
});

test("the gap sets each unit's own score beside the inspectors', two bars a unit", async () => {
  await openReports(`/gap?${SCOPE}`);
  const expected = await api(`/reports/gap?${SCOPE}`);
  const rows = await page
    .getByTestId("gap-row")
    .evaluateAll((trs) => trs.map((tr) => [tr.dataset.unit, tr.dataset.self ?? null, tr.dataset.inspection ?? null]));
  assert.deepEqual(
    rows,
    expected.rows.map((r) => [r.unit_code, r.self_assessment, r.inspection]),
  );
  const inspected = expected.rows.filter((r) => r.inspection !== null).length;
  assert.equal(inspected, 2);
  assert.equal((await chartBars("gap-chart", "chart-bar-self")).length, 3);
  assert.equal((await chartBars("gap-chart", "chart-bar-inspection")).length, inspected);
  const href = await page.getByTestId("report-xlsx").getAttribute("href");
  assert.deepEqual(await download(href).then((w) => [w.status, w.type]), [200, XLSX]);
});

test("the findings are counted open, overdue and closed, and listed", async () => {
  await openReports(`/findings?${SCOPE}`);
  const expected = await api("/findings");
  const count = (state) => page.getByTestId(`findings-${state}`).getAttribute("data-count");
  assert.equal(await count("open"), "1");
  assert.equal(await count("overdue"), "1");
  assert.equal(await count("closed"), "0");
  const rows = await page
    .getByTestId("finding-row")
    .evaluateAll((trs) => trs.map((tr) => [tr.dataset.unit, tr.dataset.finding, tr.dataset.state]));
  assert.deepEqual(
    rows,
    expected.rows.map((r) => [r.unit_code, r.finding_id, r.state]),
  );
  await expectText(page.locator('[data-testid="finding-row"][data-state="overdue"] [data-col="problem"]'), "廉政谈话记录不全");
  const href = await page.getByTestId("report-xlsx").getAttribute("href");
  assert.ok(href.includes("findings") && href.includes("format=xlsx"), href);
  assert.deepEqual(await download(href).then((w) => [w.status, w.type]), [200, XLSX]);
});

test("a packet opens from the ranking as its score sheet, signed by its enrolled names, and downloads as stored", async () => {
  await openReports(`/ranking?${SCOPE}&kind=self-assessment`);
  const { stored, bytes } = selfAssessments["510824-102"];
  await page.locator('[data-testid="ranking-row"][data-unit="510824-102"] [data-testid="packet-link"]').click();
  await page.waitForURL(new RegExp(`#/packets/${stored.id}$`));
  await consolePage(page, "packet-page");
  assert.equal(await page.getByTestId("packet-page").getAttribute("data-packet-id"), stored.id);
  assert.equal(await page.getByTestId("sheet-total").getAttribute("data-total"), stored.total);
  await expectText(page.getByTestId("packet-unit"), /某某乡党委/);
  // Every item of the checklist, with its answer and reason in words: 1.1 was not done.
  const item = page.locator('[data-testid="sheet-item"][data-item="1.1"]');
  await expectText(item.locator('[data-col="answer"]'), "未完成");
  await expectText(item.locator('[data-col="note"]'), "1.1 未完成，原因已说明");
  assert.match(await item.locator('[data-col="reason"]').textContent(), /\S/);
  const signers = await page
    .getByTestId("sheet-signer")
    .evaluateAll((trs) => trs.map((tr) => [tr.dataset.role, tr.dataset.name]));
  assert.deepEqual(signers, [
    ["principal", "张三"],
    ["supervisory", "李四"],
  ]);
  assert.equal(await page.getByTestId("packet-receipt").getAttribute("data-received-at"), stored.received_at);

  // The download is the exact bytes the intake stored.
  const href = await page.getByTestId("packet-download").getAttribute("href");
  const got = await download(href);
  assert.equal(got.status, 200);
  const served = Buffer.from(
    await (await fetch(`${intake.url}/api/v1/packets/${stored.id}`, { headers: { authorization: `Bearer ${intake.token}` } })).arrayBuffer(),
  );
  assert.ok(Buffer.from(got.bytes).equals(served), "the download is GET /api/v1/packets/{id}");
  assert.ok(served.equals(bytes), "which is the packet as it was posted");
});

test("an inspection's sheet lists its findings and its inspector", async () => {
  const { packets } = await intake.packets({ unit: "510824-101", kind: "inspection" });
  await page.goto(`${intake.url}/console/#/packets/${packets[0].id}`);
  await consolePage(page, "packet-page");
  const findings = await page.getByTestId("sheet-finding").evaluateAll((trs) => trs.map((tr) => tr.dataset.item));
  assert.deepEqual(findings, ["1.1", "2.4"]);
  assert.equal(await page.getByTestId("sheet-signer").getAttribute("data-name"), "王五");
});

test("an unknown packet says there is none", async () => {
  await page.goto(`${intake.url}/console/#/packets/no-such-packet`);
  await consolePage(page, "packet-page");
  await expectText(page.getByTestId("packet-error"), "没有这个数据包。");
});

test("the old dashboard's address leads to the console's reports", async () => {
  const answer = await fetch(`${intake.url}/dashboard`, { redirect: "manual" });
  assert.equal(answer.status, 308);
  assert.equal(answer.headers.get("location"), "/console/#/reports");
  await page.goto(`${intake.url}/dashboard`);
  await consolePage(page, "reports-page");
  assert.equal(await page.getByTestId("reports-page").getAttribute("data-tab"), "ranking");
});
