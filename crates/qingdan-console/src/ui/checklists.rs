//! 清单: the published checklists with their versions, and publishing a
//! new one from its JSON file or its workbook (checked first; a refusal
//! lists every problem with its place).

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::client;
use crate::ctx::use_ctx;
use crate::hooks::{send_file, use_listing};
use crate::i18n::T;
use crate::messages::Message;
use crate::registry::{self, Published};
use crate::time;

/// The checklists page.
#[function_component]
pub fn ChecklistsPage() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let state = use_listing::<Vec<Published>>(&ctx, format!("{}/templates", crate::api::BASE));
    let file = use_node_ref();
    let publish = {
        let (state, ctx, file) = (state.clone(), ctx.clone(), file.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send_file(
                &state,
                &ctx,
                &file,
                |chosen| async move { client::publish_checklist(&chosen).await },
                |(id, version)| {
                    Message::Filled(T::Published, vec![("id", id), ("v", version.to_string())])
                },
            );
        })
    };
    let all = match super::listed(
        &state,
        ctx.lang,
        ("checklists-page", "checklists-error"),
        T::ChecklistsTitle,
    ) {
        Ok(all) => all,
        Err(page) => return page,
    };
    let groups = registry::by_id(all.clone());
    let rows = groups.iter().flat_map(|(_, versions)| {
        versions.iter().enumerate().map(|(i, c)| {
            html! {
                <tr data-testid="checklist-row" data-id={c.id.clone()} data-version={c.version.to_string()}
                    class={classes!((i > 0).then_some("older"))}>
                    <td class="mono">{ if i == 0 { c.id.clone() } else { String::new() } }</td>
                    <td class="num">{ c.version }</td>
                    <td>{ &c.title }</td>
                    <td class="num">{ time::local(&c.published_at) }</td>
                    <td class="mono" title={c.sha256.clone()}>{ c.sha256.get(..16).unwrap_or(&c.sha256) }</td>
                </tr>
            }
        })
    });
    html! {
        <main data-testid="checklists-page" data-ready={(!state.busy).to_string()}>
            <h1>{ t(T::ChecklistsTitle) }</h1>
            <section class="no-print">
                <h2>{ t(T::PublishChecklist) }</h2>
                <p class="muted">{ t(T::PublishHint) }</p>
                <form class="form" onsubmit={publish} data-testid="checklist-publish-form">
                    <input ref={file} type="file" accept=".json,.xlsx,application/json"
                           data-testid="checklist-file" />
                    <button type="submit" class="primary" disabled={state.busy}
                            data-testid="checklist-publish">{ t(T::Publish) }</button>
                </form>
                <div class="problems">{ notice_view(&state.notice, ctx.lang, "checklist-notice") }</div>
            </section>
            if all.is_empty() {
                <p class="muted" data-testid="no-checklists-yet">{ t(T::NoChecklistsYet) }</p>
            } else {
                { list_table(ctx.lang, "checklists-table", &[Col::Head(T::Checklist), Col::Head(T::Version), Col::Head(T::Title), Col::Head(T::PublishedAt), Col::Head(T::Digest)], rows) }
            }
        </main>
    }
}
