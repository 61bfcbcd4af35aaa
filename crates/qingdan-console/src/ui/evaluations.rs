//! 民主测评: the evaluations with their slips and ballots, one made from
//! its JSON file, its sheet of ballot slips made once and opened to print,
//! closing one, and each person's weighted satisfaction once published,
//! those under the threshold flagged 约谈.

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::client;
use crate::ctx::use_ctx;
use crate::hooks::{change, send_file, use_listing};
use crate::i18n::{self, T};
use crate::messages::Message;
use crate::registry::{EvaluationListed, PersonFigure};
use crate::time;

/// A sheet of ballot slips made: which evaluation, where the browser holds
/// it, how many slips.
#[derive(Debug, Clone, PartialEq)]
struct Sheet {
    id: String,
    url: String,
    slips: usize,
}

/// The evaluations page.
#[function_component]
pub fn EvaluationsPage() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let state =
        use_listing::<Vec<EvaluationListed>>(&ctx, format!("{}/evaluations", crate::api::BASE));
    let sheet = use_state(|| None::<Sheet>);
    let figures = use_state(|| None::<(String, Vec<PersonFigure>)>);
    {
        // The sheet's codes leave the browser's memory with the page.
        let url = sheet.as_ref().map(|s| s.url.clone());
        use_effect_with(url, |url| {
            let url = url.clone();
            move || url.iter().for_each(|u| crate::net::forget_url(u))
        });
    }
    let file = use_node_ref();
    let create = {
        let (state, ctx, file) = (state.clone(), ctx.clone(), file.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send_file(
                &state,
                &ctx,
                &file,
                |chosen| async move { client::create_evaluation(&chosen).await },
                |id| Message::Filled(T::EvaluationMade, vec![("id", id)]),
            );
        })
    };
    let make_sheet = |id: &str| {
        let (state, ctx, sheet, id) = (state.clone(), ctx.clone(), sheet.clone(), id.to_owned());
        Callback::from(move |_| {
            let base = gloo::utils::window()
                .location()
                .origin()
                .unwrap_or_default();
            let (sheet, id2) = (sheet.clone(), id.clone());
            let asked = id.clone();
            change(
                &state,
                &ctx,
                async move {
                    let (html, slips) = client::ballot_sheet(&asked, &base).await?;
                    let url =
                        crate::net::html_url(&html).map_err(crate::api::ApiError::Unreachable)?;
                    Ok((url, slips))
                },
                move |(url, slips): (String, usize)| {
                    sheet.set(Some(Sheet {
                        id: id2,
                        url,
                        slips,
                    }));
                    Message::Filled(T::BallotSlipsMade, vec![("n", slips.to_string())])
                },
                Message::Api,
            );
        })
    };
    let close = |id: &str| {
        let (state, ctx, id) = (state.clone(), ctx.clone(), id.to_owned());
        Callback::from(move |_| {
            let asked = id.clone();
            change(
                &state,
                &ctx,
                async move { client::close_evaluation(&asked).await },
                |()| Message::Plain(T::EvaluationClosedNow),
                Message::Api,
            );
        })
    };
    let show = |id: &str| {
        let (state, ctx, figures, id) =
            (state.clone(), ctx.clone(), figures.clone(), id.to_owned());
        Callback::from(move |_| {
            let (figures, asked, shown) = (figures.clone(), id.clone(), id.clone());
            change(
                &state,
                &ctx,
                async move { client::evaluation_figures(&asked).await },
                move |people| {
                    figures.set(Some((shown, people)));
                    Message::Plain(T::ResultShown)
                },
                Message::Api,
            );
        })
    };
    let all = match super::listed(
        &state,
        ctx.lang,
        ("evaluations-page", "evaluations-error"),
        T::EvaluationsTitle,
    ) {
        Ok(all) => all,
        Err(page) => return page,
    };
    let rows = all.iter().map(|e| {
        let (stage, action) = match (&e.closed_at, &e.slips_made_at) {
            (Some(at), _) => (
                ("closed", i18n::fill(t(T::EvaluationClosedAt), &[("t", &time::local(at))])),
                html! { <button type="button" onclick={show(&e.id)} data-testid="evaluation-result">{ t(T::ShowResult) }</button> },
            ),
            (None, Some(_)) => (
                ("open", i18n::fill(t(T::BallotsCast), &[("n", &e.ballots_cast.to_string()), ("of", &e.slips.to_string())])),
                html! { <button type="button" onclick={close(&e.id)} data-testid="evaluation-close">{ t(T::CloseEvaluation) }</button> },
            ),
            (None, None) => (
                ("new", t(T::SlipsToMake).to_owned()),
                html! { <button type="button" class="primary" onclick={make_sheet(&e.id)} data-testid="evaluation-slips">{ t(T::MakeBallotSlips) }</button> },
            ),
        };
        html! {
            <tr data-testid="evaluation-row" data-id={e.id.clone()} data-stage={stage.0}>
                <td class="mono">{ &e.id }</td>
                <td>{ &e.title }</td>
                <td class="num">{ e.slips }</td>
                <td>{ stage.1 }</td>
                <td class="no-print">{ action }</td>
            </tr>
        }
    });
    let sheet_link = sheet.as_ref().map(|s| {
        html! {
            <p data-testid="ballot-sheet" data-evaluation={s.id.clone()} data-slips={s.slips.to_string()}>
                <a class="button primary" href={s.url.clone()} target="_blank" rel="noopener"
                   data-testid="ballot-sheet-open">{ t(T::OpenBallotSheet) }</a>
                <span class="muted">{ " " }{ t(T::BallotSheetOnce) }</span>
            </p>
        }
    });
    let result = figures.as_ref().map(|(id, people)| {
        let rows = people.iter().map(|p| {
            html! {
                <tr data-testid="evaluation-person" data-person={p.id.clone()} data-talk-due={p.talk_due.to_string()}
                    data-satisfaction={p.satisfaction.clone().unwrap_or_default()}>
                    <td>{ &p.name }</td>
                    <td class="num">{ p.satisfaction.as_ref().map_or_else(|| t(T::NoBallots).to_owned(), |s| format!("{s} %")) }</td>
                    <td>if p.talk_due { <strong class="flag">{ t(T::TalkDue) }</strong> }</td>
                </tr>
            }
        });
        html! {
            <section data-testid="evaluation-figures" data-evaluation={id.clone()}>
                <h2>{ i18n::fill(t(T::ResultOf), &[("id", id)]) }</h2>
                { list_table(ctx.lang, "evaluation-people", &[Col::Head(T::Person), Col::Head(T::Satisfaction), Col::Blank], rows) }
            </section>
        }
    });
    html! {
        <main data-testid="evaluations-page" data-ready={(!state.busy).to_string()}>
            <h1>{ t(T::EvaluationsTitle) }</h1>
            <section class="no-print">
                <h2>{ t(T::CreateEvaluation) }</h2>
                <p class="muted">{ t(T::CreateEvaluationHint) }</p>
                <form class="form" onsubmit={create} data-testid="evaluation-create-form">
                    <input ref={file} type="file" accept=".json,application/json" data-testid="evaluation-file" />
                    <button type="submit" class="primary" disabled={state.busy} data-testid="evaluation-create">{ t(T::Create) }</button>
                </form>
                <div class="problems">{ notice_view(&state.notice, ctx.lang, "evaluations-notice") }</div>
                { for sheet_link }
            </section>
            if all.is_empty() {
                <p class="muted" data-testid="no-evaluations">{ t(T::NoEvaluations) }</p>
            } else {
                { list_table(ctx.lang, "evaluations-table", &[Col::Head(T::EvaluationId), Col::Head(T::Title), Col::Head(T::SlipCount), Col::Head(T::Status), Col::Blank], rows) }
            }
            { for result }
        </main>
    }
}
