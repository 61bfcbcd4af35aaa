//! The console's work from the command line: administrators added with a
//! password read from stdin (a weak one refused), units imported from a
//! workbook (all or none, each problem by its cell), a round made and its
//! tracker read, and every action in the record.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::intake::{ok_on, scratch};
use crate::{qingdan, text};

/// `qingdan ARGS --database DB` with `input` on stdin.
fn with_stdin(db: &str, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .args(["--database", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the qingdan binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A workbook whose first sheet holds `rows` (the first the header).
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32, c as u16, *value).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn units_come_from_a_workbook_all_or_none_and_a_round_tracks_them() {
    let (dir, db, _removed) = scratch();
    ok_on(&db, &["template", "publish", "--bundled", "--create"]);

    // A weak password is refused; a passphrase is taken; both recorded or not.
    let weak = with_stdin(
        &db,
        &["admin", "add", "zhang", "--password-stdin"],
        "password123\n",
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(
        text(&weak.stderr).contains("password"),
        "{}",
        text(&weak.stderr)
    );
    let added = with_stdin(
        &db,
        &["admin", "add", "zhang", "--password-stdin"],
        "correct horse battery staple\n",
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(ok_on(&db, &["admin", "list"]).contains("zhang"));

    // A broken workbook: every problem named by its cell, nothing registered.
    let broken = dir.join("broken.xlsx");
    std::fs::write(
        &broken,
        workbook(&[
            &["单位编码", "单位名称", "上级单位编码"],
            &["510824", "某某县纪委", ""],
            &["510824-101", "", "510824"],
            &["510824-102", "乙镇党委", "510899"],
            &["510824", "又一个", ""],
        ]),
    )
    .unwrap();
    let refused = qingdan(&[
        "unit",
        "import",
        broken.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    for cell in ["!B3", "!A5"] {
        assert!(said.contains(cell), "{cell} named: {said}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok_on(&db, &["unit", "list", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 0, "nothing registered");
    // A parent neither listed nor registered is named by its row.
    let orphan = dir.join("orphan.xlsx");
    std::fs::write(
        &orphan,
        workbook(&[
            &["单位编码", "单位名称", "上级单位编码"],
            &["510824-102", "乙镇党委", "510899"],
        ]),
    )
    .unwrap();
    let refused = qingdan(&[
        "unit",
        "import",
        orphan.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("510899"),
        "{}",
        text(&refused.stderr)
    );

    // A county and 29 townships under it.
    let mut rows: Vec<Vec<String>> = vec![
        vec!["单位编码".into(), "单位名称".into(), "上级单位编码".into()],
        vec!["510824".into(), "某某县".into(), String::new()],
    ];
    for n in 1..=29 {
        rows.push(vec![
            format!("510824-{n:03}"),
            format!("第{n}镇党委"),
            "510824".into(),
        ]);
    }
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let good = dir.join("units.xlsx");
    std::fs::write(&good, workbook(&rows)).unwrap();
    let imported = ok_on(&db, &["unit", "import", good.to_str().unwrap()]);
    assert!(imported.contains("30 units: 30 new"), "{imported}");
    let json: serde_json::Value =
        serde_json::from_str(&ok_on(&db, &["unit", "list", "--format", "json"])).unwrap();
    let units = json.as_array().unwrap();
    assert_eq!(units.len(), 30);
    assert_eq!(units[1]["code"], "510824-001");
    assert_eq!(units[1]["parent_code"], "510824");
    // Again: the same units, none new.
    let again = ok_on(&db, &["unit", "import", good.to_str().unwrap()]);
    assert!(again.contains("30 units: 0 new"), "{again}");

    // A round over three of them; its tracker on and after the deadline.
    let round = ok_on(
        &db,
        &[
            "round",
            "create",
            "--template",
            "jiandu-zeren",
            "--period",
            "2026",
            "--kind",
            "self-assessment",
            "--deadline",
            "2027-01-15",
            "--unit",
            "510824-001",
            "--unit",
            "510824-002",
            "--unit",
            "510824-003",
        ],
    );
    let id = round.trim();
    assert_eq!(id.len(), 36, "a round id: {round}");
    let on_time: serde_json::Value = serde_json::from_str(&ok_on(
        &db,
        &["round", "status", id, "--as-of", "2027-01-15", "--json"],
    ))
    .unwrap();
    assert_eq!(on_time["counts"]["units"], 3);
    assert_eq!(on_time["counts"]["missing"], 3);
    let late = ok_on(&db, &["round", "status", id, "--as-of", "2027-01-16"]);
    assert!(late.contains("3 逾期未提交"), "{late}");
    assert!(late.contains("510824-002  第2镇党委  逾期未提交"), "{late}");
    let unknown = qingdan(&[
        "round",
        "create",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--kind",
        "self-assessment",
        "--deadline",
        "2027-01-15",
        "--unit",
        "510824-999",
        "--database",
        &db,
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("510824-999"));

    // Codes for two townships' two signers, on a sheet of slips; a file in
    // the way is never overwritten, and no code is issued for it.
    let sheet = dir.join("slips.html");
    let made = ok_on(
        &db,
        &[
            "code",
            "sheet",
            "--unit",
            "510824-001",
            "--unit",
            "510824-002",
            "--role",
            "principal",
            "--role",
            "supervisory",
            "--base",
            "https://qingdan.office:8443",
            "-o",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(made.contains("4 codes"), "{made}");
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert_eq!(html.matches("data-testid=\"slip\"").count(), 4);
    assert_eq!(html.matches("<svg").count(), 4);
    assert!(html.contains("data-link=\"https://qingdan.office:8443/#/enroll/"));
    let again = qingdan(&[
        "code",
        "sheet",
        "--unit",
        "510824-001",
        "--role",
        "principal",
        "--base",
        "https://qingdan.office:8443",
        "-o",
        sheet.to_str().unwrap(),
        "--database",
        &db,
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&sheet).unwrap(),
        html,
        "not overwritten"
    );
    let codes = ok_on(&db, &["code", "list", "--format", "json"]);
    let codes: serde_json::Value = serde_json::from_str(&codes).unwrap();
    assert_eq!(
        codes.as_array().unwrap().len(),
        4,
        "no code issued for a refused sheet"
    );

    // Everything done here is in the record, as the command line's.
    let audit = ok_on(&db, &["audit"]);
    for action in ["admin.add", "unit.import", "round.create", "code.sheet"] {
        assert!(
            audit
                .lines()
                .any(|l| l.contains("cli") && l.contains(action)),
            "{action} recorded: {audit}"
        );
    }
}
