//! The effects, as hooks: opening the app and the outbox, following the
//! URL, loading an assessment and saving each edit as it comes, and the
//! keys on this device. Each runs its work in an effect (never during a
//! render) and dispatches the outcome to its screen's state
//! ([`crate::state`]).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::ctx::{Ctx, use_ctx};
use crate::i18n::Lang;
use crate::messages;
use crate::model::{self, Entry};
use crate::outbox::Outbox;
use crate::route::{self, Route};
use crate::services;
use crate::state::app::{Boot, BootAction};
use crate::state::fill::{Edit, Editing, Fill, FillAction};
use crate::state::home::{Device, Home, HomeAction};
use crate::state::sign::{Sign, SignAction};
use crate::store::Store;
use crate::vault::SealedKey;
use crate::web::{self, StorageStatus};

/// How long typing waits before it is written.
pub const TYPING_DEBOUNCE_MS: u32 = 250;

/// What the browser opened for the app.
#[derive(Clone)]
pub struct Opened {
    /// The database.
    pub store: Rc<Store>,
    /// The outbox.
    pub outbox: Rc<Outbox>,
}

/// The app's boot state.
pub type AppBoot = Boot<Opened>;

/// A counter that only goes up: the outbox's news.
#[derive(Default, PartialEq)]
struct Rev(usize);

impl Reducible for Rev {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Rev(self.0 + 1))
    }
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

/// Opens the store and starts the outbox; the boot state and the outbox's
/// news counter. The outbox is told the checklists the app has, and reads
/// them again when it adds some.
#[hook]
pub fn use_boot() -> (UseReducerHandle<AppBoot>, usize) {
    let boot = use_reducer(|| AppBoot::Loading);
    let news = use_reducer(Rev::default);
    {
        let (opened, news) = (boot.dispatcher(), news.dispatcher());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match services::open_app().await {
                    Ok(started) => {
                        let outbox = Outbox::start(
                            started.store.clone(),
                            Callback::from(move |()| news.dispatch(())),
                        );
                        web::mark("outbox-started");
                        opened.dispatch(BootAction::Opened {
                            res: Opened {
                                store: started.store,
                                outbox,
                            },
                            entries: started.entries,
                            settings: started.settings,
                            assessments: started.assessments,
                        });
                    }
                    Err(e) => {
                        opened.dispatch(BootAction::Failed(messages::boot_error(Lang::Zh, &e)))
                    }
                }
            });
        });
    }
    let ready = match &*boot {
        Boot::Ready(ready) => Some(ready),
        _ => None,
    };
    // The document's language follows the one shown.
    let lang = ready.map(|r| r.lang());
    use_effect_with(lang, |lang| {
        if let (Some(lang), Some(root)) = (lang, gloo::utils::document().document_element()) {
            let _ = root.set_attribute("lang", if *lang == Lang::En { "en" } else { "zh-CN" });
        }
    });
    let known: BTreeSet<String> = ready
        .map(|r| {
            r.entries
                .iter()
                .map(|e| model::template_key(&e.head.id, e.head.version))
                .collect()
        })
        .unwrap_or_default();
    {
        let reload = reload_entries(&boot);
        let outbox = ready.map(|r| r.res.outbox.clone());
        use_effect_with(known, move |known| {
            if let Some(outbox) = outbox {
                outbox.set_templates(known.clone(), reload);
            }
        });
    }
    (boot, news.0)
}

/// A callback that reads the imported checklists again.
pub fn reload_entries(boot: &UseReducerHandle<AppBoot>) -> Callback<()> {
    let store = match &**boot {
        Boot::Ready(ready) => ready.res.store.clone(),
        _ => return Callback::noop(),
    };
    let dispatcher = boot.dispatcher();
    Callback::from(move |()| {
        let (store, dispatcher) = (store.clone(), dispatcher.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let entries: Vec<Entry> = services::imported(&store).await;
            dispatcher.dispatch(BootAction::Imported(entries));
        });
    })
}

/// A callback that switches the language and keeps the choice.
pub fn switch_lang(boot: &UseReducerHandle<AppBoot>) -> Callback<Lang> {
    let (store, settings) = match &**boot {
        Boot::Ready(ready) => (ready.res.store.clone(), ready.settings.clone()),
        _ => return Callback::noop(),
    };
    let dispatcher = boot.dispatcher();
    Callback::from(move |lang: Lang| {
        let (store, settings) = (store.clone(), settings.clone());
        wasm_bindgen_futures::spawn_local(async move {
            services::save_lang(&store, settings, lang).await;
        });
        dispatcher.dispatch(BootAction::SetLang(lang));
    })
}

/// Home's effect: the assessments read afresh (the ones read at start-up
/// are shown meanwhile), and the device's keys and enrollment.
#[hook]
pub fn use_home() -> UseReducerHandle<Home> {
    let ctx = use_ctx();
    let home = {
        let preloaded = ctx.preloaded.clone();
        use_reducer(move || Home::new(preloaded.map(|list| (*list).clone())))
    };
    {
        let dispatcher = home.dispatcher();
        use_effect_with((), move |_| {
            ctx.preload_used.emit(());
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(match ctx.store.assessments().await {
                    Ok(list) => HomeAction::Listed(list),
                    Err(e) => HomeAction::ListFailed(ctx.store_error(&e)),
                });
                if let (Ok(keys), Ok(link)) =
                    (ctx.store.keys().await, ctx.store.intake_link().await)
                {
                    dispatcher.dispatch(HomeAction::Device(Device {
                        keys: keys.len(),
                        enrolled: link.is_some(),
                    }));
                }
            });
        });
    }
    home
}

/// The assessment `id` as the fill screen edits it: read when `id` changes,
/// each edit saved as it comes ([`use_autosave`]).
#[hook]
pub fn use_assessment(id: &AttrValue) -> UseReducerHandle<Fill> {
    let ctx = use_ctx();
    let state = use_reducer(|| Fill::Loading);
    {
        let dispatcher = state.dispatcher();
        use_effect_with(id.clone(), move |id| {
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                let (a, t) = match services::load(&ctx, &id).await {
                    Ok(loaded) => loaded,
                    Err(why) => return dispatcher.dispatch(FillAction::LoadFailed(why)),
                };
                // An inspection's 民主测评 items show what the intake published.
                let asks = a.kind == qingdan_core::packet::PacketKind::Inspection
                    && t.items()
                        .any(|(_, item)| qingdan_core::evaluation::takes_figure(item));
                let (unit, period) = (a.unit.code.clone(), a.period.clone());
                dispatcher.dispatch(FillAction::Loaded(Box::new(a), t));
                if asks {
                    let figures = services::figures(&ctx, &unit, &period).await;
                    dispatcher.dispatch(FillAction::Figures(Rc::new(figures)));
                }
            });
        });
    }
    use_autosave(&state);
    state
}

/// A write of one revision, waiting or under way.
struct Write {
    editing: Editing,
    store: Rc<Store>,
    lang: Lang,
    saved: UseReducerDispatcher<Fill>,
}

impl Write {
    /// Writes the revision; its outcome goes back to the state.
    fn run(self, started_ms: f64) {
        wasm_bindgen_futures::spawn_local(async move {
            let Editing {
                assessment,
                template,
                rev,
                ..
            } = self.editing;
            let result = services::autosave(&self.store, self.lang, &template, &assessment).await;
            web::record_save_ms(web::clock_ms() - started_ms);
            self.saved.dispatch(FillAction::Saved { rev, result });
        });
    }
}

/// The typing not yet written.
type Pending = Rc<RefCell<Option<(Timeout, Write)>>>;

/// Writes what waits at once (the page is hidden or left).
fn flush(pending: &Pending) {
    let waiting = pending.borrow_mut().take();
    if let Some((timer, write)) = waiting {
        timer.cancel();
        write.run(web::clock_ms());
    }
}

/// Saves each revision of the fill screen's state, each in its own
/// transaction: a click or a pick at once, typing 250 ms after the last
/// keystroke (and at once when the page is hidden or the screen left).
#[hook]
pub fn use_autosave(state: &UseReducerHandle<Fill>) {
    let ctx: Ctx = use_ctx();
    let pending: Pending = use_mut_ref(|| None);
    let rev = state.editing().map_or(0, |e| e.rev);
    {
        let (state, pending) = (state.clone(), pending.clone());
        use_effect_with(rev, move |&rev| {
            let editing = state.editing().filter(|_| rev > 0);
            if let Some(editing) = editing {
                let write = Write {
                    editing: editing.clone(),
                    store: ctx.store.clone(),
                    lang: ctx.lang,
                    saved: state.dispatcher(),
                };
                let replaced = pending.borrow_mut().take();
                if let Some((timer, _)) = replaced {
                    timer.cancel();
                }
                match editing.edit {
                    Edit::Now => write.run(editing.edited_at_ms),
                    Edit::Typing => {
                        let slot = pending.clone();
                        let timer = Timeout::new(TYPING_DEBOUNCE_MS, move || {
                            let due = slot.borrow_mut().take();
                            if let Some((_, write)) = due {
                                write.run(web::clock_ms());
                            }
                        });
                        *pending.borrow_mut() = Some((timer, write));
                    }
                }
            }
        });
    }
    // Typing not yet written is written when the page is hidden or left.
    use_effect_with((), move |_| {
        let on_hide = pending.clone();
        let hide = EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
            flush(&on_hide);
        });
        let on_hidden = pending.clone();
        let hidden = EventListener::new(&gloo::utils::document(), "visibilitychange", move |_| {
            if gloo::utils::document().hidden() {
                flush(&on_hidden);
            }
        });
        move || {
            flush(&pending);
            drop((hide, hidden));
        }
    });
}

/// An assessment and its checklist, read when `id` changes (`None` until
/// read).
#[hook]
pub fn use_loaded(id: &AttrValue) -> Option<crate::state::sign::Loaded> {
    let ctx = use_ctx();
    let loaded = use_state(|| None);
    {
        let loaded = loaded.clone();
        use_effect_with(id.clone(), move |id| {
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(services::load(&ctx, &id).await));
            });
        });
    }
    (*loaded).clone()
}

/// The sign screen's state: the assessment and the keys read when `id`
/// changes; the callback reads the keys again (after one was added).
#[hook]
pub fn use_sign(id: &AttrValue) -> (UseReducerHandle<Sign>, Callback<()>) {
    let ctx = use_ctx();
    let state = use_reducer(Sign::default);
    let reload_keys = {
        let (ctx, dispatcher) = (ctx.clone(), state.dispatcher());
        Callback::from(move |()| {
            let (ctx, dispatcher) = (ctx.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(SignAction::Keys(ctx.store.keys().await.unwrap_or_default()));
            });
        })
    };
    {
        let (dispatcher, reload_keys) = (state.dispatcher(), reload_keys.clone());
        use_effect_with(id.clone(), move |id| {
            let id = id.to_string();
            reload_keys.emit(());
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(SignAction::Loaded(services::load(&ctx, &id).await));
            });
        });
    }
    (state, reload_keys)
}

/// The storage status and the keys on this device (`None` until read); the
/// callback reads them again.
#[hook]
pub fn use_device() -> (Option<(StorageStatus, Vec<SealedKey>)>, Callback<()>) {
    let ctx = use_ctx();
    let loaded = use_state(|| None::<(StorageStatus, Vec<SealedKey>)>);
    let reload = use_reducer(Rev::default);
    {
        let loaded = loaded.clone();
        use_effect_with(reload.0, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let keys = ctx.store.keys().await.unwrap_or_default();
                loaded.set(Some((web::storage_status().await, keys)));
            });
        });
    }
    let again = reload.dispatcher();
    (
        (*loaded).clone(),
        Callback::from(move |()| again.dispatch(())),
    )
}

/// A `blob:` URL showing the kept bytes of `file`, attached to assessment
/// `assessment` (`None` until read, or when they are not on this device);
/// revoked when the file or the view goes.
#[hook]
pub fn use_file_url(
    assessment: AttrValue,
    file: qingdan_core::attachments::Attachment,
) -> Option<String> {
    let ctx = use_ctx();
    let url = use_state(|| None::<String>);
    {
        let url = url.clone();
        use_effect_with((assessment, file), move |(assessment, file)| {
            // Shared with the read, which may end after the view has gone.
            let made = Rc::new(RefCell::new(None::<String>));
            let (kept, assessment, file) = (made.clone(), assessment.clone(), file.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(bytes) = services::file_bytes(&ctx, &assessment, &file).await else {
                    return;
                };
                if let Ok(made) = web::object_url(&bytes, &file.media_type) {
                    url.set(Some(made.clone()));
                    *kept.borrow_mut() = Some(made);
                }
            });
            move || {
                if let Some(made) = made.borrow_mut().take() {
                    let _ = web_sys::Url::revoke_object_url(&made);
                }
            }
        });
    }
    (*url).clone()
}
