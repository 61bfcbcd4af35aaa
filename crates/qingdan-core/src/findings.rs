//! Inspection findings (发现问题) and their rectification (限期整改).
//!
//! An inspection packet lists the problems its inspectors found, each on an
//! item of the checklist, with a deadline and the person responsible. The
//! unit answers with a `rectification` packet that refers to the inspection
//! and says, for some or all of its findings, what was done. A finding is
//! closed when the unit's latest word on it is [`RectificationStatus::Done`];
//! while it is not, it is open, and overdue once its deadline has passed.
//!
//! ```json
//! "findings": [ { "id": "1", "item": "2.3", "problem": "…", "deadline": "2027-01-31", "responsible": "李四" } ]
//! "rectifications": [ { "finding": "1", "status": "done", "action": "…", "completed_on": "2027-01-20" } ]
//! ```

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A problem an inspector found on an item, to be put right by a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Unique in its inspection, e.g. `1`.
    pub id: String,
    /// The item (小项) it was found on.
    pub item: String,
    /// What is wrong.
    pub problem: String,
    /// The rectification deadline (整改期限), `YYYY-MM-DD`.
    pub deadline: String,
    /// The person responsible for putting it right (整改责任人).
    pub responsible: String,
}

/// What a unit did about one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rectification {
    /// The finding's id in the inspection the packet refers to.
    pub finding: String,
    /// Done, or still in progress.
    pub status: RectificationStatus,
    /// What was done (整改措施).
    pub action: String,
    /// When it was done, `YYYY-MM-DD`: required when done, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<String>,
}

/// Where a rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RectificationStatus {
    /// 已整改: the problem is put right.
    Done,
    /// 整改中: work has started.
    InProgress,
}

/// Where a finding stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingState {
    /// Not yet put right, and its deadline is today or later.
    Open,
    /// Not yet put right, and its deadline has passed.
    Overdue,
    /// Put right.
    Closed,
}

impl FindingState {
    /// What people call it.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (FindingState::Open, crate::Lang::Zh) => "未整改",
            (FindingState::Open, crate::Lang::En) => "open",
            (FindingState::Overdue, crate::Lang::Zh) => "逾期未整改",
            (FindingState::Overdue, crate::Lang::En) => "overdue",
            (FindingState::Closed, crate::Lang::Zh) => "已整改",
            (FindingState::Closed, crate::Lang::En) => "closed",
        }
    }
}

/// Where a finding with this deadline stands on `today`, given the unit's
/// latest rectification of it. A deadline that cannot be read counts as
/// passed.
pub fn state(
    deadline: &str,
    latest: Option<RectificationStatus>,
    today: NaiveDate,
) -> FindingState {
    match latest {
        Some(RectificationStatus::Done) => FindingState::Closed,
        _ if parse_date(deadline).is_some_and(|d| today <= d) => FindingState::Open,
        _ => FindingState::Overdue,
    }
}

/// Reads a date written exactly `YYYY-MM-DD`, as [`NaiveDate`]'s
/// `Display` writes it back (by hand rather than with chrono's format
/// strings, whose parser and formatter the browser app would carry).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |at: std::ops::Range<usize>| {
        let digits = text.get(at)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse::<u32>().ok())?
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )
}

/// The first problem in a list of findings, as (JSON path below the list,
/// message).
pub(crate) fn check_findings(findings: &[Finding]) -> Option<(String, String)> {
    let mut ids = BTreeSet::new();
    for (i, f) in findings.iter().enumerate() {
        let at = |field: &str| format!("[{i}].{field}");
        if f.id.trim().is_empty() {
            return Some((at("id"), "a finding needs an id".into()));
        }
        if !ids.insert(f.id.as_str()) {
            return Some((at("id"), format!("finding {:?} is listed twice", f.id)));
        }
        if f.item.trim().is_empty() {
            return Some((at("item"), "a finding is on an item".into()));
        }
        if f.problem.trim().is_empty() {
            return Some((at("problem"), "say what the problem is".into()));
        }
        if parse_date(&f.deadline).is_none() {
            return Some((
                at("deadline"),
                format!("{:?} is not a date (YYYY-MM-DD)", f.deadline),
            ));
        }
        if f.responsible.trim().is_empty() {
            return Some((
                at("responsible"),
                "a finding needs a person responsible".into(),
            ));
        }
    }
    None
}

/// The first problem in a list of rectifications, as (JSON path below the
/// list, message).
pub(crate) fn check_rectifications(entries: &[Rectification]) -> Option<(String, String)> {
    if entries.is_empty() {
        return Some((
            String::new(),
            "a rectification answers at least one finding".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, r) in entries.iter().enumerate() {
        let at = |field: &str| format!("[{i}].{field}");
        if !seen.insert(r.finding.as_str()) {
            return Some((
                at("finding"),
                format!("finding {:?} is answered twice", r.finding),
            ));
        }
        if r.action.trim().is_empty() {
            return Some((at("action"), "say what was done".into()));
        }
        match (r.status, &r.completed_on) {
            (RectificationStatus::Done, None) => {
                return Some((
                    at("completed_on"),
                    "a finding put right needs the date it was done".into(),
                ));
            }
            (RectificationStatus::InProgress, Some(_)) => {
                return Some((
                    at("completed_on"),
                    "only a finding put right has a completion date".into(),
                ));
            }
            (_, Some(day)) if parse_date(day).is_none() => {
                return Some((
                    at("completed_on"),
                    format!("{day:?} is not a date (YYYY-MM-DD)"),
                ));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn a_date_is_read_only_as_written_back() {
        for text in ["2026-02-28", "2028-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(day(text).to_string(), text);
        }
        for bad in [
            "2026-2-28",
            "2026-02-30",
            "2026-13-01",
            " 2026-1-01",
            "+202-01-01",
            "2026/02/28",
            "2026-02-2８",
            "２026-02-28",
            "",
            "2026-02-28T",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_finding_is_overdue_only_after_its_deadline_and_closed_once_done() {
        let due = "2027-01-31";
        assert_eq!(state(due, None, day("2027-01-31")), FindingState::Open);
        assert_eq!(state(due, None, day("2027-02-01")), FindingState::Overdue);
        assert_eq!(
            state(
                due,
                Some(RectificationStatus::InProgress),
                day("2027-02-01")
            ),
            FindingState::Overdue
        );
        assert_eq!(
            state(due, Some(RectificationStatus::Done), day("2027-03-01")),
            FindingState::Closed
        );
    }

    #[test]
    fn dates_are_read_strictly() {
        assert!(parse_date("2027-02-30").is_none());
        assert!(parse_date("2027-2-3").is_none());
        assert!(parse_date("2027-02-03T00:00").is_none());
        assert_eq!(day("2027-02-03").to_string(), "2027-02-03");
    }

    fn finding(id: &str) -> Finding {
        Finding {
            id: id.into(),
            item: "1.1".into(),
            problem: "谈话记录缺失".into(),
            deadline: "2027-01-31".into(),
            responsible: "李四".into(),
        }
    }

    #[test]
    fn bad_findings_are_named_by_path() {
        assert_eq!(check_findings(&[finding("1"), finding("2")]), None);
        let (at, message) = check_findings(&[finding("1"), finding("1")]).unwrap();
        assert_eq!(at, "[1].id");
        assert!(message.contains("twice"), "{message}");
        let mut late = finding("1");
        late.deadline = "明年一月".into();
        assert_eq!(check_findings(&[late]).unwrap().0, "[0].deadline");
    }

    #[test]
    fn a_done_rectification_needs_its_date() {
        let done = |completed_on: Option<&str>| Rectification {
            finding: "1".into(),
            status: RectificationStatus::Done,
            action: "已补记录".into(),
            completed_on: completed_on.map(str::to_owned),
        };
        assert_eq!(check_rectifications(&[done(Some("2027-01-20"))]), None);
        assert_eq!(
            check_rectifications(&[done(None)]).unwrap().0,
            "[0].completed_on"
        );
        assert_eq!(
            check_rectifications(&[done(Some("2027-13-01"))]).unwrap().0,
            "[0].completed_on"
        );
        assert!(check_rectifications(&[]).is_some());
    }
}
