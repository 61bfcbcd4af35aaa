//! Scoring: one pure function from a template and its responses to a score
//! sheet, the same in the browser, the intake and the CLI.
//!
//! The rules, in the order they apply:
//! 1. An item whose `show_if` does not hold is hidden: it scores nothing,
//!    has no maximum and is not required. An item answered 不适用 likewise
//!    leaves both the total and the maximum.
//! 2. Each item's points follow its rule (see [`crate::Rule`]), then are
//!    multiplied by its weight; this is the one place a score is rounded
//!    (half away from zero, to 0.01). Subtotals and totals are exact sums.
//! 3. `base` is the sum of scoring items, `bonus` the sum of bonus items;
//!    `total = base + bonus`; `max` is the sum of the visible, applicable
//!    items' weighted maximums, so N/A renormalises the percentage.
//! 4. `percentage = total ÷ max × 100`, rounded to 0.01; the grade is the
//!    band it falls in (100 and above: the top band). Each triggered veto
//!    then fails the grade (the lowest band) or caps it at its band.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::period::Period;
use crate::responses::{Answer, CheckState, DeadlineRef, Response};
use crate::template::{Band, Explain, Lang, Rule, Template, Test, VetoEffect};
use crate::{Fixed, Responses};

/// The `format` of the score sheets this version writes: facts only (ids,
/// codes, numbers, dates), every sentence rendered from them when shown.
pub const SCORE_FORMAT: &str = "qingdan.score/2";

/// The first format, which packets signed by older apps carry: the same
/// facts, but each item's reason a sentence in Chinese and the grade with
/// its label. Read ([`read_sheet`]) and verified forever; never written.
pub const SCORE_FORMAT_1: &str = "qingdan.score/1";

/// The result of scoring: every item with its reason, the sections, totals,
/// grade, vetoes and completeness. Written as [`SCORE_FORMAT`]; a packet's
/// sheet in any known format is read back by [`read_sheet`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSheet {
    /// [`SCORE_FORMAT`], or [`SCORE_FORMAT_1`] for a sheet read from an
    /// older packet.
    pub format: String,
    /// The template scored.
    pub template: TemplateRef,
    /// Each item, in template order.
    pub items: Vec<ItemScore>,
    /// Each section, in template order.
    pub sections: Vec<SectionScore>,
    /// Sum of the scoring items.
    pub base: Fixed,
    /// Sum of the bonus items.
    pub bonus: Fixed,
    /// `base + bonus`.
    pub total: Fixed,
    /// Sum of the visible, applicable scoring items' maximums.
    pub max: Fixed,
    /// `total ÷ max × 100`; `None` when nothing applicable is left.
    pub percentage: Option<Fixed>,
    /// The grade after vetoes; `None` when there is no percentage and no
    /// veto.
    pub grade: Option<Grade>,
    /// The vetoes triggered.
    pub vetoes: Vec<VetoHit>,
    /// How much of what is required is answered.
    pub completeness: Completeness,
}

/// Which template a sheet scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
}

/// One item's result. In JSON `points` is written only beside a weight
/// (without one it is the score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ItemDoc", into = "ItemDoc")]
pub struct ItemScore {
    /// The item id.
    pub id: String,
    /// What happened to it.
    pub status: ItemStatus,
    /// Its weighted score (for bonus items, the bonus).
    pub score: Fixed,
    /// Its weighted maximum (0 for bonus, veto, evidence, hidden and N/A).
    pub max: Fixed,
    /// Its score before the weight.
    pub points: Fixed,
    /// Its weight when it is not 1.
    pub weight: Option<Fixed>,
    /// Why it scored what it did.
    pub reason: Reason,
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Answered and scored.
    Scored,
    /// Not answered: scores 0 against its maximum.
    Unanswered,
    /// 不适用: out of the total and the maximum.
    NotApplicable,
    /// Its condition does not hold: out of the total and the maximum.
    Hidden,
    /// A bonus item (outside the maximum).
    Bonus,
    /// A veto not triggered.
    VetoClear,
    /// A veto triggered.
    VetoTriggered,
    /// An evidence field, never scored.
    Evidence,
}

/// Why an item scored what it did, as facts (ids, numbers, dates); rendered
/// as one line by [`ItemScore::reason_text`]. In JSON an object with a
/// `code`: `{"code": "count-proportional", "count": 3, "target": 4}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case", try_from = "ReasonDoc")]
pub enum Reason {
    /// No answer.
    Unanswered,
    /// 不适用.
    NotApplicable,
    /// The condition on item `on` does not hold.
    Hidden {
        /// The item the condition tests.
        on: String,
    },
    /// An evidence field.
    Evidence,
    /// A check item.
    Check {
        /// Done, partly or not.
        state: CheckState,
    },
    /// A count scored in proportion to its target.
    CountProportional {
        /// The count given.
        count: u32,
        /// The target.
        target: u32,
    },
    /// A count scored by the highest step it reaches.
    CountStepped {
        /// The count given.
        count: u32,
        /// The `at_least` of the step reached, if any.
        step: Option<u32>,
    },
    /// A deadline met.
    OnTime {
        /// When it was done.
        #[serde(serialize_with = "date::serialize")]
        done: NaiveDate,
        /// The due date.
        #[serde(serialize_with = "date::serialize")]
        due: NaiveDate,
        /// True when the checklist fixed the due date (from the period);
        /// false when the answer gave it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed: bool,
    },
    /// A deadline missed.
    Late {
        /// When it was done.
        #[serde(serialize_with = "date::serialize")]
        done: NaiveDate,
        /// The due date.
        #[serde(serialize_with = "date::serialize")]
        due: NaiveDate,
        /// True when the checklist fixed the due date.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed: bool,
    },
    /// Not done by a deadline.
    NotDone {
        /// The due date.
        #[serde(serialize_with = "date::serialize")]
        due: NaiveDate,
        /// True when the checklist fixed the due date.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fixed: bool,
    },
    /// The checklist fixes the due date from the period, and the sheet was
    /// made without one: nothing scored.
    DueUnknown,
    /// A choice.
    Choice {
        /// The option chosen, by id.
        option: String,
    },
    /// A rating.
    Scale {
        /// The rating.
        value: i32,
        /// The scale's lowest.
        min: i32,
        /// The scale's highest.
        max: i32,
    },
    /// Deductions.
    Deduction {
        /// Occurrences.
        count: u32,
        /// Points off each.
        per: Fixed,
        /// Points taken off (after the cap).
        off: Fixed,
        /// True when the item's points capped the deductions.
        capped: bool,
    },
    /// A bonus.
    Bonus {
        /// Occurrences.
        count: u32,
        /// Points each.
        per: Fixed,
        /// True when the cap limited the bonus.
        capped: bool,
    },
    /// A veto not triggered.
    VetoClear,
    /// A veto triggered: the grade is at most this band.
    VetoTriggered {
        /// True for a fail, false for a cap.
        fail: bool,
        /// The band, by id.
        band: String,
    },
    /// The reason as an older sheet ([`SCORE_FORMAT_1`]) wrote it: a
    /// sentence in Chinese, shown as it was signed. Never read from a
    /// sheet of this format, never made by [`score`].
    Written {
        /// The sentence.
        text: String,
    },
}

/// A reason as read: one flat object, each field optional, then checked
/// against its code (the derived reader of a tagged enum would weigh
/// several times as much in the browser app).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonDoc {
    code: String,
    on: Option<String>,
    state: Option<CheckState>,
    count: Option<u32>,
    target: Option<u32>,
    #[serde(default, deserialize_with = "some")]
    step: Option<Option<u32>>,
    done: Option<String>,
    due: Option<String>,
    option: Option<String>,
    value: Option<i32>,
    min: Option<i32>,
    max: Option<i32>,
    per: Option<Fixed>,
    off: Option<Fixed>,
    capped: Option<bool>,
    fail: Option<bool>,
    band: Option<String>,
    text: Option<String>,
    fixed: Option<bool>,
}

/// A field that is present (perhaps as null).
fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl TryFrom<ReasonDoc> for Reason {
    type Error = String;

    fn try_from(mut doc: ReasonDoc) -> Result<Reason, String> {
        fn take<T>(field: &mut Option<T>, name: &str, code: &str) -> Result<T, String> {
            field
                .take()
                .ok_or_else(|| format!("a `{code}` reason needs `{name}`"))
        }
        fn day(text: String) -> Result<NaiveDate, String> {
            crate::findings::parse_date(&text)
                .ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
        }
        let code = std::mem::take(&mut doc.code);
        let c = code.as_str();
        let reason = match c {
            "unanswered" => Reason::Unanswered,
            "not-applicable" => Reason::NotApplicable,
            "hidden" => Reason::Hidden {
                on: take(&mut doc.on, "on", c)?,
            },
            "evidence" => Reason::Evidence,
            "check" => Reason::Check {
                state: take(&mut doc.state, "state", c)?,
            },
            "count-proportional" => Reason::CountProportional {
                count: take(&mut doc.count, "count", c)?,
                target: take(&mut doc.target, "target", c)?,
            },
            "count-stepped" => Reason::CountStepped {
                count: take(&mut doc.count, "count", c)?,
                step: take(&mut doc.step, "step", c)?,
            },
            "on-time" | "late" => {
                let done = day(take(&mut doc.done, "done", c)?)?;
                let due = day(take(&mut doc.due, "due", c)?)?;
                let fixed = doc.fixed.take().unwrap_or(false);
                if c == "late" {
                    Reason::Late { done, due, fixed }
                } else {
                    Reason::OnTime { done, due, fixed }
                }
            }
            "not-done" => Reason::NotDone {
                due: day(take(&mut doc.due, "due", c)?)?,
                fixed: doc.fixed.take().unwrap_or(false),
            },
            "due-unknown" => Reason::DueUnknown,
            "choice" => Reason::Choice {
                option: take(&mut doc.option, "option", c)?,
            },
            "scale" => Reason::Scale {
                value: take(&mut doc.value, "value", c)?,
                min: take(&mut doc.min, "min", c)?,
                max: take(&mut doc.max, "max", c)?,
            },
            "deduction" => Reason::Deduction {
                count: take(&mut doc.count, "count", c)?,
                per: take(&mut doc.per, "per", c)?,
                off: take(&mut doc.off, "off", c)?,
                capped: take(&mut doc.capped, "capped", c)?,
            },
            "bonus" => Reason::Bonus {
                count: take(&mut doc.count, "count", c)?,
                per: take(&mut doc.per, "per", c)?,
                capped: take(&mut doc.capped, "capped", c)?,
            },
            "veto-clear" => Reason::VetoClear,
            "veto-triggered" => Reason::VetoTriggered {
                fail: take(&mut doc.fail, "fail", c)?,
                band: take(&mut doc.band, "band", c)?,
            },
            // Only from an older sheet (`crate::sheet` refuses it in one
            // of this format).
            "written" => Reason::Written {
                text: take(&mut doc.text, "text", c)?,
            },
            _ => return Err(format!("unknown reason code {code:?}")),
        };
        // Every field given belongs to the code.
        let ReasonDoc {
            on,
            state,
            count,
            target,
            step,
            done,
            due,
            option,
            value,
            min,
            max,
            per,
            off,
            capped,
            fail,
            band,
            text,
            fixed,
            ..
        } = doc;
        let left = [
            ("on", on.is_some()),
            ("state", state.is_some()),
            ("count", count.is_some()),
            ("target", target.is_some()),
            ("step", step.is_some()),
            ("done", done.is_some()),
            ("due", due.is_some()),
            ("option", option.is_some()),
            ("value", value.is_some()),
            ("min", min.is_some()),
            ("max", max.is_some()),
            ("per", per.is_some()),
            ("off", off.is_some()),
            ("capped", capped.is_some()),
            ("fail", fail.is_some()),
            ("band", band.is_some()),
            ("text", text.is_some()),
            ("fixed", fixed.is_some()),
        ];
        match left.iter().find(|(_, given)| *given) {
            Some((name, _)) => Err(format!("`{name}` is not part of a `{code}` reason")),
            None => Ok(reason),
        }
    }
}

/// Dates in a reason: `YYYY-MM-DD`.
mod date {
    use chrono::NaiveDate;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(day)
    }
}

/// An item as the JSON of a sheet writes it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemDoc {
    id: String,
    status: ItemStatus,
    score: Fixed,
    max: Fixed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weight: Option<Fixed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    points: Option<Fixed>,
    reason: Reason,
}

impl From<ItemDoc> for ItemScore {
    fn from(doc: ItemDoc) -> ItemScore {
        ItemScore {
            points: doc.points.unwrap_or(doc.score),
            id: doc.id,
            status: doc.status,
            score: doc.score,
            max: doc.max,
            weight: doc.weight,
            reason: doc.reason,
        }
    }
}

impl From<ItemScore> for ItemDoc {
    fn from(item: ItemScore) -> ItemDoc {
        ItemDoc {
            points: item.weight.map(|_| item.points),
            id: item.id,
            status: item.status,
            score: item.score,
            max: item.max,
            weight: item.weight,
            reason: item.reason,
        }
    }
}

/// A section's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionScore {
    /// The section id.
    pub id: String,
    /// Sum of its scoring items.
    pub score: Fixed,
    /// Sum of its scoring items' maximums.
    pub max: Fixed,
    /// Sum of its bonus items.
    pub bonus: Fixed,
}

/// A grade band reached, by id (its label is the template's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The band id.
    pub id: String,
}

/// A triggered veto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoHit {
    /// The veto item.
    pub item: String,
    /// What it does.
    pub effect: VetoEffect,
}

/// How much of what is required is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completeness {
    /// Required items (visible and not N/A).
    pub required: usize,
    /// Of those, how many are answered.
    pub answered: usize,
    /// The required items still unanswered, in template order.
    pub missing: Vec<String>,
    /// The items whose answer the checklist wants explained (`explain`)
    /// and which have no note yet, in template order: a packet is not
    /// signed until there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unexplained: Vec<String>,
}

impl Completeness {
    /// True when every required item is answered.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Scores `responses` against `template`. Pure and deterministic: the same
/// inputs give the same sheet on every machine.
///
/// `period` is the assessment's: a due date the checklist fixes follows from
/// it (without it such an item scores nothing, as `due-unknown`).
pub fn score(template: &Template, responses: &Responses, period: Option<&Period>) -> ScoreSheet {
    let n = template.item_count();
    let response_of = |i: usize| responses.get(&template.item_at(i).id);

    let mut visible = vec![true; n];
    for &i in template.visibility_order() {
        if let Some(c) = template.condition(i) {
            visible[i] = visible[c.target] && holds(&c.test, response_of(c.target));
        }
    }

    let doc = template.doc();
    let mut sections: Vec<SectionScore> = doc
        .sections
        .iter()
        .map(|s| SectionScore {
            id: s.id.clone(),
            score: Fixed::ZERO,
            max: Fixed::ZERO,
            bonus: Fixed::ZERO,
        })
        .collect();
    let mut items = Vec::with_capacity(n);
    let mut vetoes = Vec::new();
    let mut completeness = Completeness {
        required: 0,
        answered: 0,
        missing: Vec::new(),
        unexplained: Vec::new(),
    };

    for i in 0..n {
        let item = template.item_at(i);
        let response = response_of(i);
        let answer = response.and_then(|r| r.answer.as_ref());
        let na = response.is_some_and(|r| r.na);

        let result = if !visible[i] {
            let on = template.condition_target_id(i);
            Outcome::fixed(ItemStatus::Hidden, Reason::Hidden { on })
        } else if na {
            Outcome::fixed(ItemStatus::NotApplicable, Reason::NotApplicable)
        } else {
            if item.is_required() {
                completeness.required += 1;
                if answer.is_some() {
                    completeness.answered += 1;
                } else {
                    completeness.missing.push(item.id.clone());
                }
            }
            score_item(template, &item.rule, answer, period)
        };

        let weighted = item
            .weight
            .filter(|w| *w != Fixed::from_int(1) && item.rule.is_scored());
        let counts_max = matches!(result.status, ItemStatus::Scored | ItemStatus::Unanswered);
        let max = if counts_max {
            item.rule.max_points()
        } else {
            Fixed::ZERO
        };
        let (score, max) = match weighted {
            Some(w) => (result.exact.times(w), max.times(w)),
            None => (result.exact.round(), max),
        };

        let section = &mut sections[template.section_of(i)];
        if result.status == ItemStatus::Bonus {
            section.bonus += score;
        } else {
            section.score += score;
            section.max += max;
        }
        if let Some(explain) = item.explain
            && needs_note(explain, result.status, score < max, answer.is_some() || na)
            && response
                .and_then(|r| r.note.as_deref())
                .is_none_or(|n| n.trim().is_empty())
        {
            completeness.unexplained.push(item.id.clone());
        }
        if result.status == ItemStatus::VetoTriggered
            && let Rule::Veto { effect } = &item.rule
        {
            vetoes.push(VetoHit {
                item: item.id.clone(),
                effect: effect.clone(),
            });
        }
        items.push(ItemScore {
            id: item.id.clone(),
            status: result.status,
            score,
            max,
            points: result.exact.round(),
            weight: weighted,
            reason: result.reason,
        });
    }

    let base: Fixed = sections.iter().map(|s| s.score).sum();
    let bonus: Fixed = sections.iter().map(|s| s.bonus).sum();
    let max: Fixed = sections.iter().map(|s| s.max).sum();
    let total = base + bonus;
    let percentage = total.percent_of(max);
    let grade =
        grade_after_vetoes(template, percentage, &vetoes).map(|b| Grade { id: b.id.clone() });

    ScoreSheet {
        format: SCORE_FORMAT.to_owned(),
        template: TemplateRef {
            id: doc.id.clone(),
            version: doc.version,
        },
        items,
        sections,
        base,
        bonus,
        total,
        max,
        percentage,
        grade,
        vetoes,
        completeness,
    }
}

/// Whether an item whose answer came out so must be explained by a note:
/// when it lost points (`lost`: scored below its maximum) or triggered its
/// veto, when it is 不适用, or whenever it is answered.
fn needs_note(explain: Explain, status: ItemStatus, lost: bool, answered: bool) -> bool {
    let lost = (status == ItemStatus::Scored && lost) || status == ItemStatus::VetoTriggered;
    let na = status == ItemStatus::NotApplicable;
    match explain {
        Explain::WhenLost => lost,
        Explain::WhenNa => na,
        Explain::WhenLostOrNa => lost || na,
        Explain::Always => answered && status != ItemStatus::Hidden,
    }
}

/// An item's unweighted points, status and reason.
struct Outcome {
    exact: Exact,
    status: ItemStatus,
    reason: Reason,
}

impl Outcome {
    fn fixed(status: ItemStatus, reason: Reason) -> Outcome {
        Outcome {
            exact: Exact::whole(Fixed::ZERO),
            status,
            reason,
        }
    }

    fn scored(points: Fixed, reason: Reason) -> Outcome {
        Outcome {
            exact: Exact::whole(points),
            status: ItemStatus::Scored,
            reason,
        }
    }

    fn share(points: Fixed, numerator: i64, denominator: i64, reason: Reason) -> Outcome {
        Outcome {
            exact: Exact {
                num: i128::from(points.hundredths()) * i128::from(numerator),
                den: i128::from(denominator),
            },
            status: ItemStatus::Scored,
            reason,
        }
    }
}

/// An item's points before the one rounding: `num ÷ den` hundredths, so a
/// proportional score with a weight is rounded once, not twice.
#[derive(Debug, Clone, Copy)]
struct Exact {
    num: i128,
    den: i128,
}

impl Exact {
    fn whole(points: Fixed) -> Exact {
        Exact {
            num: i128::from(points.hundredths()),
            den: 1,
        }
    }

    fn round(self) -> Fixed {
        Fixed::from_ratio(self.num, self.den)
    }

    fn times(self, weight: Fixed) -> Fixed {
        Fixed::from_ratio(self.num * i128::from(weight.hundredths()), self.den * 100)
    }
}

fn holds(test: &Test, response: Option<&Response>) -> bool {
    let Some(answer) = response.and_then(|r| r.answer.as_ref()) else {
        return false;
    };
    match (test, answer) {
        (Test::AnyOf(values), Answer::Check(state)) => values.iter().any(|v| v == state.as_str()),
        (Test::AnyOf(values), Answer::Choice(id)) => values.contains(id),
        (Test::AtLeast(n), Answer::Count(c)) => i64::from(*c) >= *n,
        (Test::AtLeast(n), Answer::Scale(v)) => i64::from(*v) >= *n,
        (Test::Triggered(t), Answer::Veto(v)) => t == v,
        _ => false,
    }
}

fn score_item(
    template: &Template,
    rule: &Rule,
    answer: Option<&Answer>,
    period: Option<&Period>,
) -> Outcome {
    if rule.is_evidence() {
        return Outcome::fixed(ItemStatus::Evidence, Reason::Evidence);
    }
    let Some(answer) = answer else {
        return match rule {
            Rule::Bonus { .. } => Outcome::fixed(ItemStatus::Bonus, Reason::Unanswered),
            _ => Outcome::fixed(ItemStatus::Unanswered, Reason::Unanswered),
        };
    };
    match (rule, answer) {
        (Rule::Check { points, partial }, Answer::Check(state)) => {
            let got = match state {
                CheckState::Done => *points,
                CheckState::Partial => partial.unwrap_or_default(),
                CheckState::NotDone => Fixed::ZERO,
            };
            Outcome::scored(got, Reason::Check { state: *state })
        }
        (
            Rule::Count {
                points,
                target,
                steps: None,
                ..
            },
            Answer::Count(count),
        ) => Outcome::share(
            *points,
            i64::from((*count).min(*target)),
            i64::from(*target),
            Reason::CountProportional {
                count: *count,
                target: *target,
            },
        ),
        (
            Rule::Count {
                steps: Some(steps), ..
            },
            Answer::Count(count),
        ) => {
            let reached = steps.iter().rev().find(|s| s.at_least <= *count);
            Outcome::scored(
                reached.map_or(Fixed::ZERO, |s| s.points),
                Reason::CountStepped {
                    count: *count,
                    step: reached.map(|s| s.at_least),
                },
            )
        }
        (
            Rule::Deadline {
                points,
                late_points,
                within_days,
                due: fixed_due,
            },
            Answer::Deadline(d),
        ) => {
            let (due, fixed) = match (d.reference, fixed_due) {
                (DeadlineRef::Due(due), _) => (due, false),
                (DeadlineRef::From(from), _) => (
                    from.checked_add_days(Days::new(u64::from(within_days.unwrap_or(0))))
                        .unwrap_or(NaiveDate::MAX),
                    false,
                ),
                (DeadlineRef::Fixed, Some(rule)) => match period.and_then(|p| p.due(rule)) {
                    Some(due) => (due, true),
                    None => return Outcome::scored(Fixed::ZERO, Reason::DueUnknown),
                },
                (DeadlineRef::Fixed, None) => {
                    return Outcome::fixed(ItemStatus::Unanswered, Reason::Unanswered);
                }
            };
            match d.done {
                Some(done) if done <= due => {
                    Outcome::scored(*points, Reason::OnTime { done, due, fixed })
                }
                Some(done) => Outcome::scored(
                    late_points.unwrap_or_default(),
                    Reason::Late { done, due, fixed },
                ),
                None => Outcome::scored(Fixed::ZERO, Reason::NotDone { due, fixed }),
            }
        }
        (Rule::Choice { options }, Answer::Choice(id)) => {
            match options.iter().find(|o| &o.id == id) {
                Some(o) => Outcome::scored(
                    o.points,
                    Reason::Choice {
                        option: o.id.clone(),
                    },
                ),
                None => Outcome::fixed(ItemStatus::Unanswered, Reason::Unanswered),
            }
        }
        (Rule::Scale { points, min, max }, Answer::Scale(v)) => {
            let v = (*v).clamp(*min, *max);
            Outcome::share(
                *points,
                i64::from(v) - i64::from(*min),
                i64::from(*max) - i64::from(*min),
                Reason::Scale {
                    value: v,
                    min: *min,
                    max: *max,
                },
            )
        }
        (Rule::Deduction { points, per, .. }, Answer::Count(count)) => {
            let wanted = per.mul_div(i64::from(*count), 1);
            let off = wanted.min(*points);
            Outcome::scored(
                points.saturating_sub_to_zero(off),
                Reason::Deduction {
                    count: *count,
                    per: *per,
                    off,
                    capped: wanted > *points,
                },
            )
        }
        (Rule::Bonus { per, cap, .. }, Answer::Count(count)) => {
            let wanted = per.mul_div(i64::from(*count), 1);
            Outcome {
                exact: Exact::whole(wanted.min(*cap)),
                status: ItemStatus::Bonus,
                reason: Reason::Bonus {
                    count: *count,
                    per: *per,
                    capped: wanted > *cap,
                },
            }
        }
        (Rule::Veto { effect }, Answer::Veto(true)) => {
            let (fail, band) = match effect {
                VetoEffect::Fail => (true, template.lowest_band()),
                VetoEffect::CapGrade(id) => (
                    false,
                    template.band(id).unwrap_or_else(|| template.lowest_band()),
                ),
            };
            Outcome::fixed(
                ItemStatus::VetoTriggered,
                Reason::VetoTriggered {
                    fail,
                    band: band.id.clone(),
                },
            )
        }
        (Rule::Veto { .. }, Answer::Veto(false)) => {
            Outcome::fixed(ItemStatus::VetoClear, Reason::VetoClear)
        }
        // Responses are checked against their template, so this is only
        // reached with responses made for another template.
        _ => Outcome::fixed(ItemStatus::Unanswered, Reason::Unanswered),
    }
}

fn grade_after_vetoes<'t>(
    template: &'t Template,
    percentage: Option<Fixed>,
    vetoes: &[VetoHit],
) -> Option<&'t Band> {
    let mut band = percentage.map(|p| template.band_for(p));
    for veto in vetoes {
        let cap = match &veto.effect {
            VetoEffect::Fail => template.lowest_band(),
            VetoEffect::CapGrade(id) => template.band(id).unwrap_or_else(|| template.lowest_band()),
        };
        band = Some(match band {
            Some(current) if template.band_rank(&current.id) <= template.band_rank(&cap.id) => {
                current
            }
            _ => cap,
        });
    }
    band
}

impl ScoreSheet {
    /// The grade's label in `lang`, from `template` (the checklist the sheet
    /// scores), or its id when the checklist has no such band; `None` when
    /// there is no grade.
    pub fn grade_label(&self, template: &Template, lang: Lang) -> Option<String> {
        self.grade.as_ref().map(|g| {
            template
                .band(&g.id)
                .map_or_else(|| g.id.clone(), |b| b.label.get(lang).to_owned())
        })
    }
}

impl ItemScore {
    /// The reason as one line a person can read, in `lang`, with the
    /// words (units, option and band labels) taken from `template`, the
    /// checklist the sheet scores. A reason an older sheet wrote as a
    /// sentence is shown as it was signed.
    pub fn reason_text(&self, template: &Template, lang: Lang) -> String {
        let words = Words {
            rule: template.item(&self.id).map(|i| &i.rule),
            template,
            lang,
        };
        let mut line = render(&self.reason, self.points, &words);
        if let Some(w) = self.weight
            && !matches!(self.reason, Reason::Written { .. })
        {
            let _ = match lang {
                Lang::Zh => write!(line, "（权重 {w}，计 {} 分）", self.score),
                Lang::En => write!(line, " (weight {w}: {})", self.score),
            };
        }
        line
    }
}

/// What a reason's sentence takes from the checklist.
struct Words<'t> {
    rule: Option<&'t Rule>,
    template: &'t Template,
    lang: Lang,
}

impl Words<'_> {
    /// What the item counts (次 when it does not say).
    fn unit(&self) -> &str {
        let unit = match self.rule {
            Some(
                Rule::Count { unit, .. } | Rule::Deduction { unit, .. } | Rule::Bonus { unit, .. },
            ) => unit.as_ref(),
            _ => None,
        };
        match (unit, self.lang) {
            (Some(u), lang) => u.get(lang),
            (None, Lang::Zh) => "次",
            (None, Lang::En) => "",
        }
    }

    /// An option's label, or its id when the checklist has no such option.
    fn option(&self, id: &str) -> String {
        match self.rule {
            Some(Rule::Choice { options }) => options
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| id.to_owned(), |o| o.label.get(self.lang).to_owned()),
            _ => id.to_owned(),
        }
    }

    /// A band's label, or its id.
    fn band(&self, id: &str) -> String {
        self.template
            .band(id)
            .map_or_else(|| id.to_owned(), |b| b.label.get(self.lang).to_owned())
    }
}

/// Says that the checklist set a due date (nothing when the answer did).
fn set_by(fixed: bool, lang: Lang) -> &'static str {
    match (fixed, lang) {
        (false, _) => "",
        (true, Lang::Zh) => "（清单规定）",
        (true, Lang::En) => " (set by the checklist)",
    }
}

/// One line for a reason; `points` is the item's score before its weight.
fn render(reason: &Reason, points: Fixed, words: &Words<'_>) -> String {
    use Lang::{En, Zh};
    match (reason, words.lang) {
        (Reason::Written { text }, _) => text.clone(),
        (Reason::Unanswered, Zh) => "未作答，不得分".into(),
        (Reason::Unanswered, En) => "not answered: 0".into(),
        (Reason::NotApplicable, Zh) => "不适用，不计入得分和满分".into(),
        (Reason::NotApplicable, En) => {
            "not applicable: left out of the total and the maximum".into()
        }
        (Reason::Hidden { on }, Zh) => format!("第 {on} 项的前提条件不成立，本项不计分"),
        (Reason::Hidden { on }, En) => format!("condition on item {on} does not hold: not scored"),
        (Reason::Evidence, Zh) => "佐证信息，不计分".into(),
        (Reason::Evidence, En) => "evidence: not scored".into(),
        (
            Reason::Check {
                state: CheckState::Done,
            },
            Zh,
        ) => format!("已完成，得 {points} 分"),
        (
            Reason::Check {
                state: CheckState::Done,
            },
            En,
        ) => format!("done: {points}"),
        (
            Reason::Check {
                state: CheckState::Partial,
            },
            Zh,
        ) => format!("部分完成，得 {points} 分"),
        (
            Reason::Check {
                state: CheckState::Partial,
            },
            En,
        ) => format!("partly done: {points}"),
        (
            Reason::Check {
                state: CheckState::NotDone,
            },
            Zh,
        ) => "未完成，不得分".into(),
        (
            Reason::Check {
                state: CheckState::NotDone,
            },
            En,
        ) => "not done: 0".into(),
        (Reason::CountProportional { count, target }, Zh) => {
            let u = words.unit();
            if count >= target {
                format!("完成 {count} {u}，达到目标 {target} {u}，得 {points} 分")
            } else {
                format!("完成 {count} {u}，目标 {target} {u}，按比例得 {points} 分")
            }
        }
        (Reason::CountProportional { count, target }, En) => {
            let u = words.unit();
            let sep = if u.is_empty() { "" } else { " " };
            if count >= target {
                format!("{count}{sep}{u}, target {target} reached: {points}")
            } else {
                format!("{count}{sep}{u} of a target of {target}, in proportion: {points}")
            }
        }
        (
            Reason::CountStepped {
                count,
                step: Some(step),
            },
            Zh,
        ) => {
            let u = words.unit();
            format!("完成 {count} {u}，达到“不少于 {step} {u}”一档，得 {points} 分")
        }
        (Reason::CountStepped { count, step: None }, Zh) => {
            format!("完成 {count} {}，未达到最低一档，不得分", words.unit())
        }
        (
            Reason::CountStepped {
                count,
                step: Some(step),
            },
            En,
        ) => format!("{count}, reaching the step of at least {step}: {points}"),
        (Reason::CountStepped { count, step: None }, En) => {
            format!("{count}, below the lowest step: 0")
        }
        (Reason::OnTime { done, due, fixed }, Zh) => {
            format!(
                "{done} 完成，未超过期限 {due}{}，得 {points} 分",
                set_by(*fixed, Zh)
            )
        }
        (Reason::OnTime { done, due, fixed }, En) => {
            format!(
                "done {done}, due {due}{}: on time, {points}",
                set_by(*fixed, En)
            )
        }
        (Reason::Late { done, due, fixed }, Zh) => {
            let days = (*done - *due).num_days();
            let by = set_by(*fixed, Zh);
            format!("{done} 完成，超过期限 {due}{by} 共 {days} 天，得 {points} 分")
        }
        (Reason::Late { done, due, fixed }, En) => {
            let days = (*done - *due).num_days();
            let by = set_by(*fixed, En);
            format!("done {done}, due {due}{by}: {days} days late, {points}")
        }
        (Reason::NotDone { due, fixed }, Zh) => {
            format!("期限 {due}{}，未完成，不得分", set_by(*fixed, Zh))
        }
        (Reason::NotDone { due, fixed }, En) => {
            format!("due {due}{}, not done: 0", set_by(*fixed, En))
        }
        (Reason::DueUnknown, Zh) => "期限由清单按考核期间确定，未给出期间，不计分".into(),
        (Reason::DueUnknown, En) => {
            "the checklist sets the due date from the period, which was not given: 0".into()
        }
        (Reason::Choice { option }, Zh) => {
            format!("选择“{}”，得 {points} 分", words.option(option))
        }
        (Reason::Choice { option }, En) => {
            format!("chose \"{}\": {points}", words.option(option))
        }
        (Reason::Scale { value, min, max }, Zh) => {
            format!("评分 {value}（{min}–{max}），得 {points} 分")
        }
        (Reason::Scale { value, min, max }, En) => format!("rated {value} ({min}–{max}): {points}"),
        (Reason::Deduction { count: 0, .. }, Zh) => format!("未发生扣分情形，得 {points} 分"),
        (Reason::Deduction { count: 0, .. }, En) => format!("nothing to deduct: {points}"),
        (
            Reason::Deduction {
                count,
                per,
                off,
                capped,
            },
            Zh,
        ) => {
            let u = words.unit();
            let cap = if *capped {
                "（扣完本项分值为止）"
            } else {
                ""
            };
            format!("发生 {count} {u}，每{u}扣 {per} 分，共扣 {off} 分{cap}，得 {points} 分")
        }
        (
            Reason::Deduction {
                count,
                per,
                off,
                capped,
            },
            En,
        ) => {
            let cap = if *capped {
                " (capped at the item's points)"
            } else {
                ""
            };
            format!("{count} × {per} off = {off}{cap}: {points}")
        }
        (Reason::Bonus { count: 0, .. }, Zh) => "无加分情形".into(),
        (Reason::Bonus { count: 0, .. }, En) => "no bonus".into(),
        (Reason::Bonus { count, per, capped }, Zh) => {
            let u = words.unit();
            let cap = if *capped {
                "（已达加分上限）"
            } else {
                ""
            };
            format!("{count} {u}，每{u}加 {per} 分，加 {points} 分{cap}")
        }
        (Reason::Bonus { count, per, capped }, En) => {
            let cap = if *capped { " (capped)" } else { "" };
            format!("{count} × {per} bonus: +{points}{cap}")
        }
        (Reason::VetoClear, Zh) => "未触发一票否决".into(),
        (Reason::VetoClear, En) => "veto not triggered".into(),
        (Reason::VetoTriggered { fail: true, band }, Zh) => {
            format!("触发一票否决，考核等次为“{}”", words.band(band))
        }
        (Reason::VetoTriggered { fail: true, band }, En) => {
            format!(
                "veto triggered: the assessment fails ({})",
                words.band(band)
            )
        }
        (Reason::VetoTriggered { fail: false, band }, Zh) => {
            format!("触发一票否决，考核等次最高为“{}”", words.band(band))
        }
        (Reason::VetoTriggered { fail: false, band }, En) => {
            format!("veto triggered: the grade is at most {}", words.band(band))
        }
    }
}
