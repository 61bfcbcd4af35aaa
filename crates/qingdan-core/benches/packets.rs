//! Packet checking speed: canonicalize + verify one signed packet of a
//! 94-item list (two signatures), natively. The browser figure comes from
//! `cargo xtask bench` too (tests/browser.rs).
//!
//! Target: at least 20,000 packets a second on one core (≤ 50 µs each).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qingdan_core::Packet;
use qingdan_core::keys::{self, SigningKey};
use qingdan_core::packet::{self, PacketKind, PacketMeta, Signer, Unit};

mod fixtures;

fn signed() -> (qingdan_core::Template, Vec<u8>) {
    let (template, responses) = fixtures::generated();
    let keys = [
        SigningKey::from_bytes(&[1; 32]),
        SigningKey::from_bytes(&[2; 32]),
    ];
    let signer = |role: &str, key: &SigningKey| Signer {
        role: role.into(),
        name: "张三".into(),
        public_key: keys::encode_public_key(&key.verifying_key()),
    };
    let meta = PacketMeta {
        id: "3f1c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e6f".into(),
        kind: PacketKind::SelfAssessment,
        created_at: "2026-11-23T08:30:00Z".into(),
        unit: Unit {
            code: "510824-101".into(),
            name: "某某镇党委".into(),
        },
        period: "2026".into(),
        signers: vec![
            signer("principal", &keys[0]),
            signer("supervisory", &keys[1]),
        ],
        generator: None,
        refers_to: None,
    };
    let mut packet = packet::new_packet(&template, &responses, meta).expect("a valid packet");
    for key in &keys {
        packet.sign(key).expect("a listed key");
    }
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
    group.finish();
}

criterion_group!(benches, packets);
criterion_main!(benches);
