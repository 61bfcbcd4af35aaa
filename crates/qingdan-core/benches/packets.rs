//! Packet checking speed: canonicalize + verify one signed packet of a
//! 94-item list (two signatures), natively. The browser figure comes from
//! `cargo xtask bench` too (tests/browser.rs).
//!
//! Target: at least 20,000 packets a second on one core (≤ 50 µs each).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qingdan_core::Packet;
use qingdan_core::keys::SigningKey;
use qingdan_core::packet;

mod fixtures;

fn signed() -> (qingdan_core::Template, Vec<u8>) {
    let (template, responses) = fixtures::generated();
    let packet = fixtures::signed(&template, &responses, [1, 2]);
    (template, packet::to_file_text(&packet).into_bytes())
}

fn packets(c: &mut Criterion) {
    let (template, bytes) = signed();
    let mut group = c.benchmark_group("packet of 94 items, 2 signatures");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse + canonicalize", |b| {
        b.iter(|| Packet::parse(black_box(&bytes)).unwrap())
    });
    group.bench_function("parse + canonicalize + verify signatures", |b| {
        b.iter(|| {
            Packet::parse(black_box(&bytes))
                .unwrap()
                .verify(None)
                .unwrap()
        })
    });
    group.bench_function("parse + canonicalize + verify + re-score", |b| {
        b.iter(|| {
            Packet::parse(black_box(&bytes))
                .unwrap()
                .verify(Some(&template))
                .unwrap()
        })
    });
    // What the intake adds once a packet verifies: its two signers against
    // their enrollments (each key enrolled for this unit, another unit and
    // every unit, one revoked long after), the dates and the names.
    let verified = Packet::parse(&bytes).unwrap();
    let mut enrollments = Vec::new();
    for (signer, seed) in verified.payload().signers.iter().zip([1u8, 2]) {
        for unit in ["510824-101", "510824-102", "*"] {
            enrollments.push(qingdan_core::trust::Enrollment {
                unit: unit.into(),
                role: signer.role.clone(),
                public_key: signer.public_key.clone(),
                name: signer.name.clone(),
                revoked_at: (seed == 2).then(|| "2999-01-01T00:00:00Z".into()),
            });
        }
    }
    let admission = qingdan_core::trust::Admission {
        received_at: chrono::DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .unwrap()
            .to_utc(),
        enrollments: &enrollments,
        inspection: None,
    };
    group.bench_function("admit (enrollments, names, revocations, dates)", |b| {
        b.iter(|| verified.admit(black_box(&admission)).unwrap())
    });
    group.finish();

    // Where the time goes: the canonical bytes alone, and one strict
    // signature check (a packet has one per signer).
    let packet = Packet::parse(&bytes).unwrap();
    let payload = packet.to_value()["payload"].clone();
    c.bench_function(
        "canonicalize the 94-item payload (JSON value to RFC 8785 bytes)",
        |b| b.iter(|| qingdan_core::canonical::to_bytes(black_box(&payload))),
    );
    let key = SigningKey::from_bytes(&[1; 32]);
    let signature = {
        use qingdan_core::keys::Signer as _;
        key.sign(packet.signed_bytes())
    };
    let public = key.verifying_key();
    c.bench_function(
        "verify_strict one Ed25519 signature over the payload",
        |b| {
            b.iter(|| {
                public
                    .verify_strict(black_box(packet.signed_bytes()), &signature)
                    .unwrap()
            })
        },
    );
}

criterion_group!(benches, packets);
criterion_main!(benches);
