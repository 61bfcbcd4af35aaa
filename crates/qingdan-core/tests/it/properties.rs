//! Properties of scoring over generated answers, and parsers fed arbitrary
//! input.

use proptest::prelude::*;
use qingdan_core::period::Period;
use qingdan_core::responses::{DeadlineAnswer, DeadlineRef};
use qingdan_core::{Answer, CheckState, Fixed, Response, Responses, Rule, Template, score};

use crate::{data_dir, read};

/// A template with every kind, conditions, N/A, weights, bonus and veto.
fn rich_template() -> Template {
    Template::parse(&read(&data_dir().join("properties/template.json"))).unwrap()
}

/// The period assessed: 2026, from which the list fixes a due date
/// (31 March).
fn period() -> Option<&'static Period> {
    static PERIOD: std::sync::OnceLock<Period> = std::sync::OnceLock::new();
    Some(PERIOD.get_or_init(|| Period::parse("2026").unwrap()))
}

fn date(days: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(days.into())
}

/// Any answer an item of this rule accepts; `None` for unanswered, and
/// `Some(None)` for N/A where allowed.
fn answer_for(rule: &Rule, na_allowed: bool) -> BoxedStrategy<Option<Option<Answer>>> {
    let answer: BoxedStrategy<Answer> = match rule.clone() {
        Rule::Check { partial, .. } => {
            let mut states = vec![CheckState::Done, CheckState::NotDone];
            if partial.is_some() {
                states.push(CheckState::Partial);
            }
            proptest::sample::select(states)
                .prop_map(Answer::Check)
                .boxed()
        }
        Rule::Count { .. } | Rule::Deduction { .. } | Rule::Bonus { .. } => {
            (0u32..30).prop_map(Answer::Count).boxed()
        }
        Rule::Deadline {
            within_days, due, ..
        } => (0u32..60, proptest::option::of(0u32..180))
            .prop_map(move |(r, done)| {
                let reference = match (within_days, &due) {
                    (Some(_), _) => DeadlineRef::From(date(r)),
                    (None, Some(_)) => DeadlineRef::Fixed,
                    (None, None) => DeadlineRef::Due(date(r)),
                };
                Answer::Deadline(DeadlineAnswer {
                    reference,
                    done: done.map(date),
                })
            })
            .boxed(),
        Rule::Choice { options } => {
            proptest::sample::select(options.iter().map(|o| o.id.clone()).collect::<Vec<_>>())
                .prop_map(Answer::Choice)
                .boxed()
        }
        Rule::Scale { min, max, .. } => (min..=max).prop_map(Answer::Scale).boxed(),
        Rule::Veto { .. } => any::<bool>().prop_map(Answer::Veto).boxed(),
        Rule::Text {} => "[a-z]{0,5}".prop_map(Answer::Text).boxed(),
        Rule::Number { .. } => (0i64..10_000)
            .prop_map(|n| Answer::Number(Fixed::from_hundredths(n)))
            .boxed(),
        Rule::Date {} => (0u32..365).prop_map(|d| Answer::Date(date(d))).boxed(),
    };
    let mut choices = vec![
        (1, Just(None).boxed()),
        (6, answer.prop_map(|a| Some(Some(a))).boxed()),
    ];
    if na_allowed {
        choices.push((1, Just(Some(None)).boxed()));
    }
    proptest::strategy::Union::new_weighted(choices).boxed()
}

fn responses_for(template: &Template) -> impl Strategy<Value = Responses> + use<> {
    let strategies: Vec<_> = template
        .items()
        .map(|(_, item)| answer_for(&item.rule, item.na_allowed))
        .collect();
    let ids: Vec<String> = template.items().map(|(_, item)| item.id.clone()).collect();
    let template = template.clone();
    strategies.prop_map(move |answers| {
        let mut responses = Responses::new();
        for (id, answer) in ids.iter().zip(answers) {
            let response = match answer {
                None => continue,
                Some(None) => Response::not_applicable(),
                Some(Some(a)) => Response::answered(a),
            };
            responses
                .set(&template, id, response)
                .expect("generated answers fit their items");
        }
        responses
    })
}

/// The answers of a scoring item from worst to best.
fn ranked_answers(rule: &Rule) -> Vec<Answer> {
    match rule {
        Rule::Check { partial, .. } => {
            let mut v = vec![Answer::Check(CheckState::NotDone)];
            if partial.is_some() {
                v.push(Answer::Check(CheckState::Partial));
            }
            v.push(Answer::Check(CheckState::Done));
            v
        }
        Rule::Count { target, .. } => (0..=target + 1).map(Answer::Count).collect(),
        Rule::Deduction { .. } => (0..12).rev().map(Answer::Count).collect(),
        Rule::Bonus { .. } => (0..12).map(Answer::Count).collect(),
        Rule::Deadline {
            within_days, due, ..
        } => {
            // Due on day 30, or on 31 March (day 89) as the list fixes it
            // for PERIOD.
            let (reference, due_day) = match (within_days, due) {
                (Some(_), _) => (DeadlineRef::From(date(0)), 30),
                (None, Some(_)) => (DeadlineRef::Fixed, 89),
                (None, None) => (DeadlineRef::Due(date(30)), 30),
            };
            [
                None,
                Some(due_day + 60),
                Some(due_day + 30),
                Some(due_day + 1),
                Some(due_day),
                Some(1),
            ]
            .into_iter()
            .map(|d| {
                Answer::Deadline(DeadlineAnswer {
                    reference,
                    done: d.map(date),
                })
            })
            .collect()
        }
        Rule::Choice { options } => {
            let mut o = options.clone();
            o.sort_by_key(|o| o.points);
            o.into_iter().map(|o| Answer::Choice(o.id)).collect()
        }
        Rule::Scale { min, max, .. } => (*min..=*max).map(Answer::Scale).collect(),
        _ => Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn base_stays_between_zero_and_the_maximum(responses in responses_for(&rich_template())) {
        let sheet = score(&rich_template(), &responses, period());
        prop_assert!(sheet.base >= Fixed::ZERO);
        prop_assert!(sheet.base <= sheet.max, "base {} above max {}", sheet.base, sheet.max);
        prop_assert_eq!(sheet.total, sheet.base + sheet.bonus);
        for item in &sheet.items {
            prop_assert!(item.score >= Fixed::ZERO);
            prop_assert!(item.score <= item.max || item.status == qingdan_core::score::ItemStatus::Bonus);
        }
        let c = &sheet.completeness;
        prop_assert_eq!(c.required - c.answered, c.missing.len());
    }

    #[test]
    fn scoring_is_deterministic(responses in responses_for(&rich_template())) {
        let template = rich_template();
        let a = serde_json::to_string(&score(&template, &responses, period())).unwrap();
        let b = serde_json::to_string(&score(&template, &responses, period())).unwrap();
        prop_assert_eq!(&a, &b);
        // Written out and read back (keys in another order), the same sheet.
        let reparsed = Responses::parse(&template, &serde_json::to_string(&responses).unwrap()).unwrap();
        prop_assert_eq!(serde_json::to_string(&score(&template, &reparsed, period())).unwrap(), a);
    }

    #[test]
    fn a_better_answer_never_lowers_the_score(responses in responses_for(&rich_template()), pick in any::<proptest::sample::Index>()) {
        let template = rich_template();
        let items: Vec<_> = template.items().map(|(_, i)| i.clone()).filter(|i| i.rule.is_scored() || matches!(i.rule, Rule::Bonus { .. })).collect();
        let item = &items[pick.index(items.len())];
        let ranked = ranked_answers(&item.rule);
        let mut previous: Option<qingdan_core::ScoreSheet> = None;
        for answer in ranked {
            let mut r = responses.clone();
            r.set(&template, &item.id, Response::answered(answer.clone())).unwrap();
            let sheet = score(&template, &r, period());
            if let Some(prev) = &previous {
                let same_items_shown = prev.items.iter().zip(&sheet.items).all(|(a, b)| {
                    (a.status == qingdan_core::score::ItemStatus::Hidden) == (b.status == qingdan_core::score::ItemStatus::Hidden)
                });
                if same_items_shown {
                    prop_assert!(sheet.total >= prev.total, "item {}: {:?} lowered {} to {}", item.id, answer, prev.total, sheet.total);
                    prop_assert!(sheet.percentage >= prev.percentage);
                }
            }
            previous = Some(sheet);
        }
    }

    #[test]
    fn not_applicable_never_lowers_the_percentage_of_a_worst_answer(responses in responses_for(&rich_template())) {
        let template = rich_template();
        for (_, item) in template.items().filter(|(_, i)| i.na_allowed && i.rule.is_scored()) {
            let Some(worst) = ranked_answers(&item.rule).into_iter().next() else { continue };
            let mut answered = responses.clone();
            answered.set(&template, &item.id, Response::answered(worst)).unwrap();
            let mut na = responses.clone();
            na.set(&template, &item.id, Response::not_applicable()).unwrap();
            let (with, without) = (score(&template, &answered, period()), score(&template, &na, period()));
            if with.items.iter().zip(&without.items).any(|(a, b)| a.status != b.status && a.id != item.id) {
                continue; // the answer changes which items are shown
            }
            match (with.percentage, without.percentage) {
                (Some(w), Some(n)) => prop_assert!(n >= w, "item {}: N/A gives {} below {}", item.id, n, w),
                (Some(_), None) => {}
                (None, _) => prop_assert!(false, "an answered item must leave a maximum"),
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_parsers(text in ".{0,200}") {
        let _ = Template::parse(&text);
        let _ = Responses::parse(&rich_template(), &text);
    }

    #[test]
    fn arbitrary_json_never_panics_the_parsers(value in arbitrary_json()) {
        let text = value.to_string();
        let _ = Template::parse(&text);
        let _ = Responses::parse(&rich_template(), &text);
    }

    #[test]
    fn mutated_templates_never_panic_and_valid_ones_score(path in proptest::collection::vec(any::<proptest::sample::Index>(), 1..6), replacement in arbitrary_json()) {
        let mut value: serde_json::Value = serde_json::from_str(&read(&data_dir().join("properties/template.json"))).unwrap();
        replace_somewhere(&mut value, &path, replacement);
        if let Ok(template) = Template::from_value(&value) {
            let sheet = score(&template, &Responses::new(), period());
            prop_assert!(sheet.base <= sheet.max);
        }
    }

    #[test]
    fn mutated_responses_never_panic(path in proptest::collection::vec(any::<proptest::sample::Index>(), 1..4), replacement in arbitrary_json()) {
        let template = rich_template();
        let mut value: serde_json::Value = serde_json::from_str(&read(&data_dir().join("properties/responses.json"))).unwrap();
        replace_somewhere(&mut value, &path, replacement);
        if let Ok(responses) = Responses::from_value(&template, &value) {
            let sheet = score(&template, &responses, period());
            prop_assert!(sheet.base <= sheet.max);
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        (-1e6f64..1e6).prop_map(|f| serde_json::json!(f)),
        "[a-z0-9._ -]{0,8}".prop_map(Value::String),
        proptest::sample::select(vec![
            "done",
            "partial",
            "not_done",
            "1.1",
            "fail",
            "2026-01-31",
            "0.5",
            "100"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Walks into `value` by `path` (each step picks a member or element) and
/// replaces what it reaches.
fn replace_somewhere(
    value: &mut serde_json::Value,
    path: &[proptest::sample::Index],
    replacement: serde_json::Value,
) {
    let Some((step, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let i = step.index(map.len());
            let child = map.values_mut().nth(i).unwrap();
            replace_somewhere(child, rest, replacement);
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            let i = step.index(items.len());
            replace_somewhere(&mut items[i], rest, replacement);
        }
        _ => *value = replacement,
    }
}
