//! Strict JSON reading shared by templates, responses and packets.
//!
//! `serde_json` keeps the last of two equal keys in an object; for a signed
//! document that would let two readers see two different values. Here a
//! duplicate key is an error that names its JSON path. So is an integer
//! beyond ±(2^53 − 1): JavaScript, and so the browser app and many other
//! readers, would hold a different number than the one signed. Nesting is
//! limited by `serde_json`'s recursion limit (128), so deep input is an
//! error, never a stack overflow.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// Where: a JSON path such as `sections[0].items` or `line 3, column 7`.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

/// The largest integer every JSON reader holds exactly: 2^53 − 1
/// (JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Parses `text` into a [`Value`], refusing duplicate object keys and
/// integers beyond ±[`MAX_SAFE_INTEGER`].
pub fn parse_strict(text: &str) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut fault = None;
    let result = StrictValue { fault: &mut fault }.deserialize(&mut de);
    let value = match (result, fault) {
        (_, Some(Fault { message, mut path })) => {
            path.reverse();
            return Err(JsonError {
                at: format_path(&path),
                message,
            });
        }
        (Ok(v), None) => v,
        (Err(e), None) => {
            return Err(JsonError {
                at: format!("line {}, column {}", e.line(), e.column()),
                message: strip_position(&e.to_string()),
            });
        }
    };
    de.end().map_err(|e| JsonError {
        at: format!("line {}, column {}", e.line(), e.column()),
        message: "text after the end of the JSON value".into(),
    })?;
    Ok(value)
}

/// `serde_json` appends " at line L column C"; the position is already in `at`.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// A problem deserializing a JSON value: its path and what is wrong.
pub(crate) struct Misfit {
    /// The JSON path, below the prefix given.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

/// Deserializes `value`, naming a problem by its JSON path below
/// `prefix`.
///
/// The path is worked out only when there is a problem: tracking it costs
/// an allocation per key, most of reading a packet. Without the `json-paths`
/// feature (the browser app) a problem is placed at `prefix` only.
pub(crate) fn deserialize_at<'de, T>(value: &'de Value, prefix: &[Segment]) -> Result<T, Misfit>
where
    T: serde::Deserialize<'de>,
{
    let plain = T::deserialize(value);
    #[cfg(not(feature = "json-paths"))]
    return plain.map_err(|e| Misfit {
        at: format_path(prefix),
        message: e.to_string(),
    });
    #[cfg(feature = "json-paths")]
    if let Ok(read) = plain {
        return Ok(read);
    }
    #[cfg(feature = "json-paths")]
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = prefix.to_vec();
        path.extend(e.path().iter().filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            _ => None,
        }));
        Misfit {
            at: format_path(&path),
            message: e.into_inner().to_string(),
        }
    })
}

/// Writes a path as `a.b[3]["key with.dot"]`.
pub(crate) fn format_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) if is_plain_key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Key(k) => out.push_str(&format!("[{k:?}]")),
        }
    }
    if out.is_empty() {
        "(the top level)".into()
    } else {
        out
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A duplicate key or an unsafe integer found while reading; its path is
/// collected innermost first as the error unwinds, so reading costs nothing
/// extra until then.
struct Fault {
    message: String,
    path: Vec<Segment>,
}

struct StrictValue<'a> {
    fault: &'a mut Option<Fault>,
}

impl StrictValue<'_> {
    fn unsafe_integer<E: serde::de::Error>(self, shown: String) -> E {
        *self.fault = Some(Fault {
            message: format!(
                "the integer {shown} is beyond ±(2^53 − 1): not every JSON reader holds it exactly"
            ),
            path: Vec::new(),
        });
        E::custom("unsafe integer")
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(self.unsafe_integer(v.to_string()));
        }
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        if v > MAX_SAFE_INTEGER {
            return Err(self.unsafe_integer(v.to_string()));
        }
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let next = seq.next_element_seed(StrictValue { fault: self.fault });
            match next {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    if let Some(f) = self.fault.as_mut() {
                        f.path.push(Segment::Index(out.len()));
                    }
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                *self.fault = Some(Fault {
                    message: format!("duplicate key {key:?} in one object"),
                    path: vec![Segment::Key(key)],
                });
                return Err(serde::de::Error::custom("duplicate key"));
            }
            match map.next_value_seed(StrictValue { fault: self.fault }) {
                Ok(value) => {
                    out.insert(key, value);
                }
                Err(e) => {
                    if let Some(f) = self.fault.as_mut() {
                        f.path.push(Segment::Key(key));
                    }
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(out))
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let err = parse_strict(r#"{"a": {"b": [1, {"x": 1, "x": 2}]}}"#).unwrap_err();
        assert_eq!(err.at, "a.b[1].x");
        assert!(err.message.contains("duplicate key \"x\""));
    }

    #[test]
    fn integers_beyond_2_pow_53_are_refused_with_their_path() {
        let err = parse_strict(r#"{"a": [0, {"n": 9007199254740993}]}"#).unwrap_err();
        assert_eq!(err.at, "a[1].n");
        assert!(err.message.contains("9007199254740993"), "{err:?}");
        let err = parse_strict("[-9007199254740992]").unwrap_err();
        assert_eq!(err.at, "[0]");
        for fine in ["9007199254740991", "-9007199254740991", "0"] {
            assert!(parse_strict(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse_strict(&deep).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = parse_strict("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(err.at, "line 3, column 7");
        assert_eq!(err.message, "expected `:`");
        let err = parse_strict("{} x").unwrap_err();
        assert!(err.message.contains("after the end"));
    }

    #[test]
    fn keys_needing_quotes_are_quoted_in_paths() {
        let err = parse_strict(r#"{"items": {"1.2": {"note": 1, "note": 2}}}"#).unwrap_err();
        assert_eq!(err.at, r#"items["1.2"].note"#);
    }
}
