//! Qingdan's browser app: a Yew single-page app that fills and scores
//! checklists, keeps every answer in IndexedDB as it is given, signs
//! packets with keys sealed under their owners' PINs, and works offline.
//!
//! The scoring and the packets are `qingdan-core`'s, exactly as the intake
//! runs them. [`model`], [`facts`], [`sync`], [`messages`] and the screens' reducers
//! in [`state`] are the app's own pure logic; [`store`] and [`vault`] are
//! the browser's storage and key handling, [`net`] and [`outbox`] its
//! traffic with the intake; [`hooks`] run the effects, [`services`] the
//! flows, and [`ui`] draws the screens. [`lists`] parses the bundled
//! checklists.

pub mod ctx;
pub mod facts;
pub mod files;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod lists;
pub mod messages;
pub mod model;
pub mod net;
pub mod outbox;
pub mod route;
pub mod services;
pub mod state;
pub mod store;
pub mod sync;
pub mod time;
pub mod ui;
pub mod vault;
pub mod web;

pub use web::js_error_text;

/// Starts the app (called by the generated JS's `init`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Some(body) = gloo::utils::document().body() {
        body.set_inner_html("");
        yew::Renderer::<ui::App>::with_root(body.into()).render();
    }
}
