//! 操作记录: what administrators did — by the console, a token or the
//! command line — newest first, a page at a time ("more" adds the next).

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::ctx::use_ctx;
use crate::hooks::use_audit;
use crate::i18n::T;
use crate::messages::{self, Message};
use crate::state::Notice;
use crate::time;

/// The audit page.
#[function_component]
pub fn AuditPage() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let (state, more) = use_audit(&ctx);
    let rows = state.entries.iter().map(|e| {
        html! {
            <tr data-testid="audit-entry" data-id={e.id.to_string()} data-action={e.action.clone()}
                data-actor={e.actor.clone()}>
                <td class="num">{ time::local(&e.at) }</td>
                <td>{ messages::actor_label(ctx.lang, &e.actor) }</td>
                <td title={e.action.clone()}>{ messages::action_label(ctx.lang, &e.action) }</td>
                <td class="mono">{ &e.detail }</td>
            </tr>
        }
    });
    let error = state.error.as_ref().map(|e| {
        notice_view(
            &Notice::Error(Message::Api(e.clone())),
            ctx.lang,
            "audit-error",
        )
    });
    html! {
        <main data-testid="audit-page" data-ready={(state.loaded && !state.loading).to_string()}>
            <h1>{ t(T::AuditLog) }</h1>
            { error }
            if state.loaded && state.entries.is_empty() {
                <p class="muted" data-testid="no-audit">{ t(T::NoAudit) }</p>
            } else {
                { list_table(ctx.lang, "audit-table", &[Col::Head(T::At), Col::Head(T::Actor), Col::Head(T::Action), Col::Head(T::Detail)], rows) }
            }
            if state.next.is_some() {
                <p class="no-print">
                    <button type="button" disabled={state.loading} onclick={more.reform(|_: MouseEvent| ())}
                            data-testid="audit-more">{ t(T::More) }</button>
                </p>
            }
        </main>
    }
}
