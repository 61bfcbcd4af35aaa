//! Reports over stored packets — the ranking, indicator failure rates and
//! the self-assessment vs inspection gap — as JSON, CSV, XLSX or a text
//! table. The intake reads the packets back; `qingdan-report` computes.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qingdan_core::packet::PacketKind;
use qingdan_report::Report;
use serde::Deserialize;

use crate::api::{Admin, AppState};
use crate::intake::Intake;
use crate::problem::Problem;

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
    /// Output format (default JSON).
    #[serde(default)]
    pub format: Format,
}

/// A report written out.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Its media type.
    pub content_type: &'static str,
    /// A file name for it.
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Reads the packets a report is over and writes the report.
pub async fn build_report(
    intake: &Intake,
    report: ReportKind,
    query: &ReportQuery,
) -> Result<Rendered, Problem> {
    let store = intake.store();
    let version = match query.version {
        Some(v) => v,
        None => store
            .templates()
            .await
            .map_err(Problem::unavailable)?
            .iter()
            .filter(|t| t.id == query.template)
            .filter_map(|t| u32::try_from(t.version).ok())
            .max()
            .ok_or_else(|| not_published(&query.template, None))?,
    };
    let template = intake
        .template(&query.template, version)
        .await
        .map_err(Problem::unavailable)?
        .ok_or_else(|| not_published(&query.template, Some(version)))?;
    let rows = store
        .report_rows(&query.template, version, &query.period)
        .await
        .map_err(Problem::unavailable)?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let mut packet: serde_json::Value =
            serde_json::from_slice(&row.bytes).map_err(Problem::internal)?;
        let kind = serde_json::from_value(serde_json::Value::String(row.kind.clone()))
            .map_err(Problem::internal)?;
        entries.push(qingdan_report::Entry {
            packet_id: row.id,
            kind,
            unit_code: row.unit_code,
            unit_name: row.unit_name,
            period: query.period.clone(),
            created_at: row.created_at,
            received_at: row.received_at,
            score: packet["payload"]["score"].take(),
        });
    }
    let kind = query.kind.unwrap_or(PacketKind::Inspection);
    let unreadable = |e: qingdan_report::ReportError| Problem::internal(e);
    let (name, (content_type, extension, bytes)) = match report {
        ReportKind::Ranking => (
            "ranking",
            write(
                &qingdan_report::ranking(&template, &query.period, kind, &entries)
                    .map_err(unreadable)?,
                query.format,
            )?,
        ),
        ReportKind::Indicators => (
            "indicators",
            write(
                &qingdan_report::indicators(&template, &query.period, kind, &entries)
                    .map_err(unreadable)?,
                query.format,
            )?,
        ),
        ReportKind::Gap => (
            "gap",
            write(
                &qingdan_report::gap(&template, &query.period, &entries).map_err(unreadable)?,
                query.format,
            )?,
        ),
    };
    let stem = format!("{name}-{}-v{version}-{}", query.template, query.period);
    Ok(Rendered {
        content_type,
        file_name: format!("{stem}.{extension}"),
        bytes,
    })
}

/// A report in one format: its media type, file extension and bytes.
fn write(
    report: &impl Report,
    format: Format,
) -> Result<(&'static str, &'static str, Vec<u8>), Problem> {
    Ok(match format {
        Format::Json => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(report).map_err(Problem::internal)?,
        ),
        Format::Csv => (
            "text/csv; charset=utf-8",
            "csv",
            report.table().to_csv().into_bytes(),
        ),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            report.table().to_xlsx().map_err(Problem::internal)?,
        ),
        Format::Text => (
            "text/plain; charset=utf-8",
            "txt",
            report.table().to_text().into_bytes(),
        ),
    })
}

fn not_published(id: &str, version: Option<u32>) -> Problem {
    let what = version.map_or(id.to_owned(), |v| format!("{id} v{v}"));
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("template: {what} is not published at this intake"),
    )
}

pub(crate) async fn report(
    _: Admin,
    State(state): State<AppState>,
    Path(report): Path<String>,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let report: ReportKind = serde_json::from_value(serde_json::Value::String(report.clone()))
        .map_err(|_| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("no report {report:?}: ranking, indicators or gap"),
            )
        })?;
    let Query(query) =
        query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed", e.body_text()))?;
    let rendered = build_report(&state.intake, report, &query).await?;
    let mut response = (StatusCode::OK, rendered.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendered.content_type),
    );
    if matches!(query.format, Format::Csv | Format::Xlsx)
        && let Ok(value) =
            HeaderValue::from_str(&format!("attachment; filename=\"{}\"", rendered.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
