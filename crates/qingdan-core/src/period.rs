//! Periods (`2026`, `2026-H2`, `2026-Q3`, `2026-10`): what a packet names,
//! and the days they span, from which a checklist's fixed due dates follow.

use chrono::{Datelike as _, Days, NaiveDate};

use crate::template::{FixedDue, PeriodKind};

/// A period: its year and its first and last days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The year it falls in.
    pub year: i32,
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
}

impl Period {
    /// Reads `YYYY`, `YYYY-H1`/`H2`, `YYYY-Q1`…`Q4` or `YYYY-01`…`12`.
    pub fn parse(text: &str) -> Option<Period> {
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let (first, last) = match rest {
            None => (1, 12),
            Some("H1") => (1, 6),
            Some("H2") => (7, 12),
            Some(q @ ("Q1" | "Q2" | "Q3" | "Q4")) => {
                let n = u32::from(q.as_bytes()[1] - b'0');
                (3 * n - 2, 3 * n)
            }
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                let m: u32 = m.parse().ok()?;
                if !(1..=12).contains(&m) {
                    return None;
                }
                (m, m)
            }
            Some(_) => return None,
        };
        let start = NaiveDate::from_ymd_opt(year, first, 1)?;
        let after = if last == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, last + 1, 1)?
        };
        Some(Period {
            year,
            start,
            end: after.pred_opt()?,
        })
    }

    /// The kind of period `text` names: `2026` is annual, `2026-H2` a half
    /// year, `2026-Q3` a quarter, `2026-10` a month; `None` when it names
    /// no period.
    pub fn kind_of(text: &str) -> Option<PeriodKind> {
        Period::parse(text)?;
        Some(
            match text.split_once('-').map(|(_, rest)| rest.as_bytes()[0]) {
                None => PeriodKind::Annual,
                Some(b'H') => PeriodKind::HalfYear,
                Some(b'Q') => PeriodKind::Quarterly,
                Some(_) => PeriodKind::Monthly,
            },
        )
    }

    /// The period of kind `kind` that holds `day`: what a new assessment
    /// offers first (`2026`, `2026-H2`, `2026-Q4`, `2026-12`).
    pub fn holding(kind: PeriodKind, day: NaiveDate) -> String {
        let (year, month) = (day.year(), day.month());
        match kind {
            PeriodKind::Annual => format!("{year}"),
            PeriodKind::HalfYear => format!("{year}-H{}", if month <= 6 { 1 } else { 2 }),
            PeriodKind::Quarterly => format!("{year}-Q{}", month.div_ceil(3)),
            PeriodKind::Monthly => format!("{year}-{month:02}"),
        }
    }

    /// The due date `due` fixes for this period.
    pub fn due(&self, due: &FixedDue) -> Option<NaiveDate> {
        match (due.month, due.day, due.days_after_period) {
            (Some(month), Some(day), None) => {
                NaiveDate::from_ymd_opt(self.start.year(), month, day)
            }
            (None, None, Some(days)) => self.end.checked_add_days(Days::new(u64::from(days))),
            _ => None,
        }
    }
}

/// Whether `due` is one of the two forms with a day that every year has.
pub(crate) fn is_valid_due(due: &FixedDue) -> bool {
    match (due.month, due.day, due.days_after_period) {
        // 2025 is not a leap year: 29 February is refused.
        (Some(month), Some(day), None) => NaiveDate::from_ymd_opt(2025, month, day).is_some(),
        (None, None, Some(days)) => days <= 366,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        crate::findings::parse_date(text).unwrap()
    }

    #[test]
    fn periods_span_their_days() {
        let span = |t: &str| Period::parse(t).map(|p| (p.start, p.end));
        assert_eq!(span("2026"), Some((day("2026-01-01"), day("2026-12-31"))));
        assert_eq!(
            span("2026-H2"),
            Some((day("2026-07-01"), day("2026-12-31")))
        );
        assert_eq!(
            span("2026-Q1"),
            Some((day("2026-01-01"), day("2026-03-31")))
        );
        assert_eq!(
            span("2028-02"),
            Some((day("2028-02-01"), day("2028-02-29")))
        );
        for bad in ["2026-13", "2026-Q5", "26", "2026-H3", "2026-1", "x"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_period_is_of_one_kind_and_each_kind_holds_every_day() {
        assert_eq!(Period::kind_of("2026"), Some(PeriodKind::Annual));
        assert_eq!(Period::kind_of("2026-H2"), Some(PeriodKind::HalfYear));
        assert_eq!(Period::kind_of("2026-Q3"), Some(PeriodKind::Quarterly));
        assert_eq!(Period::kind_of("2026-10"), Some(PeriodKind::Monthly));
        for bad in ["2026-H3", "2026-13", "", "2026-"] {
            assert_eq!(Period::kind_of(bad), None, "{bad}");
        }
        let cases = [
            ("2026-01-01", ["2026", "2026-H1", "2026-Q1", "2026-01"]),
            ("2026-06-30", ["2026", "2026-H1", "2026-Q2", "2026-06"]),
            ("2026-07-01", ["2026", "2026-H2", "2026-Q3", "2026-07"]),
            ("2026-12-31", ["2026", "2026-H2", "2026-Q4", "2026-12"]),
        ];
        let kinds = [
            PeriodKind::Annual,
            PeriodKind::HalfYear,
            PeriodKind::Quarterly,
            PeriodKind::Monthly,
        ];
        for (date, expected) in cases {
            for (kind, want) in kinds.into_iter().zip(expected) {
                let held = Period::holding(kind, day(date));
                assert_eq!(held, want, "{kind:?} on {date}");
                assert_eq!(Period::kind_of(&held), Some(kind));
                let p = Period::parse(&held).unwrap();
                assert!(p.start <= day(date) && day(date) <= p.end);
            }
        }
    }

    #[test]
    fn a_fixed_due_date_follows_the_period() {
        let after = FixedDue {
            month: None,
            day: None,
            days_after_period: Some(31),
        };
        let march = FixedDue {
            month: Some(3),
            day: Some(31),
            days_after_period: None,
        };
        let year = Period::parse("2026").unwrap();
        assert_eq!(year.due(&after), Some(day("2027-01-31")));
        assert_eq!(year.due(&march), Some(day("2026-03-31")));
        let month = Period::parse("2026-10").unwrap();
        assert_eq!(month.due(&after), Some(day("2026-12-01")));
        assert!(is_valid_due(&march) && is_valid_due(&after));
        let leap = FixedDue {
            month: Some(2),
            day: Some(29),
            days_after_period: None,
        };
        assert!(!is_valid_due(&leap), "not every year has 29 February");
    }
}
