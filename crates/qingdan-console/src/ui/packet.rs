//! A packet as its score sheet: what it is of, its totals and grade, each
//! section's figure, each item with its answer, note, score and reason,
//! the findings (or a rectification's answers), who signed it by their
//! enrolled names, and the intake's receipt — as the intake re-scored it
//! (`GET /packets/{id}/sheet`), with a link to the exact bytes stored.

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::api_reports::{self, PacketSheet, SheetScore};
use crate::ctx::{Ctx, use_ctx};
use crate::hooks_reports::use_packet_sheet;
use crate::i18n::{self, T};
use crate::messages::{self, Message};
use crate::state::Notice;
use crate::time;

/// What the packet page is given.
#[derive(Properties, PartialEq)]
pub struct PacketProps {
    /// The packet's id.
    pub id: String,
}

/// The packet page.
#[function_component]
pub fn PacketPage(props: &PacketProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let state = use_packet_sheet(&ctx, &props.id);
    let back = html! {
        <p class="no-print"><a href="#/reports" data-testid="back-to-reports">{ t(T::PktBack) }</a></p>
    };
    let Some(sheet) = &state.sheet else {
        let body = if state.not_found() {
            html! { <p class="notice error" role="alert" data-testid="packet-error">{ t(T::PktNoSuch) }</p> }
        } else if let Some(e) = &state.error {
            notice_view(
                &Notice::Error(Message::Api(e.clone())),
                ctx.lang,
                "packet-error",
            )
        } else {
            html! { <p>{ t(T::Loading) }</p> }
        };
        return html! {
            <main class="packet" data-testid="packet-page" data-ready={state.ready().to_string()}
                  data-packet-id={props.id.clone()}>
                { back }{ body }
            </main>
        };
    };
    let print = Callback::from(|_: MouseEvent| {
        let _ = gloo::utils::window().print();
    });
    let title = i18n::fill(
        t(T::PktTitle),
        &[
            ("checklist", sheet.template.title.get(ctx.lang)),
            ("v", &sheet.template.version.to_string()),
            ("period", &sheet.period),
            ("kind", &kind_label(&ctx, &sheet.kind)),
        ],
    );
    html! {
        <main class="packet" data-testid="packet-page" data-ready="true" data-packet-id={sheet.id.clone()}
              data-kind={sheet.kind.clone()}>
            { back }
            <h1 data-testid="packet-title">{ title }</h1>
            { facts(&ctx, sheet) }
            <div class="controls no-print">
                <a class="button" href={api_reports::packet_url(&sheet.id)} download={format!("{}.json", sheet.id)}
                   data-testid="packet-download">{ t(T::PktDownload) }</a>
                <button type="button" onclick={print} data-testid="print">{ t(T::Print) }</button>
            </div>
            if let Some(score) = &sheet.score {
                { scores(&ctx, score) }
            }
            { findings(&ctx, sheet) }
            if !sheet.attachments.is_empty() {
                { files(&ctx, sheet) }
            }
            if let Some(note) = sheet.note.as_ref().filter(|n| !n.trim().is_empty()) {
                <section>
                    <h2>{ t(T::PktNote) }</h2>
                    <p class="given" data-testid="packet-note">{ note }</p>
                </section>
            }
            { signers(&ctx, sheet) }
            <section data-testid="packet-receipt" data-received-at={sheet.received_at.clone()}
                     data-sha256={sheet.sha256.clone()}>
                <h2>{ t(T::PktReceipt) }</h2>
                <p>{ i18n::fill(t(T::PktReceived), &[
                    ("t", &time::local(&sheet.received_at)),
                    ("n", &sheet.size.to_string()),
                ]) }</p>
                <p class="mono">{ "SHA-256 " }{ &sheet.sha256 }</p>
            </section>
        </main>
    }
}

/// A packet's kind in words (a rectification too).
fn kind_label(ctx: &Ctx, kind: &str) -> String {
    match kind {
        "rectification" => ctx.t(T::PktRectification).to_owned(),
        other => messages::kind_label(ctx.lang, other),
    }
}

/// Whom, when, what.
fn facts(ctx: &Ctx, sheet: &PacketSheet) -> Html {
    let t = |k: T| ctx.t(k);
    html! {
        <dl class="facts" data-testid="packet-facts">
            <dt>{ t(T::UnitName) }</dt>
            <dd data-testid="packet-unit" data-unit={sheet.unit.code.clone()}>
                { &sheet.unit.name }{ "（" }{ &sheet.unit.code }{ "）" }
            </dd>
            if let Some(subject) = &sheet.subject {
                <dt>{ t(T::PktSubject) }</dt>
                <dd>{ &subject.name }{ " " }{ &subject.post }</dd>
            }
            <dt>{ t(T::Checklist) }</dt>
            <dd>{ sheet.template.title.get(ctx.lang) }{ "（" }{ &sheet.template.id }{ " v" }{ sheet.template.version }{ "）" }</dd>
            <dt>{ t(T::CreatedAt) }</dt>
            <dd>{ time::local(&sheet.created_at) }</dd>
            <dt>{ t(T::Received) }</dt>
            <dd>{ time::local(&sheet.received_at) }</dd>
            if let Some(id) = &sheet.refers_to {
                <dt>{ t(T::PktRefersTo) }</dt>
                <dd><a href={crate::route::Route::Packet(id.clone()).href()}>{ id }</a></dd>
            }
        </dl>
    }
}

/// The totals, the sections' figures and every item.
fn scores(ctx: &Ctx, score: &SheetScore) -> Html {
    let t = |k: T| ctx.t(k);
    let sections = score.sections.iter().map(|s| {
        let figure = if s.bonus {
            i18n::fill(t(T::PktBonusFigure), &[("v", &s.figure)])
        } else {
            format!("{} / {}", s.figure, s.max)
        };
        html! {
            <tr data-testid="sheet-section" data-section={s.id.clone()} data-figure={s.figure.clone()}>
                <td class="num">{ &s.id }</td>
                <td>{ s.title.get(ctx.lang) }</td>
                <td class="num">{ figure }</td>
            </tr>
        }
    });
    let items = score.items.iter().map(|item| {
        html! {
            <tr data-testid="sheet-item" data-item={item.id.clone()} data-status={item.status.clone()}
                data-score={item.score.clone()}>
                <td class="num" data-col="id">{ &item.id }</td>
                <td data-col="title">{ item.title.get(ctx.lang) }</td>
                <td data-col="answer">{ item.answer.as_ref().map(|a| a.get(ctx.lang).to_owned()).unwrap_or_default() }</td>
                <td data-col="note">{ item.note.clone().unwrap_or_default() }</td>
                <td class="num" data-col="score">{ format!("{} / {}", item.score, item.max) }</td>
                <td data-col="reason">{ item.reason.get(ctx.lang) }</td>
            </tr>
        }
    });
    let grade = score
        .grade
        .as_ref()
        .map(|g| g.label.get(ctx.lang).to_owned());
    html! {
        <>
            <div class="counts" data-testid="sheet-totals">
                <div class="count" data-testid="sheet-total" data-total={score.total.clone()}>
                    <span class="label">{ t(T::Total) }</span>
                    <strong class="num">{ format!("{} / {}", score.total, score.max) }</strong>
                </div>
                <div class="count" data-testid="sheet-percentage" data-percentage={score.percentage.clone()}>
                    <span class="label">{ t(T::RepPercentage) }</span>
                    <strong class="num">{ score.percentage.as_ref().map_or_else(|| "—".to_owned(), |p| format!("{p}%")) }</strong>
                </div>
                <div class="count" data-testid="sheet-grade" data-grade={score.grade.as_ref().map(|g| g.id.clone())}>
                    <span class="label">{ t(T::Grade) }</span>
                    <strong>{ grade.unwrap_or_else(|| "—".to_owned()) }</strong>
                </div>
            </div>
            if !score.vetoes.is_empty() {
                <p class="notice error" data-testid="sheet-vetoes">
                    { i18n::fill(t(T::PktVetoes), &[("items", &score.vetoes.join("、"))]) }
                </p>
            }
            <h2>{ t(T::PktSections) }</h2>
            { list_table(ctx.lang, "sheet-sections", &[Col::Head(T::RepSection), Col::Head(T::PktSectionTitle), Col::Head(T::PktFigure)], sections) }
            <h2>{ t(T::PktItems) }</h2>
            <table class="list sheet" data-testid="sheet-items">
                <thead>
                    <tr>
                        <th>{ t(T::RepItem) }</th>
                        <th>{ t(T::RepItemTitle) }</th>
                        <th>{ t(T::PktAnswer) }</th>
                        <th>{ t(T::PktItemNote) }</th>
                        <th>{ t(T::PktFigure) }</th>
                        <th>{ t(T::PktReason) }</th>
                    </tr>
                </thead>
                <tbody>{ for items }</tbody>
            </table>
        </>
    }
}

/// An inspection's findings, or a rectification's answers.
fn findings(ctx: &Ctx, sheet: &PacketSheet) -> Html {
    let t = |k: T| ctx.t(k);
    let found = sheet.findings.iter().map(|f| {
        html! {
            <tr data-testid="sheet-finding" data-finding={f.id.clone()} data-item={f.item.clone()}>
                <td class="num">{ &f.id }</td>
                <td class="num">{ &f.item }</td>
                <td>{ &f.problem }</td>
                <td>{ &f.responsible }</td>
                <td class="num">{ &f.deadline }</td>
            </tr>
        }
    });
    let answers = sheet.rectifications.iter().map(|r| {
        let status = if r.status == "done" {
            T::PktRectDone
        } else {
            T::PktRectInProgress
        };
        html! {
            <tr data-testid="sheet-rectification" data-finding={r.finding.clone()} data-status={r.status.clone()}>
                <td class="num">{ &r.finding }</td>
                <td>{ t(status) }</td>
                <td>{ &r.action }</td>
                <td class="num">{ r.completed_on.clone().unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <>
            if !sheet.findings.is_empty() {
                <h2>{ t(T::RepFindings) }</h2>
                { list_table(ctx.lang, "sheet-findings", &[Col::Head(T::PktFindingId), Col::Head(T::RepItem), Col::Head(T::RepProblem), Col::Head(T::RepResponsible), Col::Head(T::RepDeadline)], found) }
            }
            if !sheet.rectifications.is_empty() {
                <h2>{ t(T::PktRectification) }</h2>
                { list_table(ctx.lang, "sheet-rectifications", &[Col::Head(T::PktFindingId), Col::Head(T::Status), Col::Head(T::RepAction), Col::Head(T::RepCompletedOn)], answers) }
            }
        </>
    }
}

/// 附件: each file the packet carries, a photo shown small, each opened
/// by its link.
fn files(ctx: &Ctx, sheet: &PacketSheet) -> Html {
    let t = |k: T| ctx.t(k);
    let rows = sheet.attachments.iter().map(|f| {
        let url = api_reports::file_url(&sheet.id, &f.sha256);
        let place = match &f.finding {
            Some(finding) => format!("{} · {finding}", f.item),
            None => f.item.clone(),
        };
        html! {
            <tr data-testid="sheet-file" data-item={f.item.clone()} data-sha256={f.sha256.clone()}>
                <td class="num">{ place }</td>
                <td>
                    if f.media_type.starts_with("image/") {
                        <a href={url.clone()} target="_blank" rel="noopener"><img class="thumb" src={url.clone()} alt={f.name.clone()} /></a>
                    }
                </td>
                <td><a href={url} target="_blank" rel="noopener">{ &f.name }</a></td>
                <td class="num">{ f.size.to_string() }</td>
            </tr>
        }
    });
    html! {
        <section>
            <h2>{ t(T::PktFiles) }</h2>
            { list_table(ctx.lang, "sheet-files", &[Col::Head(T::RepItem), Col::Blank, Col::Head(T::PktFileName), Col::Head(T::PktFileBytes)], rows) }
        </section>
    }
}

/// A signer's role in words.
fn role_label(role: &str) -> Option<T> {
    match role {
        "principal" => Some(T::PktPrincipal),
        "supervisory" => Some(T::PktSupervisory),
        "inspector" => Some(T::PktInspector),
        _ => None,
    }
}

/// 签字人: each by the name their key is enrolled under.
fn signers(ctx: &Ctx, sheet: &PacketSheet) -> Html {
    let t = |k: T| ctx.t(k);
    let rows = sheet.signers.iter().map(|s| {
        let enrolled = s.enrolled_name.clone();
        html! {
            <tr data-testid="sheet-signer" data-role={s.role.clone()} data-name={enrolled.clone()}>
                <td>{ role_label(&s.role).map_or_else(|| s.role.clone(), |k| t(k).to_owned()) }</td>
                <td data-col="name">{ enrolled.unwrap_or_else(|| t(T::PktNotEnrolled).to_owned()) }</td>
                <td>{ &s.name }</td>
                <td class="mono">{ &s.fingerprint }</td>
                <td>{ s.revoked_at.as_deref().map(|at| i18n::fill(t(T::PktRevoked), &[("at", &time::local(at))])) }</td>
            </tr>
        }
    });
    html! {
        <section>
            <h2>{ t(T::PktSigners) }</h2>
            { list_table(ctx.lang, "sheet-signers", &[Col::Head(T::PktRole), Col::Head(T::PktEnrolledName), Col::Head(T::PktSignedName), Col::Head(T::PktFingerprint), Col::Blank], rows) }
        </section>
    }
}
