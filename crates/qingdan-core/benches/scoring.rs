//! Scoring speed: one 94-item list (the size of 苍溪县's full list: 24 major,
//! 94 minor items), and 10,000 filled lists in a row.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p qingdan-core`).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qingdan_core::{Responses, Template, score};

/// A template of 24 sections and 94 items cycling through every scoring
/// kind, with a condition, N/A, a weight, bonus and a veto, and a complete
/// set of answers for it.
fn generated() -> (Template, Responses) {
    let kinds = [
        r#"{"kind": "check", "points": 1, "partial": "0.5"}"#,
        r#"{"kind": "count", "points": 1, "target": 4}"#,
        r#"{"kind": "count", "points": 1, "target": 4, "steps": [{"at_least": 1, "points": "0.5"}, {"at_least": 4, "points": 1}]}"#,
        r#"{"kind": "deadline", "points": 1, "late_points": "0.5"}"#,
        r#"{"kind": "deduction", "points": 1, "per": "0.25"}"#,
        r#"{"kind": "scale", "points": 1, "min": 1, "max": 5}"#,
        r#"{"kind": "bonus", "per": "0.5", "cap": 1}"#,
    ];
    let answers = [
        r#""partial""#,
        "3",
        "2",
        r#"{"due": "2026-01-31", "done": "2026-01-20"}"#,
        "1",
        "4",
        "1",
    ];
    let mut sections = Vec::new();
    let mut responses = Vec::new();
    let mut n = 0;
    for s in 0..24 {
        let mut items = Vec::new();
        let per_section = if s < 22 { 4 } else { 3 };
        for _ in 0..per_section {
            let k = n % kinds.len();
            let id = format!("{}.{}", s + 1, items.len() + 1);
            let extra = match n {
                5 => r#", "na_allowed": true"#.to_owned(),
                7 => r#", "weight": "1.5""#.to_owned(),
                9 => r#", "show_if": {"item": "1.1", "any_of": ["done", "partial"]}"#.to_owned(),
                _ => String::new(),
            };
            let (rule, answer) = if n == 93 {
                (r#"{"kind": "veto", "effect": "fail"}"#, "false")
            } else {
                (kinds[k], answers[k])
            };
            items.push(format!(
                r#"{{"id": "{id}", "title": {{"zh": "第{n}项"}}, "rule": {rule}{extra}}}"#
            ));
            responses.push(format!(
                r#""{id}": {{"answer": {answer}, "note": "佐证材料第{n}号"}}"#
            ));
            n += 1;
        }
        sections.push(format!(
            r#"{{"id": "{}", "title": {{"zh": "大项{}"}}, "items": [{}]}}"#,
            s + 1,
            s + 1,
            items.join(",")
        ));
    }
    assert_eq!(n, 94);
    let template = format!(
        r#"{{"format": "qingdan.template/1", "id": "bench-94", "version": 1, "title": {{"zh": "九十四项"}},
            "responsibility": "principal", "period": "annual",
            "signers": [{{"role": "principal", "title": {{"zh": "书记"}}}}],
            "bands": [{{"id": "pass", "label": {{"zh": "合格"}}, "min": 60, "max": 100}}, {{"id": "fail", "label": {{"zh": "不合格"}}, "min": 0, "max": 60}}],
            "sections": [{}]}}"#,
        sections.join(",")
    );
    let template = Template::parse(&template).expect("the generated template is valid");
    let responses = Responses::parse(&template, &format!("{{{}}}", responses.join(",")))
        .expect("valid answers");
    (template, responses)
}

fn scoring(c: &mut Criterion) {
    let (template, responses) = generated();
    assert_eq!(template.item_count(), 94);
    c.bench_function("score one 94-item list", |b| {
        b.iter(|| score(black_box(&template), black_box(&responses)))
    });

    // 10,000 units' filled lists, each a little different.
    let filled: Vec<Responses> = (0..10_000u32)
        .map(|u| {
            let mut r = responses.clone();
            let id = format!("{}.2", u % 22 + 1);
            r.set(
                &template,
                &id,
                qingdan_core::Response::answered(qingdan_core::Answer::Count(u % 5)),
            )
            .ok();
            r
        })
        .collect();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("score 10,000 filled 94-item lists", |b| {
        b.iter_batched(
            || (),
            |()| {
                filled
                    .iter()
                    .map(|r| score(&template, r).total)
                    .fold(qingdan_core::Fixed::ZERO, |a, b| a + b)
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    c.bench_function("parse the 94-item template", |b| {
        let text = serde_json::to_string(template.doc()).unwrap();
        b.iter(|| Template::parse(black_box(&text)).unwrap())
    });
}

criterion_group!(benches, scoring);
criterion_main!(benches);
