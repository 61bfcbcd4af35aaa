// An answer is kept when the tab is closed right after it: clicks are written
// at once, not on a timer or on unload.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { launchPersistent } from "./lib/browser.mjs";
import { serve } from "./lib/server.mjs";
import { dist, item, newAssessment, newPage, open, saveCount, saved } from "./lib/app.mjs";

let server, context;

before(async () => {
  server = await serve(dist());
  // Persistent: IndexedDB outlives a closed page, as in a browser.
  context = await launchPersistent();
});
after(async () => {
  await context?.close();
  await server?.close();
});

test("an answer clicked 50 ms before the page closes is there in a new page", async () => {
  let page = await newPage(context);
  const id = await newAssessment(page, server.url, "jiandu-zeren");
  const before = await saveCount(page);
  await item(page, "1.1").locator('[data-answer="done"]').click();
  await saved(page, before);

  for (const [itemId, answer] of [
    ["1.3", "partial"],
    ["2.1", "not_done"],
    ["5.2", "done"],
  ]) {
    await item(page, itemId).locator(`[data-answer="${answer}"]`).click();
    await sleep(50);
    await page.close();

    page = await newPage(context);
    await open(page, server.url, `#/a/${encodeURIComponent(id)}`);
    assert.equal(
      await item(page, itemId).locator(`[data-answer="${answer}"]`).getAttribute("aria-pressed"),
      "true",
      `item ${itemId} is ${answer} after the page closed 50 ms after the click`,
    );
  }
  assert.equal(await item(page, "1.1").locator('[data-answer="done"]').getAttribute("aria-pressed"), "true");
});
