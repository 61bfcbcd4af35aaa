// A printed page read back: the text of a PDF with pdf.js, and patterns that
// find Chinese in it whatever glyphs the CJK font shares with radicals.

import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The PDF's text, page by page. */
export async function pdfPages(bytes) {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => i.str).join(""));
  }
  await doc.destroy();
  return pages;
}

/** `text` with its compatibility forms folded and no white space. */
export const squash = (text) => text.normalize("NFKC").replace(/\s+/g, "");

/**
 * A pattern for `text` in a PDF's text. The CJK font shares some glyphs of
 * ideographs with radicals, and the PDF maps such a glyph back to the
 * radical (风 as ⻛): Kangxi radicals NFKC folds back, and a CJK ideograph
 * may also read as one of the radicals' supplement — nothing else.
 */
export function pattern(text) {
  const source = [...squash(text)]
    .map((c) => (/\p{Script=Han}/u.test(c) ? `[${c}\u2E80-\u2EFF]` : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(source, "u");
}
