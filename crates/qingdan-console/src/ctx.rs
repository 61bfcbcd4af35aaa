//! What every signed-in page shares ([`Ctx`], provided by
//! [`crate::ui::App`]) and reads with [`use_ctx`].

use yew::prelude::*;

use crate::api::{ApiError, Session};
use crate::i18n::{Lang, T};
use crate::messages::Message;

/// What every signed-in page shares.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    /// The language shown.
    pub lang: Lang,
    /// Who is signed in.
    pub session: Session,
    /// A request was refused for the session itself (ended, or its
    /// password must change): the console follows.
    pub lost: Callback<ApiError>,
    /// The password was changed.
    pub password_changed: Callback<()>,
}

impl Ctx {
    /// The message `key` in the current language.
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang)
    }

    /// `message` in the current language.
    pub fn say(&self, message: &Message) -> String {
        message.text(self.lang)
    }

    /// Passes `e` on when it is the session's end or its one-time
    /// password; `e` back either way, for the page to show.
    pub fn check(&self, e: ApiError) -> ApiError {
        if matches!(e, ApiError::SignedOut | ApiError::MustChange) {
            self.lost.emit(e.clone());
        }
        e
    }
}

/// The shared context; every signed-in page is inside [`crate::ui::App`]'s
/// provider.
#[hook]
pub fn use_ctx() -> Ctx {
    match use_context::<Ctx>() {
        Some(ctx) => ctx,
        None => unreachable!("every signed-in page is rendered inside App's ContextProvider"),
    }
}
