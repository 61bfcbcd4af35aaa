//! Indicator failure rates: who had an item, who lost points on it, exact
//! percentages, the most failed first.

use qingdan_core::packet::PacketKind;
use qingdan_report::{IndicatorRow, indicators};

use crate::{own, template};

/// Four units: full marks; 1.1 and 2.4 not done; 1.1 partly done with 2.4
/// not applicable; 1.3 unanswered and the veto triggered.
fn rows() -> Vec<IndicatorRow> {
    let entries = [
        own("p1", ("510001", "城关镇"), &[]),
        own(
            "p2",
            ("510002", "白驿镇"),
            &[("1.1", r#""not_done""#), ("2.4", r#""not_done""#)],
        ),
        own(
            "p3",
            ("510003", "陵江镇"),
            &[("1.1", r#""partial""#), ("2.4", "na")],
        ),
        own("p4", ("510004", "云台镇"), &[("1.3", "-"), ("9.1", "true")]),
    ];
    let report = indicators(&template(), "2026", PacketKind::SelfAssessment, &entries).unwrap();
    assert_eq!(report.units, 4);
    report.rows
}

fn find<'r>(rows: &'r [IndicatorRow], item: &str) -> &'r IndicatorRow {
    rows.iter().find(|r| r.item == item).unwrap()
}

#[test]
fn an_item_failed_by_two_of_four_units_fails_at_fifty_percent() {
    let rows = rows();
    let row = find(&rows, "1.1");
    assert_eq!((row.applicable, row.failed), (4, 2));
    assert_eq!(row.failure_rate.unwrap().to_string(), "50.00");
    assert_eq!(row.section, "纪律检查");
    assert!(
        row.indicator.is_some(),
        "the template gives 1.1 an indicator"
    );
}

#[test]
fn not_applicable_leaves_the_count_and_rates_are_exact() {
    let rows = rows();
    let row = find(&rows, "2.4");
    assert_eq!((row.applicable, row.failed), (3, 1));
    assert_eq!(row.failure_rate.unwrap().to_string(), "33.33");
}

#[test]
fn an_unanswered_item_and_a_triggered_veto_count_as_failed() {
    let rows = rows();
    for item in ["1.3", "9.1"] {
        let row = find(&rows, item);
        assert_eq!((row.applicable, row.failed), (4, 1), "{item}");
        assert_eq!(row.failure_rate.unwrap().to_string(), "25.00", "{item}");
    }
}

#[test]
fn the_most_failed_come_first_then_template_order_and_only_scoring_items() {
    let rows = rows();
    let order: Vec<&str> = rows.iter().map(|r| r.item.as_str()).collect();
    assert_eq!(&order[..6], ["1.1", "2.4", "1.3", "9.1", "1.2", "2.1"]);
    // 22 scoring items and one veto; no bonus or evidence item.
    assert_eq!(rows.len(), 23);
    for absent in ["3.2", "8.1", "9.2"] {
        assert!(rows.iter().all(|r| r.item != absent), "{absent}");
    }
    assert!(rows[4..].iter().all(|r| r.failed == 0));
}
