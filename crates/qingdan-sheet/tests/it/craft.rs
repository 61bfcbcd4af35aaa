//! Workbooks made by hand, part by part and byte by byte: zip archives
//! written here rather than by the zip crate (which would not write two
//! parts of one name, or a size that is not the part's), and the crafted
//! workbooks kept in `tests/data/sheets/crafted/`, each with the limit it
//! passes.

use std::io::{Cursor, Read as _, Write as _};
use std::path::PathBuf;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The repository's `tests/data/sheets/`.
pub fn sheets_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/sheets")
}

/// A valid checklist workbook written by openpyxl (sheets Checklist,
/// Items, Options; inline strings, so no shared strings part).
pub fn base() -> Vec<u8> {
    std::fs::read(sheets_dir().join("openpyxl-checklist.xlsx")).unwrap()
}

/// The parts of a workbook, by name, in order.
pub fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// The text of part `name`.
pub fn text_of(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, data) = parts.iter().find(|(n, _)| n == name).unwrap();
    String::from_utf8(data.clone()).unwrap()
}

/// `parts` with part `name`'s text changed by `change`.
pub fn change(
    parts: &[(String, Vec<u8>)],
    name: &str,
    change: impl FnOnce(String) -> String,
) -> Vec<(String, Vec<u8>)> {
    let mut parts = parts.to_vec();
    let at = parts.iter().position(|(n, _)| n == name).unwrap();
    let text = String::from_utf8(std::mem::take(&mut parts[at].1)).unwrap();
    parts[at].1 = change(text).into_bytes();
    parts
}

/// A zip archive of these parts, deflated by the zip crate.
pub fn deflated(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    packed(parts, CompressionMethod::Deflated)
}

/// A zip archive of these parts, written by the zip crate with `method`.
pub fn packed(parts: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, data) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// One part of a zip archive written by [`stored`].
pub struct Entry {
    /// Its name, as bytes (not necessarily UTF-8).
    pub name: Vec<u8>,
    /// Its content, stored as it is.
    pub data: Vec<u8>,
    /// The unpacked size both headers give, when it is not `data`'s.
    pub declared: Option<u32>,
    /// The checksum both headers give, when it is not `data`'s.
    pub crc: Option<u32>,
}

impl Entry {
    /// A part that says what it holds.
    pub fn new(name: impl Into<Vec<u8>>, data: impl Into<Vec<u8>>) -> Entry {
        Entry {
            name: name.into(),
            data: data.into(),
            declared: None,
            crc: None,
        }
    }
}

/// A zip archive of these entries, uncompressed, written field by field
/// (APPNOTE 4.3): duplicate names, any bytes as a name and sizes that lie
/// are written as asked.
pub fn stored(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let crc = entry.crc.unwrap_or_else(|| crc32(&entry.data));
        let size = entry.data.len() as u32;
        let declared = entry.declared.unwrap_or(size);
        let name_len = entry.name.len() as u16;
        // Local file header: version 2.0, UTF-8 names, stored, 1980-01-01.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(0x0800u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(0x21u16.to_le_bytes());
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(declared.to_le_bytes());
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(&entry.name);
        out.extend(&entry.data);
        // Its central directory header.
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(0x0800u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0x21u16.to_le_bytes());
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(declared.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(&entry.name);
    }
    let start = out.len() as u32;
    let count = entries.len() as u16;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The entries of a workbook's parts, each saying what it holds.
pub fn entries(parts: &[(String, Vec<u8>)]) -> Vec<Entry> {
    parts
        .iter()
        .map(|(name, data)| Entry::new(name.as_bytes(), data.clone()))
        .collect()
}

/// A zip archive in which part `name` says, in its local and its central
/// header, that it unpacks to `declared` bytes, whatever it holds.
pub fn declare_size(mut zip: Vec<u8>, name: &str, declared: u32) -> Vec<u8> {
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    // The end of central directory record, without a comment.
    let end = zip.len() - 22;
    assert_eq!(u32_at(&zip, end), 0x0605_4b50, "an archive with a comment");
    let mut at = u32_at(&zip, end + 16) as usize;
    let mut found = false;
    for _ in 0..u16_at(&zip, end + 10) {
        assert_eq!(u32_at(&zip, at), 0x0201_4b50);
        let name_len = u16_at(&zip, at + 28);
        let extra_len = u16_at(&zip, at + 30);
        let comment_len = u16_at(&zip, at + 32);
        if &zip[at + 46..at + 46 + name_len] == name.as_bytes() {
            let local = u32_at(&zip, at + 42) as usize;
            assert_eq!(u32_at(&zip, local), 0x0403_4b50);
            assert_eq!(u16_at(&zip, local + 6) & 8, 0, "sizes in a data descriptor");
            zip[at + 24..at + 28].copy_from_slice(&declared.to_le_bytes());
            zip[local + 22..local + 26].copy_from_slice(&declared.to_le_bytes());
            found = true;
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    assert!(found, "no part {name}");
    zip
}

/// The CRC-32 (IEEE) of `data`, as zip archives record it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// A shared strings part of these texts, declaring `unique` strings.
pub fn shared_strings(unique: &str, texts: &[&str]) -> Vec<u8> {
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{unique}">"#
    );
    for text in texts {
        xml.push_str(&format!("<si><t>{text}</t></si>"));
    }
    xml.push_str("</sst>");
    xml.into_bytes()
}

/// The base workbook's parts with a shared strings part added.
pub fn with_shared_strings(sst: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut parts = parts(&base());
    parts.push(("xl/sharedStrings.xml".to_owned(), sst));
    parts
}

/// The Items sheet of the base workbook.
pub const ITEMS: &str = "xl/worksheets/sheet2.xml";

/// A workbook in `tests/data/sheets/crafted/`: its file name, what it is,
/// and what `read` says of it (in part), naming the limit it passes.
pub struct Crafted {
    pub file: &'static str,
    pub make: fn() -> Vec<u8>,
    pub refusal: &'static str,
}

/// The crafted workbooks, each made from the base workbook. The browser's
/// end-to-end test (`tests/e2e/sheet-hostile.test.mjs`) imports the same
/// files and looks for the same words (in `refusals.json`).
pub const CRAFTED: &[Crafted] = &[
    Crafted {
        file: "unique-count.xlsx",
        make: || {
            let sst = shared_strings("100000000000", &["清单"]);
            deflated(&with_shared_strings(sst))
        },
        refusal: "workbook: xl/sharedStrings.xml: uniqueCount=\"100000000000\"; a workbook may hold at most 500000 shared strings",
    },
    Crafted {
        file: "many-strings.xlsx",
        make: || {
            let texts = vec![""; 500_001];
            deflated(&with_shared_strings(shared_strings("1", &texts)))
        },
        refusal: "workbook: xl/sharedStrings.xml: more than 500000 shared strings (si); a workbook may hold at most 500000 shared strings",
    },
    Crafted {
        file: "zip-bomb.xlsx",
        make: || {
            let mut parts = parts(&base());
            parts.push(("xl/media/zeros.bin".to_owned(), vec![0; 40 << 20]));
            deflated(&parts)
        },
        refusal: "workbook: xl/media/zeros.bin: unpacks to 41943040 bytes; a part may be at most 33554432",
    },
    Crafted {
        file: "lying-size.xlsx",
        make: || {
            let parts = parts(&base());
            let declared = text_of(&parts, ITEMS).len() as u32;
            let padded = change(&parts, ITEMS, |xml| xml + &" ".repeat(8 << 20));
            declare_size(deflated(&padded), ITEMS, declared)
        },
        refusal: "workbook: xl/worksheets/sheet2.xml: unpacks to more than the 3162 bytes its header declares",
    },
    Crafted {
        file: "far-cell.xlsx",
        make: || {
            let parts = change(&parts(&base()), ITEMS, |xml| {
                xml.replace(
                    "</sheetData>",
                    r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row></sheetData>"#,
                )
            });
            deflated(&parts)
        },
        refusal: "Items!XFD1048576: the cell is past the limit: a sheet may span at most 100000 rows and 256 columns (A1:IV100000)",
    },
    Crafted {
        file: "text-copies.xlsx",
        make: || {
            // One long shared string, and cells that each name it: every
            // cell read is a copy of the string.
            let long = "长".repeat(1 << 20);
            let mut parts = with_shared_strings(shared_strings("1", &[&long]));
            let cells: String = (1..=4000)
                .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
                .collect();
            parts = change(&parts, ITEMS, |xml| {
                let start = xml.find("<sheetData>").unwrap() + "<sheetData>".len();
                let end = xml.find("</sheetData>").unwrap();
                format!("{}{cells}{}", &xml[..start], &xml[end..])
            });
            deflated(&parts)
        },
        refusal: "Items!A11: the cells' texts come to more than 33554432 bytes; a workbook's cells may hold at most 33554432 bytes of text",
    },
    Crafted {
        file: "style-copies.xlsx",
        make: || {
            // One font of a long name, and cell formats that each use it:
            // every cell format is a copy of the name.
            let name = "F".repeat(64 << 10);
            let xfs = r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>"#.repeat(20_000);
            let parts = change(&parts(&base()), "xl/styles.xml", |xml| {
                xml.replace(
                    r#"<name val="Calibri" />"#,
                    &format!(r#"<name val="{name}" />"#),
                )
                .replace("</cellXfs>", &format!("{xfs}</cellXfs>"))
            });
            deflated(&parts)
        },
        refusal: "workbook: xl/styles.xml: 20002 cell formats (xf) of up to 65544 bytes each (a font name and a number format) come to 1311011088 bytes; a workbook's cell formats may come to at most 16777216",
    },
    Crafted {
        file: "sheet-copies.xlsx",
        make: || {
            // One relationship of a long target, and sheets that each name
            // it: every sheet is a copy of the target.
            let target = format!("/xl/worksheets/{}.xml", "s".repeat(256 << 10));
            let sheets: String = (4..5_004)
                .map(|n| format!(r#"<sheet name="S{n}" sheetId="{n}" r:id="rId9"/>"#))
                .collect();
            let parts = change(&parts(&base()), "xl/workbook.xml", |xml| {
                xml.replace("</sheets>", &format!("{sheets}</sheets>"))
            });
            let parts = change(&parts, "xl/_rels/workbook.xml.rels", |xml| {
                xml.replace(
                    "</Relationships>",
                    &format!(r#"<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}" Id="rId9" /></Relationships>"#),
                )
            });
            deflated(&parts)
        },
        refusal: "workbook: xl/workbook.xml: 5003 sheets of up to 524538 bytes each (a relationship's target and the workbook's folder) come to 2624263614 bytes; a workbook's sheets may come to at most 16777216",
    },
];
