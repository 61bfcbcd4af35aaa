// The office console (/console/), against a real `qingdan serve` with three
// registered units and an administrator made with the CLI: sign-in refused
// and accepted, a round made over every unit with the form, its tracker
// before and after one unit's self-assessment is stored (and past the
// deadline), the XLSX, the audit log, the language switch, a one-time
// password that must be changed first, a session that ends elsewhere, and
// sign-out, after which the API answers 401; and the field app's service
// worker never answers for the console.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch } from "./lib/browser.mjs";
import { expectText, newPage, ready } from "./lib/app.mjs";
import { controlled } from "./lib/sw.mjs";
import { startIntake } from "./lib/intake.mjs";
import { addAdmin, consolePage, roundStatus, signIn, storeSelfAssessment } from "./lib/console.mjs";

const PASSWORD = "correct horse battery staple";
const UNITS = [
  { code: "510824-101", name: "某某镇党委" },
  { code: "510824-102", name: "某某乡党委" },
  { code: "510824-103", name: "某某街道党工委" },
];

/** The local day `days` from today, `YYYY-MM-DD` (the browser runs on this machine, in its time zone). */
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

const DEADLINE = day(30);
const AFTER_DEADLINE = day(31);

let intake, browser, context, page, roundId;

before(async () => {
  intake = await startIntake({ units: UNITS });
  await addAdmin(intake, "zhang", PASSWORD);
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
  await intake?.close();
});

const console_ = () => `${intake.url}/console/`;
const rows = () => page.getByTestId("tracker-row");
const row = (code) => page.locator(`[data-testid="tracker-row"][data-unit="${code}"]`);
const count = (status) => page.getByTestId(`count-${status}`).getAttribute("data-count");

/** The session cookie the browser holds for the intake, if any. */
async function sessionCookie() {
  const cookies = await context.cookies(intake.url);
  return cookies.find((c) => c.name === "qingdan_session");
}

test("the intake serves the console at /console/, with no inline script or style", async () => {
  const response = await fetch(console_());
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^text\/html/);
  const html = await response.text();
  assert.match(html, /<script type="module" src="start\.[0-9a-f]{16}\.js"><\/script>/);
  assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, "no inline script");
  assert.doesNotMatch(html, /<style|\sstyle=/, "no inline style");
  // The module it loads is served, and kept for a year (its name is its content's).
  const start = html.match(/src="(start\.[0-9a-f]{16}\.js)"/)[1];
  const module = await fetch(`${console_()}${start}`);
  assert.equal(module.status, 200);
  assert.match(module.headers.get("cache-control"), /immutable/);
  // Without the slash, the folder's page all the same.
  const bare = await fetch(`${intake.url}/console`);
  assert.equal(bare.status, 200, "GET /console is redirected to the console");
  assert.equal(new URL(bare.url).pathname, "/console/");
});

test("a wrong password is refused in Chinese and the page stays; the right one opens the console", async () => {
  await page.goto(console_());
  await consolePage(page, "sign-in-page");
  assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
  await signIn(page, "zhang", "not the password at all");
  const notice = page.getByTestId("sign-in-notice");
  await notice.waitFor();
  assert.equal(await notice.getAttribute("data-code"), "unauthorized");
  await expectText(notice, "用户名或密码错误。");
  assert.equal(await page.getByTestId("sign-in-page").count(), 1, "still on sign-in");
  assert.equal(await sessionCookie(), undefined, "no session");

  await signIn(page, "zhang", PASSWORD);
  await consolePage(page, "rounds-page");
  assert.equal(await page.getByTestId("signed-in-name").getAttribute("data-name"), "zhang");
  assert.ok((await sessionCookie())?.httpOnly, "the session cookie is HttpOnly");
  // A reload keeps the session and the page.
  await page.reload();
  await consolePage(page, "rounds-page");
});

test("a round is made over every registered unit with the form", async () => {
  await page.goto(`${console_()}#/rounds`);
  await consolePage(page, "rounds-page");
  // A self-assessment of the first checklist offered unless chosen otherwise.
  assert.equal(await page.getByTestId("round-kind").inputValue(), "self-assessment");
  const first = await page.locator('[data-testid="round-template"] option').first().getAttribute("value");
  assert.equal(await page.getByTestId("round-template").inputValue(), first);
  // A missing period is named before anything is sent.
  await page.getByTestId("round-template").selectOption("jiandu-zeren@2");
  await page.getByTestId("round-deadline").fill(DEADLINE);
  await page.getByTestId("round-submit").click();
  const notice = page.getByTestId("round-notice");
  await notice.waitFor();
  assert.equal(await notice.getAttribute("data-kind"), "error");
  assert.equal(await page.locator("[data-field-wrong]").getAttribute("data-field-wrong"), "period");

  await page.getByTestId("round-period").fill("2026");
  await page.getByTestId("round-kind").selectOption("self-assessment");
  await page.getByTestId("round-submit").click();
  await page.locator('[data-testid="round-notice"][data-kind="ok"]').waitFor();
  const made = page.getByTestId("round-row");
  assert.equal(await made.count(), 1);
  roundId = await made.getAttribute("data-round-id");
  const [listed] = await intake.get("/rounds", { admin: true });
  assert.equal(listed.id, roundId, "the intake holds the round the console shows");
  assert.deepEqual(
    [listed.template_id, listed.template_version, listed.period, listed.kind, listed.deadline, listed.units],
    ["jiandu-zeren", 2, "2026", "self-assessment", DEADLINE, UNITS.length],
  );
});

test("the tracker lists every unit as not submitted, then the one whose self-assessment is stored as submitted with its total", async () => {
  assert.ok(roundId, "a round was made");
  await page.locator(`[data-testid="round-track"][data-round-id="${roundId}"]`).click();
  await consolePage(page, "tracker");
  assert.equal(await count("units"), "3");
  assert.equal(await count("missing"), "3");
  assert.equal(await rows().count(), 3);
  for (const { code, name } of UNITS) {
    assert.equal(await row(code).getAttribute("data-status"), "missing", code);
    await expectText(row(code).locator('[data-col="status"]'), "未提交");
    await expectText(row(code).locator('[data-col="name"]'), name);
  }

  const stored = await storeSelfAssessment(intake, { unit: UNITS[0].code, unitName: UNITS[0].name });
  // A reload keeps the page (the tracker is in the URL) and reads it again.
  await page.reload();
  await consolePage(page, "tracker");
  assert.equal(await row("510824-101").getAttribute("data-status"), "submitted");
  await expectText(row("510824-101").locator('[data-col="status"]'), "已提交");
  await expectText(row("510824-101").locator('[data-col="total"]'), stored.total);
  assert.match(await row("510824-101").locator('[data-col="received"]').textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  assert.equal(await count("submitted"), "1");
  assert.equal(await count("missing"), "2");
  // The command line reads the same.
  const cli = await roundStatus(intake, roundId, day(0));
  const unit = cli.units.find((u) => u.code === "510824-101");
  assert.equal(unit.status, "submitted");
  assert.equal(unit.total, stored.total, "the total is shown exactly as the intake keeps it");

  // The filter keeps the submitted unit only, in the URL too.
  await page.getByTestId("filter-submitted").click();
  await page.waitForURL(/status=submitted/);
  await consolePage(page, "tracker");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="tracker-row"]').length === 1);
  assert.equal(await rows().first().getAttribute("data-unit"), "510824-101");
  await page.getByTestId("filter-all").click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="tracker-row"]').length === 3);
});

test("after the deadline the units that sent nothing are overdue, and the workbook downloads", async () => {
  assert.ok(roundId, "a round was made");
  await page.goto(`${console_()}#/rounds/${roundId}`);
  await consolePage(page, "tracker");
  assert.equal(await page.getByTestId("as-of").inputValue(), day(0), "as of today by default");
  await page.getByTestId("as-of").fill(AFTER_DEADLINE);
  await page.waitForURL(new RegExp(`as_of=${AFTER_DEADLINE}`));
  await page.locator(`[data-testid="tracker"][data-as-of="${AFTER_DEADLINE}"][data-ready="true"]`).waitFor();
  assert.equal(await count("overdue"), "2");
  assert.equal(await count("submitted"), "1");
  for (const code of ["510824-102", "510824-103"]) {
    assert.equal(await row(code).getAttribute("data-status"), "overdue", code);
    await expectText(row(code).locator('[data-col="status"]'), "逾期未提交");
  }
  assert.equal(await row("510824-101").getAttribute("data-status"), "submitted");
  await page.getByTestId("past-deadline").waitFor();

  const href = await page.getByTestId("download-xlsx").getAttribute("href");
  assert.ok(href.includes(`as_of=${AFTER_DEADLINE}`) && href.includes("format=xlsx"), href);
  const workbook = await page.evaluate(async (href) => {
    const response = await fetch(href);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get("content-type"), magic: String.fromCharCode(bytes[0], bytes[1]) };
  }, href);
  assert.deepEqual(workbook, {
    status: 200,
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    magic: "PK",
  });
});

test("the audit log lists the round made by the administrator", async () => {
  await page.getByTestId("nav-audit").click();
  await consolePage(page, "audit-page");
  const created = page.locator('[data-testid="audit-entry"][data-action="round.create"]');
  assert.equal(await created.count(), 1);
  assert.equal(await created.getAttribute("data-actor"), "zhang");
  assert.match(await created.textContent(), new RegExp(roundId));
  await expectText(created.locator("td").nth(2), "创建考核批次");
  assert.ok((await page.locator('[data-testid="audit-entry"][data-action="session.start"]').count()) >= 1);
});

test("English is a switch away, and the choice outlives a reload", async () => {
  await page.getByTestId("lang-switch").click();
  await expectText(page.getByTestId("nav-rounds"), "Rounds");
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  await page.reload();
  await consolePage(page, "audit-page");
  await expectText(page.getByTestId("nav-audit"), "Audit log");
  await page.getByTestId("lang-switch").click();
  await expectText(page.getByTestId("nav-rounds"), "考核批次");
});

test("a session that ends elsewhere returns to sign-in with a message", async () => {
  const cookie = await sessionCookie();
  assert.ok(cookie, "signed in");
  // Signed out from elsewhere (the same session, another client).
  const out = await fetch(`${intake.url}/api/v1/session`, {
    method: "DELETE",
    headers: { cookie: `${cookie.name}=${cookie.value}` },
  });
  assert.equal(out.status, 204);
  await page.getByTestId("nav-rounds").click();
  await page.locator('[data-testid="sign-in-page"][data-reason="session-ended"]').waitFor();
  const notice = page.getByTestId("session-notice");
  await expectText(notice, /会话已结束/);
});

test("a one-time password must be changed before anything else", async () => {
  await addAdmin(intake, "li", "a one-time password 7Qx!", { mustChange: true });
  await page.goto(`${console_()}#/rounds`);
  await consolePage(page, "sign-in-page");
  await signIn(page, "li", "a one-time password 7Qx!");
  await page.locator('[data-testid="password-page"][data-forced="true"]').waitFor();
  assert.equal(await page.getByTestId("nav-rounds").count(), 0, "nothing else is offered");
  // The rest of the API says so too.
  const refused = await page.evaluate(async () => {
    const response = await fetch("../api/v1/rounds");
    return { status: response.status, code: (await response.json()).code };
  });
  assert.deepEqual(refused, { status: 403, code: "password-change" });

  await page.getByTestId("password-current").fill("a one-time password 7Qx!");
  await page.getByTestId("password-new").fill("password1234");
  await page.getByTestId("password-confirm").fill("password1234");
  await page.getByTestId("password-submit").click();
  const notice = page.locator('[data-testid="password-notice"][data-kind="error"]');
  await notice.waitFor();
  assert.equal(await notice.getAttribute("data-code"), "weak-password");

  const chosen = "纸短情长 river lantern 4417";
  await page.getByTestId("password-new").fill(chosen);
  await page.getByTestId("password-confirm").fill(chosen);
  await page.getByTestId("password-submit").click();
  await consolePage(page, "rounds-page");
  assert.equal(await page.getByTestId("signed-in-name").getAttribute("data-name"), "li");
});

test("signing out returns to sign-in and the API then answers 401", async () => {
  const cookie = await sessionCookie();
  assert.ok(cookie, "signed in");
  await page.getByTestId("sign-out").click();
  await page.locator('[data-testid="sign-in-page"][data-reason="signed-out"]').waitFor();
  const inPage = await page.evaluate(async () => (await fetch("../api/v1/session")).status);
  assert.equal(inPage, 401, "the page has no session");
  const withOld = await fetch(`${intake.url}/api/v1/rounds`, {
    headers: { cookie: `${cookie.name}=${cookie.value}` },
  });
  assert.equal(withOld.status, 401, "the old session never works again");
});

test("the field app's service worker never answers a navigation to the console", async () => {
  // The field app, served by the same intake, installs its worker over the whole origin.
  const field = await newPage(context);
  await field.goto(`${intake.url}/`);
  await ready(field);
  await controlled(field);
  await field.goto(console_());
  await consolePage(field, "sign-in-page");
  // With the intake gone the worker would give its own page for any
  // navigation; under /console/ it leaves the browser to fail.
  await intake.stop();
  try {
    const failed = await field.goto(console_()).then(
      () => false,
      () => true,
    );
    assert.ok(failed, "the console's address fails with the intake down");
    assert.equal(await field.locator('[data-testid="app-ready"]').count(), 0, "not the field app's page");
    // The field app itself still opens from its worker (in a tab of its
    // own: the failed one is still drawing its error page).
    const again = await newPage(context);
    await again.goto(`${intake.url}/`);
    await ready(again);
    await again.close();
  } finally {
    await intake.start();
    await field.close();
  }
});
