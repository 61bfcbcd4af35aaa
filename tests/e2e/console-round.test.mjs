// A round from the office's console to a unit's device and back, against a
// real `qingdan serve` that starts with no unit: an administrator imports
// 30 units from a workbook made by openpyxl (a bad one first, refused by
// its cell), makes a round, prints a sheet of enrollment slips and a test
// reads two of its QR codes; a field app in another browser context opens
// those links, enrolls the unit's two signers, fills, signs and uploads;
// the tracker then shows that unit 已提交 with its score and the 29 others
// 未提交, and 逾期未提交 once the deadline has passed. The keys page lists
// the enrolled keys and withdraws an unused code; the checklists page
// publishes a workbook (a bad one refused by its cell); the audit log lists
// what was done.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { launch } from "./lib/browser.mjs";
import { createEnrollableKey, expectText, item, newAssessment, newPage, pageErrors, repoPath, signWith } from "./lib/app.mjs";
import { enroll, startIntake, waitReceived } from "./lib/intake.mjs";
import { addAdmin, consolePage, signIn, storeSelfAssessment } from "./lib/console.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const PASSWORD = "correct horse battery staple";
const ID = "jiandu-zeren";
const SIGNERS = [
  { role: "principal", name: "张三", pin: "24681357" },
  { role: "supervisory", name: "李四", pin: "13579246" },
];
/** The unit whose device takes part (in the workbook: 陵江镇党委). */
const UNIT = { code: "510824-101", name: "陵江镇党委" };

/** The local day `days` from today, `YYYY-MM-DD`. */
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
const DEADLINE = day(14);
const AFTER_DEADLINE = day(15);

let intake, browser, office, page, roundId;
/** The links of the unit's slips, by role, as their QR codes read. */
const links = {};

before(async () => {
  intake = await startIntake();
  await addAdmin(intake, "zhang", PASSWORD);
  browser = await launch();
  office = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await newPage(office);
});

after(async () => {
  await browser?.close();
  await intake?.close();
});

const consoleAt = (hash) => `${intake.url}/console/${hash}`;
const count = (status) => page.getByTestId(`count-${status}`).getAttribute("data-count");

/** Reads the QR code drawn in `locator` (an SVG), as a phone's camera would from its picture. */
async function readQr(locator) {
  const png = PNG.sync.read(await locator.screenshot({ scale: "device" }));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, "the QR code reads");
  return found.data;
}

test("an administrator signs in and imports 30 units from an openpyxl workbook, after a bad one is refused by its cell", async () => {
  await page.goto(consoleAt(""));
  await consolePage(page, "sign-in-page");
  await signIn(page, "zhang", PASSWORD);
  await consolePage(page, "rounds-page");
  await page.getByTestId("nav-units").click();
  await consolePage(page, "units-page");
  assert.equal(await page.getByTestId("no-units").count(), 1, "no unit yet");

  await page.getByTestId("units-file").setInputFiles(repoPath("tests/data/sheets/openpyxl-units-bad.xlsx"));
  await page.getByTestId("units-import").click();
  const notice = page.getByTestId("units-notice");
  await notice.waitFor();
  assert.equal(await notice.getAttribute("data-kind"), "error");
  assert.equal(await notice.getAttribute("data-code"), "invalid");
  await expectText(notice, /单位!A8/, "the refusal names the empty cell");
  assert.equal((await intake.get("/units", { admin: true })).total_units, 0, "none of the bad workbook's units is registered");

  await page.getByTestId("units-file").setInputFiles(repoPath("tests/data/sheets/openpyxl-units.xlsx"));
  await page.getByTestId("units-import").click();
  await page.locator('[data-testid="units-notice"][data-kind="ok"]').waitFor();
  await expectText(page.getByTestId("units-notice"), "已导入 30 个单位：新增 30 个，更新 0 个。");
  await page.locator('[data-testid="units-total"][data-total="30"]').waitFor();
  const row = page.locator(`[data-testid="unit-row"][data-code="${UNIT.code}"]`);
  await expectText(row.getByTestId("unit-name"), UNIT.name);
  await expectText(row, /510824-000/, "the township is under the county");
  const units = await intake.get("/units?per_page=1000", { admin: true });
  assert.equal(units.total_units, 30);
  assert.equal(units.units.filter((u) => u.parent_code === "510824-000").length, 29, "29 units under the county");

  // A unit's name is changed where it is listed.
  const office = page.locator('[data-testid="unit-row"][data-code="510824-201"]');
  await office.getByTestId("unit-edit").click();
  await page.getByTestId("unit-edit-name").fill("县财政局机关党组");
  await page.getByTestId("unit-save").click();
  await page.locator('[data-testid="units-notice"][data-kind="ok"]').waitFor();
  await expectText(office.getByTestId("unit-name"), "县财政局机关党组");
  assert.equal((await intake.get("/units/510824-201", { admin: true })).name, "县财政局机关党组");
});

test("a round is made over the 30 units", async () => {
  await page.getByTestId("nav-rounds").click();
  await consolePage(page, "rounds-page");
  await page.getByTestId("round-template").selectOption(`${ID}@2`);
  await page.getByTestId("round-period").fill("2026");
  await page.getByTestId("round-kind").selectOption("self-assessment");
  await page.getByTestId("round-deadline").fill(DEADLINE);
  await page.getByTestId("round-submit").click();
  await page.locator('[data-testid="round-notice"][data-kind="ok"]').waitFor();
  const made = page.getByTestId("round-row");
  roundId = await made.getAttribute("data-round-id");
  assert.equal(await made.locator("td").nth(4).textContent(), "30", "the round covers the 30 units");
});

test("the sheet of slips has one QR code a slip, and a QR code holds the intake's address and the slip's code", async () => {
  await page.getByTestId("nav-units").click();
  await consolePage(page, "units-page");
  // Two units chosen: the one whose device takes part, and another.
  for (const code of [UNIT.code, "510824-102"]) {
    await page.locator(`[data-testid="unit-row"][data-code="${code}"]`).getByTestId("unit-choose").check();
  }
  await expectText(page.getByTestId("slips-chosen"), "已选 2 个单位");
  // The unit's two signers are chosen by default.
  assert.ok(await page.getByTestId("slip-role-principal").isChecked());
  assert.ok(await page.getByTestId("slip-role-supervisory").isChecked());
  assert.ok(!(await page.getByTestId("slip-role-inspector").isChecked()));
  await page.getByTestId("make-slips").click();
  const link = page.getByTestId("slip-sheet");
  await link.waitFor();
  assert.equal(await link.getAttribute("data-slips"), "4", "two roles of two units");

  const [sheet] = await Promise.all([office.waitForEvent("page"), link.click()]);
  await sheet.waitForLoadState();
  await sheet.emulateMedia({ media: "print" });
  const slips = sheet.getByTestId("slip");
  assert.equal(await slips.count(), 4);
  assert.equal(await sheet.locator('[data-testid="slip"] svg').count(), 4, "one QR code a slip");
  for (let i = 0; i < 4; i += 1) assert.ok(await slips.nth(i).locator("svg").isVisible(), "every QR code is printed");
  // The printed page: A4, the slips on it.
  const pdf = await sheet.pdf({ preferCSSPageSize: true });
  assert.ok(pdf.length > 1000, "the sheet prints");

  for (const role of ["principal", "supervisory"]) {
    const slip = sheet.locator(`[data-testid="slip"][data-unit="${UNIT.code}"][data-role="${role}"]`);
    const code = await slip.getAttribute("data-code");
    const read = await readQr(slip.locator("svg"));
    assert.equal(read, `${intake.url}/#/enroll/${code}`, "the QR code opens the intake's field app at enrollment with the code");
    const printed = await slip.textContent();
    assert.ok(printed.includes(code), "the code is printed too, for typing");
    assert.ok(printed.includes(UNIT.name), "the unit's name is printed");
    assert.match(printed, /有效期至\d{4}-\d\d-\d\d \d\d:\d\d/, "the expiry is printed as a local time");
    links[role] = { link: read, code };
  }
  await sheet.close();
  // The intake keeps the codes' hashes only: they are issued, unused.
  const codes = await intake.get("/enrollment-codes", { admin: true });
  assert.equal(codes.total_codes, 4);
  assert.ok(codes.codes.every((c) => c.status === "unused"));
  assert.ok(!JSON.stringify(codes).includes(links.principal.code), "the list never shows a code");
});

test("a device opens the slips' links, enrolls the unit's signers, fills, signs and uploads", async () => {
  assert.ok(links.principal && links.supervisory, "the slips were read");
  const device = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  try {
    const p = await newPage(device);
    const keys = {};
    for (const signer of SIGNERS) {
      const { link, code } = links[signer.role];
      await p.goto(link);
      const field = p.getByTestId("enroll-code");
      await field.waitFor();
      assert.equal(await field.inputValue(), code, "the slip's code is filled in");
      keys[signer.role] = await createEnrollableKey(p, signer, Object.values(keys));
      await enroll(p, intake, UNIT.code, signer.role, keys[signer.role], code);
    }
    await newAssessment(p, intake.url, ID, { unitCode: UNIT.code, unitName: UNIT.name, period: "2026" });
    for (const i of items(template(ID))) {
      const answer = fullAnswer(i);
      if (answer) await give(item(p, i.id), answer);
    }
    await signWith(p, SIGNERS, keys);
    await waitReceived(p, intake, UNIT.code, "self-assessment");
    assert.equal(pageErrors(p), "", "no errors on the device");
  } finally {
    await device.close();
  }
});

test("the tracker shows the unit 已提交 with its score and the 29 others 未提交, then 逾期未提交 past the deadline", async () => {
  assert.ok(roundId, "a round was made");
  const [stored] = (await intake.packets({ unit: UNIT.code, kind: "self-assessment" })).packets;
  await page.goto(consoleAt(`#/rounds/${roundId}`));
  await consolePage(page, "tracker");
  assert.deepEqual(
    [await count("units"), await count("submitted"), await count("missing"), await count("overdue")],
    ["30", "1", "29", "0"],
  );
  const row = page.locator(`[data-testid="tracker-row"][data-unit="${UNIT.code}"]`);
  assert.equal(await row.getAttribute("data-status"), "submitted");
  await expectText(row, /已提交/);
  await expectText(row, new RegExp(stored.total.replace(".", "\\.")), "the unit's score as the intake holds it");

  await page.goto(consoleAt(`#/rounds/${roundId}?as_of=${AFTER_DEADLINE}`));
  await consolePage(page, "tracker");
  assert.deepEqual(
    [await count("submitted"), await count("missing"), await count("overdue")],
    ["1", "0", "29"],
  );
  const late = page.locator('[data-testid="tracker-row"][data-unit="510824-102"]');
  await expectText(late, /逾期未提交/);
});

test("the reports open on the latest round's ranking, of every unit or of the county's units", async () => {
  // The county committee's own self-assessment: ranked among every unit,
  // not among the units under it.
  await storeSelfAssessment(intake, { unit: "510824-000", unitName: "中共苍溪县委员会" });
  await page.goto(consoleAt("#/reports"));
  await consolePage(page, "reports-page");
  assert.equal(await page.getByTestId("report-kind").inputValue(), "self-assessment", "the round's kind");
  assert.equal(await page.getByTestId("report-period").inputValue(), "2026", "the round's period");
  const ranked = () => page.getByTestId("ranking-row").evaluateAll((trs) => trs.map((tr) => tr.dataset.unit).sort());
  assert.deepEqual(await ranked(), ["510824-000", UNIT.code]);
  await page.getByTestId("report-under").selectOption("510824-000");
  await page.waitForFunction(() => location.hash.includes("under=510824-000"));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ranking-row"]').length === 1);
  await consolePage(page, "reports-page");
  assert.deepEqual(await ranked(), [UNIT.code], "the county's units only");
  assert.equal(await page.getByTestId("ranking-row").getAttribute("data-rank"), "1");
  const href = await page.getByTestId("report-xlsx").getAttribute("href");
  assert.ok(href.includes("under=510824-000"), href);
  const xlsx = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get("content-type"), name: r.headers.get("content-disposition") };
  }, href);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.name, /under-510824-000\.xlsx/);
});

test("the keys page lists the enrolled signers by the codes of their slips, withdraws an unused code and revokes a key", async () => {
  await page.goto(consoleAt("#/keys"));
  await consolePage(page, "keys-page");
  for (const { role, name } of SIGNERS) {
    const key = page.locator(`[data-testid="key-row"][data-unit="${UNIT.code}"][data-role="${role}"]`);
    await expectText(key.getByTestId("key-name"), name);
    assert.match(await key.getByTestId("key-fingerprint").textContent(), /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
  }
  const redeemed = await page
    .locator('[data-testid="code-row"][data-status="redeemed"]')
    .evaluateAll((rows) => rows.map((r) => r.dataset.codeId).sort());
  const byCode = await page
    .locator(`[data-testid="key-row"][data-unit="${UNIT.code}"] td:nth-child(6)`)
    .evaluateAll((cells) => cells.map((c) => c.textContent.trim()).sort());
  assert.deepEqual(byCode, redeemed, "each key names the code of the slip it was enrolled by");
  const unused = page.locator('[data-testid="code-row"][data-status="unused"]');
  assert.equal(await unused.count(), 2, "the other unit's two codes are unused");
  assert.equal(await page.locator('[data-testid="code-row"][data-status="redeemed"]').count(), 2);
  const id = await unused.first().getAttribute("data-code-id");
  await unused.first().getByTestId("code-withdraw").click();
  await page.locator('[data-testid="codes-notice"][data-kind="ok"]').waitFor();
  await page.locator(`[data-testid="code-row"][data-code-id="${id}"]`).waitFor({ state: "detached" });
  assert.equal(await unused.count(), 1);
  assert.equal((await intake.get("/enrollment-codes", { admin: true })).total_codes, 3, "the withdrawn code is gone");

  // The supervisory key revoked (its tablet lost), with the reason.
  const key = page.locator(`[data-testid="key-row"][data-unit="${UNIT.code}"][data-role="supervisory"]`);
  const publicKey = await key.getAttribute("data-key");
  await key.getByTestId("key-revoke").click();
  await page.getByTestId("revoke-confirm").click();
  await expectText(page.getByTestId("keys-notice"), "请填写吊销原因。");
  await page.getByTestId("revoke-reason").fill("平板丢失");
  await page.getByTestId("revoke-confirm").click();
  await page.locator('[data-testid="keys-notice"][data-kind="ok"]').waitFor();
  await key.locator('[data-revoked="true"], [data-testid="key-revoked"]').first().waitFor();
  assert.equal(await key.getAttribute("data-revoked"), "true");
  const status = await intake.get(`/keys/${encodeURIComponent(publicKey)}`);
  assert.ok(status.revoked_at, `the intake holds the key revoked: ${JSON.stringify(status)}`);
});

test("the checklists page refuses a bad workbook by its cell and publishes a good one as a new version", async () => {
  await page.goto(consoleAt("#/checklists"));
  await consolePage(page, "checklists-page");
  const before = await page.getByTestId("checklist-row").count();
  await page.getByTestId("checklist-file").setInputFiles(repoPath("tests/data/sheets/openpyxl-bad-cell.xlsx"));
  await page.getByTestId("checklist-publish").click();
  const notice = page.getByTestId("checklist-notice");
  await notice.waitFor();
  assert.equal(await notice.getAttribute("data-kind"), "error");
  await expectText(notice, /Items!F3/, "the refusal names the cell");
  assert.equal(await page.getByTestId("checklist-row").count(), before, "nothing published");

  await page.getByTestId("checklist-file").setInputFiles(repoPath("tests/data/sheets/openpyxl-checklist.xlsx"));
  await page.getByTestId("checklist-publish").click();
  await page.locator('[data-testid="checklist-notice"][data-kind="ok"]').waitFor();
  await page.locator('[data-testid="checklist-row"][data-id="town-inspection"][data-version="3"]').waitFor();
  assert.equal(await page.getByTestId("checklist-row").count(), before + 1);
});

test("the audit log lists what the administrator did", async () => {
  // A page of its own, signed in from its start (the first page's sign-in
  // page was answered 401 before the session began, as it should be).
  const fresh = await newPage(office);
  await fresh.goto(consoleAt("#/audit"));
  await consolePage(fresh, "audit-page");
  const actions = await fresh
    .locator('[data-testid="audit-entry"][data-actor="zhang"]')
    .evaluateAll((rows) => rows.map((r) => r.dataset.action));
  for (const action of ["session.start", "unit.import", "unit.edit", "round.create", "code.sheet", "code.withdraw", "key.revoke", "template.publish"]) {
    assert.ok(actions.includes(action), `${action} is listed: ${actions.join(", ")}`);
  }
  assert.equal(pageErrors(fresh), "", "no errors on the console");
});
