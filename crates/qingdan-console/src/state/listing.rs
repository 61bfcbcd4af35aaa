//! A page that lists what the intake holds and changes it (units, codes,
//! keys, checklists): the list read, a change being sent, what the last
//! change did. A change that went through asks for the list again
//! ([`Listing::reads`] counts up; the hook reads again when it does).

use std::rc::Rc;

use yew::Reducible;

use super::Notice;
use crate::api::ApiError;
use crate::messages::Message;

/// A listing page's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    /// The list as last read (`None` until read).
    pub data: Option<T>,
    /// Why it could not be read.
    pub failed: Option<ApiError>,
    /// A change is being sent (its button is disabled).
    pub busy: bool,
    /// What the last change did.
    pub notice: Notice,
    /// How many times the list was asked for again after a change.
    pub reads: u32,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            data: None,
            failed: None,
            busy: false,
            notice: Notice::None,
            reads: 0,
        }
    }
}

/// What happens on a listing page.
#[derive(Debug, Clone)]
pub enum ListingAction<T> {
    /// The list was read.
    Loaded(T),
    /// It could not be.
    LoadFailed(ApiError),
    /// A change was sent.
    Sending,
    /// A change went through: say so, and read the list again.
    Done(Message),
    /// A change was refused, or could not be sent: say why.
    Refused(Message),
}

impl<T: Clone> Reducible for Listing<T> {
    type Action = ListingAction<T>;

    fn reduce(self: Rc<Self>, action: ListingAction<T>) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ListingAction::Loaded(data) => {
                next.data = Some(data);
                next.failed = None;
            }
            ListingAction::LoadFailed(e) => next.failed = Some(e),
            ListingAction::Sending => {
                next.busy = true;
                next.notice = Notice::None;
            }
            ListingAction::Done(said) => {
                next.busy = false;
                next.notice = Notice::Ok(said);
                next.reads += 1;
            }
            ListingAction::Refused(said) => {
                next.busy = false;
                next.notice = Notice::Error(said);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::T;

    #[test]
    fn a_change_that_went_through_reads_the_list_again_and_a_refused_one_does_not() {
        let page = Rc::new(Listing::<Vec<u8>>::default()).reduce(ListingAction::Loaded(vec![1]));
        let sent = page.reduce(ListingAction::Sending);
        assert!(sent.busy);
        let done = sent
            .clone()
            .reduce(ListingAction::Done(Message::Plain(T::Loading)));
        assert_eq!(
            (done.busy, done.reads, &done.notice),
            (false, 1, &Notice::Ok(Message::Plain(T::Loading)))
        );
        assert_eq!(
            done.data,
            Some(vec![1]),
            "the list stays shown until read again"
        );
        let refused = sent.reduce(ListingAction::Refused(Message::Plain(T::Loading)));
        assert_eq!((refused.busy, refused.reads), (false, 0));
        assert!(matches!(refused.notice, Notice::Error(_)));
        // A list read again after a change clears an earlier failure.
        let failed = done.reduce(ListingAction::LoadFailed(ApiError::SignedOut));
        let read = failed.reduce(ListingAction::Loaded(vec![2]));
        assert_eq!(
            (read.failed.clone(), read.data.clone()),
            (None, Some(vec![2]))
        );
    }
}
