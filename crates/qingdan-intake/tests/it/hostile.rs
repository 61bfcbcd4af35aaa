//! The intake under hostile input: packets built to cost it work are
//! refused cheaply, and everyone else is still answered meanwhile.

use std::time::{Duration, Instant};

use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, PacketKind};

use crate::load::{agent, listen, post};
use crate::support::{Db, fixtures, new_id, world};

/// How long the attack lasts.
const ATTACK: Duration = Duration::from_secs(4);

/// An inspection of about 1 MB (long evidence notes) signed by `signers`
/// self-made inspectors' keys, none enrolled here.
fn forged(w: &crate::support::World, signers: usize) -> Vec<u8> {
    let keys: Vec<SigningKey> = (0..signers)
        .map(|i| SigningKey::from_bytes(&[u8::try_from(i).unwrap() + 100; 32]))
        .collect();
    // Every item's note as long as a note may be, until about 1 MB.
    let mut responses = w.responses.clone();
    let answered: Vec<(String, qingdan_core::Response)> = responses
        .iter()
        .map(|(id, r)| (id.to_owned(), r.clone()))
        .collect();
    let note = "证".repeat(qingdan_core::responses::MAX_TEXT_CHARS);
    for (id, mut response) in answered.into_iter().take(1_000_000 / note.len() + 1) {
        response.note = Some(note.clone());
        responses.set(&w.template, &id, response).unwrap();
    }
    let listed = keys
        .iter()
        .enumerate()
        .map(|(i, key)| fixtures::signer("inspector", &format!("冒名{i}"), key))
        .collect();
    let mut meta = fixtures::meta(listed);
    meta.id = new_id();
    meta.kind = PacketKind::Inspection;
    let mut p = packet::new_packet(&w.template, &responses, meta).unwrap();
    for key in &keys {
        p.sign(key).unwrap();
    }
    packet::to_file_text(&p).into_bytes()
}

/// While 4 clients send 1 MB packets signed by 16 (and 17) self-made keys
/// as fast as they can, the intake answers `GET /api/v1/intake` promptly,
/// refuses every forged packet with its code and accepts a genuine one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_packets_are_refused_cheaply_while_others_are_answered() {
    let w = world(Db::Sqlite).await;
    let base = listen(&w).await;
    let sixteen = forged(&w, 16);
    // The core makes no packet with 17 signers: one more signature, by hand.
    let mut file: serde_json::Value = serde_json::from_slice(&sixteen).unwrap();
    let first = file["signatures"][0].clone();
    file["signatures"].as_array_mut().unwrap().push(first);
    let seventeen = file.to_string().into_bytes();
    assert!(sixteen.len() > 900_000, "{} bytes", sixteen.len());
    let genuine = w.packet(&new_id());

    let (refusals, latencies, accepted) = std::thread::scope(|s| {
        let stop = Instant::now() + ATTACK;
        let attackers: Vec<_> = (0..4)
            .map(|n| {
                let (url, bytes) = (
                    format!("{base}/api/v1/packets"),
                    if n % 2 == 0 { &sixteen } else { &seventeen },
                );
                s.spawn(move || {
                    let agent = agent();
                    let mut seen = Vec::new();
                    while Instant::now() < stop {
                        let (status, body) = post(&agent, &url, bytes);
                        let code = serde_json::from_slice::<serde_json::Value>(&body)
                            .ok()
                            .and_then(|v| v["code"].as_str().map(str::to_owned))
                            .unwrap_or_default();
                        seen.push((status, code));
                    }
                    seen
                })
            })
            .collect();
        let base = &base;
        let watcher = s.spawn(move || {
            let agent = agent();
            let mut latencies = Vec::new();
            std::thread::sleep(Duration::from_millis(200));
            while Instant::now() < stop {
                let started = Instant::now();
                let response = agent.get(format!("{base}/api/v1/intake")).call().unwrap();
                assert_eq!(response.status().as_u16(), 200);
                latencies.push(started.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            latencies
        });
        let genuine = &genuine;
        let genuine = s.spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            post(&agent(), &format!("{base}/api/v1/packets"), genuine).0
        });
        let refusals: Vec<(u16, String)> = attackers
            .into_iter()
            .flat_map(|a| a.join().unwrap())
            .collect();
        (refusals, watcher.join().unwrap(), genuine.join().unwrap())
    });

    assert_eq!(
        accepted, 201,
        "the genuine packet is accepted during the attack"
    );
    assert!(!refusals.is_empty());
    for (status, code) in &refusals {
        assert!(
            matches!(
                (status, code.as_str()),
                (403, "key-not-enrolled") | (422, "too-many-signers")
            ),
            "a forged packet got {status} {code}"
        );
    }
    let mut sorted = latencies.clone();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    let (p50, p99) = (at(0.5), at(0.99));
    println!(
        "under attack: {} forged packets refused in {ATTACK:?}; GET /api/v1/intake p50 {p50:?}, p99 {p99:?} over {} requests",
        refusals.len(),
        sorted.len()
    );
    // A generous bound: the figure itself is reported, not asserted.
    assert!(
        p99 < Duration::from_secs(1),
        "GET /api/v1/intake p99 {p99:?} under attack"
    );
}
