//! Review: the score sheet, with each item's answer, note and reason,
//! section bars, vetoes and an inspection's findings; for a
//! rectification, the findings and what was done about each. Printed, it
//! is the paper record (see [`super::record`] and the print stylesheet):
//! the facts, every answer, the overall note, the signers with a line each
//! to sign, and the packet's digest and receipt, on as many A4 pages as it
//! takes, no row cut.

use qingdan_core::packet::PacketKind;
use qingdan_core::score::ItemStatus;
use qingdan_core::template::VetoEffect;
use yew::prelude::*;

use super::files::Files;
use super::record::{self, figure_text};
use super::upload::UploadStatus;
use super::{IdProps, Route, use_ctx};
use crate::hooks::use_loaded;
use crate::i18n::T;
use crate::model;

/// The review screen.
#[function_component]
pub fn Review(props: &IdProps) -> Html {
    let ctx = use_ctx();
    let loaded = use_loaded(&props.id);
    let t = |k: T| ctx.t(k);
    let (assessment, template) = match &loaded {
        None => return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> },
        Some(Err(e)) => {
            return html! { <main data-testid="app-ready"><p class="notice error">{ e }</p></main> };
        }
        Some(Ok(pair)) => pair.clone(),
    };
    let lang = ctx.lang;
    let doc = template.doc();
    let findings = (!assessment.findings.is_empty())
        .then(|| super::findings::findings_table(lang, &template, &assessment));
    if assessment.kind == PacketKind::Rectification {
        return html! {
            <main class="review" data-testid="app-ready">
                <h1>{ t(T::Rectification) }{ " · " }{ doc.title.get(lang) }</h1>
                { record::facts(lang, &template, &assessment) }
                <div class="no-print"><UploadStatus assessment={assessment.id.clone()} detailed=true locked={assessment.is_locked()} /></div>
                { for findings }
                { record::overall_note(lang, &assessment) }
                { record::signatures(lang, &template, &assessment) }
                { record::packet_facts(&ctx, &assessment) }
                <nav class="actions no-print">
                    <a class="button" href={Route::Fill(assessment.id.clone()).href()}>{ t(T::Fill) }</a>
                    <a class="button primary" href={Route::Sign(assessment.id.clone()).href()}>{ t(T::Sign) }</a>
                </nav>
            </main>
        };
    }
    let sheet = model::sheet_of(&template, &assessment);

    const BAR_H: usize = 26;
    let figures: Vec<_> = sheet.sections.iter().map(|s| s.figure(&template)).collect();
    let bars = doc.sections.iter().zip(&figures).enumerate().map(|(i, (section, figure))| {
        let width = figure.value.percent_of(figure.max).map(|p| p.to_string()).unwrap_or_else(|| "0".into());
        let y = i * BAR_H;
        html! {
            <g>
                <rect class="track" x="0" y={y.to_string()} width="100%" height={(BAR_H - 6).to_string()} />
                <rect class="fill" x="0" y={y.to_string()} width={format!("{width}%")} height={(BAR_H - 6).to_string()} />
                <text x="6" y={(y + 15).to_string()}>
                    { section.title.get(lang) }{ "  " }{ figure_text(lang, figure) }
                </text>
            </g>
        }
    });
    let all_files = std::rc::Rc::new(assessment.attachments.clone());
    let rows = doc.sections.iter().zip(&figures).map(|(section, figure)| {
        let items = section.items.iter().filter_map(|item| {
            let s = sheet.items.iter().find(|s| s.id == item.id)?;
            let input = assessment.inputs.get(&item.id);
            let note = input.map(|i| i.note.trim()).filter(|n| !n.is_empty());
            let score = match s.status {
                ItemStatus::Bonus => format!("+{}", s.score),
                ItemStatus::Scored | ItemStatus::Unanswered if item.rule.is_scored() => {
                    format!("{} / {}", s.score, s.max)
                }
                _ => "—".into(),
            };
            Some(html! {
                <tr data-item-id={item.id.clone()}>
                    <td>{ &item.id }</td>
                    <td>{ item.title.get(lang) }</td>
                    <td>
                        <div class="given">{ record::answer_text(lang, item, input) }</div>
                        if let Some(note) = note {
                            <div class="evidence"><b>{ t(T::Note) }{ "：" }</b>{ note }</div>
                        }
                        if all_files.iter().any(|f| f.item == item.id) {
                            <Files assessment={assessment.id.clone()} item={item.id.clone()} all={all_files.clone()}
                                locked=true on_edit={Callback::noop()} />
                        }
                    </td>
                    <td class="num">{ score }</td>
                    <td>{ s.reason_text(&template, lang) }</td>
                </tr>
            })
        });
        html! {
            <>
                <tr class="section-row">
                    <th colspan="3">{ section.title.get(lang) }</th>
                    <th class="num" data-testid={format!("section-figure-{}", section.id)}
                        data-bonus={figure.bonus.to_string()} data-value={figure.value.to_string()}>
                        { figure_text(lang, figure) }
                    </th>
                    <th></th>
                </tr>
                { for items }
            </>
        }
    });
    let vetoes = sheet.vetoes.iter().map(|v| {
        let title = template.item(&v.item).map(|i| i.title.get(lang).to_owned()).unwrap_or_default();
        let effect = match &v.effect {
            VetoEffect::Fail => template.lowest_band().label.get(lang).to_owned(),
            VetoEffect::CapGrade(band) => template.band(band).map(|b| b.label.get(lang).to_owned()).unwrap_or_default(),
        };
        html! { <li data-testid={format!("veto-{}", v.item)}>{ &v.item }{ " " }{ title }{ " → " }{ effect }</li> }
    });
    let print = Callback::from(|_| {
        let _ = gloo::utils::window().print();
    });
    html! {
        <main class="review" data-testid="app-ready">
            <h1>{ doc.title.get(lang) }{ " · " }{ t(T::Review) }</h1>
            { record::facts(lang, &template, &assessment) }
            <p class="big">
                { t(T::Total) }{ " " }<b data-testid="total-score">{ sheet.total.to_string() }</b>{ " / " }{ sheet.max.to_string() }
                { " · " }{ t(T::Grade) }{ " " }
                <b data-testid="grade">{ sheet.grade_label(&template, lang).unwrap_or_default() }</b>
            </p>
            <div class="no-print"><UploadStatus assessment={assessment.id.clone()} detailed=true locked={assessment.is_locked()} /></div>
            <svg class="bars" role="img" width="100%" height={(doc.sections.len() * BAR_H).to_string()}>{ for bars }</svg>
            <h2>{ t(T::Vetoes) }</h2>
            if sheet.vetoes.is_empty() { <p class="muted">{ t(T::NoVetoes) }</p> } else { <ul>{ for vetoes }</ul> }
            <table class="sheet">
                <thead><tr><th>{ "#" }</th><th>{ t(T::Item) }</th><th>{ t(T::Answer) }</th><th>{ t(T::Score) }</th><th>{ t(T::Reason) }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { for findings }
            { record::overall_note(lang, &assessment) }
            { record::signatures(lang, &template, &assessment) }
            { record::packet_facts(&ctx, &assessment) }
            <nav class="actions no-print">
                <a class="button" href={Route::Fill(assessment.id.clone()).href()}>{ t(T::Fill) }</a>
                <button onclick={print}>{ t(T::Print) }</button>
                <a class="button primary" href={Route::Sign(assessment.id.clone()).href()}>{ t(T::Sign) }</a>
            </nav>
        </main>
    }
}
