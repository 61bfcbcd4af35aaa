//! The audit log: pages of entries, newest first, each "more" adding the
//! page before the last entry shown.

use std::rc::Rc;

use yew::Reducible;

use crate::api::{ApiError, AuditEntry, AuditPage};

/// What the audit page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audit {
    /// The entries read, newest first.
    pub entries: Vec<AuditEntry>,
    /// Where the next page starts; `None` when there is none.
    pub next: Option<i64>,
    /// The first page has been read.
    pub loaded: bool,
    /// A page is being read.
    pub loading: bool,
    /// Why the last page could not be read.
    pub error: Option<ApiError>,
}

/// What happens on the audit page.
#[derive(Debug, Clone)]
pub enum AuditAction {
    /// A page was asked for.
    Loading,
    /// A page was read.
    Page(AuditPage),
    /// It could not be.
    Failed(ApiError),
}

impl Reducible for Audit {
    type Action = AuditAction;

    fn reduce(self: Rc<Self>, action: AuditAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AuditAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            AuditAction::Page(page) => {
                // A page read twice (two quick clicks) adds nothing twice.
                let last = next.entries.last().map(|e| e.id);
                next.entries.extend(
                    page.entries
                        .into_iter()
                        .filter(|e| last.is_none_or(|last| e.id < last)),
                );
                next.next = page.before;
                next.loaded = true;
                next.loading = false;
            }
            AuditAction::Failed(e) => {
                next.error = Some(e);
                next.loading = false;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(ids: std::ops::RangeInclusive<i64>) -> Vec<AuditEntry> {
        ids.rev()
            .map(|id| AuditEntry {
                id,
                at: "2026-12-01T08:00:00Z".into(),
                actor: "zhang".into(),
                action: "round.create".into(),
                detail: String::new(),
            })
            .collect()
    }

    #[test]
    fn more_adds_the_older_page_once_and_the_last_page_ends_the_list() {
        let audit = Rc::new(Audit::default())
            .reduce(AuditAction::Loading)
            .reduce(AuditAction::Page(AuditPage {
                entries: entries(51..=100),
                before: Some(51),
            }));
        assert_eq!((audit.entries.len(), audit.next), (50, Some(51)));
        let older = AuditPage {
            entries: entries(1..=50),
            before: None,
        };
        let audit = audit
            .reduce(AuditAction::Page(older.clone()))
            .reduce(AuditAction::Page(older));
        assert_eq!(audit.entries.len(), 100);
        assert_eq!(audit.entries.last().map(|e| e.id), Some(1));
        assert_eq!(audit.next, None);
        assert!(audit.loaded && !audit.loading);
    }
}
