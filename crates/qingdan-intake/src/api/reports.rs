//! `GET /reports/{report}` and `GET /findings`: the reports of
//! [`crate::reports`] as HTTP answers.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qingdan_core::ProblemCode;

use super::problem::Problem;
use super::{Admin, AppState};
use crate::reports::{
    Body, FindingsQuery, Format, Rendered, ReportKind, ReportQuery, build_findings, build_report,
};

/// `GET /reports/{report}` and `GET /findings`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{report}", get(report))
        .route("/findings", get(findings))
}

async fn findings(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<FindingsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(mut query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    // In JSON a page of units at a time, as the ranking is paged.
    if query.format == Format::Json && query.page.is_none() {
        query.page = Some(1);
    }
    let rendered = build_findings(&state.intake, &query).await?;
    Ok(respond(rendered, query.format))
}

async fn report(
    _: Admin,
    State(state): State<AppState>,
    Path(report): Path<String>,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let report: ReportKind = serde_json::from_value(serde_json::Value::String(report.clone()))
        .map_err(|_| {
            Problem::new(
                ProblemCode::NotFound,
                format!("no report {report:?}: ranking, indicators or gap"),
            )
        })?;
    let Query(mut query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    // The ranking and the gap in JSON come a page at a time (a
    // province's are tens of thousands of rows); the whole table is the
    // CSV or XLSX download.
    if matches!(report, ReportKind::Ranking | ReportKind::Gap)
        && query.format == Format::Json
        && query.page.is_none()
    {
        query.page = Some(1);
    }
    let rendered = build_report(&state.intake, report, &query).await?;
    Ok(respond(rendered, query.format))
}

/// A report as an HTTP answer; CSV and XLSX as a file to save.
fn respond(rendered: Rendered, format: Format) -> Response {
    let body = match rendered.body {
        Body::Whole(bytes) => axum::body::Body::from(bytes),
        // A download goes out as it is written; an error met on the way
        // ends the answer unfinished, which the client reports as failed
        // (never as a shorter file).
        Body::Chunks(chunks) => axum::body::Body::from_stream(futures_util::stream::unfold(
            chunks,
            |mut chunks| async move { chunks.recv().await.map(|chunk| (chunk, chunks)) },
        )),
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendered.content_type),
    );
    if matches!(format, Format::Csv | Format::Xlsx)
        && let Ok(value) =
            HeaderValue::from_str(&format!("attachment; filename=\"{}\"", rendered.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
