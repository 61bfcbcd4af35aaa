//! Limits on a workbook's parts, checked before calamine reads it: calamine
//! believes what a workbook says of itself — it reserves memory for as many
//! shared strings as `<sst uniqueCount="…">` claims, so a 2 KB file could
//! ask for terabytes (an abort, in the CLI and in the browser alike). Here
//! each part's unpacked size and the shared-string count are read first and
//! held to what any checklist needs, and a workbook past them is refused
//! naming the part and the limit.

use std::io::{Cursor, Read as _};

/// The most a part may unpack to (a checklist's sheets are far smaller).
pub(crate) const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// The most all parts together may unpack to.
pub(crate) const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The most shared strings a workbook may declare.
pub(crate) const MAX_SHARED_STRINGS: u64 = 500_000;
/// How much of the shared strings' part is read to find its counts.
const HEAD_BYTES: u64 = 4096;

/// Why the workbook is refused, when it is past a limit. A file that is not
/// a zip archive passes: calamine says what it is not.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let size = part.size();
        if size > MAX_PART_BYTES {
            let name = part
                .name()
                .map_or_else(|_| format!("part {i}"), |n| n.into_owned());
            return Err(format!(
                "{name}: unpacks to {size} bytes; a part may be at most {MAX_PART_BYTES}"
            ));
        }
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the parts unpack to more than {MAX_UNPACKED_BYTES} bytes"
            ));
        }
    }
    let Ok(part) = zip.by_name("xl/sharedStrings.xml") else {
        return Ok(());
    };
    let mut head = Vec::new();
    if part.take(HEAD_BYTES).read_to_end(&mut head).is_err() {
        // Damaged: calamine reports it.
        return Ok(());
    }
    let head = String::from_utf8_lossy(&head);
    for attribute in ["uniqueCount", "count"] {
        let Some(value) = attribute_of(&head, "sst", attribute) else {
            continue;
        };
        let count = value.trim().parse::<u64>().unwrap_or(u64::MAX);
        if count > MAX_SHARED_STRINGS {
            return Err(format!(
                "xl/sharedStrings.xml: {attribute}=\"{value}\"; a workbook may hold at most {MAX_SHARED_STRINGS} shared strings"
            ));
        }
    }
    Ok(())
}

/// The value of `attribute` on the first `<element …>` (with or without a
/// namespace prefix) in `xml`.
fn attribute_of<'a>(xml: &'a str, element: &str, attribute: &str) -> Option<&'a str> {
    let start = xml
        .match_indices('<')
        .map(|(i, _)| &xml[i + 1..])
        .find(|tag| {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next();
            name.is_some_and(|n| n == element || n.rsplit(':').next() == Some(element))
        })?;
    let tag = &start[..start.find('>').unwrap_or(start.len())];
    let mut rest = tag;
    while let Some(at) = rest.find(attribute) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + attribute.len()..];
        let after = after.trim_start();
        if before.is_some_and(char::is_whitespace) && after.starts_with('=') {
            let value = after[1..].trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &value[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
        }
        rest = &rest[at + attribute.len()..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_are_read_from_the_sst_element_only() {
        let xml = r#"<?xml version="1.0"?><sst xmlns="x" count="12" uniqueCount="9"><si><t>uniqueCount="1"</t></si></sst>"#;
        assert_eq!(attribute_of(xml, "sst", "uniqueCount"), Some("9"));
        assert_eq!(attribute_of(xml, "sst", "count"), Some("12"));
        let prefixed = r#"<x:sst count='3' uniqueCount = "4">"#;
        assert_eq!(attribute_of(prefixed, "sst", "uniqueCount"), Some("4"));
        assert_eq!(attribute_of("<sst>", "sst", "count"), None);
    }
}
