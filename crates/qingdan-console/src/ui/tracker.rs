//! 跟踪: where each unit of a round stands on a day (today unless another
//! is chosen). The counts on top, buttons that keep one status, the units
//! a page at a time, and the whole as an Excel workbook. The day, the
//! filter and the page are in the URL, so a reload keeps them. Scores are
//! shown exactly as the intake gives them.

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::api::{self, ApiError, TrackerQuery, UnitRow, UnitStatus};
use crate::ctx::use_ctx;
use crate::hooks::use_tracker;
use crate::i18n::{self, T};
use crate::messages::{self, Message};
use crate::route::{self, Route};
use crate::state::Notice;
use crate::time;

/// Which round, and which page of it.
#[derive(Properties, PartialEq)]
pub struct TrackerProps {
    /// The round's id.
    pub id: String,
    /// The page, the filter and the day, as the URL names them.
    pub query: TrackerQuery,
}

/// The tracker page.
#[function_component]
pub fn TrackerPage(props: &TrackerProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    // The day judged on: the one in the URL, or today here.
    let as_of = props.query.as_of.clone().unwrap_or_else(time::today);
    let asked = TrackerQuery {
        as_of: Some(as_of.clone()),
        ..props.query.clone()
    };
    let state = use_tracker(&ctx, &props.id, &asked);
    let go = {
        let (id, query) = (props.id.clone(), props.query.clone());
        move |change: &dyn Fn(&mut TrackerQuery)| {
            let mut next = query.clone();
            change(&mut next);
            route::go(&Route::Tracker(id.clone(), next));
        }
    };
    let on_day = {
        let go = go.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let day = input.value();
            go(&|q: &mut TrackerQuery| {
                q.as_of = api::is_day(&day).then(|| day.clone());
                q.page = 1;
            });
        })
    };
    let filter = |status: Option<UnitStatus>| {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| {
            go(&|q: &mut TrackerQuery| {
                q.status = status;
                q.page = 1;
            })
        })
    };
    let to_page = |page: u64| {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(&|q: &mut TrackerQuery| q.page = page))
    };
    let print = Callback::from(|_: MouseEvent| {
        let _ = gloo::utils::window().print();
    });

    let back = html! {
        <p class="no-print"><a href="#/rounds" data-testid="back-to-rounds">{ t(T::BackToRounds) }</a></p>
    };
    let Some(page) = &state.page else {
        let body = match &state.error {
            Some(ApiError::Refused(p)) if p.status == 404 => {
                html! { <p class="notice error" data-testid="tracker-error">{ t(T::NoSuchRound) }</p> }
            }
            Some(e) => notice_view(
                &Notice::Error(Message::Api(e.clone())),
                ctx.lang,
                "tracker-error",
            ),
            None => html! { <p>{ t(T::Loading) }</p> },
        };
        return html! { <main data-testid="tracker" data-ready="false">{ back }{ body }</main> };
    };
    let round = &page.round;
    let title = state.words.title.as_ref().map_or_else(
        || round.template_id.clone(),
        |(zh, en)| match ctx.lang {
            i18n::Lang::Zh => zh.clone(),
            i18n::Lang::En => en.clone(),
        },
    );
    let heading = i18n::fill(
        t(T::RoundTitle),
        &[
            ("checklist", &title),
            ("v", &round.template_version.to_string()),
            ("period", &round.period),
            ("kind", &messages::kind_label(ctx.lang, &round.kind)),
        ],
    );
    let count = |testid: &'static str, label: T, n: u64, status: &'static str| {
        html! {
            <div class={classes!("count", status)} data-testid={testid} data-count={n.to_string()}>
                <span class="label">{ t(label) }</span>
                <strong class="num">{ n }</strong>
            </div>
        }
    };
    let counts = &page.counts;
    let shown = props.query.status;
    let filter_button = |status: Option<UnitStatus>| {
        let (testid, label) = match status {
            None => ("filter-all".to_owned(), t(T::FilterAll)),
            Some(s) => (
                format!("filter-{}", s.as_str()),
                t(messages::status_label(s)),
            ),
        };
        html! {
            <button type="button" class={classes!((shown == status).then_some("chosen"))}
                    aria-pressed={(shown == status).to_string()} data-testid={testid}
                    onclick={filter(status)}>
                { label }
            </button>
        }
    };
    let (previous, next) = state.paging();
    let rows = page.units.iter().map(|unit| row(&ctx, &state.words, unit));
    let problem = state.error.as_ref().map(|e| {
        notice_view(
            &Notice::Error(Message::Api(e.clone())),
            ctx.lang,
            "tracker-error",
        )
    });
    html! {
        <main class="tracker" data-testid="tracker" data-ready={(!state.loading).to_string()}
              data-round-id={round.id.clone()} data-as-of={page.as_of.clone()}>
            { back }
            <h1 data-testid="tracker-title">{ heading }</h1>
            <p class="facts">
                <span data-testid="tracker-deadline">{ i18n::fill(t(T::DeadlineIs), &[("d", &round.deadline)]) }</span>
                { " · " }
                <span>{ t(T::AsOf) }{ " " }{ &page.as_of }</span>
                if page.past_deadline {
                    { " · " }<strong class="late" data-testid="past-deadline">{ t(T::PastDeadline) }</strong>
                }
            </p>
            <div class="controls no-print">
                <label>{ t(T::AsOf) }
                    <input type="date" value={as_of.clone()} onchange={on_day} data-testid="as-of" />
                </label>
                <a class="button" href={api::xlsx_url(&round.id, &as_of)} download=""
                   data-testid="download-xlsx">{ t(T::DownloadXlsx) }</a>
                <button type="button" onclick={print} data-testid="print">{ t(T::Print) }</button>
            </div>
            <div class="counts" data-testid="counts">
                { count("count-units", T::UnitsTotal, counts.units, "units") }
                { count("count-missing", T::StatusMissing, counts.missing, "missing") }
                { count("count-submitted", T::StatusSubmitted, counts.submitted, "submitted") }
                { count("count-refused", T::StatusRefused, counts.refused, "refused") }
                { count("count-overdue", T::StatusOverdue, counts.overdue, "overdue") }
            </div>
            <div class="filters no-print" role="group" data-testid="filters">
                { filter_button(None) }
                { for UnitStatus::ALL.into_iter().map(|s| filter_button(Some(s))) }
            </div>
            { problem }
            { list_table(ctx.lang, "tracker-table", &[Col::Head(T::UnitCode), Col::Head(T::UnitName), Col::Head(T::Status), Col::Head(T::Received), Col::Head(T::Total), Col::Head(T::Grade), Col::Head(T::RefusedWhy)], rows) }
            if page.units.is_empty() {
                <p class="muted" data-testid="no-units">{ t(T::NoUnitsShown) }</p>
            }
            <div class="pager no-print" data-testid="pager">
                <button type="button" disabled={!previous} onclick={to_page(page.page.saturating_sub(1))}
                        data-testid="page-previous">{ t(T::Previous) }</button>
                <span data-testid="page-info" data-page={page.page.to_string()} data-pages={page.pages.to_string()}>
                    { i18n::fill(t(T::PageOf), &[
                        ("p", &page.page.to_string()),
                        ("n", &page.pages.max(1).to_string()),
                        ("u", &page.total_units.to_string()),
                    ]) }
                </span>
                <button type="button" disabled={!next} onclick={to_page(page.page + 1)}
                        data-testid="page-next">{ t(T::Next) }</button>
            </div>
        </main>
    }
}

/// One unit's row.
fn row(ctx: &crate::ctx::Ctx, words: &api::ChecklistWords, unit: &UnitRow) -> Html {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let refusal = match (&unit.refused_code, unit.status) {
        (Some(code), UnitStatus::Refused) => {
            let detail = text(&unit.refused_detail);
            html! {
                <span title={detail.clone()} data-code={code.clone()}>
                    { messages::refused_reason(ctx.lang, code, &detail) }
                </span>
            }
        }
        _ => html! {},
    };
    html! {
        <tr data-testid="tracker-row" data-unit={unit.code.clone()} data-status={unit.status.as_str()}>
            <td class="num" data-col="code">{ &unit.code }</td>
            <td data-col="name">{ &unit.name }</td>
            <td data-col="status">
                <span class={classes!("status", unit.status.as_str())}>
                    { ctx.t(messages::status_label(unit.status)) }
                </span>
            </td>
            <td class="num" data-col="received">{ unit.received_at.as_deref().map(time::local) }</td>
            <td class="num" data-col="total">
                if let Some(id) = &unit.packet_id {
                    <a href={Route::Packet(id.clone()).href()} data-testid="packet-link"
                       data-packet-id={id.clone()}>{ text(&unit.total) }</a>
                } else {
                    { text(&unit.total) }
                }
            </td>
            <td data-col="grade" data-grade={unit.grade.clone()}>
                { unit.grade.as_deref().map(|g| words.grade(g, ctx.lang)) }
            </td>
            <td data-col="refused">{ refusal }</td>
        </tr>
    }
}
