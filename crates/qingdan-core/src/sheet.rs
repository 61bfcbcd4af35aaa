//! Reading a signed score sheet back, in any format a packet may carry:
//! the one typed reader that verification, the reports and the intake
//! share.
//!
//! | format | written by | reasons | grade |
//! | --- | --- | --- | --- |
//! | `qingdan.score/2` | this version | codes with their numbers | its id |
//! | `qingdan.score/1` | apps before it | a sentence in Chinese | its id and label |
//!
//! A sheet of the first format becomes a [`ScoreSheet`] whose reasons are
//! [`Reason::Written`] (shown as they were signed) and whose grade keeps
//! only its id; every number is read as it is. A sheet of this format may
//! carry no sentence. A format this version does not know is refused,
//! never guessed at.
//!
//! A section's figure is shown one way everywhere (the app's screens and
//! print, the ranking and its tables): [`SectionScore::figure`], its score
//! plus its bonus, and whether it is a bonus section (加分项).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::{self, Segment};
use crate::score::{Reason, SCORE_FORMAT, SCORE_FORMAT_1, ScoreSheet, SectionScore};
use crate::template::Section;
use crate::{Fixed, Rule, Template};

/// A section's result as every reader is shown it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SectionFigure {
    /// What the section adds to the total: its items' scores plus their
    /// bonus. The sheet keeps the two apart (`score`, `bonus`); a reader
    /// sees their sum, so the sections add up to the total.
    pub value: Fixed,
    /// Its maximum (zero for a bonus section: bonus is outside it).
    pub max: Fixed,
    /// A bonus section (加分项), shown as such (`+1.00`, 加分).
    pub bonus: bool,
}

impl Section {
    /// Whether it is a bonus section (加分项): it has bonus items, and none
    /// that score against a maximum.
    pub fn is_bonus(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.rule, Rule::Bonus { .. }))
            && !self.items.iter().any(|i| i.rule.is_scored())
    }
}

impl SectionScore {
    /// The section's figure, as every screen, print and report shows it;
    /// `template` is the checklist the sheet scores.
    pub fn figure(&self, template: &Template) -> SectionFigure {
        let bonus = template
            .doc()
            .sections
            .iter()
            .find(|s| s.id == self.id)
            .is_some_and(Section::is_bonus);
        SectionFigure {
            value: self.score + self.bonus,
            max: self.max,
            bonus,
        }
    }
}

/// Why a score sheet cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// A `format` this version does not know (or none).
    #[error(
        "{at}: {found} is not a score sheet format this version reads ({SCORE_FORMAT}, {SCORE_FORMAT_1})"
    )]
    UnknownFormat {
        /// The JSON path of the `format` field.
        at: String,
        /// What it says (`nothing` when absent).
        found: String,
    },
    /// A field missing, of the wrong type, or unknown.
    #[error("{at}: {message}")]
    Shape {
        /// The JSON path.
        at: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads a score sheet of any known format.
pub fn read_sheet(value: &Value) -> Result<ScoreSheet, SheetError> {
    read_sheet_at(value, &[])
}

/// The same, naming problems by their path below `prefix`.
pub(crate) fn read_sheet_at(value: &Value, prefix: &[Segment]) -> Result<ScoreSheet, SheetError> {
    match value.get("format").and_then(Value::as_str) {
        Some(SCORE_FORMAT) => {
            let sheet: ScoreSheet = deserialize_at(value, prefix)?;
            // Sentences come only from older sheets.
            match sheet
                .items
                .iter()
                .position(|i| matches!(i.reason, Reason::Written { .. }))
            {
                Some(i) => {
                    let mut at = prefix.to_vec();
                    at.extend([
                        Segment::Key("items".into()),
                        Segment::Index(i),
                        Segment::Key("reason".into()),
                    ]);
                    Err(SheetError::Shape {
                        at: json::format_path(&at),
                        message: format!("a {SCORE_FORMAT} reason is a code, never a sentence"),
                    })
                }
                None => Ok(sheet),
            }
        }
        Some(SCORE_FORMAT_1) => {
            // The first format in this format's shape: each sentence as a
            // `written` reason, the grade without its label. A shape error
            // names the path, which the two formats share.
            let mut sheet: ScoreSheet = deserialize_at(&as_second_format(value), prefix)?;
            sheet.format = SCORE_FORMAT_1.to_owned();
            Ok(sheet)
        }
        _ => {
            let mut at = prefix.to_vec();
            at.push(Segment::Key("format".into()));
            Err(SheetError::UnknownFormat {
                at: json::format_path(&at),
                found: value
                    .get("format")
                    .map_or_else(|| "nothing".into(), Value::to_string),
            })
        }
    }
}

/// A `qingdan.score/1` sheet written as a `qingdan.score/2` one would be:
/// every reason (a sentence) a `written` reason, the grade's label left
/// out (the checklist has it). Anything else is left as it is, so a sheet
/// of the first format that is damaged stays so.
fn as_second_format(value: &Value) -> Value {
    let mut value = value.clone();
    value["format"] = Value::from(SCORE_FORMAT);
    if let Some(items) = value.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(reason) = item.get_mut("reason")
                && let Value::String(text) = reason.take()
            {
                *reason = serde_json::json!({"code": "written", "text": text});
            }
        }
    }
    if let Some(Value::Object(grade)) = value.get_mut("grade") {
        grade.remove("label");
    }
    value
}

fn deserialize_at<'de, T: Deserialize<'de>>(
    value: &'de Value,
    prefix: &[Segment],
) -> Result<T, SheetError> {
    json::deserialize_at(value, prefix).map_err(|m| SheetError::Shape {
        at: m.at,
        message: m.message,
    })
}

#[cfg(test)]
mod tests {
    use crate::{Fixed, Responses, Template, bundled, score};

    #[test]
    fn a_bonus_section_shows_its_bonus_and_says_it_is_one() {
        // Issue 18: the sheet keeps `"score": "0.00", "bonus": "1.00"` for
        // 加分项, which Review showed as 0.00 while the ranking showed 1.00.
        let template = Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
        let responses = Responses::parse(
            &template,
            r#"{"1.1": {"answer": "done"}, "8.1": {"answer": 1}}"#,
        )
        .unwrap();
        let sheet = score(&template, &responses, None);
        let figure = |id: &str| {
            let section = sheet.sections.iter().find(|s| s.id == id).unwrap();
            section.figure(&template)
        };
        let bonus = figure("8");
        assert_eq!(
            (bonus.value, bonus.max, bonus.bonus),
            (Fixed::from_int(1), Fixed::ZERO, true)
        );
        let first = figure("1");
        assert!(!first.bonus && first.value > Fixed::ZERO && first.max > first.value);
        assert!(!figure("9").bonus, "a veto section is no bonus section");
        let shown: Fixed = sheet
            .sections
            .iter()
            .map(|s| s.figure(&template).value)
            .sum();
        assert_eq!(shown, sheet.total, "the sections add up to the total");
    }
}
