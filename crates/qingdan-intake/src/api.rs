//! The HTTP API under `/api/v1`, the dashboard, and the web app at `/`.
//! Handlers only translate: every decision is the intake's or the core's.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::{Deserialize, Serialize};
use tower_http::cors::{self, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use crate::intake::{Intake, PublishError, Submitted};
use crate::limit::{self, Limiter, RateLimit};
use crate::now;
use crate::problem::Problem;
use crate::store::{PacketFilter, Published, Redeem};
use qingdan_core::ProblemCode;

/// What the server is told at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest packet accepted, in bytes (default 2 MiB).
    pub max_packet_bytes: usize,
    /// Per-client rate limit; `None`: none.
    pub rate_limit: Option<RateLimit>,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// The built web app to serve at `/`, if any.
    pub web_dir: Option<PathBuf>,
    /// A connection that has not sent a whole request head within this
    /// long is closed (slow clients holding connections open).
    pub header_timeout: Duration,
    /// Connections held at once; one more is closed at once, the others
    /// unharmed.
    pub max_connections: usize,
    /// The office's TLS proxy, whose `X-Forwarded-For` names the client
    /// the rate limit counts (nobody else's is believed).
    pub trusted_proxy: Option<std::net::IpAddr>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_packet_bytes: 2 * 1024 * 1024,
            rate_limit: Some(RateLimit {
                per_second: 20.try_into().unwrap_or(std::num::NonZeroU32::MIN),
                burst: 200.try_into().unwrap_or(std::num::NonZeroU32::MIN),
            }),
            request_timeout: Duration::from_secs(30),
            web_dir: None,
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            trusted_proxy: None,
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The intake.
    pub intake: Arc<Intake>,
    config: Arc<Config>,
}

impl AppState {
    /// What the server was told at start.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// State for [`app`].
    pub fn new(intake: Arc<Intake>, config: Config) -> AppState {
        AppState {
            intake,
            config: Arc::new(config),
        }
    }
}

/// The header carrying the intake's signature over a served checklist
/// (`qingdan_core::receipt::verify_template` checks it).
pub const TEMPLATE_SIGNATURE: &str = "qingdan-signature";

/// The whole HTTP application; tests call it without a socket.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let api = Router::new()
        .route(
            "/packets",
            post(post_packet)
                .get(list_packets)
                .layer(DefaultBodyLimit::max(config.max_packet_bytes)),
        )
        .route("/packets/{id}", get(get_packet))
        .route("/templates", get(list_templates).post(publish_template))
        .route("/templates/{id}/{version}", get(get_template))
        .route("/units", post(add_unit))
        .route("/units/{code}", get(unit))
        .route("/units/{code}/keys", post(enroll_key))
        .route("/enrollment-codes", post(issue_code))
        .route("/enrollments", post(redeem_code))
        .route("/revocations", post(revoke_key))
        .route("/keys/{public_key}", get(key_status))
        .route("/intake", get(intake_info))
        .route("/reports/{report}", get(crate::reports::report))
        .route("/findings", get(crate::reports::findings))
        .fallback(|| async {
            Problem::new(
                StatusCode::NOT_FOUND,
                ProblemCode::NotFound,
                "no such API endpoint",
            )
        });
    let api = match config.rate_limit {
        Some(limit) => api.layer(middleware::from_fn_with_state(
            Arc::new(Limiter::new(limit, config.trusted_proxy)),
            limit::limit,
        )),
        None => api,
    };
    // The app may be served from another origin than the intake. Nothing
    // rides on cookies (devices prove themselves by signatures, admins by
    // bearer tokens), so any origin may call the API.
    let api = api.layer(
        CorsLayer::new()
            .allow_origin(cors::Any)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static(TEMPLATE_SIGNATURE),
            ])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    );
    let mut router = Router::new()
        .nest("/api/v1", api)
        .route(
            "/dashboard",
            get(|| async { Html(include_str!("dashboard.html")) }),
        )
        .with_state(state);
    if let Some(dir) = &config.web_dir {
        router = router.fallback_service(web_files(dir));
    } else {
        // No app here: the root says where things are, not a bare 404.
        router = router.route("/", get(|| async { Html(include_str!("no-app.html")) }));
    }
    let policy = crate::headers::content_security_policy(config.web_dir.as_deref());
    router
        .layer(middleware::from_fn_with_state(
            policy,
            crate::headers::secure,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// The web app's files from `dir`: the brotli or gzip copy the build wrote
/// beside a file when the browser takes it, and a cache policy by name.
fn web_files(dir: &std::path::Path) -> Router {
    Router::new()
        .fallback_service(
            tower_http::services::ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn(cache_policy))
}

/// A module whose name carries a digest of its content
/// (`qingdan_app_bg.0123456789abcdef.wasm`) never changes: browsers keep it
/// for a year. Everything else (the page, the service worker, the
/// checklists) is revalidated on every use, so a new build is seen at once.
async fn cache_policy(request: Request, next: middleware::Next) -> Response {
    let immutable = is_content_named(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let policy = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `name.<16 hex digits>.js`, `.wasm` or `.json` (the bundled checklists).
fn is_content_named(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplit('.');
    let (Some(extension), Some(digest), Some(_)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(extension, "js" | "wasm" | "json")
        && digest.len() == 16
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A JSON body (whatever its `Content-Type`) whose problems are answered
/// as problems naming the line and column.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let malformed = |detail: String| Problem::malformed(detail);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| malformed(e.body_text()))?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| malformed(format!("the JSON body: {e}")))
    }
}

/// Proof that the request carries an admin token that works now
/// (`Authorization: Bearer …`): known, not revoked, not expired.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, Problem> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNAUTHORIZED,
                    ProblemCode::Unauthorized,
                    "this needs an admin token: Authorization: Bearer <token> (qingdan admin token)",
                )
            })?;
        let info = state.intake.check_admin(token, chrono::Utc::now()).await?;
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or(parts.uri.path(), |uri| uri.path());
        // The security log names the token by its id and label, never the token.
        tracing::info!(
            target: "qingdan::security",
            token = info.id(),
            label = %info.label,
            method = %parts.method,
            path,
            "admin request"
        );
        Ok(Admin)
    }
}

async fn post_packet(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ProblemCode::TooLarge,
                format!(
                    "the packet is larger than this intake's limit of {} bytes",
                    state.config.max_packet_bytes
                ),
            )
        } else {
            Problem::malformed(e.body_text())
        }
    })?;
    let submitted = state
        .intake
        .submit(bytes.to_vec(), chrono::Utc::now())
        .await?;
    let (status, receipt) = match submitted {
        Submitted::Created(r) => (StatusCode::CREATED, r),
        Submitted::Duplicate(r) => (StatusCode::OK, r),
    };
    Ok(json_text(status, receipt))
}

/// 201 with a JSON body.
fn created(body: serde_json::Value) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

fn json_text(status: StatusCode, text: impl Into<axum::body::Body>) -> Response {
    let mut response = (status, text.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
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

async fn list_packets(
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

async fn get_packet(
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

fn not_found(detail: String) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, ProblemCode::NotFound, detail)
}

async fn list_templates(
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::store::TemplateInfo>>, Problem> {
    Ok(Json(
        state
            .intake
            .store()
            .templates()
            .await
            .map_err(Problem::unavailable)?,
    ))
}

async fn get_template(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Response, Problem> {
    match state.intake.store().template(&id, version).await {
        Ok(Some(body)) => {
            let signature = state.intake.sign_template(body.as_bytes());
            let mut response = json_text(StatusCode::OK, body);
            if let Ok(value) = HeaderValue::from_str(&signature) {
                response.headers_mut().insert(TEMPLATE_SIGNATURE, value);
            }
            Ok(response)
        }
        Ok(None) => Err(not_found(format!(
            "template {id} v{version} is not published"
        ))),
        Err(e) => Err(Problem::unavailable(e)),
    }
}

async fn publish_template(
    _: Admin,
    State(state): State<AppState>,
    body: String,
) -> Result<Response, Problem> {
    match state.intake.publish(&body, &now()).await {
        Ok((done, template)) => {
            let status = if done == Published::New {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let info = serde_json::json!({
                "id": template.id(), "version": template.version(), "sha256": template.sha256(),
            });
            Ok((status, Json(info)).into_response())
        }
        Err(PublishError::Invalid(problems)) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::Invalid,
            problems.join("\n"),
        )),
        Err(e @ PublishError::Conflict { .. }) => Err(Problem::new(
            StatusCode::CONFLICT,
            ProblemCode::Conflict,
            e.to_string(),
        )),
        Err(PublishError::Store(e)) => Err(Problem::unavailable(e)),
    }
}

#[derive(Debug, Deserialize)]
struct NewUnit {
    code: String,
    name: String,
}

async fn add_unit(
    _: Admin,
    State(state): State<AppState>,
    JsonBody(unit): JsonBody<NewUnit>,
) -> Result<Response, Problem> {
    let (code, name) = state
        .intake
        .add_unit(&unit.code, &unit.name, &now())
        .await?;
    Ok(created(serde_json::json!({"code": code, "name": name})))
}

#[derive(Debug, Deserialize)]
struct NewKey {
    role: String,
    public_key: String,
    #[serde(default)]
    name: String,
}

async fn enroll_key(
    _: Admin,
    State(state): State<AppState>,
    Path(code): Path<String>,
    JsonBody(key): JsonBody<NewKey>,
) -> Result<Response, Problem> {
    state
        .intake
        .enroll(&code, &key.role, &key.public_key, &key.name, &now())
        .await?;
    Ok(created(
        serde_json::json!({"unit": code, "role": key.role, "public_key": key.public_key}),
    ))
}

#[derive(Debug, Deserialize)]
struct CodeRequest {
    unit: String,
    role: String,
}

async fn issue_code(
    _: Admin,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CodeRequest>,
) -> Result<Response, Problem> {
    let (code, expires_at) = state
        .intake
        .issue_code(&request.unit, &request.role, chrono::Utc::now())
        .await?;
    Ok(created(
        serde_json::json!({"code": code, "unit": request.unit, "role": request.role, "expires_at": expires_at}),
    ))
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
            })))
        }
        Redeem::OtherRole(issued) => Err(Problem::new(
            StatusCode::CONFLICT,
            ProblemCode::Roles,
            format!(
                "role: this code enrolls a {issued} key, not a {} key; the code is still unused",
                request.role.as_deref().unwrap_or_default()
            ),
        )),
        Redeem::Revoked(at) => Err(crate::intake::key_revoked(&at)),
        Redeem::Invalid => Err(Problem::new(
            StatusCode::FORBIDDEN,
            ProblemCode::CodeInvalid,
            "code: this enrollment code is unknown, used already, or expired",
        )),
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
    _: Admin,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<Revocation>,
) -> Result<Response, Problem> {
    let (revoked_at, new) = state
        .intake
        .revoke_key(&request.public_key, &request.reason, &now())
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = serde_json::json!({"public_key": request.public_key, "revoked_at": revoked_at});
    Ok((status, Json(body)).into_response())
}

/// What the intake holds about a key: where it is enrolled, and whether it
/// was revoked. Devices ask at each sync.
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
    if status.enrollments.is_empty() && status.revoked_at.is_none() {
        return Err(not_found(format!(
            "key {public_key} is not enrolled at this intake"
        )));
    }
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

async fn intake_info(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "public_key": state.intake.public_key(),
        "max_packet_bytes": state.config.max_packet_bytes,
    }))
}
