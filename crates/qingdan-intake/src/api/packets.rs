//! `/packets`: a device's upload, and the admin's listing, download,
//! receipt and score sheet ([`crate::sheet`]).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use qingdan_core::ProblemCode;
use serde::{Deserialize, Serialize};

use super::problem::Problem;
use super::{Admin, AppState, json_text, not_found};
use crate::intake::Submitted;
use crate::store::PacketFilter;

/// `POST` (at most `max_packet_bytes`) and `GET /packets`, `GET /packets/{id}`,
/// its receipt and its sheet.
pub(super) fn routes(max_packet_bytes: usize, max_file_bytes: u64) -> Router<AppState> {
    // One byte more than a file may have: a larger body is refused by the
    // intake's own check, with its limit in the answer.
    let file_body = usize::try_from(max_file_bytes.saturating_add(1)).unwrap_or(usize::MAX);
    Router::new()
        .route(
            "/packets",
            post(upload)
                .get(list)
                .layer(DefaultBodyLimit::max(max_packet_bytes)),
        )
        .route("/packets/{id}", get(download))
        .route("/packets/{id}/receipt", get(receipt))
        .route("/packets/{id}/sheet", get(sheet))
        .route(
            "/packets/{id}/attachments/{sha256}",
            axum::routing::put(put_file)
                .get(get_file)
                .layer(DefaultBodyLimit::max(file_body)),
        )
}

/// `PUT /packets/{id}/attachments/{sha256}`: a file a packet names (or
/// will), sent before or after the packet: 201 when kept now, 200 when
/// kept already; 413 past the limit, 422 when the body is not the file
/// the address names, 415 for a file that is no photo or PDF. Anyone who
/// may send packets may send their files.
async fn put_file(
    State(state): State<AppState>,
    Path((_id, sha256)): Path<(String, String)>,
    body: axum::body::Body,
) -> Result<Response, Problem> {
    // Read only in turn: each body is held whole while it is checked.
    let _turn = state.intake.file_turn().await?;
    let limit = state.intake.file_limits().per_file;
    let read = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let body = axum::body::to_bytes(body, read).await.map_err(|e| {
        if e.to_string().contains("length limit") {
            Problem::from(crate::FileError::TooLarge(limit))
        } else {
            Problem::malformed(format!("the file could not be read: {e}"))
        }
    })?;
    let kept = state
        .intake
        .put_file(&sha256, &body, chrono::Utc::now())
        .await?;
    let status = match kept {
        crate::files::Kept::New => StatusCode::CREATED,
        crate::files::Kept::Already => StatusCode::OK,
    };
    Ok((status, Json(serde_json::json!({"sha256": sha256}))).into_response())
}

/// `GET /packets/{id}/attachments/{sha256}`: a stored packet's file, its
/// exact bytes with its type (admin).
async fn get_file(
    _: Admin,
    State(state): State<AppState>,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let (media_type, bytes) = state.intake.packet_file(&id, &sha256).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media_type),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A device's upload, counted by its outcome for `GET /metrics`.
async fn upload(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let answer = receive(&state, body).await;
    let metrics = state.intake.metrics();
    match &answer {
        Ok(Submitted::Created(_)) => metrics.accepted(),
        Ok(Submitted::Duplicate(_)) => metrics.duplicate(),
        Err(p) if p.status().is_server_error() => metrics.failed(p.code),
        Err(p) => metrics.refused(p.code),
    }
    let (status, receipt) = match answer? {
        Submitted::Created(r) => (StatusCode::CREATED, r),
        Submitted::Duplicate(r) => (StatusCode::OK, r),
    };
    Ok(json_text(status, receipt))
}

async fn receive(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<Submitted, Problem> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(
                ProblemCode::TooLarge,
                format!(
                    "the packet is larger than this intake's limit of {} bytes",
                    state.config().max_packet_bytes
                ),
            )
        } else {
            Problem::malformed(e.body_text())
        }
    })?;
    Ok(state
        .intake
        .submit(bytes.to_vec(), chrono::Utc::now())
        .await?)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(flatten)]
    filter: PacketFilter,
    page: Option<u32>,
    per_page: Option<u32>,
}

#[derive(Debug, Serialize)]
struct PacketPage {
    page: u32,
    per_page: u32,
    total: i64,
    packets: Vec<crate::store::PacketInfo>,
}

async fn list(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PacketPage>, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
    let (packets, total) = state
        .intake
        .store()
        .packets(
            &query.filter,
            i64::from(page - 1) * i64::from(per_page),
            i64::from(per_page),
        )
        .await
        .map_err(Problem::unavailable)?;
    Ok(Json(PacketPage {
        page,
        per_page,
        total,
        packets,
    }))
}

async fn download(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    match state.intake.store().packet_bytes(&id).await {
        Ok(Some(bytes)) => Ok(json_text(StatusCode::OK, bytes)),
        Ok(None) => Err(not_found(format!("no packet with id {id:?}"))),
        Err(e) => Err(Problem::unavailable(e)),
    }
}

/// `GET /packets/{id}/receipt`: the packet as the console shows it — its
/// payload as signed (the score sheet, answers and reasons, findings,
/// signers by their enrolled names) — with the receipt the intake gave.
async fn receipt(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let store = state.intake.store();
    let bytes = store
        .packet_bytes(&id)
        .await
        .map_err(Problem::unavailable)?
        .ok_or_else(|| not_found(format!("no packet with id {id:?}")))?;
    let sha256 = qingdan_core::canonical::sha256_hex_bytes(&bytes);
    let receipt = store
        .receipt_of(&id, &sha256)
        .await
        .map_err(Problem::unavailable)?
        .ok_or_else(|| Problem::internal(format!("packet {id} has no receipt")))?;
    let packet = qingdan_core::Packet::parse(&bytes).map_err(Problem::internal)?;
    let receipt: serde_json::Value = serde_json::from_str(&receipt).map_err(Problem::internal)?;
    Ok(Json(serde_json::json!({
        "payload": packet.payload(),
        "sha256": sha256,
        "size": bytes.len(),
        "receipt": receipt,
    }))
    .into_response())
}

/// `GET /packets/{id}/sheet`: the packet as its score sheet, re-scored by
/// the core with the checklist's words, the signers by their enrolled
/// names, and the receipt (404 `not-found` for an id not stored).
async fn sheet(
    _: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<crate::sheet::PacketSheet>, Problem> {
    Ok(Json(state.intake.packet_sheet(&id).await?))
}

impl From<crate::sheet::SheetError> for Problem {
    fn from(error: crate::sheet::SheetError) -> Problem {
        match error {
            crate::sheet::SheetError::NotFound(_) => not_found(error.to_string()),
            crate::sheet::SheetError::Unavailable(_) => Problem::unavailable(error),
            crate::sheet::SheetError::Internal { .. } => Problem::internal(error),
        }
    }
}
