//! A load of uploads over TCP and the check of its outcome, shared by the
//! in-process concurrency test and the CLI's process tests (two servers on
//! one PostgreSQL database, a server killed mid-load).
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use qingdan_core::{canonical, receipt};
use qingdan_intake::AppState;

use crate::support::{World, new_id};

pub const CLIENTS: usize = 16;

/// One request of the load: which id, which content.
#[derive(Clone)]
pub struct Upload {
    pub id: String,
    pub bytes: Arc<Vec<u8>>,
}

/// 5,000 uploads: 3,950 unique packets, 1,000 re-sends, 50 same-id-other-
/// content, in a fixed shuffled order.
pub fn uploads(w: &World) -> Vec<Upload> {
    let ids: Vec<String> = (0..3950).map(|_| new_id()).collect();
    let make = |chunk: &[String], variant: bool| -> Vec<Upload> {
        chunk
            .iter()
            .map(|id| Upload {
                id: id.clone(),
                bytes: Arc::new(if variant {
                    w.packet_with(id, |m| m.period = "2026-H2".into())
                } else {
                    w.packet(id)
                }),
            })
            .collect()
    };
    let originals: Vec<Upload> = std::thread::scope(|s| {
        let halves: Vec<_> = ids
            .chunks(ids.len() / 2 + 1)
            .map(|c| s.spawn(move || make(c, false)))
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut all = originals.clone();
    all.extend(originals.iter().step_by(3).take(1000).cloned());
    all.extend(make(
        &ids[1..]
            .iter()
            .step_by(79)
            .take(50)
            .cloned()
            .collect::<Vec<_>>(),
        true,
    ));
    assert_eq!(all.len(), 5000);
    // A fixed shuffle (xorshift), so a failure can be replayed.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for i in (1..all.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        all.swap(i, (state % (i as u64 + 1)) as usize);
    }
    all
}

/// Serves `w` on a local port; returns its base URL.
pub async fn listen(w: &World) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = qingdan_intake::app(AppState::new(
        w.intake.clone(),
        qingdan_intake::Config {
            rate_limit: None,
            ..Default::default()
        },
    ));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

/// An upload with the status and body it got back.
pub type Sent = (Upload, u16, Vec<u8>);

/// Sends every upload from `CLIENTS` threads.
pub fn send_all(urls: &[String], uploads: Vec<Upload>) -> Vec<Sent> {
    let per_client = uploads.len().div_ceil(CLIENTS);
    let chunks: Vec<Vec<Upload>> = uploads.chunks(per_client).map(<[Upload]>::to_vec).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let url = format!("{}/api/v1/packets", urls[i % urls.len()]);
                s.spawn(move || {
                    let agent = agent();
                    chunk
                        .into_iter()
                        .map(|u| {
                            let (status, body) = post(&agent, &url, &u.bytes);
                            (u, status, body)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::config::Config::builder()
            .http_status_as_error(false)
            .build(),
    )
}

pub fn post(agent: &ureq::Agent, url: &str, bytes: &[u8]) -> (u16, Vec<u8>) {
    let mut response = agent
        .post(url)
        .header("content-type", "application/json")
        .send(bytes)
        .expect("the intake answers");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_vec().unwrap())
}

/// Checks the outcome of a load against what was stored: returns how many
/// requests got 201, 200 and 409.
pub fn check_outcome(
    results: &[(Upload, u16, Vec<u8>)],
    stored: &HashMap<String, Vec<u8>>,
    intake_key: &str,
) -> (usize, usize, usize) {
    let mut by_id: HashMap<&str, Vec<&Sent>> = HashMap::new();
    for r in results {
        by_id.entry(&r.0.id).or_default().push(r);
    }
    assert_eq!(
        stored.len(),
        by_id.len(),
        "exactly the unique packets are stored"
    );
    let (mut created, mut duplicate, mut conflict) = (0, 0, 0);
    for (id, requests) in by_id {
        let kept = stored
            .get(id)
            .unwrap_or_else(|| panic!("packet {id} is stored"));
        let winners: Vec<_> = requests.iter().filter(|r| *r.0.bytes == *kept).collect();
        assert_eq!(
            winners.iter().filter(|r| r.1 == 201).count(),
            1,
            "one 201 for {id}"
        );
        assert!(
            winners.iter().all(|r| r.1 == 201 || r.1 == 200),
            "re-sends of {id} get 200"
        );
        assert!(
            winners.windows(2).all(|p| p[0].2 == p[1].2),
            "every copy of {id} gets the same receipt"
        );
        let receipt = receipt::verify(
            std::str::from_utf8(&winners[0].2).unwrap(),
            Some(intake_key),
        )
        .unwrap();
        receipt
            .check_for(id, &canonical::sha256_hex_bytes(kept))
            .unwrap();
        let losers: Vec<_> = requests.iter().filter(|r| *r.0.bytes != *kept).collect();
        assert!(
            losers.iter().all(|r| r.1 == 409),
            "other content under {id} gets 409"
        );
        created += 1;
        duplicate += winners.len() - 1;
        conflict += losers.len();
    }
    (created, duplicate, conflict)
}

/// Every stored packet's bytes by id, each checked against its recorded digest.
pub async fn stored(store: &qingdan_intake::Store) -> HashMap<String, Vec<u8>> {
    let (page, total) = store
        .packets(&Default::default(), 0, 100_000)
        .await
        .unwrap();
    assert_eq!(page.len() as i64, total);
    let mut stored = HashMap::new();
    for info in page {
        let bytes = store.packet_bytes(&info.id).await.unwrap().unwrap();
        assert_eq!(
            canonical::sha256_hex_bytes(&bytes),
            info.sha256,
            "{} is whole",
            info.id
        );
        stored.insert(info.id, bytes);
    }
    stored
}
