//! Folders of cases, each checked against a snapshot next to it. Run with
//! `UPDATE_EXPECT=1` to rewrite the snapshots after a deliberate change, then
//! read the diff.

use expect_test::expect_file;
use qingdan_core::period::Period;
use qingdan_core::{Lang, Responses, Template, score};

use crate::{data_dir, read, sorted_entries};

/// `tests/data/scoring/<case>/`: a template (`template.json`, or
/// `template.ref` naming a bundled list as `id@version`), responses, the
/// period when the list fixes due dates from it (`period`), and the expected
/// score sheet (JSON, then every reason rendered in Chinese and English).
#[test]
fn scoring_cases_match_their_sheets() {
    let dir = data_dir().join("scoring");
    let cases = sorted_entries(&dir);
    assert!(
        cases.len() >= 15,
        "scoring cases are missing from {}",
        dir.display()
    );
    for case in cases {
        let template = Template::parse(&case_template(&case))
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let responses = Responses::parse(&template, &read(&case.join("responses.json")))
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        // A case whose checklist fixes due dates names its period.
        let period = std::fs::read_to_string(case.join("period")).ok().map(|p| {
            Period::parse(p.trim()).unwrap_or_else(|| panic!("{}: bad period", case.display()))
        });
        let sheet = score(&template, &responses, period.as_ref());
        let mut actual = serde_json::to_string_pretty(&sheet).unwrap();
        for (heading, lang) in [("中文", Lang::Zh), ("English", Lang::En)] {
            actual.push_str(&format!("\n\n{heading}:\n"));
            for item in &sheet.items {
                let reason = item.reason_text(&template, lang);
                actual.push_str(&format!("{}: {reason}\n", item.id));
            }
        }
        expect_file![case.join("sheet.expected")].assert_eq(&actual);
    }
}

/// A case's template text: its own file, or the bundled list it names.
fn case_template(case: &std::path::Path) -> String {
    let Ok(named) = std::fs::read_to_string(case.join("template.ref")) else {
        return read(&case.join("template.json"));
    };
    let (id, version) = named
        .trim()
        .split_once('@')
        .expect("template.ref is id@version");
    let version = version.parse().expect("template.ref's version is a number");
    qingdan_core::bundled::find_version(id, version)
        .unwrap_or_else(|| panic!("{}: no bundled {id} v{version}", case.display()))
        .json()
        .to_owned()
}

/// `tests/data/templates/invalid/<case>.json` is rejected with the errors in
/// `<case>.expected`, each naming where and what.
#[test]
fn invalid_templates_are_rejected_with_located_errors() {
    let seen = each_rejected(&data_dir().join("templates/invalid"), |text| {
        Template::parse(text).map(drop).map_err(|e| e.to_string())
    });
    assert!(seen >= 25, "invalid template cases are missing");
}

/// `tests/data/responses/invalid/<case>.json` is rejected against
/// `tests/data/responses/template.json` with the errors in `<case>.expected`.
#[test]
fn invalid_responses_are_rejected_with_located_errors() {
    let dir = data_dir().join("responses");
    let template = Template::parse(&read(&dir.join("template.json"))).unwrap();
    let seen = each_rejected(&dir.join("invalid"), |text| {
        Responses::parse(&template, text)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    assert!(seen >= 20, "invalid response cases are missing");
}

/// Feeds every `*.json` in `dir` to `parse`, which must reject it with the
/// text in the `.expected` file beside it; returns how many there were.
fn each_rejected(dir: &std::path::Path, parse: impl Fn(&str) -> Result<(), String>) -> usize {
    let cases: Vec<_> = sorted_entries(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    for path in &cases {
        match parse(&read(path)) {
            Ok(()) => panic!("{} was accepted", path.display()),
            Err(errors) => {
                expect_file![path.with_extension("expected")].assert_eq(&format!("{errors}\n"))
            }
        }
    }
    cases.len()
}

/// Responses written back out read in again unchanged, answer for answer.
#[test]
fn responses_round_trip_through_json() {
    let dir = data_dir().join("responses");
    let template = Template::parse(&read(&dir.join("template.json"))).unwrap();
    let text = read(&dir.join("every-kind.json"));
    let responses = Responses::parse(&template, &text).unwrap();
    assert_eq!(responses.len(), template.item_count());
    let written = serde_json::to_string(&responses).unwrap();
    assert_eq!(Responses::parse(&template, &written).unwrap(), responses);
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rewritten: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(original, rewritten);
}

/// 94 items of 0.1 points add up to exactly 9.4 (no float drift).
#[test]
fn ninety_four_tenths_make_exactly_nine_point_four() {
    let items: Vec<String> = (1..=94)
        .map(|n| format!(r#"{{"id": "i{n}", "title": {{"zh": "第{n}项"}}, "rule": {{"kind": "check", "points": "0.1"}}}}"#))
        .collect();
    let text = format!(
        r#"{{"format": "qingdan.template/1", "id": "tenths", "version": 1, "title": {{"zh": "十分之一"}},
            "responsibility": "principal", "period": "annual",
            "signers": [{{"role": "principal", "title": {{"zh": "书记"}}}}, {{"role": "supervisory", "title": {{"zh": "纪委书记"}}}}],
            "bands": [{{"id": "all", "label": {{"zh": "全部"}}, "min": 0, "max": 100}}],
            "sections": [{{"id": "1", "title": {{"zh": "一"}}, "items": [{}]}}]}}"#,
        items.join(",")
    );
    let template = Template::parse(&text).unwrap();
    let answers: Vec<String> = (1..=94)
        .map(|n| format!(r#""i{n}": {{"answer": "done"}}"#))
        .collect();
    let responses = Responses::parse(&template, &format!("{{{}}}", answers.join(","))).unwrap();
    let sheet = score(&template, &responses, None);
    assert_eq!(sheet.total.to_string(), "9.40");
    assert_eq!(sheet.max.to_string(), "9.40");
    assert_eq!(sheet.percentage.unwrap().to_string(), "100.00");
    let json = serde_json::to_value(&sheet).unwrap();
    assert_eq!(json["total"], "9.40");
}
