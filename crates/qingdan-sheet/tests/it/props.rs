//! `read` over generated workbooks: shared-string counts, dimensions and
//! cell references of any size or form, zip entries added, dropped,
//! renamed, duplicated or lying about their size, and the bytes of these
//! or of the workbooks kept in `tests/data/sheets/` truncated or flipped. Whatever the workbook, `read` answers (never a panic or an
//! abort), a checklist it returns passes the template checks, and each
//! limit refuses exactly what is past it.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;

use super::craft::{
    CRAFTED, Entry, ITEMS, base, entries, parts, shared_strings, sheets_dir, stored,
};

/// The base workbook's parts, read once.
fn base_parts() -> &'static [(String, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| parts(&base()))
}

/// A cell's name, `A1` for (0, 0), as Excel writes it.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// A count as a writer, careful or hostile, might put it.
fn count() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..=600_000).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9]{19,30}",
        "-[0-9]{1,20}",
        "[ +\\-0-9a-zA-Z.]{0,12}",
    ]
}

/// A cell reference, well formed or not.
fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..2_000_000, 0u32..20_000).prop_map(|(r, c)| cell_name(r, c)),
        "[A-Z]{1,3}[0-9]{1,7}",
        "[A-Za-z]{0,12}[0-9]{0,24}",
        "[A-Za-z0-9:$ ]{0,12}",
    ]
}

/// A part's name: one calamine looks for, in another case or with a
/// backslash, or any.
fn part_name() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "xl/sharedStrings.xml",
            "XL/SHAREDSTRINGS.XML",
            "xl\\sharedStrings.xml",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "_rels/.rels",
            "[Content_Types].xml",
            ITEMS,
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z/\\\\._]{0,24}",
    ]
}

/// A part's content: bytes, or XML that says something of its size.
fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        count().prop_map(|n| shared_strings(&n, &["x"])),
        reference().prop_map(|r| {
            format!(r#"<worksheet><dimension ref="{r}"/><sheetData><row><c r="{r}"><v>1</v></c></row></sheetData></worksheet>"#)
                .into_bytes()
        }),
    ]
}

/// One change to the base workbook.
#[derive(Debug, Clone)]
enum Change {
    /// A shared strings part declaring these counts, after a comment or
    /// not.
    SharedStrings {
        unique: String,
        count: String,
        comment: bool,
    },
    /// The Items sheet's dimension.
    Dimension(String),
    /// The reference of one cell (`<c r="…">`) of one sheet.
    Cell(Index, Index, String),
    /// The reference of one row (`<row r="…">`) of one sheet.
    Row(Index, Index, String),
    /// A part left out.
    Drop(Index),
    /// A part given twice, the second time with other content.
    Duplicate(Index, Vec<u8>),
    /// A part added.
    Add(String, Vec<u8>),
    /// A part renamed.
    Rename(Index, String),
    /// A part declaring a size that is not its own.
    Declare(Index, u32),
}

fn change() -> impl Strategy<Value = Change> {
    let sheet = || any::<Index>();
    prop_oneof![
        (count(), count(), any::<bool>()).prop_map(|(unique, count, comment)| {
            Change::SharedStrings {
                unique,
                count,
                comment,
            }
        }),
        reference().prop_map(Change::Dimension),
        (sheet(), any::<Index>(), reference()).prop_map(|(s, n, r)| Change::Cell(s, n, r)),
        (sheet(), any::<Index>(), reference()).prop_map(|(s, n, r)| Change::Row(s, n, r)),
        any::<Index>().prop_map(Change::Drop),
        (any::<Index>(), content()).prop_map(|(i, c)| Change::Duplicate(i, c)),
        (part_name(), content()).prop_map(|(n, c)| Change::Add(n, c)),
        (any::<Index>(), part_name()).prop_map(|(i, n)| Change::Rename(i, n)),
        (any::<Index>(), any::<u32>()).prop_map(|(i, size)| Change::Declare(i, size)),
    ]
}

/// Damage to the archive's bytes.
#[derive(Debug, Clone)]
enum Damage {
    None,
    Truncate(Index),
    Flip(Vec<(Index, u8)>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        2 => Just(Damage::None),
        1 => any::<Index>().prop_map(Damage::Truncate),
        1 => proptest::collection::vec((any::<Index>(), any::<u8>()), 1..8).prop_map(Damage::Flip),
    ]
}

/// Replaces the `nth` (modulo their number) `attribute="…"` of `element`
/// in `xml` by `value`.
fn replace_nth(xml: &str, element: &str, nth: Index, value: &str) -> String {
    let tag = format!("<{element} r=\"");
    let places: Vec<usize> = xml
        .match_indices(&tag)
        .map(|(i, _)| i + tag.len())
        .collect();
    if places.is_empty() {
        return xml.to_owned();
    }
    let start = places[nth.index(places.len())];
    let end = start + xml[start..].find('"').unwrap_or(0);
    format!("{}{value}{}", &xml[..start], &xml[end..])
}

/// The text of a sheet, changed.
fn change_sheet(entries: &mut [Entry], sheet: Index, change: impl FnOnce(&str) -> String) {
    let sheets: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].name.starts_with(b"xl/worksheets/"))
        .collect();
    if sheets.is_empty() {
        return;
    }
    let entry = &mut entries[sheets[sheet.index(sheets.len())]];
    let text = String::from_utf8_lossy(&entry.data).into_owned();
    entry.data = change(&text).into_bytes();
}

fn apply(entries: &mut Vec<Entry>, change: Change) {
    let pick =
        |entries: &Vec<Entry>, i: Index| (!entries.is_empty()).then(|| i.index(entries.len()));
    match change {
        Change::SharedStrings {
            unique,
            count,
            comment,
        } => {
            let head = if comment { "<!-- -->" } else { "" };
            let xml = format!(
                r#"{head}<sst count="{count}" uniqueCount="{unique}"><si><t>清单</t></si></sst>"#
            );
            entries.retain(|e| e.name != b"xl/sharedStrings.xml");
            entries.push(Entry::new("xl/sharedStrings.xml", xml));
        }
        Change::Dimension(reference) => {
            if let Some(items) = entries.iter_mut().find(|e| e.name == ITEMS.as_bytes()) {
                let text = String::from_utf8_lossy(&items.data).replace(
                    r#"<dimension ref="A1:O8" />"#,
                    &format!(r#"<dimension ref="{reference}" />"#),
                );
                items.data = text.into_bytes();
            }
        }
        Change::Cell(sheet, nth, reference) => {
            change_sheet(entries, sheet, |xml| replace_nth(xml, "c", nth, &reference));
        }
        Change::Row(sheet, nth, reference) => {
            change_sheet(entries, sheet, |xml| {
                replace_nth(xml, "row", nth, &reference)
            });
        }
        Change::Drop(i) => {
            if let Some(i) = pick(entries, i) {
                entries.remove(i);
            }
        }
        Change::Duplicate(i, data) => {
            if let Some(i) = pick(entries, i) {
                let name = entries[i].name.clone();
                entries.push(Entry::new(name, data));
            }
        }
        Change::Add(name, data) => entries.push(Entry::new(name, data)),
        Change::Rename(i, name) => {
            if let Some(i) = pick(entries, i) {
                entries[i].name = name.into_bytes();
            }
        }
        Change::Declare(i, size) => {
            if let Some(i) = pick(entries, i) {
                entries[i].declared = Some(size);
            }
        }
    }
}

/// The workbooks kept in `tests/data/sheets/`, valid, invalid and crafted.
fn kept() -> &'static [Vec<u8>] {
    static KEPT: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    KEPT.get_or_init(|| {
        let dir = sheets_dir();
        let mut files = vec![
            dir.join("openpyxl-checklist.xlsx"),
            dir.join("openpyxl-bad-cell.xlsx"),
        ];
        files.extend(
            CRAFTED
                .iter()
                .map(|case| dir.join("crafted").join(case.file)),
        );
        files.iter().map(|f| std::fs::read(f).unwrap()).collect()
    })
}

/// Where a generated workbook starts from.
#[derive(Debug, Clone)]
enum Source {
    /// The base workbook, with these changes, stored.
    Changed(Vec<Change>),
    /// One of the workbooks kept, as it is.
    Kept(Index),
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        3 => proptest::collection::vec(change(), 0..4).prop_map(Source::Changed),
        1 => any::<Index>().prop_map(Source::Kept),
    ]
}

/// A workbook from `source`, with this damage.
fn workbook(source: Source, damage: Damage) -> Vec<u8> {
    let mut bytes = match source {
        Source::Changed(changes) => {
            let mut entries = entries(base_parts());
            for change in changes {
                apply(&mut entries, change);
            }
            stored(&entries)
        }
        Source::Kept(i) => kept()[i.index(kept().len())].clone(),
    };
    match damage {
        Damage::None => {}
        Damage::Truncate(at) => bytes.truncate(at.index(bytes.len())),
        Damage::Flip(flips) => {
            for (at, byte) in flips {
                let at = at.index(bytes.len());
                bytes[at] ^= byte.max(1);
            }
        }
    }
    bytes
}

/// The base workbook with one more part, its shared strings.
fn with_shared_strings(unique: &str) -> Vec<u8> {
    let mut entries = entries(base_parts());
    entries.push(Entry::new(
        "xl/sharedStrings.xml",
        shared_strings(unique, &["清单"]),
    ));
    stored(&entries)
}

/// The base workbook with this line in the Items sheet's place of its
/// dimension.
fn with_dimension(reference: &str) -> Vec<u8> {
    let mut entries = entries(base_parts());
    apply(&mut entries, Change::Dimension(reference.to_owned()));
    stored(&entries)
}

/// The span every sheet is held to.
const SPAN: &str = "a sheet may span at most 100000 rows and 256 columns (A1:IV100000)";

fn within(row: u32, col: u32) -> bool {
    row < 100_000 && col < 256
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn any_crafted_workbook_is_read_or_refused(source in source(), damage in damage()) {
        let bytes = workbook(source, damage);
        match qingdan_sheet::read(&bytes) {
            Ok(doc) => {
                let checked = qingdan_core::Template::from_doc(doc);
                prop_assert!(checked.is_ok(), "read a checklist that does not pass the checks");
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                // 200 problems, and a line saying how many more.
                prop_assert!(errors.0.len() <= 201, "{} problems", errors.0.len());
                for error in &errors.0 {
                    prop_assert!(!error.at.is_empty() && !error.problem.is_empty(), "{error:?}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_shared_string_count_is_refused_exactly_past_the_limit(unique in count()) {
        let result = qingdan_sheet::read(&with_shared_strings(&unique));
        match unique.trim().parse::<u64>() {
            Ok(n) if n <= 500_000 => prop_assert!(result.is_ok(), "{unique}: {:?}", result.err()),
            _ => {
                let errors = result.unwrap_err().to_string();
                prop_assert_eq!(
                    errors,
                    format!("workbook: xl/sharedStrings.xml: uniqueCount=\"{unique}\"; a workbook may hold at most 500000 shared strings")
                );
            }
        }
    }

    #[test]
    fn a_declared_dimension_refuses_nothing(
        start in (0u32..2_000_000, 0u32..20_000),
        end in (0u32..2_000_000, 0u32..20_000),
    ) {
        let reference = format!("{}:{}", cell_name(start.0, start.1), cell_name(end.0, end.1));
        let result = qingdan_sheet::read(&with_dimension(&reference));
        prop_assert!(result.is_ok(), "{reference}: {:?}", result.err());
    }

    #[test]
    fn a_cell_is_refused_exactly_past_the_span(row in 0u32..2_000_000, col in 0u32..20_000) {
        let mut entries = entries(base_parts());
        let reference = cell_name(row, col);
        let options = entries.iter_mut().find(|e| e.name == b"xl/worksheets/sheet3.xml").unwrap();
        let text = String::from_utf8_lossy(&options.data).replace(
            "</sheetData>",
            &format!(r#"<row r="{}"><c r="{reference}"><v>1</v></c></row></sheetData>"#, row + 1),
        );
        options.data = text.into_bytes();
        let result = qingdan_sheet::read(&stored(&entries)).map_err(|e| e.to_string());
        if within(row, col) {
            // Another problem, or none.
            if let Err(errors) = result {
                prop_assert!(!errors.contains("past the limit"), "{errors}");
            }
        } else {
            prop_assert_eq!(
                result.unwrap_err(),
                format!("Options!{reference}: the cell is past the limit: {SPAN}")
            );
        }
    }
}
