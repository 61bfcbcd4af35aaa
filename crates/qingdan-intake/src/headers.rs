//! The security headers on every answer — the app's files, our own pages,
//! the API: a Content-Security-Policy that lets scripts come only from this
//! origin or from the inline blocks of our own pages (by their SHA-256,
//! worked out when the router is built), WebAssembly compile but never
//! `eval`, no framing (`frame-ancestors 'none'`, clickjacking), no plugins
//! and no `<base>`; `nosniff`, and no referrer sent on.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The pages the intake serves from its own binary (`/install`'s only
/// inline block is its style).
const OWN_PAGES: [&str; 3] = [
    include_str!("no-app.html"),
    crate::install::STYLE,
    crate::slips::STYLE,
];

/// `'sha256-…'` of the content of each `<tag …>…</tag>` block in `html`.
fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let (Some(body), Some(end)) = (after.find('>'), after.find(&close)) else {
            break;
        };
        if body < end {
            let digest = Sha256::digest(&after.as_bytes()[body + 1..end]);
            let hash = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{hash}'"));
        }
        rest = &after[end + close.len()..];
    }
    hashes
}

/// The Content-Security-Policy for this intake: its own pages' inline
/// scripts and styles, and those of the app's `index.html` if it serves one.
pub fn content_security_policy(app_index: Option<&str>) -> HeaderValue {
    let pages: Vec<&str> = OWN_PAGES.iter().copied().chain(app_index).collect();
    let hashes = |tag: &str| -> String {
        let mut all: Vec<String> = pages.iter().flat_map(|p| inline_hashes(p, tag)).collect();
        all.sort();
        all.dedup();
        all.iter().map(|h| format!(" {h}")).collect()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; \
         img-src 'self' data: blob:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        hashes("script"),
        hashes("style"),
    );
    // Hashes are base64 and the rest is ASCII: always a valid header value.
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("frame-ancestors 'none'"))
}

/// Adds the security headers to every answer.
pub async fn secure(State(policy): State<HeaderValue>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_block_is_hashed_and_nothing_else() {
        let html =
            "<style>a{}</style><script src=\"x.js\"></script><script type=\"module\">go()</script>";
        let digest = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        };
        assert_eq!(inline_hashes(html, "script"), [digest(""), digest("go()")]);
        assert_eq!(inline_hashes(html, "style"), [digest("a{}")]);
        let policy = content_security_policy(None);
        let policy = policy.to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(
            !policy.contains("unsafe-inline") && !policy.contains(" 'unsafe-eval'"),
            "{policy}"
        );
    }
}
