//! Home: where a new device starts (Settings), the checklists, my
//! assessments, and the backup warning.

use qingdan_core::packet::PacketKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::upload::UploadStatus;
use super::{Ctx, Route, use_ctx};
use crate::hooks::use_home;
use crate::i18n::{self, T};
use crate::model::{self, Status};
use crate::services::{self, IMPORT_TYPES};
use crate::state::home::{self as state, HomeAction, ImportProblem};
use crate::sync::PacketStatus;
use crate::web;

/// The label of `status`.
pub fn status_label(status: Status) -> T {
    match status {
        Status::Draft => T::StatusDraft,
        Status::Signed => T::StatusSigned,
        Status::Exported => T::StatusExported,
    }
}

/// The home screen.
#[function_component]
pub fn Home() -> Html {
    let ctx = use_ctx();
    let home = use_home();
    let t = |k: T| ctx.t(k);
    let Some(list) = &home.assessments else {
        return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
    };

    let on_import = {
        let (ctx, dispatcher) = (ctx.clone(), home.dispatcher());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (ctx, dispatcher) = (ctx.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some((name, bytes)) = web::read_chosen_bytes(&input).await else {
                    return;
                };
                match services::import_checklist(&ctx, &name, bytes).await {
                    Ok(done) => {
                        dispatcher.dispatch(HomeAction::Imported(done));
                        ctx.reload.emit(());
                    }
                    Err((why, problems)) => dispatcher.dispatch(HomeAction::Refused(why, problems)),
                }
            });
        })
    };

    let export_all = {
        let (ctx, list, dispatcher) = (ctx.clone(), list.clone(), home.dispatcher());
        Callback::from(move |_| {
            let (ctx, list, dispatcher) = (ctx.clone(), list.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(why) = services::export_backup(&ctx, &list).await {
                    dispatcher.dispatch(HomeAction::Failed(why));
                }
            });
        })
    };

    let only_here = state::only_here(list, |a| {
        matches!(
            ctx.outbox.status_of(&a.id),
            Some((_, PacketStatus::Received(_)))
        )
    });
    let first_step = home.first_step(ctx.outbox.link().is_some());
    let step_of = |step: T| {
        if step == T::FirstRunNoKey {
            "key"
        } else {
            "enroll"
        }
    };
    let first_step_attr = home.device.map(|_| first_step.map_or("none", step_of));
    // New assessments take a checklist's latest version; older ones stay
    // for the drafts that use them.
    let latest = ctx.entries.iter().filter(|entry| {
        !ctx.entries
            .iter()
            .any(|other| other.head.id == entry.head.id && other.head.version > entry.head.version)
    });
    let templates = latest.map(|entry| {
        let head = &entry.head;
        let key = model::template_key(&head.id, head.version);
        let href = Route::New(key).href();
        html! {
            <li>
                <a class="card" href={href} data-testid={format!("template-{}", head.id)} data-version={head.version.to_string()}>
                    <strong>{ head.title.get(ctx.lang) }</strong>
                    <span class="muted">
                        { head.responsibility.label(ctx.lang) }{ " · " }
                        { i18n::fill(t(T::Items), &[("n", &head.items.to_string())]) }{ " · v" }{ head.version }
                        { " · " }{ if entry.bundled { t(T::Bundled) } else { t(T::Imported) } }
                    </span>
                </a>
            </li>
        }
    });
    let rows = list.iter().map(|a| {
        let total = ctx.template(&a.template_id, a.template_version).map(|tpl| {
            let title = tpl.doc().title.get(ctx.lang);
            if a.kind == PacketKind::Rectification {
                // A rectification scores nothing: it says how many findings it answers.
                let answered = a.rectifications.len().to_string();
                let of = a.findings.len().to_string();
                return (
                    format!("{} · {title}", t(T::Rectification)),
                    i18n::fill(t(T::Answered), &[("a", &answered), ("n", &of)]),
                );
            }
            (title.to_owned(), model::sheet_of(&tpl, a).total.to_string())
        });
        let (title, total) = total.unwrap_or_else(|| (a.template_id.clone(), "—".into()));
        html! {
            <tr data-testid={format!("assessment-{}", a.id)} data-status={a.status.as_str()}>
                <td><a href={Route::Fill(a.id.clone()).href()}>{ a.assessed() }{ " (" }{ &a.unit.code }{ ")" }</a></td>
                <td>{ title }</td>
                <td>{ &a.period }</td>
                <td><span class={classes!("status", a.status.as_str())}>{ t(status_label(a.status)) }</span></td>
                <td><UploadStatus assessment={a.id.clone()} /></td>
                <td class="num">{ total }</td>
                <td class="muted" data-testid="last-change">{ crate::time::local(&a.updated_at) }</td>
            </tr>
        }
    });
    html! {
        <main class="home" data-testid="app-ready" data-first-step={first_step_attr}>
            if let Some(step) = first_step {
                <div class="warning first-run" role="status" data-testid="first-run"
                     data-step={step_of(step)}>
                    <span>{ t(step) }</span>
                    <a class="button primary" href={Route::Settings.href()} data-testid="first-run-settings">{ t(T::GoToSettings) }</a>
                </div>
            }
            if only_here > 0 {
                <div class="warning" role="status" data-testid="device-only-warning">
                    <span>{ i18n::fill(t(T::DeviceOnly), &[("n", &only_here.to_string())]) }</span>
                    <button onclick={export_all} data-testid="export-all">{ t(T::ExportAll) }</button>
                </div>
            }
            { home.notice.view("home-notice") }
            <section>
                <h2>{ t(T::Checklists) }</h2>
                <ul class="cards">{ for templates }</ul>
                <label class="file">
                    { t(T::ImportChecklist) }
                    <input type="file" accept={IMPORT_TYPES} onchange={on_import} data-testid="import-template" />
                </label>
                if !home.import_problems.is_empty() {
                    <ul class="errors" data-testid="import-errors">
                        { for home.import_problems.iter().map(|p| problem_view(&ctx, p)) }
                    </ul>
                }
            </section>
            <section>
                <h2>{ t(T::MyAssessments) }</h2>
                if list.is_empty() {
                    <p class="muted">{ t(T::NoAssessments) }</p>
                } else {
                    <table class="list">
                        <thead><tr>
                            <th>{ t(T::Unit) }</th><th>{ t(T::Checklist) }</th><th>{ t(T::Period) }</th>
                            <th>{ t(T::StatusCol) }</th><th>{ t(T::Upload) }</th><th>{ t(T::Score) }</th><th>{ t(T::LastChange) }</th>
                        </tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                }
            </section>
        </main>
    }
}

/// One problem of a refused checklist; the reader's own words, when they
/// are not the user's language, folded under 原文.
fn problem_view(ctx: &Ctx, p: &ImportProblem) -> Html {
    html! {
        <li>
            { &p.text }
            if let Some(detail) = &p.detail {
                <details class="detail">
                    <summary>{ ctx.t(T::Original) }</summary>
                    <code>{ detail }</code>
                </details>
            }
        </li>
    }
}
