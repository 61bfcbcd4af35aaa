//! Signing keys kept on a shared device, only ever stored encrypted.
//!
//! A key's 32-byte Ed25519 seed is sealed with AES-256-GCM under a key
//! derived from the signer's PIN by PBKDF2-HMAC-SHA-256 with
//! [`ITERATIONS`] iterations and a random 16-byte salt (WebCrypto does the
//! work). The sealed form is what IndexedDB keeps and what a key file
//! (`qingdan.key/1`) carries to another device; the seed exists in memory
//! only while a packet is being signed.

use ed25519_dalek::SigningKey;
use js_sys::{Array, Object, Reflect, Uint8Array};
use qingdan_core::keys;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// The format of a key file.
pub const KEY_FORMAT: &str = "qingdan.key/1";
/// PBKDF2 iterations (OWASP's figure for PBKDF2-HMAC-SHA-256).
pub const ITERATIONS: u32 = 600_000;
/// The shortest PIN accepted.
pub const MIN_PIN_CHARS: usize = 8;
/// The most PBKDF2 iterations a key file may ask for: ten times ours. A
/// file asking for more would hold the tab for minutes at each signature.
pub const MAX_ITERATIONS: u32 = 10 * ITERATIONS;

/// A signing key as it is stored: its public half in the clear, its seed
/// sealed under the owner's PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    /// Always [`KEY_FORMAT`].
    pub format: String,
    /// The signer's name, as it will appear in packets.
    pub name: String,
    /// The signer's role (`principal`, `supervisory`, `inspector`).
    pub role: String,
    /// The public key, base64url.
    pub public_key: String,
    /// The public key's fingerprint (the store's key).
    pub fingerprint: String,
    /// Always `PBKDF2-SHA256`.
    pub kdf: String,
    /// PBKDF2 iterations.
    pub iterations: u32,
    /// The PBKDF2 salt, base64url.
    pub salt: String,
    /// The AES-GCM nonce, base64url.
    pub iv: String,
    /// The sealed seed with its GCM tag, base64url.
    pub sealed_seed: String,
}

/// Why a key could not be made, opened or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultError {
    /// The PIN does not open this key.
    WrongPin,
    /// The PIN is shorter than [`MIN_PIN_CHARS`].
    PinTooShort,
    /// A key file that is not a `qingdan.key/1` key, or is damaged.
    BadKeyFile(String),
    /// The browser refused.
    Browser(String),
    /// The page is not a secure context (plain HTTP on a network
    /// address): browsers give WebCrypto only to HTTPS and this machine.
    /// Holds the page's origin.
    Insecure(String),
}

impl VaultError {
    fn browser(e: JsValue) -> VaultError {
        VaultError::Browser(crate::js_error_text(&e))
    }
}

/// Makes a new key for `name` in `role`, sealed under `pin`.
pub async fn generate(name: &str, role: &str, pin: &str) -> Result<SealedKey, VaultError> {
    let mut seed = [0u8; 32];
    random_bytes(&mut seed)?;
    seal(&SigningKey::from_bytes(&seed), name, role, pin).await
}

/// Seals `key` under `pin` with a fresh salt and nonce.
pub async fn seal(
    key: &SigningKey,
    name: &str,
    role: &str,
    pin: &str,
) -> Result<SealedKey, VaultError> {
    if pin.chars().count() < MIN_PIN_CHARS {
        return Err(VaultError::PinTooShort);
    }
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 12];
    random_bytes(&mut salt)?;
    random_bytes(&mut iv)?;
    let aes = derive(pin, &salt, ITERATIONS).await?;
    let sealed = aes_gcm(&aes, &iv, &key.to_bytes(), true).await?;
    let public = key.verifying_key();
    Ok(SealedKey {
        format: KEY_FORMAT.into(),
        name: name.trim().into(),
        role: role.into(),
        public_key: keys::encode_public_key(&public),
        fingerprint: keys::fingerprint(&public),
        kdf: "PBKDF2-SHA256".into(),
        iterations: ITERATIONS,
        salt: keys::encode(&salt),
        iv: keys::encode(&iv),
        sealed_seed: keys::encode(&sealed),
    })
}

/// Opens a sealed key with `pin`; [`VaultError::WrongPin`] when the PIN is
/// not the one it was sealed with.
pub async fn open(sealed: &SealedKey, pin: &str) -> Result<SigningKey, VaultError> {
    let bad = |what: &str| VaultError::BadKeyFile(what.to_owned());
    let salt = decode(&sealed.salt).ok_or_else(|| bad("salt"))?;
    let iv = decode(&sealed.iv).ok_or_else(|| bad("iv"))?;
    let data = decode(&sealed.sealed_seed).ok_or_else(|| bad("sealed_seed"))?;
    let aes = derive(pin, &salt, sealed.iterations).await?;
    let seed = aes_gcm(&aes, &iv, &data, false)
        .await
        .map_err(|_| VaultError::WrongPin)?;
    let seed: [u8; 32] = seed.try_into().map_err(|_| bad("sealed_seed"))?;
    let key = SigningKey::from_bytes(&seed);
    if keys::encode_public_key(&key.verifying_key()) != sealed.public_key {
        return Err(bad("public_key"));
    }
    Ok(key)
}

/// Reads a key file, checking its format and fields.
pub fn read_key_file(text: &str) -> Result<SealedKey, VaultError> {
    let key: SealedKey =
        crate::json::read(text).map_err(|e| VaultError::BadKeyFile(e.to_string()))?;
    if key.format != KEY_FORMAT {
        return Err(VaultError::BadKeyFile(format!(
            "format: expected \"{KEY_FORMAT}\", found \"{}\"",
            key.format
        )));
    }
    if key.kdf != "PBKDF2-SHA256" || !(ITERATIONS..=MAX_ITERATIONS).contains(&key.iterations) {
        return Err(VaultError::BadKeyFile(format!(
            "kdf: expected PBKDF2-SHA256 with {ITERATIONS} to {MAX_ITERATIONS} iterations, found {} with {}",
            key.kdf, key.iterations
        )));
    }
    let public = keys::decode_public_key(&key.public_key)
        .map_err(|e| VaultError::BadKeyFile(format!("public_key: {e}")))?;
    if keys::fingerprint(&public) != key.fingerprint {
        return Err(VaultError::BadKeyFile(
            "fingerprint: does not match public_key".into(),
        ));
    }
    Ok(key)
}

/// Fills `bytes` from the browser's cryptographic random source.
pub fn random_bytes(bytes: &mut [u8]) -> Result<(), VaultError> {
    crypto()?
        .get_random_values_with_u8_array(bytes)
        .map(drop)
        .map_err(VaultError::browser)
}

fn decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

fn crypto() -> Result<web_sys::Crypto, VaultError> {
    let global = js_sys::global();
    Reflect::get(&global, &"crypto".into())
        .ok()
        .and_then(|c| c.dyn_into::<web_sys::Crypto>().ok())
        .ok_or_else(|| VaultError::Browser("crypto is not available".into()))
}

/// `Err(Insecure(origin))` when the page is not a secure context, in which
/// browsers make no keys.
pub fn secure_context() -> Result<(), VaultError> {
    match web_sys::window() {
        Some(window) if !window.is_secure_context() => Err(VaultError::Insecure(
            window.location().origin().unwrap_or_default(),
        )),
        _ => Ok(()),
    }
}

fn subtle() -> Result<SubtleCrypto, VaultError> {
    secure_context()?;
    let subtle = crypto()?.subtle();
    if subtle.is_undefined() {
        return Err(VaultError::Browser(
            "WebCrypto needs a secure context (HTTPS or localhost)".into(),
        ));
    }
    Ok(subtle)
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (name, value) in fields {
        // Setting a field on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*name).into(), value);
    }
    object
}

async fn promise(p: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(p?).await
}

/// PBKDF2-HMAC-SHA-256(pin, salt, iterations) as a non-extractable AES-256-GCM key.
async fn derive(pin: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, VaultError> {
    let subtle = subtle()?;
    let pin_bytes = Uint8Array::from(pin.as_bytes());
    let base: CryptoKey = promise(subtle.import_key_with_str(
        "raw",
        &pin_bytes,
        "PBKDF2",
        false,
        &Array::of1(&"deriveKey".into()),
    ))
    .await
    .map_err(VaultError::browser)?
    .unchecked_into();
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ]);
    let aes = object(&[("name", "AES-GCM".into()), ("length", 256.into())]);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    Ok(
        promise(subtle.derive_key_with_object_and_object(&params, &base, &aes, false, &usages))
            .await
            .map_err(VaultError::browser)?
            .unchecked_into(),
    )
}

async fn aes_gcm(
    key: &CryptoKey,
    iv: &[u8],
    data: &[u8],
    encrypt: bool,
) -> Result<Vec<u8>, VaultError> {
    let subtle = subtle()?;
    let params = object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
    ]);
    let data = Uint8Array::from(data);
    let call = if encrypt {
        subtle.encrypt_with_object_and_buffer_source(&params, key, &data)
    } else {
        subtle.decrypt_with_object_and_buffer_source(&params, key, &data)
    };
    let out = promise(call).await.map_err(VaultError::browser)?;
    Ok(Uint8Array::new(&out).to_vec())
}
