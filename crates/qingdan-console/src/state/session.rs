//! Who is signed in: nobody yet known (the first `GET /session`), nobody
//! (the sign-in page, saying why: signed out, the session ended, the
//! intake not reached), or an administrator, who may have to change a
//! one-time password before anything else.

use std::rc::Rc;

use yew::Reducible;

use crate::api::{ApiError, Session};

/// Where the console stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Asking the intake who is signed in.
    Checking,
    /// Nobody: the sign-in page, and why.
    Out(Out),
    /// An administrator (`must_change`: only the password form).
    In(Session),
}

/// Why the sign-in page is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Nobody was signed in.
    Fresh,
    /// The administrator signed out.
    SignedOut,
    /// The session ended (unused too long, or signed out elsewhere): a
    /// request was answered 401.
    Ended,
    /// The intake could not say who is signed in.
    Failed(ApiError),
}

impl Out {
    /// The reason as the page's `data-reason` names it.
    pub fn reason(&self) -> &'static str {
        match self {
            Out::Fresh => "none",
            Out::SignedOut => "signed-out",
            Out::Ended => "session-ended",
            Out::Failed(_) => "failed",
        }
    }
}

/// What happens to the session.
#[derive(Debug, Clone)]
pub enum AuthAction {
    /// The intake said who is signed in (`None`: nobody).
    Checked(Result<Option<Session>, ApiError>),
    /// A sign-in went through.
    SignedIn(Session),
    /// A session's request was refused for the session itself: it ended
    /// ([`ApiError::SignedOut`]) or its password must change
    /// ([`ApiError::MustChange`]). Other errors change nothing here.
    Lost(ApiError),
    /// The administrator signed out.
    SignedOut,
    /// The administrator chose a new password.
    PasswordChanged,
}

impl Reducible for Auth {
    type Action = AuthAction;

    fn reduce(self: Rc<Self>, action: AuthAction) -> Rc<Self> {
        let next = match (&*self, action) {
            (_, AuthAction::Checked(Ok(Some(session)))) | (_, AuthAction::SignedIn(session)) => {
                Auth::In(session)
            }
            (_, AuthAction::Checked(Ok(None))) => Auth::Out(Out::Fresh),
            (_, AuthAction::Checked(Err(e))) => Auth::Out(Out::Failed(e)),
            (Auth::In(_), AuthAction::Lost(ApiError::SignedOut)) => Auth::Out(Out::Ended),
            (Auth::In(session), AuthAction::Lost(ApiError::MustChange)) if !session.must_change => {
                Auth::In(Session {
                    must_change: true,
                    ..session.clone()
                })
            }
            (_, AuthAction::SignedOut) => Auth::Out(Out::SignedOut),
            (Auth::In(session), AuthAction::PasswordChanged) => Auth::In(Session {
                must_change: false,
                ..session.clone()
            }),
            _ => return self,
        };
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(must_change: bool) -> Session {
        Session {
            name: "zhang".into(),
            must_change,
            idle_seconds: 1800,
        }
    }

    fn after(actions: Vec<AuthAction>) -> Auth {
        let mut auth = Rc::new(Auth::Checking);
        for action in actions {
            auth = auth.reduce(action);
        }
        (*auth).clone()
    }

    #[test]
    fn a_session_that_ends_returns_to_sign_in_saying_so() {
        let auth = after(vec![
            AuthAction::Checked(Ok(Some(session(false)))),
            AuthAction::Lost(ApiError::SignedOut),
        ]);
        assert_eq!(auth, Auth::Out(Out::Ended));
        // Another request refused the same way changes nothing.
        let again = Rc::new(auth.clone()).reduce(AuthAction::Lost(ApiError::SignedOut));
        assert_eq!(*again, auth);
    }

    #[test]
    fn nobody_signed_in_is_the_sign_in_page_with_nothing_to_say() {
        assert_eq!(
            after(vec![AuthAction::Checked(Ok(None))]),
            Auth::Out(Out::Fresh)
        );
        let unreachable = ApiError::Unreachable("offline".into());
        assert_eq!(
            after(vec![AuthAction::Checked(Err(unreachable.clone()))]),
            Auth::Out(Out::Failed(unreachable))
        );
    }

    #[test]
    fn a_one_time_password_holds_the_console_until_it_is_changed() {
        let auth = after(vec![AuthAction::SignedIn(session(true))]);
        assert_eq!(auth, Auth::In(session(true)));
        let auth = Rc::new(auth).reduce(AuthAction::PasswordChanged);
        assert_eq!(*auth, Auth::In(session(false)));
        // The intake says otherwise (made one-time again from the command line).
        let auth = auth.reduce(AuthAction::Lost(ApiError::MustChange));
        assert_eq!(*auth, Auth::In(session(true)));
    }

    #[test]
    fn signing_out_says_so_and_other_errors_leave_the_session() {
        let auth = after(vec![
            AuthAction::SignedIn(session(false)),
            AuthAction::Lost(ApiError::Unreachable("x".into())),
        ]);
        assert_eq!(auth, Auth::In(session(false)));
        let auth = Rc::new(auth).reduce(AuthAction::SignedOut);
        assert_eq!(*auth, Auth::Out(Out::SignedOut));
        assert_eq!(Out::Ended.reason(), "session-ended");
    }
}
