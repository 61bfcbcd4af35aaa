//! 问题整改: findings counted open, overdue or closed on a given day, in
//! their own report and beside the ranking, indicators and gap.

use chrono::NaiveDate;
use qingdan_core::findings::{Finding, FindingState, Rectification, RectificationStatus};
use qingdan_core::packet::PacketKind;
use qingdan_report::{Entry, Findings, Report, findings, gap, indicators, ranking, workbook};

use crate::outputs::{part, texts};
use crate::{entry, own, template};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn inspection(id: &str, unit: (&str, &str), found: &[(&str, &str, &str)]) -> Entry {
    let mut entry = entry(
        id,
        PacketKind::Inspection,
        unit,
        "2026-12-01T08:00:00Z",
        &[],
    );
    entry.findings = found
        .iter()
        .map(|&(id, item, deadline)| Finding {
            id: id.into(),
            item: item.into(),
            problem: format!("问题{id}"),
            deadline: deadline.into(),
            responsible: "王五".into(),
        })
        .collect();
    entry
}

fn rectification(
    id: &str,
    unit: (&str, &str),
    created_at: &str,
    inspection: &str,
    answers: &[(&str, RectificationStatus)],
) -> Entry {
    let mut entry = entry(id, PacketKind::Rectification, unit, created_at, &[]);
    entry.sheet = None;
    entry.refers_to = Some(inspection.into());
    entry.rectifications = answers
        .iter()
        .map(|&(finding, status)| Rectification {
            finding: finding.into(),
            status,
            action: format!("整改{finding}"),
            completed_on: (status == RectificationStatus::Done).then(|| "2027-02-10".into()),
        })
        .collect();
    entry
}

const A: (&str, &str) = ("510001", "城关镇");
const B: (&str, &str) = ("510002", "龙江镇");

/// Unit A: two findings due 31 January 2027, one put right (after its
/// deadline). Unit B: one finding, and a rectification that claims A's.
fn entries() -> Vec<Entry> {
    use RectificationStatus::*;
    vec![
        own("o-a", A, &[]),
        inspection(
            "i-a",
            A,
            &[("1", "1.1", "2027-01-31"), ("2", "1.3", "2027-01-31")],
        ),
        inspection("i-b", B, &[("1", "1.1", "2027-03-31")]),
        rectification(
            "r-a",
            A,
            "2027-01-10T00:00:00Z",
            "i-a",
            &[("1", InProgress)],
        ),
        rectification("r-a2", A, "2027-02-10T00:00:00Z", "i-a", &[("1", Done)]),
        rectification("r-b", B, "2027-02-11T00:00:00Z", "i-a", &[("2", Done)]),
    ]
}

fn on(as_of: &str) -> Findings {
    let template = template();
    findings(&entries(), day(as_of), |_, _, item| {
        template.item(item).map(|i| i.title.zh.clone())
    })
}

fn state_of(report: &Findings, inspection: &str, finding: &str) -> FindingState {
    report
        .rows
        .iter()
        .find(|r| r.inspection_id == inspection && r.finding_id == finding)
        .unwrap()
        .state
}

#[test]
fn a_finding_is_closed_by_the_units_latest_word_and_overdue_after_its_deadline() {
    let before = on("2027-01-31");
    assert_eq!(state_of(&before, "i-a", "1"), FindingState::Closed);
    // Another unit cannot close unit A's finding.
    assert_eq!(state_of(&before, "i-a", "2"), FindingState::Open);
    let after = on("2027-02-01");
    assert_eq!(state_of(&after, "i-a", "2"), FindingState::Overdue);
    assert_eq!(state_of(&after, "i-b", "1"), FindingState::Open);

    let closed = after
        .rows
        .iter()
        .find(|r| r.finding_id == "1" && r.unit_code == A.0)
        .unwrap();
    assert_eq!(closed.action.as_deref(), Some("整改1"));
    assert_eq!(closed.rectification_id.as_deref(), Some("r-a2"));
    assert!(closed.late, "done on 10 February, due 31 January");

    let a = after.tally().counts(A.0);
    assert_eq!((a.open, a.overdue, a.closed), (0, 1, 1));
    let b = after.tally().counts(B.0);
    assert_eq!((b.open, b.overdue, b.closed), (1, 0, 0));
}

#[test]
fn the_findings_table_names_the_item_and_marks_the_overdue() {
    let table = on("2027-02-01").table();
    assert_eq!(table.sheet, "问题整改");
    assert!(table.title.contains("2027-02-01"), "{}", table.title);
    let text = table.to_text();
    assert!(text.contains("逾期未整改"), "{text}");
    assert!(text.contains("已整改（逾期完成）"), "{text}");
    let overdue: Vec<_> = table.rows.iter().filter(|r| r.highlight).collect();
    assert_eq!(overdue.len(), 1);
    let title = template().item("1.3").unwrap().title.zh.clone();
    assert!(overdue[0].cells.contains(&title.into()));
}

#[test]
fn the_ranking_indicators_and_gap_count_the_findings() {
    let template = template();
    let entries = entries();
    let found = on("2027-02-01");
    let ranked = ranking(&template, "2026", PacketKind::Inspection, &entries)
        .unwrap()
        .with_findings(&found.tally());
    let csv = ranked.table().to_csv();
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("发现问题,未整改,逾期未整改,已整改"),
        "{header}"
    );
    let row_a = csv.lines().find(|l| l.contains("城关镇")).unwrap();
    assert!(row_a.ends_with(",2,0,1,1"), "{row_a}");

    let items = indicators(&template, "2026", PacketKind::Inspection, &entries)
        .unwrap()
        .with_findings(&found.tally());
    let on_item = |id: &str| items.rows.iter().find(|r| r.item == id).unwrap().findings;
    assert_eq!(on_item("1.1"), Some(2));
    assert_eq!(on_item("1.3"), Some(1));
    assert_eq!(on_item("2.1"), Some(0));

    let gap = gap(&template, "2026", &entries)
        .unwrap()
        .with_findings(&found.tally());
    let json = serde_json::to_value(&gap).unwrap();
    let row_a = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_code"] == A.0)
        .unwrap();
    assert_eq!(row_a["findings"]["overdue"], 1);
}

#[test]
fn the_workbook_carries_the_findings_as_a_second_sheet() {
    let template = template();
    let found = on("2027-02-01");
    let ranked = ranking(&template, "2026", PacketKind::Inspection, &entries())
        .unwrap()
        .with_findings(&found.tally());
    let xlsx = workbook(&[ranked.table(), found.table()]).unwrap();
    let book = part(&xlsx, "xl/workbook.xml");
    assert!(
        book.contains(r#"name="排名""#) && book.contains(r#"name="问题整改""#),
        "{book}"
    );
    let strings = texts(&xlsx);
    assert!(
        strings.contains("问题2") && strings.contains("逾期未整改"),
        "{strings}"
    );
}

/// A tally summed over stretches of units (as the intake reads a
/// province's findings) is the tally of all of them: each unit's counts and
/// each item's findings, whichever order the stretches come in.
#[test]
fn a_tally_of_stretches_of_units_is_the_tally_of_all() {
    let all = on("2027-02-01");
    let of_unit = |unit: &str| {
        let mut part = all.clone();
        part.units.retain(|u| u.unit_code == unit);
        part.rows.retain(|r| r.unit_code == unit);
        part
    };
    let mut summed = qingdan_report::FindingTally::default();
    summed.add(&of_unit(B.0));
    summed.add(&of_unit(A.0));
    assert_eq!(summed, all.tally());
    assert_eq!(summed.counts(A.0).total(), 2);
    assert_eq!(summed.counts("510999").total(), 0);
    assert_eq!(summed.on_item("1.1"), 2);
    assert_eq!(summed.on_item("1.3"), 1);
    // A unit met again adds to its counts.
    summed.add(&of_unit(A.0));
    assert_eq!(summed.counts(A.0).overdue, 2);
}
