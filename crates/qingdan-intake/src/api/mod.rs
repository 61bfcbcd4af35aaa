//! The HTTP API under `/api/v1`, `/dashboard` (now a redirect to the
//! console's reports), and the web app at `/`.
//! Handlers only translate: every decision is the intake's or the core's,
//! and every error of theirs becomes a [`Problem`] here (`problem.rs`).
//!
//! The router, its state and the extractors the handlers share are here;
//! the handlers by what they serve: `packets.rs`, `templates.rs`,
//! `enroll.rs` (units, keys, enrollment codes, revocations), `reports.rs`.

mod enroll;
mod evaluations;
mod packets;
pub(crate) mod problem;
mod reports;
mod rounds;
pub(crate) mod session;
mod templates;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use tower_http::cors::{self, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use crate::errors::AdminError;
use crate::intake::Intake;
use crate::limit::{self, Limiter, RateLimit};
use crate::tls::Tls;
use crate::web::WebApp;
use problem::Problem;
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
    pub web: WebApp,
    /// A connection that has not sent a whole request head within this
    /// long is closed (slow clients holding connections open).
    pub header_timeout: Duration,
    /// Connections held at once; one more is closed at once, the others
    /// unharmed.
    pub max_connections: usize,
    /// The office's TLS proxy, whose `X-Forwarded-For` names the client
    /// the rate limit counts (nobody else's is believed).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// HTTPS (`--tls`): the certificate, and the names devices use.
    pub tls: Option<Tls>,
    /// A console session unused this long ends (default 30 minutes).
    pub session_idle: Duration,
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
            web: WebApp::Absent,
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            trusted_proxy: None,
            tls: None,
            session_idle: Duration::from_secs(30 * 60),
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The intake.
    pub intake: Arc<Intake>,
    config: Arc<Config>,
    sign_in: Arc<limit::SignInLimiter>,
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
            sign_in: Arc::new(limit::SignInLimiter::new(config.trusted_proxy)),
            config: Arc::new(config),
        }
    }

    /// Counts console sign-in attempts.
    pub(crate) fn sign_in_limiter(&self) -> &limit::SignInLimiter {
        &self.sign_in
    }
}

/// The header carrying the intake's signature over a served checklist
/// (`qingdan_core::receipt::verify_template` checks it).
pub const TEMPLATE_SIGNATURE: &str = "qingdan-signature";

/// The whole HTTP application; tests call it without a socket.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let api = Router::new()
        .merge(packets::routes(
            config.max_packet_bytes,
            state.intake.file_limits().per_file,
        ))
        .merge(templates::routes())
        .merge(enroll::routes())
        .merge(reports::routes())
        .merge(session::routes())
        .merge(rounds::routes())
        .merge(evaluations::routes())
        .route("/intake", get(intake_info))
        .fallback(|| async { Problem::new(ProblemCode::NotFound, "no such API endpoint") });
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
            .allow_methods([Method::GET, Method::POST, Method::PUT])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static(TEMPLATE_SIGNATURE),
            ])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    );
    let intake = state.intake.clone();
    let mut router = Router::new()
        .nest("/api/v1", api)
        // The reports are the console's now; old bookmarks follow.
        .route(
            "/dashboard",
            get(|| async { axum::response::Redirect::permanent("/console/#/reports") }),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state);
    if let Some(tls) = &config.tls {
        let install = crate::install::Install::new(tls.clone());
        router = router.merge(
            Router::new()
                .route("/install", get(crate::install::page))
                .route("/ca.pem", get(crate::install::ca_pem))
                .with_state(install),
        );
    }
    match config.web.files() {
        Some(files) => router = router.fallback_service(files),
        // No app here: the root says where things are, not a bare 404.
        None => router = router.route("/", get(|| async { Html(include_str!("../no-app.html")) })),
    }
    let policy = crate::headers::content_security_policy(config.web.index_html().as_deref());
    router
        .layer(middleware::from_fn(problem::log))
        .layer(middleware::from_fn_with_state(intake, timed))
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

/// `GET /healthz`: 200 when the intake can take packets (its writer runs
/// and its database answers), else 503 saying why. For a load balancer or
/// a service manager: no token, nothing but the state.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.intake.health().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(why) => Problem::new(ProblemCode::Unavailable, why).into_response(),
    }
}

/// `GET /metrics`: counts, no content (no unit, key or packet is named), in
/// the OpenMetrics text format Prometheus scrapes.
async fn metrics(State(state): State<AppState>) -> Response {
    let text = state.intake.metrics().render(state.intake.queued());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Times every request for `GET /metrics`.
async fn timed(
    State(intake): State<Arc<Intake>>,
    request: Request,
    next: middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    intake.metrics().answered(started.elapsed().as_secs_f64());
    response
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

/// Proof that the request is an administrator's: a bearer token that
/// works now (`Authorization: Bearer …`: known, not revoked, not expired;
/// for scripts), or the session cookie of an administrator signed in to
/// the console who has no password to change first. Names who, for the
/// record of what was done.
pub struct Admin {
    /// Who.
    pub actor: crate::accounts::Actor,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, Problem> {
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or(parts.uri.path(), |uri| uri.path())
            .to_owned();
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let info = state.intake.check_admin(token, chrono::Utc::now()).await?;
            // The security log names the token by its id and label, never the token.
            tracing::info!(
                target: "qingdan::security",
                token = info.id(),
                label = %info.label,
                method = %parts.method,
                path,
                "admin request"
            );
            return Ok(Admin {
                actor: crate::accounts::Actor::Token(info.id().to_owned()),
            });
        }
        if session::cookie(&parts.headers).is_none() {
            return Err(AdminError::Unauthorized(
                "this needs an administrator: sign in to the console, or send Authorization: Bearer <token> (qingdan admin token)"
                    .into(),
            )
            .into());
        }
        let session::SignedIn(session) =
            session::SignedIn::from_request_parts(parts, state).await?;
        if session.must_change {
            return Err(Problem::new(
                ProblemCode::PasswordChange,
                "change your one-time password first (POST /api/v1/session/password)",
            ));
        }
        tracing::info!(
            target: "qingdan::security",
            admin = %session.name,
            method = %parts.method,
            path,
            "admin request"
        );
        Ok(Admin {
            actor: crate::accounts::Actor::Admin(session.name),
        })
    }
}

async fn intake_info(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "public_key": state.intake.public_key(),
        "earlier_keys": state.intake.earlier_keys(),
        "rotations": state.intake.rotations(),
        "max_packet_bytes": state.config.max_packet_bytes,
    }))
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

/// 404 `not-found`.
fn not_found(detail: String) -> Problem {
    Problem::new(ProblemCode::NotFound, detail)
}
