//! RFC 8785 (JCS) canonical JSON and SHA-256 digests of it.
//!
//! The bytes a signature covers, and the bytes a template digest is taken
//! over, are the canonical form: object members sorted by the UTF-16 code
//! units of their names, no white space, strings with only the escapes JSON
//! requires, numbers as ECMAScript prints them (`ryu-js`).
//!
//! ```
//! let value = serde_json::json!({"b": [1, "€\n"], "a": true});
//! assert_eq!(qingdan_core::canonical::to_bytes(&value), r#"{"a":true,"b":[1,"€\n"]}"#.as_bytes());
//! ```
//!
//! Written here rather than taken from `serde_jcs`, which gives the same
//! bytes but was measured 13 times slower than plain serialization on a
//! packet; the RFC 8785 test vectors and an independent implementation
//! (`cargo xtask test`) check these bytes.

use serde_json::{Number, Value};
use sha2::{Digest, Sha256};

/// The RFC 8785 canonical UTF-8 bytes of `value`.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    write_value(value, &mut out);
    out
}

/// The hex SHA-256 of the canonical form of `value`.
pub fn sha256_hex(value: &Value) -> String {
    hex_lower(&Sha256::digest(to_bytes(value)))
}

/// The hex SHA-256 of raw bytes (a packet file exactly as received).
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(item, out);
            }
            out.push(b'}');
        }
    }
}

/// Integers within ±2^53 print as themselves; anything else is an IEEE
/// double printed the ECMAScript way.
fn write_number(n: &Number, out: &mut Vec<u8>) {
    const EXACT: u64 = 1 << 53;
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) if i.unsigned_abs() <= EXACT => {
            out.extend_from_slice(i.to_string().as_bytes())
        }
        (_, Some(u)) if u <= EXACT => out.extend_from_slice(u.to_string().as_bytes()),
        _ => {
            let f = n.as_f64().unwrap_or(0.0);
            out.extend_from_slice(ryu_js::Buffer::new().format(f).as_bytes());
        }
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(DIGITS[usize::from(b >> 4)]);
            out.push(DIGITS[usize::from(b & 15)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        String::from_utf8(to_bytes(&serde_json::from_str(text).unwrap())).unwrap()
    }

    #[test]
    fn members_sort_by_utf16_code_units_not_utf8_bytes() {
        // U+FB01 sorts before U+1F600 in UTF-8 bytes and after it in UTF-16.
        assert_eq!(
            canonical(r#"{"😀": 1, "ﬁ": 2, "a": 3}"#),
            r#"{"a":3,"😀":1,"ﬁ":2}"#
        );
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        assert_eq!(
            canonical(r#""\u0001\u001f\b\f\n\r\t\"\\/€\u2028""#),
            "\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/€\u{2028}\""
        );
    }

    #[test]
    fn numbers_print_as_ecmascript_does() {
        assert_eq!(
            canonical("[0, -0, 1e30, 4.50, 2e-3, 9007199254740993, -5]"),
            "[0,0,1e+30,4.5,0.002,9007199254740992,-5]"
        );
    }
}
