//! `qingdan template export | import`: a checklist as a workbook and back,
//! and a person's broken workbook refused with each problem's cell.

use qingdan_core::{TemplateDoc, bundled};
use rust_xlsxwriter::Workbook;

use crate::{EXAMPLE_TEMPLATE, path_str, qingdan, repo, scratch, text};

/// The JSON `template import` writes for a checklist: serde's pretty form
/// with a final newline.
fn pretty(doc: &TemplateDoc) -> String {
    serde_json::to_string_pretty(doc).unwrap() + "\n"
}

#[test]
fn export_then_import_gives_back_the_same_checklist() {
    let dir = scratch("sheet-round-trip");
    for list in bundled::ALL {
        let named = format!("{}@{}", list.id, list.version);
        let workbook = dir.join(format!("{named}.xlsx"));
        let out = qingdan(&[
            "template",
            "export",
            "--bundled",
            &named,
            "-o",
            path_str(&workbook),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = qingdan(&["template", "import", path_str(&workbook)]);
        assert!(out.status.success(), "{}: {}", list.id, text(&out.stderr));
        let doc: TemplateDoc = serde_json::from_str(list.json()).unwrap();
        assert_eq!(text(&out.stdout), pretty(&doc), "{}", list.id);
    }
}

#[test]
fn export_of_a_file_and_import_with_o_write_files() {
    let dir = scratch("sheet-files");
    let workbook = dir.join("list.xlsx");
    let json = dir.join("list.json()");
    let out = qingdan(&[
        "template",
        "export",
        EXAMPLE_TEMPLATE,
        "-o",
        path_str(&workbook),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("jiandu-zeren v1"),
        "{}",
        text(&out.stdout)
    );
    let first = std::fs::read(&workbook).unwrap();
    let again = qingdan(&[
        "template",
        "export",
        EXAMPLE_TEMPLATE,
        "-o",
        path_str(&workbook),
    ]);
    assert!(again.status.success());
    assert!(
        std::fs::read(&workbook).unwrap() == first,
        "exporting one checklist twice gives the same bytes"
    );

    let out = qingdan(&[
        "template",
        "import",
        path_str(&workbook),
        "-o",
        path_str(&json),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&json).unwrap();
    let doc: TemplateDoc =
        serde_json::from_str(&std::fs::read_to_string(repo().join(EXAMPLE_TEMPLATE)).unwrap())
            .unwrap();
    assert_eq!(written, pretty(&doc));
    let checked = qingdan(&["template", "check", path_str(&json)]);
    assert!(checked.status.success(), "{}", text(&checked.stderr));
}

#[test]
fn a_broken_workbook_is_refused_with_each_problem_at_its_cell() {
    let dir = scratch("sheet-broken");
    let file = dir.join("broken.xlsx");
    let mut workbook = Workbook::new();
    let checklist = workbook.add_worksheet().set_name("清单").unwrap();
    for (r, (key, value)) in [
        ("字段", "值"),
        ("编号", "zhen-list"),
        ("版本", "1"),
        ("名称", "某镇清单"),
        ("责任", "主体责任"),
        ("周期", "每年"),
    ]
    .into_iter()
    .enumerate()
    {
        checklist.write_string(r as u32, 0, key).unwrap();
        checklist.write_string(r as u32, 1, value).unwrap();
    }
    let items = workbook.add_worksheet().set_name("评分细则").unwrap();
    for (r, row) in [
        ["大项编号", "大项", "小项编号", "小项", "类型", "分值"],
        ["1", "研究部署", "1.1", "制定工作计划", "完成", "3"],
        ["1", "研究部署", "1.2", "专题研究", "完成", "五"],
    ]
    .into_iter()
    .enumerate()
    {
        for (c, value) in row.into_iter().enumerate() {
            items.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    std::fs::write(&file, workbook.save_to_buffer().unwrap()).unwrap();

    let out = qingdan(&["template", "import", path_str(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let file = path_str(&file);
    assert_eq!(
        stderr,
        format!(
            "{file}: 清单!B6: period \"每年\" is not one of 年度, 半年, 季度, 月度\n\
             {file}: 评分细则!F3: points \"五\" is not a number\n"
        )
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is written from a broken workbook"
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused() {
    let out = qingdan(&["template", "import", EXAMPLE_TEMPLATE]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with(&format!(
            "{EXAMPLE_TEMPLATE}: workbook: not an .xlsx workbook"
        )),
        "{}",
        text(&out.stderr)
    );
    let dir = scratch("sheet-nope");
    let out = qingdan(&[
        "template",
        "export",
        "--bundled",
        "nope",
        "-o",
        path_str(&dir.join("x.xlsx")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no bundled template \"nope\""));
}
