//! Self-assessment against inspection: the sign of the difference, the
//! largest gap first, units with one side only last.

use qingdan_core::Fixed;
use qingdan_core::packet::PacketKind;
use qingdan_report::gap;

use crate::{entry, own, template};

const LOST_TEN: &[(&str, &str)] = &[("3.4", "1"), ("3.1", r#""not_done""#)];
const LOST_TWENTY: &[(&str, &str)] = &[("3.4", "2"), ("3.3", "3"), ("3.1", r#""not_done""#)];

fn inspected(
    packet_id: &str,
    unit: (&str, &str),
    changes: &[(&str, &str)],
) -> qingdan_report::Entry {
    entry(
        packet_id,
        PacketKind::Inspection,
        unit,
        "2026-04-01T08:00:00Z",
        changes,
    )
}

#[test]
fn the_largest_gap_comes_first_with_its_sign_and_one_sided_units_last() {
    let entries = [
        // Rated itself 10 above the inspectors.
        own("x-own", ("510001", "城关镇"), &[]),
        inspected("x-insp", ("510001", "城关镇"), LOST_TEN),
        // Rated itself 2 below.
        own("y-own", ("510002", "白驿镇"), &[("1.1", r#""not_done""#)]),
        inspected("y-insp", ("510002", "白驿镇"), &[("1.1", r#""partial""#)]),
        // Rated itself 20 below.
        own("z-own", ("510003", "陵江镇"), LOST_TWENTY),
        inspected("z-insp", ("510003", "陵江镇"), &[]),
        // Only one side each.
        inspected("v-insp", ("510004", "云台镇"), &[]),
        own("w-own", ("510000", "东河镇"), &[]),
    ];
    let report = gap(&template(), "2026", &entries).unwrap();
    let shown = |value: Option<Fixed>| value.map_or("—".to_owned(), |v| v.to_string());
    let rows: Vec<String> = report
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.unit_name,
                shown(r.self_assessment),
                shown(r.inspection),
                shown(r.difference)
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "陵江镇 80.00 100.00 -20.00",
            "城关镇 100.00 90.00 10.00",
            "白驿镇 96.00 98.00 -2.00",
            "东河镇 100.00 — —",
            "云台镇 — 100.00 —",
        ]
    );
    assert_eq!(
        report.rows[0].self_assessment_packet.as_deref(),
        Some("z-own")
    );
    assert_eq!(report.rows[0].inspection_packet.as_deref(), Some("z-insp"));
}

#[test]
fn each_side_is_the_latest_packet_of_its_kind() {
    let mut early = inspected("early", ("510001", "城关镇"), LOST_TWENTY);
    early.created_at = "2026-02-01T08:00:00Z".to_owned();
    let entries = [
        own("own", ("510001", "城关镇"), &[]),
        inspected("late", ("510001", "城关镇"), LOST_TEN),
        early,
    ];
    let report = gap(&template(), "2026", &entries).unwrap();
    assert_eq!(report.rows[0].inspection_packet.as_deref(), Some("late"));
    assert_eq!(report.rows[0].difference.unwrap().to_string(), "10.00");
}

/// The gap is in percentage points: a unit that marks an item 不适用 which
/// the inspectors score as not done is out of another maximum, and its
/// gap in points understates how far apart the two judgements are.
#[test]
fn gaps_are_ordered_by_percentage_points() {
    let entries = [
        // 4 points apart, both out of 100: 4 percentage points.
        own("a-own", ("510001", "城关镇"), &[]),
        inspected("a-insp", ("510001", "城关镇"), &[("1.1", r#""not_done""#)]),
        // The same 93 points on both sides, but the unit left 2.4 (4
        // points) out as N/A where the inspectors scored it not done:
        // 93/96 = 96.88 % against 93/100 = 93.00 %, 3.88 percentage points
        // (ordered by points, it would come last).
        own(
            "b-own",
            ("510002", "白驿镇"),
            &[("2.4", "na"), ("3.1", r#""partial""#)],
        ),
        inspected(
            "b-insp",
            ("510002", "白驿镇"),
            &[("2.4", r#""not_done""#), ("3.1", r#""partial""#)],
        ),
        // 3 points apart out of 100: 3 percentage points.
        own("c-own", ("510003", "陵江镇"), &[]),
        inspected("c-insp", ("510003", "陵江镇"), &[("3.1", r#""partial""#)]),
    ];
    let report = gap(&template(), "2026", &entries).unwrap();
    let rows: Vec<String> = report
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.unit_name,
                r.difference.unwrap(),
                r.percentage_difference.unwrap()
            )
        })
        .collect();
    assert_eq!(
        rows,
        ["城关镇 4.00 4.00", "白驿镇 0.00 3.88", "陵江镇 3.00 3.00"]
    );
}
