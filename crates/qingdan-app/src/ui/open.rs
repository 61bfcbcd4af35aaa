//! Open a packet file and verify it: its signatures always, its template
//! digest and score when this device has its checklist.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{Ctx, use_ctx};
use crate::i18n::{self, T};
use qingdan_core::Packet;

/// The outcome of checking one packet file.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The file's name.
    pub file: String,
    /// The summary lines, or the reason it is not valid.
    pub result: Result<Vec<String>, String>,
}

/// Checks a packet's bytes as the intake would.
pub fn check(ctx: &Ctx, bytes: &[u8]) -> Result<Vec<String>, String> {
    let packet = Packet::parse(bytes).map_err(|e| e.to_string())?;
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
    Ok(lines)
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
                let result = text.and_then(|text| check(&ctx, text.as_bytes()));
                checked.set(Some(Checked { file, result }));
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
    html! {
        <main class="open" data-testid="app-ready">
            <h1>{ t(T::OpenPacket) }</h1>
            <p class="muted">{ t(T::OpenPacketHint) }</p>
            <input type="file" accept=".json,application/json" {onchange} data-testid="import-packet" />
            { for result }
        </main>
    }
}
