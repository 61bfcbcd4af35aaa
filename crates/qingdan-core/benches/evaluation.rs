//! 民主测评 at the close: the tally of a full evaluation (5,000 ballots, the
//! most one may have) counted and signed, and the same result verified and
//! recounted as `qingdan ballots verify` does.
//!
//! Run with `cargo xtask bench` (or `cargo bench -p qingdan-core --bench evaluation`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qingdan_core::evaluation::{self, Answers, Ballot, Evaluation};
use qingdan_core::keys::SigningKey;

const EXAMPLE: &str = include_str!("../../../tests/data/evaluations/banzi-2026.json");

fn evaluations(c: &mut Criterion) {
    let mut doc: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    doc["groups"] = serde_json::json!([
        {"id": "committee", "title": {"zh": "全委会委员"}, "ballots": 500, "weight": "0.5"},
        {"id": "staff", "title": {"zh": "干部职工"}, "ballots": 2500, "weight": "0.3"},
        {"id": "public", "title": {"zh": "服务对象"}, "ballots": 2000, "weight": "0.2"}
    ]);
    let e = Evaluation::from_value(&doc).unwrap();
    let ratings = ["good", "fairly_good", "average", "poor"];
    let groups = [("committee", 500), ("staff", 2500), ("public", 2000)];
    let mut ballots = Vec::new();
    let mut n = 0u64;
    for (group, count) in groups {
        for _ in 0..count {
            n += 1;
            let pick = |k: u64| ratings[((n * 7 + k * 13) % 4) as usize];
            let person = |k: u64| serde_json::json!({"duty": pick(k), "integrity": pick(k + 1), "conduct": pick(k + 2), "overall": pick(k + 3)});
            let answers: Answers = serde_json::from_value(
                serde_json::json!({"ratings": {"wang": person(0), "zhao": person(5)}}),
            )
            .unwrap();
            ballots.push(Ballot {
                code_sha256: evaluation::code_sha256(&format!("code-{n}")),
                group: group.to_owned(),
                answers,
            });
        }
    }
    ballots.sort_by(|a, b| a.code_sha256.cmp(&b.code_sha256));
    let key = SigningKey::from_bytes(&[42; 32]);
    let closed_at = "2026-12-18T04:00:00Z";

    let mut group = c.benchmark_group("evaluation");
    group.sample_size(10);
    group.bench_function("tally and sign 5,000 ballots", |b| {
        b.iter(|| {
            let tally = evaluation::tally(&e, 5000, black_box(&ballots));
            evaluation::sign_result(&key, &e, closed_at, tally)
        })
    });
    let result =
        evaluation::sign_result(&key, &e, closed_at, evaluation::tally(&e, 5000, &ballots));
    group.bench_function("verify and recount a 5,000-ballot result", |b| {
        b.iter(|| evaluation::verify_result(black_box(&result), None, Some(&e)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, evaluations);
criterion_main!(benches);
