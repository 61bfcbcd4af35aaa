//! Packets outlive app versions, at the intake: every packet of every
//! released version (`tests/data/compat/`) is accepted by today's intake,
//! and sent again gets the very same receipt (a bundle's packet once its
//! files are sent, refused naming them before); an intake database made by
//! an older intake, opened by today's, gives each packet it holds its old
//! receipt when a device sends it again, and summarizes what it holds for
//! the reports, which equal the reports computed from its packets.

use axum::http::{Method, StatusCode};
use qingdan_core::Packet;
use qingdan_core::packet::PacketKind;
use qingdan_intake::{Intake, Store};
use serde::Deserialize;

use crate::support::{Db, fresh_database, on_both, request, router};

on_both!(every_released_packet_is_accepted_and_sent_again_keeps_its_receipt);

const AT: &str = "2026-11-30T08:00:00.000Z";

/// What a version's folder says the intake must know.
#[derive(Deserialize)]
struct Context {
    unit: Unit,
    enrollments: Vec<Enrolled>,
}

#[derive(Deserialize)]
struct Unit {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct Enrolled {
    unit: String,
    role: String,
    public_key: String,
    name: String,
}

fn corpus() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/compat")
}

/// A packet as a device sends it: its bytes, and the files it names.
type Sent = (Vec<u8>, Vec<(String, Vec<u8>)>);

/// Each version's folder, its context and its packets (a bundle's taken
/// apart), the inspections first (a rectification answers one already
/// stored).
fn versions() -> Vec<(String, Context, Vec<Sent>)> {
    let mut dirs: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let context: Context =
                serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap()).unwrap();
            let mut packets: Vec<Sent> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    (p.extension().is_some_and(|e| e == "json")
                        && p.file_name().is_some_and(|n| n != "context.json"))
                        || p.to_string_lossy().ends_with(qingdan_bundle::EXTENSION)
                })
                .map(|p| {
                    let bytes = std::fs::read(&p).unwrap();
                    if !qingdan_bundle::is_bundle(&bytes) {
                        return (bytes, Vec::new());
                    }
                    let limits = qingdan_core::attachments::Limits::default();
                    let (_, bundle) = qingdan_bundle::open(&bytes, 1 << 24, limits)
                        .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                    (bundle.packet, bundle.files.into_iter().collect())
                })
                .collect();
            packets.sort_by_key(|(b, _)| {
                let kind = Packet::parse(b).unwrap().payload().kind;
                (kind == PacketKind::Rectification, b.clone())
            });
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (name, context, packets)
        })
        .collect()
}

async fn every_released_packet_is_accepted_and_sent_again_keeps_its_receipt(db: Db) {
    for (version, context, packets) in versions() {
        let database = fresh_database(db).await;
        let store = Store::connect(&database).await.unwrap();
        let intake = std::sync::Arc::new(Intake::open(store, AT).await.unwrap());
        for template in qingdan_core::bundled::ALL {
            intake.publish(template.json(), AT).await.unwrap();
        }
        intake
            .add_unit(&context.unit.code, &context.unit.name, AT)
            .await
            .unwrap();
        for e in &context.enrollments {
            intake
                .enroll(&e.unit, &e.role, &e.public_key, &e.name, AT)
                .await
                .unwrap();
        }
        let router = router(intake.clone());
        let post = |bytes: Vec<u8>| request(&router, Method::POST, "/api/v1/packets", bytes, None);
        // The files kept so far (bundles of a folder share theirs).
        let mut kept = std::collections::BTreeSet::new();
        for (bytes, files) in &packets {
            if files.iter().any(|(sha256, _)| !kept.contains(sha256)) {
                let early = post(bytes.clone()).await;
                assert_eq!(early.problem_code(), "attachments-missing", "{version}");
            }
            let id = Packet::parse(bytes).unwrap().payload().id.clone();
            for (sha256, file) in files {
                let path = format!("/api/v1/packets/{id}/attachments/{sha256}");
                let put = request(&router, Method::PUT, &path, file.clone(), None).await;
                let new = kept.insert(sha256.clone());
                let want = if new {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                assert_eq!(put.status, want, "{version}: {}", put.text());
            }
            let first = post(bytes.clone()).await;
            assert_eq!(
                first.status,
                StatusCode::CREATED,
                "{version}: {}",
                first.text()
            );
            let again = post(bytes.clone()).await;
            assert_eq!(again.status, StatusCode::OK, "{version}: {}", again.text());
            assert_eq!(again.body, first.body, "{version}: the same receipt");
        }
        assert_eq!(
            intake.store().packet_count().await.unwrap(),
            packets.len() as i64
        );
        intake.shutdown().await;
        intake.store().close().await;
    }
}

/// A version's folder may hold `intake.sql`: the SQLite database of that
/// version's intake after it received the folder's packets (a dump, so it
/// reads as text). Today's intake opens it (migrating it), and a device
/// sending any of those packets again gets the receipt it got then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_intakes_database_gives_its_packets_their_old_receipts() {
    let mut upgraded = 0;
    for (version, _, packets) in versions() {
        let dump = corpus().join(&version).join("intake.sql");
        let Ok(sql) = std::fs::read_to_string(&dump) else {
            continue;
        };
        let url = fresh_database(Db::Sqlite).await;
        {
            use sqlx::ConnectOptions as _;
            use std::str::FromStr as _;
            let mut old = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
                .unwrap()
                .create_if_missing(true)
                .connect()
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut old)
                .await
                .unwrap();
        }
        let store = Store::connect(&url).await.unwrap();
        let intake = std::sync::Arc::new(Intake::open(store, AT).await.unwrap());
        let router = router(intake.clone());
        assert_eq!(
            intake.store().packet_count().await.unwrap(),
            packets.len() as i64,
            "{version}: the old intake holds every packet of its folder"
        );
        // Opening it summarized every packet it held before summaries were
        // kept: the reports of each checklist and period are those of the
        // packets themselves.
        assert_eq!(
            intake.store().unsummarized_count().await.unwrap(),
            0,
            "{version}"
        );
        let entries = crate::summaries::entries_from_packets(&intake).await;
        let scopes: std::collections::BTreeSet<(String, u32, String)> = entries
            .iter()
            .filter(|e| e.kind != PacketKind::Rectification)
            .map(|e| (e.template_id.clone(), e.template_version, e.period.clone()))
            .collect();
        assert!(!scopes.is_empty(), "{version}");
        let mut templates = std::collections::HashMap::new();
        for (id, template_version, period) in scopes {
            let template = intake
                .template(&id, template_version)
                .await
                .unwrap()
                .unwrap();
            crate::summaries::assert_same(
                &crate::summaries::expected(&template, &period, &entries),
                &crate::summaries::served(&intake, &template, &period).await,
            );
            templates.insert((id, template_version), (*template).clone());
        }
        assert!(
            crate::summaries::expected_findings(&entries, &templates)
                == crate::summaries::served_findings(&intake).await,
            "{version}: the findings from the summaries differ from those of the packets"
        );
        for (bytes, _) in packets {
            let id = Packet::parse(&bytes).unwrap().payload().id.clone();
            let sha256 = qingdan_core::canonical::sha256_hex_bytes(&bytes);
            let old = intake.store().receipt_of(&id, &sha256).await.unwrap();
            let old = old.unwrap_or_else(|| panic!("{version}: {id} is stored"));
            let again = request(&router, Method::POST, "/api/v1/packets", bytes, None).await;
            assert_eq!(again.status, StatusCode::OK, "{version}: {}", again.text());
            assert_eq!(again.text(), old, "{version}: {id} keeps its receipt");
        }
        intake.shutdown().await;
        intake.store().close().await;
        upgraded += 1;
    }
    assert!(upgraded >= 1, "no older intake's database in the corpus");
}
