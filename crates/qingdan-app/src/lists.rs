//! The bundled checklists in the browser. They are data, not code: the
//! build copies `crates/qingdan-core/templates/` to `checklists/` beside the
//! app and the service worker keeps them with the shell. The app fetches
//! every version once at start (in parallel, while the database opens),
//! parses the latest ones for Home and New, and keeps the earlier ones' text
//! until a draft or a packet on one of them asks for it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Array, Promise};
use qingdan_core::{Template, bundled};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::Entry;

/// Where the build puts the bundled checklists, relative to the page.
pub const DIR: &str = "checklists/";

thread_local! {
    /// Earlier versions' JSON, fetched at start and parsed on first use.
    static TEXTS: RefCell<BTreeMap<(&'static str, u32), String>> = const { RefCell::new(BTreeMap::new()) };
    /// Earlier versions, parsed.
    static EARLIER: RefCell<BTreeMap<(&'static str, u32), Rc<Template>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Fetches every bundled checklist; resolves to the latest versions,
/// parsed. The requests go out when this is called, so the caller can open
/// the database while they travel. A file that cannot be fetched or read is
/// left out (and logged): the app still starts, with the lists it has.
pub fn fetch_bundled() -> impl Future<Output = Vec<Entry>> {
    let window = gloo::utils::window();
    let fetches: Array = bundled::ALL
        .iter()
        .map(|b| window.fetch_with_str(&format!("{DIR}{}", b.file)))
        .collect();
    let responses = JsFuture::from(Promise::all(&fetches));
    async move {
        let texts = match texts(responses).await {
            Ok(texts) => texts,
            Err(e) => {
                gloo::console::error!(format!("bundled checklists: {e}"));
                return Vec::new();
            }
        };
        let mut entries = Vec::new();
        for (b, text) in bundled::ALL.iter().zip(texts) {
            let Some(text) = text else {
                gloo::console::error!(format!("bundled checklist {} is missing", b.file));
                continue;
            };
            if bundled::find(b.id).is_some_and(|l| l.version == b.version) {
                match Template::parse(&text) {
                    Ok(template) => entries.push(Entry {
                        template: Rc::new(template),
                        bundled: true,
                    }),
                    Err(e) => gloo::console::error!(format!("bundled checklist {}: {e}", b.file)),
                }
            } else {
                TEXTS.with(|t| t.borrow_mut().insert((b.id, b.version), text));
            }
        }
        entries
    }
}

/// The text of every response, in order (`None` for a file the server did
/// not have).
async fn texts(responses: JsFuture) -> Result<Vec<Option<String>>, String> {
    let responses = responses.await.map_err(|e| crate::js_error_text(&e))?;
    let texts: Array = Array::from(&responses)
        .iter()
        .map(|r| {
            let r: web_sys::Response = r.unchecked_into();
            if r.ok() {
                r.text().map(JsValue::from).unwrap_or(JsValue::NULL)
            } else {
                JsValue::NULL
            }
        })
        .collect();
    let texts = JsFuture::from(Promise::all(&texts))
        .await
        .map_err(|e| crate::js_error_text(&e))?;
    Ok(Array::from(&texts).iter().map(|t| t.as_string()).collect())
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
