//! The intake as processes: the admin commands, `import` from a folder and
//! `report` on one database; a server killed with SIGKILL mid-load keeps
//! every packet it gave a receipt for; two servers share one PostgreSQL
//! database and still store each packet exactly once.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use qingdan_core::{Packet, canonical, receipt};

use crate::load::{self, agent, check_outcome, post, send_all, uploads};
use crate::support::{self, Db, World, new_id};
use crate::{assert_refused, qingdan, text};

/// A `qingdan serve` process, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    pub(crate) fn start(database: &str) -> Server {
        Server::start_with(database, &[])
    }

    /// With more options for `serve`.
    pub(crate) fn start_with(database: &str, options: &[&str]) -> Server {
        Server::spawn(database, options, Stdio::null())
    }

    /// Its log (stderr) written to `log`, with more options for `serve`.
    pub(crate) fn start_logging(database: &str, log: &Path, options: &[&str]) -> Server {
        let file = std::fs::File::create(log).unwrap();
        Server::spawn(database, options, Stdio::from(file))
    }

    fn spawn(database: &str, options: &[&str], stderr: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--rate-limit",
                "0",
                "--database",
                database,
            ])
            .args(options)
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("qingdan serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("qingdan serve: listening on ")
            .unwrap_or_else(|| panic!("the listening line, not {line:?}"))
            .to_owned();
        Server { child, url }
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A world whose database is set up, closed, and left for servers.
fn prepared(db: Db) -> (tokio::runtime::Runtime, World) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let w = runtime.block_on(async {
        let w = support::world(db).await;
        w.intake.shutdown().await;
        w.intake.store().close().await;
        w
    });
    (runtime, w)
}

fn get(url: &str, token: &str) -> (u16, Vec<u8>) {
    let mut response = agent()
        .get(url)
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_vec().unwrap(),
    )
}

#[test]
fn a_killed_server_keeps_every_packet_it_gave_a_receipt_for() {
    let (runtime, w) = prepared(Db::Sqlite);
    let packets: Vec<(String, Vec<u8>)> = (0..2000)
        .map(|_| new_id())
        .map(|id| {
            let bytes = w.packet(&id);
            (id, bytes)
        })
        .collect();
    let mut server = Server::start(&w.database);
    let receipts = AtomicUsize::new(0);
    let url = format!("{}/api/v1/packets", server.url);
    // 16 clients upload; once 300 receipts are in, the server is killed.
    // For each packet sent, its index and the answer (none: the server died).
    type Answered = (usize, Option<(u16, Vec<u8>)>);
    let answers: Vec<Answered> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..16)
            .map(|c| {
                let (packets, receipts, url) = (&packets, &receipts, &url);
                s.spawn(move || {
                    let agent = agent();
                    let mut out = Vec::new();
                    for (i, (_, bytes)) in packets.iter().enumerate().skip(c).step_by(16) {
                        let answer = agent
                            .post(url)
                            .header("content-type", "application/json")
                            .send(&bytes[..])
                            .ok()
                            .and_then(|mut r| {
                                Some((r.status().as_u16(), r.body_mut().read_to_vec().ok()?))
                            });
                        if answer.as_ref().is_some_and(|(s, _)| *s == 201) {
                            receipts.fetch_add(1, Ordering::SeqCst);
                        }
                        out.push((i, answer));
                    }
                    out
                })
            })
            .collect();
        while receipts.load(Ordering::SeqCst) < 300 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        server.kill();
        clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect()
    });
    let receipted: Vec<(usize, Vec<u8>)> = answers
        .iter()
        .filter_map(|(i, a)| match a {
            Some((201, body)) => Some((*i, body.clone())),
            _ => None,
        })
        .collect();
    let unanswered = answers.iter().filter(|(_, a)| a.is_none()).count();
    assert!(
        receipted.len() >= 300 && unanswered > 0,
        "killed mid-load: {} receipts, {unanswered} unanswered",
        receipted.len()
    );

    // Restarted on the same file: every receipted packet is there, whole.
    let server = Server::start(&w.database);
    for (i, body) in &receipted {
        let (id, bytes) = &packets[*i];
        let receipt = receipt::verify(
            std::str::from_utf8(body).unwrap(),
            Some(w.intake.public_key()),
        )
        .unwrap();
        receipt
            .check_for(id, &canonical::sha256_hex_bytes(bytes))
            .unwrap();
        let (status, stored) = get(&format!("{}/api/v1/packets/{id}", server.url), &w.token);
        assert_eq!(status, 200, "packet {id} with a receipt is stored");
        assert_eq!(&stored, bytes);
    }
    // Nothing half-stored: every stored packet is whole and verifies.
    let store = runtime
        .block_on(qingdan_intake::Store::connect(&w.database))
        .unwrap();
    let stored = runtime.block_on(load::stored(&store));
    for (id, bytes) in &stored {
        Packet::parse(bytes)
            .unwrap()
            .verify(Some(&w.template))
            .unwrap();
        assert!(packets.iter().any(|(i, b)| i == id && b == bytes));
    }
    runtime.block_on(store.close());
    // Sending everything again stores the rest, each exactly once.
    let agent = agent();
    let url = format!("{}/api/v1/packets", server.url);
    for (_, bytes) in &packets {
        let (status, _) = post(&agent, &url, bytes);
        assert!(status == 201 || status == 200, "{status}");
    }
    let store = runtime
        .block_on(qingdan_intake::Store::connect(&w.database))
        .unwrap();
    assert_eq!(runtime.block_on(store.packet_count()).unwrap(), 2000);
}

#[test]
fn two_servers_on_one_postgres_database_store_each_packet_once() {
    if support::postgres_url().is_none() {
        return;
    }
    let (runtime, w) = prepared(Db::Postgres);
    let uploads = uploads(&w);
    let (a, b) = (Server::start(&w.database), Server::start(&w.database));
    let results = send_all(&[a.url.clone(), b.url.clone()], uploads);
    let store = runtime
        .block_on(qingdan_intake::Store::connect(&w.database))
        .unwrap();
    let stored = runtime.block_on(load::stored(&store));
    assert_eq!(stored.len(), 3950);
    let (created, duplicate, conflict) = check_outcome(&results, &stored, w.intake.public_key());
    assert_eq!((created, duplicate + conflict), (3950, 1050));
}

/// A key revoked by `qingdan key revoke` (a process of its own) is refused
/// at once by two running servers sharing the PostgreSQL database: no
/// restart, no cache that remembers it as good.
#[test]
fn a_revocation_reaches_every_server_on_one_postgres_database_at_once() {
    if support::postgres_url().is_none() {
        return;
    }
    let (_runtime, w) = prepared(Db::Postgres);
    let (a, b) = (Server::start(&w.database), Server::start(&w.database));
    let agent = agent();
    let url = |s: &Server| format!("{}/api/v1/packets", s.url);
    // Both servers have seen the principal's key sign.
    for server in [&a, &b] {
        let (status, body) = post(&agent, &url(server), &w.packet(&new_id()));
        assert_eq!(status, 201, "{}", text(&body));
    }
    let principal = qingdan_core::keys::encode_public_key(&w.keys[0].verifying_key());
    let revoked = qingdan(&["key", "revoke", &principal, "--database", &w.database]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    for server in [&a, &b] {
        let (status, body) = post(&agent, &url(server), &w.packet(&new_id()));
        assert_eq!(status, 403, "{}", text(&body));
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "key-revoked");
    }
}

/// One public key in 64 is base64url that begins with `-`: it is still
/// enrolled, revoked and trusted by its text, never taken for an option.
#[test]
fn a_key_whose_text_begins_with_a_dash_is_enrolled_and_revoked_by_it() {
    use qingdan_core::keys::{SigningKey, encode_public_key};
    let (_dir, db, _removed) = scratch();
    set_up(&db, &[]);
    let dashed = (0..=u8::MAX)
        .map(|seed| encode_public_key(&SigningKey::from_bytes(&[seed; 32]).verifying_key()))
        .find(|key| key.starts_with('-'))
        .expect("one seed of 256 gives a key beginning with '-'");
    ok_on(
        &db,
        &[
            "key",
            "enroll",
            "--unit",
            "510824-101",
            "--role",
            "principal",
            "--name",
            "张三",
            &dashed,
        ],
    );
    let fingerprint =
        qingdan_core::keys::fingerprint(&qingdan_core::keys::decode_public_key(&dashed).unwrap());
    let listed = ok_on(&db, &["key", "list"]);
    assert!(listed.contains(&fingerprint), "{listed}");
    let revoked = ok_on(&db, &["key", "revoke", &dashed, "--reason", "调离"]);
    assert!(revoked.starts_with("revoked "), "{revoked}");
    assert!(ok_on(&db, &["key", "revoke", &dashed]).contains("was revoked already"));
    // The intake's key a result must be signed by, too.
    let other = qingdan(&[
        "ballots",
        "verify",
        "tests/data/evaluations/banzi-2026.result.json",
        "--intake-key",
        &dashed,
    ]);
    assert_eq!(other.status.code(), Some(1));
    assert!(
        text(&other.stderr).contains(&format!("not {dashed}")),
        "refused as another intake's key: {}",
        text(&other.stderr)
    );
}

/// Publishes the bundled lists on `db`, registers unit 510824-101 and
/// enrolls each (unit, role, public key, person).
pub(crate) fn set_up(db: &str, enrollments: &[(&str, &str, &str, &str)]) {
    ok_on(db, &["template", "publish", "--bundled", "--create"]);
    ok_on(
        db,
        &[
            "unit",
            "add",
            "--code",
            "510824-101",
            "--name",
            "某某镇党委",
        ],
    );
    for (unit, role, key, person) in enrollments {
        ok_on(
            db,
            &[
                "key", "enroll", "--unit", unit, "--role", role, "--name", person, key,
            ],
        );
    }
}

/// A fresh folder, the URL of an intake database in it, and what removes
/// the folder when the test ends (keep it bound until then).
pub(crate) fn scratch() -> (std::path::PathBuf, String, Removed) {
    let dir = std::env::temp_dir().join(format!("qingdan-cli-{}", new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("intake.db").display());
    (dir.clone(), db, Removed(dir))
}

/// A folder removed when dropped.
pub(crate) struct Removed(std::path::PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `qingdan ARGS --database DB`, which must succeed; its stdout.
pub(crate) fn ok_on(db: &str, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--database", db]);
    let out = qingdan(&all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn admin_commands_import_and_report_work_on_one_database() {
    let (dir, db, _removed) = scratch();
    let usb = dir.join("usb");
    std::fs::create_dir_all(usb.join("sub")).unwrap();
    let path = |p: &Path| p.display().to_string();
    let ok = |args: &[&str]| ok_on(&db, args);
    let published = ok(&["template", "publish", "--bundled", "--create"]);
    assert!(
        published.contains("published jiandu-zeren v1"),
        "{published}"
    );
    assert!(ok(&["template", "publish", "--bundled"]).contains("already published jiandu-zeren"));
    ok(&[
        "unit",
        "add",
        "--code",
        "510824-101",
        "--name",
        "某某镇党委",
    ]);
    for (role, name, person) in [("principal", "p", "张三"), ("supervisory", "s", "李四")] {
        let key = dir.join(format!("{name}.pem"));
        qingdan(&["keygen", "--out", &path(&key)]);
        let public = path(&dir.join(format!("{name}.pub.pem")));
        assert!(
            ok(&[
                "key",
                "enroll",
                "--unit",
                "510824-101",
                "--role",
                role,
                "--name",
                person,
                &public
            ])
            .contains("enrolled")
        );
    }
    let packet = path(&usb.join("sub/a.qingdan.json"));
    let made = qingdan(&[
        "packet",
        "new",
        "--template",
        "crates/qingdan-core/templates/jiandu-zeren.json",
        "--responses",
        "tests/data/examples/jiandu-zeren-v2-2026.json",
        "--kind",
        "self-assessment",
        "--unit",
        "510824-101",
        "--unit-name",
        "某某镇党委",
        "--period",
        "2026",
        "--signer",
        &format!("principal:张三:{}", path(&dir.join("p.pub.pem"))),
        "--signer",
        &format!("supervisory:李四:{}", path(&dir.join("s.pub.pem"))),
        "--out",
        &packet,
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    for key in ["p", "s"] {
        let signed = qingdan(&[
            "sign",
            "--key",
            &path(&dir.join(format!("{key}.pem"))),
            &packet,
            "--out",
            &packet,
        ]);
        assert!(signed.status.success(), "{}", text(&signed.stderr));
    }
    let tampered =
        std::fs::read_to_string(&packet)
            .unwrap()
            .replacen("某某镇党委", "某某镇党组", 1);
    std::fs::write(usb.join("b.json"), tampered).unwrap();
    std::fs::write(usb.join("notes.txt"), "not a packet").unwrap();

    let import = qingdan(&["import", &path(&usb), "--database", &db]);
    assert_eq!(import.status.code(), Some(1), "one file is rejected");
    let out = text(&import.stdout);
    assert!(out.contains(&format!("accepted   {packet}")), "{out}");
    assert!(
        out.contains("rejected") && out.contains("b.json") && out.contains("(bad-signature)"),
        "{out}"
    );
    assert!(
        out.contains("1 accepted, 0 already here, 1 rejected"),
        "{out}"
    );
    let again = ok(&["import", &packet]);
    assert!(
        again.contains("duplicate") && again.contains("0 accepted, 1 already here, 0 rejected"),
        "{again}"
    );

    let ranking = ok(&[
        "report",
        "ranking",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--kind",
        "self-assessment",
    ]);
    assert!(ranking.contains("某某镇党委"), "{ranking}");
    let xlsx = dir.join("ranking.xlsx");
    ok(&[
        "report",
        "ranking",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--kind",
        "self-assessment",
        "--out",
        &path(&xlsx),
    ]);
    assert!(
        std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
        "an xlsx (zip) file"
    );
    let gap = ok(&[
        "report",
        "gap",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--format",
        "csv",
    ]);
    assert!(
        gap.starts_with('\u{feff}') && gap.contains("某某镇党委"),
        "{gap}"
    );
    let missing = qingdan(&[
        "report",
        "ranking",
        "--template",
        "no-such",
        "--period",
        "2026",
        "--database",
        &db,
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no-such is not published"));

    assert!(ok(&["admin", "token"]).starts_with("qd_"));
    let code = ok(&["key", "code", "--unit", "510824-101", "--role", "principal"]);
    assert_eq!(code.trim().len(), 14, "{code}");
    let unknown = qingdan(&[
        "key",
        "code",
        "--unit",
        "nobody",
        "--role",
        "principal",
        "--database",
        &db,
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("\"nobody\" is not registered"));
}

/// The acceptance path from the command line: an inspection with two
/// findings and the unit's rectification of one, carried on one USB stick
/// (the rectification's file sorts first), then the findings as they stand
/// before and after the deadline.
#[test]
fn an_inspection_and_its_rectification_show_one_closed_one_open_then_overdue() {
    let (dir, db, _removed) = scratch();
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let path = |p: &Path| p.display().to_string();
    let file = |name: &str| path(&dir.join(name));
    let ok = |args: &[&str]| ok_on(&db, args);
    let run = |args: &[&str]| {
        let out = qingdan(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    };
    for name in ["i", "p", "s"] {
        run(&["keygen", "--out", &file(&format!("{name}.pem"))]);
    }
    set_up(
        &db,
        &[
            ("*", "inspector", &file("i.pub.pem"), "孙七"),
            ("510824-101", "principal", &file("p.pub.pem"), "张三"),
            ("510824-101", "supervisory", &file("s.pub.pem"), "李四"),
        ],
    );
    std::fs::write(dir.join("none.json"), "{}").unwrap();
    std::fs::write(
        dir.join("findings.json"),
        r#"[{"id": "1", "item": "1.1", "problem": "未按期召开专题会议", "deadline": "2027-01-31", "responsible": "王五"},
            {"id": "2", "item": "1.2", "problem": "谈话记录不全", "deadline": "2027-01-31", "responsible": "赵六"}]"#,
    )
    .unwrap();
    let inspection = path(&usb.join("b-inspection.json"));
    run(&[
        "packet",
        "new",
        "--template",
        "crates/qingdan-core/templates/jiancha-kaohe.json",
        "--responses",
        &file("none.json"),
        "--kind",
        "inspection",
        "--unit",
        "510824-101",
        "--unit-name",
        "某某镇党委",
        "--period",
        "2026",
        "--signer",
        &format!("inspector:孙七:{}", file("i.pub.pem")),
        "--findings",
        &file("findings.json"),
        "--out",
        &inspection,
    ]);
    run(&[
        "sign",
        "--key",
        &file("i.pem"),
        &inspection,
        "--out",
        &inspection,
    ]);

    std::fs::write(
        dir.join("answers.json"),
        r#"[{"finding": "1", "status": "done", "action": "已补开专题会议", "completed_on": "2026-11-20"}]"#,
    )
    .unwrap();
    let rectification = path(&usb.join("a-rectification.json"));
    run(&[
        "packet",
        "rectify",
        "--inspection",
        &inspection,
        "--rectifications",
        &file("answers.json"),
        "--signer",
        &format!("principal:张三:{}", file("p.pub.pem")),
        "--signer",
        &format!("supervisory:李四:{}", file("s.pub.pem")),
        "--out",
        &rectification,
    ]);
    for key in ["p", "s"] {
        run(&[
            "sign",
            "--key",
            &file(&format!("{key}.pem")),
            &rectification,
            "--out",
            &rectification,
        ]);
    }
    let imported = ok(&["import", &path(&usb)]);
    assert!(
        imported.contains("2 accepted, 0 already here, 0 rejected"),
        "{imported}"
    );

    let findings = |as_of: &str| -> serde_json::Value {
        let out = ok(&[
            "report",
            "findings",
            "--unit",
            "510824-101",
            "--as-of",
            as_of,
            "--format",
            "json",
        ]);
        serde_json::from_str(&out).unwrap()
    };
    let state = |json: &serde_json::Value, id: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["finding_id"] == id)
            .map(|r| r["state"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let before = findings("2027-01-31");
    assert_eq!(
        (state(&before, "1"), state(&before, "2")),
        ("closed".into(), "open".into())
    );
    assert_eq!(before["units"][0]["open"], 1, "{before:#}");
    let after = findings("2027-02-01");
    assert_eq!(
        (state(&after, "1"), state(&after, "2")),
        ("closed".into(), "overdue".into())
    );
    assert_eq!(after["units"][0]["closed"], 1);
    assert_eq!(after["units"][0]["overdue"], 1);

    let table = ok(&["report", "findings", "--as-of", "2027-02-01"]);
    assert!(
        table.contains("逾期未整改") && table.contains("谈话记录不全"),
        "{table}"
    );
    let bad = qingdan(&["report", "findings", "--as-of", "明天", "--database", &db]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("as_of"), "{}", text(&bad.stderr));
}

/// Keys and tokens from the command line: a key revoked signs nothing more
/// (what was received before stays), admin tokens expire and are revoked by
/// label or id, and an inspection by two inspectors of a self-assessment
/// list sits beside the unit's own score in the gap report and its workbook.
#[test]
fn revoked_keys_sign_nothing_more_tokens_expire_and_the_gap_has_both_scores() {
    let (dir, db, _removed) = scratch();
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let path = |p: &Path| p.display().to_string();
    let file = |name: &str| path(&dir.join(name));
    let ok = |args: &[&str]| ok_on(&db, args);
    let on_db = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--database", &db]);
        qingdan(&all)
    };
    let keys = |name: &str| format!("tests/data/keys/{name}");
    set_up(
        &db,
        &[
            (
                "510824-101",
                "principal",
                &keys("principal.pub.pem"),
                "张三",
            ),
            (
                "510824-101",
                "supervisory",
                &keys("supervisory.pub.pem"),
                "李四",
            ),
            ("*", "inspector", &keys("inspector.pub.pem"), "王五"),
            ("*", "inspector", &keys("inspector2.pub.pem"), "赵六"),
        ],
    );
    // A principal's key is never enrolled for every unit.
    let everywhere = on_db(&[
        "key",
        "enroll",
        "--unit",
        "*",
        "--role",
        "principal",
        "--name",
        "张三",
        &keys("principal.pub.pem"),
    ]);
    assert_refused(&everywhere, "only inspectors");

    let template = file("jiandu-zeren.json");
    std::fs::write(
        &template,
        qingdan(&["template", "bundled", "jiandu-zeren"]).stdout,
    )
    .unwrap();
    let make = |name: &str, kind: &str, period: &str, signers: &[(&str, &str, &str)]| {
        let out = path(&usb.join(name));
        let specs: Vec<String> = signers
            .iter()
            .map(|(role, person, key)| {
                format!("{role}:{person}:{}", keys(&format!("{key}.pub.pem")))
            })
            .collect();
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        let examples = "tests/data/examples/jiandu-zeren-v2-2026.json";
        let made = crate::packet_new(&template, examples, kind, period, &specs, &out);
        assert!(made.status.success(), "{}", text(&made.stderr));
        for (_, _, key) in signers {
            let key = keys(&format!("{key}.pem"));
            let signed = qingdan(&["sign", "--key", &key, &out, "-o", &out]);
            assert!(signed.status.success(), "{}", text(&signed.stderr));
        }
        out
    };
    let unit = [
        ("principal", "张三", "principal"),
        ("supervisory", "李四", "supervisory"),
    ];
    let team = [
        ("inspector", "王五", "inspector"),
        ("inspector", "赵六", "inspector2"),
    ];
    make("a-self.json", "self-assessment", "2026", &unit);
    make("b-inspection.json", "inspection", "2026", &team);
    let imported = ok(&["import", &path(&usb)]);
    assert!(
        imported.contains("2 accepted, 0 already here, 0 rejected"),
        "{imported}"
    );

    // The gap: the unit's own total beside the inspectors'.
    let gap: serde_json::Value = serde_json::from_str(&ok(&[
        "report",
        "gap",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--format",
        "json",
    ]))
    .unwrap();
    let row = &gap["rows"][0];
    assert_eq!(row["unit_code"], "510824-101", "{gap:#}");
    assert_eq!(row["self_assessment"], "81.17");
    assert_eq!(row["inspection"], "81.17");
    assert_eq!(row["difference"], "0.00");
    assert_eq!(row["self_percentage"], "88.23");
    assert_eq!(row["percentage_difference"], "0.00");
    let xlsx = file("gap.xlsx");
    ok(&[
        "report",
        "gap",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--format",
        "xlsx",
        "-o",
        &xlsx,
    ]);
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader as _;
    let first = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&first).unwrap();
    let cells: Vec<String> = range
        .rows()
        .find(|r| r.iter().any(|c| *c == "510824-101"))
        .expect("a row for the unit")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        cells.iter().filter(|c| *c == "81.17").count(),
        2,
        "both totals: {cells:?}"
    );
    assert_eq!(
        cells.iter().filter(|c| *c == "88.23").count(),
        2,
        "both percentages: {cells:?}"
    );

    // The supervisory's key is revoked: the next packet it signs is refused,
    // the one received before stays.
    let revoked = ok(&[
        "key",
        "revoke",
        &keys("supervisory.pub.pem"),
        "--reason",
        "调离",
    ]);
    assert!(revoked.starts_with("revoked "), "{revoked}");
    assert!(ok(&["key", "revoke", &keys("supervisory.pub.pem")]).contains("was revoked already"));
    std::fs::remove_dir_all(&usb).unwrap();
    std::fs::create_dir_all(&usb).unwrap();
    make("c-self.json", "self-assessment", "2026-H2", &unit);
    let refused = on_db(&["import", &path(&usb)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stdout).contains("(key-revoked)"),
        "{}",
        text(&refused.stdout)
    );

    // Admin tokens: one with an expiry, listed, then revoked by label.
    let made = on_db(&["admin", "token", "--label", "张主任", "--expires", "90d"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).starts_with("qd_"));
    assert!(
        text(&made.stderr).contains("works until"),
        "{}",
        text(&made.stderr)
    );
    let listed = ok(&["admin", "token", "--list"]);
    assert!(
        listed.contains("张主任") && !listed.contains("revoked"),
        "{listed}"
    );
    assert!(ok(&["admin", "token", "--revoke", "张主任"]).contains("revoked"));
    assert!(ok(&["admin", "token", "--list"]).contains("revoked"));
    let again = on_db(&["admin", "token", "--revoke", "张主任"]);
    assert_eq!(again.status.code(), Some(1), "nothing left to revoke");
    let bad = on_db(&["admin", "token", "--expires", "0d"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// One `GET /api/v1/intake` on `stream`, kept alive: its status, or `None`
/// when the server closed the connection instead of answering.
fn intake_info(stream: &mut std::net::TcpStream) -> Option<u16> {
    use std::io::{Read as _, Write as _};
    stream
        .write_all(b"GET /api/v1/intake HTTP/1.1\r\nHost: intake\r\n\r\n")
        .ok()?;
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return text.split(' ').nth(1).and_then(|s| s.parse().ok());
            }
        }
    }
}

/// Whether the server closes `stream` (end of file or reset) within `limit`.
fn closed_within(stream: &mut std::net::TcpStream, limit: std::time::Duration) -> bool {
    use std::io::Read as _;
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            // A 408 the server may send as it closes.
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn a_trickled_request_head_is_cut_off_at_the_header_timeout() {
    use std::io::Write as _;
    use std::time::{Duration, Instant};

    let (_runtime, w) = prepared(Db::Sqlite);
    let server = Server::start_with(&w.database, &["--header-timeout", "1"]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /api/v1/intake HTTP/1.1\r\nHost: intake\r\n")
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)),
        "the slow connection is still open after 5 s"
    );
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "closed after {took:?}, not at the 1 s header timeout"
    );
    // A prompt client is served as ever.
    let mut prompt = std::net::TcpStream::connect(&addr).unwrap();
    assert_eq!(intake_info(&mut prompt), Some(200));
}

#[test]
fn a_connection_over_the_cap_is_refused_without_harming_the_others() {
    let (_runtime, w) = prepared(Db::Sqlite);
    let server = Server::start_with(&w.database, &["--max-connections", "3"]);
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut held: Vec<std::net::TcpStream> = (0..3)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    for stream in &mut held {
        assert_eq!(
            intake_info(stream),
            Some(200),
            "a connection under the cap is served"
        );
    }
    let mut over = std::net::TcpStream::connect(&addr).unwrap();
    assert_eq!(
        intake_info(&mut over),
        None,
        "the fourth connection is closed, not served"
    );
    for stream in &mut held {
        assert_eq!(
            intake_info(stream),
            Some(200),
            "the connections held are unharmed"
        );
    }
    drop(held);
    // Once they are gone, new connections are served again.
    let answered = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut fresh = std::net::TcpStream::connect(&addr).unwrap();
        intake_info(&mut fresh) == Some(200)
    });
    assert!(answered, "connections are served once slots are free");
}

/// The log of a server on `w`'s database started with `options`, once
/// `requests` has run against its `/api/v1/packets` and it has stopped.
fn log_of(w: &World, options: &[&str], requests: impl FnOnce(&str)) -> String {
    let log = std::env::temp_dir().join(format!("qingdan-log-{}.log", new_id()));
    let server = Server::start_logging(&w.database, &log, options);
    requests(&format!("{}/api/v1/packets", server.url));
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::remove_file(&log).unwrap();
    text
}

#[test]
fn the_security_log_names_refusals_and_admin_requests_by_the_tokens_label_never_the_token() {
    let (_runtime, w) = prepared(Db::Sqlite);
    let text = log_of(&w, &[], |packets| {
        assert_eq!(get(packets, "not-the-token").0, 401);
        assert_eq!(get(packets, &w.token).0, 200);
    });
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("qingdan::security"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("refused") && l.contains("unauthorized")),
        "a failed admin login is logged by its code:\n{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("admin request")
            && l.contains("label=test")
            && l.contains("/api/v1/packets")),
        "an admin request is logged with the token's label:\n{text}"
    );
    assert!(!text.contains(&w.token), "the token itself is never logged");
    assert!(!text.contains("not-the-token"), "nor a wrong one");
}

/// `qingdan intake rotate-key` prints the new key; `intake key` lists it
/// and the earlier one; a server started afterwards signs with the new key
/// and hands devices the earlier key's signed hand-over to it.
#[test]
fn a_rotated_intake_key_is_used_from_the_next_start_with_its_hand_over() {
    let (_dir, db, _removed) = scratch();
    set_up(&db, &[]);
    let first = ok_on(&db, &["intake", "key"]).trim().to_owned();
    assert_eq!(first.len(), 43, "a base64url Ed25519 key: {first}");

    let mut all = vec!["intake", "rotate-key", "--database", &db];
    let out = qingdan(&all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rotated = text(&out.stdout).trim().to_owned();
    assert_ne!(rotated, first);
    let said = text(&out.stderr);
    assert!(
        said.contains(&first) && said.contains("started again"),
        "{said}"
    );
    assert_eq!(
        ok_on(&db, &["intake", "key"]),
        format!("{rotated}\n{first} (earlier)\n")
    );

    let server = Server::start(&db);
    let (status, body) = get(&format!("{}/api/v1/intake", server.url), "");
    assert_eq!(status, 200);
    let about: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(about["public_key"], rotated.as_str());
    assert_eq!(about["earlier_keys"], serde_json::json!([first]));
    let rotations = about["rotations"].as_array().unwrap();
    assert_eq!(
        receipt::follow(&first, &rotated, rotations).unwrap(),
        std::slice::from_ref(&rotated)
    );

    // Without a database there is nothing to rotate.
    all[3] = "sqlite:///nonexistent/qingdan.db";
    let missing = qingdan(&all);
    assert_refused(&missing, "--create");
}

/// `--log-format json`: every line of the log is one JSON object, and a
/// refusal carries its target, status and code as fields.
#[test]
fn the_json_log_is_one_object_a_line_with_the_refusals_code() {
    let (_runtime, w) = prepared(Db::Sqlite);
    let text = log_of(&w, &["--log-format", "json"], |packets| {
        assert_eq!(get(packets, "not-the-token").0, 401);
    });
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty(), "something is logged");
    let refusal = lines
        .iter()
        .find(|l| l["target"] == "qingdan::security" && l["code"] == "unauthorized")
        .unwrap_or_else(|| panic!("the refusal, by its code:\n{text}"));
    assert_eq!(refusal["status"], 401);
    assert_eq!(refusal["level"], "INFO");
    assert!(refusal["timestamp"].is_string());
}

/// A PNG of `n` bytes.
fn png(n: usize, fill: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.resize(n, fill);
    bytes
}

/// A self-assessment naming two photos on the checklist's first item, and
/// the photos.
fn with_photos(w: &World) -> (String, Vec<u8>, [Vec<u8>; 2]) {
    let id = new_id();
    let photos = [png(4000, 1), png(6000, 2)];
    let (_, item) = w.template.items().next().unwrap();
    let entries = photos
        .iter()
        .enumerate()
        .map(|(i, bytes)| qingdan_core::attachments::Attachment {
            id: (i + 1).to_string(),
            item: item.id.clone(),
            finding: None,
            name: format!("照片{}.png", i + 1),
            media_type: "image/png".into(),
            size: bytes.len() as u64,
            sha256: qingdan_core::attachments::digest(bytes),
        })
        .collect();
    let packet = w.packet_with(&id, |m| m.attachments = entries);
    (id, packet, photos)
}

/// PUT of a file; its status (none: no answer).
fn put_file(url: &str, id: &str, bytes: &[u8]) -> Option<u16> {
    let path = format!(
        "{url}/api/v1/packets/{id}/attachments/{}",
        qingdan_core::attachments::digest(bytes)
    );
    agent()
        .put(&path)
        .send(bytes)
        .ok()
        .map(|r| r.status().as_u16())
}

/// Killed (SIGKILL) after one file of a packet was acknowledged and before
/// the packet: the acknowledged file is kept, the packet is refused until
/// the other file is sent, then received; nothing is kept twice.
fn a_file_acknowledged_before_a_kill_is_kept_and_its_packet_completes_after(db: Db) {
    let (_runtime, w) = prepared(db);
    let (id, packet, photos) = with_photos(&w);
    let mut server = Server::start(&w.database);
    assert_eq!(put_file(&server.url, &id, &photos[0]), Some(201));
    server.kill();

    let server = Server::start(&w.database);
    assert_eq!(
        put_file(&server.url, &id, &photos[0]),
        Some(200),
        "kept across the kill"
    );
    let (status, body) = post(&agent(), &format!("{}/api/v1/packets", server.url), &packet);
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        problem["missing"],
        serde_json::json!([qingdan_core::attachments::digest(&photos[1])]),
        "only the file not acknowledged is missing"
    );
    assert_eq!(put_file(&server.url, &id, &photos[1]), Some(201));
    let (status, body) = post(&agent(), &format!("{}/api/v1/packets", server.url), &packet);
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    for photo in &photos {
        let (status, bytes) = get(
            &format!(
                "{}/api/v1/packets/{id}/attachments/{}",
                server.url,
                qingdan_core::attachments::digest(photo)
            ),
            &w.token,
        );
        assert_eq!((status, &bytes), (200, photo));
    }
}

#[test]
fn a_file_acknowledged_before_a_kill_is_kept_on_sqlite() {
    a_file_acknowledged_before_a_kill_is_kept_and_its_packet_completes_after(Db::Sqlite);
}

#[test]
fn a_file_acknowledged_before_a_kill_is_kept_on_postgres() {
    if support::postgres_url().is_some() {
        a_file_acknowledged_before_a_kill_is_kept_and_its_packet_completes_after(Db::Postgres);
    }
}

/// `qingdan import` takes bundles from a USB stick: a bundle's files and
/// packet are stored; again, a duplicate; a bundle with a file changed is
/// rejected naming it, and stores nothing.
#[test]
fn import_takes_bundles_and_rejects_one_with_a_changed_file() {
    let (_runtime, w) = prepared(Db::Sqlite);
    let (_, packet, photos) = with_photos(&w);
    let (dir, _, _removed) = scratch();
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let database = w.database.to_string();
    let bundle = qingdan_bundle::write(&packet, photos.iter().map(Vec::as_slice)).unwrap();
    std::fs::write(
        usb.join("510824-101-2026-self-assessment.qingdan.zip"),
        &bundle,
    )
    .unwrap();
    let import = |dir: &Path| qingdan(&["import", dir.to_str().unwrap(), "--database", &database]);
    let out = import(&usb);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("1 accepted, 0 already here, 0 rejected"),
        "{}",
        text(&out.stdout)
    );
    let again = import(&usb);
    assert!(
        text(&again.stdout).contains("0 accepted, 1 already here, 0 rejected"),
        "{}",
        text(&again.stdout)
    );

    // Another packet's bundle, with one byte of a photo changed.
    let (_, packet, mut photos) = with_photos(&w);
    *photos[1].last_mut().unwrap() ^= 1;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let named = |bytes: &[u8]| qingdan_core::attachments::digest(bytes);
    let original = png(6000, 2);
    for (name, data) in [
        ("packet.json".to_owned(), packet.as_slice()),
        (
            format!("attachments/{}", named(&photos[0])),
            photos[0].as_slice(),
        ),
        (
            format!("attachments/{}", named(&original)),
            photos[1].as_slice(),
        ),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, data).unwrap();
    }
    let tampered = zip.finish().unwrap().into_inner();
    let stick = usb.join("other");
    std::fs::create_dir_all(&stick).unwrap();
    std::fs::write(stick.join("changed.qingdan.zip"), tampered).unwrap();
    let refused = import(&stick);
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stdout);
    assert!(
        said.contains("rejected") && said.contains("payload.attachments[1] (照片2.png"),
        "{said}"
    );
}
