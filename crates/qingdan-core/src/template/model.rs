//! The checklist (template) document as it is written in JSON: plain data,
//! read and written by serde. A [`TemplateDoc`] may be inconsistent; only
//! [`crate::Template::parse`] or [`crate::Template::from_doc`] turn it into a
//! checked [`crate::Template`].

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::Fixed;

/// The `format` string of every template document of this version.
pub const TEMPLATE_FORMAT: &str = "qingdan.template/1";

/// A text shown to people, in Chinese and optionally English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The Chinese text (always present: the UI speaks Chinese by default).
    pub zh: String,
    /// The English text, when the template has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// The text in `lang`, falling back to Chinese.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

/// A language the product speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// 中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

/// A whole checklist: a responsibility list broken into sections (大项) and
/// items (小项), with the signer roles and grade bands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateDoc {
    /// Always [`TEMPLATE_FORMAT`].
    pub format: String,
    /// Stable identifier, e.g. `zhuti-zeren-dangwei`.
    pub id: String,
    /// Version number; a changed template gets a higher one.
    pub version: u32,
    /// The checklist's name.
    pub title: Text,
    /// What the checklist is for and where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// The responsibility it assesses.
    pub responsibility: Responsibility,
    /// Whom it assesses: the unit (when absent) or one person of it
    /// (一岗双责, 第一责任人), whom each packet then names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectKind>,
    /// How often it is filled.
    pub period: PeriodKind,
    /// The kinds of packet that answer it: `self-assessment`,
    /// `inspection` or both. When absent, both, except for a checklist of
    /// the `inspection` responsibility (检查考核), which serves inspections
    /// only ([`crate::Template::serves`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Vec<crate::packet::PacketKind>>,
    /// Who signs its packets: `inspector` entries sign inspections, the
    /// other roles sign the unit's own packets (self-assessments and
    /// rectifications). A kind with no entry of its own has the usual
    /// signers ([`crate::Template::signer_roles`]).
    pub signers: Vec<SignerRole>,
    /// Grade bands over the percentage, covering 0–100 without gap or overlap.
    pub bands: Vec<Band>,
    /// The major items (大项).
    pub sections: Vec<Section>,
}

/// The responsibility a checklist assesses (两个责任 and their parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// 主体责任 of the Party committee / leading group.
    Principal,
    /// 第一责任人: the principal leader.
    FirstResponsible,
    /// 一岗双责: the other leadership members.
    DualDuty,
    /// 监督责任 of the discipline committee / group.
    Supervisory,
    /// 检查考核 by inspectors.
    Inspection,
    /// 廉政风险防控: posts by risk level.
    RiskPrevention,
}

impl Responsibility {
    /// The name people use for it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Responsibility::Principal, Lang::Zh) => "主体责任",
            (Responsibility::Principal, Lang::En) => "principal responsibility",
            (Responsibility::FirstResponsible, Lang::Zh) => "第一责任人",
            (Responsibility::FirstResponsible, Lang::En) => "first responsible person",
            (Responsibility::DualDuty, Lang::Zh) => "一岗双责",
            (Responsibility::DualDuty, Lang::En) => "dual duty of each post",
            (Responsibility::Supervisory, Lang::Zh) => "监督责任",
            (Responsibility::Supervisory, Lang::En) => "supervisory responsibility",
            (Responsibility::Inspection, Lang::Zh) => "检查考核",
            (Responsibility::Inspection, Lang::En) => "inspection",
            (Responsibility::RiskPrevention, Lang::Zh) => "廉政风险防控",
            (Responsibility::RiskPrevention, Lang::En) => "integrity risk prevention",
        }
    }
}

/// Whom a checklist assesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// The unit (its leading group, its discipline committee …).
    Unit,
    /// One person of the unit, named in each packet, who signs their own
    /// self-assessment.
    Person,
}

/// When an item's answer must come with a note (说明) that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Explain {
    /// When it loses points (scores below its maximum, takes a deduction)
    /// or triggers its veto.
    WhenLost,
    /// When it is answered 不适用.
    WhenNa,
    /// When it loses points, triggers its veto, or is answered 不适用.
    WhenLostOrNa,
    /// Whenever it is answered.
    Always,
}

/// A due date the checklist fixes, from the assessment's period: a day of
/// the period's year (`{"month": 3, "day": 31}`: 3月底前), or a number of
/// days after the period ends (`{"days_after_period": 31}`: 1月31日 of the
/// year after an annual period). The filler then gives only when it was
/// done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedDue {
    /// The month of a day in the period's year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    /// The day of that month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Days after the period's last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_period: Option<u32>,
}

/// How often a checklist is filled; a packet names a period of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// 年度, e.g. `2026`.
    Annual,
    /// 半年, e.g. `2026-H2`.
    HalfYear,
    /// 季度, e.g. `2026-Q3`.
    Quarterly,
    /// 月度, e.g. `2026-10`.
    Monthly,
}

/// A role that must sign a packet (签字背书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerRole {
    /// Machine name of the role, e.g. `principal`, `supervisory`, `inspector`.
    pub role: String,
    /// Who that is, e.g. 党委（党组）书记.
    pub title: Text,
    /// True when one or more people of this role sign; false: exactly one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
}

/// A grade band: percentages from `min` (inclusive) to `max` (exclusive,
/// except for the band that ends at 100, which includes 100 and above).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Machine name, e.g. `excellent`; vetoes refer to bands by it.
    pub id: String,
    /// The grade people see, e.g. 优秀.
    pub label: Text,
    /// Lowest percentage of the band.
    #[serde(serialize_with = "crate::fixed::as_written")]
    pub min: Fixed,
    /// Percentage where the next band starts.
    #[serde(serialize_with = "crate::fixed::as_written")]
    pub max: Fixed,
}

/// A major item (大项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, e.g. `1`.
    pub id: String,
    /// The duty it covers, e.g. 研究部署.
    pub title: Text,
    /// The minor items (小项).
    pub items: Vec<Item>,
}

/// A minor item (小项): one indicator with its scoring rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Identifier, unique in the template, e.g. `1.2`.
    pub id: String,
    /// What is assessed.
    pub title: Text,
    /// The quantifiable indicator (可量化指标), e.g. 廉政谈话每年不少于1次.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Text>,
    /// The scoring standard (评分标准) an inspector applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<Text>,
    /// How the answer becomes points.
    pub rule: Rule,
    /// Whether an answer is needed for the assessment to be complete.
    /// Defaults to true for scoring items and vetoes, false for bonus and
    /// evidence items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Whether 不适用 (not applicable) may be answered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub na_allowed: bool,
    /// Multiplies the item's score and maximum (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::fixed::as_written_some"
    )]
    pub weight: Option<Fixed>,
    /// Shown (and scored) only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// When the answer must come with a note that explains it; a packet
    /// cannot be signed until it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// The scoring rule of an item, by kind: written `{"kind": "check",
/// "points": 5, …}`, its fields beside its kind, none unknown (read by
/// [`Rule`]'s `Deserialize`, below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// 完成 / 部分完成 / 未完成: `points` when done, `partial` when partly
    /// done (not offered when absent), nothing when not done.
    Check {
        /// Points when done (the item's maximum).
        #[serde(serialize_with = "crate::fixed::as_written")]
        points: Fixed,
        /// Points when partly done.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::fixed::as_written_some"
        )]
        partial: Option<Fixed>,
    },
    /// A count against a target, e.g. 每年不少于4次.
    Count {
        /// Points at or above the target (the maximum).
        #[serde(serialize_with = "crate::fixed::as_written")]
        points: Fixed,
        /// The target count.
        target: u32,
        /// Stepped scoring: the points of the highest step reached. Without
        /// steps the score is proportional: `points × count ÷ target`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        steps: Option<Vec<Step>>,
        /// What is counted, e.g. 次, 份.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// Done by a due date: `points` when on time, `late_points` when late,
    /// nothing when not done.
    Deadline {
        /// Points when done on time.
        #[serde(serialize_with = "crate::fixed::as_written")]
        points: Fixed,
        /// Points when done late (default 0).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "crate::fixed::as_written_some"
        )]
        late_points: Option<Fixed>,
        /// When set, the due date is this many days after the answer's
        /// `from` date (e.g. 民主生活会召开一周内).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_days: Option<u32>,
        /// When set, the checklist fixes the due date from the period, and
        /// the answer gives only when it was done. Without it or
        /// `within_days`, the answer gives the `due` date itself.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<FixedDue>,
    },
    /// One option of several, each with its points.
    Choice {
        /// The options, in the order shown.
        options: Vec<ChoiceOption>,
    },
    /// A rating from `min` to `max`, scored linearly from 0 to `points`.
    Scale {
        /// Points at `max`.
        #[serde(serialize_with = "crate::fixed::as_written")]
        points: Fixed,
        /// Lowest rating (scores 0).
        min: i32,
        /// Highest rating.
        max: i32,
    },
    /// 扣分: `per` points off for each occurrence, at most `points` in all.
    Deduction {
        /// The item's points before deductions (the maximum).
        #[serde(serialize_with = "crate::fixed::as_written")]
        points: Fixed,
        /// Points off per occurrence.
        #[serde(serialize_with = "crate::fixed::as_written")]
        per: Fixed,
        /// What an occurrence is, e.g. 起, 人次.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// 加分: `per` points for each occurrence, at most `cap`, outside the
    /// maximum.
    Bonus {
        /// Points per occurrence.
        #[serde(serialize_with = "crate::fixed::as_written")]
        per: Fixed,
        /// The most this item can add.
        #[serde(serialize_with = "crate::fixed::as_written")]
        cap: Fixed,
        /// What an occurrence is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// 一票否决: when answered yes, the whole assessment fails or its grade
    /// is capped.
    Veto {
        /// What happens when triggered.
        effect: VetoEffect,
    },
    /// Evidence: a text note; does not score.
    Text {},
    /// Evidence: a number; does not score.
    Number {
        /// What is counted, e.g. 个.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// Evidence: a date; does not score.
    Date {},
}

/// The kinds of [`Rule`], as `kind` names them.
const RULE_KINDS: &[&str] = &[
    "check",
    "count",
    "deadline",
    "choice",
    "scale",
    "deduction",
    "bonus",
    "veto",
    "text",
    "number",
    "date",
];

/// A rule's fields, taken one by one.
struct Fields(Map<String, Value>);

impl Fields {
    /// Refuses a field that is not one of `known`, as serde does.
    fn only(self, known: &'static [&'static str]) -> Result<Fields, serde_json::Error> {
        match self.0.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(de::Error::unknown_field(unknown, known)),
            None => Ok(self),
        }
    }

    /// The field `name`, which must be there.
    fn need<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, serde_json::Error> {
        match self.0.remove(name) {
            Some(value) => T::deserialize(&value),
            None => Err(de::Error::missing_field(name)),
        }
    }

    /// The field `name`, when it is there (and not `null`).
    fn maybe<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
    ) -> Result<Option<T>, serde_json::Error> {
        match self.0.remove(name) {
            Some(value) => Option::<T>::deserialize(&value),
            None => Ok(None),
        }
    }
}

impl<'de> Deserialize<'de> for Rule {
    /// Reads a rule as serde reads an internally tagged enum with
    /// `deny_unknown_fields` (`kind` names the variant; a field missing, of
    /// the wrong type or unknown is refused with serde's words, at the same
    /// JSON path), but field by field from the JSON object: serde's own way
    /// buffers the fields into a generic content first, and that code was
    /// a tenth of the browser app's start.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        deserializer.deserialize_map(RuleVisitor)
    }
}

/// A rule's `kind`, one of [`RULE_KINDS`].
struct Kind(&'static str);

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Kind, D::Error> {
        deserializer.deserialize_identifier(KindVisitor)
    }
}

struct KindVisitor;

impl de::Visitor<'_> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, kind: &str) -> Result<Kind, E> {
        match RULE_KINDS.iter().find(|k| **k == kind) {
            Some(known) => Ok(Kind(known)),
            None => Err(E::unknown_variant(kind, RULE_KINDS)),
        }
    }
}

struct RuleVisitor;

impl<'de> de::Visitor<'de> for RuleVisitor {
    type Value = Rule;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("internally tagged enum Rule")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Rule, A::Error> {
        let (mut kind, mut fields) = (None, Map::new());
        while let Some(key) = map.next_key::<String>()? {
            if key == "kind" {
                kind = Some(map.next_value::<Kind>()?.0);
            } else {
                fields.insert(key, map.next_value::<Value>()?);
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
        rule_of(kind, Fields(fields)).map_err(de::Error::custom)
    }
}

/// The rule of kind `kind` with `fields`.
fn rule_of(kind: &str, f: Fields) -> Result<Rule, serde_json::Error> {
    Ok(match kind {
        "check" => {
            let mut f = f.only(&["points", "partial"])?;
            Rule::Check {
                points: f.need("points")?,
                partial: f.maybe("partial")?,
            }
        }
        "count" => {
            let mut f = f.only(&["points", "target", "steps", "unit"])?;
            Rule::Count {
                points: f.need("points")?,
                target: f.need("target")?,
                steps: f.maybe("steps")?,
                unit: f.maybe("unit")?,
            }
        }
        "deadline" => {
            let mut f = f.only(&["points", "late_points", "within_days", "due"])?;
            Rule::Deadline {
                points: f.need("points")?,
                late_points: f.maybe("late_points")?,
                within_days: f.maybe("within_days")?,
                due: f.maybe("due")?,
            }
        }
        "choice" => Rule::Choice {
            options: f.only(&["options"])?.need("options")?,
        },
        "scale" => {
            let mut f = f.only(&["points", "min", "max"])?;
            Rule::Scale {
                points: f.need("points")?,
                min: f.need("min")?,
                max: f.need("max")?,
            }
        }
        "deduction" => {
            let mut f = f.only(&["points", "per", "unit"])?;
            Rule::Deduction {
                points: f.need("points")?,
                per: f.need("per")?,
                unit: f.maybe("unit")?,
            }
        }
        "bonus" => {
            let mut f = f.only(&["per", "cap", "unit"])?;
            Rule::Bonus {
                per: f.need("per")?,
                cap: f.need("cap")?,
                unit: f.maybe("unit")?,
            }
        }
        "veto" => Rule::Veto {
            effect: f.only(&["effect"])?.need("effect")?,
        },
        "text" => {
            f.only(&[])?;
            Rule::Text {}
        }
        "number" => Rule::Number {
            unit: f.only(&["unit"])?.maybe("unit")?,
        },
        "date" => {
            f.only(&[])?;
            Rule::Date {}
        }
        _ => return Err(de::Error::unknown_variant(kind, RULE_KINDS)),
    })
}

/// One step of a stepped count: reaching `at_least` gives `points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The count that reaches this step.
    pub at_least: u32,
    /// The points of this step.
    #[serde(serialize_with = "crate::fixed::as_written")]
    pub points: Fixed,
}

/// An option of a choice item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// The value an answer gives.
    pub id: String,
    /// What people see.
    pub label: Text,
    /// Points for this option.
    #[serde(serialize_with = "crate::fixed::as_written")]
    pub points: Fixed,
}

/// What a triggered veto does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VetoEffect {
    /// The assessment fails: the grade is the lowest band.
    Fail,
    /// The grade is at most the band with this id.
    CapGrade(String),
}

/// A condition on another item's answer; exactly one test is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The item whose answer is tested.
    pub item: String,
    /// Holds when a check or choice item's answer is one of these
    /// (`done`, `partial`, `not_done`, or option ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<String>>,
    /// Holds when a count, deduction, bonus or scale answer is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<i64>,
    /// Holds when a veto item's answer equals this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered: Option<bool>,
}
