//! The intake end to end: 16 HTTP clients upload signed 94-item packets
//! (two signatures each) to a server on this machine that verifies,
//! re-scores and durably stores each before answering. Prints packets per
//! second with SQLite and (with `QINGDAN_TEST_POSTGRES`) PostgreSQL, the
//! ratio to the raw verify-only rate measured in the same run, and the
//! latency at half the measured rate.
//!
//! Targets: at least 5,000 packets/s with SQLite, and at least 0.25 of the
//! verify-only rate. Run by `cargo xtask bench`. The clients share the
//! machine's cores with the server, as they do in the tests.

use std::time::{Duration, Instant};

#[path = "../tests/it/load.rs"]
#[allow(missing_docs, unreachable_pub)]
mod load;
#[path = "../tests/it/support.rs"]
#[allow(missing_docs, unreachable_pub, unused_macros, unused_imports)]
mod support;

use support::{Db, World, new_id};

const PACKETS: usize = 8000;
const PACED: usize = 4000;
const CLIENTS: usize = 16;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("intake bench: {cores} cores, {CLIENTS} clients, 94-item packets with 2 signatures");

    let w = runtime.block_on(support::world(Db::Sqlite));
    let packets = make(&w, PACKETS + PACED + 200);
    println!("packet size: {} bytes", packets[0].1.len());

    let verify_rate = on_all_cores(&packets[..PACKETS], cores, |bytes| {
        qingdan_core::Packet::parse(bytes)
            .unwrap()
            .verify(None)
            .unwrap();
    });
    println!(
        "verify only (parse + canonicalize + 2 signatures), {cores} threads: {verify_rate:.0} packets/s"
    );
    let check_rate = on_all_cores(&packets[..PACKETS], cores, |bytes| {
        qingdan_core::Packet::parse(bytes)
            .unwrap()
            .verify(Some(&w.template))
            .unwrap();
    });
    println!("verify + re-score, {cores} threads: {check_rate:.0} packets/s");

    let mut dbs = vec![("SQLite", w)];
    if std::env::var_os("QINGDAN_TEST_POSTGRES").is_some() {
        dbs.push(("PostgreSQL", runtime.block_on(support::world(Db::Postgres))));
    } else {
        println!("PostgreSQL: skipped (set QINGDAN_TEST_POSTGRES=postgres://…)");
    }
    // Each database is new, so the same packets are new to each.
    for (name, w) in &dbs {
        let url = format!("{}/api/v1/packets", runtime.block_on(load::listen(w)));
        let (warm, rest) = packets.split_at(200);
        send(&url, warm, None);
        let (timed, paced) = rest.split_at(PACKETS);
        let started = Instant::now();
        let statuses = send(&url, timed, None);
        let elapsed = started.elapsed();
        assert!(
            statuses.iter().all(|(s, _)| *s == 201),
            "every packet accepted"
        );
        let rate = PACKETS as f64 / elapsed.as_secs_f64();
        println!(
            "{name}: {rate:.0} packets/s end to end (HTTP, verify, re-score, durable store; {PACKETS} in {:.2} s); {:.2} of the verify-only rate",
            elapsed.as_secs_f64(),
            rate / verify_rate
        );
        let half = rate / 2.0;
        let mut latencies: Vec<Duration> = send(&url, paced, Some(half))
            .into_iter()
            .map(|(s, l)| {
                assert_eq!(s, 201);
                l
            })
            .collect();
        latencies.sort();
        let at =
            |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        println!(
            "{name}: at half that load ({half:.0} packets/s): latency p50 {:.1} ms, p99 {:.1} ms",
            at(0.50).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3
        );
        let stored = runtime.block_on(w.intake.store().packet_count()).unwrap();
        assert_eq!(stored as usize, PACKETS + PACED + 200);
    }
}

/// `count` signed packets with fresh ids, made on every core.
fn make(w: &World, count: usize) -> Vec<(String, Vec<u8>)> {
    let ids: Vec<String> = (0..count).map(|_| new_id()).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let parts: Vec<_> = ids
            .chunks(count.div_ceil(threads))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|id| (id.clone(), w.packet(id)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    })
}

/// Runs `f` over `packets` split across `threads`; returns packets/s.
fn on_all_cores(packets: &[(String, Vec<u8>)], threads: usize, f: impl Fn(&[u8]) + Sync) -> f64 {
    let started = Instant::now();
    std::thread::scope(|s| {
        for chunk in packets.chunks(packets.len().div_ceil(threads)) {
            let f = &f;
            s.spawn(move || chunk.iter().for_each(|(_, b)| f(b)));
        }
    });
    packets.len() as f64 / started.elapsed().as_secs_f64()
}

/// Sends every packet from `CLIENTS` threads, as fast as answered or, with
/// `rate`, each at its scheduled time; returns each status and latency
/// (from the scheduled time, so queueing counts).
fn send(url: &str, packets: &[(String, Vec<u8>)], rate: Option<f64>) -> Vec<(u16, Duration)> {
    let start = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|client| {
                s.spawn(move || {
                    let agent = load::agent();
                    let mut out = Vec::new();
                    for (n, (_, bytes)) in packets.iter().enumerate().skip(client).step_by(CLIENTS)
                    {
                        let due = match rate {
                            Some(r) => start + Duration::from_secs_f64(n as f64 / r),
                            None => Instant::now(),
                        };
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        let mut response = agent
                            .post(url)
                            .header("content-type", "application/json")
                            .send(&bytes[..])
                            .expect("the intake answers");
                        let _ = response.body_mut().read_to_vec();
                        out.push((response.status().as_u16(), due.elapsed()));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}
