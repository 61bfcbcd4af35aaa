//! Sign: each signer the packet's kind requires signs with their own key on
//! this device, unlocking it with their PIN (an inspection by as many
//! inspectors as are present, one added at a time). A key the intake has
//! revoked signs nothing. Then the packet is exported.

use std::collections::BTreeMap;

use qingdan_core::packet::{self, PacketKind};
use qingdan_core::template::SignerRole;
use qingdan_core::{Packet, PacketError};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fill::{IdProps, Loaded, load};
use super::keys::{KeysPanel, role_label, vault_error_text};
use super::{Ctx, Notice, Route, use_ctx};
use crate::i18n::{self, T};
use crate::model::{self, Assessment, ChooseError, PacketRecord, Place, SignerSlot, Status};
use crate::store::{ASSESSMENTS, Durability};
use crate::vault::{self, SealedKey};
use crate::web;

/// The sign screen.
#[function_component]
pub fn Sign(props: &IdProps) -> Html {
    let ctx = use_ctx();
    let loaded = use_state(|| None);
    let keys = use_state(|| None::<Vec<SealedKey>>);
    let reload = use_state(|| 0u32);
    let notice = use_state(|| Notice::None);
    let busy = use_state(|| false);
    // The key chosen for each place, and how many signers each role that
    // takes several has beyond the first.
    let choice = use_mut_ref(BTreeMap::<String, String>::new);
    let extra = use_state(BTreeMap::<String, usize>::new);
    let pins = use_mut_ref(BTreeMap::<String, NodeRef>::new);
    {
        let (loaded, keys, ctx) = (loaded.clone(), keys.clone(), ctx.clone());
        use_effect_with((props.id.clone(), *reload), move |(id, _)| {
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let k = ctx.store.keys().await.unwrap_or_default();
                keys.set(Some(k));
                loaded.set(Some(load(&ctx, &id).await));
            });
        });
    }
    let t = |k: T| ctx.t(k);
    let (assessment, template) = match (&*loaded, &*keys) {
        (Some(Ok(pair)), Some(_)) => pair.clone(),
        (Some(Err(e)), _) => {
            return html! { <main data-testid="app-ready"><p class="notice error">{ e }</p></main> };
        }
        _ => return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> },
    };
    let keys = keys.as_ref().cloned().unwrap_or_default();
    let on_keys = {
        let reload = reload.clone();
        Callback::from(move |()| reload.set(*reload + 1))
    };
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
                (!items.is_empty()).then(|| need_explain(&ctx, items))
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
    let roles = model::signer_places(&template, &assessment, &extra);
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
        let (choice, notice, loaded, revoked, places) = (
            choice.clone(),
            notice.clone(),
            loaded.clone(),
            revoked.clone(),
            places.clone(),
        );
        Callback::from(move |_| {
            let slots = match model::choose_signers(&places, &choice.borrow(), &keys, &revoked) {
                Ok(slots) => slots,
                Err(ChooseError::NoKey(_)) => {
                    return notice.set(Notice::Error(ctx.t(T::NeedAllSigners).into()));
                }
                Err(ChooseError::SameKey(name)) => {
                    return notice.set(Notice::Error(i18n::fill(
                        ctx.t(T::SameKeyTwice),
                        &[("name", &name)],
                    )));
                }
            };
            let id = match web::new_uuid() {
                Ok(id) => id,
                Err(e) => return notice.set(Notice::Error(vault_error_text(&ctx, &e))),
            };
            let signers = slots.iter().map(|s| s.signer.clone()).collect();
            let packet = match model::make_packet(&template, &assessment, id, web::now(), signers) {
                Ok(p) => p,
                Err(e) => return notice.set(Notice::Error(packet_error_text(&ctx, &e))),
            };
            let mut next = assessment.clone();
            next.signers = slots;
            next.packet = Some(packet::to_file_text(&packet));
            next.updated_at = web::now();
            save_and_show(&ctx, next, &loaded, &notice, template.clone(), Notice::None);
        })
    };

    // Before the packet is made, each place shows the key it would take:
    // the one chosen, or the first of its role not taken by another place.
    let picked: Vec<(String, String)> =
        model::choose_signers(&places, &choice.borrow(), &keys, &revoked)
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
            let (choice, id) = (choice.clone(), id.clone());
            Callback::from(move |e: Event| {
                let s: HtmlSelectElement = e.target_unchecked_into();
                choice.borrow_mut().insert(id.clone(), s.value());
            })
        };
        let remove = (multiple && place.n > 0).then(|| {
            let (extra, choice, role, id) = (
                extra.clone(),
                choice.clone(),
                place.role.clone(),
                id.clone(),
            );
            Callback::from(move |_| {
                let mut next = (*extra).clone();
                if let Some(n) = next.get_mut(&role) {
                    *n = n.saturating_sub(1);
                }
                choice.borrow_mut().remove(&id);
                extra.set(next);
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
        let (extra, name) = (extra.clone(), role.role.clone());
        let count = places.len();
        let onclick = Callback::from(move |_| {
            let mut next = (*extra).clone();
            next.insert(name.clone(), count);
            extra.set(next);
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
        let pin = pins.borrow_mut().entry(id.clone()).or_default().clone();
        let gone = revoked(&slot.fingerprint);
        let sign = {
            let (ctx, assessment, template, keys) = (
                ctx.clone(),
                assessment.clone(),
                template.clone(),
                keys.clone(),
            );
            let (notice, loaded, busy, pin) =
                (notice.clone(), loaded.clone(), busy.clone(), pin.clone());
            let fingerprint = slot.fingerprint.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if gone {
                    return notice.set(Notice::Error(ctx.t(T::RevokedCannotSign).into()));
                }
                let Some(key) = keys.iter().find(|k| k.fingerprint == fingerprint).cloned() else {
                    return notice.set(Notice::Error(ctx.t(T::NeedAllSigners).into()));
                };
                let pin_text = pin
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default();
                let (ctx, assessment, template) =
                    (ctx.clone(), assessment.clone(), template.clone());
                let (notice, loaded, busy, pin) =
                    (notice.clone(), loaded.clone(), busy.clone(), pin.clone());
                busy.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    let result = sign_as(&ctx, &assessment, &key, &pin_text).await;
                    busy.set(false);
                    if let Some(i) = pin.cast::<HtmlInputElement>() {
                        i.set_value("");
                    }
                    match result {
                        Ok((next, record)) => {
                            if let Some(record) = record
                                && let Err(e) = ctx.outbox.queue(&record).await
                            {
                                return notice.set(Notice::Error(ctx.store_error(&e)));
                            }
                            let done =
                                Notice::Ok(i18n::fill(ctx.t(T::SignedBy), &[("name", &key.name)]));
                            save_and_show(&ctx, next, &loaded, &notice, template, done);
                        }
                        Err(m) => notice.set(Notice::Error(m)),
                    }
                });
            })
        };
        html! {
            <form class="slot" onsubmit={sign} data-revoked={gone.to_string()}>
                <span>{ title }{ "：" }<b>{ &slot.signer.name }</b>{ " · " }<span class="mono">{ &slot.fingerprint }</span>
                    if gone { { " · " }<span class="notice error" data-testid={format!("revoked-{id}")}>{ t(T::Revoked) }</span> }
                </span>
                <label>{ t(T::SignWithPin) }
                    <input ref={pin} type="password" autocomplete="off" data-testid={format!("sign-pin-{id}")} />
                </label>
                <button type="submit" class="primary" disabled={*busy} data-testid={format!("sign-{id}")}>{ t(T::SignButton) }</button>
            </form>
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
        let (ctx, assessment, template, loaded, notice) = (
            ctx.clone(),
            assessment.clone(),
            template.clone(),
            loaded.clone(),
            notice.clone(),
        );
        Callback::from(move |_| {
            let Some(text) = assessment.packet.clone() else {
                return;
            };
            let name = assessment.packet_file_name();
            if let Err(e) = web::download(&name, &text, "application/json") {
                return notice.set(Notice::Error(e));
            }
            let mut next = assessment.clone();
            next.status = Status::Exported;
            let done = Notice::Ok(i18n::fill(ctx.t(T::Exported), &[("f", &name)]));
            save_and_show(&ctx, next, &loaded, &notice, template.clone(), done);
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
            if let Notice::Error(m) = &*notice {
                <p class="notice error" role="alert" data-testid="sign-error">{ m }</p>
            } else {
                { notice.view("sign-notice") }
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

/// Opens `key` with `pin` and adds its signature; the second
/// value is the packet to keep once every signer has signed.
async fn sign_as(
    ctx: &Ctx,
    assessment: &Assessment,
    key: &SealedKey,
    pin: &str,
) -> Result<(Assessment, Option<PacketRecord>), String> {
    let signing = vault::open(key, pin)
        .await
        .map_err(|e| vault_error_text(ctx, &e))?;
    let text = assessment
        .packet
        .clone()
        .ok_or_else(|| ctx.t(T::NeedAllSigners).to_owned())?;
    let mut packet = Packet::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    packet.sign(&signing).map_err(|e| e.to_string())?;
    let mut next = assessment.clone();
    next.packet = Some(packet::to_file_text(&packet));
    for slot in next
        .signers
        .iter_mut()
        .filter(|s| s.fingerprint == key.fingerprint)
    {
        slot.signed = true;
    }
    next.updated_at = web::now();
    let mut record = None;
    if next.signers.iter().all(|s| s.signed) {
        let template = ctx
            .template(&next.template_id, next.template_version)
            .ok_or_else(|| next.template_key())?;
        packet.verify(Some(&template)).map_err(|e| e.to_string())?;
        next.status = Status::Signed;
        record = Some(PacketRecord {
            id: packet.payload().id.clone(),
            assessment_id: next.id.clone(),
            text: packet::to_file_text(&packet),
            signed_at: web::now(),
        });
    }
    Ok((next, record))
}

fn save_and_show(
    ctx: &Ctx,
    next: Assessment,
    loaded: &UseStateHandle<Option<Loaded>>,
    notice: &UseStateHandle<Notice>,
    template: std::rc::Rc<qingdan_core::Template>,
    done: Notice,
) {
    let (ctx, loaded, notice) = (ctx.clone(), loaded.clone(), notice.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match ctx.store.put(ASSESSMENTS, &next, Durability::Strict).await {
            Ok(()) => {
                loaded.set(Some(Ok((next, template))));
                notice.set(done);
            }
            Err(e) => notice.set(Notice::Error(ctx.store_error(&e))),
        }
    });
}

/// What the core's refusal to make a packet means to the user: the rules
/// a signer can act on in their language, the rest as the core says it.
fn packet_error_text(ctx: &Ctx, e: &PacketError) -> String {
    match e {
        // The person a checklist assesses signs their own word.
        PacketError::SubjectNotSigner { name, .. } => {
            i18n::fill(ctx.t(T::SubjectMustSign), &[("name", name)])
        }
        PacketError::Unexplained(items) => need_explain(ctx, items),
        other => other.to_string(),
    }
}

/// The items still to explain before signing.
fn need_explain(ctx: &Ctx, items: &[String]) -> String {
    i18n::fill(
        ctx.t(T::NeedExplain),
        &[
            ("n", &items.len().to_string()),
            ("items", &items.join("、")),
        ],
    )
}
