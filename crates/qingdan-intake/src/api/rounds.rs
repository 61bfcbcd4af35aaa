//! `/rounds`: assessment rounds (考核批次) and their tracker — every unit
//! of a round with where it stands (未提交 / 已提交 / 被拒绝 / 逾期未提交),
//! counts on top, as JSON a page at a time or the whole as XLSX.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use qingdan_core::ProblemCode;
use serde::Deserialize;

use super::problem::Problem;
use super::{Admin, AppState, JsonBody};
use crate::rounds::{NewRound, RoundStatus, UnitState, UnitStatus};

/// `/rounds`, `/rounds/{id}/status`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(list).post(create))
        .route("/rounds/{id}/status", get(status))
}

async fn list(_: Admin, State(state): State<AppState>) -> Result<Response, Problem> {
    Ok(axum::Json(state.intake.rounds().await?).into_response())
}

async fn create(
    admin: Admin,
    State(state): State<AppState>,
    JsonBody(round): JsonBody<NewRound>,
) -> Result<Response, Problem> {
    let made = state
        .intake
        .create_round(&round, &admin.actor, chrono::Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(made)).into_response())
}

/// What the tracker shows.
#[derive(Debug, Deserialize)]
struct StatusQuery {
    /// The day the deadline is judged on, `YYYY-MM-DD` (default today).
    as_of: Option<String>,
    /// Only the units that stand so.
    status: Option<UnitStatus>,
    /// The page, from 1.
    page: Option<u64>,
    /// Units a page (default 100, at most 1000).
    per_page: Option<u64>,
    /// `json` (default) or `xlsx` (every unit the filter keeps).
    format: Option<String>,
}

/// Units read a page at a time for the XLSX.
const XLSX_PAGE: u64 = 1000;

async fn status(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<StatusQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let as_of = match query.as_of.as_deref() {
        None => chrono::Local::now().date_naive(),
        Some(day) => qingdan_core::findings::parse_date(day).ok_or_else(|| {
            Problem::new(
                ProblemCode::Malformed,
                format!("as_of: {day:?} is not a day YYYY-MM-DD"),
            )
        })?,
    };
    let missing = || Problem::new(ProblemCode::NotFound, format!("no round {id:?}"));
    match query.format.as_deref().unwrap_or("json") {
        "json" => {
            let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
            let page = query.page.unwrap_or(1);
            let tracked = state
                .intake
                .round_status(&id, as_of, query.status, page, per_page)
                .await?
                .ok_or_else(missing)?;
            Ok(axum::Json(tracked).into_response())
        }
        "xlsx" => {
            let mut book = qingdan_report::WorkbookWriter::new(true);
            let mut page = 1;
            loop {
                let tracked = state
                    .intake
                    .round_status(&id, as_of, query.status, page, XLSX_PAGE)
                    .await?
                    .ok_or_else(missing)?;
                let table = table(&tracked);
                if page == 1 {
                    book.sheet(&table).map_err(Problem::internal)?;
                }
                book.rows(&table.rows).map_err(Problem::internal)?;
                if page >= tracked.pages {
                    break;
                }
                page += 1;
            }
            let bytes = book.finish().map_err(Problem::internal)?;
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            );
            let name = format!("attachment; filename=\"round-{id}-{as_of}.xlsx\"");
            if let Ok(value) = HeaderValue::from_str(&name) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        }
        other => Err(Problem::malformed(format!(
            "format: {other:?}; json or xlsx"
        ))),
    }
}

/// 状态 as the office reads it.
pub fn status_label(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Missing => "未提交",
        UnitStatus::Submitted => "已提交",
        UnitStatus::Refused => "被拒绝",
        UnitStatus::Overdue => "逾期未提交",
    }
}

/// A page of the tracker as a table (the sheet of its XLSX).
fn table(tracked: &RoundStatus) -> qingdan_report::Table {
    use qingdan_report::{Cell, Row};
    let round = &tracked.round;
    let text = |t: &Option<String>| t.clone().map_or(Cell::Empty, Cell::Text);
    let row = |unit: &UnitState| Row {
        cells: vec![
            unit.code.as_str().into(),
            unit.name.as_str().into(),
            status_label(unit.status).into(),
            text(&unit.received_at),
            unit.total.map_or(Cell::Empty, Cell::Number),
            unit.percentage.map_or(Cell::Empty, Cell::Number),
            text(&unit.grade),
            match (&unit.refused_code, &unit.refused_detail) {
                (Some(code), Some(detail)) => format!("{code}: {detail}").into(),
                _ => Cell::Empty,
            },
        ],
        highlight: matches!(unit.status, UnitStatus::Overdue | UnitStatus::Refused),
    };
    qingdan_report::Table {
        title: format!(
            "{} v{} {} {} 提交情况（截止 {}，截至 {}）",
            round.template_id,
            round.template_version,
            round.period,
            if round.kind == "inspection" {
                "检查考核"
            } else {
                "自查自评"
            },
            round.deadline,
            tracked.as_of
        ),
        sheet: "提交情况".into(),
        headers: [
            "单位代码",
            "单位名称",
            "状态",
            "提交时间",
            "总分",
            "得分率",
            "等级",
            "拒绝原因",
        ]
        .map(String::from)
        .into(),
        rows: tracked.units.iter().map(row).collect(),
    }
}
