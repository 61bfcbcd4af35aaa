//! The field app's files at `/`: from a folder (`--web web/dist`) or, in a
//! binary built with the `embed-web` feature (`cargo xtask dist`), from the
//! binary itself. Either way a browser gets the brotli or gzip copy the
//! build wrote beside each text file when it takes one, and a cache policy
//! by name: content-named modules for a year, everything else revalidated.

use std::path::PathBuf;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::Response;

/// Where the app comes from.
#[derive(Debug, Clone, Default)]
pub enum WebApp {
    /// No app: `/` says where things are.
    #[default]
    Absent,
    /// A built app in a folder.
    Dir(PathBuf),
    /// The app built into this binary.
    Embedded,
}

impl WebApp {
    /// The app built into this binary, if it was built with one.
    pub fn embedded() -> Option<WebApp> {
        cfg!(feature = "embed-web").then_some(WebApp::Embedded)
    }

    /// The app's `index.html` (its inline blocks go into the
    /// Content-Security-Policy).
    pub fn index_html(&self) -> Option<String> {
        match self {
            WebApp::Absent => None,
            WebApp::Dir(dir) => std::fs::read_to_string(dir.join("index.html")).ok(),
            WebApp::Embedded => embedded::index_html(),
        }
    }

    /// The routes serving the app's files.
    pub fn files(&self) -> Option<Router> {
        let files = match self {
            WebApp::Absent => return None,
            WebApp::Dir(dir) => Router::new().fallback_service(
                tower_http::services::ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip(),
            ),
            WebApp::Embedded => Router::new().fallback(embedded::serve),
        };
        Some(files.layer(middleware::from_fn(cache_policy)))
    }
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

#[cfg_attr(not(feature = "embed-web"), allow(dead_code))]
/// Where to send a browser that names a folder without its slash
/// (`console`) when the build has its page (`console/index.html`, the
/// office console): to `/console/`, as `ServeDir` does for a folder on
/// disk, so that the page's relative links work from it.
fn folder_page(path: &str, has: impl Fn(&str) -> bool) -> Option<String> {
    (!path.is_empty() && !path.ends_with('/') && has(&format!("{path}/index.html")))
        .then(|| format!("/{path}/"))
}

#[cfg_attr(not(feature = "embed-web"), allow(dead_code))]
/// Whether `Accept-Encoding` takes `coding` (named, or `*`, and not
/// refused with `q=0`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut fields = part.split(';').map(str::trim);
        let name = fields.next().unwrap_or_default();
        let refused = fields.any(|f| {
            f.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

#[cfg(feature = "embed-web")]
mod embedded {
    //! The app of `web/dist`, compiled in.

    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    #[derive(rust_embed::RustEmbed)]
    #[folder = "../../web/dist"]
    struct Dist;

    pub fn index_html() -> Option<String> {
        Dist::get("index.html").and_then(|f| String::from_utf8(f.data.into_owned()).ok())
    }

    /// A file of the app: the compressed copy the browser takes, an ETag
    /// of the bytes sent, and 304 when the browser has them already.
    pub async fn serve(request: Request) -> Response {
        let path = request.uri().path().trim_start_matches('/');
        let path = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_owned()
        };
        // The compressed copies are served only in place of their original.
        let Some(original) =
            Dist::get(&path).filter(|_| !path.ends_with(".br") && !path.ends_with(".gz"))
        else {
            if let Some(to) = super::folder_page(&path, |p| Dist::get(p).is_some()) {
                let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
                if let Ok(to) = HeaderValue::from_str(&to) {
                    response.headers_mut().insert(header::LOCATION, to);
                }
                return response;
            }
            return (StatusCode::NOT_FOUND, "not found\n").into_response();
        };
        let accept = request
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let (file, encoding) = [("br", ".br"), ("gzip", ".gz")]
            .into_iter()
            .filter(|(coding, _)| super::accepts(accept, coding))
            .find_map(|(coding, suffix)| {
                Dist::get(&format!("{path}{suffix}")).map(|f| (f, Some(coding)))
            })
            .unwrap_or((original.clone(), None));
        let etag = format!(
            "\"{}\"",
            file.metadata
                .sha256_hash()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let mut response = if request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag))
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            Response::new(Body::from(file.data.into_owned()))
        };
        let headers = response.headers_mut();
        if let Ok(mime) = HeaderValue::from_str(original.metadata.mimetype()) {
            headers.insert(header::CONTENT_TYPE, mime);
        }
        if let Some(coding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(etag) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, etag);
        }
        response
    }
}

#[cfg(not(feature = "embed-web"))]
mod embedded {
    //! Built without the app: [`super::WebApp::embedded`] is `None`, so
    //! nothing here is reached.

    use axum::http::StatusCode;

    pub fn index_html() -> Option<String> {
        None
    }

    pub async fn serve() -> StatusCode {
        StatusCode::NOT_FOUND
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_named_files_are_told_apart() {
        assert!(is_content_named("/qingdan_app_bg.0123456789abcdef.wasm"));
        assert!(is_content_named("/checklists.2cf18f32f7c74797.json"));
        assert!(!is_content_named("/index.html"));
        assert!(!is_content_named("/sw.js"));
        assert!(!is_content_named("/qingdan_app.0123456789ABCDEF.js"));
    }

    #[test]
    fn a_folder_named_without_its_slash_is_sent_to_its_page() {
        let has = |p: &str| p == "console/index.html";
        assert_eq!(folder_page("console", has), Some("/console/".into()));
        assert_eq!(folder_page("console/", has), None);
        assert_eq!(folder_page("nothing", has), None);
        assert_eq!(folder_page("", has), None);
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }
}
