//! Workbooks crafted to make a reader allocate without bound: each is
//! refused, naming the part or cell and the limit, before calamine
//! allocates; and workbooks near the limits still read.
//!
//! The crafted workbooks are kept in `tests/data/sheets/crafted/`, with
//! `refusals.json`, what `read` says of each (the browser's end-to-end test
//! imports them and looks for the same words); `UPDATE_EXPECT=1 cargo test
//! -p qingdan-sheet` writes them again from `craft::CRAFTED`.

use std::io::{Cursor, Read as _};

use calamine::{Reader as _, Xlsx};
use zip::ZipArchive;

use super::craft::{
    CRAFTED, ITEMS, base, change, deflated, entries, parts, shared_strings, sheets_dir, stored,
    with_shared_strings,
};

/// The problems `read` finds, one a line.
fn refusal(bytes: &[u8]) -> String {
    match qingdan_sheet::read(bytes) {
        Ok(doc) => panic!("read a crafted workbook as checklist {}", doc.id),
        Err(errors) => errors.to_string(),
    }
}

fn crafted(file: &str) -> Vec<u8> {
    std::fs::read(sheets_dir().join("crafted").join(file)).unwrap()
}

/// Each part's name, declared size and checksum: what a workbook holds,
/// however it was compressed.
fn manifest(bytes: &[u8]) -> Vec<(String, u64, u32)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let part = zip.by_index_raw(i).unwrap();
            (part.name().unwrap().into_owned(), part.size(), part.crc32())
        })
        .collect()
}

/// The refusal of each crafted workbook, by file name, as JSON: what the
/// browser's test looks for.
fn refusals_json() -> String {
    let refusals: serde_json::Map<String, serde_json::Value> = CRAFTED
        .iter()
        .map(|case| (case.file.to_owned(), case.refusal.into()))
        .collect();
    serde_json::to_string_pretty(&refusals).unwrap() + "\n"
}

#[test]
fn the_crafted_workbooks_are_the_ones_made_here() {
    let dir = sheets_dir().join("crafted");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let refusals = dir.join("refusals.json");
    if update {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&refusals, refusals_json()).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&refusals).unwrap_or_default(),
        refusals_json(),
        "{} is not what craft.rs says (UPDATE_EXPECT=1 writes it again)",
        refusals.display()
    );
    for case in CRAFTED {
        let made = (case.make)();
        let path = dir.join(case.file);
        if update {
            std::fs::write(&path, &made).unwrap();
        }
        let kept = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_EXPECT=1 writes it)", path.display()));
        assert_eq!(
            manifest(&kept),
            manifest(&made),
            "{} is not what craft.rs makes (UPDATE_EXPECT=1 writes it again)",
            case.file
        );
        assert!(kept.len() < 100_000, "{}: {} bytes", case.file, kept.len());
    }
}

#[test]
fn every_crafted_workbook_is_refused_naming_the_limit() {
    for case in CRAFTED {
        let errors = refusal(&crafted(case.file));
        assert!(
            errors.lines().any(|line| line.starts_with(case.refusal)),
            "{}: {errors}",
            case.file
        );
    }
}

/// A valid workbook made from the crafted ones' base, with `parts`.
fn reads(parts: &[(String, Vec<u8>)]) {
    if let Err(errors) = qingdan_sheet::read(&deflated(parts)) {
        panic!("{errors}");
    }
}

/// The zip crate stops a part at the size its headers declare: a part
/// that inflates past it fails for calamine too, after no more than the
/// declared bytes, so the declared sizes (held to their limits) bound what
/// is unpacked.
#[test]
fn a_part_that_inflates_past_its_declared_size_stops_there() {
    let bytes = crafted("lying-size.xlsx");
    let mut zip = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let mut part = zip.by_name(ITEMS).unwrap();
    assert_eq!(part.size(), 3162);
    let mut buf = vec![0; 1024];
    let mut read = 0;
    let error = loop {
        match part.read(&mut buf) {
            Ok(0) => panic!("the part ended after {read} bytes"),
            Ok(n) => read += n,
            Err(e) => break e,
        }
    };
    assert!(read <= 3162, "{read} bytes read");
    assert_eq!(
        error.to_string(),
        "File is larger than its declared uncompressed size"
    );
    drop(part);

    // calamine reads the sheet through the zip crate, and fails the same way.
    let mut workbook = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
    let error = workbook.worksheet_range("Items").unwrap_err().to_string();
    assert!(error.contains("declared uncompressed size"), "{error}");
}

/// Where calamine would find a shared strings part, or its `<sst>` in it,
/// so does the guard: in any case of name, in the workbook's own folder,
/// after a long preamble or comment, and past an attribute value that
/// looks like a count.
#[test]
fn the_shared_string_count_is_found_wherever_calamine_finds_it() {
    let huge = "100000000000";
    let sst = |head: &str, attributes: &str| {
        format!(r#"<?xml version="1.0"?>{head}<sst {attributes}><si><t>清单</t></si></sst>"#)
            .into_bytes()
    };
    let padding = " ".repeat(8000);
    let count = format!(r#"uniqueCount="{huge}""#);
    let cases = [
        ("after a comment", sst(&format!("<!--{padding}-->"), &count)),
        ("after spaces", sst(&padding, &count)),
        (
            "after a processing instruction",
            sst(&format!("<?x {padding}?>"), &count),
        ),
        (
            "after another element",
            sst(&format!(r#"<x uniqueCount="1">{padding}</x>"#), &count),
        ),
        (
            "past a value that looks like a count",
            sst("", &format!(r#"a="uniqueCount='1'" b=">" {count}"#)),
        ),
        ("with a prefix", sst("", &format!("x:{count}"))),
    ];
    for (how, sst) in cases {
        let errors = refusal(&deflated(&with_shared_strings(sst)));
        assert!(
            errors.contains(&format!(
                "uniqueCount=\"{huge}\"; a workbook may hold at most 500000 shared strings"
            )),
            "{how}: {errors}"
        );
    }

    for name in ["XL/SHAREDSTRINGS.XML", "xl\\sharedStrings.xml"] {
        let mut parts = parts(&base());
        parts.push((name.to_owned(), shared_strings(huge, &["清单"])));
        let errors = refusal(&deflated(&parts));
        assert!(
            errors.contains(&format!("workbook: {name}: uniqueCount=\"{huge}\"")),
            "{name}: {errors}"
        );
    }

    // The package may keep its workbook in any folder: calamine looks for
    // the shared strings there.
    let moved: Vec<(String, Vec<u8>)> = parts(&base())
        .into_iter()
        .map(|(name, data)| {
            let name = name.replacen("xl/", "book/", 1);
            let text = String::from_utf8(data).unwrap();
            let text = text
                .replace("\"xl/", "\"book/")
                .replace("\"/xl/", "\"/book/");
            (name, text.into_bytes())
        })
        .collect();
    reads(&moved);
    let mut parts = moved;
    parts.push((
        "book/sharedStrings.xml".to_owned(),
        shared_strings(huge, &["清单"]),
    ));
    let errors = refusal(&deflated(&parts));
    assert!(
        errors.contains("workbook: book/sharedStrings.xml: uniqueCount="),
        "{errors}"
    );
}

#[test]
fn shared_strings_within_the_limit_read() {
    let texts = vec!["清单"; 1000];
    reads(&with_shared_strings(shared_strings("500000", &texts)));
}

#[test]
fn a_sheet_within_its_span_reads_and_one_past_it_is_refused() {
    // A declared dimension, however large, reserves nothing and refuses
    // nothing: programs declare used ranges larger than what they wrote.
    let dimension = |reference: &str| {
        change(&parts(&base()), ITEMS, |xml| {
            xml.replace(
                r#"<dimension ref="A1:O8" />"#,
                &format!(r#"<dimension ref="{reference}" />"#),
            )
        })
    };
    for reference in [
        "A1:IV100000",
        "A1:IW1",
        "A1:A100001",
        "XFD1048576:A1",
        "A1:XFD1048576",
    ] {
        reads(&dimension(reference));
    }

    let cell = |reference: &str| {
        change(&parts(&base()), "xl/worksheets/sheet3.xml", |xml| {
            xml.replace(
                "</sheetData>",
                &format!(
                    r#"<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>远</t></is></c></row></sheetData>"#,
                    row = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                ),
            )
        })
    };
    // Within the span, a value with no header is a problem of its own.
    let errors = refusal(&deflated(&cell("IV100000")));
    assert!(!errors.contains("past the limit"), "{errors}");
    for reference in ["IW1", "A100001", "XFD1048576"] {
        let errors = refusal(&deflated(&cell(reference)));
        assert_eq!(
            errors,
            format!(
                "Options!{reference}: the cell is past the limit: a sheet may span at most 100000 rows and 256 columns (A1:IV100000)"
            )
        );
    }
}

/// Excel holds at most 64,000 cell formats; a workbook with as many, in a
/// font of an ordinary name, reads.
#[test]
fn a_workbook_with_as_many_cell_formats_as_excel_allows_reads() {
    let xfs = r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>"#.repeat(64_000);
    let parts = change(&parts(&base()), "xl/styles.xml", |xml| {
        xml.replace("</cellXfs>", &format!("{xfs}</cellXfs>"))
    });
    reads(&parts);
}

/// The checksum is calamine's to check (it reads a sheet up to its
/// `</sheetData>`, so it may never meet a wrong one): a part whose checksum
/// is wrong but whose size is right is not taken for one past its size.
#[test]
fn a_wrong_checksum_is_not_taken_for_a_part_past_its_size() {
    let parts = parts(&base());
    let mut entries = entries(&parts);
    for entry in &mut entries {
        entry.crc = Some(0x1234_5678);
    }
    let bytes = stored(&entries);
    if let Err(errors) = qingdan_sheet::read(&bytes) {
        assert!(!errors.to_string().contains("declares"), "{errors}");
    }
}
