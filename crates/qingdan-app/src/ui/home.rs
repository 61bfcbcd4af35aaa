//! Home: the checklists, my assessments, and the backup warning.

use qingdan_core::Template;
use qingdan_core::packet::PacketKind;
use serde_json::json;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::upload::UploadStatus;
use super::{Notice, Route, use_ctx};
use crate::i18n::{self, T};
use crate::model::{self, Assessment, Status, TemplateRecord};
use crate::store::{Durability, TEMPLATES};
use crate::web;

/// The label of `status`.
pub fn status_label(status: Status) -> T {
    match status {
        Status::Draft => T::StatusDraft,
        Status::Signed => T::StatusSigned,
        Status::Exported => T::StatusExported,
    }
}

fn newest_first(mut list: Vec<Assessment>) -> Vec<Assessment> {
    list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    list
}

/// The files a checklist is imported from: its JSON, or a workbook in the
/// layout of `crates/qingdan-sheet/README.md`.
const IMPORT_TYPES: &str = ".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A chosen file as checklist JSON: a workbook (`.xlsx`) is read sheet by
/// sheet, every problem named by its cell; anything else must be UTF-8.
async fn checklist_text(name: &str, bytes: &[u8]) -> Result<String, Vec<String>> {
    if name.to_lowercase().ends_with(".xlsx") {
        return web::read_workbook(bytes).await.map_err(|problems| {
            problems
                .iter()
                .map(|p| format!("{name}: {p}"))
                .collect::<Vec<_>>()
        });
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        vec![format!(
            "{name}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )]
    })
}

/// The home screen.
#[function_component]
pub fn Home() -> Html {
    let ctx = use_ctx();
    let assessments = {
        let preloaded = ctx.preloaded.clone();
        use_state(move || preloaded.borrow_mut().take().map(newest_first))
    };
    let notice = use_state(|| Notice::None);
    let import_errors = use_state(Vec::<String>::new);
    {
        let assessments = assessments.clone();
        let notice = notice.clone();
        let ctx = ctx.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match ctx.store.assessments().await {
                    Ok(list) => assessments.set(Some(newest_first(list))),
                    Err(e) => {
                        notice.set(Notice::Error(ctx.store_error(&e)));
                        assessments.set(Some(Vec::new()));
                    }
                }
            });
        });
    }
    let t = |k: T| ctx.t(k);
    let Some(list) = &*assessments else {
        return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
    };

    let on_import = {
        let ctx = ctx.clone();
        let notice = notice.clone();
        let import_errors = import_errors.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let ctx = ctx.clone();
            let notice = notice.clone();
            let import_errors = import_errors.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some((name, bytes)) = web::read_chosen_bytes(&input).await else {
                    return;
                };
                let read = match bytes {
                    Ok(bytes) => checklist_text(&name, &bytes).await,
                    Err(e) => Err(vec![format!("{name}: {e}")]),
                };
                let text = match read {
                    Ok(text) => text,
                    Err(problems) => {
                        notice.set(Notice::Error(ctx.t(T::ImportFailed).into()));
                        import_errors.set(problems);
                        return;
                    }
                };
                match Template::parse(&text) {
                    Err(errors) => {
                        notice.set(Notice::Error(ctx.t(T::ImportFailed).into()));
                        import_errors.set(errors.0.iter().map(|e| e.to_string()).collect());
                    }
                    Ok(template) => {
                        let record = TemplateRecord {
                            key: model::template_key(template.id(), template.version()),
                            source: text,
                            imported_at: web::now(),
                        };
                        match ctx.store.put(TEMPLATES, &record, Durability::Strict).await {
                            Ok(()) => {
                                import_errors.set(Vec::new());
                                let title = template.doc().title.get(ctx.lang).to_owned();
                                notice.set(Notice::Ok(i18n::fill(
                                    ctx.t(T::ImportedChecklist),
                                    &[("name", &title)],
                                )));
                                ctx.reload.emit(());
                            }
                            Err(e) => notice.set(Notice::Error(ctx.store_error(&e))),
                        }
                    }
                }
            });
        })
    };

    let export_all = {
        let ctx = ctx.clone();
        let list = list.clone();
        let notice = notice.clone();
        Callback::from(move |_| {
            let ctx = ctx.clone();
            let list = list.clone();
            let notice = notice.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let packets = ctx.store.packets().await.unwrap_or_default();
                let backup = json!({
                    "format": "qingdan.backup/1",
                    "exported_at": web::now(),
                    "assessments": list,
                    "packets": packets,
                });
                let name = format!("qingdan-backup-{}.json", web::now().replace(':', ""));
                if let Err(e) = web::download(&name, &backup.to_string(), "application/json") {
                    notice.set(Notice::Error(e));
                }
            });
        })
    };

    let only_here = list.iter().filter(|a| a.status != Status::Exported).count();
    // New assessments take a checklist's latest version; older ones stay
    // for the drafts that use them.
    let latest = ctx.entries.iter().filter(|entry| {
        !ctx.entries.iter().any(|other| {
            other.template.id() == entry.template.id()
                && other.template.version() > entry.template.version()
        })
    });
    let templates = latest.map(|entry| {
        let tpl = &entry.template;
        let doc = tpl.doc();
        let key = model::template_key(tpl.id(), tpl.version());
        let href = Route::New(key).href();
        html! {
            <li>
                <a class="card" href={href} data-testid={format!("template-{}", tpl.id())} data-version={tpl.version().to_string()}>
                    <strong>{ doc.title.get(ctx.lang) }</strong>
                    <span class="muted">
                        { doc.responsibility.label(ctx.lang) }{ " · " }
                        { i18n::fill(t(T::Items), &[("n", &tpl.item_count().to_string())]) }{ " · v" }{ tpl.version() }
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
                <td class="muted">{ &a.updated_at }</td>
            </tr>
        }
    });
    html! {
        <main class="home" data-testid="app-ready">
            if only_here > 0 {
                <div class="warning" role="status" data-testid="device-only-warning">
                    <span>{ i18n::fill(t(T::DeviceOnly), &[("n", &only_here.to_string())]) }</span>
                    <button onclick={export_all} data-testid="export-all">{ t(T::ExportAll) }</button>
                </div>
            }
            { notice.view("home-notice") }
            <section>
                <h2>{ t(T::Checklists) }</h2>
                <ul class="cards">{ for templates }</ul>
                <label class="file">
                    { t(T::ImportChecklist) }
                    <input type="file" accept={IMPORT_TYPES} onchange={on_import} data-testid="import-template" />
                </label>
                if !import_errors.is_empty() {
                    <ul class="errors" data-testid="import-errors">
                        { for import_errors.iter().map(|e| html! { <li>{ e }</li> }) }
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
