//! The small text syntaxes of the items sheet: a condition (显示条件,
//! `1.2 in done, partial`, `1.2 >= 3`, `1.2 triggered`, `1.2 not
//! triggered`), a veto's effect (否决效果, `否决` or `至多 合格`) and a
//! fixed due date (规定期限, `3月31日` or `期末后31天`). Each is read and
//! written here, and what is written reads back as the same value.

use qingdan_core::template::{Band, Condition, FixedDue, VetoEffect};

use crate::layout::{
    CAP_ALSO, CAP_ZH, DUE_AFTER, DUE_AFTER_ALSO, DUE_BEFORE_ALSO, DUE_DAY, DUE_DAY_ALSO, DUE_DAYS,
    DUE_DAYS_ALSO, DUE_MONTH, DUE_WITHIN_ALSO, DUE_YEAR_ALSO, FAIL_ALSO, FAIL_ZH,
};

const CONDITION_FORMS: &str =
    "write \"1.2 in done, partial\", \"1.2 >= 3\", \"1.2 triggered\" or \"1.2 not triggered\"";

/// Chinese names accepted for the answers of a check item.
const CHECK_STATES: [(&str, &str); 3] = [
    ("完成", "done"),
    ("部分完成", "partial"),
    ("未完成", "not_done"),
];

/// Reads a condition cell.
pub(crate) fn parse_condition(text: &str) -> Result<Condition, String> {
    let bad = |why: &str| format!("show_if {text:?} {why}: {CONDITION_FORMS}");
    let condition = |item: &str| Condition {
        item: item.trim().to_owned(),
        any_of: None,
        at_least: None,
        triggered: None,
    };
    for op in [">=", "≥"] {
        if let Some((item, n)) = text.split_once(op) {
            let n = n.trim();
            let at_least = n
                .strip_prefix('+')
                .unwrap_or(n)
                .parse::<i64>()
                .map_err(|_| bad(&format!("compares with {n:?}, which is not a whole number")))?;
            return with_item(condition(item), &bad).map(|c| Condition {
                at_least: Some(at_least),
                ..c
            });
        }
    }
    let text_trimmed = text.trim();
    let (item, rest) = text_trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((text_trimmed, ""));
    let words: Vec<&str> = rest.split_whitespace().collect();
    let condition = with_item(condition(item), &bad)?;
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    match lower
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["triggered"] | ["触发"] | ["已触发"] => Ok(Condition {
            triggered: Some(true),
            ..condition
        }),
        ["not", "triggered"] | ["未触发"] => Ok(Condition {
            triggered: Some(false),
            ..condition
        }),
        ["in", ..] => {
            let values: Vec<String> = rest
                .trim_start()
                .get(2..)
                .unwrap_or("")
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
                .filter(|v| !v.is_empty())
                .map(|v| {
                    CHECK_STATES
                        .iter()
                        .find(|(zh, _)| *zh == v)
                        .map_or(v, |&(_, state)| state)
                        .to_owned()
                })
                .collect();
            if values.is_empty() {
                return Err(bad("lists no answers after \"in\""));
            }
            Ok(Condition {
                any_of: Some(values),
                ..condition
            })
        }
        _ => Err(bad("is not a condition")),
    }
}

fn with_item(condition: Condition, bad: &dyn Fn(&str) -> String) -> Result<Condition, String> {
    if condition.item.is_empty() || condition.item.contains(char::is_whitespace) {
        Err(bad("does not start with an item id"))
    } else {
        Ok(condition)
    }
}

/// Writes a condition, or `None` when the syntax cannot say it (no test or
/// several, no answers, ids with spaces or commas): what is written always
/// reads back as the same condition.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn write_condition(condition: &Condition) -> Option<String> {
    let item = &condition.item;
    let text = match (&condition.any_of, condition.at_least, condition.triggered) {
        (Some(values), None, None) => format!("{item} in {}", values.join(", ")),
        (None, Some(n), None) => format!("{item} >= {n}"),
        (None, None, Some(true)) => format!("{item} triggered"),
        (None, None, Some(false)) => format!("{item} not triggered"),
        _ => return None,
    };
    (parse_condition(&text).ok().as_ref() == Some(condition)).then_some(text)
}

/// A veto effect as written in its cell; a cap names a band by id or label,
/// resolved once the bands are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    Fail,
    Cap(String),
}

/// Reads an effect cell.
pub(crate) fn parse_effect(text: &str) -> Result<Effect, String> {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    if lower == FAIL_ZH || FAIL_ALSO.contains(&lower.as_str()) {
        return Ok(Effect::Fail);
    }
    // The band is kept as typed: ids and labels are compared exactly.
    let band = if let Some(rest) = trimmed.strip_prefix(CAP_ZH) {
        Some(rest)
    } else {
        CAP_ALSO.iter().find_map(|prefix| {
            let head = trimmed.get(..prefix.len())?;
            let rest = &trimmed[prefix.len()..];
            (head.eq_ignore_ascii_case(prefix)
                && (prefix.ends_with(':')
                    || rest.starts_with(|c: char| c.is_whitespace() || c == ':')))
            .then_some(rest)
        })
    };
    let band = band
        .map(|rest| rest.trim_start().trim_start_matches([':', '：']).trim())
        .filter(|b| !b.is_empty());
    match band {
        Some(band) => Ok(Effect::Cap(band.to_owned())),
        None => Err(format!(
            "effect {text:?} is not {FAIL_ZH} (fail) or {CAP_ZH} <band> (cap the grade at a band, e.g. {CAP_ZH} pass)"
        )),
    }
}

/// The band id a cap names: a band with that id, else the one band with
/// that label; otherwise the text itself (which the checks then report as
/// an unknown band).
pub(crate) fn resolve_band(named: &str, bands: &[Band]) -> String {
    if bands.iter().any(|b| b.id == named) {
        return named.to_owned();
    }
    let mut labelled = bands
        .iter()
        .filter(|b| b.label.zh == named || b.label.en.as_deref() == Some(named));
    match (labelled.next(), labelled.next()) {
        (Some(band), None) => band.id.clone(),
        _ => named.to_owned(),
    }
}

/// Writes an effect: a cap by the band's Chinese label when that reads back
/// as the same band, else by its id.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn write_effect(effect: &VetoEffect, bands: &[Band]) -> String {
    match effect {
        VetoEffect::Fail => FAIL_ZH.to_owned(),
        VetoEffect::CapGrade(id) => {
            let label = bands
                .iter()
                .find(|b| &b.id == id)
                .map(|b| b.label.zh.trim())
                .filter(|label| {
                    !label.is_empty()
                        && resolve_band(label, bands) == *id
                        && parse_effect(&format!("{CAP_ZH} {label}"))
                            == Ok(Effect::Cap((*label).to_owned()))
                });
            format!("{CAP_ZH} {}", label.unwrap_or(id))
        }
    }
}

const DUE_FORMS: &str =
    "write a day of the period's year as 3月31日, or days after the period ends as 期末后31天";

/// The most days after the period a due date may be (the core's limit).
const MAX_DAYS_AFTER: u32 = 366;

/// The days of each month in a year that is not a leap year: a fixed due
/// date is a day every year has, so not 29 February.
const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Reads a due date cell: `3月31日` (also `每年3月31日前`, `3月31号`) or
/// `期末后31天` (also `期末后31日内`), spaces anywhere, digits half- or
/// full-width.
pub(crate) fn parse_due(text: &str) -> Result<FixedDue, String> {
    let bad = || format!("due {text:?} is not a due date: {DUE_FORMS}");
    // Spaces dropped, full-width digits made half-width.
    let plain: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            c => c,
        })
        .collect();
    let number = |digits: &str| -> Option<u32> {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Too many digits for a u32 is out of range, not malformed.
        Some(digits.parse().unwrap_or(u32::MAX))
    };
    let after = std::iter::once(DUE_AFTER)
        .chain(DUE_AFTER_ALSO.iter().copied())
        .find_map(|prefix| plain.strip_prefix(prefix));
    if let Some(rest) = after {
        let rest = strip_any_suffix(rest, DUE_WITHIN_ALSO);
        let digits = std::iter::once(DUE_DAYS)
            .chain(DUE_DAYS_ALSO.iter().copied())
            .find_map(|unit| rest.strip_suffix(unit))
            .ok_or_else(bad)?;
        let days = number(digits).ok_or_else(bad)?;
        if days > MAX_DAYS_AFTER {
            return Err(format!(
                "due {text:?} is more than {MAX_DAYS_AFTER} days after the period ends"
            ));
        }
        return Ok(FixedDue {
            month: None,
            day: None,
            days_after_period: Some(days),
        });
    }
    let rest = DUE_YEAR_ALSO
        .iter()
        .find_map(|prefix| plain.strip_prefix(prefix))
        .unwrap_or(&plain);
    let rest = strip_any_suffix(rest, DUE_BEFORE_ALSO);
    let rest = std::iter::once(DUE_DAY)
        .chain(DUE_DAY_ALSO.iter().copied())
        .find_map(|unit| rest.strip_suffix(unit))
        .unwrap_or(rest);
    let (month, day) = rest.split_once(DUE_MONTH).ok_or_else(bad)?;
    let (month, day) = (number(month).ok_or_else(bad)?, number(day).ok_or_else(bad)?);
    let Some(&days) = month
        .checked_sub(1)
        .and_then(|m| MONTH_DAYS.get(m as usize))
    else {
        return Err(format!("due {text:?}: there is no month {month}"));
    };
    if day == 0 || day > days {
        let leap = if month == 2 && day == 29 {
            " every year"
        } else {
            ""
        };
        return Err(format!(
            "due {text:?}: {month}月 has no day {day}{leap} (it has {days} days)"
        ));
    }
    Ok(FixedDue {
        month: Some(month),
        day: Some(day),
        days_after_period: None,
    })
}

/// `text` without the first of `suffixes` it ends with.
fn strip_any_suffix<'a>(text: &'a str, suffixes: &[&str]) -> &'a str {
    suffixes
        .iter()
        .find_map(|s| text.strip_suffix(s))
        .unwrap_or(text)
}

/// Writes a due date, or `None` when it is neither form (only an invalid
/// checklist has one): what is written always reads back as the same date.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn write_due(due: &FixedDue) -> Option<String> {
    let text = match (due.month, due.day, due.days_after_period) {
        (Some(month), Some(day), None) => format!("{month}{DUE_MONTH}{day}{DUE_DAY}"),
        (None, None, Some(days)) => format!("{DUE_AFTER}{days}{DUE_DAYS}"),
        _ => return None,
    };
    (parse_due(&text).ok().as_ref() == Some(due)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(item: &str) -> Condition {
        Condition {
            item: item.into(),
            any_of: None,
            at_least: None,
            triggered: None,
        }
    }

    #[test]
    fn conditions_of_every_form_read_and_write_back() {
        let cases = [
            (
                "1.2 in done, partial",
                Condition {
                    any_of: Some(vec!["done".into(), "partial".into()]),
                    ..condition("1.2")
                },
            ),
            (
                "1.2 >= 3",
                Condition {
                    at_least: Some(3),
                    ..condition("1.2")
                },
            ),
            (
                "13.1 triggered",
                Condition {
                    triggered: Some(true),
                    ..condition("13.1")
                },
            ),
            (
                "13.1 not triggered",
                Condition {
                    triggered: Some(false),
                    ..condition("13.1")
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_condition(text).as_ref(), Ok(&expected), "{text}");
            assert_eq!(write_condition(&expected).as_deref(), Some(text));
        }
    }

    #[test]
    fn conditions_accept_chinese_words_and_loose_spacing() {
        assert_eq!(
            parse_condition(" 3.1  in 部分完成，未完成 ")
                .unwrap()
                .any_of,
            Some(vec!["partial".into(), "not_done".into()])
        );
        assert_eq!(parse_condition("6.2≥1").unwrap().at_least, Some(1));
        assert_eq!(
            parse_condition("9.1 未触发").unwrap().triggered,
            Some(false)
        );
    }

    #[test]
    fn a_malformed_condition_says_which_forms_there_are() {
        for text in ["1.2", "1.2 in", "1.2 >= 三", ">= 3", "1.2 maybe"] {
            let err = parse_condition(text).unwrap_err();
            assert!(err.contains(CONDITION_FORMS), "{text}: {err}");
        }
        assert_eq!(
            write_condition(&Condition {
                at_least: Some(1),
                triggered: Some(true),
                ..condition("1.2")
            }),
            None,
            "two tests cannot be written"
        );
    }

    #[test]
    fn effects_fail_or_cap_by_id_or_label() {
        assert_eq!(parse_effect("否决"), Ok(Effect::Fail));
        assert_eq!(parse_effect("FAIL"), Ok(Effect::Fail));
        assert_eq!(parse_effect("至多 合格"), Ok(Effect::Cap("合格".into())));
        assert_eq!(parse_effect("至多pass"), Ok(Effect::Cap("pass".into())));
        assert_eq!(
            parse_effect("cap_grade: Good"),
            Ok(Effect::Cap("Good".into()))
        );
        assert_eq!(parse_effect("at most pass"), Ok(Effect::Cap("pass".into())));
        assert!(parse_effect("capital").is_err());
        assert!(parse_effect("至多").is_err());
        let bands = crate::layout::default_bands();
        assert_eq!(resolve_band("合格", &bands), "pass");
        assert_eq!(resolve_band("Pass", &bands), "pass");
        assert_eq!(resolve_band("pass", &bands), "pass");
        assert_eq!(resolve_band("满分", &bands), "满分");
        assert_eq!(
            write_effect(&VetoEffect::CapGrade("pass".into()), &bands),
            "至多 合格"
        );
        assert_eq!(
            write_effect(&VetoEffect::CapGrade("nope".into()), &bands),
            "至多 nope"
        );
    }

    fn on(month: u32, day: u32) -> FixedDue {
        FixedDue {
            month: Some(month),
            day: Some(day),
            days_after_period: None,
        }
    }

    fn after(days: u32) -> FixedDue {
        FixedDue {
            month: None,
            day: None,
            days_after_period: Some(days),
        }
    }

    #[test]
    fn due_dates_read_and_write_back() {
        for (text, due) in [
            ("3月31日", on(3, 31)),
            ("12月1日", on(12, 1)),
            ("期末后31天", after(31)),
            ("期末后0天", after(0)),
        ] {
            assert_eq!(parse_due(text).as_ref(), Ok(&due), "{text}");
            assert_eq!(write_due(&due).as_deref(), Some(text));
        }
        assert_eq!(
            write_due(&FixedDue {
                day: None,
                ..on(3, 1)
            }),
            None
        );
        assert_eq!(write_due(&on(2, 29)), None, "not a day every year has");
    }

    #[test]
    fn due_dates_in_the_ways_a_person_types_them() {
        for text in [
            "３月３１日",
            "每年3月31日前",
            " 3 月 31 号 ",
            "当年3月31日之前",
            "3月31",
        ] {
            assert_eq!(parse_due(text), Ok(on(3, 31)), "{text}");
        }
        for text in [
            "期末后31日",
            "期末后 ３１ 天内",
            "期满后31天以内",
            "周期结束后31天",
        ] {
            assert_eq!(parse_due(text), Ok(after(31)), "{text}");
        }
    }

    #[test]
    fn a_bad_due_date_says_what_is_wrong() {
        for text in [
            "3-31",
            "三月底",
            "月31日",
            "3月",
            "期末后天",
            "期末后31",
            "31",
            "期末后-1天",
        ] {
            let err = parse_due(text).unwrap_err();
            assert!(err.contains(DUE_FORMS), "{text}: {err}");
        }
        assert_eq!(
            parse_due("2月29日").unwrap_err(),
            "due \"2月29日\": 2月 has no day 29 every year (it has 28 days)"
        );
        assert_eq!(
            parse_due("4月31日").unwrap_err(),
            "due \"4月31日\": 4月 has no day 31 (it has 30 days)"
        );
        assert_eq!(
            parse_due("13月1日").unwrap_err(),
            "due \"13月1日\": there is no month 13"
        );
        assert_eq!(
            parse_due("0月1日").unwrap_err(),
            "due \"0月1日\": there is no month 0"
        );
        assert_eq!(
            parse_due("期末后367天").unwrap_err(),
            "due \"期末后367天\" is more than 366 days after the period ends"
        );
        assert!(parse_due("期末后99999999999天").is_err());
    }
}
