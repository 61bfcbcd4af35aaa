//! [`Summary`]: what the reports need of one packet's score sheet, small
//! enough to keep beside the packet. The intake makes it when a packet
//! arrives (and for packets stored before it kept them), so that a report
//! reads one short row per unit instead of parsing every packet's sheet.
//! Facts only — ids, numbers, names as enrolled — never display wording:
//! the labels come from the checklist when a report is written.

use qingdan_core::packet::Subject;
use qingdan_core::score::ScoreSheet;
use qingdan_core::{Fixed, Template};

use crate::ReportError;
use crate::sheet::Sheet;

/// One packet's score sheet as the reports use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// 总分.
    pub total: Fixed,
    /// 满分.
    pub max: Fixed,
    /// 得分率, when anything applicable was left.
    pub percentage: Option<Fixed>,
    /// The grade's band id, after vetoes.
    pub grade: Option<String>,
    /// A triggered veto failed the assessment (the lowest band).
    pub failed_by_veto: bool,
    /// The items whose veto was triggered.
    pub vetoes: Vec<String>,
    /// What each template section adds to the total, in template order.
    pub sections: Vec<Fixed>,
    /// One [`Mark`] per template item, in template order.
    pub items: Vec<Mark>,
}

/// What an item was for the indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// It counted and kept its points (a veto item: not triggered).
    Kept,
    /// It counted and lost points (a veto item: triggered).
    Lost,
    /// It did not count (hidden, 不适用, evidence only, a bonus).
    NotCounted,
}

impl Mark {
    /// Its letter in [`marks_text`].
    pub fn letter(self) -> char {
        match self {
            Mark::Kept => 'k',
            Mark::Lost => 'l',
            Mark::NotCounted => '-',
        }
    }

    /// The mark of `letter`, if it is one.
    pub fn of_letter(letter: char) -> Option<Mark> {
        match letter {
            'k' => Some(Mark::Kept),
            'l' => Some(Mark::Lost),
            '-' => Some(Mark::NotCounted),
            _ => None,
        }
    }
}

/// Marks as one letter each (`kkl-k…`), the way the intake keeps them.
pub fn marks_text(marks: &[Mark]) -> String {
    marks.iter().map(|m| m.letter()).collect()
}

impl Summary {
    /// The summary of packet `packet`'s score sheet, which must score
    /// `template` (the intake has checked that it does).
    pub fn of(
        packet: &str,
        sheet: &ScoreSheet,
        template: &Template,
    ) -> Result<Summary, ReportError> {
        let sheet = Sheet::of(packet, Some(sheet), template)?;
        Ok(Summary {
            total: sheet.total,
            max: sheet.max,
            percentage: sheet.percentage,
            grade: sheet.grade_id,
            failed_by_veto: sheet.failed_by_veto,
            vetoes: sheet.vetoes,
            sections: sheet.sections,
            items: sheet
                .items
                .iter()
                .map(|item| match item.counted() {
                    Some(false) => Mark::Kept,
                    Some(true) => Mark::Lost,
                    None => Mark::NotCounted,
                })
                .collect(),
        })
    }
}

/// Who a summary is about: the person of the unit on a checklist about a
/// person, by name ("" for the unit itself), as the reports tell rows apart.
pub fn subject_key(subject: Option<&Subject>) -> &str {
    subject.map_or("", |s| s.name.as_str())
}
