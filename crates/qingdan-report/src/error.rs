//! [`ReportError`]: a stored score sheet that cannot be read, with the
//! packet, the JSON path and what is wrong, so the intake can find it.

use qingdan_core::FixedError;

/// A score sheet that cannot be read, e.g.
/// `packet 1a2b: score.sections[2].score: "abc" is not a number`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("packet {packet}: {path}: {problem}")]
pub struct ReportError {
    /// The packet whose sheet it is.
    pub packet: String,
    /// The JSON path in the packet's payload, e.g. `score.sections[2].score`.
    pub path: String,
    /// What is wrong there.
    pub problem: Problem,
}

/// What is wrong in a score sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A field every score sheet has is missing.
    #[error("missing")]
    Missing,
    /// A value of the wrong JSON type, or not one of the values allowed.
    #[error("{found} is not {expected}")]
    Invalid {
        /// The value found, as JSON (shortened).
        found: String,
        /// What was expected, e.g. `a decimal string`.
        expected: &'static str,
    },
    /// A decimal string that is not a number with at most two places.
    #[error("{}", number_problem(.0))]
    Number(FixedError),
    /// The template has a section or item that the sheet does not.
    #[error("has no {what} {id:?}, which the template has")]
    NotInSheet {
        /// `section` or `item`.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The sheet scores another template (or version) than the report's.
    #[error("scores {found}, but the report is over {expected}")]
    OtherTemplate {
        /// The sheet's template, as `id v<version>`.
        found: String,
        /// The report's template, likewise.
        expected: String,
    },
}

/// Says plainly that a text is not a number; the other refusals (too many
/// places, too large) already read well as the core words them.
fn number_problem(error: &FixedError) -> String {
    match error {
        FixedError::Syntax(text) => format!("{text:?} is not a number"),
        other => other.to_string(),
    }
}
