//! The bundled checklists in the browser. They are data, not code: the
//! build writes every version of every bundled checklist into one
//! `checklists.<digest>.json` (an object from each file's path under
//! `crates/qingdan-core/templates/` to its JSON), which `index.html`
//! requests at once, while the wasm loads, and the service worker keeps
//! with the shell. At start the app reads the latest versions' heads; each
//! is parsed when first used, and an earlier version when a draft or a
//! packet on it asks.
//!
//! Measured (`node tests/e2e/bench.mjs --start`): compiled into the wasm
//! they cost 35 KiB of the shell's gzip; as twelve requests made by the app
//! after the wasm had started they cost about 100 ms of the start. One
//! request made by the page while the wasm loads made no difference the
//! benchmark could tell from its run-to-run spread.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use qingdan_core::{Template, bundled};
use serde_json::value::RawValue;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::model::Entry;

thread_local! {
    /// Earlier versions' JSON, read at start and parsed on first use.
    static TEXTS: RefCell<BTreeMap<(&'static str, u32), String>> = const { RefCell::new(BTreeMap::new()) };
    /// Earlier versions, parsed.
    static EARLIER: RefCell<BTreeMap<(&'static str, u32), Rc<Template>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The latest version of each bundled checklist: what new assessments use.
/// Only their heads are read here; each is parsed when first used. When the
/// page could not fetch the checklists the app still starts, with the
/// checklists it has imported (and says why on the console).
pub async fn latest() -> Vec<Entry> {
    let text = match fetched().await {
        Ok(text) => text,
        Err(e) => {
            gloo::console::error!(format!("bundled checklists: {e}"));
            return Vec::new();
        }
    };
    read(&text).unwrap_or_else(|e| {
        gloo::console::error!(format!("bundled checklists: {e}"));
        Vec::new()
    })
}

/// The text of the page's request for the checklists (`qingdanChecklists`
/// in `index.html`).
async fn fetched() -> Result<String, String> {
    let promise = js_sys::Reflect::get(&gloo::utils::window(), &"qingdanChecklists".into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        .ok_or("the page did not request them")?;
    let text = JsFuture::from(promise)
        .await
        .map_err(|e| crate::web::js_error_text(&e))?;
    text.as_string().ok_or_else(|| "not text".into())
}

/// The latest versions' entries from the bundle's text; the earlier
/// versions' JSON is kept for [`earlier`].
fn read(text: &str) -> Result<Vec<Entry>, String> {
    let files: BTreeMap<&str, &RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    for b in bundled::ALL {
        let Some(json) = files.get(b.file) else {
            gloo::console::error!(format!("bundled checklist {} is missing", b.file));
            continue;
        };
        let json = json.get().to_owned();
        if bundled::find(b.id).is_some_and(|latest| latest.version == b.version) {
            entries.extend(Entry::new(json, true));
        } else {
            TEXTS.with(|t| t.borrow_mut().insert((b.id, b.version), json));
        }
    }
    Ok(entries)
}

/// An earlier bundled version of a checklist (a draft begun on it, a packet
/// signed on it), parsed on first use and kept.
pub fn earlier(id: &str, version: u32) -> Option<Rc<Template>> {
    let b = bundled::find_version(id, version)?;
    let key = (b.id, b.version);
    if let Some(kept) = EARLIER.with(|e| e.borrow().get(&key).cloned()) {
        return Some(kept);
    }
    let template = TEXTS.with(|t| t.borrow().get(&key).map(|text| Template::parse(text)))?;
    let template = Rc::new(template.ok()?);
    EARLIER.with(|e| e.borrow_mut().insert(key, template.clone()));
    Some(template)
}
