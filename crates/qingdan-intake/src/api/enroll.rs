//! Units, keys and enrollment: the admin registers units, enrolls keys,
//! issues one-time codes and revokes keys; a device redeems a code and
//! asks what the intake holds about its key and about a unit code.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::problem::Problem;
use super::{Admin, AppState, JsonBody, created};
use crate::errors::AdminError;
use crate::now;
use crate::store::Redeem;

/// `/units`, `/units/import`, `/units/{code}`, `/units/{code}/keys`,
/// `/enrollment-codes`, `/enrollments`, `/revocations`, `/keys/{public_key}`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(list_units).post(add_unit))
        .route(
            "/units/import",
            post(import_units).layer(DefaultBodyLimit::max(IMPORT_BYTES)),
        )
        .route("/units/{code}", get(unit).put(edit_unit))
        .route("/units/{code}/keys", post(enroll_key))
        .route("/enrollment-codes", get(list_codes).post(issue_code))
        .route(
            "/enrollment-codes/{code_id}",
            axum::routing::delete(withdraw_code),
        )
        .route("/enrollment-codes/sheet", post(code_sheet))
        .route("/enrollments", post(redeem_code))
        .route("/revocations", post(revoke_key))
        .route("/keys", get(list_keys))
        .route("/keys/{public_key}", get(key_status))
}

#[derive(Debug, Deserialize)]
struct NewUnit {
    code: String,
    name: String,
}

async fn add_unit(
    admin: Admin,
    State(state): State<AppState>,
    JsonBody(unit): JsonBody<NewUnit>,
) -> Result<Response, Problem> {
    let (code, name) = state
        .intake
        .add_unit(&unit.code, &unit.name, &now())
        .await?;
    state
        .intake
        .record(&admin.actor, "unit.add", &code, chrono::Utc::now())
        .await?;
    Ok(created(serde_json::json!({"code": code, "name": name})))
}

/// The largest units workbook taken.
const IMPORT_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct UnitsQuery {
    page: Option<u64>,
    per_page: Option<u64>,
    /// Only the units that have units under them.
    #[serde(default)]
    parents: bool,
}

/// `GET /units`: a page of the registered units, by code (with
/// `parents=true`, of those that have units under them).
async fn list_units(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<UnitsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
    let page = query.page.unwrap_or(1).max(1);
    let (units, total) = state
        .intake
        .units_page(page, per_page, query.parents)
        .await?;
    let total = u64::try_from(total).unwrap_or(0);
    Ok(Json(serde_json::json!({
        "units": units,
        "page": page,
        "per_page": per_page,
        "total_units": total,
        "pages": total.div_ceil(per_page),
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
struct KeysQuery {
    /// After this key (`unit`, `role`, `public_key` of the last listed).
    after_unit: Option<String>,
    after_role: Option<String>,
    after_key: Option<String>,
    /// How many (default 100, at most 1000).
    limit: Option<i64>,
}

/// `GET /keys`: who is enrolled for which unit and role — the enrolled
/// name, the fingerprint, when, by which code — and whether the key was
/// revoked; a page after the last key listed.
async fn list_keys(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<KeysQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let after = match (query.after_unit, query.after_role, query.after_key) {
        (Some(unit), Some(role), Some(public_key)) => Some(crate::store::KeyCursor {
            unit,
            role,
            public_key,
        }),
        _ => None,
    };
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let store = state.intake.store();
    let keys = store
        .keys_after(after.as_ref(), limit)
        .await
        .map_err(Problem::unavailable)?;
    let mut listed = Vec::with_capacity(keys.len());
    for key in keys {
        let by = store
            .enrolled_by(&key.unit, &key.role, &key.public_key)
            .await
            .map_err(Problem::unavailable)?;
        let fingerprint = qingdan_core::keys::decode_public_key(&key.public_key)
            .map(|k| qingdan_core::keys::fingerprint(&k))
            .unwrap_or_default();
        listed.push(serde_json::json!({
            "unit": key.unit, "role": key.role, "name": key.name, "public_key": key.public_key,
            "fingerprint": fingerprint, "enrolled_at": key.enrolled_at,
            "revoked_at": key.revoked_at, "code": by,
        }));
    }
    let more = i64::try_from(listed.len()).unwrap_or(0) == limit;
    Ok(Json(serde_json::json!({"keys": listed, "more": more})).into_response())
}

#[derive(Debug, Deserialize)]
struct UnitEdit {
    name: String,
    #[serde(default)]
    parent_code: Option<String>,
}

/// `PUT /units/{code}`: a new name, and the unit's parent (none: a top
/// unit).
async fn edit_unit(
    admin: Admin,
    State(state): State<AppState>,
    Path(code): Path<String>,
    JsonBody(edit): JsonBody<UnitEdit>,
) -> Result<Response, Problem> {
    let parent = edit.parent_code.as_deref().filter(|p| !p.is_empty());
    let unit = state
        .intake
        .edit_unit(&code, &edit.name, parent, &admin.actor, chrono::Utc::now())
        .await?;
    Ok(Json(unit).into_response())
}

/// `POST /units/import`: an .xlsx workbook of units (单位编码, 单位名称,
/// 上级单位编码); all registered, or none with every problem by its cell.
async fn import_units(
    admin: Admin,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Problem> {
    let rows = tokio::task::spawn_blocking(move || qingdan_sheet::read_units(&body))
        .await
        .map_err(Problem::internal)?
        .map_err(|errors| AdminError::Invalid(errors.to_string()))?;
    let done = state
        .intake
        .import_units(&rows, &admin.actor, chrono::Utc::now())
        .await?;
    Ok(Json(done).into_response())
}

#[derive(Debug, Deserialize)]
struct NewKey {
    role: String,
    public_key: String,
    #[serde(default)]
    name: String,
}

async fn enroll_key(
    admin: Admin,
    State(state): State<AppState>,
    Path(code): Path<String>,
    JsonBody(key): JsonBody<NewKey>,
) -> Result<Response, Problem> {
    state
        .intake
        .enroll(&code, &key.role, &key.public_key, &key.name, &now())
        .await?;
    let detail = format!("{code} {} {}", key.role, key.public_key);
    state
        .intake
        .record(&admin.actor, "key.enroll", &detail, chrono::Utc::now())
        .await?;
    Ok(created(
        serde_json::json!({"unit": code, "role": key.role, "public_key": key.public_key}),
    ))
}

#[derive(Debug, Deserialize)]
struct CodesQuery {
    unit: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// `GET /enrollment-codes`: a page of the codes issued, the latest first
/// (of one unit with `unit=`): their ids, units, roles, times, never the
/// codes.
async fn list_codes(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<CodesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let per_page = query.per_page.unwrap_or(100).clamp(1, 1000);
    let page = query.page.unwrap_or(1).max(1);
    let unit = query.unit.as_deref().filter(|u| !u.is_empty());
    let (codes, total) = state.intake.codes_page(unit, page, per_page).await?;
    let now = now();
    let codes: Vec<serde_json::Value> = codes
        .into_iter()
        .map(|c| {
            let status = if c.redeemed_at.is_some() {
                "redeemed"
            } else if c.expires_at <= now {
                "expired"
            } else {
                "unused"
            };
            let mut v = serde_json::json!(c);
            v["status"] = status.into();
            v
        })
        .collect();
    let total = u64::try_from(total).unwrap_or(0);
    Ok(Json(serde_json::json!({
        "codes": codes,
        "page": page,
        "per_page": per_page,
        "total_codes": total,
        "pages": total.div_ceil(per_page),
    }))
    .into_response())
}

/// `DELETE /enrollment-codes/{code_id}`: an unused code withdrawn; 404
/// for an id no code has, 409 for a used code.
async fn withdraw_code(
    admin: Admin,
    State(state): State<AppState>,
    Path(code_id): Path<String>,
) -> Result<Response, Problem> {
    state
        .intake
        .withdraw_code(&code_id, &admin.actor, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
struct CodeRequest {
    unit: String,
    role: String,
}

async fn issue_code(
    admin: Admin,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CodeRequest>,
) -> Result<Response, Problem> {
    let (code, expires_at) = state
        .intake
        .issue_code(&request.unit, &request.role, chrono::Utc::now())
        .await?;
    let detail = format!("{} {}", request.unit, request.role);
    state
        .intake
        .record(&admin.actor, "code.issue", &detail, chrono::Utc::now())
        .await?;
    Ok(created(
        serde_json::json!({"code": code, "unit": request.unit, "role": request.role, "expires_at": expires_at}),
    ))
}

#[derive(Debug, Deserialize)]
struct SheetRequest {
    /// The units (every registered unit when empty; `*` for inspectors).
    #[serde(default)]
    units: Vec<String>,
    /// The roles, one code each per unit.
    roles: Vec<String>,
    /// The address devices reach this intake at (default: the one this
    /// request was sent to).
    #[serde(default)]
    base: Option<String>,
}

/// `POST /enrollment-codes/sheet`: codes for many units and roles at
/// once, as a printable A4 sheet of slips with QR codes (shown once).
async fn code_sheet(
    admin: Admin,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    JsonBody(request): JsonBody<SheetRequest>,
) -> Result<Response, Problem> {
    let base = match request.base {
        Some(base) => base,
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1:8080");
            let scheme = if state.config().tls.is_some() {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        }
    };
    if !crate::web_url(&base) {
        return Err(AdminError::Invalid(format!(
            "base: {base:?} is not an http:// or https:// address"
        ))
        .into());
    }
    let now = chrono::Utc::now();
    let slips = state
        .intake
        .issue_slips(&request.units, &request.roles, &base, &admin.actor, now)
        .await?;
    let html = crate::slips::sheet(&slips, &crate::output_time(now));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct Enrollment {
    code: String,
    public_key: String,
    #[serde(default)]
    name: String,
    /// The role the device's key signs as; a code for another role is
    /// refused and left unused.
    #[serde(default)]
    role: Option<String>,
}

async fn redeem_code(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<Enrollment>,
) -> Result<Response, Problem> {
    let done = state
        .intake
        .redeem(
            &request.code,
            &request.public_key,
            &request.name,
            request.role.as_deref(),
            &now(),
        )
        .await?;
    match done {
        Redeem::Enrolled {
            unit_code,
            unit_name,
            role,
        } => {
            tracing::info!(
                target: "qingdan::security",
                unit = %unit_code,
                role = %role,
                key = %request.public_key,
                name = %request.name,
                "enrolled with a code"
            );
            Ok(created(serde_json::json!({
                "unit": {"code": unit_code, "name": unit_name},
                "role": role,
                "intake_key": state.intake.public_key(),
                "rotations": state.intake.rotations(),
            })))
        }
        Redeem::OtherRole(issued) => Err(AdminError::OtherRole {
            issued,
            asked: request.role.unwrap_or_default(),
        }
        .into()),
        Redeem::Revoked(at) => Err(AdminError::KeyRevoked(at).into()),
        Redeem::Invalid => Err(AdminError::CodeInvalid.into()),
    }
}

#[derive(Debug, Deserialize)]
struct Revocation {
    public_key: String,
    #[serde(default)]
    reason: String,
}

/// Revokes a key: 201 the first time, 200 with the first revocation's time
/// after that.
async fn revoke_key(
    admin: Admin,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<Revocation>,
) -> Result<Response, Problem> {
    let (revoked_at, new) = state
        .intake
        .revoke_key(&request.public_key, &request.reason, &now())
        .await?;
    if new {
        state
            .intake
            .record(
                &admin.actor,
                "key.revoke",
                &request.public_key,
                chrono::Utc::now(),
            )
            .await?;
    }
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = serde_json::json!({"public_key": request.public_key, "revoked_at": revoked_at});
    Ok((status, Json(body)).into_response())
}

/// What the intake holds about a key: where it is enrolled, and whether it
/// was revoked. Devices ask at each sync, and 查验数据包 for each signer. A
/// key the intake never saw is an answer (200, no enrollments), not an
/// error: a browser logs a 404 as a failure, and apps of every version
/// read no enrollments as "not enrolled" (they read a 404 so too).
async fn key_status(
    State(state): State<AppState>,
    Path(public_key): Path<String>,
) -> Result<Json<crate::store::KeyStatus>, Problem> {
    qingdan_core::keys::decode_public_key(&public_key)
        .map_err(|e| Problem::malformed(format!("public_key: {e}")))?;
    let status = state
        .intake
        .store()
        .key_status(&public_key)
        .await
        .map_err(Problem::unavailable)?;
    Ok(Json(status))
}

/// Whether a unit code is registered, and under which name: what a device
/// checks a unit code typed by hand against before an assessment is
/// started for it. Units are public facts (codes and names of offices), so
/// no token is asked. An unknown code is an answer, not an error (200,
/// `registered: false`), as a browser would log a 404 as a failure.
async fn unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    let name = state
        .intake
        .store()
        .unit_name(&code)
        .await
        .map_err(Problem::unavailable)?;
    Ok(Json(match name {
        Some(name) => serde_json::json!({"code": code, "registered": true, "name": name}),
        None => serde_json::json!({"code": code, "registered": false}),
    }))
}
