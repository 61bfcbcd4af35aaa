//! The `qingdan` binary as a person runs it: exit codes, what it prints on
//! stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qingdan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the qingdan binary runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const EXAMPLE_TEMPLATE: &str = "crates/qingdan-core/templates/jiandu-zeren.json";
const EXAMPLE_RESPONSES: &str = "tests/data/examples/jiandu-zeren-2026.json";

#[test]
fn template_check_accepts_every_bundled_template() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("crates/qingdan-core/templates"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let args: Vec<&str> = ["template", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = qingdan(&args);
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout)
            .lines()
            .filter(|l| l.contains(": ok ("))
            .count(),
        files.len()
    );
}

#[test]
fn template_check_names_each_problem_and_exits_1() {
    let out = qingdan(&[
        "template",
        "check",
        EXAMPLE_TEMPLATE,
        "tests/data/templates/invalid/duplicate-item-id.json",
        "tests/data/templates/invalid/overlapping-bands.json",
        "tests/data/templates/invalid/condition-missing-item.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("duplicate-item-id.json: item 1.1: duplicate item id"),
        "{stderr}"
    );
    assert!(
        stderr.contains("overlapping-bands.json: band excellent: overlaps band good"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "condition-missing-item.json: item 1.2 (show_if): show_if names item \"9.9\""
        ),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("jiandu-zeren.json: ok"),
        "the valid file is still reported"
    );
}

#[test]
fn template_check_of_a_missing_file_names_it() {
    let out = qingdan(&["template", "check", "no/such/file.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no/such/file.json"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn score_prints_a_table_with_totals_grade_and_completeness() {
    let out = qingdan(&["score", "--template", EXAMPLE_TEMPLATE, EXAMPLE_RESPONSES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("纪委（纪检组）落实党风廉政建设监督责任清单"),
        "{stdout}"
    );
    assert!(
        stdout.contains("部分完成，得 2.00 分"),
        "item reasons are shown: {stdout}"
    );
    assert!(
        stdout.contains("合计 83.00 / 92.00（基本分 82.00，加分 1.00），得分率 90.22%，等次：优秀"),
        "{stdout}"
    );
    assert!(stdout.contains("完整度：必答项 21/21 已作答"), "{stdout}");
}

#[test]
fn score_speaks_english_on_request() {
    let out = qingdan(&[
        "score",
        "--lang",
        "en",
        "--template",
        EXAMPLE_TEMPLATE,
        EXAMPLE_RESPONSES,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Total 83.00 / 92.00 (base 82.00, bonus 1.00), 90.22%, grade: Excellent"),
        "{stdout}"
    );
}

#[test]
fn score_json_is_the_score_sheet_with_exact_decimal_strings() {
    let out = qingdan(&[
        "score",
        "--json",
        "--template",
        EXAMPLE_TEMPLATE,
        EXAMPLE_RESPONSES,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sheet: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sheet["format"], "qingdan.score/1");
    assert_eq!(sheet["total"], "83.00");
    assert_eq!(sheet["percentage"], "90.22");
    assert_eq!(sheet["grade"]["id"], "excellent");
    assert_eq!(sheet["completeness"]["missing"], serde_json::json!([]));
}

#[test]
fn score_reports_bad_responses_with_their_location() {
    let out = qingdan(&[
        "score",
        "--template",
        "tests/data/responses/template.json",
        "tests/data/responses/invalid/several-problems.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("several-problems.json: check.answer: a check item expects"),
        "{stderr}"
    );
    assert!(
        stderr.contains("several-problems.json: count.answer: -3 is outside 0 to 1000000"),
        "{stderr}"
    );
    assert!(
        stderr.contains("several-problems.json: nine: the template has no item with this id"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is scored from bad responses"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(qingdan(&[]).status.code(), Some(2));
    assert_eq!(
        qingdan(&["score", EXAMPLE_RESPONSES]).status.code(),
        Some(2),
        "--template is required"
    );
    assert_eq!(
        qingdan(&["template", "check"]).status.code(),
        Some(2),
        "a file is required"
    );
    assert_eq!(qingdan(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn bundled_lists_and_prints_the_templates() {
    let out = qingdan(&["template", "bundled"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("jiandu-zeren\t纪委（纪检组）落实党风廉政建设监督责任清单"));
    let out = qingdan(&["template", "bundled", "jiandu-zeren"]);
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(repo().join(EXAMPLE_TEMPLATE)).unwrap()
    );
    assert_eq!(
        qingdan(&["template", "bundled", "nope"]).status.code(),
        Some(1)
    );
}
