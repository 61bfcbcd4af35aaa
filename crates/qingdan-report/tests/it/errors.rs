//! A score sheet that cannot be read is an error naming the packet and the
//! JSON path, from every report, and never a panic.

use qingdan_core::packet::PacketKind;
use qingdan_report::{Entry, gap, indicators, ranking};
use serde_json::{Value, json};

use crate::{own, template};

/// A packet whose sheet is changed by `break_it`.
fn broken(break_it: impl FnOnce(&mut Value)) -> Entry {
    let mut entry = own("1a2b3c", ("510001", "城关镇"), &[]);
    break_it(&mut entry.score);
    entry
}

#[test]
fn a_broken_sheet_is_an_error_that_names_the_packet_and_the_path() {
    let cases: Vec<(Entry, &str)> = vec![
        (
            broken(|s| s["sections"][2]["score"] = json!("abc")),
            r#"packet 1a2b3c: score.sections[2].score: "abc" is not a number"#,
        ),
        (
            broken(|s| s["total"] = json!(87.5)),
            "packet 1a2b3c: score.total: 87.5 is not a decimal string",
        ),
        (
            broken(|s| s["total"] = Value::Null),
            "packet 1a2b3c: score.total: null is not a decimal string",
        ),
        (
            broken(|s| s["max"] = json!("1.234")),
            r#"packet 1a2b3c: score.max: "1.234" has more than two decimal places"#,
        ),
        (
            broken(|s| {
                s.as_object_mut().unwrap().remove("percentage");
            }),
            "packet 1a2b3c: score.percentage: missing",
        ),
        (
            broken(|s| s["items"][0]["status"] = json!("lost")),
            r#"packet 1a2b3c: score.items[0].status: "lost" is not an item status"#,
        ),
        (
            broken(|s| s["items"] = json!({})),
            "packet 1a2b3c: score.items: {} is not an array",
        ),
        (
            broken(|s| {
                s["sections"].as_array_mut().unwrap().pop();
            }),
            r#"packet 1a2b3c: score.sections: has no section "9", which the template has"#,
        ),
        (
            broken(|s| s["vetoes"] = json!([{"item": "9.1", "effect": "maybe"}])),
            r#"packet 1a2b3c: score.vetoes[0].effect: "maybe" is not a veto effect ("fail" or {"cap_grade": …})"#,
        ),
        (
            broken(|s| s["template"]["version"] = json!(2)),
            "packet 1a2b3c: score.template: scores jiandu-zeren v2, but the report is over jiandu-zeren v1",
        ),
        (
            broken(|s| *s = Value::Null),
            "packet 1a2b3c: score: null is not an object",
        ),
    ];
    let template = template();
    let kind = PacketKind::SelfAssessment;
    for (entry, expected) in cases {
        let entries = [entry];
        let errors = [
            ranking(&template, "2026", kind, &entries).map(drop),
            indicators(&template, "2026", kind, &entries).map(drop),
            gap(&template, "2026", &entries).map(drop),
        ];
        for error in errors {
            assert_eq!(error.unwrap_err().to_string(), expected);
        }
    }
}

#[test]
fn a_broken_sheet_that_a_newer_packet_replaced_is_not_read() {
    let mut old = broken(|s| s["total"] = json!("abc"));
    old.created_at = "2026-01-01T00:00:00Z".to_owned();
    let entries = [old, own("new", ("510001", "城关镇"), &[])];
    let ranking = ranking(&template(), "2026", PacketKind::SelfAssessment, &entries).unwrap();
    assert_eq!(ranking.rows[0].packet_id, "new");
}
