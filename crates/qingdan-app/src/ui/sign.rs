//! Sign: each signer the packet's kind requires signs with their own key on
//! this device, unlocking it with their PIN (an inspection by as many
//! inspectors as are present, one added at a time). A key the intake has
//! revoked signs nothing. Then the packet is exported.

use qingdan_core::packet::PacketKind;
use qingdan_core::template::SignerRole;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::keys::KeysPanel;
use super::{IdProps, Notice, Route, input_text, use_ctx};
use crate::hooks::use_sign;
use crate::i18n::{self, T};
use crate::messages::{self, role_label};
use crate::model::{self, Place, SignerSlot, Status};
use crate::services;
use crate::state::sign::SignAction;
use crate::vault::SealedKey;

/// The sign screen.
#[function_component]
pub fn Sign(props: &IdProps) -> Html {
    let ctx = use_ctx();
    let (sign, on_keys) = use_sign(&props.id);
    let t = |k: T| ctx.t(k);
    let (assessment, template) = match (sign.ready(), &sign.loaded) {
        (Some((a, t)), _) => (a.clone(), t.clone()),
        (None, Some(Err(e))) => {
            return html! { <main data-testid="app-ready"><p class="notice error">{ e }</p></main> };
        }
        _ => return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> },
    };
    let keys = sign.keys.clone().unwrap_or_default();
    let count =
        |n: usize, message: T| (n > 0).then(|| i18n::fill(t(message), &[("n", &n.to_string())]));
    // Why it cannot be signed yet, if it cannot.
    let blocked = if assessment.kind == PacketKind::Rectification {
        if assessment.rectifications.is_empty() {
            Some(t(T::NothingAnswered).to_owned())
        } else {
            count(model::unfinished_answers(&assessment), T::AnswersUnfinished)
        }
    } else {
        let completeness = model::sheet_of(&template, &assessment).completeness;
        count(completeness.missing.len(), T::NeedComplete)
            .or_else(|| {
                let items = &completeness.unexplained;
                (!items.is_empty()).then(|| messages::need_explain(ctx.lang, items))
            })
            .or_else(|| {
                count(
                    model::unfinished_findings(&assessment),
                    T::FindingsUnfinished,
                )
            })
    };
    let link = ctx.outbox.link();
    let revoked = move |fingerprint: &str| {
        link.as_ref()
            .is_some_and(|l| l.revoked_at(fingerprint).is_some())
    };
    let roles = model::signer_places(&template, &assessment, &sign.extra);
    let places: Vec<Place> = roles.iter().flat_map(|(_, p)| p.clone()).collect();
    let prepared = assessment.packet.is_some() && !assessment.signers.is_empty();
    let title_of = |role: &str| {
        roles
            .iter()
            .find(|(r, _)| r.role == role)
            .map(|(r, _)| r.title.get(ctx.lang).to_owned())
            .unwrap_or_else(|| role_label(role, ctx.lang))
    };
    let place_title = |place: &Place| match place.n {
        0 => title_of(&place.role),
        n => format!("{} {}", title_of(&place.role), n + 1),
    };

    let prepare = {
        let (ctx, assessment, template, keys) = (
            ctx.clone(),
            assessment.clone(),
            template.clone(),
            keys.clone(),
        );
        let (choice, dispatcher, revoked, places) = (
            sign.choice.clone(),
            sign.dispatcher(),
            revoked.clone(),
            places.clone(),
        );
        Callback::from(move |_| {
            let (ctx, assessment, template, keys) = (
                ctx.clone(),
                assessment.clone(),
                template.clone(),
                keys.clone(),
            );
            let (choice, dispatcher, revoked, places) = (
                choice.clone(),
                dispatcher.clone(),
                revoked.clone(),
                places.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let prepared = services::prepare(
                    &ctx,
                    &template,
                    &assessment,
                    &places,
                    &choice,
                    &keys,
                    &revoked,
                )
                .await;
                dispatcher.dispatch(match prepared {
                    Ok(next) => SignAction::Done(next, Notice::None),
                    Err(why) => SignAction::Refused(why),
                });
            });
        })
    };

    // Before the packet is made, each place shows the key it would take:
    // the one chosen, or the first of its role not taken by another place.
    let picked: Vec<(String, String)> =
        model::choose_signers(&places, &sign.choice, &keys, &revoked)
            .map(|slots| {
                places
                    .iter()
                    .map(Place::id)
                    .zip(slots.into_iter().map(|s| s.fingerprint))
                    .collect()
            })
            .unwrap_or_default();
    // A place before the packet is made: the key to sign with.
    let choose_view = |place: &Place, multiple: bool| -> Html {
        let id = place.id();
        let shown = picked.iter().find(|(p, _)| *p == id).map(|(_, fp)| fp);
        let options: Vec<&SealedKey> = keys.iter().filter(|k| k.role == place.role).collect();
        let onchange = {
            let (dispatcher, id) = (sign.dispatcher(), id.clone());
            Callback::from(move |e: Event| {
                let s: HtmlSelectElement = e.target_unchecked_into();
                dispatcher.dispatch(SignAction::Choose {
                    place: id.clone(),
                    key: s.value(),
                });
            })
        };
        let remove = (multiple && place.n > 0).then(|| {
            let (dispatcher, role, id) = (sign.dispatcher(), place.role.clone(), id.clone());
            Callback::from(move |_| {
                dispatcher.dispatch(SignAction::RemoveSigner {
                    role: role.clone(),
                    place: id.clone(),
                });
            })
        });
        html! {
            <label class="slot">{ place_title(place) }
                if options.is_empty() {
                    <span class="notice error">{ t(T::NoKeyForRole) }</span>
                } else {
                    <select data-testid={format!("signer-key-{id}")} {onchange}>
                        { for options.iter().map(|k| {
                            let gone = revoked(&k.fingerprint);
                            html! {
                                <option value={k.fingerprint.clone()} disabled={gone}
                                    selected={shown == Some(&k.fingerprint)}>
                                    { &k.name }{ " · " }{ &k.fingerprint }
                                    if gone { { " · " }{ t(T::Revoked) } }
                                </option>
                            }
                        }) }
                    </select>
                }
                if let Some(onclick) = remove {
                    <button type="button" {onclick} data-testid={format!("remove-signer-{id}")}>{ t(T::RemoveSigner) }</button>
                }
            </label>
        }
    };
    let add_view = |role: &SignerRole, places: &[Place]| -> Html {
        if !role.multiple {
            return Html::default();
        }
        let (dispatcher, name) = (sign.dispatcher(), role.role.clone());
        let count = places.len();
        let onclick = Callback::from(move |_| {
            dispatcher.dispatch(SignAction::AddSigner {
                role: name.clone(),
                count,
            });
        });
        html! {
            <button type="button" {onclick} data-testid={format!("add-signer-{}", role.role)}>
                { i18n::fill(t(T::AddSigner), &[("role", &title_of(&role.role))]) }
            </button>
        }
    };

    // A place once the packet is made: signed, or the PIN form to sign.
    let slot_view = |slot: &SignerSlot, place: &Place| -> Html {
        let id = place.id();
        let title = place_title(place);
        if slot.signed {
            return html! {
                <p class="slot signed" data-testid={format!("signed-{id}")}>
                    { title }{ "：" }{ i18n::fill(t(T::SignedBy), &[("name", &slot.signer.name)]) }
                </p>
            };
        }
        let gone = revoked(&slot.fingerprint);
        let on_sign = {
            let (ctx, assessment, keys) = (ctx.clone(), assessment.clone(), keys.clone());
            let dispatcher = sign.dispatcher();
            let (fingerprint, place) = (slot.fingerprint.clone(), id.clone());
            Callback::from(move |pin: String| {
                let refused = |why: String| SignAction::RefusedAt {
                    place: place.clone(),
                    why,
                };
                if gone {
                    return dispatcher.dispatch(refused(ctx.t(T::RevokedCannotSign).into()));
                }
                let Some(key) = keys.iter().find(|k| k.fingerprint == fingerprint).cloned() else {
                    return dispatcher.dispatch(refused(ctx.t(T::NeedAllSigners).into()));
                };
                dispatcher.dispatch(SignAction::Busy);
                let (ctx, assessment, dispatcher) =
                    (ctx.clone(), assessment.clone(), dispatcher.clone());
                let place = place.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    dispatcher.dispatch(
                        match services::sign(&ctx, &assessment, &key, &pin).await {
                            Ok((next, done)) => SignAction::Done(next, done),
                            Err(why) => SignAction::RefusedAt { place, why },
                        },
                    );
                });
            })
        };
        let error = match (&sign.notice, &sign.notice_at) {
            (Notice::Error(m), Some(at)) if *at == id => Some(m.clone()),
            _ => None,
        };
        html! {
            <PinForm id={id} {title} name={slot.signer.name.clone()} fingerprint={slot.fingerprint.clone()}
                {gone} busy={sign.busy} {error} {on_sign} />
        }
    };
    let slots = if prepared {
        let places = model::places_of(&assessment.signers);
        assessment
            .signers
            .iter()
            .zip(&places)
            .map(|(slot, place)| slot_view(slot, place))
            .collect::<Html>()
    } else {
        roles
            .iter()
            .map(|(role, places)| {
                html! {
                    <>
                        { for places.iter().map(|p| choose_view(p, role.multiple)) }
                        { add_view(role, places) }
                    </>
                }
            })
            .collect::<Html>()
    };
    let waiting: Vec<&str> = assessment
        .signers
        .iter()
        .filter(|s| !s.signed)
        .map(|s| s.signer.name.as_str())
        .collect();
    let all_signed = matches!(assessment.status, Status::Signed | Status::Exported);
    let export = {
        let (ctx, assessment, dispatcher) = (ctx.clone(), assessment.clone(), sign.dispatcher());
        Callback::from(move |_| {
            let (ctx, assessment, dispatcher) =
                (ctx.clone(), assessment.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(match services::export_packet(&ctx, &assessment).await {
                    Ok((next, done)) => SignAction::Done(next, done),
                    Err(why) => SignAction::Refused(why),
                });
            });
        })
    };
    html! {
        <main class="sign" data-testid="app-ready">
            <h1>{ t(T::Sign) }</h1>
            <p>{ template.doc().title.get(ctx.lang) }{ " · " }{ assessment.assessed() }{ " · " }{ &assessment.period }</p>
            if let (Some(why), false) = (blocked, prepared) {
                <p class="notice error" data-testid="sign-blocked">
                    { why }
                    { " " }<a href={Route::Fill(assessment.id.clone()).href()}>{ t(T::Fill) }</a>
                </p>
            } else {
                <section class="signers">
                    <h2>{ t(T::Signers) }</h2>
                    { slots }
                    if prepared && !waiting.is_empty() {
                        <p class="muted" data-testid="still-to-sign" data-count={waiting.len().to_string()}>
                            { i18n::fill(t(T::StillToSign), &[("names", &waiting.join("、"))]) }
                        </p>
                    }
                    if !prepared {
                        <button class="primary" onclick={prepare} data-testid="prepare-packet">{ t(T::Prepare) }</button>
                    }
                </section>
            }
            if let (Notice::Error(m), None) = (&sign.notice, &sign.notice_at) {
                <p class="notice error" role="alert" data-testid="sign-error">{ m }</p>
            } else if sign.notice_at.is_none() {
                { sign.notice.view("sign-notice") }
            }
            if all_signed {
                <div class="done" data-testid="signed-status">
                    <p>{ t(T::AllSigned) }</p>
                    <super::upload::UploadStatus assessment={assessment.id.clone()} />
                    <button class="primary" onclick={export} data-testid="export-packet">{ t(T::ExportPacket) }</button>
                </div>
            }
            if !all_signed {
                <KeysPanel keys={keys.clone()} on_change={on_keys} />
            }
        </main>
    }
}

/// One signer's place once the packet is made and not yet signed.
#[derive(Properties, PartialEq)]
struct PinProps {
    /// The place's id (`principal`, `inspector-2` …).
    id: String,
    /// The place's title.
    title: String,
    /// The signer's name.
    name: String,
    /// The key's fingerprint.
    fingerprint: String,
    /// The intake has revoked the key.
    gone: bool,
    /// A signature is being made.
    busy: bool,
    /// Why the last try here signed nothing.
    error: Option<String>,
    /// Signs with the PIN typed.
    on_sign: Callback<String>,
}

/// The PIN form that signs for one place.
#[function_component]
fn PinForm(props: &PinProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let pin = use_node_ref();
    let onsubmit = {
        let (pin, on_sign) = (pin.clone(), props.on_sign.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = input_text(&pin);
            if let Some(i) = pin.cast::<HtmlInputElement>() {
                i.set_value("");
            }
            on_sign.emit(text);
        })
    };
    let id = &props.id;
    html! {
        <form class="slot" {onsubmit} data-revoked={props.gone.to_string()}>
            <span>{ &props.title }{ "：" }<b>{ &props.name }</b>{ " · " }<span class="mono">{ &props.fingerprint }</span>
                if props.gone { { " · " }<span class="notice error" data-testid={format!("revoked-{id}")}>{ t(T::Revoked) }</span> }
            </span>
            <label>{ t(T::SignWithPin) }
                <input ref={pin} type="password" autocomplete="off" data-testid={format!("sign-pin-{id}")} />
            </label>
            <button type="submit" class="primary" disabled={props.busy} data-testid={format!("sign-{id}")}>{ t(T::SignButton) }</button>
            if let Some(m) = &props.error {
                <span class="notice error field-error" role="alert" data-testid="sign-error" data-place={id.clone()}>{ m }</span>
            }
        </form>
    }
}
