//! The bundled checklists in the browser: compiled in, the latest versions
//! parsed at start (while the database opens), earlier versions parsed
//! when a draft or a packet on one of them asks.
//!
//! Fetching them as data the service worker keeps was measured: it takes
//! 34 KiB (gzip) off the shell but adds 12 requests through the service
//! worker to the start, about 100 ms at 4× CPU throttling; compiled in, they
//! cost no request.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use qingdan_core::{Template, bundled};

use crate::model::Entry;

thread_local! {
    /// Earlier versions, parsed.
    static EARLIER: RefCell<BTreeMap<(&'static str, u32), Rc<Template>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The latest version of each bundled checklist, parsed: what new
/// assessments use.
pub fn latest() -> Vec<Entry> {
    bundled::latest()
        .filter_map(|b| Template::parse(b.json()).ok())
        .map(|template| Entry {
            template: Rc::new(template),
            bundled: true,
        })
        .collect()
}

/// An earlier bundled version of a checklist (a draft begun on it, a packet
/// signed on it), parsed on first use and kept.
pub fn earlier(id: &str, version: u32) -> Option<Rc<Template>> {
    let b = bundled::find_version(id, version)?;
    let key = (b.id, b.version);
    if let Some(kept) = EARLIER.with(|e| e.borrow().get(&key).cloned()) {
        return Some(kept);
    }
    let template = Rc::new(Template::parse(b.json()).ok()?);
    EARLIER.with(|e| e.borrow_mut().insert(key, template.clone()));
    Some(template)
}
