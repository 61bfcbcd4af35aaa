//! Random bytes and mutated valid packets never crash the intake: each gets
//! a 4xx (or, when a mutation leaves the packet valid, is taken), and the
//! intake goes on accepting good packets.

use axum::http::StatusCode;

use crate::support::{Db, new_id, world};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes[at] ^= 1 << rng.below(8),
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, copy);
            }
            _ => bytes.truncate(at),
        }
        if bytes.is_empty() {
            break;
        }
    }
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_mutated_input_gets_4xx_and_never_a_crash() {
    let w = world(Db::Sqlite).await;
    let valid = w.packet(&new_id());
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut seen = std::collections::BTreeMap::new();
    for case in 0..600 {
        let body = if case % 3 == 0 {
            (0..rng.below(4096)).map(|_| rng.next() as u8).collect()
        } else {
            mutate(&mut rng, valid.clone())
        };
        let answer = w.post_packet(body).await;
        let status = answer.status;
        assert!(
            status.is_client_error() || status == StatusCode::CREATED || status == StatusCode::OK,
            "case {case}: {status} {}",
            answer.text()
        );
        if status.is_client_error() {
            answer.problem_code();
        }
        *seen.entry(status.as_u16()).or_insert(0) += 1;
    }
    assert!(seen.get(&400).copied().unwrap_or(0) > 100, "{seen:?}");
    // Most mutations break the JSON (400); some leave it whole and are
    // caught by the signatures or the checks after them (422).
    assert!(seen.get(&422).copied().unwrap_or(0) > 5, "{seen:?}");
    let good = w.post_packet(w.packet(&new_id())).await;
    assert_eq!(good.status, StatusCode::CREATED, "still accepting");
}
