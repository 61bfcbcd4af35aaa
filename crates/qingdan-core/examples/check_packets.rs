//! Checks one signed 94-item packet (two signatures) N times, as the
//! intake does: parse, canonicalize, verify both signatures, re-score and
//! compare the sheets. `cargo xtask bench` runs it under callgrind for two
//! values of N and prints the instructions one check takes: a figure a busy
//! machine does not blur, to set beside the timings.
//!
//! `cargo run --release -p qingdan-core --example check_packets -- 100`

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

fn main() {
    let checks: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let (template, responses) = fixtures::generated();
    let packet = fixtures::signed(&template, &responses, [1, 2]);
    let bytes = qingdan_core::packet::to_file_text(&packet).into_bytes();
    for _ in 0..checks {
        let packet = qingdan_core::Packet::parse(std::hint::black_box(&bytes)).expect("it parses");
        std::hint::black_box(packet.verify(Some(&template)).expect("it verifies"));
    }
    println!("{checks} checks of a {}-byte packet", bytes.len());
}
