//! The pages. [`App`] asks who is signed in ([`crate::hooks::use_auth`]):
//! nobody, the sign-in page; an administrator with a one-time password,
//! only the password form; otherwise the page the URL's hash names:
//!
//! | hash | page |
//! | --- | --- |
//! | `#/rounds` | [`rounds::RoundsPage`]: the rounds and a new one |
//! | `#/rounds/<id>?as_of=&status=&page=` | [`tracker::TrackerPage`] |
//! | `#/units?page=` | [`units::UnitsPage`]: units, import, slips |
//! | `#/keys` | [`keys::KeysPage`]: enrolled keys, revocation |
//! | `#/checklists` | [`checklists::ChecklistsPage`]: publish, versions |
//! | `#/evaluations` | [`evaluations::EvaluationsPage`]: 民主测评, slips, results |
//! | `#/reports…` | [`reports::ReportsPage`]: ranking, indicators, gap, findings |
//! | `#/packets/<id>` | [`packet::PacketPage`]: a packet's score sheet |
//! | `#/audit` | [`audit::AuditPage`] |
//! | `#/password` | [`password::PasswordPage`] |
//!
//! Each page's root carries its `data-testid` and `data-ready="true"`
//! once its data is read. The pages hold no rules of their own: their
//! state is in [`crate::state`], their requests in [`crate::hooks`] and
//! [`crate::client`].

pub mod audit;
pub mod checklists;
pub mod evaluations;
pub mod keys;
pub mod packet;
pub mod password;
pub mod reports;
pub mod rounds;
pub mod sign_in;
pub mod tracker;
pub mod units;

use yew::prelude::*;

use crate::api::{ApiError, Session};
use crate::client;
use crate::ctx::Ctx;
use crate::hooks::{use_auth, use_lang, use_route};
use crate::i18n::{self, Lang, T};
use crate::messages::Message;
use crate::route::Route;
use crate::state::Notice;
use crate::state::session::{Auth, AuthAction};

/// The text in the `<input>` that `node` refers to ("" when there is none).
pub fn input_text(node: &NodeRef) -> String {
    node.cast::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The value of the `<select>` that `node` refers to.
pub fn select_value(node: &NodeRef) -> String {
    node.cast::<web_sys::HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A column of a list's table ([`list_table`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// A heading from the catalog.
    Head(T),
    /// No heading (a column whose cells say enough, printed).
    Blank,
    /// No heading, and not printed (a column of buttons and links).
    Actions,
}

/// A list's table, `testid` on it: a heading a column, then `rows`.
pub fn list_table(
    lang: Lang,
    testid: &'static str,
    columns: &[Col],
    rows: impl IntoIterator<Item = Html>,
) -> Html {
    let heads = columns.iter().map(|c| match c {
        Col::Head(t) => html! { <th>{ t.get(lang) }</th> },
        Col::Blank => html! { <th></th> },
        Col::Actions => html! { <th class="no-print"></th> },
    });
    html! {
        <table class="list" data-testid={testid}>
            <thead><tr>{ for heads }</tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// A listing page's data once read; else the page as it stands meanwhile:
/// loading, or why the list could not be read (`testid` on the page,
/// `error_testid` on the notice, `title` its heading).
pub fn listed<'a, D>(
    state: &'a crate::state::listing::Listing<D>,
    lang: Lang,
    (testid, error_testid): (&'static str, &'static str),
    title: T,
) -> Result<&'a D, Html> {
    if let Some(e) = &state.failed {
        return Err(html! {
            <main data-testid={testid} data-ready="false">
                <h1>{ title.get(lang) }</h1>
                { notice_view(&Notice::Error(crate::messages::Message::Api(e.clone())), lang, error_testid) }
            </main>
        });
    }
    state.data.as_ref().ok_or_else(
        || html! { <main data-testid={testid} data-ready="false">{ T::Loading.get(lang) }</main> },
    )
}

/// `notice` as HTML carrying `testid`, `data-kind` (`ok` or `error`) and,
/// for a refusal, the intake's code in `data-code`.
pub fn notice_view(notice: &Notice, lang: Lang, testid: &'static str) -> Html {
    let (kind, message) = match notice {
        Notice::None => return html! {},
        Notice::Ok(m) => ("ok", m),
        Notice::Error(m) => ("error", m),
    };
    let role = if kind == "ok" { "status" } else { "alert" };
    html! {
        <p class={classes!("notice", kind)} {role} data-testid={testid} data-kind={kind}
           data-code={message.code().map(str::to_owned)}>
            { message.text(lang) }
        </p>
    }
}

/// The console.
#[function_component]
pub fn App() -> Html {
    let (lang, set_lang) = use_lang();
    let auth = use_auth();
    let route = use_route();
    let signed_in = {
        let dispatcher = auth.dispatcher();
        Callback::from(move |s: Session| dispatcher.dispatch(AuthAction::SignedIn(s)))
    };
    let signed_out = {
        let dispatcher = auth.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(AuthAction::SignedOut))
    };
    let lost = {
        let dispatcher = auth.dispatcher();
        Callback::from(move |e: ApiError| dispatcher.dispatch(AuthAction::Lost(e)))
    };
    let password_changed = {
        let dispatcher = auth.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(AuthAction::PasswordChanged))
    };
    let session = match &*auth {
        Auth::Checking => {
            return html! {
                <main class="loading" data-testid="console-loading">{ T::Loading.get(lang) }</main>
            };
        }
        Auth::Out(why) => {
            return html! {
                <>
                    <TopBar {lang} {set_lang} />
                    <sign_in::SignInPage {lang} why={why.clone()} on_signed_in={signed_in} />
                </>
            };
        }
        Auth::In(session) => session.clone(),
    };
    let forced = session.must_change;
    let ctx = Ctx {
        lang,
        session: session.clone(),
        lost,
        password_changed,
    };
    let page = match route {
        _ if forced => html! { <password::PasswordPage forced=true /> },
        Route::Rounds => html! { <rounds::RoundsPage /> },
        Route::Tracker(id, query) => html! { <tracker::TrackerPage {id} {query} /> },
        Route::Audit => html! { <audit::AuditPage /> },
        Route::Password => html! { <password::PasswordPage forced=false /> },
        Route::Units(page) => html! { <units::UnitsPage {page} /> },
        Route::Keys => html! { <keys::KeysPage /> },
        Route::Checklists => html! { <checklists::ChecklistsPage /> },
        Route::Evaluations => html! { <evaluations::EvaluationsPage /> },
        Route::Reports(rest) => html! { <reports::ReportsPage {rest} /> },
        Route::Packet(id) => html! { <packet::PacketPage {id} /> },
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
            <TopBar {lang} {set_lang} session={Some(session)} nav={!forced} on_signed_out={signed_out} />
            { page }
        </ContextProvider<Ctx>>
    }
}

/// What the top bar shows.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// The language shown.
    pub lang: Lang,
    /// Switches it.
    pub set_lang: Callback<Lang>,
    /// Who is signed in (none on the sign-in page).
    #[prop_or_default]
    pub session: Option<Session>,
    /// Whether to show the pages (not while a password must change).
    #[prop_or_default]
    pub nav: bool,
    /// Signed out.
    #[prop_or_default]
    pub on_signed_out: Callback<()>,
}

/// The bar on top: the pages, who is signed in, 退出登录 and the language
/// switch. Not printed.
#[function_component]
pub fn TopBar(props: &TopBarProps) -> Html {
    let lang = props.lang;
    let t = |k: T| k.get(lang);
    let failed = use_state(|| None::<ApiError>);
    let switch = props
        .set_lang
        .reform(move |_: MouseEvent| i18n::other(lang));
    let sign_out = {
        let (done, failed) = (props.on_signed_out.clone(), failed.clone());
        Callback::from(move |_: MouseEvent| {
            let (done, failed) = (done.clone(), failed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match client::sign_out().await {
                    // Already ended: signed out all the same.
                    Ok(()) | Err(ApiError::SignedOut) => done.emit(()),
                    Err(e) => failed.set(Some(e)),
                }
            });
        })
    };
    let nav = props.nav.then(|| {
        html! {
            <nav class="pages">
                <a href="#/rounds" data-testid="nav-rounds">{ t(T::Rounds) }</a>
                <a href="#/units" data-testid="nav-units">{ t(T::NavUnits) }</a>
                <a href="#/keys" data-testid="nav-keys">{ t(T::NavKeys) }</a>
                <a href="#/checklists" data-testid="nav-checklists">{ t(T::NavChecklists) }</a>
                <a href="#/evaluations" data-testid="nav-evaluations">{ t(T::NavEvaluations) }</a>
                <a href="#/reports" data-testid="nav-reports">{ t(T::NavReports) }</a>
                <a href="#/audit" data-testid="nav-audit">{ t(T::AuditLog) }</a>
            </nav>
        }
    });
    let who = props.session.as_ref().map(|s| {
        html! {
            <>
                <span class="who" data-testid="signed-in-name" data-name={s.name.clone()}>
                    { i18n::fill(t(T::SignedInAs), &[("name", &s.name)]) }
                </span>
                if props.nav {
                    <a href="#/password" data-testid="nav-password">{ t(T::ChangePassword) }</a>
                }
                <button class="link" onclick={sign_out} data-testid="sign-out">{ t(T::SignOut) }</button>
            </>
        }
    });
    let error = (*failed).as_ref().map(|e| {
        notice_view(
            &Notice::Error(Message::Api(e.clone())),
            lang,
            "sign-out-notice",
        )
    });
    html! {
        <>
            <header class="bar no-print">
                <a class="brand" href="#/rounds">{ t(T::Brand) }</a>
                { nav }
                <div class="end">
                    { who }
                    <button class="link" onclick={switch} data-testid="lang-switch">
                        { match lang { Lang::Zh => "English", Lang::En => "中文" } }
                    </button>
                </div>
            </header>
            { error }
        </>
    }
}
