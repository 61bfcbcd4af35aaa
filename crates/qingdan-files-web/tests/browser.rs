//! The files module in a real browser (headless Chromium, `cargo xtask
//! test`): a 4000 × 3000 photo kept at 1600 × 1200 as a JPEG; a PDF left
//! alone; a file's facts; a bundle written and opened, and one with a
//! byte of a file changed refused naming it.

#![cfg(target_arch = "wasm32")]

use qingdan_core::attachments;
use qingdan_core::packet;
use qingdan_core::{Responses, Template};
use qingdan_files_web::{open_bundle, shrink_photo, write_bundle};
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "../../qingdan-core/benches/fixtures/mod.rs"]
mod fixtures;

/// A `width` × `height` PNG drawn by the browser (a gradient, so that it
/// is a photo of something).
async fn png(width: u32, height: u32) -> Vec<u8> {
    let canvas = web_sys::OffscreenCanvas::new(width, height).unwrap();
    let context: web_sys::OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let gradient = context.create_linear_gradient(0.0, 0.0, f64::from(width), f64::from(height));
    gradient.add_color_stop(0.0, "#c00").unwrap();
    gradient.add_color_stop(1.0, "#06c").unwrap();
    context.set_fill_style_canvas_gradient(&gradient);
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    let options = web_sys::ImageEncodeOptions::new();
    options.set_type("image/png");
    let blob: web_sys::Blob =
        JsFuture::from(canvas.convert_to_blob_with_options(&options).unwrap())
            .await
            .unwrap()
            .unchecked_into();
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

/// The width and height of the image in `bytes`, as the browser opens it.
async fn size_of(bytes: &[u8]) -> (u32, u32) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let window = web_sys::window().unwrap();
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(&blob).unwrap())
            .await
            .unwrap()
            .unchecked_into();
    (bitmap.width(), bitmap.height())
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

#[wasm_bindgen_test]
async fn a_large_photo_is_kept_at_1600_pixels_as_a_jpeg_and_a_pdf_is_not_a_photo() {
    let photo = png(4000, 3000).await;
    assert_eq!(size_of(&photo).await, (4000, 3000));
    let kept = shrink_photo(photo.clone()).await.unwrap();
    assert_eq!(attachments::sniff(&kept), Some("image/jpeg"));
    assert_eq!(size_of(&kept).await, (1600, 1200));
    // A small one keeps its size.
    let small = shrink_photo(png(640, 480).await).await.unwrap();
    assert_eq!(size_of(&small).await, (640, 480));
    let refused = shrink_photo(PDF.to_vec()).await.unwrap_err();
    assert_eq!(
        refused.as_string().unwrap(),
        "not a JPEG, PNG or WebP photo"
    );
}

/// A signed self-assessment naming `files` on the checklist's first item.
fn signed(files: &[&[u8]]) -> Vec<u8> {
    let template =
        Template::parse(qingdan_core::bundled::find("jiandu-zeren").unwrap().json()).unwrap();
    let responses = Responses::parse(&template, r#"{"1.1": {"answer": "done"}}"#).unwrap();
    let names: Vec<String> = (0..files.len()).map(|i| format!("file{i}")).collect();
    let named: Vec<(&str, &[u8])> = names
        .iter()
        .map(String::as_str)
        .zip(files.iter().copied())
        .collect();
    packet::to_file_text(&fixtures::signed_with_files(
        &template,
        &responses,
        [5, 6],
        &named,
    ))
    .into_bytes()
}

#[wasm_bindgen_test]
async fn a_bundle_is_written_and_opened_and_one_with_a_file_changed_is_refused_naming_it() {
    let photo = shrink_photo(png(800, 600).await).await.unwrap();
    let packet = signed(&[&photo, PDF]);
    let files = vec![
        js_sys::Uint8Array::from(photo.as_slice()),
        js_sys::Uint8Array::from(PDF),
    ];
    let bundle = write_bundle(&packet, files).unwrap();
    let parts = open_bundle(&bundle).unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].to_vec(), packet, "the packet's exact bytes");
    assert_eq!(parts[1].to_vec(), photo);
    assert_eq!(parts[2].to_vec(), PDF);

    let mut changed = photo.clone();
    let last = changed.len() - 3;
    changed[last] ^= 1;
    let tampered = write_bundle(
        &packet,
        vec![
            js_sys::Uint8Array::from(changed.as_slice()),
            js_sys::Uint8Array::from(PDF),
        ],
    )
    .unwrap();
    // Kept under its own digest, the changed photo is not the one signed.
    let refused = open_bundle(&tampered).unwrap_err().as_string().unwrap();
    // Said as facts, for the app to say in its user's language.
    assert_eq!(refused, r#"{"file":"file0","item":"1.1"}"#);
}
