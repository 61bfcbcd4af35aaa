//! RFC 8785 (JCS) canonical JSON and SHA-256 digests of it.
//!
//! The bytes a signature covers, and the bytes a template digest is taken
//! over, are the canonical form: object members sorted by their UTF-16 code
//! units, no white space, numbers and strings in ECMAScript form.
//!
//! ```
//! let value = serde_json::json!({"b": [1, "€"], "a": true});
//! assert_eq!(qingdan_core::canonical::to_bytes(&value), r#"{"a":true,"b":[1,"€"]}"#.as_bytes());
//! ```

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The RFC 8785 canonical UTF-8 bytes of `value`.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    // Serializing a `Value` cannot fail: its keys are strings and its
    // numbers finite.
    serde_jcs::to_vec(value).unwrap_or_default()
}

/// The hex SHA-256 of the canonical form of `value`.
pub fn sha256_hex(value: &Value) -> String {
    hex_lower(&Sha256::digest(to_bytes(value)))
}

/// The hex SHA-256 of `bytes`.
pub fn sha256_hex_of_bytes(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
