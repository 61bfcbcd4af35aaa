//! Scoring speed: one 94-item list (the size of 苍溪县's full list: 24 major,
//! 94 minor items), and 10,000 filled lists in a row.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p qingdan-core`).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qingdan_core::{Responses, Template, score};

mod fixtures;
use fixtures::generated;

fn scoring(c: &mut Criterion) {
    let (template, responses) = generated();
    assert_eq!(template.item_count(), 94);
    c.bench_function("score one 94-item list", |b| {
        b.iter(|| score(black_box(&template), black_box(&responses), None))
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
                    .map(|r| score(&template, r, None).total)
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
