//! Open a packet file and verify it: its signatures always, its template
//! digest and score when this device has its checklist.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::findings::finding_text;
use super::{Ctx, Route, use_ctx};
use crate::i18n::{self, T};
use crate::model;
use crate::store::{ASSESSMENTS, Durability};
use crate::web;
use qingdan_core::Packet;
use qingdan_core::findings::Finding;

/// The outcome of checking one packet file.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The file's name.
    pub file: String,
    /// The summary lines, or the reason it is not valid.
    pub result: Result<Vec<String>, String>,
    /// A valid inspection's findings, for the unit to answer.
    pub findings: Option<ToAnswer>,
}

/// The findings of a verified inspection packet.
#[derive(Debug, Clone, PartialEq)]
pub struct ToAnswer {
    /// The findings.
    pub findings: Vec<Finding>,
    /// The checklist's id and version.
    pub template: (String, u32),
    /// The packet's text, which the rectification keeps.
    pub text: String,
}

/// Checks a packet file as the intake would: its summary lines and, for an
/// inspection with findings, those findings.
pub fn check(ctx: &Ctx, text: &str) -> Result<(Vec<String>, Option<ToAnswer>), String> {
    let packet = Packet::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    let p = packet.payload();
    let template = ctx.template(&p.template.id, p.template.version);
    let verified = packet
        .verify(template.as_deref())
        .map_err(|e| e.to_string())?;
    let summary = verified.summary;
    let mut lines = vec![
        format!(
            "{} ({}) · {} · {}",
            p.unit.name,
            p.unit.code,
            p.period,
            p.kind.as_str()
        ),
        format!("{} v{}", p.template.id, p.template.version),
        format!("{} {}", ctx.t(T::Total), summary.total),
    ];
    for s in &p.signers {
        lines.push(format!("{}: {} · {}", s.role, s.name, s.public_key));
    }
    if template.is_none() {
        lines.push(ctx.t(T::TemplateMissing).into());
    }
    if !summary.missing.is_empty() {
        lines.push(i18n::fill(
            ctx.t(T::PacketIncomplete),
            &[("n", &summary.missing.len().to_string())],
        ));
    }
    let findings = (!p.findings.is_empty()).then(|| ToAnswer {
        findings: p.findings.clone(),
        template: (p.template.id.clone(), p.template.version),
        text: text.to_owned(),
    });
    Ok((lines, findings))
}

/// The open-a-packet screen.
#[function_component]
pub fn Open() -> Html {
    let ctx = use_ctx();
    let checked = use_state(|| None::<Checked>);
    let onchange = {
        let (ctx, checked) = (ctx.clone(), checked.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (ctx, checked) = (ctx.clone(), checked.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some((file, text)) = crate::web::read_chosen_file(&input).await else {
                    return;
                };
                let (result, findings) = match text.and_then(|text| check(&ctx, &text)) {
                    Ok((lines, findings)) => (Ok(lines), findings),
                    Err(reason) => (Err(reason), None),
                };
                checked.set(Some(Checked {
                    file,
                    result,
                    findings,
                }));
            });
        })
    };
    let t = |k: T| ctx.t(k);
    let result = checked.as_ref().map(|c| match &c.result {
        Ok(lines) => html! {
            <div class="verify ok" data-testid="verify-result" data-valid="true">
                <p><b>{ &c.file }</b>{ "：" }{ t(T::PacketValid) }</p>
                <ul>{ for lines.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
            </div>
        },
        Err(reason) => html! {
            <div class="verify bad" role="alert" data-testid="verify-result" data-valid="false">
                <p><b>{ &c.file }</b>{ "：" }{ t(T::PacketInvalid) }</p>
                <p class="reason">{ reason }</p>
            </div>
        },
    });
    let findings = checked
        .as_ref()
        .and_then(|c| c.findings.clone())
        .map(|to_answer| findings_of_inspection(&ctx, to_answer));
    html! {
        <main class="open" data-testid="app-ready">
            <h1>{ t(T::OpenPacket) }</h1>
            <p class="muted">{ t(T::OpenPacketHint) }</p>
            <input type="file" accept=".json,application/json" {onchange} data-testid="import-packet" />
            { for result }
            { for findings }
        </main>
    }
}

/// An inspection's findings, and the button that starts the unit's answer.
fn findings_of_inspection(ctx: &Ctx, to_answer: ToAnswer) -> Html {
    let ToAnswer {
        findings,
        template: (id, version),
        text,
    } = to_answer;
    let template = ctx.template(&id, version);
    let start = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let Ok(packet) = Packet::parse(text.as_bytes()) else {
                return;
            };
            let Ok(id) = web::new_uuid() else {
                return;
            };
            let assessment = model::rectification_of(&packet, text.clone(), id.clone(), web::now());
            let ctx = ctx.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ctx
                    .store
                    .put(ASSESSMENTS, &assessment, Durability::Strict)
                    .await
                {
                    Ok(()) => super::go(&Route::Fill(id)),
                    Err(e) => gloo::console::error!(ctx.store_error(&e)),
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
        </section>
    }
}
