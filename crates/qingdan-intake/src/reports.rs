//! Reports over stored packets — the ranking, indicator failure rates, the
//! self-assessment vs inspection gap, and the inspections' findings with
//! their rectification — as JSON, CSV, XLSX or a text table. The intake
//! reads what it kept of each packet when it arrived (its summary, each
//! unit's latest, the findings: `store.rs`), never the packets themselves;
//! `qingdan-report` computes.
//!
//! Where a finding stands depends on the day: each report takes `as_of`
//! (`YYYY-MM-DD`), by default today in the intake's time zone. The XLSX of
//! the ranking, indicators and gap carries a second sheet, 问题整改, with the
//! findings of the same checklist and period.

use qingdan_core::Fixed;
use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::PacketKind;
use qingdan_report::{Mark, Report};
use serde::Deserialize;

use crate::errors::ReportError;
use crate::intake::Intake;
use crate::store::RankingScope;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// Units ranked by total, the last-placed flagged (末位).
    Ranking,
    /// Each item's failure rate across units.
    Indicators,
    /// Self-assessment vs inspection total per unit.
    Gap,
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON (the report's fields).
    #[default]
    Json,
    /// CSV, UTF-8 with a BOM (Excel opens it).
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A text table for a terminal.
    Text,
}

/// What a report is over.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportQuery {
    /// Template id.
    pub template: String,
    /// Template version; default the latest published.
    pub version: Option<u32>,
    /// Period, e.g. `2026`.
    pub period: String,
    /// For the ranking and indicators: which packets (default inspection).
    pub kind: Option<PacketKind>,
    /// The day findings are judged on, `YYYY-MM-DD` (default today).
    pub as_of: Option<String>,
    /// Output format (default JSON).
    #[serde(default)]
    pub format: Format,
    /// The ranking in JSON a page at a time: which page, from 1. The API
    /// always pages it (page 1 by default); CSV and XLSX are the whole table.
    pub page: Option<u64>,
    /// Rows a page (default [`PER_PAGE`], at most [`MAX_PER_PAGE`]).
    pub per_page: Option<u64>,
    /// The ranking of the units under this one only (its children,
    /// theirs, …: a county's townships and departments), ranked among
    /// themselves; default every unit. The ranking alone takes it.
    #[serde(default)]
    pub under: Option<String>,
}

/// Rows a page of the ranking by default.
pub const PER_PAGE: u64 = 100;
/// The most rows a page may have.
pub const MAX_PER_PAGE: u64 = 1000;

/// A page of a report (the ranking, the gap): the report's fields with the
/// page's rows, and where the page is.
#[derive(Debug, serde::Serialize)]
pub struct Page<T> {
    /// The report, its rows this page's.
    #[serde(flatten)]
    pub report: T,
    /// This page, from 1.
    pub page: u64,
    /// Rows a page.
    pub per_page: u64,
    /// Rows in the whole report.
    pub total_rows: u64,
    /// Pages in all.
    pub pages: u64,
    /// The unit whose units alone are ranked, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub under: Option<String>,
}

impl<T> Page<T> {
    fn of(report: T, page: u64, per_page: u64, total_rows: i64) -> Page<T> {
        let total_rows = u64::try_from(total_rows).unwrap_or(0);
        Page {
            report,
            page,
            per_page,
            total_rows,
            pages: total_rows.div_ceil(per_page),
            under: None,
        }
    }
}

/// Which findings.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindingsQuery {
    /// One unit's (default every unit's).
    pub unit: Option<String>,
    /// The day findings are judged on, `YYYY-MM-DD` (default today).
    pub as_of: Option<String>,
    /// Output format (default JSON).
    #[serde(default)]
    pub format: Format,
    /// For JSON: this page of units (from 1) instead of all.
    pub page: Option<u64>,
    /// Units a page (default [`PER_PAGE`], at most [`MAX_PER_PAGE`]).
    pub per_page: Option<u64>,
}

/// A page of the findings: the findings of a page of units (those with
/// findings or answers, in code order).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FindingsPage {
    /// The page's units and their findings.
    #[serde(flatten)]
    pub findings: qingdan_report::Findings,
    /// This page, from 1.
    pub page: u64,
    /// Units a page.
    pub per_page: u64,
    /// Units with findings or answers in all.
    pub total_units: u64,
    /// Pages in all.
    pub pages: u64,
}

/// A report written out.
#[derive(Debug)]
pub struct Rendered {
    /// Its media type.
    pub content_type: &'static str,
    /// A file name for it.
    pub file_name: String,
    /// The bytes.
    pub body: Body,
}

/// A report's bytes: whole, or a download that comes a stretch at a time
/// as it is written (ended early by an error, when one is met).
#[derive(Debug)]
pub enum Body {
    /// All of them.
    Whole(Vec<u8>),
    /// In order, as they are written.
    Chunks(tokio::sync::mpsc::Receiver<Result<Vec<u8>, ReportError>>),
}

impl Rendered {
    /// All the bytes, or the error that stopped them.
    pub async fn into_bytes(self) -> Result<Vec<u8>, ReportError> {
        match self.body {
            Body::Whole(bytes) => Ok(bytes),
            Body::Chunks(mut chunks) => {
                let mut bytes = Vec::new();
                while let Some(chunk) = chunks.recv().await {
                    bytes.extend_from_slice(&chunk?);
                }
                Ok(bytes)
            }
        }
    }
}

/// Reads the packets a report is over and writes the report.
pub async fn build_report(
    intake: &Intake,
    report: ReportKind,
    query: &ReportQuery,
) -> Result<Rendered, ReportError> {
    let store = intake.store();
    let version = match query.version {
        Some(v) => v,
        None => store
            .templates()
            .await?
            .iter()
            .filter(|t| t.id == query.template)
            .filter_map(|t| u32::try_from(t.version).ok())
            .max()
            .ok_or_else(|| not_published(&query.template, None))?,
    };
    let template = intake
        .template(&query.template, version)
        .await?
        .ok_or_else(|| not_published(&query.template, Some(version)))?;
    let as_of = as_of(query.as_of.as_deref())?;
    let kind = query.kind.unwrap_or(PacketKind::Inspection);
    if let Some(under) = &query.under {
        if report != ReportKind::Ranking {
            return Err(ReportError::Invalid(
                "under: the ranking alone is read for the units under one; the indicators and \
                 the gap are over every unit"
                    .into(),
            ));
        }
        if store.unit_name(under).await?.is_none() {
            return Err(ReportError::Invalid(format!(
                "under: unit {under:?} is not registered"
            )));
        }
    }
    if let (Format::Json, Some(page)) = (query.format, query.page) {
        let per_page = query.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE);
        let page = page.max(1);
        let (name, bytes) = match report {
            ReportKind::Ranking => (
                format!(
                    "ranking-{}-v{version}-{}-{}",
                    query.template,
                    query.period,
                    kind.as_str()
                ),
                serde_json::to_vec_pretty(
                    &ranking_page(intake, &template, query, kind, as_of, page, per_page).await?,
                ),
            ),
            ReportKind::Gap => (
                format!("gap-{}-v{version}-{}", query.template, query.period),
                serde_json::to_vec_pretty(
                    &gap_page(intake, &template, query, as_of, page, per_page).await?,
                ),
            ),
            ReportKind::Indicators => (String::new(), Ok(Vec::new())),
        };
        if report != ReportKind::Indicators {
            return Ok(Rendered {
                content_type: "application/json",
                file_name: format!("{name}-page{page}.json"),
                body: Body::Whole(bytes.map_err(|e| ReportError::Internal(e.to_string()))?),
            });
        }
    }
    let turn = intake.report_turn().await?;
    // The ranking of the units under one: those units (a county's few
    // hundred), whose rows and findings alone it keeps.
    let under: Option<std::sync::Arc<std::collections::HashSet<String>>> = match &query.under {
        Some(code) => Some(std::sync::Arc::new(
            store.units_under(code).await?.into_iter().collect(),
        )),
        None => None,
    };
    let findings = FindingsScope {
        store: store.clone(),
        scope: Some((query.template.clone(), version, query.period.clone())),
        unit: None,
        among: under.clone(),
        as_of,
        titles: [((query.template.clone(), version), template.clone())].into(),
    };
    let tally = findings.tally().await?;
    let latest = async |kind: PacketKind| -> Result<Vec<qingdan_report::Latest>, ReportError> {
        store
            .latest_rows(&query.template, version, &query.period, kind.as_str())
            .await?
            .into_iter()
            .map(|row| latest_of_row(row, &template))
            .collect()
    };
    let (name, (content_type, extension, body)) = match report {
        ReportKind::Ranking if matches!(query.format, Format::Csv | Format::Xlsx) => (
            "ranking",
            ranking_download(intake, template.clone(), query, kind, tally, findings, turn).await?,
        ),
        ReportKind::Ranking => (
            "ranking",
            write(
                &qingdan_report::ranking_of(
                    &template,
                    &query.period,
                    kind,
                    store
                        .latest_rows(&query.template, version, &query.period, kind.as_str())
                        .await?
                        .into_iter()
                        .filter(|row| under.as_ref().is_none_or(|u| u.contains(&row.unit_code)))
                        .map(|row| latest_of_row(row, &template))
                        .collect::<Result<Vec<_>, _>>()?,
                )
                .with_findings(&tally)
                .with_talks(&talks_in(store, &query.period).await?),
                query.format,
            )?,
        ),
        ReportKind::Indicators => {
            let indicators = qingdan_report::indicators_of_tally(
                &template,
                &query.period,
                kind,
                &tally_items(store, &template, &query.period, kind).await?,
            )
            .with_findings(&tally)
            .with_talks(u64::try_from(store.talks_due(&query.period).await?).unwrap_or_default());
            (
                "indicators",
                if query.format == Format::Xlsx {
                    write_apart(Format::Xlsx, turn, move |mut file| {
                        file.add(&indicators.table())?;
                        file.finish(Some(&findings))
                    })
                } else {
                    write(&indicators, query.format)?
                },
            )
        }
        ReportKind::Gap if matches!(query.format, Format::Csv | Format::Xlsx) => (
            "gap",
            gap_download(intake, template.clone(), query, tally, findings, turn)?,
        ),
        ReportKind::Gap => (
            "gap",
            write(
                &qingdan_report::gap_of(
                    &template,
                    &query.period,
                    &latest(PacketKind::SelfAssessment).await?,
                    &latest(PacketKind::Inspection).await?,
                )
                .with_findings(&tally),
                query.format,
            )?,
        ),
    };
    let stem = match report {
        ReportKind::Gap => format!("{name}-{}-v{version}-{}", query.template, query.period),
        _ => format!(
            "{name}-{}-v{version}-{}-{}{}",
            query.template,
            query.period,
            kind.as_str(),
            query
                .under
                .as_ref()
                .map(|u| format!("-under-{u}"))
                .unwrap_or_default()
        ),
    };
    Ok(Rendered {
        content_type,
        file_name: format!("{stem}.{extension}"),
        body,
    })
}

/// One page of the ranking, read by the index of each unit's latest packet
/// (its standing): the rows of the page, the rank of the first from the
/// count of those above it, 末位 from the lowest standing, and the
/// findings of the page's units only.
async fn ranking_page(
    intake: &Intake,
    template: &qingdan_core::Template,
    query: &ReportQuery,
    kind: PacketKind,
    as_of: chrono::NaiveDate,
    page: u64,
    per_page: u64,
) -> Result<Page<qingdan_report::Ranking>, ReportError> {
    let store = intake.store();
    let scope = RankingScope {
        template_id: &query.template,
        version: template.version(),
        period: &query.period,
        kind: kind.as_str(),
        under: query.under.as_deref(),
    };
    let offset = (page - 1).saturating_mul(per_page);
    let Stretch {
        latest,
        total_rows,
        above,
        lowest,
    } = stretch(store, scope, template, offset, per_page).await?;
    let tally = units_tally(
        store,
        template,
        &query.period,
        as_of,
        latest.iter().map(|row| row.unit_code.as_str()),
    )
    .await?;
    let talks = talks_in(store, &query.period).await?;
    let ranking = qingdan_report::ranking_page(
        template,
        &query.period,
        kind,
        latest,
        usize::try_from(offset).unwrap_or(usize::MAX),
        above,
        lowest,
    )
    .with_findings(&tally)
    .with_talks(&talks);
    Ok(Page {
        under: query.under.clone(),
        ..Page::of(ranking, page, per_page, total_rows)
    })
}

/// A person due a talk, as the reports show them.
fn talk_of(row: crate::store::OutcomeRow) -> qingdan_report::Talk {
    qingdan_report::Talk {
        satisfaction: row.satisfaction.and_then(|s| s.parse().ok()),
        unit_code: row.unit_code,
        name: row.name,
        post: row.post,
        evaluation: row.evaluation_id,
    }
}

/// Every person the evaluations of `period` found due a talk, in the
/// byte order of their unit codes that `Ranking::with_talks` searches (a
/// database's collation may order them otherwise).
async fn talks_in(
    store: &crate::store::Store,
    period: &str,
) -> Result<Vec<qingdan_report::Talk>, ReportError> {
    let mut talks: Vec<_> = store
        .talks_in(period)
        .await?
        .into_iter()
        .map(talk_of)
        .collect();
    talks.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    Ok(talks)
}

/// What the findings of some units (a page's), in one checklist and
/// period, count for the page's rows; each unit's read by the index.
async fn units_tally(
    store: &crate::store::Store,
    template: &qingdan_core::Template,
    period: &str,
    as_of: chrono::NaiveDate,
    units: impl Iterator<Item = &str>,
) -> Result<qingdan_report::FindingTally, ReportError> {
    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for unit in units {
        if seen.insert(unit.to_owned()) {
            for row in store
                .findings_rows(
                    Some((template.id(), template.version(), period)),
                    Some((unit, unit)),
                )
                .await?
            {
                entries.push(findings_entry(row)?);
            }
        }
    }
    // Counts only: the items' titles are not needed.
    Ok(qingdan_report::findings(&entries, as_of, |_, _, _| None).tally())
}

/// One page of the gap, in the gap's order as the database sorts it, with
/// the findings of the page's units.
async fn gap_page(
    intake: &Intake,
    template: &qingdan_core::Template,
    query: &ReportQuery,
    as_of: chrono::NaiveDate,
    page: u64,
    per_page: u64,
) -> Result<Page<qingdan_report::Gap>, ReportError> {
    let store = intake.store();
    let offset = (page - 1).saturating_mul(per_page);
    let (rows, total_rows) = store
        .gap_page(
            (&query.template, template.version(), &query.period),
            i64::try_from(offset).unwrap_or(i64::MAX),
            i64::try_from(per_page).unwrap_or(i64::MAX),
        )
        .await?;
    let tally = units_tally(
        store,
        template,
        &query.period,
        as_of,
        rows.iter().map(|row| row.unit_code.as_str()),
    )
    .await?;
    let gap = qingdan_report::gap_page(
        template,
        &query.period,
        rows.into_iter().map(gap_row_of).collect(),
    )
    .with_findings(&tally);
    Ok(Page::of(gap, page, per_page, total_rows))
}

/// A unit's two sides of the gap as the intake keeps them.
fn gap_row_of(row: crate::store::GapPairRow) -> qingdan_report::GapRow {
    let subject = |post: Option<String>| {
        (!row.subject_name.is_empty()).then(|| qingdan_core::packet::Subject {
            name: row.subject_name.clone(),
            post: post.unwrap_or_default(),
        })
    };
    let side = |packet: Option<String>,
                received_at: Option<String>,
                total: Option<i64>,
                percentage: Option<i64>,
                post: Option<String>| {
        Some(qingdan_report::GapSide {
            packet_id: packet?,
            received_at: received_at.unwrap_or_default(),
            total: Fixed::from_hundredths(total.unwrap_or_default()),
            percentage: percentage.map(Fixed::from_hundredths),
            subject: subject(post),
        })
    };
    let own = side(
        row.own_packet,
        row.own_received_at,
        row.own_total,
        row.own_percentage,
        row.own_post,
    );
    let inspected = side(
        row.inspected_packet,
        row.inspected_received_at,
        row.inspected_total,
        row.inspected_percentage,
        row.inspected_post,
    );
    qingdan_report::gap_row(row.unit_code, row.unit_name, own, inspected)
}

/// A stretch of the ranking as the index gives it.
struct Stretch {
    /// Its rows, in ranking order.
    latest: Vec<qingdan_report::Latest>,
    /// Rows in the whole ranking.
    total_rows: i64,
    /// Rows of the whole ranking standing above its first.
    above: usize,
    /// The lowest standing of the whole ranking, and its rank.
    lowest: Option<(qingdan_report::Standing, usize)>,
}

/// How each item fared in the latest packets of `kind`, read a stretch of
/// units at a time: the counts are all that is kept.
async fn tally_items(
    store: &crate::store::Store,
    template: &qingdan_core::Template,
    period: &str,
    kind: PacketKind,
) -> Result<qingdan_report::ItemTally, ReportError> {
    let scope = (template.id(), template.version(), period, kind.as_str());
    let mut tally = qingdan_report::ItemTally::new(template);
    let items_count = template.items().count();
    let mut marks = Vec::new();
    let mut after = None;
    loop {
        let rows = store
            .latest_items(scope, after.as_ref(), DOWNLOAD_PAGE)
            .await?;
        let count = rows.len();
        for (unit, subject, items) in rows {
            marks.clear();
            for letter in items.chars() {
                marks.push(Mark::of_letter(letter).ok_or_else(|| {
                    ReportError::Internal(format!("unit {unit}: its stored summary: items"))
                })?);
            }
            if marks.len() != items_count {
                return Err(ReportError::Internal(format!(
                    "unit {unit}: its stored summary does not fit the checklist"
                )));
            }
            tally.add(&marks);
            after = Some((unit, subject));
        }
        if i64::try_from(count).unwrap_or(i64::MAX) < DOWNLOAD_PAGE {
            return Ok(tally);
        }
    }
}

/// `limit` rows of the ranking from `offset`, with what ranks them.
async fn stretch(
    store: &crate::store::Store,
    scope: RankingScope<'_>,
    template: &qingdan_core::Template,
    offset: u64,
    limit: u64,
) -> Result<Stretch, ReportError> {
    let at = i64::try_from(offset).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let (rows, total_rows) = store.latest_page(scope, at, limit).await?;
    let above = match rows.first() {
        Some(first) => store.above(scope, first.percentage, first.total).await?,
        None => 0,
    };
    Ok(Stretch {
        latest: rows
            .into_iter()
            .map(|row| latest_of_row(row, template))
            .collect::<Result<Vec<_>, _>>()?,
        total_rows,
        above: usize::try_from(above).unwrap_or(usize::MAX),
        lowest: lowest(store, scope).await?,
    })
}

/// The lowest standing of a ranking, and its rank (for 末位).
async fn lowest(
    store: &crate::store::Store,
    scope: RankingScope<'_>,
) -> Result<Option<(qingdan_report::Standing, usize)>, ReportError> {
    let Some((standing, total)) = store.lowest(scope).await? else {
        return Ok(None);
    };
    let above = store.above(scope, standing, total).await?;
    Ok(Some((
        (
            standing.map(Fixed::from_hundredths),
            Fixed::from_hundredths(total),
        ),
        usize::try_from(above).unwrap_or(usize::MAX) + 1,
    )))
}

/// Rows of the ranking read and written at a time by a download. Small in
/// debug builds, so that the tests' rankings of a few hundred units cross
/// several of them.
const DOWNLOAD_PAGE: i64 = if cfg!(debug_assertions) { 128 } else { 2000 };

/// The whole ranking as CSV or XLSX (with its findings sheet), read by the
/// index in ranking order a stretch at a time, each stretch after the
/// last row of the one before, and written as it is read: the rows are
/// never all in memory, in the report, in the file or in the answer. The
/// next stretch is read while the last is written, on a thread of its
/// own (writing is the work of seconds: the server's other requests go
/// on); the file's bytes go out as they are written. A reader that goes
/// away stops both.
async fn ranking_download(
    intake: &Intake,
    template: std::sync::Arc<qingdan_core::Template>,
    query: &ReportQuery,
    kind: PacketKind,
    tally: qingdan_report::FindingTally,
    findings: FindingsScope,
    turn: tokio::sync::OwnedSemaphorePermit,
) -> Result<(&'static str, &'static str, Body), ReportError> {
    let store = intake.store().clone();
    let (id, version, period, under) = (
        query.template.clone(),
        template.version(),
        query.period.clone(),
        query.under.clone(),
    );
    let scope = RankingScope {
        template_id: &id,
        version,
        period: &period,
        kind: kind.as_str(),
        under: under.as_deref(),
    };
    let lowest = lowest(&store, scope).await?;
    let talks = talks_in(&store, &period).await?;
    let (stretches, mut arriving) = tokio::sync::mpsc::channel(1);
    let format = query.format;
    let heading = period.clone();
    let chunks = write_apart(format, turn, move |file| {
        let mut download =
            RankingDownload::new(&template, heading, kind, lowest, (&tally, &talks), file);
        while let Some(rows) = arriving.blocking_recv() {
            download.add(rows?)?;
        }
        download.file.finish(Some(&findings))
    });
    tokio::spawn(async move {
        let scope = RankingScope {
            template_id: &id,
            version,
            period: &period,
            kind: kind.as_str(),
            under: under.as_deref(),
        };
        let mut after = None;
        loop {
            let rows = store
                .latest_after(scope, after.as_ref(), DOWNLOAD_PAGE)
                .await
                .map_err(ReportError::from);
            let last = match &rows {
                Ok(rows) if i64::try_from(rows.len()).unwrap_or(i64::MAX) == DOWNLOAD_PAGE => {
                    rows.last().cloned()
                }
                _ => None,
            };
            // A writer that has stopped has failed or lost its reader.
            if stretches.send(rows).await.is_err() || last.is_none() {
                break;
            }
            after = last;
        }
    });
    Ok(chunks)
}

/// Where a download's bytes go: to the answer, in order.
type Out = tokio::sync::mpsc::Sender<Result<Vec<u8>, ReportError>>;

/// The reader of a download has gone: nothing more is written.
fn gone() -> ReportError {
    ReportError::Internal("the download's reader has gone".into())
}

/// Bytes written to a download's answer in pieces of [`CHUNK`].
struct Chunked<'a> {
    out: &'a Out,
    buffer: Vec<u8>,
}

/// Bytes of a download sent at a time.
const CHUNK: usize = 256 * 1024;

impl std::io::Write for Chunked<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buffer.is_empty() {
            self.out
                .blocking_send(Ok(std::mem::take(&mut self.buffer)))
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        }
        Ok(())
    }
}

impl Drop for Chunked<'_> {
    fn drop(&mut self) {
        use std::io::Write as _;
        let _ = self.flush();
    }
}

/// Units (persons) of the gap read and written at a time by a download:
/// each stretch is sorted by the database from all (the gap's order has no
/// index), so stretches are long. Short in debug builds, so that the
/// tests' gaps cross several.
const GAP_STRETCH: i64 = if cfg!(debug_assertions) { 128 } else { 20_000 };

/// The whole gap as CSV or XLSX (with its findings sheet), read in the
/// gap's order a stretch at a time and written as it is read, on a thread
/// of its own; the file's bytes go out as they are written.
fn gap_download(
    intake: &Intake,
    template: std::sync::Arc<qingdan_core::Template>,
    query: &ReportQuery,
    tally: qingdan_report::FindingTally,
    findings: FindingsScope,
    turn: tokio::sync::OwnedSemaphorePermit,
) -> Result<(&'static str, &'static str, Body), ReportError> {
    let store = intake.store().clone();
    let (id, period) = (query.template.clone(), query.period.clone());
    let runtime = tokio::runtime::Handle::current();
    Ok(write_apart(query.format, turn, move |mut file| {
        let scope = (id.as_str(), template.version(), period.as_str());
        let mut offset = 0;
        loop {
            let (rows, _) = runtime.block_on(store.gap_page(scope, offset, GAP_STRETCH))?;
            let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            file.add(
                &qingdan_report::gap_page(
                    &template,
                    &period,
                    rows.into_iter().map(gap_row_of).collect(),
                )
                .with_findings(&tally)
                .table(),
            )?;
            offset += count;
            if count < GAP_STRETCH {
                return file.finish(Some(&findings));
            }
        }
    }))
}

/// Writes a download on a blocking thread of its own with `write`, which
/// is given the file to write to; answers its media type, extension and
/// body at once. The bytes go out as they are written, an error after
/// them; the report's turn is held until the file is done.
fn write_apart(
    format: Format,
    turn: tokio::sync::OwnedSemaphorePermit,
    write: impl FnOnce(TableFile) -> Result<(), ReportError> + Send + 'static,
) -> (&'static str, &'static str, Body) {
    let (out, chunks) = tokio::sync::mpsc::channel(4);
    let file = TableFile {
        format,
        book: qingdan_report::WorkbookWriter::new(true),
        out: out.clone(),
        started: false,
        runtime: tokio::runtime::Handle::current(),
    };
    tokio::task::spawn_blocking(move || {
        if let Err(e) = write(file) {
            // Nobody to tell when the reader has gone.
            let _ = out.blocking_send(Err(e));
        }
        drop(turn);
    });
    match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv", Body::Chunks(chunks)),
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            Body::Chunks(chunks),
        ),
    }
}

/// A report's table written out as CSV or XLSX a stretch of rows at a
/// time: the CSV sent as each stretch is written, the workbook when it is
/// finished.
struct TableFile {
    format: Format,
    book: qingdan_report::WorkbookWriter,
    out: Out,
    /// Whether the sheet's headers are written.
    started: bool,
    /// Where the findings sheet is read from the store.
    runtime: tokio::runtime::Handle,
}

impl TableFile {
    /// Writes a stretch of the table's rows (its headers before the first).
    fn add(&mut self, table: &qingdan_report::Table) -> Result<(), ReportError> {
        if self.format == Format::Csv {
            let mut csv = String::new();
            if !self.started {
                csv.push_str(&table.csv_head());
            }
            csv.push_str(&qingdan_report::csv_rows(&table.rows));
            self.out
                .blocking_send(Ok(csv.into_bytes()))
                .map_err(|_| gone())?;
        } else {
            if !self.started {
                self.book.sheet(table).map_err(xlsx_failed)?;
            }
            self.book.rows(&table.rows).map_err(xlsx_failed)?;
        }
        self.started = true;
        Ok(())
    }

    /// Ends the file: the workbook, with `findings` as a sheet after the
    /// report's (read and written a stretch of units at a time), packed
    /// straight into the answer.
    fn finish(mut self, findings: Option<&FindingsScope>) -> Result<(), ReportError> {
        if self.format == Format::Csv {
            return Ok(());
        }
        if let Some(findings) = findings {
            self.started = false;
            let runtime = self.runtime.clone();
            let mut after = String::new();
            while let Some((stretch, last)) =
                runtime.block_on(findings.stretch(&after, 0, FINDING_UNITS))?
            {
                self.add(&stretch.table())?;
                after = last;
            }
            if !self.started {
                self.add(&findings.none().table())?;
            }
        }
        let mut to = Chunked {
            out: &self.out,
            buffer: Vec::with_capacity(CHUNK),
        };
        self.book.finish_to(&mut to).map_err(xlsx_failed)?;
        use std::io::Write as _;
        to.flush().map_err(|_| gone())
    }
}

/// The ranking being written as CSV or XLSX, a stretch at a time.
struct RankingDownload<'a> {
    template: &'a qingdan_core::Template,
    period: String,
    kind: PacketKind,
    lowest: Option<(qingdan_report::Standing, usize)>,
    findings: &'a qingdan_report::FindingTally,
    talks: &'a [qingdan_report::Talk],
    file: TableFile,
    /// Rows written.
    offset: usize,
    /// The last row written: its standing and rank.
    last: Option<(qingdan_report::Standing, usize)>,
}

impl<'a> RankingDownload<'a> {
    fn new(
        template: &'a qingdan_core::Template,
        period: String,
        kind: PacketKind,
        lowest: Option<(qingdan_report::Standing, usize)>,
        (findings, talks): (&'a qingdan_report::FindingTally, &'a [qingdan_report::Talk]),
        file: TableFile,
    ) -> Self {
        RankingDownload {
            template,
            period,
            kind,
            lowest,
            findings,
            talks,
            file,
            offset: 0,
            last: None,
        }
    }

    /// Writes the next stretch of rows. Its first rank follows from the
    /// last row written: shared when they tie.
    fn add(&mut self, rows: Vec<crate::store::LatestRow>) -> Result<(), ReportError> {
        let count = rows.len();
        let latest = rows
            .into_iter()
            .map(|row| latest_of_row(row, self.template))
            .collect::<Result<Vec<_>, _>>()?;
        let above = match (latest.first(), self.last) {
            (Some(first), Some((standing, rank)))
                if (first.summary.percentage, first.summary.total) == standing =>
            {
                rank - 1
            }
            _ => self.offset,
        };
        let ranking = qingdan_report::ranking_page(
            self.template,
            &self.period,
            self.kind,
            latest,
            self.offset,
            above,
            self.lowest,
        )
        .with_findings(self.findings)
        .with_talks(self.talks);
        self.last = ranking
            .rows
            .last()
            .map(|row| ((row.percentage, row.total), row.rank))
            .or(self.last);
        self.file.add(&ranking.table())?;
        self.offset += count;
        Ok(())
    }
}

fn xlsx_failed(e: qingdan_report::XlsxError) -> ReportError {
    ReportError::Internal(e.to_string())
}

/// Every finding of one unit or all, as it stands on `as_of`: in JSON a
/// page of units at a time (or all, without a page), as CSV or XLSX read
/// and written a stretch of units at a time.
pub async fn build_findings(
    intake: &Intake,
    query: &FindingsQuery,
) -> Result<Rendered, ReportError> {
    let as_of = as_of(query.as_of.as_deref())?;
    let store = intake.store();
    let mut titles = Titles::new();
    for (id, version) in store.finding_templates().await? {
        let Ok(version) = u32::try_from(version) else {
            continue;
        };
        if let Some(template) = intake.template(&id, version).await? {
            titles.insert((id, version), template);
        }
    }
    let findings = FindingsScope {
        store: store.clone(),
        scope: None,
        unit: query.unit.clone(),
        among: None,
        as_of,
        titles,
    };
    let scope = query.unit.as_deref().unwrap_or("all");
    let day = as_of.format("%Y-%m-%d");
    if let (Format::Json, Some(page)) = (query.format, query.page) {
        let per_page = query.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE);
        let page = page.max(1);
        let offset = i64::try_from((page - 1).saturating_mul(per_page)).unwrap_or(i64::MAX);
        let limit = i64::try_from(per_page).unwrap_or(i64::MAX);
        let units = findings.stretch("", offset, limit).await?;
        let total_units = u64::try_from(findings.unit_count().await?).unwrap_or(0);
        let answer = FindingsPage {
            findings: units.map_or_else(|| findings.none(), |(f, _)| f),
            page,
            per_page,
            total_units,
            pages: total_units.div_ceil(per_page),
        };
        return Ok(Rendered {
            content_type: "application/json",
            file_name: format!("findings-{scope}-{day}-page{page}.json"),
            body: Body::Whole(
                serde_json::to_vec_pretty(&answer)
                    .map_err(|e| ReportError::Internal(e.to_string()))?,
            ),
        });
    }
    let turn = intake.report_turn().await?;
    let (content_type, extension, body) = match query.format {
        Format::Csv | Format::Xlsx => write_apart(query.format, turn, move |mut file| {
            let runtime = file.runtime.clone();
            let mut after = String::new();
            while let Some((stretch, last)) =
                runtime.block_on(findings.stretch(&after, 0, FINDING_UNITS))?
            {
                file.add(&stretch.table())?;
                after = last;
            }
            if !file.started {
                file.add(&findings.none().table())?;
            }
            file.finish(None)
        }),
        _ => {
            let all = findings
                .stretch("", 0, i64::MAX)
                .await?
                .map_or_else(|| findings.none(), |(f, _)| f);
            write(&all, query.format)?
        }
    };
    Ok(Rendered {
        content_type,
        file_name: format!("findings-{scope}-{day}.{extension}"),
        body,
    })
}

/// Units whose findings are read and written at a time. Few in debug
/// builds, so that the tests' downloads cross several stretches.
const FINDING_UNITS: i64 = if cfg!(debug_assertions) { 64 } else { 2000 };

/// The checklists findings are on, by id and version: they name the items.
type Titles = std::collections::HashMap<(String, u32), std::sync::Arc<qingdan_core::Template>>;

/// Which findings a report reads, a stretch of units at a time: those of a
/// checklist and period or all, of one unit or all, as they stand on a day.
#[derive(Clone)]
struct FindingsScope {
    store: crate::store::Store,
    scope: Option<(String, u32, String)>,
    unit: Option<String>,
    /// Only these units' findings, when given (a ranking's under a unit).
    among: Option<std::sync::Arc<std::collections::HashSet<String>>>,
    as_of: chrono::NaiveDate,
    titles: Titles,
}

impl FindingsScope {
    fn scope(&self) -> Option<(&str, u32, &str)> {
        self.scope
            .as_ref()
            .map(|(id, version, period)| (id.as_str(), *version, period.as_str()))
    }

    /// The findings of up to `limit` units after unit `after` ("": from
    /// the first), skipping `offset` units, with the last unit's code; none
    /// when no unit is left.
    async fn stretch(
        &self,
        after: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Option<(qingdan_report::Findings, String)>, ReportError> {
        let units = match &self.unit {
            Some(unit) if unit.as_str() > after && offset == 0 && limit > 0 => vec![unit.clone()],
            Some(_) => Vec::new(),
            None => {
                self.store
                    .finding_units(self.scope(), after, offset, limit)
                    .await?
            }
        };
        let (Some(first), Some(last)) = (units.first(), units.last()) else {
            return Ok(None);
        };
        let mut entries = findings_entries(
            self.store
                .findings_rows(self.scope(), Some((first, last)))
                .await?,
        )?;
        if let Some(among) = &self.among {
            entries.retain(|e| among.contains(&e.unit_code));
        }
        let findings = qingdan_report::findings(&entries, self.as_of, |id, version, item| {
            let template = self.titles.get(&(id.to_owned(), version))?;
            template.item(item).map(|i| i.title.zh.clone())
        });
        Ok(Some((findings, last.clone())))
    }

    /// How many units have findings or answers.
    async fn unit_count(&self) -> Result<i64, ReportError> {
        Ok(match &self.unit {
            Some(_) => i64::from(self.stretch("", 0, 1).await?.is_some()),
            None => self.store.finding_unit_count(self.scope()).await?,
        })
    }

    /// What the other reports count of them, read a stretch at a time.
    async fn tally(&self) -> Result<qingdan_report::FindingTally, ReportError> {
        let mut tally = qingdan_report::FindingTally::default();
        let mut after = String::new();
        while let Some((stretch, last)) = self.stretch(&after, 0, FINDING_UNITS).await? {
            tally.add(&stretch);
            after = last;
        }
        Ok(tally)
    }

    /// No findings, on its day.
    fn none(&self) -> qingdan_report::Findings {
        qingdan_report::Findings {
            as_of: self.as_of.format("%Y-%m-%d").to_string(),
            units: Vec::new(),
            rows: Vec::new(),
        }
    }
}

/// A unit's latest packet as the intake keeps it, read back against the
/// checklist it answers (`template`: its sections and items give the
/// figures' count).
fn latest_of_row(
    row: crate::store::LatestRow,
    template: &qingdan_core::Template,
) -> Result<qingdan_report::Latest, ReportError> {
    let bad = |what: &str| {
        ReportError::Internal(format!(
            "packet {}: its stored summary: {what}",
            row.packet_id
        ))
    };
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let sections = if row.sections.is_empty() {
        Vec::new()
    } else {
        row.sections
            .split(',')
            .map(|n| n.parse().map(Fixed::from_hundredths))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| bad("sections"))?
    };
    let items = row
        .items
        .chars()
        .map(Mark::of_letter)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("items"))?;
    if sections.len() != template.doc().sections.len() || items.len() != template.items().count() {
        return Err(bad("does not fit the checklist"));
    }
    Ok(qingdan_report::Latest {
        subject: (!row.subject_name.is_empty()).then(|| qingdan_core::packet::Subject {
            name: row.subject_name.clone(),
            post: row.subject_post.clone(),
        }),
        summary: qingdan_report::Summary {
            total: Fixed::from_hundredths(row.total),
            max: Fixed::from_hundredths(row.max),
            percentage: row.percentage.map(Fixed::from_hundredths),
            grade: row.grade,
            failed_by_veto: row.failed_by_veto,
            vetoes: lines(&row.vetoes),
            sections,
            items,
        },
        signers: lines(&row.signers),
        packet_id: row.packet_id,
        unit_code: row.unit_code,
        unit_name: row.unit_name,
        received_at: row.received_at,
    })
}

/// The findings report's entries of `rows`, in a list of their exact size
/// (there may be tens of thousands).
fn findings_entries(
    rows: Vec<crate::store::FindingsRow>,
) -> Result<Vec<qingdan_report::Entry>, ReportError> {
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        entries.push(findings_entry(row)?);
    }
    Ok(entries)
}

/// An inspection's findings or a rectification's answers as the findings
/// report reads them.
fn findings_entry(row: crate::store::FindingsRow) -> Result<qingdan_report::Entry, ReportError> {
    let internal =
        |e: &dyn std::fmt::Display| ReportError::Internal(format!("packet {}: {e}", row.packet_id));
    let kind = match row.kind.as_str() {
        "inspection" => PacketKind::Inspection,
        "rectification" => PacketKind::Rectification,
        "self-assessment" => PacketKind::SelfAssessment,
        other => return Err(internal(&format!("kind {other:?}"))),
    };
    let findings: Vec<Finding> = serde_json::from_str(&row.findings).map_err(|e| internal(&e))?;
    let rectifications: Vec<Rectification> =
        serde_json::from_str(&row.rectifications).map_err(|e| internal(&e))?;
    let template_version = u32::try_from(row.template_version).map_err(|e| internal(&e))?;
    Ok(qingdan_report::Entry {
        packet_id: row.packet_id,
        kind,
        unit_code: row.unit_code,
        unit_name: row.unit_name,
        subject: None,
        template_id: row.template_id,
        template_version,
        period: row.period,
        created_at: row.created_at,
        received_at: row.received_at,
        sheet: None,
        findings,
        rectifications,
        refers_to: row.refers_to,
        signers: Vec::new(),
    })
}

/// The day asked for, or today in the intake's time zone.
fn as_of(day: Option<&str>) -> Result<chrono::NaiveDate, ReportError> {
    match day {
        None => Ok(chrono::Local::now().date_naive()),
        Some(day) => qingdan_core::findings::parse_date(day)
            .ok_or_else(|| ReportError::BadDate(day.to_owned())),
    }
}

/// A report in one format, whole: its media type, file extension and bytes.
fn write(
    report: &impl Report,
    format: Format,
) -> Result<(&'static str, &'static str, Body), ReportError> {
    let (content_type, extension, bytes) = match format {
        Format::Json => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(report).map_err(|e| ReportError::Internal(e.to_string()))?,
        ),
        Format::Csv => (
            "text/csv; charset=utf-8",
            "csv",
            report.table().to_csv().into_bytes(),
        ),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            qingdan_report::titled_workbook(&[report.table()])
                .map_err(|e| ReportError::Internal(e.to_string()))?,
        ),
        Format::Text => (
            "text/plain; charset=utf-8",
            "txt",
            report.table().to_text().into_bytes(),
        ),
    };
    Ok((content_type, extension, Body::Whole(bytes)))
}

fn not_published(id: &str, version: Option<u32>) -> ReportError {
    ReportError::NotPublished(version.map_or(id.to_owned(), |v| format!("{id} v{v}")))
}
