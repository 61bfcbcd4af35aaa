//! Plain HTTP when the intake speaks HTTPS: a device that has not yet
//! trusted the office authority can still read `/install` and fetch
//! `/ca.pem`; every other request is sent to the same path over HTTPS.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};

use crate::install::{self, Install};
use crate::tls::Tls;

/// The plain-HTTP answers for an intake served with `tls`.
pub fn router(tls: Tls) -> Router {
    let install = Install::new(tls);
    let names = install.addresses();
    Router::new()
        .route("/install", get(install::page))
        .route("/ca.pem", get(install::ca_pem))
        .with_state(install)
        .fallback(move |request: Request| {
            let target = redirect_target(&request, &names);
            async move { redirect(&target) }
        })
        .layer(middleware::from_fn_with_state(
            crate::headers::content_security_policy(None),
            crate::headers::secure,
        ))
}

/// The same path and query over HTTPS, on a name the certificate holds:
/// the one the client asked for if it is among them, else the first.
fn redirect_target(request: &Request, addresses: &[String]) -> String {
    let asked = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(host_of)
        .unwrap_or_default();
    let origin = addresses
        .iter()
        .map(|a| a.trim_end_matches('/'))
        .find(|origin| host_of(origin.trim_start_matches("https://")).eq_ignore_ascii_case(asked))
        .map(str::to_owned)
        .or_else(|| {
            addresses
                .first()
                .map(|a| a.trim_end_matches('/').to_owned())
        })
        .unwrap_or_else(|| crate::tls::origin("localhost", 443));
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    format!("{origin}{path}")
}

/// `host` of `host:port` or `[v6]:port`, without the brackets.
fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

/// 307: the method and body are kept (an upload is retried as it was),
/// and nothing is cached for good.
fn redirect(target: &str) -> Response {
    match HeaderValue::from_str(target) {
        Ok(location) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, location)],
            "this intake is served over HTTPS\n",
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_host_is_read_without_its_port() {
        assert_eq!(host_of("qingdan.test:8080"), "qingdan.test");
        assert_eq!(host_of("qingdan.test"), "qingdan.test");
        assert_eq!(host_of("[fd00::5]:8080"), "fd00::5");
    }
}
