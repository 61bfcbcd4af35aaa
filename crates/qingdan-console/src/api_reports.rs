//! The intake's reports and packet sheets as the console reads them: the
//! shapes of `GET /reports/{ranking|indicators|gap}`, `GET /findings` and
//! `GET /packets/{id}/sheet`, and the addresses they are asked at (the
//! JSON a page at a time; the same filters as a workbook). Pure, natively
//! tested.
//!
//! Scores and percentages stay the exact decimal strings the intake
//! gives; only the charts read them, as whole hundredths
//! ([`crate::chart::hundredths`]).

use serde::Deserialize;

use crate::api::{BASE, encode};
use crate::state::reports::{ReportsQuery, Tab};

/// Which checklist a report is over.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReportChecklist {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title (Chinese).
    pub title: String,
}

/// The person assessed, on a checklist about a person.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Subject {
    /// Their name.
    pub name: String,
    /// Their post.
    #[serde(default)]
    pub post: String,
}

/// How many of a unit's findings stand where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct FindingCounts {
    /// Not put right, the deadline not passed.
    pub open: u64,
    /// Not put right, the deadline passed.
    pub overdue: u64,
    /// Put right.
    pub closed: u64,
}

/// One unit (or person) in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RankingRow {
    /// 名次 (shared by equal standings).
    pub rank: u64,
    /// The unit's code.
    pub unit_code: String,
    /// Its name.
    pub unit_name: String,
    /// The person, on a checklist about one.
    pub subject: Option<Subject>,
    /// 总分, as given (`"87.50"`).
    pub total: String,
    /// 满分.
    pub max: String,
    /// 得分率, when anything applicable was left.
    pub percentage: Option<String>,
    /// 等次 (the grade's Chinese label).
    pub grade: Option<String>,
    /// 末位.
    #[serde(default)]
    pub last_place: bool,
    /// The packet the row comes from.
    pub packet_id: String,
    /// Its findings, counted.
    pub findings: Option<FindingCounts>,
    /// Its persons due a talk (约谈) by a 民主测评 of the period.
    #[serde(default)]
    pub talks: Vec<Talk>,
}

/// A person due a talk (约谈).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Talk {
    /// Their name.
    pub name: String,
    /// Their post.
    pub post: String,
    /// Their weighted satisfaction, in percent.
    pub satisfaction: Option<String>,
    /// The evaluation that found it.
    pub evaluation: String,
}

/// A page of the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RankingPage {
    /// The checklist.
    pub template: ReportChecklist,
    /// The period.
    pub period: String,
    /// Whose packets.
    pub kind: String,
    /// This page's rows, best first.
    pub rows: Vec<RankingRow>,
    /// This page, from 1.
    pub page: u64,
    /// Rows in the whole ranking.
    pub total_rows: u64,
    /// Pages in all.
    pub pages: u64,
}

/// One item across units.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IndicatorRow {
    /// The item id.
    pub item: String,
    /// Its section's title (Chinese).
    pub section: String,
    /// Its title (Chinese).
    pub title: String,
    /// Units for which it counted.
    pub applicable: u64,
    /// Of those, units that lost points on it.
    pub failed: u64,
    /// `failed ÷ applicable` as a percentage, as given.
    pub failure_rate: Option<String>,
    /// Problems inspectors found on it.
    pub findings: Option<u64>,
}

/// How often each item fails (the most often first).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Indicators {
    /// The checklist.
    pub template: ReportChecklist,
    /// The period.
    pub period: String,
    /// Whose packets.
    pub kind: String,
    /// Units counted.
    pub units: u64,
    /// One row per item.
    pub rows: Vec<IndicatorRow>,
    /// Persons due a talk (约谈) by the period's 民主测评.
    #[serde(default)]
    pub talks_due: Option<u64>,
}

/// A unit's own total beside the inspectors'.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GapRow {
    /// The unit's code.
    pub unit_code: String,
    /// Its name.
    pub unit_name: String,
    /// The person, on a checklist about one.
    pub subject: Option<Subject>,
    /// The self-assessment's total.
    pub self_assessment: Option<String>,
    /// The inspection's total.
    pub inspection: Option<String>,
    /// `self_assessment − inspection`.
    pub difference: Option<String>,
    /// The self-assessment's percentage.
    pub self_percentage: Option<String>,
    /// The inspection's percentage.
    pub inspection_percentage: Option<String>,
    /// The self-assessment packet.
    pub self_assessment_packet: Option<String>,
    /// The inspection packet.
    pub inspection_packet: Option<String>,
}

/// A page of the gap.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GapPage {
    /// The checklist.
    pub template: ReportChecklist,
    /// The period.
    pub period: String,
    /// This page's rows.
    pub rows: Vec<GapRow>,
    /// This page, from 1.
    pub page: u64,
    /// Rows in all.
    pub total_rows: u64,
    /// Pages in all.
    pub pages: u64,
}

/// A unit's findings, counted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UnitFindings {
    /// The unit's code.
    pub unit_code: String,
    /// Its name.
    pub unit_name: String,
    /// Open.
    pub open: u64,
    /// Overdue.
    pub overdue: u64,
    /// Closed.
    pub closed: u64,
}

/// One finding and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FindingRow {
    /// The unit's code.
    pub unit_code: String,
    /// Its name.
    pub unit_name: String,
    /// The inspection that found it.
    pub inspection_id: String,
    /// The finding's id there.
    pub finding_id: String,
    /// The item it is on.
    pub item: String,
    /// The item's title.
    pub item_title: Option<String>,
    /// What is wrong.
    pub problem: String,
    /// Who must put it right.
    pub responsible: String,
    /// 整改期限.
    pub deadline: String,
    /// `open`, `overdue` or `closed`.
    pub state: String,
    /// What the unit last said it did.
    pub action: Option<String>,
    /// When it was put right.
    pub completed_on: Option<String>,
}

/// A page of units' findings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FindingsPage {
    /// The day the states are for.
    pub as_of: String,
    /// The page's units, counted.
    pub units: Vec<UnitFindings>,
    /// Their findings.
    pub rows: Vec<FindingRow>,
    /// This page, from 1.
    pub page: u64,
    /// Units with findings in all.
    pub total_units: u64,
    /// Pages in all.
    pub pages: u64,
}

impl FindingsPage {
    /// The page's findings counted by state.
    pub fn counts(&self) -> FindingCounts {
        self.units
            .iter()
            .fold(FindingCounts::default(), |c, u| FindingCounts {
                open: c.open + u.open,
                overdue: c.overdue + u.overdue,
                closed: c.closed + u.closed,
            })
    }
}

/// Rows of a report a page holds.
pub const REPORT_PAGE: u64 = 50;

/// How a report is asked for: a page of JSON, or the whole as a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `format=json`, the page asked for.
    Json,
    /// `format=xlsx`: every row, with the findings sheet.
    Xlsx,
}

/// The address of `query`'s report in `format` (`None` when the report
/// needs a checklist and a period and the query has none).
pub fn report_url(query: &ReportsQuery, format: Format) -> Option<String> {
    let paged = |url: &mut String| {
        if format == Format::Json {
            url.push_str(&format!(
                "&page={}&per_page={REPORT_PAGE}",
                query.page.max(1)
            ));
        }
    };
    let format_name = match format {
        Format::Json => "json",
        Format::Xlsx => "xlsx",
    };
    if query.tab == Tab::Findings {
        let mut url = format!("{BASE}/findings?format={format_name}");
        paged(&mut url);
        return Some(url);
    }
    let (template, period) = (query.template.as_deref()?, query.period.as_deref()?);
    let mut url = format!(
        "{BASE}/reports/{}?format={format_name}&template={}&period={}",
        query.tab.as_str(),
        encode(template),
        encode(period)
    );
    if let Some(version) = query.version {
        url.push_str(&format!("&version={version}"));
    }
    if query.tab != Tab::Gap {
        url.push_str(&format!("&kind={}", query.kind.as_str()));
    }
    if let (Tab::Ranking, Some(under)) = (query.tab, &query.under) {
        url.push_str(&format!("&under={}", encode(under)));
    }
    if query.tab != Tab::Indicators {
        paged(&mut url);
    }
    Some(url)
}

/// Text in both languages, as the sheet gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Words {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Words {
    /// The text in `lang`.
    pub fn get(&self, lang: qingdan_core::Lang) -> &str {
        match lang {
            qingdan_core::Lang::Zh => &self.zh,
            qingdan_core::Lang::En => &self.en,
        }
    }
}

/// The unit a packet is of.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetUnit {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The checklist a packet answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetChecklist {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title.
    pub title: Words,
}

/// A grade reached.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetGrade {
    /// The band id.
    pub id: String,
    /// Its name.
    pub label: Words,
}

/// A section's figure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetSection {
    /// The section id.
    pub id: String,
    /// Its title.
    pub title: Words,
    /// Its figure (score plus bonus).
    pub figure: String,
    /// Its maximum.
    pub max: String,
    /// A bonus section (加分项).
    pub bonus: bool,
}

/// One item of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetItem {
    /// The item id.
    pub id: String,
    /// Its section's id.
    pub section: String,
    /// Its title.
    pub title: Words,
    /// What happened to it (`scored`, `not_applicable`, …).
    pub status: String,
    /// The answer in words.
    pub answer: Option<Words>,
    /// The note given with it.
    pub note: Option<String>,
    /// Its score.
    pub score: String,
    /// Its maximum.
    pub max: String,
    /// Why it scored so.
    pub reason: Words,
}

/// The re-scored sheet's figures.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetScore {
    /// 总分.
    pub total: String,
    /// 满分.
    pub max: String,
    /// 得分率.
    pub percentage: Option<String>,
    /// The grade.
    pub grade: Option<SheetGrade>,
    /// The sections.
    pub sections: Vec<SheetSection>,
    /// The items.
    pub items: Vec<SheetItem>,
    /// The vetoes triggered.
    pub vetoes: Vec<String>,
}

/// A finding an inspection recorded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetFinding {
    /// Its id in the inspection.
    pub id: String,
    /// The item.
    pub item: String,
    /// What is wrong.
    pub problem: String,
    /// 整改期限.
    pub deadline: String,
    /// 整改责任人.
    pub responsible: String,
}

/// A rectification's answer to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetRectification {
    /// The finding answered.
    pub finding: String,
    /// `done` or `in-progress`.
    pub status: String,
    /// What was done.
    pub action: String,
    /// When it was put right.
    pub completed_on: Option<String>,
}

/// A signer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetSigner {
    /// The role signed as.
    pub role: String,
    /// The name in the packet.
    pub name: String,
    /// The name the key is enrolled under.
    pub enrolled_name: Option<String>,
    /// The key's fingerprint.
    pub fingerprint: String,
    /// When the key was revoked.
    pub revoked_at: Option<String>,
}

/// A packet as its score sheet (`GET /packets/{id}/sheet`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PacketSheet {
    /// The packet's id.
    pub id: String,
    /// `self-assessment`, `inspection` or `rectification`.
    pub kind: String,
    /// The unit.
    pub unit: SheetUnit,
    /// The person assessed.
    pub subject: Option<Subject>,
    /// The period.
    pub period: String,
    /// When it was made.
    pub created_at: String,
    /// When the intake received it.
    pub received_at: String,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// Their length.
    pub size: u64,
    /// The checklist.
    pub template: SheetChecklist,
    /// The scores (none for a rectification).
    pub score: Option<SheetScore>,
    /// The findings.
    pub findings: Vec<SheetFinding>,
    /// A rectification's answers.
    pub rectifications: Vec<SheetRectification>,
    /// The inspection a rectification answers.
    pub refers_to: Option<String>,
    /// The note on the whole.
    pub note: Option<String>,
    /// Who signed.
    pub signers: Vec<SheetSigner>,
    /// The files it carries.
    #[serde(default)]
    pub attachments: Vec<SheetFile>,
}

/// A file a packet carries, as it names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SheetFile {
    /// The item it is on.
    pub item: String,
    /// The finding it shows, when it is on one.
    pub finding: Option<String>,
    /// Its name.
    pub name: String,
    /// Its type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256 (hex), its address.
    pub sha256: String,
}

/// `GET /packets/{id}/attachments/{sha256}`: a file's exact bytes.
pub fn file_url(id: &str, sha256: &str) -> String {
    format!(
        "{BASE}/packets/{}/attachments/{}",
        encode(id),
        encode(sha256)
    )
}

/// `GET /packets/{id}/sheet`.
pub fn sheet_url(id: &str) -> String {
    format!("{BASE}/packets/{}/sheet", encode(id))
}

/// `GET /packets/{id}`: the exact bytes stored.
pub fn packet_url(id: &str) -> String {
    format!("{BASE}/packets/{}", encode(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::reports::Kind;

    #[test]
    fn a_ranking_page_reads_with_its_scores_as_the_strings_given() {
        let page: RankingPage = serde_json::from_str(
            r#"{"template": {"id": "jiandu-zeren", "version": 2, "title": "监督责任清单"},
                "period": "2026", "kind": "self-assessment", "sections": [], "about_a_person": false,
                "rows": [{"rank": 1, "unit_code": "510824-101", "unit_name": "某某镇党委",
                          "subject": null, "total": "87.50", "max": "100.00", "percentage": "87.50",
                          "grade": "良好", "sections": ["40.00"], "vetoes": [], "failed_by_veto": false,
                          "last_place": false, "packet_id": "p1", "signers": ["张三"],
                          "findings": {"open": 1, "overdue": 0, "closed": 2}}],
                "page": 1, "per_page": 50, "total_rows": 1, "pages": 1}"#,
        )
        .unwrap();
        let row = &page.rows[0];
        assert_eq!(
            (row.total.as_str(), row.percentage.as_deref()),
            ("87.50", Some("87.50"))
        );
        assert_eq!(row.findings.map(|f| f.closed), Some(2));
        assert_eq!(page.template.version, 2);
    }

    #[test]
    fn each_report_is_asked_for_with_its_filters_as_a_page_or_a_workbook() {
        let mut q = ReportsQuery {
            tab: Tab::Ranking,
            template: Some("jiandu zeren".into()),
            version: Some(2),
            period: Some("2026-H2".into()),
            kind: Kind::SelfAssessment,
            under: None,
            page: 3,
        };
        assert_eq!(
            report_url(&q, Format::Json).as_deref(),
            Some(
                "../api/v1/reports/ranking?format=json&template=jiandu%20zeren&period=2026-H2&version=2&kind=self-assessment&page=3&per_page=50"
            )
        );
        assert_eq!(
            report_url(&q, Format::Xlsx).as_deref(),
            Some(
                "../api/v1/reports/ranking?format=xlsx&template=jiandu%20zeren&period=2026-H2&version=2&kind=self-assessment"
            )
        );
        // The ranking of a county's units; the other reports are of all.
        q.under = Some("510824-000".into());
        assert!(
            report_url(&q, Format::Xlsx)
                .unwrap()
                .ends_with("&kind=self-assessment&under=510824-000")
        );
        q.tab = Tab::Gap;
        assert_eq!(
            report_url(&q, Format::Xlsx).as_deref(),
            Some(
                "../api/v1/reports/gap?format=xlsx&template=jiandu%20zeren&period=2026-H2&version=2"
            )
        );
        q.tab = Tab::Indicators;
        assert!(
            !report_url(&q, Format::Json).unwrap().contains("page="),
            "not paged"
        );
        q.tab = Tab::Findings;
        assert_eq!(
            report_url(&q, Format::Json).as_deref(),
            Some("../api/v1/findings?format=json&page=3&per_page=50")
        );
        q.tab = Tab::Ranking;
        q.period = None;
        assert_eq!(
            report_url(&q, Format::Json),
            None,
            "no period: nothing to ask"
        );
    }

    #[test]
    fn findings_are_counted_over_the_page() {
        let page: FindingsPage = serde_json::from_str(
            r#"{"as_of": "2027-02-01", "page": 1, "per_page": 50, "total_units": 2, "pages": 1, "rows": [],
                "units": [{"unit_code": "a", "unit_name": "A", "open": 1, "overdue": 2, "closed": 0},
                          {"unit_code": "b", "unit_name": "B", "open": 0, "overdue": 1, "closed": 4}]}"#,
        )
        .unwrap();
        assert_eq!(
            page.counts(),
            FindingCounts {
                open: 1,
                overdue: 3,
                closed: 4
            }
        );
    }
}
