//! Enrollment: a signer's key on this device is enrolled at the intake with
//! a one-time code; the intake's key is pinned at the first enrollment.

use qingdan_core::trust::ALL_UNITS;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::keys::FormNotice;
use super::{Notice, input_text, use_ctx};
use crate::i18n::{self, T};
use crate::messages::role_label;
use crate::services::{self, fingerprint_of};
use crate::state::settings;
use crate::sync;
use crate::vault::SealedKey;

/// The keys that may be enrolled.
#[derive(Properties, PartialEq)]
pub struct IntakeProps {
    /// The keys on this device.
    pub keys: Vec<SealedKey>,
    /// An enrollment code to fill in (a printed slip's link opened it).
    #[prop_or_default]
    pub code: Option<String>,
}

/// The page's own origin, when it is served over HTTP (the intake usually
/// serves the app).
fn own_origin() -> String {
    let origin = gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default();
    if sync::is_intake_url(&origin) {
        origin
    } else {
        String::new()
    }
}

/// The intake section of Settings.
#[function_component]
pub fn IntakePanel(props: &IntakeProps) -> Html {
    let ctx = use_ctx();
    let (url, code, key, pin) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    // A slip's code is filled in once (not bound: what is typed after,
    // and the clearing after an enrollment, stand).
    {
        let code = code.clone();
        use_effect_with(props.code.clone(), move |given| {
            if let (Some(given), Some(input)) = (given, code.cast::<HtmlInputElement>()) {
                input.set_value(given);
            }
        });
    }
    let notice = use_state(FormNotice::default);
    let busy = use_state(|| false);
    let t = |k: T| ctx.t(k);
    let link = ctx.outbox.link();

    let submit = {
        let (ctx, keys) = (ctx.clone(), props.keys.clone());
        let (url, code, key) = (url.clone(), code.clone(), key.clone());
        let (notice, busy) = (notice.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| input_text(r).trim().to_owned();
            let (address, one_time) = (value(&url), value(&code));
            let chosen = key
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let signer = keys.iter().find(|k| k.fingerprint == chosen).cloned();
            if let Err((field, why)) =
                settings::check_enrollment(&address, &one_time, signer.is_some())
            {
                return notice.set(FormNotice::at((field, ctx.t(why).into())));
            }
            let Some(signer) = signer else { return };
            busy.set(true);
            notice.set(FormNotice::default());
            let (ctx, notice, busy, code) =
                (ctx.clone(), notice.clone(), busy.clone(), code.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = services::enroll(&ctx, &address, &one_time, &signer).await;
                busy.set(false);
                match result {
                    Ok(m) => {
                        if let Some(input) = code.cast::<HtmlInputElement>() {
                            input.set_value("");
                        }
                        notice.set(FormNotice::whole(Notice::Ok(m)));
                    }
                    Err(m) => notice.set(FormNotice::whole(Notice::Error(m))),
                }
            });
        })
    };
    let forget = {
        let (ctx, notice, pin) = (ctx.clone(), notice.clone(), pin.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (ctx, notice, typed) = (ctx.clone(), notice.clone(), input_text(&pin));
            notice.set(FormNotice::default());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(why) = services::forget_intake(&ctx, &typed).await {
                    notice.set(FormNotice::at(("forget", why)));
                }
            });
        })
    };

    let address = link
        .as_ref()
        .map_or_else(own_origin, |link| link.url.clone());
    let note = ctx.outbox.note();
    let pinned = link.as_ref().map(|link| {
        let rows = link.enrollments.iter().map(|e| {
            let name = props
                .keys
                .iter()
                .find(|k| k.fingerprint == e.fingerprint)
                .map(|k| k.name.clone())
                .unwrap_or_default();
            html! {
                <tr data-testid={format!("enrollment-{}", e.fingerprint)}
                    data-unit={e.unit.code.clone()} data-role={e.role.clone()}>
                    <td>{ name }</td>
                    <td>{ role_label(&e.role, ctx.lang) }</td>
                    <td>
                        if e.unit.code == ALL_UNITS { { t(T::AllUnits) } } else { { &e.unit.name }{ " (" }{ &e.unit.code }{ ")" } }
                        if e.revoked_at.is_some() { { " · " }<span class="notice error">{ t(T::Revoked) }</span> }
                    </td>
                    <td class="mono">{ &e.fingerprint }</td>
                </tr>
            }
        });
        html! {
            <div data-testid="intake-pinned" data-url={link.url.clone()} data-key={link.key.clone()}>
                <p>
                    { t(T::PinnedIntake) }{ " " }<b>{ &link.url }</b>{ " · " }
                    { t(T::IntakeKey) }{ " " }<span class="mono" data-testid="intake-fingerprint">{ fingerprint_of(&link.key) }</span>
                </p>
                <h3>{ t(T::EnrolledKeys) }</h3>
                <table class="list">
                    <thead><tr><th>{ t(T::Name) }</th><th>{ t(T::Role) }</th><th>{ t(T::Unit) }</th><th>{ t(T::Fingerprint) }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <form class="form" onsubmit={forget}>
                    <label>{ t(T::ForgetPin) }
                        <input ref={pin} type="password" autocomplete="off" data-testid="forget-pin" />
                        { notice.view(Some("forget"), "forget-notice") }
                    </label>
                    <button type="submit" data-testid="intake-forget">{ t(T::ForgetIntake) }</button>
                </form>
            </div>
        }
    });
    html! {
        <section class="intake" data-testid="intake-section">
            <h2>{ t(T::IntakeSection) }</h2>
            { pinned.unwrap_or_else(|| html! { <p class="muted">{ t(T::NotEnrolledYet) }</p> }) }
            if !note.templates_added.is_empty() {
                <p class="muted" data-testid="templates-added">
                    { i18n::fill(t(T::TemplatesAdded), &[("list", &note.templates_added.join(", "))]) }
                </p>
            }
            if let Some(e) = &note.templates_error {
                <p class="notice error" data-testid="templates-error">{ crate::messages::transient(ctx.lang, T::TemplatesFailed, e) }</p>
            }
            <form class="form" onsubmit={submit}>
                <label>{ t(T::IntakeUrl) }
                    <input ref={url} type="url" value={address} placeholder="https://" data-testid="enroll-url" />
                    { notice.view(Some("url"), "enroll-notice") }
                </label>
                <label>{ t(T::EnrollCode) }
                    <input ref={code} autocomplete="off" autocapitalize="characters" placeholder="XXXX-XXXX-XXXX" data-testid="enroll-code" />
                    { notice.view(Some("code"), "enroll-notice") }
                </label>
                <label>{ t(T::EnrollKey) }
                    if props.keys.is_empty() {
                        <span class="muted" data-testid="enroll-no-key">{ t(T::NeedKeyFirst) }</span>
                    } else {
                        <select ref={key} data-testid="enroll-key">
                            { for props.keys.iter().map(|k| html! {
                                <option value={k.fingerprint.clone()}>
                                    { &k.name }{ " · " }{ role_label(&k.role, ctx.lang) }{ " · " }{ &k.fingerprint }
                                </option>
                            }) }
                        </select>
                    }
                    { notice.view(Some("key"), "enroll-notice") }
                </label>
                <button type="submit" class="primary" disabled={*busy || props.keys.is_empty()} data-testid="enroll-submit">{ t(T::EnrollButton) }</button>
                if *busy { <span class="muted">{ t(T::Enrolling) }</span> }
                { notice.view(None, "enroll-notice") }
            </form>
        </section>
    }
}
