// The fill screen of a bundled checklist, answered with a few shortfalls and
// a note, on a 768×1024 tablet, for the README (`cargo xtask screenshot`).
// Usage: node tests/e2e/screenshot.mjs OUT.png

import { launch } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { dist, item, newAssessment, newPage, saveCount, saved } from "./lib/app.mjs";
import { fullAnswer, give, items, template } from "./lib/templates.mjs";

const out = process.argv[2];
if (!out) {
  console.error("usage: node tests/e2e/screenshot.mjs OUT.png");
  process.exit(2);
}

const server = await serve(dist());
const browser = await launch();
try {
  const context = await browser.newContext({
    viewport: { width: 768, height: 1024 },
    locale: "zh-CN",
    reducedMotion: "reduce",
  });
  const page = await newPage(context);
  const t = template("jiandu-zeren");
  await newAssessment(page, server.url, t.id, { unitCode: "510824-101", unitName: "某某镇党委" });
  for (const i of items(t)) {
    const answer = fullAnswer(i);
    if (answer) await give(item(page, i.id), answer);
  }
  const answers = [
    ["1.1", (c) => c.locator('textarea[data-field="note"]').fill("2026年2月印发《年度监督检查计划》")],
    ["1.2", (c) => c.locator('input[data-field="count"]').fill("3")],
    ["1.3", (c) => c.locator('[data-answer="partial"]').click()],
  ];
  for (const [id, act] of answers) {
    const before = await saveCount(page);
    await act(item(page, id));
    await saved(page, before);
  }
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: out, animations: "disabled" });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
