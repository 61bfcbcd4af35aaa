//! 自评与考核: each unit's own score beside the inspectors' score for the
//! same period. A unit that rates itself far above what the inspectors found
//! is itself a finding. The gap is ordered by 得分率 (percentage points),
//! as the ranking is: a unit and its inspectors may mark different items
//! 不适用, so their totals can be out of different maximums.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use qingdan_core::packet::{PacketKind, Subject};
use qingdan_core::{Fixed, Template};
use serde::Serialize;

use crate::entry::{Latest, latest_of};
use crate::findings::{COUNT_HEADERS, FindingCounts, FindingTally, count_cells};
use crate::{Cell, Entry, Report, ReportError, Row, Table, TemplateInfo};

/// Self-assessment against inspection, unit by unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The checklist.
    pub template: TemplateInfo,
    /// The period.
    pub period: String,
    /// One row per unit with either packet, the largest gap first.
    pub rows: Vec<GapRow>,
}

/// One unit's two totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapRow {
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name, from its latest packet of either kind.
    pub unit_name: String,
    /// The person assessed, on a checklist about a person.
    pub subject: Option<Subject>,
    /// 自评得分: the total of its latest self-assessment.
    pub self_assessment: Option<Fixed>,
    /// 考核得分: the total of its latest inspection.
    pub inspection: Option<Fixed>,
    /// Self-assessment − inspection, when both are there: positive when
    /// the unit scored itself higher than the inspectors did.
    pub difference: Option<Fixed>,
    /// 自评得分率.
    pub self_percentage: Option<Fixed>,
    /// 考核得分率.
    pub inspection_percentage: Option<Fixed>,
    /// 得分率差: self-assessment − inspection, in percentage points.
    pub percentage_difference: Option<Fixed>,
    /// The self-assessment packet.
    pub self_assessment_packet: Option<String>,
    /// The inspection packet.
    pub inspection_packet: Option<String>,
    /// The unit's inspection findings, once [`Gap::with_findings`] has
    /// counted them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<FindingCounts>,
}

impl Gap {
    /// Adds each unit's findings by state.
    pub fn with_findings(mut self, findings: &FindingTally) -> Gap {
        for row in &mut self.rows {
            row.findings = Some(findings.counts(&row.unit_code));
        }
        self
    }
}

/// Sets each unit's (each person's of a unit) latest self-assessment in
/// `period` beside its latest inspection. Rows are sorted by the size of
/// the gap in percentage points, largest first, then by the gap in total,
/// then by unit code; units with only one of the two come last.
pub fn gap(template: &Template, period: &str, entries: &[Entry]) -> Result<Gap, ReportError> {
    Ok(gap_of(
        template,
        period,
        &latest_of(entries, period, PacketKind::SelfAssessment, template)?,
        &latest_of(entries, period, PacketKind::Inspection, template)?,
    ))
}

/// [`gap`] of each unit's latest self-assessment (`own`) and inspection
/// (`inspected`), as the intake keeps them.
pub fn gap_of(template: &Template, period: &str, own: &[Latest], inspected: &[Latest]) -> Gap {
    type Pair<'e> = (Option<&'e Latest>, Option<&'e Latest>);
    let mut units: BTreeMap<(&str, Option<&str>), Pair<'_>> = BTreeMap::new();
    for row in own {
        units.entry(assessed(row)).or_default().0 = Some(row);
    }
    for row in inspected {
        units.entry(assessed(row)).or_default().1 = Some(row);
    }

    let mut rows = Vec::new();
    for ((code, _), (own, inspected)) in units {
        let newest = own
            .into_iter()
            .chain(inspected)
            .max_by(|a, b| a.recency().cmp(&b.recency()));
        let side = |row: &Latest| GapSide {
            packet_id: row.packet_id.clone(),
            received_at: row.received_at.clone(),
            total: row.summary.total,
            percentage: row.summary.percentage,
            subject: row.subject.clone(),
        };
        rows.push(gap_row(
            code.to_owned(),
            newest.map(|e| e.unit_name.clone()).unwrap_or_default(),
            own.map(side),
            inspected.map(side),
        ));
    }
    // Units are already in code order, and the sort is stable.
    let size = |d: Option<Fixed>| Reverse(d.map_or(0, |d| d.hundredths().unsigned_abs()));
    rows.sort_by_key(|row| {
        (
            row.difference.is_none(),
            size(row.percentage_difference),
            size(row.difference),
        )
    });

    Gap {
        template: TemplateInfo::of(template),
        period: period.to_owned(),
        rows,
    }
}

/// One side of a unit's (a person's) gap: its latest packet of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapSide {
    /// The packet.
    pub packet_id: String,
    /// When the intake received it.
    pub received_at: String,
    /// Its total.
    pub total: Fixed,
    /// Its percentage.
    pub percentage: Option<Fixed>,
    /// The person it assesses, on a checklist about a person.
    pub subject: Option<Subject>,
}

/// A unit's (a person's) row of the gap from its latest self-assessment
/// (`own`) and inspection; the person as the newer of the two has it.
pub fn gap_row(
    unit_code: String,
    unit_name: String,
    own: Option<GapSide>,
    inspected: Option<GapSide>,
) -> GapRow {
    let recency = |s: &GapSide| (s.received_at.clone(), s.packet_id.clone());
    let subject = own
        .iter()
        .chain(&inspected)
        .max_by_key(|s| recency(s))
        .and_then(|s| s.subject.clone());
    let read = |side: &Option<GapSide>| side.as_ref().map(|s| (s.total, s.percentage));
    let (own_sheet, inspected_sheet) = (read(&own), read(&inspected));
    let (self_assessment, inspection) = (own_sheet.map(|s| s.0), inspected_sheet.map(|s| s.0));
    let (self_percentage, inspection_percentage) = (
        own_sheet.and_then(|s| s.1),
        inspected_sheet.and_then(|s| s.1),
    );
    GapRow {
        unit_code,
        unit_name,
        subject,
        self_assessment,
        inspection,
        difference: self_assessment.zip(inspection).map(|(s, i)| s - i),
        self_percentage,
        inspection_percentage,
        percentage_difference: self_percentage
            .zip(inspection_percentage)
            .map(|(s, i)| s - i),
        self_assessment_packet: own.map(|e| e.packet_id),
        inspection_packet: inspected.map(|e| e.packet_id),
        findings: None,
    }
}

/// A stretch of a gap whose rows are already in the gap's order (a page
/// the intake read in that order).
pub fn gap_page(template: &Template, period: &str, rows: Vec<GapRow>) -> Gap {
    Gap {
        template: TemplateInfo::of(template),
        period: period.to_owned(),
        rows,
    }
}

impl Report for Gap {
    fn table(&self) -> Table {
        let about_a_person = self.rows.iter().any(|r| r.subject.is_some());
        let mut headers: Vec<String> = ["单位代码", "单位名称"].map(String::from).into();
        if about_a_person {
            headers.extend(["被考核人", "职务"].map(String::from));
        }
        headers.extend(
            [
                "自评得分率",
                "考核得分率",
                "得分率差（百分点）",
                "自评得分",
                "考核得分",
                "差值（自评−考核）",
                "自评数据包编号",
                "考核数据包编号",
            ]
            .map(String::from),
        );
        let packet = |id: &Option<String>| -> Cell { id.as_deref().unwrap_or_default().into() };
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells: Vec<Cell> =
                    vec![row.unit_code.as_str().into(), row.unit_name.as_str().into()];
                if about_a_person {
                    let subject = row.subject.as_ref();
                    cells.push(subject.map(|s| s.name.as_str()).unwrap_or_default().into());
                    cells.push(subject.map(|s| s.post.as_str()).unwrap_or_default().into());
                }
                cells.extend([
                    row.self_percentage.into(),
                    row.inspection_percentage.into(),
                    row.percentage_difference.into(),
                    row.self_assessment.into(),
                    row.inspection.into(),
                    row.difference.into(),
                    packet(&row.self_assessment_packet),
                    packet(&row.inspection_packet),
                ]);
                Row {
                    cells,
                    highlight: false,
                }
            })
            .collect();
        let mut table = Table {
            title: format!(
                "{}（{} v{}）{} 自评与考核得分对比",
                self.template.title, self.template.id, self.template.version, self.period
            ),
            sheet: "自评与考核".to_owned(),
            headers,
            rows,
        };
        table.add_columns(
            COUNT_HEADERS,
            self.rows.iter().map(|r| r.findings.map(count_cells)),
        );
        table
    }
}

/// Who a row is about: its unit, and the person on a checklist about a
/// person.
fn assessed(row: &Latest) -> (&str, Option<&str>) {
    (
        row.unit_code.as_str(),
        row.subject.as_ref().map(|s| s.name.as_str()),
    )
}
