//! `/evaluations`: 民主测评. Administrators make an evaluation, its slips
//! (once) and close it; anyone reads an evaluation (the ballot page shows
//! its form), casts a ballot with a slip's code while it is open, and
//! reads the signed result once it is closed, and what closed ones found
//! for a unit's persons.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::problem::Problem;
use super::{Admin, AppState, JsonBody};

/// `/evaluations`, `/evaluations/{id}` and what is under it.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluations", get(list).post(create))
        .route("/evaluations/{id}", get(read))
        .route("/evaluations/{id}/slips", post(slips))
        .route("/evaluations/{id}/ballots", post(cast))
        .route("/evaluations/{id}/close", post(close))
        .route("/evaluations/{id}/result", get(result))
        .route("/evaluation-outcomes", get(outcomes))
}

/// `?unit=CODE[&period=P]`.
#[derive(Debug, Deserialize)]
struct OutcomesQuery {
    unit: String,
    period: Option<String>,
}

/// What closed evaluations found for a unit's persons: published figures,
/// read by anyone (an inspector's app offers them).
async fn outcomes(
    State(state): State<AppState>,
    query: Result<Query<OutcomesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let found = state
        .intake
        .evaluation_outcomes(&query.unit, query.period.as_deref())
        .await?;
    Ok(axum::Json(found).into_response())
}

async fn list(_: Admin, State(state): State<AppState>) -> Result<Response, Problem> {
    Ok(axum::Json(state.intake.evaluations().await?).into_response())
}

/// The evaluation (`qingdan.evaluation/1`) in the body, as JSON.
async fn create(
    admin: Admin,
    State(state): State<AppState>,
    body: String,
) -> Result<Response, Problem> {
    let made = state
        .intake
        .create_evaluation(&body, &admin.actor, chrono::Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(made)).into_response())
}

async fn read(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Problem> {
    Ok(signed_json(state.intake.evaluation_text(&id).await?))
}

/// How the slips are answered.
#[derive(Debug, Deserialize)]
struct SlipsQuery {
    /// `json` (default: each slip's group and code) or `html` (the A4
    /// sheet of slips with their QR codes, to print).
    format: Option<String>,
    /// For `html`: the intake's address as the raters' phones reach it.
    base: Option<String>,
}

/// The slips' codes, made now and never shown again: as JSON, or as the
/// sheet to print (`?format=html&base=https://…`).
async fn slips(
    admin: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<SlipsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let sheet_base = match (query.format.as_deref(), query.base) {
        (None | Some("json"), _) => None,
        (Some("html"), Some(base))
            if base.starts_with("http://") || base.starts_with("https://") =>
        {
            Some(base)
        }
        (Some("html"), _) => {
            return Err(Problem::malformed(
                "base: the sheet needs the intake's address as phones reach it (https://…)",
            ));
        }
        (Some(other), _) => {
            return Err(Problem::malformed(format!(
                "format: {other:?} is neither json nor html"
            )));
        }
    };
    let now = chrono::Utc::now();
    let slips = state.intake.make_slips(&id, &admin.actor, now).await?;
    let Some(base) = sheet_base else {
        return Ok((
            StatusCode::CREATED,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({ "evaluation": id, "slips": slips })),
        )
            .into_response());
    };
    let text = state.intake.evaluation_text(&id).await?;
    let e = qingdan_core::evaluation::Evaluation::parse(&text).map_err(|_| {
        Problem::from(crate::EvaluationError::Internal(format!(
            "evaluation {id} as kept does not read"
        )))
    })?;
    let sheet = crate::slips::ballot_sheet(&e, &slips, &base, &crate::output_time(now));
    Ok((
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        sheet,
    )
        .into_response())
}

/// A ballot: a slip's code and the answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CastBody {
    code: String,
    answers: serde_json::Value,
}

async fn cast(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CastBody>,
) -> Result<Response, Problem> {
    let receipt = state
        .intake
        .cast_ballot(&id, &body.code, &body.answers, chrono::Utc::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(receipt)).into_response())
}

async fn close(
    admin: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let result = state
        .intake
        .close_evaluation(&id, &admin.actor, chrono::Utc::now())
        .await?;
    Ok(signed_json(result))
}

async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    Ok(signed_json(state.intake.evaluation_result(&id).await?))
}

/// JSON text exactly as kept: an evaluation as given, a result as signed.
fn signed_json(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}
