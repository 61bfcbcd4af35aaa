//! Open a packet file, plain or a bundle with its files, and verify it:
//! its signatures and files always, its template digest and score when
//! this device has its checklist.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::findings::finding_text;
use super::{Ctx, Notice, Route, use_ctx};
use crate::i18n::{self, T};
use crate::services::{self, PacketCheck, ToAnswer};
use crate::sync::Standing;

/// The outcome of checking one packet file.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The file's name.
    pub file: String,
    /// What the check found, with each signer's standing at the intake, or
    /// the reason it is not valid.
    pub result: Result<(PacketCheck, Vec<Standing>), String>,
}

/// The open-a-packet screen.
#[function_component]
pub fn Open() -> Html {
    let ctx = use_ctx();
    let checked = use_state(|| None::<Checked>);
    let notice = use_state(|| Notice::None);
    let onchange = {
        let (ctx, checked) = (ctx.clone(), checked.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (ctx, checked) = (ctx.clone(), checked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some((file, bytes)) = crate::web::read_chosen_bytes(&input).await else {
                    return;
                };
                let checked_file = match bytes {
                    Ok(bytes) => services::check_packet_file(&ctx, bytes).await,
                    Err(_) => Err(ctx.t(T::PacketNotText).to_owned()),
                };
                let result = match checked_file {
                    Ok(check) => {
                        let keys: Vec<String> =
                            check.signers.iter().map(|(_, k)| k.clone()).collect();
                        let standings = services::standings(&ctx, &check.unit, &keys).await;
                        Ok((check, standings))
                    }
                    Err(reason) => Err(reason),
                };
                checked.set(Some(Checked { file, result }));
            });
        })
    };
    let t = |k: T| ctx.t(k);
    let result = checked.as_ref().map(|c| match &c.result {
        Ok((check, standings)) => {
            let headline = if check.rescored { T::PacketValid } else { T::PacketSignaturesOnly };
            let signers = check.signers.iter().zip(standings).map(|((who, key), standing)| {
                let (state, said) = match standing {
                    Standing::Enrolled => ("enrolled", t(T::SignerEnrolled).to_owned()),
                    Standing::Revoked(at) => ("revoked", i18n::fill(t(T::SignerRevoked), &[("at", &crate::time::local(at))])),
                    Standing::NotEnrolled => ("not-enrolled", t(T::SignerNotEnrolled).to_owned()),
                    Standing::Unverified => ("unverified", t(T::SignerUnverified).to_owned()),
                };
                html! {
                    <li data-testid="packet-signer" data-standing={state}>
                        { who }{ " · " }<span class="mono">{ key }</span>{ " · " }<b>{ said }</b>
                    </li>
                }
            });
            html! {
                <div class="verify ok" data-testid="verify-result" data-valid="true" data-rescored={check.rescored.to_string()}>
                    <p><b>{ &c.file }</b>{ "：" }{ t(headline) }</p>
                    <ul>{ for check.lines.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                    <ul class="signers">{ for signers }</ul>
                </div>
            }
        }
        Err(reason) => html! {
            <div class="verify bad" role="alert" data-testid="verify-result" data-valid="false">
                <p><b>{ &c.file }</b>{ "：" }{ t(T::PacketInvalid) }</p>
                <p class="reason">{ reason }</p>
            </div>
        },
    });
    let findings = checked
        .as_ref()
        .and_then(|c| c.result.as_ref().ok())
        .and_then(|(check, _)| check.findings.clone())
        .map(|to_answer| findings_of_inspection(&ctx, to_answer, &notice));
    html! {
        <main class="open" data-testid="app-ready">
            <h1>{ t(T::OpenPacket) }</h1>
            <p class="muted">{ t(T::OpenPacketHint) }</p>
            <input type="file" accept=".json,.zip,application/json,application/zip" {onchange} data-testid="import-packet" />
            { for result }
            { for findings }
        </main>
    }
}

/// An inspection's findings, and the button that starts the unit's answer.
fn findings_of_inspection(ctx: &Ctx, to_answer: ToAnswer, notice: &UseStateHandle<Notice>) -> Html {
    let ToAnswer {
        findings,
        template: (id, version),
        text,
    } = to_answer;
    let template = ctx.template(&id, version);
    let start = {
        let (ctx, notice) = (ctx.clone(), notice.clone());
        Callback::from(move |_| {
            let (ctx, notice, text) = (ctx.clone(), notice.clone(), text.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match services::start_rectification(&ctx, &text).await {
                    Ok(id) => super::go(&Route::Fill(id)),
                    Err(why) => notice.set(Notice::Error(why)),
                }
            });
        })
    };
    let rows = findings.iter().map(|f| {
        html! { <li class="finding">{ finding_text(ctx.lang, template.as_deref(), f) }</li> }
    });
    html! {
        <section class="findings" data-testid="packet-findings">
            <h2>{ ctx.t(T::Findings) }{ format!("（{}）", findings.len()) }</h2>
            <ol>{ for rows }</ol>
            <button class="primary" onclick={start} data-testid="start-rectification">{ ctx.t(T::RectifyStart) }</button>
            { notice.view("open-notice") }
        </section>
    }
}
