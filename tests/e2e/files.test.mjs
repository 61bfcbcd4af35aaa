// Files on items, end to end: an inspector attaches a photo (a 4000×3000
// PNG, kept as a JPEG 1,600 pixels wide) and a PDF to two items of an
// inspection, reloads offline and finds both, signs; the outbox sends the
// files and the packet; the intake holds both files with the digests the
// packet signs; the exported bundle verifies with `qingdan verify`, and a
// bundle with one byte of a file changed is refused by the app's 查验数据包
// and by the CLI.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { crc32, deflateSync } from "node:zlib";
import { appBrowserAndIntake, enrolledKey, waitReceived } from "./lib/intake.mjs";
import { cli, item, newAssessment, newPage, open, pageErrors, ready, saveCount, saved, signWith } from "./lib/app.mjs";
import { addAdmin, consolePage, signIn } from "./lib/console.mjs";
import { controlled } from "./lib/sw.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const ID = "jiancha-kaohe";
const UNIT = { code: "510824-301", name: "某某乡党委" };
const INSPECTOR = { role: "inspector", name: "王五", pin: "11223399" };
const TEST_MS = 300_000;
const ADMIN_PASSWORD = "correct horse battery staple";

const env = appBrowserAndIntake({ units: [UNIT] });

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** A PNG of `width` × `height`, a colour gradient (real pixels to scale). */
function png(width, height) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])) >>> 0, 0);
    return Buffer.concat([head, data, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    const at = y * row;
    for (let x = 0; x < width; x++) {
      raw[at + 1 + x * 3] = (x * 255) / width;
      raw[at + 2 + x * 3] = (y * 255) / height;
      raw[at + 3 + x * 3] = ((x ^ y) & 0x3f) + 96;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 1 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small PDF: one blank page. */
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** `qingdan ARGS`: its exit code and what it printed. */
function qingdan(args) {
  const { status, stdout, stderr } = spawnSync(cli(), args, { encoding: "utf8" });
  return { status, out: stdout + stderr };
}

/** The bundle `from` rewritten with one byte changed in the file `sha`. */
function tampered(from, to, sha) {
  const script = `
import sys, zipfile
src, dst, name = sys.argv[1], sys.argv[2], "attachments/" + sys.argv[3]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == name:
            data = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
        zout.writestr(info, data)
`;
  const run = spawnSync("python3", ["-c", script, from, to, sha], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
}

/** The file card of the one file on `place` (an item id), once its bytes show. */
async function shownFile(page, place) {
  const file = page.getByTestId(`files-${place}`).locator('[data-testid="file"][data-shown="true"]');
  await file.waitFor({ timeout: 30_000 }).catch(async () => {
    const problem = await page.getByTestId("file-problem").allTextContents();
    assert.fail(`no file shown on ${place}; problems: ${JSON.stringify(problem)}${pageErrors(page)}`);
  });
  return file;
}

test("a photo and a PDF on two items: kept offline, signed, sent with their files, exported as a bundle that verifies, refused when changed", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  try {
    const page = await newPage(context);
    const key = await enrolledKey(page, env.server.url, env.intake, INSPECTOR, UNIT.code);
    await open(page, env.server.url, "#/");
    await controlled(page);
    await newAssessment(page, env.server.url, ID, {
      unitCode: UNIT.code,
      unitName: UNIT.name,
      period: "2026",
      kind: "inspection",
    });
    const t = template(ID);
    let before = await saveCount(page);
    for (const i of items(t)) {
      const answer = fullAnswer(i);
      if (answer) await give(item(page, i.id), answer);
    }
    await saved(page, before);

    // A photo of 4000 × 3000 on 1.1, kept at 1600 × 1200 as a JPEG.
    const photo = png(4000, 3000);
    before = await saveCount(page);
    await page.getByTestId("add-file-1.1").setInputFiles({ name: "谈话记录.png", mimeType: "image/png", buffer: photo });
    const kept = await shownFile(page, "1.1");
    await saved(page, before);
    assert.equal(await kept.getAttribute("data-media-type"), "image/jpeg", "kept as a JPEG");
    const keptSize = Number(await kept.getAttribute("data-size"));
    assert.ok(keptSize > 0 && keptSize < photo.length, `kept smaller: ${keptSize} of ${photo.length} bytes`);
    assert.equal((await kept.textContent()).includes("谈话记录.jpg"), true, "named as a JPEG");
    await kept.locator("button.thumb").click();
    const large = page.getByTestId("file-viewer").locator("img");
    await large.waitFor();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await large.elementHandle());
    const shown = await large.evaluate((img) => [img.naturalWidth, img.naturalHeight]);
    assert.deepEqual(shown, [1600, 1200], "the longest side is 1600 pixels");
    await page.getByTestId("file-viewer").locator("button").click();

    // A PDF on 1.2, kept as it is.
    before = await saveCount(page);
    await page.getByTestId("add-file-1.2").setInputFiles({ name: "整改方案.pdf", mimeType: "application/pdf", buffer: PDF });
    const pdf = await shownFile(page, "1.2");
    await saved(page, before);
    assert.equal(await pdf.getAttribute("data-sha256"), sha256(PDF), "a PDF is kept byte for byte");

    // A file that is neither a photo nor a PDF is refused, saying so.
    await page.getByTestId("add-file-1.3").setInputFiles({ name: "说明.txt", mimeType: "text/plain", buffer: Buffer.from("文字") });
    await page.getByTestId("files-1.3").getByTestId("file-problem").waitFor();
    assert.equal(await page.getByTestId("files-1.3").getByTestId("file").count(), 0);

    // Offline, a reload finds both files.
    const photoSha = await kept.getAttribute("data-sha256");
    const filling = page.url();
    await context.setOffline(true);
    await page.reload();
    await ready(page);
    assert.equal(await (await shownFile(page, "1.1")).getAttribute("data-sha256"), photoSha);
    assert.equal(await (await shownFile(page, "1.2")).getAttribute("data-sha256"), sha256(PDF));
    await context.setOffline(false);

    // The device's backup (a draft is only here) holds both files.
    await open(page, env.server.url, "#/");
    const [backupFile] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-all").click()]);
    const backup = JSON.parse(await readFile(await backupFile.path(), "utf8"));
    const backedUp = Object.entries(backup.files).map(([key, b64]) => [key.split("/")[1], sha256(Buffer.from(b64, "base64"))]);
    assert.deepEqual(backedUp.sort(), [[photoSha, photoSha], [sha256(PDF), sha256(PDF)]].sort(), "each file, byte for byte");
    await page.goto(filling);
    await ready(page);

    // Signed: the files are locked with the rest, sent, and held by the intake.
    await signWith(page, [INSPECTOR], { [INSPECTOR.role]: key });
    const stored = await waitReceived(page, env.intake, UNIT.code, "inspection");
    const signedAt = page.url();
    await page.goto(signedAt.replace(/\/sign$/, ""));
    await ready(page);
    await shownFile(page, "1.1");
    assert.equal(await page.locator('[data-testid^="add-file-"]').count(), 0, "no file is added once signed");
    assert.equal(await page.getByTestId("remove-file").count(), 0, "no file is taken off once signed");
    await page.goto(signedAt);
    await ready(page);
    const packet = await env.intake.get(`/packets/${encodeURIComponent(stored.id)}`, { admin: true });
    const named = packet.payload.attachments.map((a) => [a.item, a.media_type, a.sha256]);
    assert.deepEqual(named, [
      ["1.1", "image/jpeg", photoSha],
      ["1.2", "application/pdf", sha256(PDF)],
    ]);
    for (const a of packet.payload.attachments) {
      const url = `${env.intake.url}/api/v1/packets/${stored.id}/attachments/${a.sha256}`;
      const answer = await fetch(url, { headers: { authorization: `Bearer ${env.intake.token}` } });
      assert.equal(answer.status, 200, `GET ${url}`);
      const bytes = Buffer.from(await answer.arrayBuffer());
      assert.equal(sha256(bytes), a.sha256, `the intake holds ${a.name} as signed`);
      assert.equal(bytes.length, a.size);
    }
    const anonymous = await fetch(`${env.intake.url}/api/v1/packets/${stored.id}/attachments/${photoSha}`);
    assert.equal(anonymous.status, 401, "a file is read with admin rights only");

    // The office's console shows both on the packet's sheet, the photo as a picture.
    await addAdmin(env.intake, "files-admin", ADMIN_PASSWORD);
    const office = await newPage(context);
    await office.goto(`${env.intake.url}/console/`);
    await consolePage(office, "sign-in-page");
    await signIn(office, "files-admin", ADMIN_PASSWORD);
    await consolePage(office, "rounds-page");
    await office.goto(`${env.intake.url}/console/#/packets/${stored.id}`);
    await consolePage(office, "packet-page");
    const rows = office.getByTestId("sheet-file");
    assert.deepEqual(
      await rows.evaluateAll((rs) => rs.map((r) => [r.dataset.item, r.dataset.sha256])),
      [["1.1", photoSha], ["1.2", sha256(PDF)]],
    );
    const picture = rows.first().locator("img");
    await office.waitForFunction((img) => img.complete && img.naturalWidth > 0, await picture.elementHandle());
    assert.equal(await picture.evaluate((img) => img.naturalWidth), 1600, "the console shows the photo kept");
    await office.close();


    // The export is a bundle; `qingdan verify` checks it and every file.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-packet").click()]);
    assert.equal(download.suggestedFilename(), `${UNIT.code}-2026-inspection.qingdan.zip`);
    const dir = await mkdtemp(join(tmpdir(), "qingdan-files-"));
    const bundle = join(dir, download.suggestedFilename());
    await download.saveAs(bundle);
    const good = qingdan(["verify", bundle]);
    assert.equal(good.status, 0, good.out);
    assert.match(good.out, /整改方案\.pdf/, `verify lists the files: ${good.out}`);

    // One byte of the photo changed: refused by the CLI and by the app.
    const bad = join(dir, "changed.qingdan.zip");
    tampered(bundle, bad, photoSha);
    const refused = qingdan(["verify", bad]);
    assert.notEqual(refused.status, 0, `a changed file is refused: ${refused.out}`);
    assert.match(refused.out, /谈话记录\.jpg/, `the CLI names the file: ${refused.out}`);

    await open(page, env.server.url, "#/open");
    await page.getByTestId("import-packet").setInputFiles(bundle);
    const ok = page.locator('[data-testid="verify-result"][data-valid="true"]');
    await ok.waitFor({ timeout: 30_000 });
    assert.match(await ok.textContent(), /2/, "the app counts the files it checked");
    await page.getByTestId("import-packet").setInputFiles({ name: "changed.qingdan.zip", mimeType: "application/zip", buffer: await readFile(bad) });
    const no = page.locator('[data-testid="verify-result"][data-valid="false"]');
    await no.waitFor({ timeout: 30_000 });
    assert.match(await no.textContent(), /谈话记录\.jpg/, "the app names the changed file");
    // The browser logs each failed load (offline, and the intake's 409
    // asking for the files first); no script failed.
    assert.doesNotMatch(pageErrors(page), /page error:/, "no script error on the page");
  } finally {
    await context.close();
  }
});

test("a file past the device's space is refused, saying so, and the draft keeps everything else", { timeout: TEST_MS }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await newPage(context);
    await newAssessment(page, env.server.url, "jiandu-zeren", { unitName: "空间不足测试镇党委" });
    const before = await saveCount(page);
    await item(page, "1.1").locator('[data-answer="done"]').click();
    await saved(page, before);
    // The browser now says this site may use only a little more than it
    // does (headless Chromium takes no quota set from outside).
    await context.addInitScript(() => {
      const estimate = navigator.storage.estimate.bind(navigator.storage);
      navigator.storage.estimate = async () => {
        const { usage } = await estimate();
        return { usage, quota: usage + 100 };
      };
    });
    await page.reload();
    await ready(page);
    await page.getByTestId("add-file-1.2").setInputFiles({ name: "整改方案.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByTestId("files-1.2").getByTestId("file-problem").waitFor();
    assert.equal(await page.getByTestId("files-1.2").getByTestId("file").count(), 0, "nothing attached");
    await page.reload();
    await ready(page);
    assert.equal(await item(page, "1.1").locator('[data-answer="done"]').getAttribute("aria-pressed"), "true", "the answer is kept");
    assert.equal(await page.locator('[data-testid="file"]').count(), 0);
  } finally {
    await context.close();
  }
});
