//! `/session`: an administrator signs in to the console with a name and
//! password and gets a session cookie (HttpOnly, SameSite=Strict, Secure
//! under TLS) that ends at sign-out or when idle; `/session/password`
//! changes the password (a one-time password must be changed first);
//! `/audit` lists what administrators did, `/admins` who they are.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qingdan_core::ProblemCode;
use serde::Deserialize;

use super::problem::Problem;
use super::{Admin, AppState, JsonBody};
use crate::accounts::Session;
use crate::errors::AdminError;

/// The session cookie's name.
pub const COOKIE: &str = "qingdan_session";

/// `/session`, `/session/password`, `/audit`, `/admins`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", get(whoami).post(sign_in).delete(sign_out))
        .route("/session/password", post(change_password))
        .route("/audit", get(audit))
        .route("/admins", get(admins))
}

/// A signed-in administrator's session, even one that must change its
/// password first (the extractor of the session's own endpoints).
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<SignedIn, Problem> {
        let token = cookie(&parts.headers).ok_or_else(|| {
            AdminError::Unauthorized("not signed in: sign in to the console".into())
        })?;
        same_origin(parts)?;
        let session = state
            .intake
            .session(token, state.config().session_idle, chrono::Utc::now())
            .await?;
        Ok(SignedIn(session))
    }
}

/// The session token the request's cookie carries, if any.
pub(super) fn cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
}

/// A request that changes something on a session's say-so must come from
/// the console's own pages: a browser sends `Origin` with it, and that
/// origin's host must be the one the request was sent to. (SameSite=Strict
/// already keeps the cookie off other sites' requests; this holds even in
/// a browser that ignores it.)
pub(super) fn same_origin(parts: &Parts) -> Result<(), Problem> {
    if matches!(parts.method, Method::GET | Method::HEAD) {
        return Ok(());
    }
    let Some(origin) = parts.headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    if host.is_some() && origin_host == host {
        Ok(())
    } else {
        Err(Problem::new(
            ProblemCode::Unauthorized,
            "this request comes from another site's page; sign in to the console and act there",
        ))
    }
}

/// The address a request came from (0.0.0.0 in-process, in tests).
struct Peer(IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Peer, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

#[derive(Debug, Deserialize)]
struct Credentials {
    name: String,
    password: String,
}

/// `POST /session`: a session, or 401 (wrong name or password) or 429 (too
/// many attempts).
async fn sign_in(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> Result<Response, Problem> {
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    state
        .sign_in_limiter()
        .check(peer, forwarded, &credentials.name)?;
    let session = state
        .intake
        .sign_in(&credentials.name, &credentials.password, chrono::Utc::now())
        .await?;
    let secure = if state.config().tls.is_some() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict{secure}",
        session.token
    );
    let mut response = axum::Json(serde_json::json!({
        "name": session.name,
        "must_change": session.must_change,
        "idle_seconds": state.config().session_idle.as_secs(),
    }))
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /session`: who is signed in.
async fn whoami(State(state): State<AppState>, SignedIn(session): SignedIn) -> Response {
    axum::Json(serde_json::json!({
        "name": session.name,
        "must_change": session.must_change,
        "idle_seconds": state.config().session_idle.as_secs(),
    }))
    .into_response()
}

/// `DELETE /session`: signs out; the cookie is cleared and the session
/// never works again.
async fn sign_out(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, Problem> {
    state
        .intake
        .sign_out(&session, state.config().session_idle, chrono::Utc::now())
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("qingdan_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct NewPassword {
    current: String,
    password: String,
}

/// `POST /session/password`: a new password (the current one given);
/// the administrator's other sessions end.
async fn change_password(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    JsonBody(change): JsonBody<NewPassword>,
) -> Result<Response, Problem> {
    state
        .intake
        .change_password(
            &session,
            &change.current,
            &change.password,
            chrono::Utc::now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    /// Entries before this number (the next page).
    before: Option<i64>,
    /// How many (default 100, at most 1000).
    limit: Option<i64>,
}

/// `GET /audit`: recorded actions, newest first, a page at a time.
async fn audit(
    _: Admin,
    State(state): State<AppState>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| Problem::malformed(e.body_text()))?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let entries = state.intake.audit_log(query.before, limit).await?;
    let next = (i64::try_from(entries.len()).unwrap_or(0) == limit)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(axum::Json(serde_json::json!({"entries": entries, "before": next})).into_response())
}

/// `GET /admins`: every administrator (never their hashes).
async fn admins(_: Admin, State(state): State<AppState>) -> Result<Response, Problem> {
    Ok(axum::Json(state.intake.admins().await?).into_response())
}
