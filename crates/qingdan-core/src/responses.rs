//! Responses: the answers given to a template's items, checked against it.
//!
//! In JSON, responses are an object keyed by item id:
//!
//! ```json
//! { "1.1": { "answer": "done", "note": "见会议纪要" },
//!   "1.2": { "answer": 3 },
//!   "2.4": { "na": true, "note": "本年度无新任干部" } }
//! ```
//!
//! An item with neither `answer` nor `na` is unanswered (it may still carry
//! a note). Each kind's answer is described on [`Answer`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::Fixed;
use crate::json::{self, Segment};
use crate::template::{Item, Rule, Template};

/// The largest count an answer may give (occurrences, reports, talks …).
pub const MAX_COUNT: u32 = 1_000_000;
/// The longest note or text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The answers to one template, each checked against its item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responses {
    items: BTreeMap<String, Response>,
}

/// The response to one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The answer, when one is given.
    pub answer: Option<Answer>,
    /// 不适用: the item leaves the total and the maximum.
    pub na: bool,
    /// An evidence note (佐证说明).
    pub note: Option<String>,
}

impl Response {
    /// A response with this answer and no note.
    pub fn answered(answer: Answer) -> Response {
        Response {
            answer: Some(answer),
            na: false,
            note: None,
        }
    }

    /// A not-applicable response.
    pub fn not_applicable() -> Response {
        Response {
            answer: None,
            na: true,
            note: None,
        }
    }
}

/// An answer, by the kind of its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// check: `"done"`, `"partial"` or `"not_done"`.
    Check(CheckState),
    /// count, deduction, bonus: a whole number from 0.
    Count(u32),
    /// deadline: `{"due": "2026-01-31", "done": "2026-01-20"}`; with
    /// `within_days` in the rule `{"from": "2026-03-02", "done": null}`;
    /// with a due date the rule fixes, `{"done": "2027-01-20"}` only.
    Deadline(DeadlineAnswer),
    /// choice: an option id.
    Choice(String),
    /// scale: a whole number from the rule's `min` to its `max`.
    Scale(i32),
    /// veto: `true` when triggered.
    Veto(bool),
    /// text evidence.
    Text(String),
    /// number evidence: `12`, or a decimal string `"1.5"`.
    Number(Fixed),
    /// date evidence: `"2026-03-02"`.
    Date(NaiveDate),
}

/// The state of a check item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// 已完成.
    Done,
    /// 部分完成.
    Partial,
    /// 未完成.
    NotDone,
}

impl CheckState {
    /// The answer as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Done => "done",
            CheckState::Partial => "partial",
            CheckState::NotDone => "not_done",
        }
    }
}

/// The answer to a deadline item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineAnswer {
    /// The due date, or the date it is counted from.
    pub reference: DeadlineRef,
    /// When it was done; `None`: not done.
    pub done: Option<NaiveDate>,
}

/// Where a deadline answer's due date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineRef {
    /// `due`: the due date itself (rules that fix none).
    Due(NaiveDate),
    /// `from`: the due date is `within_days` after this (e.g. the meeting).
    From(NaiveDate),
    /// None given: the rule fixes it from the period.
    Fixed,
}

/// Every problem found in responses.
pub type ResponseErrors = crate::Errors<ResponseError>;

/// One problem in responses: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct ResponseError {
    /// A JSON path such as `["1.2"].answer`.
    pub at: String,
    /// What is wrong.
    pub problem: ResponseProblem,
}

/// What is wrong with a response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseProblem {
    /// Not JSON, or a duplicate key.
    #[error("{0}")]
    Json(String),
    /// The responses (or one response) are not a JSON object.
    #[error("expected an object")]
    NotAnObject,
    /// An item id the template does not have.
    #[error("the template has no item with this id")]
    UnknownItem,
    /// A field other than `answer`, `na`, `note`.
    #[error("unknown field {0:?}: a response has answer, na and note")]
    UnknownField(String),
    /// A field of a deadline answer other than its date and `done`.
    #[error("unknown field {field:?}: this deadline answer has {expected:?} and \"done\"")]
    UnknownDeadlineField {
        /// The field given.
        field: String,
        /// The date field the rule expects (`due` or `from`).
        expected: &'static str,
    },
    /// A value of the wrong JSON type.
    #[error("{what} expects {expected}, found {found}")]
    WrongType {
        /// What takes the value: `a check item`, `note` …
        what: String,
        /// What it expects.
        expected: &'static str,
        /// What was given, as JSON (shortened).
        found: String,
    },
    /// A number outside what the item allows.
    #[error("{value} is outside {min} to {max}")]
    OutOfRange {
        /// The value given.
        value: i64,
        /// The least allowed.
        min: i64,
        /// The most allowed.
        max: i64,
    },
    /// A check answer `partial` where the rule has no partial points.
    #[error("this item has no \"partial\" answer: use \"done\" or \"not_done\"")]
    NoPartial,
    /// A choice that is not one of the options.
    #[error("{value:?} is not an option (options: {options})")]
    NotAnOption {
        /// The value given.
        value: String,
        /// The item's option ids.
        options: String,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("{0:?} is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    /// A deadline answer without its `from` or `due` date.
    #[error("a deadline answer needs {0:?}")]
    MissingDate(&'static str),
    /// A due date given where the checklist fixes it.
    #[error(
        "the checklist fixes this item's due date from the period; an answer gives only \"done\""
    )]
    DueIsFixed,
    /// 不适用 where the item does not allow it.
    #[error("this item does not allow \"not applicable\"")]
    NaNotAllowed,
    /// Both an answer and `na: true`.
    #[error("an answer and \"na\": true together; give one")]
    AnswerAndNa,
    /// A note or text longer than [`MAX_TEXT_CHARS`].
    #[error("longer than {MAX_TEXT_CHARS} characters")]
    TooLong,
    /// An answer of another kind than the item's (when set through the API).
    #[error("a {kind} item cannot take this answer")]
    KindMismatch {
        /// The item's kind.
        kind: &'static str,
    },
}

impl Responses {
    /// No answers yet.
    pub fn new() -> Responses {
        Responses::default()
    }

    /// Parses responses from JSON text and checks them against `template`.
    pub fn parse(template: &Template, text: &str) -> Result<Responses, ResponseErrors> {
        let value = json::parse_strict(text).map_err(|e| {
            ResponseErrors::one(ResponseError {
                at: e.at,
                problem: ResponseProblem::Json(e.message),
            })
        })?;
        Responses::from_value(template, &value)
    }

    /// Checks responses already read as a JSON value against `template`.
    pub fn from_value(template: &Template, value: &Value) -> Result<Responses, ResponseErrors> {
        let Value::Object(map) = value else {
            return Err(ResponseErrors::one(ResponseError {
                at: json::format_path(&[]),
                problem: ResponseProblem::NotAnObject,
            }));
        };
        let mut errors = Vec::new();
        let mut items = BTreeMap::new();
        for (id, raw) in map {
            let mut report = |field: Option<&str>, problem| {
                let mut path = vec![Segment::Key(id.clone())];
                path.extend(field.map(|f| Segment::Key(f.to_owned())));
                errors.push(ResponseError {
                    at: json::format_path(&path),
                    problem,
                });
            };
            let Some(item) = template.item(id) else {
                report(None, ResponseProblem::UnknownItem);
                continue;
            };
            match read_response(item, raw) {
                Ok(response) => {
                    items.insert(id.clone(), response);
                }
                Err(problems) => {
                    for (field, problem) in problems {
                        report(field, problem);
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(Responses { items })
        } else {
            Err(crate::Errors(errors))
        }
    }

    /// Sets the response to item `id`, checked against `template`.
    pub fn set(
        &mut self,
        template: &Template,
        id: &str,
        response: Response,
    ) -> Result<(), ResponseError> {
        let at = |field: &str| {
            json::format_path(&[Segment::Key(id.to_owned()), Segment::Key(field.to_owned())])
        };
        let Some(item) = template.item(id) else {
            return Err(ResponseError {
                at: json::format_path(&[Segment::Key(id.to_owned())]),
                problem: ResponseProblem::UnknownItem,
            });
        };
        if let Err((field, problem)) = check_response(item, &response) {
            return Err(ResponseError {
                at: at(field),
                problem,
            });
        }
        self.items.insert(id.to_owned(), response);
        Ok(())
    }

    /// Removes the response to item `id`.
    pub fn remove(&mut self, id: &str) -> Option<Response> {
        self.items.remove(id)
    }

    /// The response to item `id`.
    pub fn get(&self, id: &str) -> Option<&Response> {
        self.items.get(id)
    }

    /// Every response, by item id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Response)> + '_ {
        self.items.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many items have a response.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no item has a response.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

type FieldProblem = (Option<&'static str>, ResponseProblem);

/// Reads one response object for `item`, collecting every problem.
fn read_response(item: &Item, raw: &Value) -> Result<Response, Vec<FieldProblem>> {
    let Value::Object(fields) = raw else {
        return Err(vec![(None, ResponseProblem::NotAnObject)]);
    };
    let mut problems = Vec::new();
    let mut response = Response::default();
    for (name, value) in fields {
        match name.as_str() {
            "answer" if value.is_null() => {}
            "answer" => match read_answer(&item.rule, value) {
                Ok(answer) => response.answer = Some(answer),
                Err(p) => problems.push((Some("answer"), p)),
            },
            "na" => match value {
                Value::Bool(b) => response.na = *b,
                other => problems.push((Some("na"), wrong("na", "true or false", other))),
            },
            "note" => match value {
                Value::String(s) => response.note = Some(s.clone()),
                Value::Null => {}
                other => problems.push((Some("note"), wrong("note", "a string", other))),
            },
            other => problems.push((None, ResponseProblem::UnknownField(other.to_owned()))),
        }
    }
    if problems.is_empty()
        && let Err((field, problem)) = check_response(item, &response)
    {
        problems.push((Some(field), problem));
    }
    if problems.is_empty() {
        Ok(response)
    } else {
        Err(problems)
    }
}

/// A value of the wrong type for `kind` (an item kind, or a field name).
fn wrong(kind: &str, expected: &'static str, found: &Value) -> ResponseProblem {
    let mut found = found.to_string();
    if found.chars().count() > 40 {
        found = found.chars().take(37).collect::<String>() + "...";
    }
    let what = match kind {
        "na" | "note" => kind.to_owned(),
        _ => format!("a {kind} item"),
    };
    ResponseProblem::WrongType {
        what,
        expected,
        found,
    }
}

/// Turns a JSON answer into an [`Answer`] of the rule's kind (types only;
/// ranges are checked by [`check_answer`]).
fn read_answer(rule: &Rule, value: &Value) -> Result<Answer, ResponseProblem> {
    let kind = rule.kind_name();
    let count = |value: &Value| match value.as_u64() {
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_COUNT)
            .map(Answer::Count)
            .ok_or(ResponseProblem::OutOfRange {
                value: n.min(i64::MAX as u64) as i64,
                min: 0,
                max: MAX_COUNT.into(),
            }),
        None => match value.as_i64() {
            Some(n) => Err(ResponseProblem::OutOfRange {
                value: n,
                min: 0,
                max: MAX_COUNT.into(),
            }),
            None => Err(wrong(kind, "a whole number from 0", value)),
        },
    };
    match rule {
        Rule::Check { .. } => match value.as_str() {
            Some("done") => Ok(Answer::Check(CheckState::Done)),
            Some("partial") => Ok(Answer::Check(CheckState::Partial)),
            Some("not_done") => Ok(Answer::Check(CheckState::NotDone)),
            _ => Err(wrong(
                kind,
                "one of \"done\", \"partial\", \"not_done\"",
                value,
            )),
        },
        Rule::Count { .. } | Rule::Deduction { .. } | Rule::Bonus { .. } => count(value),
        Rule::Deadline {
            within_days, due, ..
        } => read_deadline(
            match (within_days, due) {
                (Some(_), _) => Some("from"),
                (None, Some(_)) => None,
                (None, None) => Some("due"),
            },
            value,
        ),
        Rule::Choice { .. } => match value {
            Value::String(s) => Ok(Answer::Choice(s.clone())),
            _ => Err(wrong(kind, "an option id", value)),
        },
        Rule::Scale { min, max, .. } => match value.as_i64() {
            Some(v) => {
                i32::try_from(v)
                    .map(Answer::Scale)
                    .map_err(|_| ResponseProblem::OutOfRange {
                        value: v,
                        min: (*min).into(),
                        max: (*max).into(),
                    })
            }
            None => Err(wrong(kind, "a whole number", value)),
        },
        Rule::Veto { .. } => match value {
            Value::Bool(b) => Ok(Answer::Veto(*b)),
            _ => Err(wrong(kind, "true (triggered) or false", value)),
        },
        Rule::Text {} => match value {
            Value::String(s) => Ok(Answer::Text(s.clone())),
            _ => Err(wrong(kind, "a string", value)),
        },
        Rule::Number { .. } => <Fixed as serde::Deserialize>::deserialize(value)
            .map(Answer::Number)
            .map_err(|e| match value {
                Value::Number(_) | Value::String(_) => ResponseProblem::Json(e.to_string()),
                _ => wrong(kind, "a number", value),
            }),
        Rule::Date {} => read_date(value).map(Answer::Date),
    }
}

fn read_date(value: &Value) -> Result<NaiveDate, ResponseProblem> {
    match value {
        Value::String(s) => {
            crate::findings::parse_date(s).ok_or_else(|| ResponseProblem::BadDate(s.clone()))
        }
        other => Err(wrong("date", "a date string \"YYYY-MM-DD\"", other)),
    }
}

/// A deadline answer: `done`, and the date field the rule takes (`due`,
/// `from`, or none when the rule fixes the due date).
fn read_deadline(
    reference_name: Option<&'static str>,
    value: &Value,
) -> Result<Answer, ResponseProblem> {
    let Value::Object(fields) = value else {
        return Err(wrong(
            "deadline",
            match reference_name {
                Some("from") => "{\"from\": date, \"done\": date or null}",
                Some(_) => "{\"due\": date, \"done\": date or null}",
                None => "{\"done\": date or null}",
            },
            value,
        ));
    };
    let mut reference = None;
    let mut done = None;
    for (name, v) in fields {
        match name.as_str() {
            n if Some(n) == reference_name => reference = Some(read_date(v)?),
            "done" if v.is_null() => {}
            "done" => done = Some(read_date(v)?),
            "due" if reference_name.is_none() => return Err(ResponseProblem::DueIsFixed),
            other => {
                return Err(ResponseProblem::UnknownDeadlineField {
                    field: other.to_owned(),
                    expected: reference_name.unwrap_or("done"),
                });
            }
        }
    }
    let reference = match reference_name {
        None => DeadlineRef::Fixed,
        Some(name) => {
            let date = reference.ok_or(ResponseProblem::MissingDate(name))?;
            if name == "from" {
                DeadlineRef::From(date)
            } else {
                DeadlineRef::Due(date)
            }
        }
    };
    Ok(Answer::Deadline(DeadlineAnswer { reference, done }))
}

/// Checks a response against its item: the kind, ranges, options, N/A.
fn check_response(item: &Item, response: &Response) -> Result<(), (&'static str, ResponseProblem)> {
    let too_long = |s: &str| s.chars().count() > MAX_TEXT_CHARS;
    if response.note.as_deref().is_some_and(too_long) {
        return Err(("note", ResponseProblem::TooLong));
    }
    if response.na {
        if response.answer.is_some() {
            return Err(("na", ResponseProblem::AnswerAndNa));
        }
        if !item.na_allowed {
            return Err(("na", ResponseProblem::NaNotAllowed));
        }
    }
    match &response.answer {
        Some(answer) => check_answer(&item.rule, answer).map_err(|p| ("answer", p)),
        None => Ok(()),
    }
}

fn check_answer(rule: &Rule, answer: &Answer) -> Result<(), ResponseProblem> {
    match (rule, answer) {
        (Rule::Check { partial, .. }, Answer::Check(state)) => {
            if *state == CheckState::Partial && partial.is_none() {
                Err(ResponseProblem::NoPartial)
            } else {
                Ok(())
            }
        }
        (Rule::Count { .. } | Rule::Deduction { .. } | Rule::Bonus { .. }, Answer::Count(n)) => {
            if *n > MAX_COUNT {
                Err(ResponseProblem::OutOfRange {
                    value: (*n).into(),
                    min: 0,
                    max: MAX_COUNT.into(),
                })
            } else {
                Ok(())
            }
        }
        (
            Rule::Deadline {
                within_days, due, ..
            },
            Answer::Deadline(d),
        ) => match (within_days, due, d.reference) {
            (Some(_), _, DeadlineRef::From(_))
            | (None, None, DeadlineRef::Due(_))
            | (None, Some(_), DeadlineRef::Fixed) => Ok(()),
            (None, Some(_), _) => Err(ResponseProblem::DueIsFixed),
            (Some(_), _, _) => Err(ResponseProblem::MissingDate("from")),
            (None, None, _) => Err(ResponseProblem::MissingDate("due")),
        },
        (Rule::Choice { options }, Answer::Choice(id)) => {
            if options.iter().any(|o| &o.id == id) {
                Ok(())
            } else {
                Err(ResponseProblem::NotAnOption {
                    value: id.clone(),
                    options: options
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
        (Rule::Scale { min, max, .. }, Answer::Scale(v)) => {
            if (*min..=*max).contains(v) {
                Ok(())
            } else {
                Err(ResponseProblem::OutOfRange {
                    value: (*v).into(),
                    min: (*min).into(),
                    max: (*max).into(),
                })
            }
        }
        (Rule::Veto { .. }, Answer::Veto(_)) | (Rule::Date {}, Answer::Date(_)) => Ok(()),
        (Rule::Number { .. }, Answer::Number(_)) => Ok(()),
        (Rule::Text {}, Answer::Text(s)) => {
            if s.chars().count() > MAX_TEXT_CHARS {
                Err(ResponseProblem::TooLong)
            } else {
                Ok(())
            }
        }
        (rule, _) => Err(ResponseProblem::KindMismatch {
            kind: rule.kind_name(),
        }),
    }
}

impl Serialize for Responses {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(&self.items)
    }
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = usize::from(self.answer.is_some())
            + usize::from(self.na)
            + usize::from(self.note.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(answer) = &self.answer {
            map.serialize_entry("answer", answer)?;
        }
        if self.na {
            map.serialize_entry("na", &true)?;
        }
        if let Some(note) = &self.note {
            map.serialize_entry("note", note)?;
        }
        map.end()
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Check(state) => serializer.serialize_str(state.as_str()),
            Answer::Count(n) => serializer.serialize_u32(*n),
            Answer::Deadline(d) => d.serialize(serializer),
            Answer::Choice(id) => serializer.serialize_str(id),
            Answer::Scale(v) => serializer.serialize_i32(*v),
            Answer::Veto(b) => serializer.serialize_bool(*b),
            Answer::Text(s) => serializer.serialize_str(s),
            Answer::Number(n) => n.serialize(serializer),
            Answer::Date(d) => serializer.collect_str(d),
        }
    }
}

impl Serialize for DeadlineAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self.reference {
            DeadlineRef::Due(d) => map.serialize_entry("due", &DateText(d))?,
            DeadlineRef::From(d) => map.serialize_entry("from", &DateText(d))?,
            DeadlineRef::Fixed => {}
        }
        map.serialize_entry("done", &self.done.map(DateText))?;
        map.end()
    }
}

struct DateText(NaiveDate);

impl Serialize for DateText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl fmt::Display for CheckState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
