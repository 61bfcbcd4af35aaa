//! Settings: language, intake URL, storage status and the keys here.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::intake::IntakePanel;
use super::keys::KeysPanel;
use super::{Notice, use_ctx};
use crate::i18n::{self, T};
use crate::store::{Durability, SETTINGS};
use crate::vault::SealedKey;
use crate::web::{self, StorageStatus};

/// The settings screen.
#[function_component]
pub fn SettingsScreen() -> Html {
    let ctx = use_ctx();
    let loaded = use_state(|| None::<(crate::model::Settings, StorageStatus, Vec<SealedKey>)>);
    let reload = use_state(|| 0u32);
    let notice = use_state(|| Notice::None);
    {
        let (ctx, loaded) = (ctx.clone(), loaded.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let settings = ctx.store.settings().await.unwrap_or_default();
                let keys = ctx.store.keys().await.unwrap_or_default();
                loaded.set(Some((settings, web::storage_status().await, keys)));
            });
        });
    }
    let t = |k: T| ctx.t(k);
    let Some((settings, storage, keys)) = (*loaded).clone() else {
        return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
    };
    let on_lang = {
        let set_lang = ctx.set_lang.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            set_lang.emit(i18n::lang_from_code(&s.value()));
        })
    };
    let save = {
        let (ctx, notice, settings) = (ctx.clone(), notice.clone(), settings.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut next = settings.clone();
            next.lang = i18n::lang_code(ctx.lang).into();
            let (ctx, notice) = (ctx.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(
                    match ctx.store.put(SETTINGS, &next, Durability::Strict).await {
                        Ok(()) => Notice::Ok(ctx.t(T::Saved).into()),
                        Err(e) => Notice::Error(ctx.store_error(&e)),
                    },
                );
            });
        })
    };
    let on_keys = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
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
            <form class="form" onsubmit={save}>
                <label>{ t(T::Language) }
                    <select data-testid="lang" onchange={on_lang}>
                        <option value="zh" selected={code == "zh"}>{ "中文" }</option>
                        <option value="en" selected={code == "en"}>{ "English" }</option>
                    </select>
                </label>
                <button type="submit">{ t(T::SaveSettings) }</button>
                { notice.view("settings-notice") }
            </form>
            <section>
                <h2>{ t(T::Storage) }</h2>
                <p data-testid="storage-persistent" data-persisted={storage.persisted.to_string()}>
                    { if storage.persisted { t(T::Persistent) } else { t(T::NotPersistent) } }
                </p>
                <p data-testid="storage-usage">{ used }</p>
            </section>
            <IntakePanel keys={keys.clone()} url={settings.intake_url.clone()} />
            <KeysPanel keys={keys} on_change={on_keys} />
        </main>
    }
}
