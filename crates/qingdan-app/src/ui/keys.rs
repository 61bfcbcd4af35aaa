//! The signing keys on this device: list, create, import and export.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{Notice, input_text, use_ctx};
use crate::i18n::T;
use crate::messages::{ROLES, role_label};
use crate::services;
use crate::state::settings;
use crate::vault::SealedKey;
use crate::web;

/// A form's notice and the field it is about (`None`: the whole form).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormNotice {
    /// What to say.
    pub notice: Notice,
    /// The field (its `data-field`), when it is about one.
    pub field: Option<&'static str>,
}

impl FormNotice {
    /// An error about `field`.
    pub fn at((field, text): (&'static str, String)) -> FormNotice {
        FormNotice {
            notice: Notice::Error(text),
            field: Some(field),
        }
    }

    /// A notice about the whole form.
    pub fn whole(notice: Notice) -> FormNotice {
        FormNotice {
            notice,
            field: None,
        }
    }

    /// The notice if it is about `field` (`None`: the whole form), shown
    /// where it is drawn and carrying `testid`.
    pub fn view(&self, field: Option<&'static str>, testid: &'static str) -> Html {
        let (kind, text) = match &self.notice {
            _ if self.field != field => return Html::default(),
            Notice::None => return Html::default(),
            Notice::Ok(m) => ("ok", m),
            Notice::Error(m) => ("error", m),
        };
        let role = if kind == "error" { "alert" } else { "status" };
        html! {
            <span class={classes!("notice", kind, "field-note")} {role}
                  data-testid={testid} data-kind={kind} data-field={field}>{ text }</span>
        }
    }
}

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
    let notice = use_state(FormNotice::default);
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
            let chosen = role
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            if let Err((field, why)) = settings::check_new_key(&who, &chosen, &p1, &p2) {
                return notice.set(FormNotice::at((field, ctx.t(why).into())));
            }
            busy.set(true);
            notice.set(FormNotice::whole(Notice::Ok(ctx.t(T::Creating).into())));
            let (ctx, notice, busy, on_change) =
                (ctx.clone(), notice.clone(), busy.clone(), on_change.clone());
            let (name, role, pin, pin2) = (name.clone(), role.clone(), pin.clone(), pin2.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = services::create_key(&ctx, &who, &chosen, &p1).await;
                busy.set(false);
                match result {
                    Ok(done) => {
                        // The next key's owner and role are chosen afresh.
                        for r in [&name, &pin, &pin2] {
                            if let Some(i) = r.cast::<HtmlInputElement>() {
                                i.set_value("");
                            }
                        }
                        if let Some(s) = role.cast::<HtmlSelectElement>() {
                            s.set_value("");
                        }
                        notice.set(FormNotice::whole(Notice::Ok(done)));
                        on_change.emit(());
                    }
                    Err(m) => notice.set(FormNotice::whole(Notice::Error(m))),
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
                        notice.set(FormNotice::whole(Notice::Ok(done)));
                        on_change.emit(());
                    }
                    Err(why) => notice.set(FormNotice::at(("import", why))),
                }
            });
        })
    };
    // On plain HTTP over the network no key can be made: say why before
    // anyone fills the form.
    let insecure = crate::vault::secure_context()
        .err()
        .map(|e| crate::messages::vault_error(ctx.lang, &e));
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
            if let Some(why) = insecure {
                <p class="notice error" role="alert" data-testid="insecure-context">{ why }</p>
            }
            <details class="new-key" open=true>
                <summary>{ t(T::NewKey) }</summary>
                <form class="form" onsubmit={create} novalidate=true>
                    <label>{ t(T::Name) }<input ref={name} autocomplete="name" data-testid="key-name" />
                        { notice.view(Some("name"), "key-notice") }</label>
                    <label>{ t(T::Role) }
                        <select ref={role} required=true data-testid="key-role">
                            <option value="" selected=true>{ t(T::ChooseRole) }</option>
                            { for ROLES.iter().map(|(r, _, _)| html! { <option value={*r}>{ role_label(r, ctx.lang) }</option> }) }
                        </select>
                        { notice.view(Some("role"), "key-notice") }
                    </label>
                    <label>{ t(T::Pin) }<input ref={pin} type="password" autocomplete="new-password" data-testid="key-pin" />
                        { notice.view(Some("pin"), "key-notice") }</label>
                    <label>{ t(T::PinConfirm) }<input ref={pin2} type="password" autocomplete="new-password" data-testid="key-pin-confirm" />
                        { notice.view(Some("pin-confirm"), "key-notice") }</label>
                    <button type="submit" class="primary" disabled={*busy} data-testid="key-create">{ t(T::CreateKey) }</button>
                    { notice.view(None, "key-notice") }
                </form>
                <label class="file">{ t(T::ImportKey) }
                    <input type="file" accept=".json,application/json" onchange={import} data-testid="import-key" />
                    { notice.view(Some("import"), "key-notice") }
                </label>
            </details>
        </section>
    }
}
