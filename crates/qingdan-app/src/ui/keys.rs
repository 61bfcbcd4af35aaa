//! The signing keys on this device: list, create, import and export.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{Notice, input_text, use_ctx};
use crate::i18n::T;
use crate::messages::{ROLES, role_label};
use crate::services;
use crate::vault::{self, SealedKey};
use crate::web;

/// Which keys, and what to do when they change.
#[derive(Properties, PartialEq)]
pub struct KeysProps {
    /// The keys on this device.
    pub keys: Vec<SealedKey>,
    /// Called after a key was added.
    pub on_change: Callback<()>,
}

/// The keys panel.
#[function_component]
pub fn KeysPanel(props: &KeysProps) -> Html {
    let ctx = use_ctx();
    let (name, role, pin, pin2) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let notice = use_state(|| Notice::None);
    let busy = use_state(|| false);
    let t = |k: T| ctx.t(k);

    let create = {
        let ctx = ctx.clone();
        let (name, role, pin, pin2) = (name.clone(), role.clone(), pin.clone(), pin2.clone());
        let (notice, busy, on_change) = (notice.clone(), busy.clone(), props.on_change.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (who, p1, p2) = (
                input_text(&name).trim().to_owned(),
                input_text(&pin),
                input_text(&pin2),
            );
            let role = role
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            if who.is_empty() {
                return notice.set(Notice::Error(ctx.t(T::NeedName).into()));
            }
            if p1 != p2 {
                return notice.set(Notice::Error(ctx.t(T::PinMismatch).into()));
            }
            if p1.chars().count() < vault::MIN_PIN_CHARS {
                return notice.set(Notice::Error(ctx.t(T::PinTooShort).into()));
            }
            busy.set(true);
            notice.set(Notice::Ok(ctx.t(T::Creating).into()));
            let (ctx, notice, busy, on_change) =
                (ctx.clone(), notice.clone(), busy.clone(), on_change.clone());
            let (pin, pin2) = (pin.clone(), pin2.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = services::create_key(&ctx, &who, &role, &p1).await;
                busy.set(false);
                match result {
                    Ok(done) => {
                        for r in [&pin, &pin2] {
                            if let Some(i) = r.cast::<HtmlInputElement>() {
                                i.set_value("");
                            }
                        }
                        notice.set(Notice::Ok(done));
                        on_change.emit(());
                    }
                    Err(m) => notice.set(Notice::Error(m)),
                }
            });
        })
    };
    let import = {
        let ctx = ctx.clone();
        let (notice, on_change) = (notice.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (ctx, notice, on_change) = (ctx.clone(), notice.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some((_, text)) = web::read_chosen_file(&input).await else {
                    return;
                };
                match services::import_key(&ctx, text).await {
                    Ok(done) => {
                        notice.set(Notice::Ok(done));
                        on_change.emit(());
                    }
                    Err(why) => notice.set(Notice::Error(why)),
                }
            });
        })
    };
    let link = ctx.outbox.link();
    let rows = props.keys.iter().map(|k| {
        let file = format!("{}-{}.qingdan-key.json", k.name, k.role);
        let text = crate::json::write_pretty(k).unwrap_or_default();
        let export = Callback::from(move |_| {
            let _ = web::download(&file, &text, "application/json");
        });
        // Learned at the last sync: the intake refuses what it signs.
        let revoked_at = link
            .as_ref()
            .and_then(|l| l.revoked_at(&k.fingerprint))
            .map(str::to_owned);
        html! {
            <tr data-testid={format!("key-{}", k.fingerprint)} data-public-key={k.public_key.clone()}
                data-revoked={revoked_at.is_some().to_string()}>
                <td>{ &k.name }</td>
                <td>{ role_label(&k.role, ctx.lang) }</td>
                <td class="mono">{ &k.fingerprint }</td>
                <td>
                    if let Some(at) = revoked_at {
                        <span class="notice error" title={at}>{ t(T::Revoked) }</span>{ " " }
                    }
                    <button onclick={export}>{ t(T::ExportKey) }</button>
                </td>
            </tr>
        }
    });
    html! {
        <section class="keys">
            <h2>{ t(T::KeysOnDevice) }</h2>
            if props.keys.is_empty() {
                <p class="muted">{ t(T::NoKeys) }</p>
            } else {
                <table class="list">
                    <thead><tr><th>{ t(T::Name) }</th><th>{ t(T::Role) }</th><th>{ t(T::Fingerprint) }</th><th></th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
            <details class="new-key" open=true>
                <summary>{ t(T::NewKey) }</summary>
                <form class="form" onsubmit={create}>
                    <label>{ t(T::Name) }<input ref={name} data-testid="key-name" /></label>
                    <label>{ t(T::Role) }
                        <select ref={role} data-testid="key-role">
                            { for ROLES.iter().map(|(r, _, _)| html! { <option value={*r}>{ role_label(r, ctx.lang) }</option> }) }
                        </select>
                    </label>
                    <label>{ t(T::Pin) }<input ref={pin} type="password" autocomplete="new-password" data-testid="key-pin" /></label>
                    <label>{ t(T::PinConfirm) }<input ref={pin2} type="password" autocomplete="new-password" data-testid="key-pin-confirm" /></label>
                    <button type="submit" disabled={*busy} data-testid="key-create">{ t(T::CreateKey) }</button>
                </form>
                <label class="file">{ t(T::ImportKey) }
                    <input type="file" accept=".json,application/json" onchange={import} data-testid="import-key" />
                </label>
            </details>
            { notice.view("key-notice") }
        </section>
    }
}
