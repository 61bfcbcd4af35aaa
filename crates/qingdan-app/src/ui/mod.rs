//! The screens. [`App`] opens the store, holds the language and the
//! checklists, and shows the screen the URL's hash names:
//!
//! | hash | screen |
//! | --- | --- |
//! | `#/` | [`home::Home`] |
//! | `#/new/<template>` | [`new::New`] |
//! | `#/a/<id>` | [`fill::Fill`] |
//! | `#/a/<id>/review` | [`review::Review`] |
//! | `#/a/<id>/sign` | [`sign::Sign`] |
//! | `#/open` | [`open::Open`] |
//! | `#/settings` | [`settings::Settings`] |
//!
//! Each screen's root carries `data-testid="app-ready"` once its data is
//! loaded.

pub mod fill;
pub mod findings;
pub mod home;
pub mod intake;
pub mod keys;
pub mod new;
pub mod open;
pub mod review;
pub mod settings;
pub mod sign;
pub mod upload;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use qingdan_core::Template;
use yew::prelude::*;

use crate::i18n::{self, Lang, T};
use crate::model::{self, Assessment, Entry, Settings, TemplateRecord};
use crate::outbox::Outbox;
use crate::store::{Durability, SETTINGS, Store, StoreError};

/// What every screen shares.
#[derive(Clone)]
pub struct Ctx {
    /// The open database.
    pub store: Rc<Store>,
    /// The language shown.
    pub lang: Lang,
    /// Every checklist: the bundled ones, then the imported ones.
    pub entries: Rc<Vec<Entry>>,
    /// Switches the language (and saves the choice).
    pub set_lang: Callback<Lang>,
    /// Reloads the checklists after an import.
    pub reload: Callback<()>,
    /// The assessments read at start-up, for Home's first showing (taken
    /// once; Home reads them afresh afterwards).
    pub preloaded: Rc<RefCell<Option<Vec<Assessment>>>>,
    /// Packets on their way to the intake.
    pub outbox: Rc<Outbox>,
    /// Changes whenever the outbox has news, so that screens showing it
    /// are drawn again.
    pub outbox_rev: usize,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        Rc::ptr_eq(&self.store, &other.store)
            && self.lang == other.lang
            && Rc::ptr_eq(&self.entries, &other.entries)
            && self.outbox_rev == other.outbox_rev
    }
}

impl Ctx {
    /// The message `key` in the current language.
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang)
    }

    /// The checklist `id` at `version`: one of the entries, or an earlier
    /// bundled version.
    pub fn template(&self, id: &str, version: u32) -> Option<Rc<Template>> {
        self.entries
            .iter()
            .find(|e| e.template.id() == id && e.template.version() == version)
            .map(|e| e.template.clone())
            .or_else(|| crate::lists::earlier(id, version))
    }

    /// The checklist named by `key`: `<id>@<version>`, or `<id>` for its
    /// latest version.
    pub fn template_by_key(&self, key: &str) -> Option<Rc<Template>> {
        match key.split_once('@') {
            Some((id, version)) => self.template(id, version.parse().ok()?),
            None => self
                .entries
                .iter()
                .filter(|e| e.template.id() == key)
                .max_by_key(|e| e.template.version())
                .map(|e| e.template.clone()),
        }
    }

    /// A store error as the user should read it.
    pub fn store_error(&self, e: &StoreError) -> String {
        match e {
            StoreError::Quota => self.t(T::QuotaFull).to_owned(),
            StoreError::Unavailable(m) | StoreError::Failed(m) => {
                i18n::fill(self.t(T::SaveFailed), &[("e", m)])
            }
        }
    }
}

/// A screen's place, parsed from the URL's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/`
    Home,
    /// `#/new/<template>`
    New(String),
    /// `#/a/<id>`
    Fill(String),
    /// `#/a/<id>/review`
    Review(String),
    /// `#/a/<id>/sign`
    Sign(String),
    /// `#/open`
    Open,
    /// `#/settings`
    Settings,
}

impl Route {
    /// The route of `hash` (`#/a/…`); home for anything unknown.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let decode = |s: &str| {
            js_sys::decode_uri_component(s)
                .map(String::from)
                .unwrap_or_else(|_| s.to_owned())
        };
        match parts.as_slice() {
            ["new", t] => Route::New(decode(t)),
            ["a", id] => Route::Fill(decode(id)),
            ["a", id, "review"] => Route::Review(decode(id)),
            ["a", id, "sign"] => Route::Sign(decode(id)),
            ["open"] => Route::Open,
            ["settings"] => Route::Settings,
            _ => Route::Home,
        }
    }

    /// The hash that names this route.
    pub fn href(&self) -> String {
        let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
        match self {
            Route::Home => "#/".into(),
            Route::New(t) => format!("#/new/{}", enc(t)),
            Route::Fill(id) => format!("#/a/{}", enc(id)),
            Route::Review(id) => format!("#/a/{}/review", enc(id)),
            Route::Sign(id) => format!("#/a/{}/sign", enc(id)),
            Route::Open => "#/open".into(),
            Route::Settings => "#/settings".into(),
        }
    }
}

/// The text in the `<input>` that `node` refers to ("" when there is none).
pub fn input_text(node: &NodeRef) -> String {
    node.cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// Goes to `route`.
pub fn go(route: &Route) {
    let _ = gloo::utils::window().location().set_hash(&route.href());
}

fn current_route() -> Route {
    Route::parse(&gloo::utils::window().location().hash().unwrap_or_default())
}

/// The imported checklists that parse (each was checked when imported).
fn imported_entries(records: &[TemplateRecord]) -> Vec<Entry> {
    records
        .iter()
        .filter_map(|record| Template::parse(&record.source).ok())
        .map(|template| Entry {
            template: Rc::new(template),
            bundled: false,
        })
        .collect()
}

enum Boot {
    Loading,
    Failed(String),
    Ready {
        store: Rc<Store>,
        entries: Rc<Vec<Entry>>,
        settings: Settings,
        preloaded: Rc<RefCell<Option<Vec<Assessment>>>>,
        outbox: Rc<Outbox>,
    },
}

/// A counter that only goes up: the outbox's news.
#[derive(Default, PartialEq)]
struct Rev(usize);

impl Reducible for Rev {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Rev(self.0 + 1))
    }
}

/// The app.
#[function_component]
pub fn App() -> Html {
    let boot = use_state(|| Boot::Loading);
    let route = use_state(current_route);
    let outbox_rev = use_reducer(Rev::default);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                route.set(current_route());
            });
            move || drop(listener)
        });
    }
    {
        let boot = boot.clone();
        let news = outbox_rev.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                boot.set(match open().await {
                    Ok((store, entries, settings, assessments)) => Boot::Ready {
                        outbox: Outbox::start(
                            store.clone(),
                            Callback::from(move |()| news.dispatch(())),
                        ),
                        store,
                        entries: Rc::new(entries),
                        settings,
                        preloaded: Rc::new(RefCell::new(Some(assessments))),
                    },
                    Err(e) => Boot::Failed(format!("IndexedDB: {e:?}")),
                });
            });
        });
    }

    let (store, entries, settings, preloaded, outbox) = match &*boot {
        Boot::Loading => {
            return html! { <main class="loading" data-testid="app-loading">{ T::Loading.get(Lang::Zh) }</main> };
        }
        Boot::Failed(e) => {
            return html! { <main class="fatal" role="alert">{ i18n::fill(T::Error.get(Lang::Zh), &[("e", e)]) }</main> };
        }
        Boot::Ready {
            store,
            entries,
            settings,
            preloaded,
            outbox,
        } => (
            store.clone(),
            entries.clone(),
            settings.clone(),
            preloaded.clone(),
            outbox.clone(),
        ),
    };
    let lang = i18n::lang_from_code(&settings.lang);
    let set_lang = {
        let boot = boot.clone();
        let store = store.clone();
        let entries = entries.clone();
        let settings = settings.clone();
        let outbox = outbox.clone();
        Callback::from(move |lang: Lang| {
            let mut settings = settings.clone();
            settings.lang = i18n::lang_code(lang).into();
            let (writer, saved) = (store.clone(), settings.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = writer.put(SETTINGS, &saved, Durability::Default).await;
            });
            set_document_lang(lang);
            boot.set(Boot::Ready {
                store: store.clone(),
                entries: entries.clone(),
                settings,
                preloaded: Rc::default(),
                outbox: outbox.clone(),
            });
        })
    };
    let reload = {
        let boot = boot.clone();
        let (store, entries, settings) = (store.clone(), entries.clone(), settings.clone());
        let outbox = outbox.clone();
        Callback::from(move |()| {
            let (boot, store, settings) = (boot.clone(), store.clone(), settings.clone());
            let outbox = outbox.clone();
            let mut next: Vec<Entry> = entries.iter().filter(|e| e.bundled).cloned().collect();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(imported) = store.templates().await {
                    next.extend(imported_entries(&imported));
                }
                boot.set(Boot::Ready {
                    store,
                    entries: Rc::new(next),
                    settings,
                    preloaded: Rc::default(),
                    outbox,
                });
            });
        })
    };
    outbox.set_templates(
        entries
            .iter()
            .map(|e| model::template_key(e.template.id(), e.template.version()))
            .collect(),
        reload.clone(),
    );
    let ctx = Ctx {
        store,
        lang,
        entries,
        set_lang,
        reload,
        preloaded,
        outbox: outbox.clone(),
        outbox_rev: outbox_rev.0,
    };
    let screen = match &*route {
        Route::Home => html! { <home::Home /> },
        Route::New(t) => html! { <new::New template={t.clone()} /> },
        Route::Fill(id) => html! { <fill::Fill id={id.clone()} /> },
        Route::Review(id) => html! { <review::Review id={id.clone()} /> },
        Route::Sign(id) => html! { <sign::Sign id={id.clone()} /> },
        Route::Open => html! { <open::Open /> },
        Route::Settings => html! { <settings::SettingsScreen /> },
    };
    let t = |k: T| k.get(lang);
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let switch = {
        let set_lang = ctx.set_lang.clone();
        Callback::from(move |_| set_lang.emit(other))
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <header class="bar no-print">
                <a class="brand" href="#/">{ "清单" }</a>
                <nav>
                    <a href="#/">{ t(T::Home) }</a>
                    <a href="#/open">{ t(T::OpenPacket) }</a>
                    <a href="#/settings">{ t(T::Settings) }</a>
                    <upload::SyncButton />
                    <button class="link" onclick={switch} data-testid="lang-switch">
                        { match lang { Lang::Zh => "English", Lang::En => "中文" } }
                    </button>
                </nav>
            </header>
            { screen }
        </ContextProvider<Ctx>>
    }
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", if lang == Lang::En { "en" } else { "zh-CN" });
    }
}

type Started = (Rc<Store>, Vec<Entry>, Settings, Vec<Assessment>);

async fn open() -> Result<Started, StoreError> {
    // The browser opens the database while the bundled lists are fetched.
    let opening = Store::begin_open(crate::store::DB_NAME)?;
    let mut entries = crate::lists::fetch_bundled().await;
    crate::web::mark("lists-parsed");
    let store = Rc::new(opening.finish().await?);
    crate::web::mark("db-open");
    let (settings, imported, assessments) = store.startup().await?;
    entries.extend(imported_entries(&imported));
    set_document_lang(i18n::lang_from_code(&settings.lang));
    if !settings.persist_asked {
        // Asked once, on first use, without holding up the start.
        let (store, mut settings) = (store.clone(), settings.clone());
        wasm_bindgen_futures::spawn_local(async move {
            crate::web::request_persistence().await;
            settings.persist_asked = true;
            let _ = store.put(SETTINGS, &settings, Durability::Default).await;
        });
    }
    Ok((store, entries, settings, assessments))
}

/// The shared context; every screen is inside [`App`]'s provider.
#[hook]
pub fn use_ctx() -> Ctx {
    match use_context::<Ctx>() {
        Some(ctx) => ctx,
        None => unreachable!("every screen is rendered inside App's ContextProvider"),
    }
}

/// A notice line: an error in red, or a confirmation.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Nothing to say.
    None,
    /// Something went through.
    Ok(String),
    /// Something went wrong.
    Error(String),
}

impl Notice {
    /// The notice as HTML, carrying `testid`.
    pub fn view(&self, testid: &'static str) -> Html {
        match self {
            Notice::None => html! {},
            Notice::Ok(m) => {
                html! { <p class="notice ok" role="status" data-testid={testid}>{ m }</p> }
            }
            Notice::Error(m) => {
                html! { <p class="notice error" role="alert" data-testid={testid}>{ m }</p> }
            }
        }
    }
}
