//! qingdan-sheet as its users meet it: checklists written and read back,
//! workbooks a person made by hand with their mistakes, and damaged files.

mod craft;
mod errors;
mod hostile;
mod props;
mod robust;
mod roundtrip;

use rust_xlsxwriter::{Format, Workbook};

/// A cell of a hand-made workbook.
#[derive(Clone, Copy)]
enum C {
    /// Text.
    T(&'static str),
    /// A number.
    N(f64),
    /// TRUE or FALSE.
    B(bool),
    /// A number shown as a date, as Excel stores `1-2` typed in a cell.
    D(f64),
    /// Nothing.
    E,
}

/// A workbook made cell by cell, as a person (or another program) would:
/// each sheet's name and rows, the first row being the headers.
fn book(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *cell {
                    C::T(text) => sheet.write_string(r, c, text).map(drop).unwrap(),
                    C::N(n) => sheet.write_number(r, c, n).map(drop).unwrap(),
                    C::B(b) => sheet.write_boolean(r, c, b).map(drop).unwrap(),
                    C::D(n) => sheet
                        .write_number_with_format(r, c, n, &date)
                        .map(drop)
                        .unwrap(),
                    C::E => {}
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

use C::{E, N, T};

/// A small valid checklist sheet.
fn checklist_rows() -> Vec<Vec<C>> {
    vec![
        vec![T("字段"), T("值")],
        vec![T("编号"), T("zhen-jiancha")],
        vec![T("版本"), N(2.0)],
        vec![T("名称"), T("某镇党风廉政建设检查表")],
        vec![T("责任"), T("主体责任")],
        vec![T("周期"), T("年度")],
    ]
}

/// A small valid items sheet, headers in an order of a person's choosing:
/// A 大项编号, B 大项, C 小项编号, D 小项, E 类型, F 分值, G 目标,
/// H 部分完成得分, I 显示条件.
fn item_rows() -> Vec<Vec<C>> {
    vec![
        vec![
            T("大项编号"),
            T("大项"),
            T("小项编号"),
            T("小项"),
            T("类型"),
            T("分值"),
            T("目标"),
            T("部分完成得分"),
            T("显示条件"),
        ],
        vec![
            T("1"),
            T("研究部署"),
            T("1.1"),
            T("制定工作计划"),
            T("完成"),
            N(3.0),
            E,
            N(1.5),
        ],
        vec![
            T("1"),
            T("研究部署"),
            T("1.2"),
            T("专题研究"),
            T("计数"),
            N(4.0),
            N(4.0),
        ],
        vec![
            T("2"),
            T("检查考核"),
            T("2.1"),
            T("开展检查"),
            T("选择"),
            E,
            E,
            E,
            T("1.1 in done"),
        ],
    ]
}

/// The options of item 2.1.
fn option_rows() -> Vec<Vec<C>> {
    vec![
        vec![T("小项编号"), T("值"), T("名称"), T("分值")],
        vec![T("2.1"), T("full"), T("全面"), N(3.0)],
        vec![T("2.1"), T("some"), T("部分"), N(1.0)],
    ]
}

/// The problems `read` finds, one a line.
fn problems(bytes: &[u8]) -> Vec<String> {
    match qingdan_sheet::read(bytes) {
        Ok(doc) => panic!("read a workbook that should not read: {}", doc.id),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}
