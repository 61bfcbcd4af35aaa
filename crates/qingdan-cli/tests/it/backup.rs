//! `qingdan backup` as the office runs it: a copy taken while devices
//! upload holds every packet acknowledged before it and serves them again;
//! `backup verify` finds each kind of damage and names the packet; a file
//! is never overwritten; a PostgreSQL intake goes through pg_dump.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, PacketKind};

use crate::intake::{Server, scratch};
use crate::load::{agent, post};
use crate::support::{self, Db, SIGNER_NAMES, World, fixtures, new_id};
use crate::{path_str, qingdan, text};

/// A world whose database holds `packets` packets (made and sent in the
/// process), closed and left for the commands.
fn stored(db: Db, packets: usize) -> (tokio::runtime::Runtime, World, Vec<String>) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (w, ids) = runtime.block_on(async {
        let w = support::world(db).await;
        let mut ids = Vec::new();
        for _ in 0..packets {
            let id = new_id();
            let answer = w.post_packet(w.packet(&id)).await;
            assert_eq!(answer.status, 201, "{}", answer.text());
            ids.push(id);
        }
        w.intake.shutdown().await;
        w.intake.store().close().await;
        (w, ids)
    });
    (runtime, w, ids)
}

/// `qingdan backup --to FILE --database DB`, which must succeed; how
/// many packets it says the copy holds.
fn backup(db: &str, to: &Path) -> i64 {
    let out = qingdan(&["backup", "--to", path_str(to), "--database", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("SHA-256: "), "{stdout}");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("packets: "))
        .unwrap_or_else(|| panic!("a count of packets: {stdout}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_backup_taken_during_uploads_holds_every_packet_acknowledged_before_it() {
    const CLIENTS: usize = 4;
    const EACH: usize = 150;
    let (dir, _, _removed) = scratch();
    let (_runtime, w, _) = stored(Db::Sqlite, 0);
    let packets: Vec<Vec<(String, Vec<u8>)>> = std::thread::scope(|s| {
        let makers: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let w = &w;
                s.spawn(move || {
                    (0..EACH)
                        .map(|_| {
                            let id = new_id();
                            let bytes = w.packet(&id);
                            (id, bytes)
                        })
                        .collect()
                })
            })
            .collect();
        makers.into_iter().map(|m| m.join().unwrap()).collect()
    });
    let server = Server::start(&w.database);
    let url = format!("{}/api/v1/packets", server.url);
    let copy = dir.join("copy.db");
    // Each client uploads its packets one after another, noting when each
    // answer came; once 150 receipts are in, the backup runs as its own
    // process while the clients go on.
    type Answer = (String, Vec<u8>, u16, Vec<u8>, Instant);
    let (started, finished, answers) = std::thread::scope(|s| {
        let (acked, receipts) = mpsc::channel();
        let clients: Vec<_> = packets
            .iter()
            .map(|mine| {
                let (url, acked) = (&url, acked.clone());
                s.spawn(move || {
                    let agent = agent();
                    mine.iter()
                        .map(|(id, bytes)| {
                            let (status, body) = post(&agent, url, bytes);
                            let at = Instant::now();
                            if status == 201 {
                                let _ = acked.send(());
                            }
                            (id.clone(), bytes.clone(), status, body, at)
                        })
                        .collect::<Vec<Answer>>()
                })
            })
            .collect();
        drop(acked);
        for n in 0..150 {
            receipts
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("only {n} receipts came"));
        }
        let started = Instant::now();
        let in_copy = backup(&w.database, &copy);
        let finished = Instant::now();
        let answers: Vec<Answer> = clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        (started, finished, (in_copy, answers))
    });
    let (in_copy, answers) = answers;
    assert!(
        answers.iter().all(|a| a.2 == 201),
        "every upload is received"
    );
    let before: Vec<&Answer> = answers.iter().filter(|a| a.4 < started).collect();
    let during = answers
        .iter()
        .filter(|a| a.4 >= started && a.4 < finished)
        .count();
    assert!(
        before.len() >= 150 && during > 0,
        "{} receipts before the backup, {during} while it ran",
        before.len()
    );
    drop(server);

    // The copy checks out, and holds at least what was acknowledged.
    let out = qingdan(&["backup", "verify", path_str(&copy)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "packets checked: {in_copy}, good: {in_copy}, damaged: 0"
        )),
        "{stdout}"
    );
    assert!(
        in_copy >= before.len() as i64 && in_copy <= answers.len() as i64,
        "{in_copy} packets in the copy, {} acknowledged before it",
        before.len()
    );

    // An intake started on the copy has every packet acknowledged before
    // the backup, byte for byte, and answers a device that sends one again
    // with the very receipt it got then.
    let restored = Server::start(&format!("sqlite://{}", copy.display()));
    let agent = agent();
    for (id, bytes, _, receipt, _) in before {
        let mut got = agent
            .get(format!("{}/api/v1/packets/{id}", restored.url))
            .header("authorization", &format!("Bearer {}", w.token))
            .call()
            .unwrap();
        assert_eq!(got.status().as_u16(), 200, "packet {id} is in the copy");
        assert_eq!(&got.body_mut().read_to_vec().unwrap(), bytes);
        let (status, again) = post(&agent, &format!("{}/api/v1/packets", restored.url), bytes);
        assert_eq!(status, 200, "{}", text(&again));
        assert_eq!(&again, receipt, "the receipt of {id} is the one given");
    }
}

/// What is done to one packet of a copy (or to the copy) before it is
/// verified.
#[derive(Debug, Clone, Copy)]
enum Attack {
    /// One name in the stored bytes changed, nothing else.
    ChangedBytes,
    /// The recorded size off by one.
    WrongSize,
    /// The receipt's time changed in its text.
    AlteredReceipt,
    /// A genuine receipt, of another packet.
    ReceiptOfAnother,
    /// Bytes, digest and size replaced together by a packet with the same
    /// id, signed by keys the intake never enrolled.
    Impostor,
}

/// Each attack, and what verify must say of the packet attacked.
const CASES: &[(&str, Attack, &[&str])] = &[
    (
        "changed-bytes",
        Attack::ChangedBytes,
        &["digest: ", "signature: "],
    ),
    ("wrong-size", Attack::WrongSize, &["size: "]),
    (
        "altered-receipt",
        Attack::AlteredReceipt,
        &["receipt: the intake's signature does not verify"],
    ),
    (
        "receipt-of-another-packet",
        Attack::ReceiptOfAnother,
        &["receipt: payload.packet_id: "],
    ),
    (
        "impostor-packet",
        Attack::Impostor,
        &[
            "receipt: payload.packet_sha256: ",
            "signer: payload.signers[0]",
        ],
    ),
];

/// A self-assessment with this id by people named as the unit's signers,
/// signed with keys of their own.
fn impostor(w: &World, id: &str) -> Vec<u8> {
    let keys = [
        SigningKey::from_bytes(&[71; 32]),
        SigningKey::from_bytes(&[72; 32]),
    ];
    let signers = vec![
        fixtures::signer("principal", SIGNER_NAMES[0], &keys[0]),
        fixtures::signer("supervisory", SIGNER_NAMES[1], &keys[1]),
    ];
    let mut meta = fixtures::meta(signers);
    meta.id = id.to_owned();
    meta.kind = PacketKind::SelfAssessment;
    let mut p = packet::new_packet(&w.template, &w.responses, meta).unwrap();
    for key in &keys {
        p.sign(key).unwrap();
    }
    packet::to_file_text(&p).into_bytes()
}

/// Does `how` to the packet `target` in the SQLite file `copy` (`other`:
/// another packet in it).
async fn attack(copy: &Path, how: Attack, w: &World, target: &str, other: &str) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let (bytes, receipt): (Vec<u8>, String) =
        sqlx::query_as("SELECT bytes, receipt FROM packets WHERE id = $1")
            .bind(target)
            .fetch_one(&pool)
            .await
            .unwrap();
    // The packet attacked is $1 in each.
    let query = match how {
        Attack::ChangedBytes => {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(SIGNER_NAMES[0]));
            sqlx::query("UPDATE packets SET bytes = $2 WHERE id = $1")
                .bind(target)
                .bind(text.replacen(SIGNER_NAMES[0], "张四", 1).into_bytes())
        }
        Attack::WrongSize => {
            sqlx::query("UPDATE packets SET size = size + 1 WHERE id = $1").bind(target)
        }
        Attack::AlteredReceipt => {
            let altered = receipt.replacen("\"received_at\":\"20", "\"received_at\":\"19", 1);
            assert_ne!(altered, receipt);
            sqlx::query("UPDATE packets SET receipt = $2 WHERE id = $1")
                .bind(target)
                .bind(altered)
        }
        Attack::ReceiptOfAnother => sqlx::query(
            "UPDATE packets SET receipt = (SELECT receipt FROM packets WHERE id = $2) WHERE id = $1",
        )
        .bind(target)
        .bind(other),
        Attack::Impostor => {
            let forged = impostor(w, target);
            let sha256 = qingdan_core::canonical::sha256_hex_bytes(&forged);
            let size = forged.len() as i64;
            sqlx::query("UPDATE packets SET bytes = $2, sha256 = $3, size = $4 WHERE id = $1")
                .bind(target)
                .bind(forged)
                .bind(sha256)
                .bind(size)
        }
    };
    let done = query.execute(&pool).await.unwrap();
    assert_eq!(done.rows_affected(), 1, "{how:?}");
    pool.close().await;
}

#[test]
fn verify_names_each_damaged_packet_and_what_is_wrong_with_it() {
    let (dir, _, _removed) = scratch();
    let (runtime, w, ids) = stored(Db::Sqlite, 5);
    let intact = dir.join("intact.db");
    assert_eq!(backup(&w.database, &intact), 5);

    // An intact copy passes, and checking it changes nothing.
    let before = std::fs::read(&intact).unwrap();
    let out = qingdan(&["backup", "verify", path_str(&intact)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("packets checked: 5, good: 5, damaged: 0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("templates: 1, units: 1, enrolled keys: 4"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(&intact).unwrap(),
        before,
        "the copy is unchanged"
    );
    for suffix in ["-wal", "-shm", "-journal"] {
        let beside = dir.join(format!("intact.db{suffix}"));
        assert!(!beside.exists(), "{} was made", beside.display());
    }

    for (name, how, expected) in CASES {
        let copy = dir.join(format!("{name}.db"));
        std::fs::copy(&intact, &copy).unwrap();
        let (target, other) = (&ids[1], &ids[3]);
        runtime.block_on(attack(&copy, *how, &w, target, other));
        let out = qingdan(&["backup", "verify", path_str(&copy)]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        let damaged: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("damaged "))
            .collect();
        assert_eq!(damaged.len(), 1, "{name}: {stdout}");
        assert!(
            damaged[0].starts_with(&format!("damaged {target}: ")),
            "{name}: {stdout}"
        );
        for words in *expected {
            assert!(damaged[0].contains(words), "{name}: {words:?} in {stdout}");
        }
        assert!(
            stdout.contains("packets checked: 5, good: 4, damaged: 1"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn a_copy_from_a_newer_qingdan_is_refused_not_misread() {
    let (dir, _, _removed) = scratch();
    let (runtime, w, _) = stored(Db::Sqlite, 1);
    let copy = dir.join("newer.db");
    backup(&w.database, &copy);
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", copy.display()))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'from the future', TRUE, X'00', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    });
    let out = qingdan(&["backup", "verify", path_str(&copy)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("schema is version 9999, newer than this qingdan knows"),
        "{stderr}"
    );
}

#[test]
fn a_backup_never_overwrites_a_file() {
    let (dir, _, _removed) = scratch();
    let (_runtime, w, _) = stored(Db::Sqlite, 1);
    let there = dir.join("there.db");
    std::fs::write(&there, "the office's other file").unwrap();
    let out = qingdan(&[
        "backup",
        "--to",
        path_str(&there),
        "--database",
        &w.database,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("exists already"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&there).unwrap(),
        "the office's other file"
    );
}

#[cfg(unix)]
#[test]
fn a_backup_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, _, _removed) = scratch();
    let (_runtime, w, _) = stored(Db::Sqlite, 1);
    let copy = dir.join("copy.db");
    backup(&w.database, &copy);
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

/// The password in a PostgreSQL URL, if it has one.
fn password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let user = rest.split_once('@')?.0;
    user.split_once(':').map(|(_, p)| p)
}

#[test]
fn a_postgres_intake_is_dumped_and_its_restored_copy_verifies() {
    if support::postgres_url().is_none() {
        return;
    }
    let (dir, _, _removed) = scratch();
    let (runtime, w, _) = stored(Db::Postgres, 3);
    let dump = dir.join("intake.dump");
    let out = qingdan(&["backup", "--to", path_str(&dump), "--database", &w.database]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("using pg_dump"), "{stderr}");
    if let Some(password) = password(&w.database) {
        let shown = format!(":{password}@");
        assert!(
            !stderr.contains(&shown) && !stdout.contains(&shown),
            "{stderr}"
        );
    }
    let head = std::fs::read(&dump).unwrap();
    assert!(head.starts_with(b"PGDMP"), "a pg_dump custom archive");

    // The archive itself is not opened: verify says how to check it.
    let out = qingdan(&["backup", "verify", path_str(&dump)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("a PostgreSQL dump") && stderr.contains("pg_restore --dbname"),
        "{stderr}"
    );

    // Restored into an empty database, it holds the same packets, whole.
    let scratch_db = runtime.block_on(support::fresh_database(Db::Postgres));
    let restored = Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &scratch_db])
        .arg(&dump)
        .output()
        .expect("pg_restore runs");
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let out = qingdan(&["backup", "verify", &scratch_db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("packets checked: 3, good: 3, damaged: 0"),
        "{stdout}"
    );
}

/// A copy whose file of a packet was changed, or lost, names that packet
/// and the file; the intact copy passes.
#[test]
fn verify_names_a_packet_whose_file_was_changed_or_lost_in_the_copy() {
    let (dir, _, _removed) = scratch();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut photo = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    photo.resize(3000, 9);
    let (w, id) = runtime.block_on(async {
        let w = support::world(Db::Sqlite).await;
        let id = new_id();
        let (_, item) = w.template.items().next().unwrap();
        let entry = qingdan_core::attachments::Attachment {
            id: "1".into(),
            item: item.id.clone(),
            finding: None,
            name: "谈话记录.png".into(),
            media_type: "image/png".into(),
            size: photo.len() as u64,
            sha256: qingdan_core::attachments::digest(&photo),
        };
        w.intake
            .put_file(&entry.sha256, &photo, chrono::Utc::now())
            .await
            .unwrap();
        let answer = w
            .post_packet(w.packet_with(&id, |m| m.attachments = vec![entry]))
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        w.intake.shutdown().await;
        w.intake.store().close().await;
        (w, id)
    });
    let intact = dir.join("intact.db");
    assert_eq!(backup(&w.database, &intact), 1);
    let out = qingdan(&["backup", "verify", path_str(&intact)]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let sha = qingdan_core::attachments::digest(&photo);
    for (name, statement, expected) in [
        (
            "changed",
            "UPDATE attachments SET bytes = CAST(REPLACE(CAST(bytes AS TEXT), 'IHDR', 'IHDQ') AS BLOB) WHERE sha256 = $1",
            "file: payload.attachments[0] (谈话记录.png, item",
        ),
        (
            "lost",
            "DELETE FROM packet_attachments WHERE sha256 = $1",
            "the file is missing",
        ),
    ] {
        let copy = dir.join(format!("{name}.db"));
        std::fs::copy(&intact, &copy).unwrap();
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", copy.display()))
                .await
                .unwrap();
            let done = sqlx::query(statement)
                .bind(&sha)
                .execute(&pool)
                .await
                .unwrap();
            assert_eq!(done.rows_affected(), 1, "{name}");
            pool.close().await;
        });
        let out = qingdan(&["backup", "verify", path_str(&copy)]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        let damaged = stdout
            .lines()
            .find(|l| l.starts_with(&format!("damaged {id}: ")))
            .unwrap_or_else(|| panic!("{name}: {stdout}"));
        assert!(damaged.contains(expected), "{name}: {damaged}");
    }
}
