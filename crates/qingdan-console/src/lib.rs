//! Qingdan's office console: a Yew single-page app served by the intake at
//! `/console/`, where the office's administrators sign in with a password,
//! make assessment rounds (考核批次) and follow which units have submitted.
//!
//! It speaks only the intake's API, on the same origin, with the session
//! cookie the intake sets at sign-in. [`api`], [`messages`], [`route`] and
//! the pages' reducers in [`state`] are its pure logic, tested natively;
//! [`net`] and [`client`] make the requests, [`hooks`] run them, and [`ui`]
//! draws the pages. Every string is in [`i18n`], in Chinese and English.

pub mod api;
pub mod api_reports;
pub mod chart;
pub mod client;
pub mod ctx;
pub mod hooks;
pub mod hooks_reports;
pub mod i18n;
pub mod messages;
pub mod net;
pub mod registry;
pub mod route;
pub mod state;
pub mod time;
pub mod ui;

/// Starts the console (called by the generated JS's `init`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Some(body) = gloo::utils::document().body() {
        body.set_inner_html("");
        yew::Renderer::<ui::App>::with_root(body.into()).render();
    }
}
