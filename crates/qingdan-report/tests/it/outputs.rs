//! What the reports look like written out: CSV that Excel opens, an XLSX
//! with the 末位 rows marked, the terminal table, and JSON.

use std::io::Read;

use qingdan_core::packet::PacketKind;
use qingdan_report::{Ranking, Report, gap, indicators, ranking};

use crate::{entry, own, template};

/// Two units, one with a comma and quotes in its name and one whose name
/// would be a formula; the second is last.
fn ranked() -> Ranking {
    let entries = [
        own("p1", ("510001", r#"甲镇,"东"片"#), &[]),
        own("p2", ("510002", "=1+2"), &[("1.1", r#""not_done""#)]),
    ];
    ranking(&template(), "2026", PacketKind::SelfAssessment, &entries).unwrap()
}

#[test]
fn csv_has_a_bom_chinese_headers_crlf_and_quotes_what_needs_quoting() {
    let csv = ranked().table().to_csv();
    let expected = "\u{feff}名次,单位代码,单位名称,得分率,总分,满分,等次,\
        纪律检查,组织协调,案件查办,执纪监督,教育预防,分析研判,追究问责,加分项（加分）,一票否决,\
        否决项,末位,签字人,数据包编号\r\n\
        1,510001,\"甲镇,\"\"东\"\"片\",100.00,100.00,100.00,优秀,\
        12.00,16.00,20.00,16.00,12.00,12.00,12.00,0.00,0.00,,,张三、李四,p1\r\n\
        2,510002,'=1+2,96.00,96.00,100.00,优秀,\
        8.00,16.00,20.00,16.00,12.00,12.00,12.00,0.00,0.00,,是,张三、李四,p2\r\n";
    assert_eq!(csv, expected);
}

#[test]
fn csv_writes_negative_numbers_as_numbers() {
    let entries = [
        own("o", ("510001", "城关镇"), &[("1.1", r#""not_done""#)]),
        entry(
            "i",
            PacketKind::Inspection,
            ("510001", "城关镇"),
            "2026-04-01T08:00:00Z",
            &[],
        ),
    ];
    let csv = gap(&template(), "2026", &entries).unwrap().table().to_csv();
    let line = csv.lines().nth(1).unwrap();
    assert_eq!(
        line,
        "510001,城关镇,96.00,100.00,-4.00,96.00,100.00,-4.00,o,i"
    );
}

/// The text of one file in the XLSX zip.
pub fn part(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Every text the workbook holds: its shared strings, if it has them, and
/// its sheets (a sheet written in constant memory holds its strings
/// inline).
pub fn texts(xlsx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect();
    let mut all = String::new();
    for name in names {
        if name == "xl/sharedStrings.xml" || name.starts_with("xl/worksheets/sheet") {
            archive
                .by_name(&name)
                .unwrap()
                .read_to_string(&mut all)
                .unwrap();
        }
    }
    all
}

/// The XML of one cell, e.g. `D2`.
fn cell<'x>(sheet: &'x str, reference: &str) -> &'x str {
    let start = sheet
        .find(&format!(r#"<c r="{reference}""#))
        .unwrap_or_else(|| panic!("no cell {reference}"));
    let end = start + sheet[start..].find("</c>").unwrap();
    &sheet[start..end]
}

/// A cell's style index (0, the default, is not written).
fn style(cell: &str) -> &str {
    match cell.find(" s=\"") {
        Some(at) => {
            let at = at + 4;
            &cell[at..at + cell[at..].find('"').unwrap()]
        }
        None => "0",
    }
}

#[test]
fn xlsx_is_one_sheet_with_numbers_a_frozen_header_and_the_last_row_marked() {
    let xlsx = ranked().table().to_xlsx().unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
    let strings = texts(&xlsx);
    for text in ["末位", "名次", "纪律检查", "甲镇,", "=1+2"] {
        assert!(strings.contains(text), "{text} is not in the workbook");
    }
    // Text stays text: nothing the units wrote becomes a formula.
    assert!(!sheet.contains("<f>"), "{sheet}");
    // 总分 of the second unit: a number cell, not a string.
    let total = cell(&sheet, "D3");
    assert!(
        total.contains("<v>96</v>") && !total.contains("t=\"s\""),
        "{total}"
    );
    assert!(sheet.contains(r#"ySplit="1""#), "the header row is frozen");
    assert!(sheet.contains("<cols>"), "columns have widths");
    // The last-placed unit's row is filled; the first unit's is not.
    assert_ne!(style(cell(&sheet, "B2")), style(cell(&sheet, "B3")));
    assert!(part(&xlsx, "xl/styles.xml").contains("FFFCE4D6"));
    assert!(part(&xlsx, "xl/workbook.xml").contains(r#"name="排名""#));
}

#[test]
fn the_terminal_table_has_the_title_and_the_rows() {
    let text = ranked().table().to_text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "纪委（纪检组）落实党风廉政建设监督责任清单（jiandu-zeren v1）2026 自查自评排名"
    );
    assert!(
        text.contains("甲镇,\"东\"片") && text.contains("96.00"),
        "{text}"
    );
}

#[test]
fn json_is_the_report_with_exact_decimal_strings() {
    let json = serde_json::to_value(ranked()).unwrap();
    assert_eq!(json["kind"], "self-assessment");
    assert_eq!(json["sections"][0]["title"]["zh"], "纪律检查");
    assert_eq!(json["rows"][1]["total"], "96.00");
    assert_eq!(json["rows"][1]["percentage"], "96.00");
    assert_eq!(json["rows"][1]["last_place"], true);
    assert_eq!(json["rows"][1]["sections"][0], "8.00");
}

#[test]
fn every_report_has_one_cell_per_header_in_every_row() {
    let template = template();
    let entries = [own("p", ("510001", "城关镇"), &[])];
    let kind = PacketKind::SelfAssessment;
    let tables = [
        ranking(&template, "2026", kind, &entries).unwrap().table(),
        indicators(&template, "2026", kind, &entries)
            .unwrap()
            .table(),
        gap(&template, "2026", &entries).unwrap().table(),
    ];
    for table in &tables {
        assert!(!table.rows.is_empty(), "{}", table.title);
        for row in &table.rows {
            assert_eq!(row.cells.len(), table.headers.len(), "{}", table.title);
        }
        table.to_xlsx().unwrap();
    }
}

/// A unit with a bonus (8.1: two practices adopted higher up, +2), the
/// other without.
fn with_bonus() -> Ranking {
    let entries = [
        own("p1", ("510001", "城关镇"), &[("8.1", "2")]),
        own("p2", ("510002", "白驿镇"), &[]),
    ];
    ranking(&template(), "2026", PacketKind::SelfAssessment, &entries).unwrap()
}

#[test]
fn a_bonus_section_shows_its_bonus_in_the_json_and_is_marked_a_bonus() {
    // Issue 18: the sheet keeps a bonus section's `score` at 0.00 and its
    // `bonus` apart; every reader is shown their sum.
    let json = serde_json::to_value(with_bonus()).unwrap();
    let sections = json["sections"].as_array().unwrap();
    let at = sections.iter().position(|s| s["id"] == "8").unwrap();
    assert_eq!(sections[at]["bonus"], true);
    assert_eq!(sections[0]["bonus"], false);
    assert_eq!(json["rows"][0]["unit_code"], "510001");
    assert_eq!(json["rows"][0]["total"], "102.00");
    assert_eq!(json["rows"][0]["sections"][at], "2.00");
    assert_eq!(json["rows"][1]["sections"][at], "0.00");
}

#[test]
fn a_bonus_section_shows_its_bonus_in_the_xlsx_under_a_header_saying_so() {
    use calamine::{Data, Reader as _, Xlsx};
    let xlsx = with_bonus().table().to_xlsx().unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range("排名").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let column = header
        .iter()
        .position(|h| h == "加分项（加分）")
        .unwrap_or_else(|| panic!("no bonus column in {header:?}"));
    let total = header.iter().position(|h| h == "总分").unwrap();
    let row = |r: usize| range.rows().nth(r).unwrap().to_vec();
    assert_eq!(row(1)[1], Data::String("510001".into()));
    assert_eq!(row(1)[column], Data::Float(2.0));
    assert_eq!(row(1)[total], Data::Float(102.0));
    assert_eq!(row(2)[column], Data::Float(0.0));
    // The terminal table is the same table.
    let text = with_bonus().table().to_text();
    assert!(text.contains("加分项（加分）"), "{text}");
}
