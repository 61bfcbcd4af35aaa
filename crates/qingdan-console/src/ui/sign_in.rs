//! Sign-in: a name and a password. The intake's refusal is said in the
//! user's language by its code (a wrong name or password alike; too many
//! attempts with the wait); why the page is shown (signed out, the session
//! ended) is said above the form.

use yew::prelude::*;

use super::{input_text, notice_view};
use crate::api::Session;
use crate::client;
use crate::i18n::{Lang, T};
use crate::messages::Message;
use crate::state::Notice;
use crate::state::session::Out;

/// What the sign-in page needs.
#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The language shown.
    pub lang: Lang,
    /// Why the page is shown.
    pub why: Out,
    /// A sign-in went through.
    pub on_signed_in: Callback<Session>,
}

/// The sign-in page.
#[function_component]
pub fn SignInPage(props: &SignInProps) -> Html {
    let lang = props.lang;
    let t = |k: T| k.get(lang);
    let (name, password) = (use_node_ref(), use_node_ref());
    let refused = use_state(|| Notice::None);
    let busy = use_state(|| false);
    let submit = {
        let (name, password, refused, busy) = (
            name.clone(),
            password.clone(),
            refused.clone(),
            busy.clone(),
        );
        let done = props.on_signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (who, secret) = (input_text(&name).trim().to_owned(), input_text(&password));
            if who.is_empty() || secret.is_empty() {
                refused.set(Notice::Error(Message::Plain(T::NeedNamePassword)));
                return;
            }
            busy.set(true);
            let (refused, busy, done) = (refused.clone(), busy.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = client::sign_in(&who, &secret).await;
                busy.set(false);
                match answer {
                    Ok(session) => done.emit(session),
                    Err(e) => refused.set(Notice::Error(Message::SignIn(e))),
                }
            });
        })
    };
    // Why the page is shown, until the form has something newer to say.
    let why = match (&*refused, &props.why) {
        (Notice::None, Out::SignedOut) => Notice::Ok(Message::Plain(T::SignedOut)),
        (Notice::None, Out::Ended) => Notice::Error(Message::Plain(T::SessionEnded)),
        (Notice::None, Out::Failed(e)) => Notice::Error(Message::Api(e.clone())),
        _ => Notice::None,
    };
    html! {
        <main class="sign-in" data-testid="sign-in-page" data-ready="true"
              data-reason={props.why.reason()}>
            <h1>{ t(T::SignInTitle) }</h1>
            { notice_view(&why, lang, "session-notice") }
            <form class="form narrow" onsubmit={submit} data-testid="sign-in-form">
                <label>{ t(T::Name) }
                    <input ref={name} type="text" name="username" autocomplete="username"
                           data-testid="sign-in-name" />
                </label>
                <label>{ t(T::Password) }
                    <input ref={password} type="password" name="password"
                           autocomplete="current-password" data-testid="sign-in-password" />
                </label>
                <button type="submit" class="primary" disabled={*busy} data-testid="sign-in-submit">
                    { t(T::SignIn) }
                </button>
                { notice_view(&refused, lang, "sign-in-notice") }
            </form>
        </main>
    }
}
