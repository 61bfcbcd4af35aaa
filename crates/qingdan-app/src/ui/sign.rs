//! Sign: each signer the checklist requires signs with their own key on
//! this device, unlocking it with their PIN. Then the packet is exported.

use std::collections::BTreeMap;

use qingdan_core::packet::{self, PacketKind, Signer};
use qingdan_core::{Packet, score};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fill::{IdProps, Loaded, load};
use super::keys::{KeysPanel, role_label, vault_error_text};
use super::{Ctx, Notice, Route, use_ctx};
use crate::i18n::{self, T};
use crate::model::{self, Assessment, PacketRecord, SignerSlot, Status};
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
    let choice = use_mut_ref(BTreeMap::<String, String>::new);
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
    let (responses, _) = model::to_responses(&template, &assessment.inputs);
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
        count(
            score(&template, &responses).completeness.missing.len(),
            T::NeedComplete,
        )
        .or_else(|| {
            count(
                model::unfinished_findings(&assessment),
                T::FindingsUnfinished,
            )
        })
    };
    let roles = model::signer_roles(&template, &assessment);
    let prepared = assessment.packet.is_some() && !assessment.signers.is_empty();

    let prepare = {
        let (ctx, assessment, template, keys) = (
            ctx.clone(),
            assessment.clone(),
            template.clone(),
            keys.clone(),
        );
        let (choice, notice, loaded, roles) = (
            choice.clone(),
            notice.clone(),
            loaded.clone(),
            roles.clone(),
        );
        Callback::from(move |_| {
            let chosen = choice.borrow();
            let mut slots = Vec::new();
            for role in &roles {
                let key = chosen
                    .get(role)
                    .and_then(|fp| {
                        keys.iter()
                            .find(|k| &k.fingerprint == fp && &k.role == role)
                    })
                    .or_else(|| keys.iter().find(|k| &k.role == role));
                let Some(key) = key else {
                    return notice.set(Notice::Error(ctx.t(T::NeedAllSigners).into()));
                };
                slots.push(SignerSlot {
                    role: role.clone(),
                    fingerprint: key.fingerprint.clone(),
                    signer: Signer {
                        role: role.clone(),
                        name: key.name.clone(),
                        public_key: key.public_key.clone(),
                    },
                    signed: false,
                });
            }
            let id = match web::new_uuid() {
                Ok(id) => id,
                Err(e) => return notice.set(Notice::Error(vault_error_text(&ctx, &e))),
            };
            let signers = slots.iter().map(|s| s.signer.clone()).collect();
            let packet = match model::make_packet(&template, &assessment, id, web::now(), signers) {
                Ok(p) => p,
                Err(e) => return notice.set(Notice::Error(e.to_string())),
            };
            let mut next = assessment.clone();
            next.signers = slots;
            next.packet = Some(packet::to_file_text(&packet));
            next.updated_at = web::now();
            save_and_show(&ctx, next, &loaded, &notice, template.clone(), Notice::None);
        })
    };

    let slot_view = |slot: Option<&SignerSlot>, role: &str| -> Html {
        let title = template
            .doc()
            .signers
            .iter()
            .find(|s| s.role == role)
            .map(|s| s.title.get(ctx.lang).to_owned())
            .unwrap_or_else(|| role_label(role, ctx.lang));
        match slot {
            None => {
                let options: Vec<&SealedKey> = keys.iter().filter(|k| k.role == role).collect();
                let choice2 = choice.clone();
                let role2 = role.to_owned();
                let onchange = Callback::from(move |e: Event| {
                    let s: HtmlSelectElement = e.target_unchecked_into();
                    choice2.borrow_mut().insert(role2.clone(), s.value());
                });
                html! {
                    <label class="slot">{ title }
                        if options.is_empty() {
                            <span class="notice error">{ t(T::NoKeyForRole) }</span>
                        } else {
                            <select data-testid={format!("signer-key-{role}")} {onchange}>
                                { for options.iter().map(|k| html! {
                                    <option value={k.fingerprint.clone()}>{ &k.name }{ " · " }{ &k.fingerprint }</option>
                                }) }
                            </select>
                        }
                    </label>
                }
            }
            Some(slot) if slot.signed => html! {
                <p class="slot signed" data-testid={format!("signed-{role}")}>
                    { title }{ "：" }{ i18n::fill(t(T::SignedBy), &[("name", &slot.signer.name)]) }
                </p>
            },
            Some(slot) => {
                let pin = pins
                    .borrow_mut()
                    .entry(role.to_owned())
                    .or_default()
                    .clone();
                let sign = {
                    let (ctx, assessment, template, keys) = (
                        ctx.clone(),
                        assessment.clone(),
                        template.clone(),
                        keys.clone(),
                    );
                    let (notice, loaded, busy, pin) =
                        (notice.clone(), loaded.clone(), busy.clone(), pin.clone());
                    let role = role.to_owned();
                    let fingerprint = slot.fingerprint.clone();
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        let Some(key) = keys.iter().find(|k| k.fingerprint == fingerprint).cloned()
                        else {
                            return notice.set(Notice::Error(ctx.t(T::NeedAllSigners).into()));
                        };
                        let pin_text = pin
                            .cast::<HtmlInputElement>()
                            .map(|i| i.value())
                            .unwrap_or_default();
                        let (ctx, assessment, template) =
                            (ctx.clone(), assessment.clone(), template.clone());
                        let (notice, loaded, busy, pin, role) = (
                            notice.clone(),
                            loaded.clone(),
                            busy.clone(),
                            pin.clone(),
                            role.clone(),
                        );
                        busy.set(true);
                        wasm_bindgen_futures::spawn_local(async move {
                            let result = sign_as(&ctx, &assessment, &key, &pin_text, &role).await;
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
                                    let done = Notice::Ok(i18n::fill(
                                        ctx.t(T::SignedBy),
                                        &[("name", &key.name)],
                                    ));
                                    save_and_show(&ctx, next, &loaded, &notice, template, done);
                                }
                                Err(m) => notice.set(Notice::Error(m)),
                            }
                        });
                    })
                };
                html! {
                    <form class="slot" onsubmit={sign}>
                        <span>{ title }{ "：" }<b>{ &slot.signer.name }</b>{ " · " }<span class="mono">{ &slot.fingerprint }</span></span>
                        <label>{ t(T::SignWithPin) }
                            <input ref={pin} type="password" autocomplete="off" data-testid={format!("sign-pin-{role}")} />
                        </label>
                        <button type="submit" class="primary" disabled={*busy} data-testid={format!("sign-{role}")}>{ t(T::SignButton) }</button>
                    </form>
                }
            }
        }
    };
    let slots = roles
        .iter()
        .map(|role| slot_view(assessment.signers.iter().find(|s| &s.role == role), role));
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
            <p>{ template.doc().title.get(ctx.lang) }{ " · " }{ &assessment.unit.name }{ " · " }{ &assessment.period }</p>
            if let (Some(why), false) = (blocked, prepared) {
                <p class="notice error" data-testid="sign-blocked">
                    { why }
                    { " " }<a href={Route::Fill(assessment.id.clone()).href()}>{ t(T::Fill) }</a>
                </p>
            } else {
                <section class="signers">
                    <h2>{ t(T::Signers) }</h2>
                    { for slots }
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

/// Opens `key` with `pin` and adds its signature for `role`; the second
/// value is the packet to keep once every signer has signed.
async fn sign_as(
    ctx: &Ctx,
    assessment: &Assessment,
    key: &SealedKey,
    pin: &str,
    role: &str,
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
        .filter(|s| s.role == role && s.fingerprint == key.fingerprint)
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
