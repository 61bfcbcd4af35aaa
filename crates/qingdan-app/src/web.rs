//! Small browser services: the clock, fresh ids, files in and out, storage
//! status, and the save-latency record the benchmark reads.

use js_sys::{Array, Date, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The text of a JS error or exception.
pub fn js_error_text(e: &JsValue) -> String {
    if let Some(e) = e.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    if let Some(e) = e.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// The time now, RFC 3339 in UTC to the second (`2026-11-23T08:30:00Z`).
pub fn now() -> String {
    let iso = String::from(Date::new_0().to_iso_string());
    // toISOString gives `2026-11-23T08:30:00.123Z`.
    match iso.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => iso,
    }
}

/// Milliseconds since the page started, for latency records.
pub fn clock_ms() -> f64 {
    gloo::utils::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(Date::now)
}

/// A fresh random (version 4) UUID.
pub fn new_uuid() -> Result<String, crate::vault::VaultError> {
    let mut bytes = [0u8; 16];
    crate::vault::random_bytes(&mut bytes)?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

/// Sets a performance mark `qingdan:<name>` (the benchmark reads the
/// start-up marks: `lists-read`, `db-open`).
pub fn mark(name: &str) {
    if let Some(p) = gloo::utils::window().performance() {
        let _ = p.mark(&format!("qingdan:{name}"));
    }
}

/// Records one save's latency in `window.__qingdanSaveMs`, which the
/// benchmark reads.
pub fn record_save_ms(ms: f64) {
    let window = gloo::utils::window();
    let key = JsValue::from_str("__qingdanSaveMs");
    let list = match Reflect::get(&window, &key)
        .ok()
        .and_then(|v| v.dyn_into::<Array>().ok())
    {
        Some(list) => list,
        None => {
            let list = Array::new();
            let _ = Reflect::set(&window, &key, &list);
            list
        }
    };
    list.push(&JsValue::from_f64(ms));
}

/// Offers `text` to the user as a download called `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    download_part(name, &JsValue::from_str(text), mime)
}

/// Offers `bytes` to the user as a download called `name`.
pub fn download_bytes(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    download_part(name, &js_sys::Uint8Array::from(bytes), mime)
}

/// A URL (`blob:`) for `bytes` of type `mime`, to show or open; the
/// caller revokes it.
pub fn object_url(bytes: &[u8], mime: &str) -> Result<String, String> {
    blob_url(&js_sys::Uint8Array::from(bytes), mime)
}

/// A URL (`blob:`) for `part`, a string or bytes.
fn blob_url(part: &JsValue, mime: &str) -> Result<String, String> {
    let parts = Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| js_error_text(&e))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_error_text(&e))
}

/// Offers `part` (a string or bytes) as a download called `name`.
fn download_part(name: &str, part: &JsValue, mime: &str) -> Result<(), String> {
    let url = blob_url(part, mime)?;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download has its own reference to the blob; release ours later.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The text of the first file chosen in `input`, with its name.
pub async fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
) -> Option<(String, Result<String, String>)> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let text = match JsFuture::from(file.text()).await {
        Ok(v) => v.as_string().ok_or_else(|| "not text".to_owned()),
        Err(e) => Err(js_error_text(&e)),
    };
    input.set_value("");
    Some((name, text))
}

/// The name and bytes of the file chosen in `input`, then clears the
/// input so the same file can be chosen again.
pub async fn read_chosen_bytes(
    input: &web_sys::HtmlInputElement,
) -> Option<(String, Result<Vec<u8>, String>)> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let bytes = match JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => Ok(js_sys::Uint8Array::new(&buffer).to_vec()),
        Err(e) => Err(js_error_text(&e)),
    };
    input.set_value("");
    Some((name, bytes))
}

/// Reads an `.xlsx` workbook into checklist JSON with the spreadsheet
/// reader, a wasm module of its own that `index.html` loads the first time
/// (`window.qingdanReadWorkbook`). On failure, every problem, one an entry.
pub async fn read_workbook(bytes: &[u8]) -> Result<String, Vec<String>> {
    call_reader(
        "qingdanReadWorkbook",
        &js_sys::Uint8Array::from(bytes).into(),
    )
    .await?
    .as_string()
    .ok_or_else(|| vec!["the spreadsheet reader gave no text".to_owned()])
}

/// The problems of checklist JSON, each named by its item and JSON path,
/// from the reader module (`window.qingdanCheckChecklist`): the app's own
/// reader does not track paths, to stay small.
pub async fn check_checklist(text: &str) -> Result<(), Vec<String>> {
    call_reader("qingdanCheckChecklist", &text.into())
        .await
        .map(drop)
}

/// Calls the reader module's entry `name` (set by `index.html`, which loads
/// the module on first use); on failure, its problems, one an entry.
async fn call_reader(name: &str, arg: &JsValue) -> Result<JsValue, Vec<String>> {
    let window = gloo::utils::window();
    let reader = Reflect::get(&window, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| vec![format!("{name} is not part of this page")])?;
    let promise = reader
        .call1(&JsValue::NULL, arg)
        .map_err(|e| vec![js_error_text(&e)])?;
    let promise: js_sys::Promise = promise
        .dyn_into()
        .map_err(|_| vec![format!("{name} gave no promise")])?;
    JsFuture::from(promise)
        .await
        .map_err(|e| match e.as_string() {
            Some(lines) => lines.lines().map(str::to_owned).collect(),
            None => vec![js_error_text(&e)],
        })
}

/// Storage status: whether it is persistent, and bytes used and allowed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageStatus {
    /// Whether the browser can make storage persistent at all (WebKit, as
    /// on an iPad, has no `navigator.storage`).
    pub supported: bool,
    /// Whether the browser has made this site's storage persistent.
    pub persisted: bool,
    /// Bytes used, when the browser says.
    pub usage: Option<f64>,
    /// Bytes allowed, when the browser says.
    pub quota: Option<f64>,
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = gloo::utils::window().navigator();
    let storage = Reflect::get(&navigator, &"storage".into()).ok()?;
    storage.dyn_into().ok()
}

/// Asks the browser to keep this site's storage (`navigator.storage.persist()`).
pub async fn request_persistence() -> bool {
    let Some(manager) = storage_manager() else {
        return false;
    };
    promised_bool(manager.persist()).await
}

/// What a promise of a boolean gave; `false` when it failed.
async fn promised_bool(promise: Result<js_sys::Promise, JsValue>) -> bool {
    match promise {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// Reads the storage status.
pub async fn storage_status() -> StorageStatus {
    let Some(manager) = storage_manager() else {
        return StorageStatus::default();
    };
    let persisted = promised_bool(manager.persisted()).await;
    let estimate: Option<web_sys::StorageEstimate> = match manager.estimate() {
        Ok(p) => JsFuture::from(p).await.ok().map(JsCast::unchecked_into),
        Err(_) => None,
    };
    StorageStatus {
        supported: true,
        persisted,
        usage: estimate.as_ref().and_then(|e| e.get_usage()),
        quota: estimate.as_ref().and_then(|e| e.get_quota()),
    }
}

/// `bytes` for people, to a tenth: `1.2 MB`. In integers, so that the app
/// carries no float formatting.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    // The browser's estimate is a whole number of bytes.
    let bytes = bytes.max(0.0) as u64;
    let mut unit = 0;
    while unit < UNITS.len() - 1 && bytes >= 1024u64.pow(unit as u32 + 1) {
        unit += 1;
    }
    let scale = 1024u64.pow(unit as u32);
    let tenths = (u128::from(bytes) * 10 + u128::from(scale) / 2) / u128::from(scale);
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_to_a_tenth_in_the_largest_whole_unit() {
        assert_eq!(human_bytes(0.0), "0.0 B");
        assert_eq!(human_bytes(1023.0), "1023.0 B");
        assert_eq!(human_bytes(1024.0), "1.0 KB");
        assert_eq!(human_bytes(1280.0), "1.3 KB");
        assert_eq!(human_bytes(5.0 * 1024.0 * 1024.0 * 1024.0), "5.0 GB");
        assert_eq!(human_bytes(1_181_116_006.0), "1.1 GB");
        assert_eq!(human_bytes(-3.0), "0.0 B");
    }
}
