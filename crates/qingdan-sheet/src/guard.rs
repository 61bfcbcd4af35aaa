//! Limits on a workbook's parts, checked before calamine reads it.
//!
//! calamine believes what a workbook says of itself, and keeps a copy of
//! what one record refers to in every record that refers to it:
//!
//! - it reserves memory for as many shared strings as `<sst uniqueCount="…">`
//!   claims, so a 2 KB file could ask for terabytes (an abort, in the CLI
//!   and in the browser alike);
//! - it keeps a record for every shared string (`<si>`), font, fill,
//!   border, number format and cell format (`<xf>`), sheet, defined name
//!   and relationship, each several times the size of its XML;
//! - every cell format copies its font's name and its number format's
//!   code, and every sheet its relationship's target and the workbook's
//!   folder, so a 20 KB file with one long font name and many cell formats
//!   asks for gigabytes.
//!
//! Here every part is read first, as calamine reads XML (quick-xml, with
//! calamine's settings, so a comment, another element or a long preamble
//! before `<sst>` hides nothing), whatever its name (calamine finds parts
//! by any case, and the workbook's folder and name are the package's to
//! choose); what it holds is counted and held to what any checklist needs,
//! and a workbook past a limit is refused naming the part and the limit.
//!
//! What a part unpacks to is bounded by the size its headers declare: the
//! zip crate fails a read that goes past it ("File is larger than its
//! declared uncompressed size"), for calamine as here. The declared sizes
//! are held to limits, and a part that unpacks past its declared size is
//! refused here, naming the size it declared.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::read::ZipReadOptions;

/// The most a part may unpack to (a checklist's sheets are far smaller).
pub(crate) const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// The most all parts together may unpack to.
pub(crate) const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The most shared strings a workbook may declare or hold.
pub(crate) const MAX_SHARED_STRINGS: u64 = 500_000;
/// The most fonts, fills, borders, number formats and cell formats a
/// workbook may hold together (Excel allows 64,000 cell formats).
pub(crate) const MAX_STYLE_RECORDS: u64 = 200_000;
/// The most sheets, defined names and relationships a workbook may hold
/// together.
pub(crate) const MAX_SHEET_RECORDS: u64 = 100_000;
/// The most bytes calamine may copy into cell formats (font names and
/// number format codes), or into sheets (their parts' paths), per part.
pub(crate) const MAX_COPIED_BYTES: u64 = 16 * 1024 * 1024;

/// Why the workbook is refused, when it is past a limit. A file that is not
/// a zip archive passes, as does a part that is not XML: calamine says what
/// they are not.
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
            let name = part_name(part.name(), i);
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
    let mut tally = Tally::default();
    for i in 0..zip.len() {
        // The checksum is calamine's to check; the declared size, the zip
        // crate's and this module's.
        let options = ZipReadOptions::new().ignore_crc32(true);
        let Ok(part) = zip.by_index_with_options(i, options) else {
            continue;
        };
        let name = part_name(part.name(), i);
        let declared = part.size();
        tally.part(&name, declared, part)?;
    }
    tally.sheet_copies()
}

/// A part's name, or its place when the name cannot be read.
fn part_name(name: zip::result::ZipResult<std::borrow::Cow<'_, str>>, i: usize) -> String {
    name.map_or_else(|_| format!("part {i}"), |n| n.into_owned())
}

/// What the parts read so far hold.
#[derive(Default)]
struct Tally {
    /// Shared strings (`<si>`).
    shared_strings: u64,
    /// Fonts, fills, borders, number formats and cell formats.
    style_records: u64,
    /// Sheets, defined names and relationships.
    sheet_records: u64,
    /// The longest relationship's attributes, in bytes: a bound on any
    /// relationship's target.
    longest_target: u64,
    /// Each part that lists sheets, and how many.
    sheets: Vec<(String, u64)>,
}

/// What one part holds that calamine copies from record to record.
#[derive(Default)]
struct Copies {
    /// Cell formats (`<xf>`).
    cell_formats: u64,
    /// The longest font name's attributes (`<name val="…">`), in bytes.
    longest_font_name: u64,
    /// The longest number format's attributes (`<numFmt formatCode="…">`).
    longest_format: u64,
    /// Sheets (`<sheet>`).
    sheets: u64,
}

impl Tally {
    /// Reads part `name` (which declares `declared` bytes) as calamine
    /// reads XML, counting what it holds, then to its end, so that a part
    /// that unpacks past its declared size is refused.
    fn part(&mut self, name: &str, declared: u64, part: impl Read) -> Result<(), String> {
        let mut metered = Metered {
            inner: part,
            declared,
            read: 0,
            failed_at: None,
        };
        let mut xml = Reader::from_reader(BufReader::new(&mut metered));
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        let mut copies = Copies::default();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => self.element(name, &e, &mut copies)?,
                // The end, or not XML: calamine says what is wrong with it
                // if it reads the part.
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        // A part that fails to unpack before its declared size is damaged,
        // which calamine reports if it reads the part.
        let _ = io::copy(xml.get_mut(), &mut io::sink());
        if metered.failed_at == Some(declared) {
            return Err(format!(
                "{name}: unpacks to more than the {declared} bytes its header declares"
            ));
        }
        let per_format = copies.longest_font_name + copies.longest_format;
        let copied = copies.cell_formats.saturating_mul(per_format);
        if copied > MAX_COPIED_BYTES {
            return Err(format!(
                "{name}: {} cell formats (xf) of up to {per_format} bytes each (a font name and a number format) come to {copied} bytes; a workbook's cell formats may come to at most {MAX_COPIED_BYTES}",
                copies.cell_formats
            ));
        }
        if copies.sheets > 0 {
            self.sheets.push((name.to_owned(), copies.sheets));
        }
        Ok(())
    }

    /// Counts one element of part `name`, refusing the workbook as soon as
    /// it passes a limit.
    fn element(
        &mut self,
        name: &str,
        e: &BytesStart<'_>,
        copies: &mut Copies,
    ) -> Result<(), String> {
        let attributes = e.attributes_raw().len() as u64;
        match e.local_name().as_ref() {
            "sst" => shared_string_counts(name, e.attributes_raw())?,
            "si" => {
                self.shared_strings += 1;
                if self.shared_strings > MAX_SHARED_STRINGS {
                    return Err(format!(
                        "{name}: more than {MAX_SHARED_STRINGS} shared strings (si); a workbook may hold at most {MAX_SHARED_STRINGS} shared strings"
                    ));
                }
            }
            record @ ("font" | "fill" | "border" | "numFmt" | "xf") => {
                self.style_records += 1;
                if self.style_records > MAX_STYLE_RECORDS {
                    return Err(format!(
                        "{name}: more than {MAX_STYLE_RECORDS} fonts, fills, borders and formats; a workbook may hold at most {MAX_STYLE_RECORDS}"
                    ));
                }
                match record {
                    "xf" => copies.cell_formats += 1,
                    "numFmt" => copies.longest_format = copies.longest_format.max(attributes),
                    _ => {}
                }
            }
            "name" => copies.longest_font_name = copies.longest_font_name.max(attributes),
            record @ ("sheet" | "definedName" | "Relationship") => {
                self.sheet_records += 1;
                if self.sheet_records > MAX_SHEET_RECORDS {
                    return Err(format!(
                        "{name}: more than {MAX_SHEET_RECORDS} sheets, defined names and relationships; a workbook may hold at most {MAX_SHEET_RECORDS}"
                    ));
                }
                match record {
                    "sheet" => copies.sheets += 1,
                    "Relationship" => self.longest_target = self.longest_target.max(attributes),
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Refuses the workbook when its sheets would copy too much: each
    /// sheet's path is the workbook's folder (from a relationship of the
    /// package) and its relationship's target.
    fn sheet_copies(&self) -> Result<(), String> {
        let per_sheet = self.longest_target.saturating_mul(2);
        for (name, sheets) in &self.sheets {
            let copied = sheets.saturating_mul(per_sheet);
            if copied > MAX_COPIED_BYTES {
                return Err(format!(
                    "{name}: {sheets} sheets of up to {per_sheet} bytes each (a relationship's target and the workbook's folder) come to {copied} bytes; a workbook's sheets may come to at most {MAX_COPIED_BYTES}"
                ));
            }
        }
        Ok(())
    }
}

/// Refuses an `<sst>` whose `uniqueCount` or `count` (any of them, with or
/// without a namespace prefix) is past the limit or not a number.
fn shared_string_counts(name: &str, raw: &str) -> Result<(), String> {
    for (key, value) in attributes(raw) {
        let local = key.rsplit(':').next().unwrap_or(key);
        if local != "uniqueCount" && local != "count" {
            continue;
        }
        let count = value.trim().parse::<u64>().unwrap_or(u64::MAX);
        if count > MAX_SHARED_STRINGS {
            return Err(format!(
                "{name}: {local}=\"{value}\"; a workbook may hold at most {MAX_SHARED_STRINGS} shared strings"
            ));
        }
    }
    Ok(())
}

/// The attributes of a start tag (the text after its name), split as
/// calamine splits them (its `attrs.rs`): a key up to `=`, a value in
/// quotes; up to the first that is malformed, where calamine stops too.
fn attributes(raw: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = raw;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(eq) = rest.find('=') else {
            return found;
        };
        let key = rest[..eq].trim_end_matches(|c: char| c.is_ascii_whitespace());
        let value = rest[eq + 1..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            return found;
        };
        let value = &value[1..];
        let end = value.find(quote).unwrap_or(value.len());
        found.push((key, &value[..end]));
        rest = value.get(end + 1..).unwrap_or("");
    }
}

/// A part's reader that counts what it reads and asks for no more than the
/// part declares, then for one byte: the zip crate fails that read when
/// the part goes on, so a failure where the part should end is one of a
/// part that unpacks past its declared size.
struct Metered<R> {
    inner: R,
    /// The size the part's headers declare.
    declared: u64,
    /// The bytes read so far.
    read: u64,
    /// Where a read failed, if one did.
    failed_at: Option<u64>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = self.declared.saturating_sub(self.read).max(1);
        let len = usize::try_from(room).map_or(buf.len(), |room| room.min(buf.len()));
        match self.inner.read(&mut buf[..len]) {
            Ok(n) => {
                self.read = self.read.saturating_add(n as u64);
                Ok(n)
            }
            Err(e) => {
                self.failed_at = Some(self.read);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_split_as_calamine_splits_them() {
        assert_eq!(
            attributes(r#" xmlns="x" count="12" uniqueCount = '9'"#),
            [("xmlns", "x"), ("count", "12"), ("uniqueCount", "9")]
        );
        // A value may hold what looks like another attribute.
        assert_eq!(
            attributes(r#" a="uniqueCount='1'" uniqueCount="7""#),
            [("a", "uniqueCount='1'"), ("uniqueCount", "7")]
        );
        // calamine stops at the first malformed attribute; so does this.
        assert_eq!(attributes(r#" a=1 uniqueCount="7""#), []);
        assert_eq!(attributes(r#" a="1" b"#), [("a", "1")]);
        assert_eq!(attributes(" a=\"unclosed"), [("a", "unclosed")]);
        assert_eq!(attributes(""), []);
    }

    #[test]
    fn every_count_on_the_sst_element_is_held_to_the_limit() {
        assert!(shared_string_counts("p", r#" count="12" uniqueCount="9""#).is_ok());
        assert!(shared_string_counts("p", r#" x:uniqueCount="500000""#).is_ok());
        for raw in [
            r#" uniqueCount="500001""#,
            r#" count="1" count="99999999999""#,
            r#" x:count="-1""#,
            r#" uniqueCount="1e6""#,
            r#" uniqueCount="""#,
        ] {
            let refusal = shared_string_counts("p", raw).unwrap_err();
            assert!(
                refusal.ends_with("a workbook may hold at most 500000 shared strings"),
                "{raw}: {refusal}"
            );
        }
    }
}
