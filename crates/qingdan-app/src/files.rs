//! The files module (`qingdan-files-web`) from the app: a wasm module of
//! its own that `index.html` imports the first time it is wanted
//! (`window.qingdanFiles()`), so that the zip and image code is not part
//! of the app's start. Each call here waits for the module, then calls one
//! of its exports.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js_error_text;

/// Why a bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleRefused {
    /// A file is missing or is not the file the signed packet names.
    File {
        /// The file's name as the packet gives it.
        name: String,
        /// The item it is on.
        item: String,
    },
    /// Anything else (not a zip, no packet, a file the packet does not
    /// name), as the module said it.
    Other(String),
}

/// The started module.
async fn module() -> Result<JsValue, String> {
    let window = gloo::utils::window();
    let start: Function = Reflect::get(&window, &"qingdanFiles".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| "qingdanFiles is not part of this page".to_owned())?;
    let promise: Promise = start
        .call0(&JsValue::NULL)
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    JsFuture::from(promise).await.map_err(|e| js_error_text(&e))
}

/// Calls the module's export `name` with `args`, awaiting it when it gives
/// a promise.
async fn call(name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let module = module().await.map_err(|e| JsValue::from_str(&e))?;
    let f: Function = Reflect::get(&module, &name.into())?.unchecked_into();
    let value = f.apply(&JsValue::NULL, args)?;
    match value.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn bytes(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}

/// A photo made smaller (longest side 1,600 pixels) and kept as a JPEG.
pub async fn shrink_photo(photo: &[u8]) -> Result<Vec<u8>, String> {
    call("shrink_photo", &Array::of1(&Uint8Array::from(photo)))
        .await
        .map(|v| bytes(&v))
        .map_err(|e| js_error_text(&e))
}

/// The bundle of `packet` (its exact bytes) and `files`.
pub async fn write_bundle(packet: &[u8], files: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let list: Array = files
        .iter()
        .map(|f| Uint8Array::from(f.as_slice()))
        .collect();
    call(
        "write_bundle",
        &Array::of2(&Uint8Array::from(packet), &list),
    )
    .await
    .map(|v| bytes(&v))
    .map_err(|e| js_error_text(&e))
}

/// A bundle checked whole: the packet's bytes and how many files it holds,
/// each checked against the entry the packet signs.
pub async fn open_bundle(bundle: &[u8]) -> Result<(Vec<u8>, usize), BundleRefused> {
    match call("open_bundle", &Array::of1(&Uint8Array::from(bundle))).await {
        Ok(parts) => {
            let parts: Array = parts.unchecked_into();
            let files = (parts.length() as usize).saturating_sub(1);
            Ok((bytes(&parts.get(0)), files))
        }
        Err(e) => Err(refused(&e)),
    }
}

/// What the module said of a bundle refused: a file named by the packet
/// (`{"file": …, "item": …}`), or a sentence.
fn refused(e: &JsValue) -> BundleRefused {
    #[derive(Deserialize)]
    struct Named {
        file: String,
        item: String,
    }
    let text = js_error_text(e);
    match crate::json::read::<Named>(&text) {
        Ok(n) => BundleRefused::File {
            name: n.file,
            item: n.item,
        },
        Err(_) => BundleRefused::Other(text),
    }
}
