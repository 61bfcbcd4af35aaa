//! The reports page: which report, checklist, period, kind and page the
//! URL names (`#/reports/ranking?template=…&version=…&period=…&kind=…&page=2`,
//! read and written here so a reload or a link keeps them), what fills in
//! what the URL leaves out, and the report last read.

use std::rc::Rc;

use yew::Reducible;

use crate::api::{ApiError, Checklist, Round, encode};
use crate::api_reports::{FindingsPage, GapPage, Indicators, RankingPage};

/// A tab of the reports page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// 排名.
    #[default]
    Ranking,
    /// 指标: the items most failed.
    Indicators,
    /// 差距: self-assessment against inspection.
    Gap,
    /// 问题整改: the inspections' findings.
    Findings,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 4] = [Tab::Ranking, Tab::Indicators, Tab::Gap, Tab::Findings];

    /// Its name in the URL (and the API's report).
    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Ranking => "ranking",
            Tab::Indicators => "indicators",
            Tab::Gap => "gap",
            Tab::Findings => "findings",
        }
    }

    /// The tab named `s`.
    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the report is over one checklist and period (all but the
    /// findings, which are every inspection's).
    pub fn scoped(self) -> bool {
        self != Tab::Findings
    }

    /// Whether it is of one kind of packet (the ranking and indicators).
    pub fn of_kind(self) -> bool {
        matches!(self, Tab::Ranking | Tab::Indicators)
    }

    /// Whether it comes a page at a time.
    pub fn paged(self) -> bool {
        self != Tab::Indicators
    }
}

/// Whose packets the ranking and indicators are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// The inspectors' (the intake's default).
    #[default]
    Inspection,
    /// The units' own.
    SelfAssessment,
}

impl Kind {
    /// As the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inspection => "inspection",
            Kind::SelfAssessment => "self-assessment",
        }
    }

    /// The kind spelled `s`.
    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Inspection, Kind::SelfAssessment]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What the reports page shows, as its URL names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportsQuery {
    /// The tab.
    pub tab: Tab,
    /// The checklist's id; the first published when none.
    pub template: Option<String>,
    /// Its version; the latest published when none.
    pub version: Option<u32>,
    /// The period; this year when none.
    pub period: Option<String>,
    /// Whose packets (ranking, indicators).
    pub kind: Kind,
    /// The ranking of the units under this one only; every unit when none.
    pub under: Option<String>,
    /// The page, from 1.
    pub page: u64,
}

/// `s` with `%XX` decoded (as [`encode`] writes it); `None` when that is
/// not UTF-8 or a `%` is not followed by two hex digits.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl ReportsQuery {
    /// The query of `rest`, the hash after `#/reports` (`/gap?period=2026`);
    /// what does not read is left at its default.
    pub fn parse(rest: &str) -> ReportsQuery {
        let rest = rest.trim_start_matches('/');
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut out = ReportsQuery {
            tab: Tab::parse(path.trim_end_matches('/')).unwrap_or_default(),
            page: 1,
            ..ReportsQuery::default()
        };
        for pair in query.split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let Some(value) = decode(value).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            match key {
                "template" => out.template = Some(value),
                "version" => out.version = value.parse().ok().filter(|&v| v >= 1),
                "period" => out.period = Some(value),
                "kind" => out.kind = Kind::parse(&value).unwrap_or_default(),
                "under" => out.under = Some(value),
                "page" => out.page = value.parse().ok().filter(|&n| n >= 1).unwrap_or(1),
                _ => {}
            }
        }
        out
    }

    /// The hash after `#/reports` that names this query.
    pub fn rest(&self) -> String {
        let mut params = Vec::new();
        if let Some(template) = &self.template {
            params.push(format!("template={}", encode(template)));
        }
        if let Some(version) = self.version {
            params.push(format!("version={version}"));
        }
        if let Some(period) = &self.period {
            params.push(format!("period={}", encode(period)));
        }
        if self.kind != Kind::default() {
            params.push(format!("kind={}", self.kind.as_str()));
        }
        if let Some(under) = &self.under {
            params.push(format!("under={}", encode(under)));
        }
        if self.page > 1 {
            params.push(format!("page={}", self.page));
        }
        let path = format!("/{}", self.tab.as_str());
        if params.is_empty() {
            path
        } else {
            format!("{path}?{}", params.join("&"))
        }
    }

    /// The query with what it leaves out filled in: with no checklist
    /// named, the latest round's checklist, version, period and kind (what
    /// the office is working on), else the first published checklist at
    /// its latest version (a checklist named without a version, its
    /// latest), and `this_year` as the period. `None` while there is no
    /// checklist for a report over one (the findings are every
    /// inspection's, and need none).
    pub fn filled(
        &self,
        checklists: &[Checklist],
        round: Option<&Round>,
        this_year: &str,
    ) -> Option<ReportsQuery> {
        if let (None, Some(round)) = (&self.template, round) {
            let kind = Kind::parse(&round.kind).unwrap_or_default();
            return Some(ReportsQuery {
                template: Some(round.template_id.clone()),
                version: Some(round.template_version),
                period: Some(self.period.clone().unwrap_or_else(|| round.period.clone())),
                kind: if self.kind == Kind::default() {
                    kind
                } else {
                    self.kind
                },
                page: self.page.max(1),
                ..self.clone()
            });
        }
        let template = match &self.template {
            Some(t) => Some(t.clone()),
            None => checklists.first().map(|c| c.id.clone()),
        };
        if template.is_none() && self.tab.scoped() {
            return None;
        }
        let version = self.version.or_else(|| {
            checklists
                .iter()
                .filter(|c| Some(&c.id) == template.as_ref())
                .map(|c| c.version)
                .max()
        });
        Some(ReportsQuery {
            template,
            version,
            period: Some(self.period.clone().unwrap_or_else(|| this_year.to_owned())),
            page: self.page.max(1),
            ..self.clone()
        })
    }
}

/// A report as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A page of the ranking.
    Ranking(RankingPage),
    /// The indicators.
    Indicators(Indicators),
    /// A page of the gap.
    Gap(GapPage),
    /// A page of the findings.
    Findings(FindingsPage),
}

impl Report {
    /// Its page and pages (1 of 1 when not paged).
    pub fn paging(&self) -> (u64, u64) {
        match self {
            Report::Ranking(p) => (p.page, p.pages),
            Report::Gap(p) => (p.page, p.pages),
            Report::Findings(p) => (p.page, p.pages),
            Report::Indicators(_) => (1, 1),
        }
    }
}

/// What the reports page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reports {
    /// The published checklists, once read.
    pub checklists: Option<Vec<Checklist>>,
    /// The latest round made, if any (read with the checklists).
    pub round: Option<Round>,
    /// The report last read, and the query it answers.
    pub report: Option<(ReportsQuery, Report)>,
    /// Why the last report (or the checklists) could not be read.
    pub error: Option<ApiError>,
    /// A report is being read.
    pub loading: bool,
}

/// What happens on the reports page.
#[derive(Debug, Clone)]
pub enum ReportsAction {
    /// The checklists were read, and the latest round.
    Checklists(Vec<Checklist>, Option<Round>),
    /// A report was asked for.
    Loading,
    /// It was read, for this query.
    Loaded(ReportsQuery, Report),
    /// It (or the checklists) could not be.
    Failed(ApiError),
}

impl Reducible for Reports {
    type Action = ReportsAction;

    fn reduce(self: Rc<Self>, action: ReportsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ReportsAction::Checklists(list, round) => {
                next.checklists = Some(list);
                next.round = round;
            }
            ReportsAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            ReportsAction::Loaded(query, report) => {
                next.report = Some((query, report));
                next.error = None;
                next.loading = false;
            }
            ReportsAction::Failed(e) => {
                next.error = Some(e);
                next.loading = false;
                // A checklist list that cannot be read is an empty one:
                // the page says why rather than waiting for ever.
                next.checklists.get_or_insert_with(Vec::new);
            }
        }
        Rc::new(next)
    }
}

impl Reports {
    /// The report read for `query`, if it is the one shown (one for
    /// another query is kept while the next loads, but not shown as it).
    pub fn for_query(&self, query: &ReportsQuery) -> Option<&Report> {
        self.report
            .as_ref()
            .filter(|(q, _)| q == query)
            .map(|(_, r)| r)
    }

    /// Whether the page's data is all read: the checklists, and the
    /// report asked for (or why it could not be).
    pub fn ready(&self, query: Option<&ReportsQuery>) -> bool {
        if self.checklists.is_none() || self.loading {
            return false;
        }
        match query {
            Some(q) => self.for_query(q).is_some() || self.error.is_some(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_reports::{Indicators, ReportChecklist};

    fn checklist(id: &str, version: u32) -> Checklist {
        Checklist {
            id: id.into(),
            version,
            title: id.into(),
        }
    }

    #[test]
    fn each_query_reads_back_from_its_own_hash() {
        let queries = [
            ReportsQuery {
                page: 1,
                ..ReportsQuery::default()
            },
            ReportsQuery {
                tab: Tab::Gap,
                template: Some("jiandu-zeren".into()),
                version: Some(2),
                period: Some("2026-H2".into()),
                kind: Kind::Inspection,
                under: None,
                page: 4,
            },
            ReportsQuery {
                tab: Tab::Indicators,
                template: Some("清单 a&b".into()),
                version: None,
                period: Some("2026 第一季度".into()),
                kind: Kind::SelfAssessment,
                under: Some("510824-000".into()),
                page: 1,
            },
            ReportsQuery {
                tab: Tab::Findings,
                page: 2,
                ..ReportsQuery::default()
            },
        ];
        for query in queries {
            let rest = query.rest();
            assert_eq!(ReportsQuery::parse(&rest), query, "{rest}");
            // And through the console's route, as a link or a reload reads it.
            let route = crate::route::Route::parse(&format!("#/reports{rest}"));
            assert_eq!(route, crate::route::Route::Reports(rest.clone()));
        }
        assert_eq!(
            ReportsQuery {
                tab: Tab::Ranking,
                template: Some("jiandu-zeren".into()),
                version: Some(2),
                period: Some("2026".into()),
                kind: Kind::SelfAssessment,
                under: None,
                page: 2,
            }
            .rest(),
            "/ranking?template=jiandu-zeren&version=2&period=2026&kind=self-assessment&page=2"
        );
    }

    #[test]
    fn what_does_not_read_is_left_at_its_default() {
        let default = ReportsQuery {
            page: 1,
            ..ReportsQuery::default()
        };
        assert_eq!(ReportsQuery::parse(""), default);
        assert_eq!(
            ReportsQuery::parse("/nowhere?kind=lost&page=0&version=x&period="),
            default
        );
        assert_eq!(
            ReportsQuery::parse("?period=2026").period.as_deref(),
            Some("2026")
        );
        assert_eq!(
            ReportsQuery::parse("/gap?template=%E6%B8%85%ZZ").template,
            None
        );
    }

    #[test]
    fn the_first_checklist_at_its_latest_version_and_this_year_fill_what_is_left_out() {
        let list = [checklist("a", 1), checklist("b", 1), checklist("a", 3)];
        let filled = ReportsQuery::parse("/gap")
            .filled(&list, None, "2026")
            .unwrap();
        assert_eq!(
            (
                filled.template.as_deref(),
                filled.version,
                filled.period.as_deref()
            ),
            (Some("a"), Some(3), Some("2026"))
        );
        assert_eq!(filled.tab, Tab::Gap);
        let named =
            ReportsQuery::parse("/ranking?template=b&period=2025").filled(&list, None, "2026");
        assert_eq!(
            named.map(|q| (q.template, q.version, q.period)),
            Some((Some("b".into()), Some(1), Some("2025".into())))
        );
        assert_eq!(ReportsQuery::default().filled(&[], None, "2026"), None);
        // With a round made, what it covers: its checklist, period and kind.
        let round = Round {
            id: "r1".into(),
            template_id: "b".into(),
            template_version: 1,
            period: "2026-H2".into(),
            kind: "self-assessment".into(),
            deadline: "2027-01-15".into(),
            created_at: String::new(),
            units: 30,
        };
        let of_round = ReportsQuery::parse("/ranking")
            .filled(&list, Some(&round), "2026")
            .unwrap();
        assert_eq!(
            (
                of_round.template,
                of_round.version,
                of_round.period,
                of_round.kind
            ),
            (
                Some("b".into()),
                Some(1),
                Some("2026-H2".into()),
                Kind::SelfAssessment
            )
        );
        // A checklist named is kept.
        let named = ReportsQuery::parse("/ranking?template=a").filled(&list, Some(&round), "2026");
        assert_eq!(named.and_then(|q| q.version), Some(3));
        let findings = ReportsQuery::parse("/findings")
            .filled(&[], None, "2026")
            .unwrap();
        assert_eq!((findings.tab, findings.template), (Tab::Findings, None));
    }

    #[test]
    fn a_report_is_shown_for_its_own_query_only_and_ready_once_read() {
        let query = ReportsQuery::parse("/indicators?template=a&version=1&period=2026");
        let other = ReportsQuery {
            page: 2,
            ..query.clone()
        };
        let indicators = Report::Indicators(Indicators {
            template: ReportChecklist {
                id: "a".into(),
                version: 1,
                title: "A".into(),
            },
            period: "2026".into(),
            kind: "inspection".into(),
            units: 0,
            rows: Vec::new(),
            talks_due: None,
        });
        let state = Rc::new(Reports::default());
        assert!(!state.ready(Some(&query)));
        let state = state
            .reduce(ReportsAction::Checklists(vec![checklist("a", 1)], None))
            .reduce(ReportsAction::Loading);
        assert!(!state.ready(Some(&query)), "still loading");
        let state = state.reduce(ReportsAction::Loaded(query.clone(), indicators.clone()));
        assert!(state.ready(Some(&query)));
        assert_eq!(state.for_query(&query), Some(&indicators));
        assert_eq!(state.for_query(&other), None);
        assert!(
            !state.ready(Some(&other)),
            "another page is not shown as this one"
        );
        let failed = state.reduce(ReportsAction::Failed(ApiError::SignedOut));
        assert!(failed.ready(Some(&other)), "a failure is shown");
        // The checklists unreadable: the page says so rather than waiting.
        let none = Rc::new(Reports::default()).reduce(ReportsAction::Failed(ApiError::SignedOut));
        assert!(none.ready(None));
    }
}
