//! 排名: units ranked by 得分率 (percentage) within a template and period,
//! with each section's part of the total and the 末位 (last-placed) units
//! flagged for talks (约谈).
//!
//! Why the percentage: an item a unit marks 不适用 leaves its maximum, so
//! units are scored out of different maximums (79.75 / 88 is 90.63 %,
//! better than 85 / 100). Ranking by total would make 不适用 a penalty;
//! the percentage keeps it neutral. Equal percentages are ordered by
//! total, and share a rank only when the totals are equal too.

use qingdan_core::packet::{PacketKind, Subject};
use qingdan_core::{Fixed, Template, Text};
use serde::Serialize;

use crate::entry::{Latest, latest_of};
use crate::findings::{COUNT_HEADERS, FindingCounts, FindingTally, count_cells};
use crate::{Cell, Entry, Report, ReportError, Row, Table, TemplateInfo, kind_label};

/// Units (or the persons of units) ranked by their latest packet's
/// percentage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranking {
    /// The checklist.
    pub template: TemplateInfo,
    /// The period.
    pub period: String,
    /// Whose scores: the units' own or the inspectors'.
    pub kind: PacketKind,
    /// The template's sections, in order: the columns of
    /// [`RankingRow::sections`].
    pub sections: Vec<SectionColumn>,
    /// Whether the checklist is about a person: one row per person, each
    /// naming them.
    pub about_a_person: bool,
    /// One row per unit (per person of a unit), best first.
    pub rows: Vec<RankingRow>,
}

/// A section of the template, as a column of the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionColumn {
    /// The section id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// A bonus section (加分项): its figure is bonus, outside the maximum,
    /// and its header says so (`（加分）`).
    pub bonus: bool,
}

impl SectionColumn {
    /// The column's header: its title, marked `（加分）` for a bonus section.
    pub fn header(&self) -> String {
        if self.bonus {
            format!("{}（加分）", self.title.zh)
        } else {
            self.title.zh.clone()
        }
    }
}

/// One unit in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankingRow {
    /// 名次: units with equal percentages and totals share a rank, and the
    /// next rank skips (1, 2, 2, 4).
    pub rank: usize,
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The person assessed, on a checklist about a person.
    pub subject: Option<Subject>,
    /// 总分.
    pub total: Fixed,
    /// 满分.
    pub max: Fixed,
    /// 得分率, when anything applicable was left.
    pub percentage: Option<Fixed>,
    /// 等次 (the grade's Chinese label), after vetoes.
    pub grade: Option<String>,
    /// What each section adds to the total (its score plus its bonus, as
    /// `SectionScore::figure` gives it everywhere), in the order of
    /// [`Ranking::sections`]; they sum to `total`.
    pub sections: Vec<Fixed>,
    /// The items whose veto (一票否决) was triggered.
    pub vetoes: Vec<String>,
    /// True when a triggered veto failed the assessment (the lowest grade).
    pub failed_by_veto: bool,
    /// 末位: the units sharing the lowest rank (when some unit ranks above
    /// them), and every unit failed by a veto.
    pub last_place: bool,
    /// The packet the row comes from.
    pub packet_id: String,
    /// Who signed it (签字人), by their enrolled names.
    pub signers: Vec<String>,
    /// The unit's inspection findings, once [`Ranking::with_findings`] has
    /// counted them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<FindingCounts>,
    /// The unit's persons whom a 民主测评 of the period found under its
    /// threshold (约谈), once [`Ranking::with_talks`] has joined them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub talks: Option<Vec<Talk>>,
}

/// A person due a talk (约谈): a closed 民主测评 of the period found their
/// weighted satisfaction under its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Talk {
    /// Their unit's code.
    pub unit_code: String,
    /// Their name.
    pub name: String,
    /// Their post.
    pub post: String,
    /// Their weighted satisfaction, in percent.
    pub satisfaction: Option<Fixed>,
    /// The evaluation that found it.
    pub evaluation: String,
}

impl Talk {
    /// As a cell says it: 王五（党委书记，52.30%）.
    fn said(&self) -> String {
        match self.satisfaction {
            Some(s) => format!("{}（{}，{s}%）", self.name, self.post),
            None => format!("{}（{}）", self.name, self.post),
        }
    }
}

impl Ranking {
    /// Adds each unit's findings by state.
    pub fn with_findings(mut self, findings: &FindingTally) -> Ranking {
        for row in &mut self.rows {
            row.findings = Some(findings.counts(&row.unit_code));
        }
        self
    }

    /// Adds to each row the persons of its unit due a talk, of `talks`
    /// (in unit-code order, as the intake reads them; others' are passed
    /// over). Each row's are found by a binary search.
    pub fn with_talks(mut self, talks: &[Talk]) -> Ranking {
        for row in &mut self.rows {
            let first = talks.partition_point(|t| t.unit_code < row.unit_code);
            row.talks = Some(
                talks[first..]
                    .iter()
                    .take_while(|t| t.unit_code == row.unit_code)
                    .cloned()
                    .collect(),
            );
        }
        self
    }
}

/// Ranks the units (the persons of units, on a checklist about a person)
/// by the percentage of their latest packet of `kind` in `period`, then by
/// total (entries of other kinds or periods are left out); a packet with
/// nothing applicable, so no percentage, comes last; what is still equal
/// is ordered by unit code and name.
pub fn ranking(
    template: &Template,
    period: &str,
    kind: PacketKind,
    entries: &[Entry],
) -> Result<Ranking, ReportError> {
    Ok(ranking_of(
        template,
        period,
        kind,
        latest_of(entries, period, kind, template)?,
    ))
}

/// [`ranking`] of each unit's latest packet, as the intake keeps them.
pub fn ranking_of(
    template: &Template,
    period: &str,
    kind: PacketKind,
    mut latest: Vec<Latest>,
) -> Ranking {
    latest.sort_by(|a, b| {
        standing(b)
            .cmp(&standing(a))
            .then_with(|| a.unit_code.cmp(&b.unit_code))
            .then_with(|| a.subject.cmp(&b.subject))
    });
    let lowest = latest.last().map(standing);
    // The lowest rank: one more than the rows standing above the last.
    let lowest = lowest.map(|low| {
        let above = latest.iter().take_while(|row| standing(row) != low).count();
        (low, above + 1)
    });
    ranking_page(template, period, kind, latest, 0, 0, lowest)
}

/// Where a unit stands: its percentage (none, when nothing applicable was
/// left, ranks below any), then its total.
pub type Standing = (Option<Fixed>, Fixed);

fn standing(row: &Latest) -> Standing {
    (row.summary.percentage, row.summary.total)
}

/// A stretch of a ranking, as a page shows it: `rows` in ranking order
/// (by [`Standing`], best first, then unit code and person), the first of
/// them at `offset` in the whole ranking, with `above` rows standing above
/// it (fewer than `offset` when it ties with rows before the page), and
/// `lowest` the standing of the ranking's last row with its rank (for
/// 末位). The same rules as the whole ranking: equal standings share a
/// rank, the next rank skips, the lowest rank is last-placed when some
/// unit ranks above it, and a unit failed by a veto always is.
pub fn ranking_page(
    template: &Template,
    period: &str,
    kind: PacketKind,
    rows: Vec<Latest>,
    offset: usize,
    above: usize,
    lowest: Option<(Standing, usize)>,
) -> Ranking {
    let mut ranked = Vec::with_capacity(rows.len());
    let mut previous: Option<(Standing, usize)> = None;
    for (n, row) in rows.into_iter().enumerate() {
        let here = standing(&row);
        let rank = match previous {
            Some((was, rank)) if was == here => rank,
            Some(_) => offset + n + 1,
            None => above + 1,
        };
        previous = Some((here, rank));
        let last = lowest.is_some_and(|(low, low_rank)| low == here && low_rank > 1);
        let s = row.summary;
        ranked.push(RankingRow {
            rank,
            unit_code: row.unit_code,
            unit_name: row.unit_name,
            subject: row.subject,
            total: s.total,
            max: s.max,
            percentage: s.percentage,
            grade: grade_label(template, s.grade.as_deref()),
            sections: s.sections,
            vetoes: s.vetoes,
            failed_by_veto: s.failed_by_veto,
            last_place: s.failed_by_veto || last,
            packet_id: row.packet_id,
            signers: row.signers,
            findings: None,
            talks: None,
        });
    }
    Ranking {
        template: TemplateInfo::of(template),
        period: period.to_owned(),
        kind,
        about_a_person: template.about_a_person(),
        sections: template
            .doc()
            .sections
            .iter()
            .map(|s| SectionColumn {
                id: s.id.clone(),
                title: s.title.clone(),
                bonus: s.is_bonus(),
            })
            .collect(),
        rows: ranked,
    }
}

/// A band's Chinese label, as `ScoreSheet::grade_label` gives it (the id
/// when the checklist has no such band).
fn grade_label(template: &Template, band: Option<&str>) -> Option<String> {
    band.map(|id| {
        template
            .band(id)
            .map_or_else(|| id.to_owned(), |b| b.label.zh.clone())
    })
}

impl Report for Ranking {
    fn table(&self) -> Table {
        let mut headers: Vec<String> = ["名次", "单位代码", "单位名称"].map(String::from).into();
        if self.about_a_person {
            headers.extend(["被考核人", "职务"].map(String::from));
        }
        headers.extend(["得分率", "总分", "满分", "等次"].map(String::from));
        headers.extend(self.sections.iter().map(SectionColumn::header));
        headers.extend(["否决项", "末位", "签字人", "数据包编号"].map(String::from));

        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![
                    Cell::Count(row.rank),
                    row.unit_code.as_str().into(),
                    row.unit_name.as_str().into(),
                ];
                if self.about_a_person {
                    let subject = row.subject.as_ref();
                    cells.push(subject.map(|s| s.name.as_str()).unwrap_or_default().into());
                    cells.push(subject.map(|s| s.post.as_str()).unwrap_or_default().into());
                }
                cells.extend([
                    row.percentage.into(),
                    row.total.into(),
                    row.max.into(),
                    row.grade.clone().map_or(Cell::Empty, Cell::Text),
                ]);
                cells.extend(row.sections.iter().copied().map(Cell::Number));
                cells.push(row.vetoes.join("、").into());
                cells.push(match (row.last_place, row.failed_by_veto) {
                    (_, true) => "是（一票否决）".into(),
                    (true, false) => "是".into(),
                    (false, false) => "".into(),
                });
                cells.push(row.signers.join("、").into());
                cells.push(row.packet_id.as_str().into());
                Row {
                    cells,
                    highlight: row.last_place,
                }
            })
            .collect();

        let mut table = Table {
            title: format!(
                "{}（{} v{}）{} {}排名",
                self.template.title,
                self.template.id,
                self.template.version,
                self.period,
                kind_label(self.kind)
            ),
            sheet: "排名".to_owned(),
            headers,
            rows,
        };
        table.add_columns(
            COUNT_HEADERS,
            self.rows.iter().map(|r| r.findings.map(count_cells)),
        );
        table.add_columns(
            ["约谈"],
            self.rows.iter().map(|r| {
                r.talks.as_ref().map(|talks| {
                    let said: Vec<String> = talks.iter().map(Talk::said).collect();
                    [said.join("、").into()]
                })
            }),
        );
        table
    }
}
