//! Checklists (templates): the JSON document model, and [`Template`], a
//! document that has been checked and indexed once so that scoring never
//! re-checks it.

mod model;
mod validate;

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

pub use model::*;

use crate::json;
#[cfg(feature = "json-paths")]
use crate::json::Segment;

/// A checked checklist. Made only by [`Template::parse`], [`Template::from_value`]
/// or [`Template::from_doc`], so every id is unique, every condition points to
/// an existing item without cycles, points and caps make sense and the grade
/// bands cover 0–100 %.
#[derive(Debug, Clone)]
pub struct Template {
    doc: TemplateDoc,
    /// Every item in document order, as (section index, item index).
    flat: Vec<(usize, usize)>,
    by_id: BTreeMap<String, usize>,
    /// For each flat item, its compiled condition.
    conditions: Vec<Option<Compiled>>,
    /// Flat indexes ordered so that an item comes after the item its
    /// condition tests.
    visibility_order: Vec<usize>,
    /// Band indexes from the lowest band to the highest.
    bands_ascending: Vec<usize>,
    /// Hex SHA-256 of the canonical (RFC 8785) form of the template JSON.
    sha256: String,
}

/// A condition with its target resolved to a flat index.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) target: usize,
    pub(crate) test: Test,
}

/// The test of a compiled condition.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    AnyOf(Vec<String>),
    AtLeast(i64),
    Triggered(bool),
}

/// What a list of checklists shows of one: read from its JSON without
/// checking the rest, so that a screen listing checklists need not parse
/// them all. The checklist is checked in full ([`Template::parse`]) before
/// anything is answered on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct TemplateHead {
    /// The template's id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its name.
    pub title: Text,
    /// The responsibility it assesses.
    pub responsibility: Responsibility,
    /// How many items (小项) it has.
    #[serde(rename = "sections", deserialize_with = "count_items")]
    pub items: usize,
}

impl TemplateHead {
    /// Reads the head of template JSON; `None` when the text does not have
    /// one (it is then no template: [`Template::parse`] says why).
    pub fn read(text: &str) -> Option<TemplateHead> {
        serde_json::from_str(text).ok()
    }
}

/// The number of items in a template's sections, without reading them.
fn count_items<'de, D: serde::Deserializer<'de>>(sections: D) -> Result<usize, D::Error> {
    #[derive(serde::Deserialize)]
    struct Counted {
        items: Vec<serde::de::IgnoredAny>,
    }
    let sections: Vec<Counted> = serde::Deserialize::deserialize(sections)?;
    Ok(sections.iter().map(|s| s.items.len()).sum())
}

impl Template {
    /// Parses and checks a template from JSON text.
    pub fn parse(text: &str) -> Result<Template, TemplateErrors> {
        let value = json::parse_strict(text).map_err(|e| {
            TemplateErrors::one(TemplateError {
                at: Location::Json(e.at),
                problem: Problem::Json(e.message),
            })
        })?;
        Template::from_value(&value)
    }

    /// Checks a template already read as a JSON value.
    pub fn from_value(value: &Value) -> Result<Template, TemplateErrors> {
        if !value.is_object() {
            return Err(TemplateErrors::one(TemplateError {
                at: Location::Template,
                problem: Problem::Json(
                    "expected a JSON object with \"format\": \"qingdan.template/1\"".into(),
                ),
            }));
        }
        let doc = read_doc(value)?;
        let mut template = validate::check(doc)?;
        template.sha256 = crate::canonical::sha256_hex(value);
        Ok(template)
    }

    /// Checks a template document. Its digest is taken over the document as
    /// this crate writes it.
    pub fn from_doc(doc: TemplateDoc) -> Result<Template, TemplateErrors> {
        let written = serde_json::to_value(&doc).unwrap_or_default();
        let mut template = validate::check(doc)?;
        template.sha256 = crate::canonical::sha256_hex(&written);
        Ok(template)
    }

    /// The hex SHA-256 of the RFC 8785 canonical form of the template JSON,
    /// which packets name to say exactly which template they answer.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The document.
    pub fn doc(&self) -> &TemplateDoc {
        &self.doc
    }

    /// What a list of checklists shows of this one.
    pub fn head(&self) -> TemplateHead {
        TemplateHead {
            id: self.doc.id.clone(),
            version: self.doc.version,
            title: self.doc.title.clone(),
            responsibility: self.doc.responsibility,
            items: self.item_count(),
        }
    }

    /// The template's id.
    pub fn id(&self) -> &str {
        &self.doc.id
    }

    /// The template's version.
    pub fn version(&self) -> u32 {
        self.doc.version
    }

    /// How many items (小项) the template has.
    pub fn item_count(&self) -> usize {
        self.flat.len()
    }

    /// Whether some deadline item's due date is fixed from the period, so
    /// that scoring needs the period assessed.
    pub fn fixes_due_dates(&self) -> bool {
        self.items()
            .any(|(_, item)| matches!(item.rule, Rule::Deadline { due: Some(_), .. }))
    }

    /// Whether the checklist assesses one person of the unit (一岗双责,
    /// 第一责任人), whom each packet names as its subject.
    pub fn about_a_person(&self) -> bool {
        self.doc.subject == Some(SubjectKind::Person)
    }

    /// Every item in document order with the index of its section.
    pub fn items(&self) -> impl Iterator<Item = (usize, &Item)> + '_ {
        self.flat
            .iter()
            .map(|&(s, i)| (s, &self.doc.sections[s].items[i]))
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.by_id.get(id).map(|&i| self.item_at(i))
    }

    pub(crate) fn item_at(&self, flat: usize) -> &Item {
        let (s, i) = self.flat[flat];
        &self.doc.sections[s].items[i]
    }

    pub(crate) fn section_of(&self, flat: usize) -> usize {
        self.flat[flat].0
    }

    pub(crate) fn condition(&self, flat: usize) -> Option<&Compiled> {
        self.conditions[flat].as_ref()
    }

    /// The id of the item that `flat`'s condition tests (empty when none).
    pub(crate) fn condition_target_id(&self, flat: usize) -> String {
        self.item_at(flat)
            .show_if
            .as_ref()
            .map(|c| c.item.clone())
            .unwrap_or_default()
    }

    pub(crate) fn visibility_order(&self) -> &[usize] {
        &self.visibility_order
    }

    /// The bands from the lowest to the highest.
    pub fn bands_ascending(&self) -> impl DoubleEndedIterator<Item = &Band> + '_ {
        self.bands_ascending.iter().map(|&b| &self.doc.bands[b])
    }

    /// The band a percentage falls in.
    pub fn band_for(&self, percentage: crate::Fixed) -> &Band {
        self.bands_ascending()
            .rev()
            .find(|b| percentage >= b.min)
            .unwrap_or_else(|| self.lowest_band())
    }

    /// The lowest band (a failed veto's grade).
    pub fn lowest_band(&self) -> &Band {
        &self.doc.bands[self.bands_ascending[0]]
    }

    /// The band with this id.
    pub fn band(&self, id: &str) -> Option<&Band> {
        self.doc.bands.iter().find(|b| b.id == id)
    }

    /// The rank of a band from the lowest (0) upwards.
    pub fn band_rank(&self, id: &str) -> Option<usize> {
        self.bands_ascending().position(|b| b.id == id)
    }
}

impl Rule {
    /// The kind's name as written in JSON (`check`, `count`, …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Rule::Check { .. } => "check",
            Rule::Count { .. } => "count",
            Rule::Deadline { .. } => "deadline",
            Rule::Choice { .. } => "choice",
            Rule::Scale { .. } => "scale",
            Rule::Deduction { .. } => "deduction",
            Rule::Bonus { .. } => "bonus",
            Rule::Veto { .. } => "veto",
            Rule::Text {} => "text",
            Rule::Number { .. } => "number",
            Rule::Date {} => "date",
        }
    }

    /// The most the item adds to the base total (before its weight); zero for
    /// bonus, veto and evidence items.
    pub fn max_points(&self) -> crate::Fixed {
        match self {
            Rule::Check { points, .. }
            | Rule::Count { points, .. }
            | Rule::Deadline { points, .. }
            | Rule::Scale { points, .. }
            | Rule::Deduction { points, .. } => *points,
            Rule::Choice { options } => options.iter().map(|o| o.points).max().unwrap_or_default(),
            Rule::Bonus { .. }
            | Rule::Veto { .. }
            | Rule::Text {}
            | Rule::Number { .. }
            | Rule::Date {} => crate::Fixed::ZERO,
        }
    }

    /// True for the kinds that add to the base total and may carry a weight.
    pub fn is_scored(&self) -> bool {
        matches!(
            self,
            Rule::Check { .. }
                | Rule::Count { .. }
                | Rule::Deadline { .. }
                | Rule::Choice { .. }
                | Rule::Scale { .. }
                | Rule::Deduction { .. }
        )
    }

    /// True for evidence fields, which never score.
    pub fn is_evidence(&self) -> bool {
        matches!(self, Rule::Text {} | Rule::Number { .. } | Rule::Date {})
    }
}

impl Item {
    /// Whether the item must be answered, with the kind's default applied.
    pub fn is_required(&self) -> bool {
        self.required
            .unwrap_or(self.rule.is_scored() || matches!(self.rule, Rule::Veto { .. }))
    }

    /// The item's weight (1 when none is given).
    pub fn weight(&self) -> crate::Fixed {
        self.weight.unwrap_or(crate::Fixed::from_int(1))
    }
}

/// Every problem found in a template.
pub type TemplateErrors = crate::Errors<TemplateError>;

/// One problem in a template: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct TemplateError {
    /// Where the problem is.
    pub at: Location,
    /// What is wrong.
    pub problem: Problem,
}

/// Where in a template (or responses) a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The template as a whole.
    Template,
    /// A JSON path, or `line L, column C` for a syntax error.
    Json(String),
    /// An item, with the JSON path inside it when known.
    Item {
        /// The item id.
        id: String,
        /// Its JSON path (empty when the whole item is meant).
        path: String,
    },
    /// A section, by id.
    Section(String),
    /// A grade band, by id.
    Band(String),
    /// A signer role, by name.
    Signer(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Template => f.write_str("template"),
            Location::Json(path) => write!(f, "at {path}"),
            Location::Item { id, path } if path.is_empty() => write!(f, "item {id}"),
            Location::Item { id, path } => write!(f, "item {id} ({path})"),
            Location::Section(id) => write!(f, "section {id}"),
            Location::Band(id) => write!(f, "band {id}"),
            Location::Signer(role) => write!(f, "signer role {role}"),
        }
    }
}

/// What is wrong in a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The text is not JSON, or a value has the wrong type or an unknown field.
    #[error("{0}")]
    Json(String),
    /// `format` is not `qingdan.template/1`.
    #[error("unknown format {0:?}: expected \"qingdan.template/1\"")]
    UnknownFormat(String),
    /// An id that is empty, too long or has characters other than letters,
    /// digits, `.`, `_` and `-`.
    #[error("id {0:?} must be 1 to 64 letters, digits, '.', '_' or '-'")]
    BadId(String),
    /// A text that people must see is empty.
    #[error("{0} is empty")]
    EmptyText(&'static str),
    /// Two items share an id.
    #[error("duplicate item id (also used in section {first_section})")]
    DuplicateItem {
        /// The section of the first item with this id.
        first_section: String,
    },
    /// Two sections share an id.
    #[error("duplicate section id")]
    DuplicateSection,
    /// A section with no items, or a template with no sections.
    #[error("has no items")]
    NoItems,
    /// A condition names an item that does not exist.
    #[error("show_if names item {0:?}, which does not exist")]
    ConditionTargetMissing(String),
    /// Conditions that depend on each other in a circle.
    #[error("show_if conditions form a cycle: {}", .0.join(" → "))]
    ConditionCycle(Vec<String>),
    /// A condition with none, or more than one, of `any_of`, `at_least`, `triggered`.
    #[error("show_if needs exactly one of any_of, at_least, triggered")]
    ConditionShape,
    /// A condition test that does not fit the kind of the item it tests.
    #[error("show_if uses {test} on item {target}, a {kind} item: {hint}")]
    ConditionKind {
        /// The tested item.
        target: String,
        /// The test used.
        test: &'static str,
        /// The tested item's kind.
        kind: &'static str,
        /// Which test fits.
        hint: &'static str,
    },
    /// A condition value that the tested item can never have.
    #[error("show_if value {value:?} is not an answer of item {target} (answers: {allowed})")]
    ConditionValue {
        /// The tested item.
        target: String,
        /// The value that can never match.
        value: String,
        /// The answers the item has.
        allowed: String,
    },
    /// Points (or a cap, or a per-occurrence amount) that must be above zero.
    #[error("{0} must be greater than 0")]
    NotPositive(&'static str),
    /// Points that may not be negative.
    #[error("{0} must not be negative")]
    Negative(&'static str),
    /// A lesser outcome worth more than the full points.
    #[error("{field} ({value}) is more than points ({points})")]
    AbovePoints {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
        /// The item's points.
        points: String,
    },
    /// A count's target of zero.
    #[error("target must be at least 1")]
    ZeroTarget,
    /// Steps whose counts or points go down.
    #[error("steps must rise: step {0} does not count more, or is worth less, than the one before")]
    StepsNotRising(usize),
    /// A step above the target.
    #[error("step {0} counts more than the target")]
    StepBeyondTarget(usize),
    /// A stepped count whose top step is not the full points at the target.
    #[error("the last step must be at the target and worth the full points")]
    StepsEndShort,
    /// A scale whose `min` is not below its `max`.
    #[error("scale min ({min}) must be below max ({max})")]
    ScaleRange {
        /// The lowest rating.
        min: i32,
        /// The highest rating.
        max: i32,
    },
    /// A choice with no options.
    #[error("a choice needs at least two options")]
    TooFewOptions,
    /// Two options of one choice share an id.
    #[error("duplicate option id {0:?}")]
    DuplicateOption(String),
    /// A weight on an item that does not score.
    #[error("a {0} item does not score, so it cannot have a weight")]
    WeightOnUnscored(&'static str),
    /// N/A allowed on an item that does not score.
    #[error("not applicable is only for scoring items, not a {0} item")]
    NaOnUnscored(&'static str),
    /// A veto that caps the grade at a band that does not exist.
    #[error("caps the grade at band {0:?}, which does not exist")]
    UnknownBand(String),
    /// No grade bands.
    #[error("needs at least one grade band")]
    NoBands,
    /// A band with `min` not below `max`.
    #[error("min ({min}) must be below max ({max})")]
    EmptyBand {
        /// The band's min.
        min: String,
        /// The band's max.
        max: String,
    },
    /// A band reaching below 0 or above 100.
    #[error("covers {min} to {max}, outside 0 to 100")]
    BandOutOfRange {
        /// The band's min.
        min: String,
        /// The band's max.
        max: String,
    },
    /// Two bands covering the same percentages.
    #[error("overlaps band {other} between {from} and {to}")]
    BandOverlap {
        /// The other band.
        other: String,
        /// Where the overlap starts.
        from: String,
        /// Where it ends.
        to: String,
    },
    /// Percentages no band covers.
    #[error("no band covers {from} to {to}")]
    BandGap {
        /// Start of the gap.
        from: String,
        /// End of the gap.
        to: String,
    },
    /// Two bands with one id.
    #[error("duplicate band id")]
    DuplicateBand,
    /// No signer role.
    #[error("needs at least one signer role")]
    NoSigners,
    /// A signer role listed twice.
    #[error("listed twice")]
    DuplicateSigner,
    /// `kinds` is empty.
    #[error("lists no kind: a checklist serves self-assessment, inspection or both")]
    NoKinds,
    /// `kinds` names `rectification`.
    #[error(
        "a rectification answers an inspection's findings and goes with inspection; list self-assessment or inspection"
    )]
    RectificationKind,
    /// A kind listed twice.
    #[error("{0} is listed twice")]
    DuplicateKind(&'static str),
    /// An `inspector` role on a checklist that serves no inspection.
    #[error("inspectors sign inspections, and this checklist serves none (kinds)")]
    InspectorWithoutInspections,
    /// The unit's signers without one of its two responsibility holders.
    #[error("the unit's own packets are signed by principal and supervisory; {0} is missing")]
    UnitSignerMissing(&'static str),
    /// A fixed due date beside `within_days`.
    #[error(
        "a due date is fixed by the checklist (due) or follows the answer's date (within_days), not both"
    )]
    DueAndWithinDays,
    /// A fixed due date that is neither form, or a day not every year has.
    #[error(
        "due is {{\"month\": M, \"day\": D}} (a day every year has) or {{\"days_after_period\": N}} (N at most 366)"
    )]
    BadDue,
    /// `explain` when lost, on an item that never loses points.
    #[error("a {0} item never loses points: explain when-lost does not fit it")]
    ExplainNeverLost(&'static str),
    /// `explain` when N/A, on an item that cannot be N/A.
    #[error("explain when-na needs na_allowed")]
    ExplainWithoutNa,
    /// More items than a template may have.
    #[error("has {0} items; at most 10000 are allowed")]
    TooManyItems(usize),
}

/// Reads the document, a problem named by its item and JSON path.
#[cfg(feature = "json-paths")]
fn read_doc(value: &Value) -> Result<TemplateDoc, TemplateErrors> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = segments(e.path());
        let message = e.into_inner().to_string();
        TemplateErrors::one(TemplateError {
            at: locate(value, &path),
            problem: Problem::Json(message),
        })
    })
}

/// Reads the document; a problem is placed at the template as a whole.
#[cfg(not(feature = "json-paths"))]
fn read_doc(value: &Value) -> Result<TemplateDoc, TemplateErrors> {
    use serde::Deserialize as _;
    TemplateDoc::deserialize(value).map_err(|e| {
        TemplateErrors::one(TemplateError {
            at: Location::Template,
            problem: Problem::Json(e.to_string()),
        })
    })
}

#[cfg(feature = "json-paths")]
fn segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    use serde_path_to_error::Segment as S;
    path.iter()
        .filter_map(|s| match s {
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Enum { .. } | S::Unknown => None,
        })
        .collect()
}

/// Names the item a JSON path falls in, when it does, so that an error says
/// `item 1.2 (sections[0].items[1].rule.points)` rather than a bare path.
#[cfg(feature = "json-paths")]
fn locate(value: &Value, path: &[Segment]) -> Location {
    let full = json::format_path(path);
    if let [
        Segment::Key(s),
        Segment::Index(si),
        Segment::Key(i),
        Segment::Index(ii),
        ..,
    ] = path
        && s == "sections"
        && i == "items"
        && let Some(Value::String(id)) = value.pointer(&format!("/sections/{si}/items/{ii}/id"))
    {
        return Location::Item {
            id: id.clone(),
            path: full,
        };
    }
    Location::Json(full)
}
