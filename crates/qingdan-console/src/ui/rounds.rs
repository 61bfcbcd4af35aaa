//! 考核批次: the rounds made, the latest first, each with a link to its
//! tracker; and the form that makes a new one (a published checklist, the
//! period, the kind, the deadline; every registered unit).

use yew::prelude::*;

use super::{Col, input_text, list_table, notice_view, select_value};
use crate::client;
use crate::ctx::use_ctx;
use crate::hooks::use_rounds;
use crate::i18n::{self, T};
use crate::messages::{self, Message, RoundField};
use crate::route::Route;
use crate::state::Notice;
use crate::state::rounds::{self as form, RoundForm, RoundsAction};
use crate::time;

/// The rounds page.
#[function_component]
pub fn RoundsPage() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let state = use_rounds(&ctx);
    let (checklist, period, kind, deadline) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let submit = {
        let (checklist, period, kind, deadline) = (
            checklist.clone(),
            period.clone(),
            kind.clone(),
            deadline.clone(),
        );
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let typed = RoundForm {
                checklist: select_value(&checklist),
                period: input_text(&period),
                kind: select_value(&kind),
                deadline: input_text(&deadline),
            };
            let round = match form::check(&typed) {
                Ok(round) => round,
                Err((field, why)) => return dispatcher.dispatch(RoundsAction::Wrong(field, why)),
            };
            dispatcher.dispatch(RoundsAction::Sending);
            let (dispatcher, ctx) = (dispatcher.clone(), ctx.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match client::create_round(&round).await {
                    Ok(made) => dispatcher.dispatch(RoundsAction::Created(made)),
                    Err(e) => dispatcher.dispatch(RoundsAction::Refused(ctx.check(e))),
                }
            });
        })
    };
    if let Some(e) = &state.failed {
        return html! {
            <main data-testid="rounds-page" data-ready="false">
                <h1>{ t(T::Rounds) }</h1>
                { notice_view(&Notice::Error(Message::Api(e.clone())), ctx.lang, "rounds-error") }
            </main>
        };
    }
    let (Some(checklists), Some(rounds)) = (&state.checklists, &state.rounds) else {
        return html! { <main data-testid="rounds-page" data-ready="false">{ t(T::Loading) }</main> };
    };
    let wrong = |field: RoundField| (state.field == Some(field)).then_some("wrong");
    // Each default is marked: Yew adds a select's options last first, and
    // the browser would keep the first one added (the last) chosen.
    let options = checklists.iter().enumerate().map(|(i, c)| {
        let label = i18n::fill(
            t(T::ChecklistVersion),
            &[("title", &c.title), ("id", &c.id), ("v", &c.version.to_string())],
        );
        html! {
            <option value={form::checklist_key(&c.id, c.version)} selected={i == 0}>{ label }</option>
        }
    });
    let new_round = if checklists.is_empty() {
        html! { <p class="notice warn" data-testid="no-checklists">{ t(T::NoChecklists) }</p> }
    } else {
        html! {
            <form class="form grid" onsubmit={submit} data-testid="round-form">
                <label class={classes!(wrong(RoundField::Template))}>{ t(T::Checklist) }
                    <select ref={checklist} data-testid="round-template" data-field="template">
                        { for options }
                    </select>
                </label>
                <label class={classes!(wrong(RoundField::Period))}>{ t(T::Period) }
                    <input ref={period} type="text" placeholder={t(T::PeriodHint)}
                           data-testid="round-period" data-field="period" />
                </label>
                <label class={classes!(wrong(RoundField::Kind))}>{ t(T::Kind) }
                    <select ref={kind} data-testid="round-kind" data-field="kind">
                        <option value="self-assessment" selected=true>{ t(T::KindSelf) }</option>
                        <option value="inspection">{ t(T::KindInspection) }</option>
                    </select>
                </label>
                <label class={classes!(wrong(RoundField::Deadline))}>{ t(T::Deadline) }
                    <input ref={deadline} type="date" data-testid="round-deadline" data-field="deadline" />
                </label>
                <p class={classes!("units", wrong(RoundField::Units))}>
                    { t(T::Units) }{ "：" }{ t(T::AllUnits) }
                </p>
                <div class="actions">
                    <button type="submit" class="primary" disabled={state.busy} data-testid="round-submit">
                        { t(T::Create) }
                    </button>
                </div>
            </form>
        }
    };
    let notice = html! {
        <div data-field-wrong={state.field.map(RoundField::as_str)}>
            { notice_view(&state.notice, ctx.lang, "round-notice") }
        </div>
    };
    let rows = rounds.iter().map(|r| {
        let track = Route::Tracker(r.id.clone(), Default::default()).href();
        html! {
            <tr data-testid="round-row" data-round-id={r.id.clone()}>
                <td>{ &r.template_id }<span class="muted">{ format!(" v{}", r.template_version) }</span></td>
                <td>{ &r.period }</td>
                <td>{ messages::kind_label(ctx.lang, &r.kind) }</td>
                <td class="num">{ &r.deadline }</td>
                <td class="num">{ r.units }</td>
                <td class="num">{ time::local(&r.created_at) }</td>
                <td class="no-print">
                    <a href={track} data-testid="round-track" data-round-id={r.id.clone()}>{ t(T::Track) }</a>
                </td>
            </tr>
        }
    });
    html! {
        <main data-testid="rounds-page" data-ready="true">
            <h1>{ t(T::Rounds) }</h1>
            <section class="no-print">
                <h2>{ t(T::NewRound) }</h2>
                { new_round }
                { notice }
            </section>
            if rounds.is_empty() {
                <p class="muted" data-testid="no-rounds">{ t(T::NoRounds) }</p>
            } else {
                { list_table(ctx.lang, "rounds-list", &[Col::Head(T::Checklist), Col::Head(T::Period), Col::Head(T::Kind), Col::Head(T::Deadline), Col::Head(T::UnitCount), Col::Head(T::CreatedAt), Col::Actions], rows) }
            }
        </main>
    }
}
