//! A packet's score sheet (read once by `qingdan_core::sheet`, whatever
//! its format) lined up with the report's template: its sections and items
//! in template order, so the reports never look anything up that may be
//! missing. A sheet that does not fit the template is an error naming the
//! packet and where.

use std::collections::BTreeMap;

use qingdan_core::score::{ItemStatus, ScoreSheet};
use qingdan_core::template::VetoEffect;
use qingdan_core::{Fixed, Template};

use crate::{Problem, ReportError};

/// What the reports need of one score sheet.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// `base + bonus`.
    pub total: Fixed,
    /// The maximum.
    pub max: Fixed,
    /// `None` when nothing applicable was left.
    pub percentage: Option<Fixed>,
    /// The grade's band id.
    pub grade_id: Option<String>,
    /// What each template section adds to the total (its figure:
    /// `qingdan_core::score::SectionScore::figure`), in template order.
    pub sections: Vec<Fixed>,
    /// Each template item's result, in template order.
    pub items: Vec<ItemResult>,
    /// The items whose veto was triggered.
    pub vetoes: Vec<String>,
    /// True when a triggered veto sends the grade to the lowest band.
    pub failed_by_veto: bool,
}

/// One item's result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemResult {
    /// What happened to it.
    pub status: ItemStatus,
    /// Its weighted score.
    pub score: Fixed,
    /// Its weighted maximum.
    pub max: Fixed,
}

impl ItemResult {
    /// For the indicators: `Some(lost)` when the item counted for the unit
    /// (`lost`: it lost points; a veto item, it was triggered; unanswered,
    /// it lost its points), `None` when it did not (hidden by a condition,
    /// 不适用, evidence only, a bonus).
    pub fn counted(self) -> Option<bool> {
        match self.status {
            ItemStatus::Scored | ItemStatus::Unanswered => Some(self.score < self.max),
            ItemStatus::VetoClear => Some(false),
            ItemStatus::VetoTriggered => Some(true),
            ItemStatus::Hidden
            | ItemStatus::NotApplicable
            | ItemStatus::Evidence
            | ItemStatus::Bonus => None,
        }
    }
}

impl Sheet {
    /// The score sheet of packet `packet` (`None`: it has none), which must
    /// score `template`.
    pub fn of(
        packet: &str,
        sheet: Option<&ScoreSheet>,
        template: &Template,
    ) -> Result<Sheet, ReportError> {
        let error = |path: &str, problem| ReportError {
            packet: packet.to_owned(),
            path: path.to_owned(),
            problem,
        };
        let sheet: &ScoreSheet = sheet.ok_or_else(|| error("score", Problem::Missing))?;
        if (sheet.template.id.as_str(), sheet.template.version)
            != (template.id(), template.version())
        {
            let found = format!("{} v{}", sheet.template.id, sheet.template.version);
            let expected = format!("{} v{}", template.id(), template.version());
            return Err(error(
                "score.template",
                Problem::OtherTemplate { found, expected },
            ));
        }

        Ok(Sheet {
            total: sheet.total,
            max: sheet.max,
            percentage: sheet.percentage,
            grade_id: sheet.grade.as_ref().map(|g| g.id.clone()),
            sections: sections(sheet, template, &error)?,
            items: items(sheet, template, &error)?,
            vetoes: sheet.vetoes.iter().map(|v| v.item.clone()).collect(),
            failed_by_veto: {
                let lowest = &template.lowest_band().id;
                sheet.vetoes.iter().any(|v| match &v.effect {
                    VetoEffect::Fail => true,
                    VetoEffect::CapGrade(band) => band == lowest,
                })
            },
        })
    }
}

/// What each template section adds to the total, in template order. A
/// sheet the core wrote has them in that order already; any other is
/// looked up by id.
fn sections(
    sheet: &ScoreSheet,
    template: &Template,
    error: &impl Fn(&str, Problem) -> ReportError,
) -> Result<Vec<Fixed>, ReportError> {
    let ids = template.doc().sections.iter().map(|s| s.id.as_str());
    if ids.eq(sheet.sections.iter().map(|s| s.id.as_str())) {
        return Ok(sheet
            .sections
            .iter()
            .map(|s| s.figure(template).value)
            .collect());
    }
    {
        let by_id: BTreeMap<&str, Fixed> = sheet
            .sections
            .iter()
            .map(|s| (s.id.as_str(), s.figure(template).value))
            .collect();
        template
            .doc()
            .sections
            .iter()
            .map(|s| {
                by_id.get(s.id.as_str()).copied().ok_or_else(|| {
                    let id = s.id.clone();
                    error(
                        "score.sections",
                        Problem::NotInSheet {
                            what: "section",
                            id,
                        },
                    )
                })
            })
            .collect()
    }
}

/// Each template item's result, in template order (as [`sections`]).
fn items(
    sheet: &ScoreSheet,
    template: &Template,
    error: &impl Fn(&str, Problem) -> ReportError,
) -> Result<Vec<ItemResult>, ReportError> {
    let result = |i: &qingdan_core::score::ItemScore| ItemResult {
        status: i.status,
        score: i.score,
        max: i.max,
    };
    let ids = template.items().map(|(_, item)| item.id.as_str());
    if ids.eq(sheet.items.iter().map(|i| i.id.as_str())) {
        return Ok(sheet.items.iter().map(result).collect());
    }
    {
        let by_id: BTreeMap<&str, ItemResult> = sheet
            .items
            .iter()
            .map(|i| {
                let result = ItemResult {
                    status: i.status,
                    score: i.score,
                    max: i.max,
                };
                (i.id.as_str(), result)
            })
            .collect();
        template
            .items()
            .map(|(_, item)| {
                by_id.get(item.id.as_str()).copied().ok_or_else(|| {
                    let id = item.id.clone();
                    error("score.items", Problem::NotInSheet { what: "item", id })
                })
            })
            .collect()
    }
}
