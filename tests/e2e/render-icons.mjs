// Renders web/static/icon.svg into the PNG icons the manifest and iOS use.
// The PNGs are committed; run this only after changing the SVG:
//   node tests/e2e/render-icons.mjs

import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { launch } from "./lib/browser.mjs";

const STATIC = fileURLToPath(new URL("../../web/static/", import.meta.url));
const SIZES = { "icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180 };

const svg = await readFile(`${STATIC}icon.svg`, "utf8");
const browser = await launch();
try {
  for (const [file, size] of Object.entries(SIZES)) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    await writeFile(`${STATIC}${file}`, await page.screenshot({ type: "png" }));
    await page.close();
    console.log(`${file}: ${size}×${size}`);
  }
} finally {
  await browser.close();
}
