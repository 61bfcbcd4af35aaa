//! The console's pages in the URL's hash (`/console/#/rounds/<id>?…`), so
//! a reload, a bookmark or a link sent to a colleague opens the same page;
//! the intake serves the one page, `/console/`.

use crate::api::{TrackerQuery, UnitStatus, is_day};

/// A page of the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/rounds` (and anything unknown): the rounds and the new-round form.
    Rounds,
    /// `#/rounds/<id>?as_of=&status=&page=`: a round's tracker.
    Tracker(String, TrackerQuery),
    /// `#/audit`: what administrators did.
    Audit,
    /// `#/password`: a new password.
    Password,
    /// `#/units?page=`: the units, their import, and slips of enrollment codes.
    Units(u64),
    /// `#/keys`: who is enrolled, and revocation.
    Keys,
    /// `#/checklists`: the published checklists and publishing one.
    Checklists,
    /// `#/evaluations`: 民主测评.
    Evaluations,
    /// `#/reports…`: the reports; the rest of the hash (after `#/reports`)
    /// as it is, read by [`crate::ui::reports`].
    Reports(String),
    /// `#/packets/<id>`: a packet as its score sheet.
    Packet(String),
}

/// Whether `id` can be a round's id in a URL as it is (a UUID, or letters,
/// digits and `-`).
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Route {
    /// The route of `hash` (`#/rounds/…`); the rounds for anything unknown.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["rounds", id] if is_id(id) => Route::Tracker((*id).to_owned(), tracker_query(query)),
            ["audit"] => Route::Audit,
            ["units"] => Route::Units(page_of(query)),
            ["keys"] => Route::Keys,
            ["checklists"] => Route::Checklists,
            ["evaluations"] => Route::Evaluations,
            ["reports", ..] => Route::Reports(
                hash.trim_start_matches('#')
                    .trim_start_matches('/')
                    .trim_start_matches("reports")
                    .to_owned(),
            ),
            ["packets", id] if is_id(id) => Route::Packet((*id).to_owned()),
            ["password"] => Route::Password,
            _ => Route::Rounds,
        }
    }

    /// The hash that names this route.
    pub fn href(&self) -> String {
        match self {
            Route::Rounds => "#/rounds".into(),
            Route::Audit => "#/audit".into(),
            Route::Password => "#/password".into(),
            Route::Units(1) => "#/units".into(),
            Route::Units(page) => format!("#/units?page={page}"),
            Route::Keys => "#/keys".into(),
            Route::Checklists => "#/checklists".into(),
            Route::Evaluations => "#/evaluations".into(),
            Route::Reports(rest) => format!("#/reports{rest}"),
            Route::Packet(id) => format!("#/packets/{id}"),
            Route::Tracker(id, query) => {
                let mut params = Vec::new();
                if let Some(day) = &query.as_of {
                    params.push(format!("as_of={day}"));
                }
                if let Some(status) = query.status {
                    params.push(format!("status={}", status.as_str()));
                }
                if query.page > 1 {
                    params.push(format!("page={}", query.page));
                }
                if params.is_empty() {
                    format!("#/rounds/{id}")
                } else {
                    format!("#/rounds/{id}?{}", params.join("&"))
                }
            }
        }
    }
}

/// The `page=` of `query`, from 1.
fn page_of(query: &str) -> u64 {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
}

/// A tracker's query from `as_of=…&status=…&page=…`; what does not read is
/// left at its default.
fn tracker_query(query: &str) -> TrackerQuery {
    let mut out = TrackerQuery {
        page: 1,
        ..TrackerQuery::default()
    };
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("as_of", day)) if is_day(day) => out.as_of = Some(day.to_owned()),
            Some(("status", s)) => out.status = UnitStatus::parse(s),
            Some(("page", n)) => out.page = n.parse().ok().filter(|&n| n >= 1).unwrap_or(1),
            _ => {}
        }
    }
    out
}

/// Goes to `route`.
pub fn go(route: &Route) {
    let _ = gloo::utils::window().location().set_hash(&route.href());
}

/// The route the page's URL names now.
pub fn current() -> Route {
    Route::parse(&gloo::utils::window().location().hash().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_reads_back_from_its_own_hash() {
        let routes = [
            Route::Rounds,
            Route::Audit,
            Route::Password,
            Route::Units(1),
            Route::Units(4),
            Route::Keys,
            Route::Checklists,
            Route::Evaluations,
            Route::Reports("/ranking?page=2".into()),
            Route::Packet("3f2a-77".into()),
            Route::Tracker(
                "0b5c-9f".into(),
                TrackerQuery {
                    page: 1,
                    ..Default::default()
                },
            ),
            Route::Tracker(
                "0b5c-9f".into(),
                TrackerQuery {
                    as_of: Some("2027-01-16".into()),
                    status: Some(UnitStatus::Overdue),
                    page: 3,
                },
            ),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn anything_unknown_or_ill_formed_is_the_rounds_or_a_default() {
        assert_eq!(Route::parse(""), Route::Rounds);
        assert_eq!(Route::parse("#/nowhere"), Route::Rounds);
        assert_eq!(Route::parse("#/rounds/a%20b"), Route::Rounds);
        assert_eq!(
            Route::parse("#/rounds/r1?as_of=tomorrow&status=lost&page=0"),
            Route::Tracker(
                "r1".into(),
                TrackerQuery {
                    page: 1,
                    ..Default::default()
                }
            )
        );
    }
}
