//! Integration tests of qingdan-report. Every entry's score sheet is made by
//! scoring real responses to the bundled 监督责任清单 (`jiandu-zeren` v1,
//! which stays bundled unchanged: 100 points, a bonus section and a failing
//! veto) with the core, exactly as a packet carries it.

mod errors;
mod findings;
mod gap;
mod indicators;
mod outputs;
mod ranking;

use std::collections::BTreeMap;

use qingdan_core::packet::PacketKind;
use qingdan_core::score::ScoreSheet;
use qingdan_core::{Responses, Template, bundled, score};
use qingdan_report::Entry;

/// The bundled 纪委（纪检组）监督责任清单, v1.
pub fn template() -> Template {
    Template::parse(bundled::find_version("jiandu-zeren", 1).unwrap().json()).unwrap()
}

/// Answers that score every point (100.00) and trigger no veto.
const FULL_MARKS: &[(&str, &str)] = &[
    ("1.1", r#""done""#),
    ("1.2", "4"),
    ("1.3", r#""done""#),
    ("2.1", r#""done""#),
    ("2.2", r#"{"due": "2026-01-31", "done": "2026-01-20"}"#),
    ("2.3", "4"),
    ("2.4", r#""done""#),
    ("3.1", r#""done""#),
    ("3.3", "0"),
    ("3.4", "0"),
    ("4.1", "4"),
    ("4.2", r#""done""#),
    ("4.3", "0"),
    ("5.1", "2"),
    ("5.2", r#""done""#),
    ("5.3", "1"),
    ("6.1", "2"),
    ("6.2", r#""done""#),
    ("6.3", r#""done""#),
    ("7.1", r#""done""#),
    ("7.2", "4"),
    ("7.3", r#""done""#),
    ("8.1", "0"),
    ("9.1", "false"),
];

/// The score sheet, as JSON, of full marks changed by `changes`: each is an
/// item id and its answer as JSON, `na` for 不适用 or `-` for no answer.
pub fn sheet(changes: &[(&str, &str)]) -> ScoreSheet {
    let template = template();
    let mut answers: BTreeMap<&str, &str> = FULL_MARKS.iter().copied().collect();
    answers.extend(changes.iter().copied());
    let fields: Vec<String> = answers
        .into_iter()
        .filter(|(_, answer)| *answer != "-")
        .map(|(id, answer)| match answer {
            "na" => format!(r#""{id}": {{"na": true}}"#),
            _ => format!(r#""{id}": {{"answer": {answer}}}"#),
        })
        .collect();
    let responses = Responses::parse(&template, &format!("{{{}}}", fields.join(","))).unwrap();
    score(&template, &responses, None)
}

/// A packet of the 2026 period from unit `code`, made (and received) at
/// `created_at`, scoring full marks changed by `changes`.
pub fn entry(
    packet_id: &str,
    kind: PacketKind,
    (code, name): (&str, &str),
    created_at: &str,
    changes: &[(&str, &str)],
) -> Entry {
    Entry {
        packet_id: packet_id.to_owned(),
        kind,
        unit_code: code.to_owned(),
        unit_name: name.to_owned(),
        subject: None,
        template_id: "jiandu-zeren".to_owned(),
        template_version: 1,
        period: "2026".to_owned(),
        created_at: created_at.to_owned(),
        received_at: created_at.to_owned(),
        sheet: Some(sheet(changes)),
        findings: Vec::new(),
        rectifications: Vec::new(),
        refers_to: None,
        signers: vec!["张三".to_owned(), "李四".to_owned()],
    }
}

/// A self-assessment made on 1 March 2026.
pub fn own(packet_id: &str, unit: (&str, &str), changes: &[(&str, &str)]) -> Entry {
    entry(
        packet_id,
        PacketKind::SelfAssessment,
        unit,
        "2026-03-01T08:00:00Z",
        changes,
    )
}
