//! Fill / score: every item with the widget its kind needs, scored live,
//! each answer saved in its own IndexedDB transaction as it is given.
//!
//! The state is [`crate::state::fill`]'s; [`crate::hooks::use_assessment`]
//! reads it and saves each revision: clicks and date picks at once, typing
//! 250 ms after the last keystroke (and at once when the page is hidden).
//! The write that completes the form (no required item left) is strict.
//! The status says 已保存 only after the latest revision's transaction
//! completed.

use std::rc::Rc;

use qingdan_core::packet::PacketKind;
use qingdan_core::period::Period;
use qingdan_core::score::{ItemStatus, ScoreSheet};
use qingdan_core::{Rule, Template, evaluation, score};
use yew::prelude::*;

use super::files::Files;
use super::findings::{RectificationView, item_findings};
use super::item::{OnChange, Said, item_view};
use super::record::figure_text;
use super::save::SaveStatus;
use super::{IdProps, Route, use_ctx};
use crate::hooks::use_assessment;
use crate::i18n::{self, T};
use crate::model::{self, Assessment, Status};
use crate::state::fill::{self as state, Change, FillAction, OnEdit, SaveState};
use crate::web;

/// The fill screen.
#[function_component]
pub fn Fill(props: &IdProps) -> Html {
    let ctx = use_ctx();
    let fill = use_assessment(&props.id);
    let t = |k: T| ctx.t(k);
    let editing = match &*fill {
        state::Fill::Loading => {
            return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
        }
        state::Fill::Failed(e) => {
            return html! { <main data-testid="app-ready"><p class="notice error" role="alert">{ e }</p></main> };
        }
        state::Fill::Ready(editing) => editing,
    };
    let (assessment, template) = (&editing.assessment, &editing.template);
    let on_change: OnEdit = {
        let dispatcher = fill.dispatcher();
        Callback::from(move |(change, edit)| {
            dispatcher.dispatch(FillAction::Edit {
                change,
                edit,
                now: web::now(),
                at_ms: web::clock_ms(),
            });
        })
    };
    let reopen = {
        let dispatcher = fill.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(FillAction::Reopen {
                now: web::now(),
                at_ms: web::clock_ms(),
            });
        })
    };
    let locked = assessment.is_locked();
    let locked_bar = locked.then(|| {
        html! {
            <div class="locked" role="status">
                <span>{ t(T::Locked) }</span>
                <button onclick={reopen} data-testid="edit-new-draft">{ t(T::EditNewDraft) }</button>
            </div>
        }
    });
    if assessment.kind == PacketKind::Rectification {
        return html! {
            <main class="fill" data-testid="app-ready">
                <RectificationView template={template.clone()} assessment={assessment.clone()}
                    save={editing.save.clone()} on_edit={on_change} />
                { for locked_bar }
                <nav class="actions no-print">
                    <a class="button primary" href={Route::Sign(assessment.id.clone()).href()} data-testid="go-sign">{ t(T::Sign) }</a>
                </nav>
            </main>
        };
    }

    let (responses, problems) = model::to_responses(template, &assessment.inputs);
    // The period fixes the due dates the checklist sets.
    let period = Period::parse(&assessment.period);
    let period = period.as_ref();
    let sheet = score(template, &responses, period);
    let on_input: OnChange = on_change.reform(|(id, input, edit)| (Change::Input(id, input), edit));
    let inspection = assessment.kind == PacketKind::Inspection;
    let all_files = Rc::new(assessment.attachments.clone());
    let files_on = |item: &str, finding: Option<&str>| {
        html! {
            <Files assessment={assessment.id.clone()} item={item.to_owned()} finding={finding.map(|f| AttrValue::from(f.to_owned()))}
                all={all_files.clone()} {locked} on_edit={on_change.clone()} />
        }
    };
    let sections = template.doc().sections.iter().zip(&sheet.sections).map(|(section, sub)| {
        let items = section.items.iter().filter_map(|item| {
            let item_score = sheet.items.iter().find(|s| s.id == item.id)?;
            if item_score.status == ItemStatus::Hidden {
                return None;
            }
            let input = assessment.inputs.get(&item.id).cloned().unwrap_or_default();
            let on_finding = |finding: &str| files_on(&item.id, Some(finding));
            let findings = inspection.then(|| {
                item_findings(ctx.lang, &item.id, &assessment.findings, locked, &on_change, &on_finding)
            });
            let reason = item_score.reason_text(template, ctx.lang);
            let needs_note = sheet.completeness.unexplained.contains(&item.id);
            // A due date the checklist fixes, shown before it is answered.
            let due = match &item.rule {
                Rule::Deadline { due: Some(due), .. } => period.and_then(|p| p.due(due)).map(|d| {
                    i18n::fill(ctx.t(T::DueFixed), &[("d", &d.to_string())])
                }),
                _ => None,
            };
            let said = Said { score: item_score, problem: problems.get(&item.id), reason, needs_note, due };
            let mut files = files_on(&item.id, None);
            if inspection && evaluation::takes_figure(item) {
                files = html! { <>{ figures(&ctx, &editing.figures) }{ files }</> };
            }
            Some(item_view(ctx.lang, item, said, input, locked, &on_input, files, findings))
        });
        html! {
            <details class="section" open=true>
                <summary>
                    <span class="title">{ section.title.get(ctx.lang) }</span>
                    <span class="sub num">{ figure_text(ctx.lang, &sub.figure(template)) }</span>
                </summary>
                { for items }
            </details>
        }
    });
    html! {
        <main class="fill" data-testid="app-ready">
            <div class="head">
                <h1>{ template.doc().title.get(ctx.lang) }</h1>
                <p class="muted" data-testid="assessed">{ assessment.assessed() }{ " · " }{ &assessment.period }{ " · " }
                    { t(if inspection { T::KindInspection } else { T::KindSelf }) }</p>
            </div>
            if !locked {
                <super::new::FactsEditor unit={assessment.unit.clone()} period={assessment.period.clone()}
                    kind={assessment.kind} per={template.doc().period} on_edit={on_change.clone()} />
            }
            { summary(&ctx, template, assessment, &sheet, &editing.save) }
            { for locked_bar }
            { for sections }
            { overall_note(ctx.lang, &assessment.note, locked, &on_change) }
            <nav class="actions no-print">
                <a class="button" href={Route::Review(assessment.id.clone()).href()} data-testid="go-review">{ t(T::Review) }</a>
                <a class="button primary" href={Route::Sign(assessment.id.clone()).href()} data-testid="go-sign">{ t(T::Sign) }</a>
            </nav>
        </main>
    }
}

/// On an inspection's 民主测评 item: what the intake published for the
/// unit's persons in the period, to score it by.
fn figures(ctx: &super::Ctx, figures: &[crate::sync::Figure]) -> Html {
    if figures.is_empty() {
        return Html::default();
    }
    let lines = figures.iter().map(|f| {
        let line = i18n::fill(
            ctx.t(T::FigureLine),
            &[
                ("n", &f.name),
                ("p", &f.post),
                ("s", f.satisfaction.as_deref().unwrap_or("—")),
                ("b", &f.ballots.to_string()),
            ],
        );
        html! {
            <li data-testid="figure">
                { line }
                if f.talk_due { { " " }<strong class="error">{ ctx.t(T::TalkDue) }</strong> }
            </li>
        }
    });
    html! {
        <div class="notice" data-testid="figures">
            <b>{ ctx.t(T::Figures) }</b>
            <ul>{ for lines }</ul>
        </div>
    }
}

/// The note on the assessment as a whole (总体说明), kept as it is typed.
fn overall_note(lang: i18n::Lang, note: &str, locked: bool, on_change: &OnEdit) -> Html {
    let oninput = on_change.reform(|e: InputEvent| {
        let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        (Change::Note(el.value()), state::Edit::Typing)
    });
    html! {
        <section class="section overall-note">
            <label>
                <b>{ T::OverallNote.get(lang) }</b>
                <span class="muted">{ T::OverallNoteHint.get(lang) }</span>
                <textarea data-testid="overall-note-input" rows="3" value={note.to_owned()} disabled={locked} {oninput} />
            </label>
        </section>
    }
}

fn summary(
    ctx: &super::Ctx,
    template: &Template,
    a: &Assessment,
    sheet: &ScoreSheet,
    save: &SaveState,
) -> Html {
    let t = |k: T| ctx.t(k);
    let c = &sheet.completeness;
    let progress = format!("{}/{}", c.answered, c.required.max(1));
    let missing = c.missing.iter().map(|id| {
        let target = format!("item-{id}");
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(el) = gloo::utils::document().get_element_by_id(&target) {
                el.scroll_into_view();
            }
        });
        html! { <a href="" {onclick} data-testid={format!("missing-{id}")}>{ id }</a> }
    });
    html! {
        <aside class="summary" aria-live="polite">
            <div class="score">
                <span class="label">{ t(T::Total) }</span>
                <span class="total num" data-testid="total-score">{ sheet.total.to_string() }</span>
                <span class="muted">{ " / " }{ sheet.max.to_string() }</span>
                <span class="grade" data-testid="grade">
                    { sheet.grade_label(template, ctx.lang).unwrap_or_default() }
                </span>
            </div>
            <div class="progress" data-testid="completeness">
                <progress max={c.required.max(1).to_string()} value={c.answered.to_string()} title={progress}></progress>
                <span>{ i18n::fill(t(T::Completeness), &[("a", &c.answered.to_string()), ("r", &c.required.to_string())]) }</span>
            </div>
            <SaveStatus state={save.clone()} />
            if !c.missing.is_empty() && a.status == Status::Draft {
                <details class="missing">
                    <summary>{ t(T::Missing) }{ c.missing.len() }</summary>
                    <p>{ for missing }</p>
                </details>
            }
        </aside>
    }
}
