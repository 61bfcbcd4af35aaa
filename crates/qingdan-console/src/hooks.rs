//! The effects, as hooks: the language (kept in `localStorage`), the URL's
//! hash, who is signed in, and each page's requests. Each runs its work in
//! an effect (never while drawing) and dispatches the outcome to its
//! page's state ([`crate::state`]); a page's answer that arrives after
//! another page was asked for is dropped.

use gloo::events::EventListener;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{ApiError, TrackerQuery};
use crate::client;
use crate::ctx::Ctx;
use crate::i18n::{self, Lang};
use crate::messages::Message;
use crate::route::{self, Route};
use crate::state::audit::{Audit, AuditAction};
use crate::state::listing::{Listing, ListingAction};
use crate::state::rounds::{Rounds, RoundsAction};
use crate::state::session::{Auth, AuthAction};
use crate::state::slips::{Sheet, Slips, SlipsAction};
use crate::state::tracker::{TrackerAction, TrackerState};

/// Where the language chosen is kept.
const LANG_KEY: &str = "qingdan-console-lang";

fn local_storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// The language shown (Chinese unless English was chosen on this
/// browser) and a callback that switches it and remembers the choice.
#[hook]
pub fn use_lang() -> (Lang, Callback<Lang>) {
    let lang = use_state(|| {
        let stored = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        i18n::lang_from_code(stored.as_deref().unwrap_or_default())
    });
    let set = {
        let lang = lang.clone();
        Callback::from(move |chosen: Lang| {
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(LANG_KEY, i18n::lang_code(chosen));
            }
            lang.set(chosen);
        })
    };
    // The document's language follows the one shown.
    use_effect_with(*lang, |lang| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("lang", if *lang == Lang::En { "en" } else { "zh-CN" });
        }
    });
    (*lang, set)
}

/// The route the URL's hash names, following its changes.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(route::current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                route.set(route::current());
            });
            move || drop(listener)
        });
    }
    (*route).clone()
}

/// Who is signed in, asked of the intake once at start.
#[hook]
pub fn use_auth() -> UseReducerHandle<Auth> {
    let auth = use_reducer(|| Auth::Checking);
    {
        let dispatcher = auth.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                dispatcher.dispatch(AuthAction::Checked(client::whoami().await));
            });
        });
    }
    auth
}

/// The rounds and the published checklists, read once.
#[hook]
pub fn use_rounds(ctx: &Ctx) -> UseReducerHandle<Rounds> {
    let state = use_reducer(Rounds::default);
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let read = async { Ok((client::rounds().await?, client::checklists().await?)) };
                match read.await {
                    Ok((rounds, checklists)) => {
                        dispatcher.dispatch(RoundsAction::Loaded(checklists, rounds))
                    }
                    Err(e) => dispatcher.dispatch(RoundsAction::LoadFailed(ctx.check(e))),
                }
            });
        });
    }
    state
}

/// The page `query` (its day given) of round `id`'s tracker, read again
/// whenever either changes; the checklist's words once per checklist.
#[hook]
pub fn use_tracker(ctx: &Ctx, id: &str, query: &TrackerQuery) -> UseReducerHandle<TrackerState> {
    let state = use_reducer(TrackerState::default);
    let latest = use_mut_ref(|| 0u64);
    let words_of = use_mut_ref(|| None::<(String, u32)>);
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with((id.to_owned(), query.clone()), move |(id, query)| {
            let asked = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let (id, query) = (id.clone(), query.clone());
            dispatcher.dispatch(TrackerAction::Loading);
            spawn_local(async move {
                let read = client::tracker(&id, &query).await;
                if *latest.borrow() != asked {
                    return;
                }
                match read {
                    Ok(page) => {
                        let checklist =
                            (page.round.template_id.clone(), page.round.template_version);
                        dispatcher.dispatch(TrackerAction::Loaded(Box::new(page)));
                        let known = words_of.borrow().as_ref() == Some(&checklist);
                        if !known {
                            *words_of.borrow_mut() = Some(checklist.clone());
                            let words = client::checklist_words(&checklist.0, checklist.1).await;
                            dispatcher.dispatch(TrackerAction::Words(words));
                        }
                    }
                    Err(e) => dispatcher.dispatch(TrackerAction::Failed(ctx.check(e))),
                }
            });
        });
    }
    state
}

/// A listing page's list, read from `url`, and again whenever `url`
/// changes or a change went through ([`Listing::reads`]); an answer that
/// arrives after another was asked for is dropped.
#[hook]
pub fn use_listing<T>(ctx: &Ctx, url: String) -> UseReducerHandle<Listing<T>>
where
    T: serde::de::DeserializeOwned + Clone + PartialEq + 'static,
{
    let state = use_reducer(Listing::<T>::default);
    let latest = use_mut_ref(|| 0u64);
    {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        use_effect_with((url, state.reads), move |(url, _)| {
            let asked = {
                let mut latest = latest.borrow_mut();
                *latest += 1;
                *latest
            };
            let url = url.clone();
            spawn_local(async move {
                let read = client::read::<T>(&url).await;
                if *latest.borrow() != asked {
                    return;
                }
                match read {
                    Ok(data) => dispatcher.dispatch(ListingAction::Loaded(data)),
                    Err(e) => dispatcher.dispatch(ListingAction::LoadFailed(ctx.check(e))),
                }
            });
        });
    }
    state
}

/// Sends a change made on a listing page (`send`, once at a time) and
/// says what it did: `done` of its answer when it went through, else the
/// refusal as `refused` says it ([`Message::Api`]; [`Message::File`] for
/// a file, whose problems are listed by their places).
pub fn change<T, V, F>(
    state: &UseReducerHandle<Listing<T>>,
    ctx: &Ctx,
    send: F,
    done: impl FnOnce(V) -> Message + 'static,
    refused: fn(ApiError) -> Message,
) where
    T: Clone + 'static,
    F: std::future::Future<Output = Result<V, ApiError>> + 'static,
{
    if state.busy {
        return;
    }
    let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
    dispatcher.dispatch(ListingAction::Sending);
    spawn_local(async move {
        match send.await {
            Ok(answer) => dispatcher.dispatch(ListingAction::Done(done(answer))),
            Err(e) => dispatcher.dispatch(ListingAction::Refused(refused(ctx.check(e)))),
        }
    });
}

/// Sends the file chosen in `file` with `send` ([`change`], a refusal
/// naming each problem of the file by its place); asks for one when none
/// is chosen.
pub fn send_file<D, V, F>(
    state: &UseReducerHandle<Listing<D>>,
    ctx: &Ctx,
    file: &NodeRef,
    send: impl FnOnce(web_sys::File) -> F,
    done: impl FnOnce(V) -> Message + 'static,
) where
    D: Clone + 'static,
    F: std::future::Future<Output = Result<V, ApiError>> + 'static,
{
    match crate::ui::units::chosen_file(file) {
        Some(chosen) => change(state, ctx, send(chosen), done, Message::File),
        None => state.dispatch(ListingAction::Refused(Message::Plain(
            crate::i18n::T::NeedFile,
        ))),
    }
}

/// The slips' state; a sheet no longer shown is freed from the browser.
#[hook]
pub fn use_slips() -> UseReducerHandle<Slips> {
    let state = use_reducer(Slips::default);
    let urls: Vec<String> = state.sheets.iter().map(|s| s.url.clone()).collect();
    use_effect_with(urls, |urls| {
        let urls = urls.clone();
        move || urls.iter().for_each(|u| crate::net::forget_url(u))
    });
    state
}

/// Makes the sheets of slips `asks` names and holds them in the browser.
pub fn make_slips(
    state: &UseReducerHandle<Slips>,
    ctx: &Ctx,
    asks: Vec<crate::registry::SheetRequest>,
) {
    if state.busy {
        return;
    }
    let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
    dispatcher.dispatch(SlipsAction::Making);
    spawn_local(async move {
        let mut sheets = Vec::new();
        for ask in &asks {
            let made = client::slip_sheet(ask)
                .await
                .map_err(|e| Message::Api(ctx.check(e)));
            let held = made.and_then(|(html, slips)| {
                crate::net::html_url(&html)
                    .map(|url| Sheet { url, slips })
                    .map_err(|e| Message::Api(ApiError::Unreachable(e)))
            });
            match held {
                Ok(sheet) => sheets.push(sheet),
                Err(why) => {
                    sheets
                        .iter()
                        .for_each(|s: &Sheet| crate::net::forget_url(&s.url));
                    return dispatcher.dispatch(SlipsAction::Failed(why));
                }
            }
        }
        dispatcher.dispatch(SlipsAction::Made(sheets));
    });
}

/// The audit log's first page, and a callback that reads the next.
#[hook]
pub fn use_audit(ctx: &Ctx) -> (UseReducerHandle<Audit>, Callback<()>) {
    let state = use_reducer(Audit::default);
    // One page at a time: a second click while one is read does nothing.
    let busy = use_mut_ref(|| false);
    let read = {
        let (dispatcher, ctx) = (state.dispatcher(), ctx.clone());
        Callback::from(move |before: Option<i64>| {
            if busy.replace(true) {
                return;
            }
            let (dispatcher, ctx, busy) = (dispatcher.clone(), ctx.clone(), busy.clone());
            dispatcher.dispatch(AuditAction::Loading);
            spawn_local(async move {
                let page = client::audit(before).await;
                *busy.borrow_mut() = false;
                match page {
                    Ok(page) => dispatcher.dispatch(AuditAction::Page(page)),
                    Err(e) => dispatcher.dispatch(AuditAction::Failed(ctx.check(e))),
                }
            });
        })
    };
    {
        let read = read.clone();
        use_effect_with((), move |_| read.emit(None));
    }
    let more = {
        let next = state.next;
        Callback::from(move |()| {
            if next.is_some() {
                read.emit(next);
            }
        })
    };
    (state, more)
}
