//! A score sheet that does not fit the report's checklist is an error
//! naming the packet and where, from every report, and never a panic. (A
//! sheet that cannot be read at all never gets this far: the core's one
//! reader refuses it, naming its JSON path.)

use qingdan_core::packet::PacketKind;
use qingdan_core::score::ScoreSheet;
use qingdan_report::{Entry, gap, indicators, ranking};

use crate::{own, template};

/// A packet whose sheet is changed by `break_it`.
fn broken(break_it: impl FnOnce(&mut Option<ScoreSheet>)) -> Entry {
    let mut entry = own("1a2b3c", ("510001", "城关镇"), &[]);
    break_it(&mut entry.sheet);
    entry
}

fn change(f: impl FnOnce(&mut ScoreSheet)) -> impl FnOnce(&mut Option<ScoreSheet>) {
    move |sheet| f(sheet.as_mut().unwrap())
}

#[test]
fn a_sheet_that_does_not_fit_the_checklist_is_an_error_that_names_the_packet_and_where() {
    let cases: Vec<(Entry, &str)> = vec![
        (
            broken(change(|s| {
                s.sections.pop();
            })),
            r#"packet 1a2b3c: score.sections: has no section "9", which the template has"#,
        ),
        (
            broken(change(|s| {
                s.items.remove(0);
            })),
            r#"packet 1a2b3c: score.items: has no item "1.1", which the template has"#,
        ),
        (
            broken(change(|s| s.template.version = 2)),
            "packet 1a2b3c: score.template: scores jiandu-zeren v2, but the report is over jiandu-zeren v1",
        ),
        (broken(|s| *s = None), "packet 1a2b3c: score: missing"),
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
    let mut old = broken(|s| *s = None);
    old.received_at = "2026-01-01T00:00:00Z".to_owned();
    let entries = [old, own("new", ("510001", "城关镇"), &[])];
    let ranking = ranking(&template(), "2026", PacketKind::SelfAssessment, &entries).unwrap();
    assert_eq!(ranking.rows[0].packet_id, "new");
}
