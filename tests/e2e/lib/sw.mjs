// Waiting for the service worker to control a page.

/** Resolves once a service worker controls `page`; fails clearly when none does. */
export async function controlled(page, timeoutMs = 15_000) {
  const ok = await page.evaluate(async (ms) => {
    if (!("serviceWorker" in navigator)) return false;
    const control = (async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) =>
          navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
        );
      }
      return true;
    })();
    return Promise.race([control, new Promise((resolve) => setTimeout(() => resolve(false), ms))]);
  }, timeoutMs);
  if (!ok) throw new Error(`no service worker controlled ${page.url()} within ${timeoutMs / 1000} s (is sw.js registered?)`);
}
