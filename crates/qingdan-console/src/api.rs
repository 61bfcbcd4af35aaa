//! The intake's API as the console uses it: the shapes it answers, the
//! addresses it is asked at, and each answer read into a value or an
//! [`ApiError`]. Pure, natively tested; [`crate::net`] does the asking.
//!
//! Scores (`total`, `percentage`) arrive as exact two-place decimal strings
//! and stay strings: the console shows them as given, never as floats.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The API, relative to the console's page (`/console/`), so that an
/// intake behind a path prefix works too.
pub const BASE: &str = "../api/v1";

/// The intake's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
    /// The `Retry-After` header, when there is one.
    pub retry_after: Option<String>,
}

/// A refusal, as the intake's `application/problem+json` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The HTTP status.
    pub status: u16,
    /// The problem's code (`unauthorized`, `weak-password`, …); empty when
    /// the body was not a problem.
    pub code: String,
    /// The intake's own words (English).
    pub detail: String,
    /// Seconds to wait, from `Retry-After`.
    pub retry_after: Option<u64>,
}

/// Why a request gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer came (no network, the intake down, timed out).
    Unreachable(String),
    /// The session has ended, or there is none (401 on a session's request).
    SignedOut,
    /// The administrator must change their one-time password first (403
    /// `password-change`).
    MustChange,
    /// The intake refused the request.
    Refused(Problem),
    /// An answer that is not of the shape expected (its status).
    Unreadable(u16),
}

impl ApiError {
    /// The error as a session's request means it: 401 is the session's end
    /// and 403 `password-change` the one-time password (a sign-in's own
    /// 401 is a wrong password, so it is not read this way).
    pub fn in_session(self) -> ApiError {
        match self {
            ApiError::Refused(p) if p.status == 401 => ApiError::SignedOut,
            ApiError::Refused(p) if p.status == 403 && p.code == "password-change" => {
                ApiError::MustChange
            }
            other => other,
        }
    }
}

#[derive(Deserialize)]
struct ProblemBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
}

/// `reply` as a refusal unless its status is 2xx.
fn refusal(reply: &Reply) -> Option<ApiError> {
    if (200..300).contains(&reply.status) {
        return None;
    }
    let body: Option<ProblemBody> = serde_json::from_str(&reply.body).ok();
    let (code, detail) = body.map_or_else(
        || (String::new(), reply.body.trim().to_owned()),
        |b| (b.code, b.detail),
    );
    Some(ApiError::Refused(Problem {
        status: reply.status,
        code,
        detail,
        retry_after: reply
            .retry_after
            .as_deref()
            .and_then(|s| s.trim().parse().ok()),
    }))
}

/// A 2xx answer's JSON body as a `V`.
pub fn read<V: DeserializeOwned>(reply: &Reply) -> Result<V, ApiError> {
    if let Some(e) = refusal(reply) {
        return Err(e);
    }
    serde_json::from_str(&reply.body).map_err(|_| ApiError::Unreadable(reply.status))
}

/// A 2xx answer whose body does not matter (204).
pub fn read_empty(reply: &Reply) -> Result<(), ApiError> {
    refusal(reply).map_or(Ok(()), Err)
}

/// Who is signed in (`POST` and `GET /session`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Session {
    /// The administrator's name.
    pub name: String,
    /// Whether they must change a one-time password first.
    pub must_change: bool,
    /// Seconds unused after which the session ends.
    #[serde(default)]
    pub idle_seconds: u64,
}

/// `POST /session`'s body.
#[derive(Debug, Serialize)]
pub struct Credentials<'a> {
    /// The name.
    pub name: &'a str,
    /// The password.
    pub password: &'a str,
}

/// `POST /session/password`'s body.
#[derive(Debug, Serialize)]
pub struct NewPassword<'a> {
    /// The password in use.
    pub current: &'a str,
    /// The one to use from now on.
    pub password: &'a str,
}

/// A published checklist (`GET /templates`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Checklist {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title (Chinese).
    pub title: String,
}

/// An assessment round (考核批次).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Round {
    /// Its id.
    pub id: String,
    /// The checklist.
    pub template_id: String,
    /// Its version.
    pub template_version: u32,
    /// The period, e.g. `2026`.
    pub period: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// The last day packets are due, `YYYY-MM-DD`.
    pub deadline: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// How many units it covers.
    pub units: u64,
}

/// `POST /rounds`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRound {
    /// The checklist's id.
    pub template: String,
    /// Its version.
    pub version: u32,
    /// The period.
    pub period: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// The last day, `YYYY-MM-DD`.
    pub deadline: String,
    /// The units covered; empty: every registered unit.
    pub units: Vec<String>,
}

/// Where a unit of a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitStatus {
    /// 未提交: nothing accepted, the deadline not passed.
    Missing,
    /// 已提交: a packet accepted.
    Submitted,
    /// 被拒绝: nothing accepted, a packet refused.
    Refused,
    /// 逾期未提交: nothing accepted, the deadline passed.
    Overdue,
}

impl UnitStatus {
    /// Every status, in the order the tracker shows them.
    pub const ALL: [UnitStatus; 4] = [
        UnitStatus::Missing,
        UnitStatus::Submitted,
        UnitStatus::Refused,
        UnitStatus::Overdue,
    ];

    /// The status as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::Missing => "missing",
            UnitStatus::Submitted => "submitted",
            UnitStatus::Refused => "refused",
            UnitStatus::Overdue => "overdue",
        }
    }

    /// The status spelled `s`, if it is one.
    pub fn parse(s: &str) -> Option<UnitStatus> {
        UnitStatus::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// How many units of a round stand where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct Counts {
    /// All the round's units.
    pub units: u64,
    /// 未提交.
    pub missing: u64,
    /// 已提交.
    pub submitted: u64,
    /// 被拒绝.
    pub refused: u64,
    /// 逾期未提交.
    pub overdue: u64,
}

impl Counts {
    /// How many stand `status`.
    pub fn of(&self, status: UnitStatus) -> u64 {
        match status {
            UnitStatus::Missing => self.missing,
            UnitStatus::Submitted => self.submitted,
            UnitStatus::Refused => self.refused,
            UnitStatus::Overdue => self.overdue,
        }
    }
}

/// One unit of a round on the tracker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UnitRow {
    /// The unit's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub status: UnitStatus,
    /// Its latest accepted packet's id (the packet page's).
    #[serde(default)]
    pub packet_id: Option<String>,
    /// Its latest accepted packet's time (RFC 3339, UTC).
    pub received_at: Option<String>,
    /// That packet's total, as given (`"87.50"`).
    pub total: Option<String>,
    /// Its percentage, as given.
    pub percentage: Option<String>,
    /// Its grade's band id.
    pub grade: Option<String>,
    /// When its latest packet was refused.
    pub refused_at: Option<String>,
    /// The refusal's code.
    pub refused_code: Option<String>,
    /// The refusal's detail (English).
    pub refused_detail: Option<String>,
}

/// A page of a round's tracker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tracker {
    /// The round.
    pub round: Round,
    /// The day judged on, `YYYY-MM-DD`.
    pub as_of: String,
    /// Whether the deadline has passed on that day.
    pub past_deadline: bool,
    /// The counts over all the round's units.
    pub counts: Counts,
    /// This page's units.
    pub units: Vec<UnitRow>,
    /// This page, from 1.
    pub page: u64,
    /// Units a page.
    pub per_page: u64,
    /// Units the filter keeps, in all.
    pub total_units: u64,
    /// Pages in all.
    pub pages: u64,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuditEntry {
    /// Its number.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: an administrator's name, `token:<id>` or `cli`.
    pub actor: String,
    /// What (`round.create`, …).
    pub action: String,
    /// Of what: ids and codes.
    pub detail: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// The next page's `before`, when there may be one.
    pub before: Option<i64>,
}

/// What a checklist says of itself that the tracker shows: its title and
/// its grades' names (read from `GET /templates/{id}/{version}`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChecklistWords {
    /// The title, Chinese and English (the Chinese when it has one only).
    pub title: Option<(String, String)>,
    /// Each band's id and its name in Chinese and English.
    pub bands: Vec<(String, String, String)>,
}

impl ChecklistWords {
    /// The words of a checklist's JSON (nothing when it does not read).
    pub fn of(json: &str) -> ChecklistWords {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(json) else {
            return ChecklistWords::default();
        };
        let text = |v: &serde_json::Value| -> Option<(String, String)> {
            match v {
                serde_json::Value::String(s) => Some((s.clone(), s.clone())),
                serde_json::Value::Object(o) => {
                    let zh = o.get("zh")?.as_str()?.to_owned();
                    let en = o
                        .get("en")
                        .and_then(|e| e.as_str())
                        .unwrap_or(&zh)
                        .to_owned();
                    Some((zh, en))
                }
                _ => None,
            }
        };
        let bands = doc["bands"]
            .as_array()
            .map(|bands| {
                bands
                    .iter()
                    .filter_map(|b| {
                        let id = b["id"].as_str()?.to_owned();
                        let (zh, en) = text(&b["label"]).unwrap_or((id.clone(), id.clone()));
                        Some((id, zh, en))
                    })
                    .collect()
            })
            .unwrap_or_default();
        ChecklistWords {
            title: text(&doc["title"]),
            bands,
        }
    }

    /// The name of band `id` (the id itself when the checklist lacks it).
    pub fn grade(&self, id: &str, lang: qingdan_core::Lang) -> String {
        self.bands
            .iter()
            .find(|(band, _, _)| band == id)
            .map_or_else(
                || id.to_owned(),
                |(_, zh, en)| match lang {
                    qingdan_core::Lang::Zh => zh.clone(),
                    qingdan_core::Lang::En => en.clone(),
                },
            )
    }
}

/// `s` with every byte but letters, digits and `-._~` percent-encoded, for
/// a query's value or a path's part.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What page of a round's tracker to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackerQuery {
    /// The day judged on; today when none.
    pub as_of: Option<String>,
    /// Only the units that stand so; all when none.
    pub status: Option<UnitStatus>,
    /// The page, from 1.
    pub page: u64,
}

/// The units a tracker page shows.
pub const PER_PAGE: u64 = 50;

/// `GET /rounds/{id}/status` for `query`.
pub fn tracker_url(id: &str, query: &TrackerQuery) -> String {
    let mut url = format!(
        "{BASE}/rounds/{}/status?page={}&per_page={PER_PAGE}",
        encode(id),
        query.page.max(1)
    );
    if let Some(day) = &query.as_of {
        url.push_str(&format!("&as_of={}", encode(day)));
    }
    if let Some(status) = query.status {
        url.push_str(&format!("&status={}", status.as_str()));
    }
    url
}

/// The tracker of round `id` on `as_of` as a workbook: every unit.
pub fn xlsx_url(id: &str, as_of: &str) -> String {
    format!(
        "{BASE}/rounds/{}/status?as_of={}&format=xlsx",
        encode(id),
        encode(as_of)
    )
}

/// `GET /templates/{id}/{version}`.
pub fn checklist_url(id: &str, version: u32) -> String {
    format!("{BASE}/templates/{}/{version}", encode(id))
}

/// How many audit entries a page holds.
pub const AUDIT_PAGE: u32 = 50;

/// `GET /audit`, the page before entry `before` (the newest when none).
pub fn audit_url(before: Option<i64>) -> String {
    match before {
        Some(b) => format!("{BASE}/audit?limit={AUDIT_PAGE}&before={b}"),
        None => format!("{BASE}/audit?limit={AUDIT_PAGE}"),
    }
}

/// Whether `s` is a day as the API takes it: `YYYY-MM-DD` with a month
/// and day that exist.
pub fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    #[test]
    fn a_tracker_page_reads_with_its_scores_as_the_strings_given() {
        let body = r#"{"round":{"id":"r1","template_id":"jiandu-zeren","template_version":2,
            "period":"2026","kind":"self-assessment","deadline":"2027-01-15",
            "created_at":"2026-12-01T08:00:00Z","units":2},
            "as_of":"2027-01-16","past_deadline":true,
            "counts":{"units":2,"missing":0,"submitted":1,"refused":0,"overdue":1},
            "units":[{"code":"510824-101","name":"某某镇党委","status":"submitted",
              "packet_id":"p","received_at":"2026-12-02T01:02:03Z","total":"87.50",
              "percentage":"87.50","grade":"good","refused_at":null,"refused_code":null,
              "refused_detail":null},
              {"code":"510824-102","name":"某某乡党委","status":"overdue","packet_id":null,
              "received_at":null,"total":null,"percentage":null,"grade":null,
              "refused_at":null,"refused_code":null,"refused_detail":null}],
            "page":1,"per_page":50,"total_units":2,"pages":1}"#;
        let page: Tracker = read(&reply(200, body)).unwrap();
        assert_eq!(page.units[0].total.as_deref(), Some("87.50"));
        // A submitted unit's row opens its packet.
        assert_eq!(page.units[0].packet_id.as_deref(), Some("p"));
        assert_eq!(page.units[1].packet_id, None);
        assert_eq!(page.units[1].status, UnitStatus::Overdue);
        assert_eq!(page.counts.of(UnitStatus::Overdue), 1);
        assert!(page.past_deadline);
    }

    #[test]
    fn a_problem_keeps_its_code_detail_and_wait() {
        let mut r = reply(
            429,
            r#"{"type":"about:blank","code":"rate-limited","detail":"too many"}"#,
        );
        r.retry_after = Some("20".into());
        let e = read::<Session>(&r).unwrap_err();
        assert_eq!(
            e,
            ApiError::Refused(Problem {
                status: 429,
                code: "rate-limited".into(),
                detail: "too many".into(),
                retry_after: Some(20),
            })
        );
        // Not a problem body: its text is the detail, with no code.
        let e = read_empty(&reply(502, "bad gateway\n")).unwrap_err();
        assert!(
            matches!(e, ApiError::Refused(p) if p.code.is_empty() && p.detail == "bad gateway")
        );
        assert_eq!(read_empty(&reply(204, "")), Ok(()));
        assert_eq!(
            read::<Session>(&reply(200, "<html>")),
            Err(ApiError::Unreadable(200))
        );
    }

    #[test]
    fn in_a_session_401_is_its_end_and_403_password_change_the_one_time_password() {
        let refused = |status, code: &str| {
            ApiError::Refused(Problem {
                status,
                code: code.into(),
                detail: String::new(),
                retry_after: None,
            })
        };
        assert_eq!(
            refused(401, "unauthorized").in_session(),
            ApiError::SignedOut
        );
        assert_eq!(
            refused(403, "password-change").in_session(),
            ApiError::MustChange
        );
        assert_eq!(
            refused(422, "invalid").in_session(),
            refused(422, "invalid")
        );
    }

    #[test]
    fn the_tracker_is_asked_for_its_page_day_and_filter() {
        let query = TrackerQuery {
            as_of: Some("2027-01-16".into()),
            status: Some(UnitStatus::Overdue),
            page: 2,
        };
        assert_eq!(
            tracker_url("r 1", &query),
            "../api/v1/rounds/r%201/status?page=2&per_page=50&as_of=2027-01-16&status=overdue"
        );
        assert_eq!(
            tracker_url("r1", &TrackerQuery::default()),
            "../api/v1/rounds/r1/status?page=1&per_page=50"
        );
        assert_eq!(
            xlsx_url("r1", "2027-01-16"),
            "../api/v1/rounds/r1/status?as_of=2027-01-16&format=xlsx"
        );
        assert_eq!(audit_url(Some(7)), "../api/v1/audit?limit=50&before=7");
    }

    #[test]
    fn days_are_checked_as_the_intake_checks_them() {
        assert!(is_day("2027-01-15"));
        assert!(is_day("2028-02-29"));
        assert!(!is_day("2027-02-29"));
        assert!(!is_day("2027-1-15"));
        assert!(!is_day("2027-13-01"));
        assert!(!is_day("２０２７-01-15"));
    }

    #[test]
    fn a_checklist_names_its_grades_and_an_unknown_band_is_shown_by_its_id() {
        let words = ChecklistWords::of(
            r#"{"title":{"zh":"监督责任清单","en":"Supervisory list"},
                "bands":[{"id":"good","label":{"zh":"良好","en":"Good"},"min":80,"max":90}]}"#,
        );
        assert_eq!(
            words.title,
            Some(("监督责任清单".into(), "Supervisory list".into()))
        );
        assert_eq!(words.grade("good", qingdan_core::Lang::Zh), "良好");
        assert_eq!(words.grade("good", qingdan_core::Lang::En), "Good");
        assert_eq!(words.grade("odd", qingdan_core::Lang::Zh), "odd");
        assert_eq!(ChecklistWords::of("not json"), ChecklistWords::default());
    }
}
