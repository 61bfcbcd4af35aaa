//! JSON text in the app, read and written through [`serde_json::Value`]
//! only. The core reads its types from a `&Value` and writes them to one;
//! reading and writing the app's records the same way means each type's
//! serde code is built once, for `Value`, rather than once more for text.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `T` from JSON text.
pub fn read<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let value: Value = serde_json::from_str(text)?;
    T::deserialize(&value)
}

/// `value` as compact JSON text.
pub fn write<T: Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(serde_json::to_value(value)?.to_string())
}

/// `value` as indented JSON text, for files people may read.
pub fn write_pretty<T: Serialize>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&serde_json::to_value(value)?)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        id: String,
        count: u64,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn a_record_reads_back_as_written_and_bad_text_says_where() {
        let record = Record {
            id: "a-1".into(),
            count: u64::MAX,
            tags: vec!["甲".into()],
        };
        let text = super::write(&record).unwrap();
        assert_eq!(
            text,
            r#"{"count":18446744073709551615,"id":"a-1","tags":["甲"]}"#
        );
        assert_eq!(super::read::<Record>(&text).unwrap(), record);
        assert!(
            super::write_pretty(&record)
                .unwrap()
                .contains("\n  \"id\": \"a-1\"")
        );
        let bad = super::read::<Record>("{\"id\": \"a\",\n \"count\": }").unwrap_err();
        assert_eq!(bad.line(), 2);
        let wrong = super::read::<Record>(r#"{"id": 1, "count": 2}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    }
}
