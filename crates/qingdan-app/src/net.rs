//! Requests to the intake: `fetch`, with a time limit.

use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js_error_text;

/// A request that has not been answered after this long is given up (and
/// counts as a network failure, to be retried).
pub const TIMEOUT_MS: u32 = 30_000;

/// The intake's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
    /// The `Retry-After` header, when there is one.
    pub retry_after: Option<String>,
    /// The `Qingdan-Signature` header (on a served checklist).
    pub signature: Option<String>,
}

/// Sends `method url` with a JSON `body`; `Err` when no answer came (no
/// network, refused, timed out, or blocked by the browser).
pub async fn request(method: &str, url: &str, body: Option<&str>) -> Result<Reply, String> {
    let body = body.map(JsValue::from_str);
    send(method, url, body.as_ref().map(|b| (b, "application/json"))).await
}

/// Sends `bytes` of type `media_type` with `PUT url`, as [`request`].
pub async fn put_bytes(url: &str, bytes: &[u8], media_type: &str) -> Result<Reply, String> {
    let body: JsValue = js_sys::Uint8Array::from(bytes).into();
    send("PUT", url, Some((&body, media_type))).await
}

async fn send(method: &str, url: &str, body: Option<(&JsValue, &str)>) -> Result<Reply, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let controller = web_sys::AbortController::new().map_err(|e| js_error_text(&e))?;
    init.set_signal(Some(&controller.signal()));
    if let Some((body, media_type)) = body {
        init.set_body(body);
        let headers = web_sys::Headers::new().map_err(|e| js_error_text(&e))?;
        headers
            .set("content-type", media_type)
            .map_err(|e| js_error_text(&e))?;
        init.set_headers(&headers);
    }
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| js_error_text(&e))?;
    // Dropping the timer (when the answer is in) cancels it.
    let _deadline = Timeout::new(TIMEOUT_MS, move || controller.abort());
    let response: web_sys::Response =
        JsFuture::from(gloo::utils::window().fetch_with_request(&request))
            .await
            .map_err(|e| js_error_text(&e))?
            .unchecked_into();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let (retry_after, signature) = (header("retry-after"), header("qingdan-signature"));
    let text = response.text().map_err(|e| js_error_text(&e))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|e| js_error_text(&e))?
        .as_string()
        .unwrap_or_default();
    Ok(Reply {
        status: response.status(),
        body,
        retry_after,
        signature,
    })
}
