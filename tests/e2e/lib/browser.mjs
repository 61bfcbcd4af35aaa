// Headless Chromium for the tests and benchmarks: Debian's /usr/bin/chromium
// driven by playwright-core (which never downloads a browser), with the flags
// that keep it from dialling out, and a fresh profile for each caller.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.QINGDAN_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const options = (extra) => ({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  ...extra,
});

/** A browser whose every `newContext()` starts with empty storage. */
export function launch(extra = {}) {
  return chromium.launch(options(extra));
}

/**
 * A persistent context on a fresh temporary profile: its storage (IndexedDB,
 * the service worker and its caches) outlives the pages opened in it, as a
 * browser's does when a tab is closed. `close()` also deletes the profile.
 */
export async function launchPersistent(extra = {}) {
  const dir = await mkdtemp(join(tmpdir(), "qingdan-e2e-"));
  const context = await chromium.launchPersistentContext(dir, options(extra));
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  };
  return context;
}
