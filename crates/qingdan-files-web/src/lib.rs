//! The browser's files: a photo made smaller before it is kept, and
//! bundles (a packet with its files, as [`qingdan_bundle`] writes and
//! checks them). A zip reader and writer
//! and the image code are more than the app should carry for something a
//! unit does a few times a year, so this is a wasm module of its own:
//! `index.html` imports it the first time a file is attached or a bundle
//! opened, and the service worker keeps it for offline use.

use qingdan_core::attachments::{self, Limits};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The longest side of a photo kept, in pixels.
pub const LONGEST_SIDE: u32 = 1600;

/// The quality photos are kept at (JPEG, 0 to 1).
pub const JPEG_QUALITY: f64 = 0.85;

/// The size a photo of `width` × `height` is kept at: the same when its
/// longest side is at most [`LONGEST_SIDE`], else scaled so that it is
/// (rounded, never below one pixel).
pub fn kept_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= LONGEST_SIDE {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(LONGEST_SIDE) + u64::from(longest) / 2)
            / u64::from(longest);
        u32::try_from(scaled).unwrap_or(LONGEST_SIDE).max(1)
    };
    (scale(width), scale(height))
}

/// The text of a JS error.
fn said(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A photo made smaller (its longest side at most [`LONGEST_SIDE`]) and
/// kept as a JPEG: the bytes to keep. A PDF, or bytes that are no photo,
/// are refused here with a sentence saying so (the app keeps a PDF as it
/// is).
#[wasm_bindgen]
pub async fn shrink_photo(bytes: Vec<u8>) -> Result<Vec<u8>, JsValue> {
    let kind = attachments::sniff(&bytes);
    if !matches!(kind, Some("image/jpeg" | "image/png" | "image/webp")) {
        return Err(JsValue::from_str("not a JPEG, PNG or WebP photo"));
    }
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(&blob)?)
        .await
        .map_err(|e| JsValue::from_str(&format!("the photo does not open: {}", said(&e))))?
        .unchecked_into();
    let (width, height) = kept_size(bitmap.width(), bitmap.height());
    let canvas = web_sys::OffscreenCanvas::new(width, height)?;
    let context: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d canvas"))?
        .unchecked_into();
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )?;
    bitmap.close();
    let options = web_sys::ImageEncodeOptions::new();
    options.set_type("image/jpeg");
    options.set_quality(JPEG_QUALITY);
    let jpeg: web_sys::Blob = JsFuture::from(canvas.convert_to_blob_with_options(&options)?)
        .await?
        .unchecked_into();
    let buffer = JsFuture::from(jpeg.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The bundle of a packet (its exact bytes) and its files.
#[wasm_bindgen]
pub fn write_bundle(packet: &[u8], files: Vec<js_sys::Uint8Array>) -> Result<Vec<u8>, JsValue> {
    let files: Vec<Vec<u8>> = files.iter().map(js_sys::Uint8Array::to_vec).collect();
    qingdan_bundle::write(packet, files.iter().map(Vec::as_slice))
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// A bundle checked whole (the packet reads; every file it names is there
/// and is that file; no other): the packet's bytes, then each file's, in
/// the order the packet names them. Refused with what is wrong: for a file
/// missing or changed, `{"file": name, "item": item}`; else a sentence.
#[wasm_bindgen]
pub fn open_bundle(bytes: &[u8]) -> Result<Vec<js_sys::Uint8Array>, JsValue> {
    const MAX_PACKET: u64 = 16 * 1024 * 1024;
    let (packet, bundle) =
        qingdan_bundle::open(bytes, MAX_PACKET, Limits::default()).map_err(|e| match e {
            // A file the signed packet names: said as facts, for the app
            // to say in its user's language.
            qingdan_bundle::BundleError::File(m) => {
                JsValue::from_str(&serde_json::json!({"file": m.name, "item": m.item}).to_string())
            }
            e => JsValue::from_str(&e.to_string()),
        })?;
    let mut parts = vec![js_sys::Uint8Array::from(bundle.packet.as_slice())];
    for entry in &packet.payload().attachments {
        let file = bundle
            .files
            .get(&entry.sha256)
            .map(Vec::as_slice)
            .unwrap_or_default();
        parts.push(js_sys::Uint8Array::from(file));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_kept_at_most_1600_pixels_on_its_longest_side() {
        assert_eq!(kept_size(4000, 3000), (1600, 1200));
        assert_eq!(kept_size(3000, 4000), (1200, 1600));
        assert_eq!(kept_size(1600, 900), (1600, 900));
        assert_eq!(kept_size(800, 600), (800, 600));
        assert_eq!(kept_size(10_000, 3), (1600, 1), "never below a pixel");
        assert_eq!(kept_size(1601, 1601), (1600, 1600));
    }
}
