//! Errors as `application/problem+json` (RFC 9457): a stable `code` a
//! program can act on, and a `detail` that says precisely what is wrong.
//! The one mapping of codes, and so of the intake's errors, to HTTP
//! statuses ([`status`]), and the one place problems are logged ([`log`]).

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qingdan_core::ProblemCode;
use serde::Serialize;

use crate::errors::{
    AdminError, EvaluationError, FileError, PublishError, ReportError, SubmitError,
};

/// One problem, as sent to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem: `/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: ProblemType,
    /// The HTTP status.
    pub status: u16,
    /// A short, fixed title for the code.
    pub title: &'static str,
    /// What exactly is wrong, and where.
    pub detail: String,
    /// The stable code (see [`Problem::new`]).
    pub code: &'static str,
    /// For the intake's own failures: the error, for the log only.
    #[serde(skip)]
    cause: Option<Box<str>>,
    /// For a 429: seconds until a try may succeed (`Retry-After`).
    #[serde(skip)]
    retry_after: Option<u32>,
    /// For a 409 `attachments-missing`: the digests of the files to send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Box<[String]>>,
}

/// A problem's `type`: `/problems/<code>`, written from its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType(&'static str);

impl Serialize for ProblemType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("/problems/{}", self.0))
    }
}

impl Problem {
    /// A request that could not be read (400 `malformed`): `detail` says
    /// where and what.
    pub fn malformed(detail: impl Into<String>) -> Problem {
        Problem::new(ProblemCode::Malformed, detail)
    }

    /// A problem with its stable `code` (the list and what each means:
    /// [`ProblemCode`]), answered with the status for the code, and the
    /// precise `detail`.
    pub fn new(code: ProblemCode, detail: impl Into<String>) -> Problem {
        Problem::with_status(status(code), code, detail)
    }

    fn with_status(status: StatusCode, code: ProblemCode, detail: impl Into<String>) -> Problem {
        let code = code.as_str();
        Problem {
            kind: ProblemType(code),
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            detail: detail.into(),
            code,
            cause: None,
            retry_after: None,
            missing: None,
        }
    }

    /// The same, saying when to try again (`Retry-After`, seconds).
    pub fn retry_after(mut self, seconds: u64) -> Problem {
        self.retry_after = Some(u32::try_from(seconds).unwrap_or(u32::MAX));
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A failure of ours: the error goes to the log, the client sees only
    /// the code.
    pub fn internal(error: impl std::fmt::Display) -> Problem {
        Problem {
            cause: Some(error.to_string().into()),
            ..Problem::new(
                ProblemCode::Internal,
                "the intake failed; the error is logged",
            )
        }
    }

    /// The store cannot be reached or refused: try again later.
    pub fn unavailable(error: impl std::fmt::Display) -> Problem {
        Problem {
            cause: Some(error.to_string().into()),
            ..Problem::new(
                ProblemCode::Unavailable,
                "the intake's database is unavailable; nothing was stored, send again later",
            )
        }
    }

    /// The problem for an error of the intake's with `code` and its text:
    /// the text is the detail, or, for the intake's own failures, the
    /// cause kept for the log.
    fn of(code: ProblemCode, error: impl std::fmt::Display) -> Problem {
        match code {
            ProblemCode::Internal => Problem::internal(error),
            ProblemCode::Unavailable => Problem::unavailable(error),
            code => Problem::new(code, error.to_string()),
        }
    }
}

/// The HTTP status of each code (the one exception: [`AdminError::OtherRole`]).
pub fn status(code: ProblemCode) -> StatusCode {
    use ProblemCode as C;
    match code {
        C::Malformed => StatusCode::BAD_REQUEST,
        C::Unauthorized => StatusCode::UNAUTHORIZED,
        C::UnitNotRegistered
        | C::KeyNotEnrolled
        | C::KeyAllUnits
        | C::InspectedUnitKey
        | C::KeyRevoked
        | C::SignerName
        | C::CodeInvalid
        | C::PasswordChange => StatusCode::FORBIDDEN,
        C::NotFound => StatusCode::NOT_FOUND,
        C::Conflict | C::AttachmentsMissing | C::BallotSpent | C::EvaluationClosed => {
            StatusCode::CONFLICT
        }
        C::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        C::Roles
        | C::TooManySigners
        | C::BadSignature
        | C::Kind
        | C::ScoreFormat
        | C::UnknownTemplate
        | C::TemplateDigest
        | C::Responses
        | C::ScoreMismatch
        | C::Unexplained
        | C::Subject
        | C::SubjectNotSigner
        | C::CreatedInFuture
        | C::CompletedInFuture
        | C::UnknownInspection
        | C::OtherInspection
        | C::UnknownFinding
        | C::WeakPassword
        | C::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        C::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        C::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        C::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl From<SubmitError> for Problem {
    fn from(error: SubmitError) -> Problem {
        let missing = match &error {
            SubmitError::AttachmentsMissing(files) => {
                Some(files.iter().map(|(_, sha)| sha.clone()).collect())
            }
            _ => None,
        };
        Problem {
            missing,
            ..Problem::of(error.code(), error)
        }
    }
}

impl From<FileError> for Problem {
    fn from(error: FileError) -> Problem {
        match error {
            // A file of another type: 415, the code `invalid`.
            FileError::Type => Problem::with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ProblemCode::Invalid,
                error.to_string(),
            ),
            // Not a failure of the intake's: said as it is, with a wait.
            FileError::Busy(_) => {
                Problem::new(ProblemCode::Unavailable, error.to_string()).retry_after(60)
            }
            _ => Problem::of(error.code(), error),
        }
    }
}

impl From<AdminError> for Problem {
    fn from(error: AdminError) -> Problem {
        match error {
            // Not a packet's roles but the code's: it conflicts with the
            // role asked for, and stays unused.
            AdminError::OtherRole { .. } => {
                Problem::with_status(StatusCode::CONFLICT, error.code(), error.to_string())
            }
            error => Problem::of(error.code(), error),
        }
    }
}

impl From<EvaluationError> for Problem {
    fn from(error: EvaluationError) -> Problem {
        Problem::of(error.code(), error)
    }
}

impl From<PublishError> for Problem {
    fn from(error: PublishError) -> Problem {
        Problem::of(error.code(), error)
    }
}

impl From<ReportError> for Problem {
    fn from(error: ReportError) -> Problem {
        Problem::of(error.code(), error)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        // For [`log`].
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware: logs each problem answered. The intake's own failures (5xx)
/// as errors, with their cause; refusals (4xx: refused packets,
/// enrollments, admin logins, 429s alike) to the security log, by their
/// stable code.
pub async fn log(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let Some(problem) = response.extensions_mut().remove::<Problem>() else {
        return response;
    };
    let cause = problem.cause.as_deref().unwrap_or(&problem.detail);
    if problem.status().is_server_error() {
        if problem.code == ProblemCode::Unavailable.as_str() {
            tracing::error!(error = %cause, "store unavailable");
        } else {
            tracing::error!(error = %cause, code = problem.code, "internal error");
        }
    } else if problem.status().is_client_error() {
        tracing::info!(
            target: "qingdan::security",
            status = problem.status,
            code = problem.code,
            detail = %problem.detail,
            "refused"
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;
    use tracing::field::{Field, Visit};

    use super::*;

    /// Every event as `target level message field=value …`.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<String>>>);

    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    impl tracing::Subscriber for Lines {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let meta = event.metadata();
            let mut fields = Fields(format!("{} {}", meta.target(), meta.level()));
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    async fn answer(problem: fn() -> Problem) -> (Vec<String>, String) {
        let lines = Lines::default();
        let _guard = tracing::subscriber::set_default(lines.clone());
        let router = Router::new()
            .route("/", get(move || async move { problem() }))
            .layer(axum::middleware::from_fn(log));
        let response = router
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(response.extensions().get::<Problem>().is_none());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let logged = lines.0.lock().unwrap().clone();
        (logged, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn an_internal_failure_is_logged_in_full_and_the_client_sees_only_its_code() {
        let (logged, body) =
            answer(|| SubmitError::Internal("the stored receipt of x: bad".into()).into()).await;
        assert!(
            body.contains("the intake failed; the error is logged") && !body.contains("bad"),
            "{body}"
        );
        assert!(
            logged
                .iter()
                .any(|l| l.contains("ERROR") && l.contains("the stored receipt of x: bad")),
            "{logged:?}"
        );
        let (logged, body) =
            answer(|| ReportError::Unavailable("database: pool timed out".into()).into()).await;
        assert!(
            body.contains("\"unavailable\"") && !body.contains("pool timed out"),
            "{body}"
        );
        assert!(
            logged.iter().any(|l| l.contains("pool timed out")),
            "{logged:?}"
        );
    }

    #[tokio::test]
    async fn a_refusal_goes_to_the_security_log_by_status_and_code() {
        let (logged, body) = answer(|| AdminError::CodeInvalid.into()).await;
        assert!(body.contains("\"code-invalid\""), "{body}");
        assert!(
            logged
                .iter()
                .any(|l| l.starts_with("qingdan::security INFO")
                    && l.contains("status=403")
                    && l.contains("code=\"code-invalid\"")
                    && l.contains("refused")),
            "{logged:?}"
        );
    }

    #[test]
    fn a_code_for_another_role_is_a_conflict_and_a_packets_roles_are_not() {
        let other = Problem::from(AdminError::OtherRole {
            issued: "inspector".into(),
            asked: "principal".into(),
        });
        assert_eq!((other.status, other.code), (409, "roles"));
        assert_eq!(status(ProblemCode::Roles), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
