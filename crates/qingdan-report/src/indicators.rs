//! 指标失分: for each scoring item, how many units lost points on it — the
//! indicators that fail most often, which is where to train.

use std::cmp::Reverse;

use qingdan_core::packet::PacketKind;
use qingdan_core::{Fixed, Rule, Template};
use serde::Serialize;

use crate::entry::{Latest, latest_of};
use crate::findings::FindingTally;
use crate::summary::Mark;
use crate::{Cell, Entry, Report, ReportError, Row, Table, TemplateInfo, kind_label};

/// How often each indicator fails across units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicators {
    /// The checklist.
    pub template: TemplateInfo,
    /// The period.
    pub period: String,
    /// Whose scores: the units' own or the inspectors'.
    pub kind: PacketKind,
    /// How many units' packets were counted.
    pub units: usize,
    /// One row per scoring or veto item, the most often failed first.
    pub rows: Vec<IndicatorRow>,
    /// How many persons a 民主测评 of the period found due a talk (约谈),
    /// once [`Indicators::with_talks`] has counted them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub talks_due: Option<u64>,
}

/// One item across units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorRow {
    /// The item id.
    pub item: String,
    /// Its section's title (Chinese).
    pub section: String,
    /// Its title (Chinese).
    pub title: String,
    /// Its quantifiable indicator (Chinese), when the template gives one.
    pub indicator: Option<String>,
    /// Units for which the item counted: neither hidden by a condition nor
    /// answered 不适用.
    pub applicable: usize,
    /// Of those, units that lost points on it (a veto item: that triggered
    /// it). An unanswered item loses its points.
    pub failed: usize,
    /// `failed ÷ applicable` as a percentage with two places; `None` when
    /// no unit had the item.
    pub failure_rate: Option<Fixed>,
    /// How many problems inspectors found on the item, once
    /// [`Indicators::with_findings`] has counted them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<usize>,
}

impl Indicators {
    /// Adds how many findings are on each item.
    pub fn with_findings(mut self, findings: &FindingTally) -> Indicators {
        for row in &mut self.rows {
            row.findings = Some(findings.on_item(&row.item));
        }
        self
    }

    /// Adds how many persons are due a talk (约谈) in the period.
    pub fn with_talks(mut self, talks_due: u64) -> Indicators {
        self.talks_due = Some(talks_due);
        self
    }
}

/// Counts, over each unit's latest packet of `kind` in `period`, how many
/// units had each scoring or veto item and how many failed it. Rows are
/// sorted by failure rate, highest first, then in template order.
pub fn indicators(
    template: &Template,
    period: &str,
    kind: PacketKind,
    entries: &[Entry],
) -> Result<Indicators, ReportError> {
    Ok(indicators_of(
        template,
        period,
        kind,
        &latest_of(entries, period, kind, template)?,
    ))
}

/// [`indicators`] over each unit's latest packet, as the intake keeps them.
pub fn indicators_of(
    template: &Template,
    period: &str,
    kind: PacketKind,
    latest: &[Latest],
) -> Indicators {
    let mut tally = ItemTally::new(template);
    for row in latest {
        tally.add(&row.summary.items);
    }
    indicators_of_tally(template, period, kind, &tally)
}

/// How each item of a checklist fared over units, counted a unit at a
/// time: what [`indicators_of_tally`] needs, in memory that does not grow
/// with the units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTally {
    units: usize,
    /// Per template item in order: units it applied to, units that lost
    /// points on it.
    counts: Vec<(usize, usize)>,
}

impl ItemTally {
    /// Nothing counted yet, for `template`'s items.
    pub fn new(template: &Template) -> ItemTally {
        ItemTally {
            units: 0,
            counts: vec![(0, 0); template.items().count()],
        }
    }

    /// Counts one unit's marks (one per template item, in order).
    pub fn add(&mut self, items: &[Mark]) {
        self.units += 1;
        for (count, mark) in self.counts.iter_mut().zip(items) {
            match mark {
                Mark::Kept => count.0 += 1,
                Mark::Lost => *count = (count.0 + 1, count.1 + 1),
                Mark::NotCounted => {}
            }
        }
    }
}

/// [`indicators`] from each item's counts over the units.
pub fn indicators_of_tally(
    template: &Template,
    period: &str,
    kind: PacketKind,
    tally: &ItemTally,
) -> Indicators {
    let doc = template.doc();

    let mut rows = Vec::new();
    for (n, (section, item)) in template.items().enumerate() {
        if !(item.rule.is_scored() || matches!(item.rule, Rule::Veto { .. })) {
            continue;
        }
        let (applicable, failed) = tally.counts.get(n).copied().unwrap_or_default();
        rows.push(IndicatorRow {
            item: item.id.clone(),
            section: doc.sections[section].title.zh.clone(),
            title: item.title.zh.clone(),
            indicator: item.indicator.as_ref().map(|i| i.zh.clone()),
            applicable,
            failed,
            failure_rate: rate(failed, applicable),
            findings: None,
        });
    }
    // Stable: equal rates keep template order; `None` sorts below any rate.
    rows.sort_by_key(|row| Reverse(row.failure_rate));

    Indicators {
        template: TemplateInfo::of(template),
        period: period.to_owned(),
        kind,
        units: tally.units,
        rows,
        talks_due: None,
    }
}

/// `part ÷ whole × 100`, exact to a hundredth (rounded half away from zero).
fn rate(part: usize, whole: usize) -> Option<Fixed> {
    // Taken as hundredths, which cancel in the ratio, so no count can
    // overflow on the way in.
    let count = |n: usize| Fixed::from_hundredths(i64::try_from(n).unwrap_or(i64::MAX));
    count(part).percent_of(count(whole))
}

impl Report for Indicators {
    fn table(&self) -> Table {
        let headers = [
            "项目编号",
            "大项",
            "小项",
            "考核指标",
            "适用单位数",
            "失分单位数",
            "失分率",
        ]
        .map(String::from)
        .into();
        let rows = self
            .rows
            .iter()
            .map(|row| Row {
                cells: vec![
                    row.item.as_str().into(),
                    row.section.as_str().into(),
                    row.title.as_str().into(),
                    row.indicator.clone().map_or(Cell::Empty, Cell::Text),
                    Cell::Count(row.applicable),
                    Cell::Count(row.failed),
                    row.failure_rate.into(),
                ],
                highlight: false,
            })
            .collect();
        let mut table = Table {
            title: format!(
                "{}（{} v{}）{} {}指标失分情况（{} 个单位{}）",
                self.template.title,
                self.template.id,
                self.template.version,
                self.period,
                kind_label(self.kind),
                self.units,
                self.talks_due
                    .filter(|n| *n > 0)
                    .map(|n| format!("，民主测评约谈 {n} 人"))
                    .unwrap_or_default()
            ),
            sheet: "指标失分".to_owned(),
            headers,
            rows,
        };
        table.add_columns(
            ["发现问题"],
            self.rows
                .iter()
                .map(|r| r.findings.map(|n| [Cell::Count(n)])),
        );
        table
    }
}
