//! What the intake registers, as the console reads and changes it: units
//! (and their workbook), enrollment codes and their slips, enrolled keys,
//! published checklists. The shapes the API answers and the addresses it
//! is asked at; pure, natively tested.

use serde::{Deserialize, Serialize};

use crate::api::{BASE, encode};

/// A registered unit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Unit {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// When it was registered (RFC 3339, UTC).
    pub created_at: String,
    /// The unit it belongs to, if any.
    pub parent_code: Option<String>,
}

/// A page of the units (`GET /units`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UnitsPage {
    /// This page's units, by code.
    pub units: Vec<Unit>,
    /// This page, from 1.
    pub page: u64,
    /// Units registered in all.
    pub total_units: u64,
    /// Pages in all.
    pub pages: u64,
}

/// What a units workbook did (`POST /units/import`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Imported {
    /// Units read.
    pub units: u64,
    /// Of those, new.
    pub added: u64,
    /// Of those, registered before.
    pub updated: u64,
}

/// `POST /units`'s body.
#[derive(Debug, Serialize)]
pub struct NewUnit<'a> {
    /// The code.
    pub code: &'a str,
    /// The name.
    pub name: &'a str,
}

/// `PUT /units/{code}`'s body.
#[derive(Debug, Serialize)]
pub struct UnitEdit<'a> {
    /// The name.
    pub name: &'a str,
    /// The parent's code; empty: none.
    pub parent_code: &'a str,
}

/// `POST /enrollment-codes/sheet`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetRequest {
    /// The units (every registered unit when empty; `*`: inspectors).
    pub units: Vec<String>,
    /// The roles, one code each per unit.
    pub roles: Vec<String>,
}

/// The roles a slip can enroll, in the order offered.
pub const ROLES: [&str; 3] = ["principal", "supervisory", "inspector"];

/// The slips to ask for: `roles` of each unit in `units` (of every unit
/// when none is chosen), and for an inspector one slip valid for every
/// unit (`*`) however many are chosen. `None` when no role is chosen.
pub fn sheet_requests(units: &[String], roles: &[String]) -> Option<Vec<SheetRequest>> {
    let (inspector, own): (Vec<String>, Vec<String>) =
        roles.iter().cloned().partition(|r| r == "inspector");
    let mut asks = Vec::new();
    if !own.is_empty() {
        asks.push(SheetRequest {
            units: units.to_vec(),
            roles: own,
        });
    }
    if !inspector.is_empty() {
        asks.push(SheetRequest {
            units: vec!["*".into()],
            roles: inspector,
        });
    }
    (!asks.is_empty()).then_some(asks)
}

/// An enrollment code as listed: its id, never the code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Code {
    /// Its id.
    pub code_id: String,
    /// The unit, or `*`.
    pub unit: String,
    /// The role.
    pub role: String,
    /// When it was issued.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// `unused`, `redeemed` or `expired`.
    pub status: String,
}

/// A page of the codes issued (`GET /enrollment-codes`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CodesPage {
    /// The latest issued first.
    pub codes: Vec<Code>,
    /// This page, from 1.
    pub page: u64,
    /// Pages in all.
    pub pages: u64,
}

/// How a key was enrolled by a code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EnrolledBy {
    /// The code's id.
    pub code_id: String,
}

/// An enrolled key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Key {
    /// The unit, or `*`.
    pub unit: String,
    /// The role.
    pub role: String,
    /// The name of who signs with it.
    pub name: String,
    /// The public key.
    pub public_key: String,
    /// Its fingerprint, as devices show it.
    pub fingerprint: String,
    /// When it was enrolled.
    pub enrolled_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// The code it was enrolled by; none when an administrator enrolled it.
    pub code: Option<EnrolledBy>,
}

/// A page of keys (`GET /keys`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KeysPage {
    /// By unit, role and key.
    pub keys: Vec<Key>,
    /// Whether there may be more after the last.
    pub more: bool,
}

/// `POST /revocations`'s body.
#[derive(Debug, Serialize)]
pub struct Revocation<'a> {
    /// The key.
    pub public_key: &'a str,
    /// Why.
    pub reason: &'a str,
}

/// A published checklist version (`GET /templates`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Published {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Hex SHA-256 of its canonical JSON.
    pub sha256: String,
    /// Its title (Chinese).
    pub title: String,
    /// When published.
    pub published_at: String,
}

/// An evaluation (民主测评) as listed (`GET /evaluations`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EvaluationListed {
    /// Its id.
    pub id: String,
    /// What it is.
    pub title: String,
    /// When it was made.
    pub created_at: String,
    /// When its slips were made.
    pub slips_made_at: Option<String>,
    /// Its slips.
    pub slips: u32,
    /// Ballots cast.
    pub ballots_cast: i64,
    /// When it was closed.
    pub closed_at: Option<String>,
}

/// A person's figure in a published result, with their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFigure {
    /// Their id.
    pub id: String,
    /// Their name and post, as the evaluation gives them.
    pub name: String,
    /// The weighted satisfaction, in percent (`"59.82"`); none without
    /// ballots.
    pub satisfaction: Option<String>,
    /// Under the threshold: 约谈.
    pub talk_due: bool,
}

/// `…/evaluations/{id}` and what is under it.
pub fn evaluation_url(id: &str, rest: &str) -> String {
    format!("{BASE}/evaluations/{}{rest}", encode(id))
}

/// How many units or codes a page holds.
pub const PER_PAGE: u64 = 100;

/// `GET /units`, page `page`.
pub fn units_url(page: u64) -> String {
    format!("{BASE}/units?page={}&per_page={PER_PAGE}", page.max(1))
}

/// `GET /units?parents=true`: the units that have units under them (the
/// first thousand: more would not be chosen from a list).
pub fn parents_url() -> String {
    format!("{BASE}/units?parents=true&per_page=1000")
}

/// `PUT /units/{code}`.
pub fn unit_url(code: &str) -> String {
    format!("{BASE}/units/{}", encode(code))
}

/// `GET /enrollment-codes`, page `page`.
pub fn codes_url(page: u64) -> String {
    format!(
        "{BASE}/enrollment-codes?page={}&per_page={PER_PAGE}",
        page.max(1)
    )
}

/// `DELETE /enrollment-codes/{id}`.
pub fn code_url(code_id: &str) -> String {
    format!("{BASE}/enrollment-codes/{}", encode(code_id))
}

/// `GET /keys`, the page after `after` (the first when none).
pub fn keys_url(after: Option<&Key>) -> String {
    match after {
        None => format!("{BASE}/keys?limit={PER_PAGE}"),
        Some(k) => format!(
            "{BASE}/keys?limit={PER_PAGE}&after_unit={}&after_role={}&after_key={}",
            encode(&k.unit),
            encode(&k.role),
            encode(&k.public_key)
        ),
    }
}

/// Where a checklist file goes, by its name: a workbook to
/// `/templates/import`, anything else (JSON) to `/templates`; and its type.
pub fn publish_target(file_name: &str) -> (String, &'static str) {
    if file_name.to_ascii_lowercase().ends_with(".xlsx") {
        (
            format!("{BASE}/templates/import"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (format!("{BASE}/templates"), "application/json")
    }
}

/// The checklists by id, each id's versions latest first.
pub fn by_id(mut all: Vec<Published>) -> Vec<(String, Vec<Published>)> {
    all.sort_by(|a, b| a.id.cmp(&b.id).then(b.version.cmp(&a.version)));
    let mut out: Vec<(String, Vec<Published>)> = Vec::new();
    for c in all {
        match out.last_mut() {
            Some((id, versions)) if *id == c.id => versions.push(c),
            _ => out.push((c.id.clone(), vec![c])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspectors_get_one_slip_for_every_unit_and_the_units_roles_one_each() {
        let units = vec!["510824-101".to_owned(), "510824-102".to_owned()];
        let asks = sheet_requests(
            &units,
            &["principal".into(), "inspector".into(), "supervisory".into()],
        )
        .unwrap();
        assert_eq!(
            asks,
            vec![
                SheetRequest {
                    units: units.clone(),
                    roles: vec!["principal".into(), "supervisory".into()]
                },
                SheetRequest {
                    units: vec!["*".into()],
                    roles: vec!["inspector".into()]
                },
            ]
        );
        assert_eq!(sheet_requests(&units, &[]), None);
        // No unit chosen: every registered unit (the intake's default).
        assert_eq!(
            sheet_requests(&[], &["principal".into()]).unwrap()[0].units,
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_workbook_is_imported_and_anything_else_published_as_json() {
        assert_eq!(publish_target("清单.XLSX").0, "../api/v1/templates/import");
        assert_eq!(
            publish_target("jiandu-v3.json"),
            ("../api/v1/templates".to_owned(), "application/json")
        );
    }

    #[test]
    fn keys_are_asked_for_after_the_last_one_listed() {
        let key = Key {
            unit: "*".into(),
            role: "inspector".into(),
            name: "李四".into(),
            public_key: "ed25519:AB+/".into(),
            fingerprint: String::new(),
            enrolled_at: String::new(),
            revoked_at: None,
            code: None,
        };
        assert_eq!(
            keys_url(Some(&key)),
            "../api/v1/keys?limit=100&after_unit=%2A&after_role=inspector&after_key=ed25519%3AAB%2B%2F"
        );
        assert_eq!(units_url(0), "../api/v1/units?page=1&per_page=100");
        assert_eq!(code_url("0a1b"), "../api/v1/enrollment-codes/0a1b");
    }

    #[test]
    fn versions_are_grouped_by_checklist_the_latest_first() {
        let c = |id: &str, version| Published {
            id: id.into(),
            version,
            sha256: String::new(),
            title: String::new(),
            published_at: String::new(),
        };
        let grouped = by_id(vec![c("b", 1), c("a", 1), c("a", 3), c("a", 2)]);
        let versions: Vec<(String, Vec<u32>)> = grouped
            .into_iter()
            .map(|(id, v)| (id, v.iter().map(|c| c.version).collect()))
            .collect();
        assert_eq!(
            versions,
            vec![("a".into(), vec![3, 2, 1]), ("b".into(), vec![1])]
        );
    }
}
