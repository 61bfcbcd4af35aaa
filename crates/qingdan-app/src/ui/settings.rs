//! Settings, in the order a new device needs them: language, the keys
//! here (a key is made before it can be enrolled), the intake this device
//! is enrolled with, then the storage status.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::intake::IntakePanel;
use super::keys::KeysPanel;
use super::use_ctx;
use crate::hooks::use_device;
use crate::i18n::{self, T};
use crate::web;

/// What the settings screen opens with.
#[derive(Properties, PartialEq, Default)]
pub struct SettingsProps {
    /// An enrollment code to fill in (from a slip's link).
    #[prop_or_default]
    pub code: Option<String>,
}

/// The settings screen.
#[function_component]
pub fn SettingsScreen(props: &SettingsProps) -> Html {
    let ctx = use_ctx();
    let (loaded, on_keys) = use_device();
    let t = |k: T| ctx.t(k);
    let Some((storage, keys)) = loaded else {
        return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
    };
    let on_lang = {
        let set_lang = ctx.set_lang.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            set_lang.emit(i18n::lang_from_code(&s.value()));
        })
    };
    let code = i18n::lang_code(ctx.lang);
    let used = match (storage.usage, storage.quota) {
        (Some(u), Some(q)) => i18n::fill(
            t(T::Used),
            &[("u", &web::human_bytes(u)), ("q", &web::human_bytes(q))],
        ),
        _ => String::new(),
    };
    html! {
        <main class="settings" data-testid="app-ready">
            <h1>{ t(T::Settings) }</h1>
            <div class="form">
                <label>{ t(T::Language) }
                    <select data-testid="lang" onchange={on_lang}>
                        <option value="zh" selected={code == "zh"}>{ "中文" }</option>
                        <option value="en" selected={code == "en"}>{ "English" }</option>
                    </select>
                </label>
            </div>
            <KeysPanel keys={keys.clone()} on_change={on_keys} />
            <IntakePanel {keys} code={props.code.clone()} />
            <section>
                <h2>{ t(T::Storage) }</h2>
                <p data-testid="storage-persistent"
                   data-persisted={if storage.supported { storage.persisted.to_string() } else { "unsupported".into() }}>
                    { t(match (storage.supported, storage.persisted) {
                        (false, _) => T::PersistUnsupported,
                        (true, true) => T::Persistent,
                        (true, false) => T::NotPersistent,
                    }) }
                </p>
                <p data-testid="storage-usage">{ used }</p>
            </section>
        </main>
    }
}
