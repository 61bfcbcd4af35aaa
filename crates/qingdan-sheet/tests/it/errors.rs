//! Hand-made workbooks with a person's mistakes: each problem names its
//! sheet and cell, and every problem in a workbook is reported at once.

use super::C::{D, E, N, T};
use super::{C, book, checklist_rows, item_rows, option_rows, problems};

/// The three sheets, the items changed by `change`.
fn with_items(change: impl FnOnce(&mut Vec<Vec<C>>)) -> Vec<u8> {
    let mut items = item_rows();
    change(&mut items);
    book(&[
        ("清单", checklist_rows()),
        ("评分细则", items),
        ("选项", option_rows()),
    ])
}

#[test]
fn the_fixtures_are_a_valid_checklist() {
    let doc = qingdan_sheet::read(&with_items(|_| {})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.id, "zhen-jiancha");
    assert_eq!(doc.version, 2);
}

#[test]
fn points_that_are_not_a_number_name_their_cell() {
    let bytes = with_items(|items| items[2][5] = T("五"));
    assert_eq!(
        problems(&bytes),
        ["评分细则!F3: points \"五\" is not a number"]
    );
}

#[test]
fn numbers_too_precise_or_too_large_are_refused_not_rounded() {
    let bytes = with_items(|items| {
        items[1][5] = N(0.1 + 0.2);
        items[2][5] = N(1e300);
        items[2][6] = T("4.5");
    });
    assert_eq!(
        problems(&bytes),
        [
            "评分细则!F2: points 0.30000000000000004 has more than two decimal places",
            "评分细则!F3: points 1e300 is larger than 1000000000",
            "评分细则!G3: target \"4.5\" is not a whole number",
        ]
    );
}

#[test]
fn an_unknown_kind_lists_the_kinds() {
    let bytes = with_items(|items| items[1][4] = T("打分"));
    // 2.1's condition tests 1.1, which could not be read: that is not
    // reported again.
    assert_eq!(
        problems(&bytes),
        [
            "评分细则!E2: kind \"打分\" is not a kind: write one of 完成 计数 期限 选择 量表 扣分 加分 否决 文本 数字 日期 (or check count deadline choice scale deduction bonus veto text number date)"
        ]
    );
}

#[test]
fn an_unknown_column_header_is_named_to_catch_typos() {
    let bytes = with_items(|items| {
        items[0].push(T("分直"));
        items[1].extend([E, T("3")]);
    });
    assert_eq!(problems(&bytes), ["评分细则!J1: unknown column \"分直\""]);
}

#[test]
fn a_column_given_twice_names_both_headers() {
    let bytes = with_items(|items| items[0].push(T("Points")));
    assert_eq!(
        problems(&bytes),
        ["评分细则!J1: column \"Points\" is already at 评分细则!F1"]
    );
}

#[test]
fn a_value_outside_the_table_is_named() {
    let bytes = with_items(|items| items[2].extend([E, E, E, T("备注")]));
    assert_eq!(
        problems(&bytes),
        ["评分细则!K3: a value in a column with no header in row 1"]
    );
}

#[test]
fn a_duplicate_item_id_names_both_cells() {
    let bytes = with_items(|items| items[2][2] = T("1.1"));
    assert_eq!(
        problems(&bytes),
        ["评分细则!C3: item id \"1.1\" is already used at 评分细则!C2"]
    );
}

#[test]
fn a_cell_that_does_not_belong_to_the_kind_is_named() {
    let bytes = with_items(|items| items[1][6] = N(2.0));
    assert_eq!(
        problems(&bytes),
        ["评分细则!G2: target does not belong to a check (完成) item"]
    );
}

#[test]
fn a_needed_cell_left_blank_is_named() {
    let bytes = with_items(|items| items[2][6] = E);
    assert_eq!(
        problems(&bytes),
        ["评分细则!G3: target is needed for a count item"]
    );
}

#[test]
fn an_id_excel_took_for_a_date_says_so() {
    let bytes = with_items(|items| items[1][2] = D(45_000.0));
    let found = problems(&bytes);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("评分细则!C2: item_id: expected text, found a date (Excel took"),
        "{found:?}"
    );
}

#[test]
fn the_template_checks_are_reported_at_their_cells() {
    let bytes = with_items(|items| {
        items[1][7] = N(4.0);
        items[3][8] = T("7.7 in done");
    });
    assert_eq!(
        problems(&bytes),
        [
            "评分细则!H2: partial (4.00) is more than points (3.00)",
            "评分细则!I4: show_if names item \"7.7\", which does not exist",
        ]
    );
    let mut options = option_rows();
    options[2][1] = T("full");
    let bytes = book(&[
        ("清单", checklist_rows()),
        ("评分细则", item_rows()),
        ("选项", options),
    ]);
    assert_eq!(problems(&bytes), ["选项!B3: duplicate option id \"full\""]);
}

#[test]
fn a_malformed_condition_names_its_cell() {
    let bytes = with_items(|items| items[3][8] = T("如果1.1完成"));
    let found = problems(&bytes);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("评分细则!I4: show_if \"如果1.1完成\""),
        "{found:?}"
    );
}

#[test]
fn an_option_for_an_unknown_item_is_named() {
    let mut options = option_rows();
    options.push(vec![T("9.9"), T("x"), T("某项"), N(1.0)]);
    let bytes = book(&[
        ("清单", checklist_rows()),
        ("评分细则", item_rows()),
        ("选项", options),
    ]);
    assert_eq!(
        problems(&bytes),
        ["选项!A4: item \"9.9\" is not on 评分细则"]
    );
}

#[test]
fn a_missing_sheet_is_named_with_the_sheets_there_are() {
    let bytes = book(&[("清单", checklist_rows()), ("Sheet2", vec![])]);
    assert_eq!(
        problems(&bytes),
        ["评分细则: the workbook has no sheet 评分细则 (or Items); its sheets are 清单, Sheet2"]
    );
}

#[test]
fn a_missing_checklist_field_is_named() {
    let mut checklist = checklist_rows();
    checklist.remove(1);
    let bytes = book(&[
        ("清单", checklist),
        ("评分细则", item_rows()),
        ("选项", option_rows()),
    ]);
    assert_eq!(problems(&bytes), ["清单: no row 编号 (id): it is needed"]);
}

#[test]
fn a_file_that_is_not_an_xlsx_workbook_is_refused() {
    for (bytes, start) in [
        (&b""[..], "workbook: not an .xlsx workbook"),
        (b"id,title\n1,x\n", "workbook: not an .xlsx workbook"),
        (
            b"PK\x03\x04\x14\x00\x00\x00broken",
            "workbook: not an .xlsx workbook",
        ),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00",
            "workbook: this is an old .xls workbook",
        ),
    ] {
        let found = problems(bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with(start), "{found:?}");
    }
}

#[test]
fn a_gap_between_bands_is_named_at_the_band() {
    let bands = vec![
        vec![T("编号"), T("名称"), T("最低"), T("最高")],
        vec![T("excellent"), T("优秀"), N(90.0), N(100.0)],
        vec![T("fail"), T("不合格"), N(0.0), N(50.0)],
    ];
    let bytes = book(&[
        ("清单", checklist_rows()),
        ("评分细则", item_rows()),
        ("选项", option_rows()),
        ("等级", bands),
    ]);
    assert_eq!(problems(&bytes), ["等级!A2: no band covers 50.00 to 90.00"]);
}

#[test]
fn every_problem_in_a_workbook_is_reported_at_once() {
    let mut checklist = checklist_rows();
    checklist[5][1] = T("每年");
    let mut items = item_rows();
    items[2][5] = T("五");
    items[0].push(T("分直"));
    items[3][4] = T("选项");
    let mut options = option_rows();
    options.push(vec![T("9.9"), T("x"), T("某项"), N(1.0)]);
    options[1][3] = T("三分");
    let bytes = book(&[("清单", checklist), ("评分细则", items), ("选项", options)]);
    assert_eq!(
        problems(&bytes),
        [
            "清单!B6: period \"每年\" is not one of 年度, 半年, 季度, 月度",
            "评分细则!J1: unknown column \"分直\"",
            "评分细则!F3: points \"五\" is not a number",
            "评分细则!E4: kind \"选项\" is not a kind: write one of 完成 计数 期限 选择 量表 扣分 加分 否决 文本 数字 日期 (or check count deadline choice scale deduction bonus veto text number date)",
            "选项!D2: points \"三分\" is not a number",
            "选项!A4: item \"9.9\" is not on 评分细则",
        ]
    );
}

#[test]
fn errors_show_one_a_line_as_sheet_cell_colon_problem() {
    let bytes = with_items(|items| {
        items[2][5] = T("五");
        items[1][4] = E;
    });
    let errors = qingdan_sheet::read(&bytes).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "评分细则!E2: kind is needed\n评分细则!F3: points \"五\" is not a number"
    );
    assert_eq!(errors.0[1].at, "评分细则!F3");
    assert_eq!(errors.0[1].problem, "points \"五\" is not a number");
}

/// The three sheets, the items with the later columns J 须说明, K 规定期限
/// and L 期限天数, and a deadline item 1.3 in row 5; then `change`.
fn with_later_columns(change: impl FnOnce(&mut Vec<Vec<C>>)) -> Vec<u8> {
    with_items(|items| {
        items[0].extend([T("须说明"), T("规定期限"), T("期限天数")]);
        items.push(vec![
            T("1"),
            T("研究部署"),
            T("1.3"),
            T("报送年度总结"),
            T("期限"),
            N(2.0),
            E,
            E,
            E,
            E,
            T("3月31日"),
        ]);
        change(items);
    })
}

#[test]
fn the_later_columns_read_when_right() {
    let doc = qingdan_sheet::read(&with_later_columns(|_| {})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.sections[0].items.len(), 3);
}

#[test]
fn a_bad_subject_names_its_cell() {
    let mut checklist = checklist_rows();
    checklist.push(vec![T("考核对象"), T("集体")]);
    let bytes = book(&[
        ("清单", checklist),
        ("评分细则", item_rows()),
        ("选项", option_rows()),
    ]);
    assert_eq!(
        problems(&bytes),
        ["清单!B7: subject \"集体\" is not one of 单位, 个人 (blank: 单位)"]
    );
}

#[test]
fn a_bad_explain_names_its_cell() {
    let bytes = with_later_columns(|items| items[2].extend([E, E, T("有时")]));
    assert_eq!(
        problems(&bytes),
        [
            "评分细则!J3: explain \"有时\" is not one of 失分时, 不适用时, 失分或不适用时, 总是 (blank: no note is needed)"
        ]
    );
}

#[test]
fn an_explain_the_item_cannot_have_is_named_at_its_cell() {
    // 1.1 may not be answered 不适用, so a note when it is cannot be asked.
    let bytes = with_later_columns(|items| items[1].extend([E, T("不适用时")]));
    assert_eq!(
        problems(&bytes),
        ["评分细则!J2: explain when-na needs na_allowed"]
    );
}

#[test]
fn a_bad_due_date_names_its_cell() {
    for (due, problem) in [
        (
            "月底",
            "评分细则!K5: due \"月底\" is not a due date: write a day of the period's year as 3月31日, or days after the period ends as 期末后31天",
        ),
        (
            "3月32日",
            "评分细则!K5: due \"3月32日\": 3月 has no day 32 (it has 31 days)",
        ),
        (
            "2月29日",
            "评分细则!K5: due \"2月29日\": 2月 has no day 29 every year (it has 28 days)",
        ),
        (
            "期末后400天",
            "评分细则!K5: due \"期末后400天\" is more than 366 days after the period ends",
        ),
    ] {
        let bytes = with_later_columns(|items| items[4][10] = T(due));
        assert_eq!(problems(&bytes), [problem], "{due}");
    }
    let bytes = with_later_columns(|items| items[4][10] = D(45_747.0));
    let found = problems(&bytes);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("评分细则!K5: due: expected text, found a date (Excel took"),
        "{found:?}"
    );
}

#[test]
fn a_due_date_beside_within_days_names_its_cell() {
    let bytes = with_later_columns(|items| items[4].push(N(7.0)));
    assert_eq!(
        problems(&bytes),
        [
            "评分细则!K5: due and within_days are both given: the deadline is fixed by the checklist (规定期限) or counted from the answer's date (期限天数), not both"
        ]
    );
}

#[test]
fn a_due_date_on_an_item_that_is_not_a_deadline_is_named() {
    let bytes = with_later_columns(|items| items[1].extend([E, E, T("3月31日")]));
    assert_eq!(
        problems(&bytes),
        ["评分细则!K2: due does not belong to a check (完成) item"]
    );
}
