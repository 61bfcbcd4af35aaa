//! The screens. [`App`] opens the store ([`crate::hooks::use_boot`]),
//! provides the shared [`Ctx`], and shows the screen the URL's hash names:
//!
//! | hash | screen |
//! | --- | --- |
//! | `#/` | [`home::Home`] |
//! | `#/new/<template>` | [`new::New`] |
//! | `#/a/<id>` | [`fill::Fill`] |
//! | `#/a/<id>/review` | [`review::Review`] |
//! | `#/a/<id>/sign` | [`sign::Sign`] |
//! | `#/open` | [`open::Open`] |
//! | `#/settings` | [`settings::SettingsScreen`] |
//!
//! Each screen's root carries `data-testid="app-ready"` once its data is
//! loaded. The screens hold no rules of their own: their state is in
//! [`crate::state`], their effects in [`crate::hooks`], their flows in
//! [`crate::services`].

pub mod files;
pub mod fill;
pub mod findings;
pub mod home;
pub mod intake;
pub mod item;
pub mod keys;
pub mod new;
pub mod open;
pub mod record;
pub mod review;
pub mod save;
pub mod settings;
pub mod sign;
pub mod upload;

use yew::prelude::*;

pub use crate::ctx::{Ctx, use_ctx};
pub use crate::route::{Route, go};
pub use crate::state::Notice;

use crate::hooks::{self, use_boot, use_route};
use crate::i18n::{Lang, T};
use crate::state::app::{Boot, BootAction};

/// Which assessment.
#[derive(Properties, PartialEq)]
pub struct IdProps {
    /// The assessment's id.
    pub id: AttrValue,
}

/// The text in the `<input>` that `node` refers to ("" when there is none).
pub fn input_text(node: &NodeRef) -> String {
    node.cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The app.
#[function_component]
pub fn App() -> Html {
    let (boot, outbox_rev) = use_boot();
    let route = use_route();
    let ready = match &*boot {
        Boot::Loading => {
            return html! { <main class="loading" data-testid="app-loading">{ T::Loading.get(Lang::Zh) }</main> };
        }
        Boot::Failed(e) => return html! { <main class="fatal" role="alert">{ e }</main> },
        Boot::Ready(ready) => ready,
    };
    let lang = ready.lang();
    let preload_used = {
        let dispatcher = boot.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(BootAction::PreloadUsed))
    };
    let ctx = Ctx {
        store: ready.res.store.clone(),
        lang,
        entries: ready.entries.clone(),
        set_lang: hooks::switch_lang(&boot),
        reload: hooks::reload_entries(&boot),
        preloaded: ready.preloaded.clone(),
        preload_used,
        outbox: ready.res.outbox.clone(),
        outbox_rev,
    };
    let screen = match route {
        Route::Home => html! { <home::Home /> },
        Route::New(t) => html! { <new::New template={t} /> },
        Route::Fill(id) => html! { <fill::Fill {id} /> },
        Route::Review(id) => html! { <review::Review {id} /> },
        Route::Sign(id) => html! { <sign::Sign {id} /> },
        Route::Open => html! { <open::Open /> },
        Route::Settings => html! { <settings::SettingsScreen /> },
        Route::Enroll(code) => html! { <settings::SettingsScreen {code} /> },
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <Header />
            { screen }
        </ContextProvider<Ctx>>
    }
}

/// The bar on top: the places, 同步 and the language switch.
#[function_component]
fn Header() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let other = match ctx.lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let switch = ctx.set_lang.reform(move |_: MouseEvent| other);
    html! {
        <header class="bar no-print">
            <a class="brand" href="#/">{ "清单" }</a>
            <nav>
                <a href="#/">{ t(T::Home) }</a>
                <a href="#/open">{ t(T::OpenPacket) }</a>
                <a href="#/settings">{ t(T::Settings) }</a>
                <upload::SyncButton />
                <button class="link" onclick={switch} data-testid="lang-switch">
                    { match ctx.lang { Lang::Zh => "English", Lang::En => "中文" } }
                </button>
            </nav>
        </header>
    }
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
