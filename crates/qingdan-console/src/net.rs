//! Requests to the intake that serves the console: `fetch` on the same
//! origin, with the session cookie, and a time limit.

use gloo::timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{ApiError, Reply};

/// A request not answered after this long is given up.
pub const TIMEOUT_MS: u32 = 30_000;

/// The text of a JS error or exception.
pub fn js_error_text(e: &JsValue) -> String {
    if let Some(e) = e.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Sends `method url` with a JSON `body`; [`ApiError::Unreachable`] when
/// no answer came.
pub async fn request(method: &str, url: &str, body: Option<&str>) -> Result<Reply, ApiError> {
    let body = body.map(|b| (JsValue::from_str(b), "application/json"));
    send(method, url, body).await.map_err(ApiError::Unreachable)
}

/// Sends `POST url` with a file the administrator chose as its body, as
/// it is (a workbook, a checklist's JSON).
pub async fn upload(
    url: &str,
    file: &web_sys::File,
    content_type: &str,
) -> Result<Reply, ApiError> {
    send("POST", url, Some((file.into(), content_type)))
        .await
        .map_err(ApiError::Unreachable)
}

async fn send(method: &str, url: &str, body: Option<(JsValue, &str)>) -> Result<Reply, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    // The session cookie goes with every request to the intake, and only there.
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let controller = web_sys::AbortController::new().map_err(|e| js_error_text(&e))?;
    init.set_signal(Some(&controller.signal()));
    if let Some((body, content_type)) = body {
        init.set_body(&body);
        let headers = web_sys::Headers::new().map_err(|e| js_error_text(&e))?;
        headers
            .set("content-type", content_type)
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
    let retry_after = response.headers().get("retry-after").ok().flatten();
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
    })
}

/// An HTML page held by the browser, at a `blob:` address that a link
/// opens in a new tab (for printing); free it with [`forget_url`].
pub fn html_url(html: &str) -> Result<String, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(html));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/html;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| js_error_text(&e))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_error_text(&e))
}

/// Frees what [`html_url`] holds.
pub fn forget_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
