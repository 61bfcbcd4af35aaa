//! A round's tracker: the page shown (kept while the next one loads, so
//! the table does not blink), why a page could not be read, and the
//! checklist's words (its title and grades' names).

use std::rc::Rc;

use yew::Reducible;

use crate::api::{ApiError, ChecklistWords, Tracker};

/// What the tracker shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackerState {
    /// The page last read.
    pub page: Option<Tracker>,
    /// Why the page asked for could not be read.
    pub error: Option<ApiError>,
    /// A page is being read.
    pub loading: bool,
    /// The round's checklist's words.
    pub words: ChecklistWords,
}

/// What happens on the tracker.
#[derive(Debug, Clone)]
pub enum TrackerAction {
    /// A page was asked for.
    Loading,
    /// It was read.
    Loaded(Box<Tracker>),
    /// It could not be.
    Failed(ApiError),
    /// The checklist's words were read.
    Words(ChecklistWords),
}

impl Reducible for TrackerState {
    type Action = TrackerAction;

    fn reduce(self: Rc<Self>, action: TrackerAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            TrackerAction::Loading => next.loading = true,
            TrackerAction::Loaded(page) => {
                next.page = Some(*page);
                next.error = None;
                next.loading = false;
            }
            TrackerAction::Failed(e) => {
                next.error = Some(e);
                next.loading = false;
            }
            TrackerAction::Words(words) => next.words = words,
        }
        Rc::new(next)
    }
}

impl TrackerState {
    /// Whether there are pages before and after the one shown.
    pub fn paging(&self) -> (bool, bool) {
        self.page
            .as_ref()
            .map_or((false, false), |p| (p.page > 1, p.page < p.pages))
    }
}
