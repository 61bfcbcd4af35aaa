//! The reports' and packets' effects, as hooks beside [`crate::hooks`]:
//! each runs its requests in an effect and dispatches the outcome to its
//! page's state ([`crate::state::reports`], [`crate::state::packet`]); an
//! answer that arrives after another was asked for is dropped.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::client;
use crate::ctx::Ctx;
use crate::state::packet::{PacketAction, PacketState};
use crate::state::reports::{Reports, ReportsAction, ReportsQuery};

/// The published checklists and the latest round, read once, and the
/// report `asked` names with what it leaves out filled in (the latest
/// round's, or the first checklist this year:
/// [`ReportsQuery::filled`]), read again whenever that changes. Answers
/// the state and the query filled in (`None` until it can be).
#[hook]
pub fn use_reports(
    ctx: &Ctx,
    asked: &ReportsQuery,
) -> (UseReducerHandle<Reports>, Option<ReportsQuery>) {
    let state = use_reducer(Reports::default);
    let today = crate::time::today();
    let this_year = today.get(..4).unwrap_or(&today);
    let query = state
        .checklists
        .as_ref()
        .and_then(|list| asked.filled(list, state.round.as_ref(), this_year));
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let read = async { Ok((client::checklists().await?, client::rounds().await?)) };
                match read.await {
                    // The latest made first.
                    Ok((list, rounds)) => dispatcher
                        .dispatch(ReportsAction::Checklists(list, rounds.into_iter().next())),
                    Err(e) => dispatcher.dispatch(ReportsAction::Failed(ctx.check(e))),
                }
            });
        });
    }
    let latest = use_mut_ref(|| 0u64);
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with(query.clone(), move |query| {
            let asked = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            if let Some(query) = query.clone() {
                dispatcher.dispatch(ReportsAction::Loading);
                spawn_local(async move {
                    let read = client::report(&query).await;
                    if *latest.borrow() != asked {
                        return;
                    }
                    match read {
                        Ok(report) => dispatcher.dispatch(ReportsAction::Loaded(query, report)),
                        Err(e) => dispatcher.dispatch(ReportsAction::Failed(ctx.check(e))),
                    }
                });
            }
        });
    }
    (state, query)
}

/// Packet `id`'s score sheet, read again when `id` changes.
#[hook]
pub fn use_packet_sheet(ctx: &Ctx, id: &str) -> UseReducerHandle<PacketState> {
    let state = use_reducer(PacketState::default);
    let latest = use_mut_ref(|| 0u64);
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with(id.to_owned(), move |id| {
            let asked = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let id = id.clone();
            dispatcher.dispatch(PacketAction::Loading);
            spawn_local(async move {
                let read = client::packet_sheet(&id).await;
                if *latest.borrow() != asked {
                    return;
                }
                match read {
                    Ok(sheet) => dispatcher.dispatch(PacketAction::Loaded(Box::new(sheet))),
                    Err(e) => dispatcher.dispatch(PacketAction::Failed(ctx.check(e))),
                }
            });
        });
    }
    state
}
