//! 问题整改: every problem the inspectors found, and where its rectification
//! stands on a given day — closed, open, or overdue — per unit.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use qingdan_core::Lang;
use qingdan_core::findings::{self, FindingState, Rectification};
use qingdan_core::packet::PacketKind;
use serde::Serialize;

use crate::{Cell, Entry, Report, Row, Table};

/// The findings of a set of inspections, as they stand on `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Findings {
    /// The day the states are for, `YYYY-MM-DD`.
    pub as_of: String,
    /// Per unit, by unit code.
    pub units: Vec<UnitFindings>,
    /// Every finding: by unit, then deadline, then inspection and finding id.
    pub rows: Vec<FindingRow>,
}

/// How many of a unit's findings are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    /// Not put right, deadline not passed.
    pub open: usize,
    /// Not put right, deadline passed.
    pub overdue: usize,
    /// Put right.
    pub closed: usize,
}

impl FindingCounts {
    fn add(&mut self, state: FindingState) {
        match state {
            FindingState::Open => self.open += 1,
            FindingState::Overdue => self.overdue += 1,
            FindingState::Closed => self.closed += 1,
        }
    }

    /// All findings.
    pub fn total(&self) -> usize {
        self.open + self.overdue + self.closed
    }
}

/// One unit's findings, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitFindings {
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// Its findings by state.
    #[serde(flatten)]
    pub counts: FindingCounts,
}

/// One finding and its rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRow {
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The checklist of the inspection.
    pub template_id: String,
    /// Its version.
    pub template_version: u32,
    /// The period inspected.
    pub period: String,
    /// The inspection packet that records it.
    pub inspection_id: String,
    /// The finding's id in that inspection.
    pub finding_id: String,
    /// The item it is on.
    pub item: String,
    /// The item's title, when the checklist is known.
    pub item_title: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// Who must put it right.
    pub responsible: String,
    /// 整改期限.
    pub deadline: String,
    /// Where it stands on [`Findings::as_of`].
    pub state: FindingState,
    /// What the unit last said it did.
    pub action: Option<String>,
    /// When it was put right.
    pub completed_on: Option<String>,
    /// Put right after its deadline.
    pub late: bool,
    /// The rectification packet the unit's latest word comes from.
    pub rectification_id: Option<String>,
}

/// Every finding of the inspection entries and where it stands on `as_of`.
/// A finding's state follows the unit's latest rectification packet that
/// answers it (the one the intake received last); rectifications from
/// another unit than the inspection's are not counted. `item_title` names
/// an item of a checklist (id, version, item id) when it can.
pub fn findings(
    entries: &[Entry],
    as_of: NaiveDate,
    item_title: impl Fn(&str, u32, &str) -> Option<String>,
) -> Findings {
    // The latest word on each (inspection, finding).
    let mut answers: BTreeMap<(&str, &str), (&Entry, &Rectification)> = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| e.kind == PacketKind::Rectification)
    {
        let Some(inspection) = entry.refers_to.as_deref() else {
            continue;
        };
        for rectification in &entry.rectifications {
            answers
                .entry((inspection, &rectification.finding))
                .and_modify(|kept| {
                    if entry.recency() > kept.0.recency() {
                        *kept = (entry, rectification);
                    }
                })
                .or_insert((entry, rectification));
        }
    }

    let mut rows = Vec::new();
    for inspection in entries.iter().filter(|e| e.kind == PacketKind::Inspection) {
        for finding in &inspection.findings {
            let answer = answers
                .get(&(inspection.packet_id.as_str(), finding.id.as_str()))
                .filter(|(by, _)| by.unit_code == inspection.unit_code);
            let status = answer.map(|(_, r)| r.status);
            let completed_on = answer.and_then(|(_, r)| r.completed_on.clone());
            let state = findings::state(&finding.deadline, status, as_of);
            rows.push(FindingRow {
                unit_code: inspection.unit_code.clone(),
                unit_name: inspection.unit_name.clone(),
                template_id: inspection.template_id.clone(),
                template_version: inspection.template_version,
                period: inspection.period.clone(),
                inspection_id: inspection.packet_id.clone(),
                finding_id: finding.id.clone(),
                item: finding.item.clone(),
                item_title: item_title(
                    &inspection.template_id,
                    inspection.template_version,
                    &finding.item,
                ),
                problem: finding.problem.clone(),
                responsible: finding.responsible.clone(),
                deadline: finding.deadline.clone(),
                state,
                action: answer.map(|(_, r)| r.action.clone()),
                late: state == FindingState::Closed
                    && completed_on
                        .as_deref()
                        .is_some_and(|day| day > finding.deadline.as_str()),
                completed_on,
                rectification_id: answer.map(|(by, _)| by.packet_id.clone()),
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.unit_code, &a.deadline, &a.inspection_id, &a.finding_id).cmp(&(
            &b.unit_code,
            &b.deadline,
            &b.inspection_id,
            &b.finding_id,
        ))
    });

    let mut units: BTreeMap<&str, UnitFindings> = BTreeMap::new();
    for row in &rows {
        units
            .entry(&row.unit_code)
            .or_insert_with(|| UnitFindings {
                unit_code: row.unit_code.clone(),
                unit_name: row.unit_name.clone(),
                counts: FindingCounts::default(),
            })
            .counts
            .add(row.state);
    }
    Findings {
        as_of: as_of.format("%Y-%m-%d").to_string(),
        units: units.into_values().collect(),
        rows,
    }
}

impl Findings {
    /// What other reports count of these findings.
    pub fn tally(&self) -> FindingTally {
        let mut tally = FindingTally::default();
        tally.add(self);
        tally
    }
}

/// What the ranking, the gap and the indicators count of a scope's
/// findings: each unit's counts and each item's number of findings. Small
/// beside the findings themselves, so a report of tens of thousands of
/// units can keep it while its findings are read a stretch of units at a
/// time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingTally {
    /// Units with findings, in unit-code order.
    units: Vec<(String, FindingCounts)>,
    /// Findings on each item, by item id.
    per_item: BTreeMap<String, usize>,
}

impl FindingTally {
    /// Counts `findings` in (a stretch of units: a unit counted before
    /// has its counts added to).
    pub fn add(&mut self, findings: &Findings) {
        for unit in &findings.units {
            match self
                .units
                .binary_search_by(|(code, _)| code.as_str().cmp(&unit.unit_code))
            {
                Ok(at) => {
                    let counts = &mut self.units[at].1;
                    counts.open += unit.counts.open;
                    counts.overdue += unit.counts.overdue;
                    counts.closed += unit.counts.closed;
                }
                Err(at) => self.units.insert(at, (unit.unit_code.clone(), unit.counts)),
            }
        }
        for row in &findings.rows {
            *self.per_item.entry(row.item.clone()).or_default() += 1;
        }
    }

    /// A unit's counts (all zero when it has no findings), in logarithmic
    /// time.
    pub fn counts(&self, unit_code: &str) -> FindingCounts {
        self.units
            .binary_search_by(|(code, _)| code.as_str().cmp(unit_code))
            .map(|at| self.units[at].1)
            .unwrap_or_default()
    }

    /// How many findings are on an item.
    pub fn on_item(&self, item: &str) -> usize {
        self.per_item.get(item).copied().unwrap_or(0)
    }
}

/// The columns a report adds for a unit's findings.
pub(crate) const COUNT_HEADERS: [&str; 4] = ["发现问题", "未整改", "逾期未整改", "已整改"];

/// The cells under [`COUNT_HEADERS`].
pub(crate) fn count_cells(counts: FindingCounts) -> [Cell; 4] {
    [
        Cell::Count(counts.total()),
        Cell::Count(counts.open),
        Cell::Count(counts.overdue),
        Cell::Count(counts.closed),
    ]
}

impl Report for Findings {
    fn table(&self) -> Table {
        let headers = [
            "单位代码",
            "单位名称",
            "清单",
            "期间",
            "小项",
            "小项名称",
            "问题",
            "整改责任人",
            "整改期限",
            "状态",
            "整改情况",
            "完成日期",
            "检查数据包",
            "问题编号",
        ]
        .map(String::from)
        .into();
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let state = match (row.state, row.late) {
                    (FindingState::Closed, true) => "已整改（逾期完成）".to_owned(),
                    (state, _) => state.label(Lang::Zh).to_owned(),
                };
                let text = |t: &Option<String>| t.clone().map_or(Cell::Empty, Cell::Text);
                Row {
                    cells: vec![
                        row.unit_code.as_str().into(),
                        row.unit_name.as_str().into(),
                        format!("{} v{}", row.template_id, row.template_version).into(),
                        row.period.as_str().into(),
                        row.item.as_str().into(),
                        text(&row.item_title),
                        row.problem.as_str().into(),
                        row.responsible.as_str().into(),
                        row.deadline.as_str().into(),
                        state.into(),
                        text(&row.action),
                        text(&row.completed_on),
                        row.inspection_id.as_str().into(),
                        row.finding_id.as_str().into(),
                    ],
                    highlight: row.state == FindingState::Overdue,
                }
            })
            .collect();
        Table {
            title: format!("问题整改情况（截至 {}）", self.as_of),
            sheet: "问题整改".to_owned(),
            headers,
            rows,
        }
    }
}
