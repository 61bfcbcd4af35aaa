//! The browser's spreadsheet reader: [`qingdan_sheet::read`] compiled to a
//! wasm module of its own. An `.xlsx` reader (zip, XML, text encodings)
//! more than doubles a wasm module, and a workbook is imported rarely, so
//! the app does not carry it: `index.html` imports this module the first
//! time a workbook is chosen, and the service worker keeps it for offline
//! use like the rest of the app.

use wasm_bindgen::prelude::*;

/// Reads an `.xlsx` workbook into checklist JSON (a `qingdan.template/1`
/// document, checked by the template rules). On failure the error is every
/// problem, one a line, each naming its sheet and cell
/// (`评分细则!E7: points "五" is not a number`).
#[wasm_bindgen]
pub fn read_checklist(bytes: &[u8]) -> Result<String, JsValue> {
    let doc =
        qingdan_sheet::read(bytes).map_err(|errors| JsValue::from_str(&errors.to_string()))?;
    serde_json::to_string(&doc).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Checks checklist JSON with problems named by JSON path and item
/// (`item 1.2 (sections[0].items[1].rule.points): …`), one a line. The app
/// reads checklists without path tracking, to stay small, and asks this
/// module for the details when an imported file does not read.
#[wasm_bindgen]
pub fn check_checklist(text: &str) -> Result<(), JsValue> {
    qingdan_core::Template::parse(text)
        .map(drop)
        .map_err(|errors| JsValue::from_str(&errors.to_string()))
}
