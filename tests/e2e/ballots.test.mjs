// 民主测评 end to end: an evaluation made and its slips printed with the
// CLI (as the office does on the intake's machine); one slip's QR code
// read from the printed sheet; three phones open their slips' ballot
// pages, rate, cast and keep their receipts; a slip cast twice is refused;
// the evaluation closes, its signed result verifies with `qingdan ballots
// verify`, each phone's receipt finds its ballot in it as cast, and the
// person rated poorly is due a talk (约谈): flagged on his unit's ranking
// row in the console, and shown with the published figures on the
// 民主测评 items of an inspector's app.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { launch } from "./lib/browser.mjs";
import { addAdmin, consolePage, signIn } from "./lib/console.mjs";
import { enrolledKey, startIntake } from "./lib/intake.mjs";
import { newAssessment, newPage, pageErrors, repoPath } from "./lib/app.mjs";

const UNIT = { code: "510824-101", name: "某某镇党委" };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let intake, browser, dir, slips, sheet;

before(async () => {
  intake = await startIntake({ units: [UNIT] });
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), "qingdan-ballots-"));
  // The example evaluation, open now: two people, three groups of five.
  const doc = JSON.parse(await readFile(repoPath("tests/data/evaluations/banzi-2026.json"), "utf8"));
  const now = Date.now();
  doc.opens_at = new Date(now - 3600_000).toISOString();
  doc.closes_at = new Date(now + 3600_000).toISOString();
  for (const group of doc.groups) group.ballots = 5;
  // Of the year 2026: its ranking flags whom it finds due a talk.
  doc.period = "2026";
  await writeFile(join(dir, "evaluation.json"), JSON.stringify(doc));
  const id = (await intake.admin(["evaluation", "create", join(dir, "evaluation.json")])).trim();
  assert.equal(id, "banzi-2026");
  await intake.admin([
    "evaluation", "slips", id,
    "--codes-json", join(dir, "codes.json"),
    "-o", join(dir, "slips.html"),
    "--base", intake.url,
  ]);
  slips = JSON.parse(await readFile(join(dir, "codes.json"), "utf8")).slips;
  sheet = await readFile(join(dir, "slips.html"), "utf8");
});

after(async () => {
  await browser?.close();
  await intake?.close();
});

const link = (code) => `${intake.url}/ballot.html#banzi-2026/${code}`;
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
/** RFC 8785 for the ballot's JSON (objects, strings; ASCII keys). */
const canonical = (v) =>
  v !== null && typeof v === "object"
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`
    : JSON.stringify(v);

test("the printed sheet has one QR code a slip, each opening its ballot page", async () => {
  assert.equal(slips.length, 15);
  assert.equal((sheet.match(/data-testid="ballot-slip"/g) ?? []).length, 15);
  assert.equal((sheet.match(/<svg/g) ?? []).length, 15, "one QR code a slip");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(sheet);
  const first = page.locator('[data-testid="ballot-slip"]').first();
  const png = PNG.sync.read(await first.locator("svg").screenshot({ scale: "device" }));
  const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(read, "the QR code reads");
  assert.equal(read.data, link(await first.getAttribute("data-code")));
  await context.close();
});

/** Opens a slip's ballot page on a phone of its own. */
async function phone(code) {
  const context = await browser.newContext(PHONE);
  const page = await newPage(context);
  await page.goto(link(code));
  await page.locator('[data-testid="ballot-page"][data-ready="true"]').waitFor().catch(() => {
    assert.fail(`the ballot page never showed its form${pageErrors(page)}`);
  });
  return { context, page };
}

/** Rates 王五 (wang) `wang` and 赵六 (zhao) `zhao` on everything, casts, and reads the receipt. */
async function vote(page, wang, zhao) {
  for (const [person, rating] of [["wang", wang], ["zhao", zhao]]) {
    for (const dimension of ["duty", "integrity", "conduct", "overall"]) {
      await page.getByTestId(`rate-${person}-${dimension}-${rating}`).check();
    }
  }
  await page.getByTestId("ballot-cast").click();
  const receipt = page.getByTestId("ballot-receipt");
  await receipt.waitFor();
  return {
    code_sha256: await receipt.getAttribute("data-code-sha256"),
    ballot_sha256: await receipt.getAttribute("data-ballot-sha256"),
  };
}

test("three phones cast their slips' ballots, keep their receipts, and find them in the signed result; 约谈 is flagged", async () => {
  const receipts = [];
  const cast = [slips[0], slips[5], slips[10]];
  for (const [i, slip] of cast.entries()) {
    const { context, page } = await phone(slip.code);
    assert.equal(await page.getByTestId("ballot-title").textContent(), "2026年度某某镇党委班子述责述廉民主测评");
    if (i === 0) {
      // Not every rating given: it says how many are missing, and casts nothing.
      await page.getByTestId("rate-wang-duty-poor").check();
      await page.getByTestId("ballot-cast").click();
      await page.getByTestId("ballot-problem").waitFor();
      assert.equal(await page.getByTestId("ballot-receipt").count(), 0);
    }
    receipts.push(await vote(page, "poor", i === 2 ? "fairly_good" : "good"));
    // Opened again on the same phone: its receipt, no second ballot.
    await page.reload();
    await page.getByTestId("ballot-receipt").waitFor();
    assert.equal(await page.getByTestId("ballot-receipt").getAttribute("data-code-sha256"), receipts[i].code_sha256);
    assert.doesNotMatch(pageErrors(page), /page error:/);
    await context.close();
  }
  // A slip cast already, on another phone: refused, saying so.
  const { context, page } = await phone(cast[1].code);
  for (const person of ["wang", "zhao"]) {
    for (const dimension of ["duty", "integrity", "conduct", "overall"]) {
      await page.getByTestId(`rate-${person}-${dimension}-good`).check();
    }
  }
  await page.getByTestId("ballot-cast").click();
  const refused = page.locator('[data-testid="ballot-problem"][data-code="ballot-spent"]');
  await refused.waitFor();
  await context.close();

  // Closed: the result verifies, and every receipt finds its ballot as cast.
  const file = join(dir, "result.json");
  await intake.admin(["evaluation", "close", "banzi-2026", "-o", file]);
  const verified = await intake.admin(["ballots", "verify", file, "--intake-key", (await intake.get("/intake")).public_key]);
  assert.match(verified, /3 used/);
  const result = JSON.parse(await readFile(file, "utf8")).payload;
  for (const receipt of receipts) {
    const ballot = result.tally.ballots.find((b) => b.code_sha256 === receipt.code_sha256);
    assert.ok(ballot, "my ballot is listed");
    assert.equal(sha256(canonical({ answers: ballot.answers, code_sha256: ballot.code_sha256 })), receipt.ballot_sha256);
  }
  const [wang, zhao] = result.tally.subjects;
  assert.equal(wang.subject, "wang");
  assert.equal(wang.satisfaction, "0.00");
  assert.equal(wang.talk_due, true, "王五 is due a talk");
  assert.equal(zhao.satisfaction, "100.00");
  assert.equal(zhao.talk_due, false);
});

/** A new administrator `name`, signed in to the console in a browser context of their own. */
async function signedIn(name) {
  await addAdmin(intake, name, "correct horse battery staple");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const office = await newPage(context);
  await office.goto(`${intake.url}/console/`);
  await consolePage(office, "sign-in-page");
  await signIn(office, name, "correct horse battery staple");
  await consolePage(office, "rounds-page");
  return { context, office };
}

test("the console makes an evaluation, prints its slips once, closes it and flags the person due a talk", async () => {
  const { context, office } = await signedIn("office");
  await office.getByTestId("nav-evaluations").click();
  await consolePage(office, "evaluations-page");

  // A second evaluation, of the same people, made from its file.
  const doc = JSON.parse(await readFile(join(dir, "evaluation.json"), "utf8"));
  doc.id = "banzi-2026-office";
  doc.period = "2025";
  await writeFile(join(dir, "office.json"), JSON.stringify(doc));
  await office.getByTestId("evaluation-file").setInputFiles(join(dir, "office.json"));
  await office.getByTestId("evaluation-create").click();
  const row = office.locator('[data-testid="evaluation-row"][data-id="banzi-2026-office"]');
  await row.waitFor();
  assert.equal(await row.getAttribute("data-stage"), "new");

  // Its slips: made once, held in the browser to print.
  await row.getByTestId("evaluation-slips").click();
  const sheet = office.locator('[data-testid="ballot-sheet"][data-evaluation="banzi-2026-office"]');
  await sheet.waitFor();
  assert.equal(await sheet.getAttribute("data-slips"), "15");
  const [printed] = await Promise.all([context.waitForEvent("page"), sheet.getByTestId("ballot-sheet-open").click()]);
  await printed.waitForLoadState();
  const qrs = printed.locator('[data-testid="ballot-slip"] svg');
  assert.equal(await qrs.count(), 15, "a QR code a slip, as printed");
  // Three slips' QR codes read as a phone's camera would: each opens its ballot page.
  const links = [];
  for (const i of [0, 7, 14]) {
    const png = PNG.sync.read(await qrs.nth(i).screenshot({ scale: "device" }));
    const read = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(read, `slip ${i}'s QR code reads`);
    assert.ok(read.data.startsWith(`${intake.url}/ballot.html#banzi-2026-office/`), read.data);
    links.push(read.data);
  }
  await printed.close();
  await office.locator('[data-testid="evaluation-row"][data-id="banzi-2026-office"][data-stage="open"]').waitFor();

  // Three phones vote 王五 poor, 赵六 good, each keeping its receipt.
  const receipts = [];
  for (const link of links) {
    const phonePage = await (await browser.newContext(PHONE)).newPage();
    await phonePage.goto(link);
    await phonePage.locator('[data-testid="ballot-page"][data-ready="true"]').waitFor();
    receipts.push(await vote(phonePage, "poor", "good"));
    await phonePage.context().close();
  }

  await row.getByTestId("evaluation-close").click();
  const closed = office.locator('[data-testid="evaluation-row"][data-id="banzi-2026-office"][data-stage="closed"]');
  await closed.waitFor();
  await closed.getByTestId("evaluation-result").click();
  const wang = office.locator('[data-testid="evaluation-person"][data-person="wang"]');
  await wang.waitFor();
  assert.equal(await wang.getAttribute("data-talk-due"), "true");
  assert.match(await wang.textContent(), /王五.*约谈/);
  const zhao = office.locator('[data-testid="evaluation-person"][data-person="zhao"]');
  assert.equal(await zhao.getAttribute("data-talk-due"), "false");
  assert.equal(await zhao.getAttribute("data-satisfaction"), "100.00");
  // Each phone's receipt finds its ballot in the published list.
  const published = (await intake.get("/evaluations/banzi-2026-office/result")).payload.tally.ballots;
  assert.equal(published.length, 3);
  for (const receipt of receipts) {
    const ballot = published.find((b) => b.code_sha256 === receipt.code_sha256);
    assert.ok(ballot, "my ballot is listed");
    assert.equal(sha256(canonical({ answers: ballot.answers, code_sha256: ballot.code_sha256 })), receipt.ballot_sha256);
  }
  assert.doesNotMatch(pageErrors(office), /page error:/);
  await context.close();
});

test("王五's unit's ranking row flags him 约谈, and an inspector's app shows the published figures on the 民主测评 items", async () => {
  const { storePacket, exampleAnswers } = await import("./lib/reports.mjs");
  await storePacket(intake, {
    kind: "self-assessment",
    unit: UNIT.code,
    unitName: UNIT.name,
    responses: await exampleAnswers(),
    signers: [{ role: "principal", name: "张三" }, { role: "supervisory", name: "李四" }],
  });
  const { context, office } = await signedIn("clerk");
  // The 2026 evaluation (banzi-2026) found 王五 under 60 %; the console's is of 2025.
  await office.goto(`${intake.url}/console/#/reports/ranking?template=jiandu-zeren&version=2&period=2026&kind=self-assessment`);
  await consolePage(office, "reports-page");
  const row = office.locator(`[data-testid="ranking-row"][data-unit="${UNIT.code}"]`);
  await row.waitFor();
  const talks = await row.getByTestId("talk").evaluateAll((els) =>
    els.map((el) => [el.dataset.name, el.dataset.satisfaction, el.textContent.trim()]),
  );
  assert.deepEqual(talks, [["王五", "0.00", "王五（党委书记，0.00%）"]]);
  await office.getByTestId("tab-indicators").click();
  await office.locator('[data-testid="reports-page"][data-tab="indicators"][data-ready="true"]').waitFor();
  assert.equal(await office.getByTestId("indicators-talks").getAttribute("data-talks"), "1");
  assert.match(await office.getByTestId("indicators-talks").textContent(), /共 1 人/);
  assert.doesNotMatch(pageErrors(office), /page error:/);
  await context.close();

  // An inspector's tablet scores the unit for 2026: the 民主测评 items show what was published.
  const tablet = await newPage(await browser.newContext());
  await enrolledKey(tablet, intake.url, intake, { role: "inspector", name: "孙七", pin: "11223399" }, "*");
  await newAssessment(tablet, intake.url, "jiancha-kaohe", {
    unitCode: UNIT.code,
    unitName: UNIT.name,
    period: "2026",
    kind: "inspection",
  });
  for (const item of ["7.1", "7.2"]) {
    const figures = tablet.locator(`[data-item-id="${item}"] [data-testid="figure"]`);
    await figures.first().waitFor();
    const lines = await figures.evaluateAll((els) => els.map((el) => el.textContent.trim()));
    assert.deepEqual(lines, [
      "王五（党委书记）：满意度 0.00%，有效票 3 张 约谈",
      "赵六（纪委书记）：满意度 100.00%，有效票 3 张",
    ], `item ${item}`);
  }
  assert.equal(await tablet.locator('[data-item-id="1.1"] [data-testid="figures"]').count(), 0, "only the 民主测评 items");
  assert.doesNotMatch(pageErrors(tablet), /page error:/);
  await tablet.context().close();
});
