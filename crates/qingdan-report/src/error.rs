//! [`ReportError`]: a stored score sheet that does not fit the report's
//! checklist, with the packet, where and what, so the intake can find it.

/// A score sheet that does not fit the report's checklist, e.g.
/// `packet 1a2b: score.sections: has no section "9", which the template has`.
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
    /// A packet of a kind that answers the checklist without a sheet.
    #[error("missing")]
    Missing,
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
