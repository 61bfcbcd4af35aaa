//! Errors as `application/problem+json` (RFC 9457): a stable `code` a
//! program can act on, and a `detail` that says precisely what is wrong.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qingdan_core::ProblemCode;
use serde::Serialize;

/// One problem, as sent to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem: `/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status.
    pub status: u16,
    /// A short, fixed title for the code.
    pub title: &'static str,
    /// What exactly is wrong, and where.
    pub detail: String,
    /// The stable code (see [`Problem::new`]).
    pub code: &'static str,
}

impl Problem {
    /// A request that could not be read (400 `malformed`): `detail` says
    /// where and what.
    pub fn malformed(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, ProblemCode::Malformed, detail)
    }

    /// A problem with `status`, its stable `code` (the list and what each
    /// means: [`ProblemCode`]), and the precise `detail`.
    pub fn new(status: StatusCode, code: ProblemCode, detail: impl Into<String>) -> Problem {
        let code = code.as_str();
        Problem {
            kind: format!("/problems/{code}"),
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            detail: detail.into(),
            code,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A failure of ours: logged in full, shown to the client only as a code.
    pub fn internal(error: impl std::fmt::Display) -> Problem {
        tracing::error!(%error, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ProblemCode::Internal,
            "the intake failed; the error is logged",
        )
    }

    /// The store cannot be reached or refused: try again later.
    pub fn unavailable(error: impl std::fmt::Display) -> Problem {
        tracing::error!(%error, "store unavailable");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ProblemCode::Unavailable,
            "the intake's database is unavailable; nothing was stored, send again later",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_client_error() {
            // Refused packets, enrollments, admin logins and 429s alike: the
            // security log, by its stable code.
            tracing::info!(
                target: "qingdan::security",
                status = self.status,
                code = self.code,
                detail = %self.detail,
                "refused"
            );
        }
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}
