//! The ranking and the gap over 1,000, 10,000 and 100,000 units' latest
//! packets (a province's townships and departments), each a score sheet of
//! the bundled 监督责任清单 v1 made by the core, some with items marked
//! 不适用 so that the percentages differ from the totals' order.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p qingdan-report`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qingdan_core::packet::PacketKind;
use qingdan_core::score::ScoreSheet;
use qingdan_core::{Responses, Template, bundled, score};
use qingdan_report::{Entry, gap, ranking};

fn template() -> Template {
    Template::parse(bundled::find_version("jiandu-zeren", 1).unwrap().json()).unwrap()
}

/// A few dozen different sheets: units lose points on some items and
/// mark others 不适用.
fn sheets(template: &Template) -> Vec<ScoreSheet> {
    let varied = [
        ("1.1", r#""not_done""#),
        ("2.4", r#"na"#),
        ("3.4", "1"),
        ("4.2", "na"),
        ("5.1", "1"),
    ];
    (0..32u32)
        .map(|n| {
            let mut fields = vec![
                r#""1.2": {"answer": 4}"#.to_owned(),
                r#""2.3": {"answer": 4}"#.to_owned(),
                r#""9.1": {"answer": false}"#.to_owned(),
            ];
            for (bit, (id, answer)) in varied.iter().enumerate() {
                if n & (1 << bit) != 0 {
                    fields.push(match *answer {
                        "na" => format!(r#""{id}": {{"na": true, "note": "无"}}"#),
                        a => format!(r#""{id}": {{"answer": {a}}}"#),
                    });
                }
            }
            let responses =
                Responses::parse(template, &format!("{{{}}}", fields.join(","))).unwrap();
            score(template, &responses, None)
        })
        .collect()
}

/// `units` units' self-assessments and inspections for 2026.
fn entries(units: usize, sheets: &[ScoreSheet]) -> Vec<Entry> {
    let mut all = Vec::with_capacity(units * 2);
    for u in 0..units {
        for (kind, offset) in [(PacketKind::SelfAssessment, 0), (PacketKind::Inspection, 7)] {
            all.push(Entry {
                packet_id: format!("{u}-{offset}"),
                kind,
                unit_code: format!("51{u:07}"),
                unit_name: format!("第{u}镇党委"),
                subject: None,
                template_id: "jiandu-zeren".into(),
                template_version: 1,
                period: "2026".into(),
                created_at: "2026-11-23T08:00:00Z".into(),
                received_at: format!("2026-11-23T08:{:02}:00.000Z", offset),
                sheet: Some(sheets[(u * 7 + offset) % sheets.len()].clone()),
                findings: Vec::new(),
                rectifications: Vec::new(),
                refers_to: None,
                signers: vec!["张三".into(), "李四".into()],
            });
        }
    }
    all
}

fn reports(c: &mut Criterion) {
    let template = template();
    let sheets = sheets(&template);
    let mut group = c.benchmark_group("reports");
    group.sample_size(10);
    for units in [1_000, 10_000, 100_000] {
        let entries = entries(units, &sheets);
        group.bench_function(format!("ranking of {units} units"), |b| {
            b.iter(|| {
                ranking(
                    &template,
                    "2026",
                    PacketKind::SelfAssessment,
                    black_box(&entries),
                )
                .unwrap()
            })
        });
        group.bench_function(format!("gap of {units} units"), |b| {
            b.iter(|| gap(&template, "2026", black_box(&entries)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
