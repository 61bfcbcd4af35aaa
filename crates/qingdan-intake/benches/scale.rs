//! The intake at province scale: N units (1,000 and 10,000; with
//! `QINGDAN_SCALE=100000` also 100,000), each with one inspection of a
//! 94-item list, sent over HTTP to a `qingdan serve` process (the binary
//! named by `QINGDAN_CLI`, which `cargo xtask bench` builds in release) on
//! SQLite and, with `QINGDAN_TEST_POSTGRES`, PostgreSQL. Prints the ingest
//! rate, each report's latency (the median of three), the server's peak
//! resident memory over all of them (one after another, in a server
//! started afresh after the ingest), and its peak while four full
//! rankings are written at once (in a server started afresh again).
//! Every third inspection has a finding.
//!
//! Targets (at 100,000 packets): a ranking page in ≤ 200 ms, a full
//! ranking XLSX in ≤ 3 s, the server's memory during four concurrent full
//! reports ≤ 300 MB, ingest no slower than before summaries were kept.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/it/load.rs"]
#[allow(missing_docs, unreachable_pub)]
mod load;
#[path = "../tests/it/support.rs"]
#[allow(missing_docs, unreachable_pub, unused_macros, unused_imports)]
mod support;

use qingdan_core::packet::Unit;
use support::{Db, World};

const CLIENTS: usize = 16;
/// Packets made (on every core) and sent at a time, so the bench's own
/// memory stays small however many units there are.
const CHUNK: usize = 2000;

fn main() {
    let Some(cli) = std::env::var_os("QINGDAN_CLI") else {
        println!(
            "scale bench: skipped (QINGDAN_CLI names no qingdan binary; cargo xtask bench sets it)"
        );
        return;
    };
    let scale: usize = std::env::var("QINGDAN_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let sizes: Vec<usize> = [1_000, 10_000, 100_000]
        .into_iter()
        .filter(|&n| n <= scale.max(1_000))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // `QINGDAN_SCALE_ONLY=sqlite` or `postgres`: one database only.
    let only = std::env::var("QINGDAN_SCALE_ONLY").unwrap_or_default();
    let mut dbs = Vec::new();
    if only != "postgres" {
        dbs.push(Db::Sqlite);
    }
    if only == "sqlite" {
        println!("PostgreSQL: skipped (QINGDAN_SCALE_ONLY=sqlite)");
    } else if std::env::var_os("QINGDAN_TEST_POSTGRES").is_some() {
        dbs.push(Db::Postgres);
    } else {
        println!("PostgreSQL: skipped (set QINGDAN_TEST_POSTGRES=postgres://…)");
    }
    println!(
        "| database | packets | ingest (packets/s) | ranking JSON, page 1 | ranking JSON, last page | ranking XLSX | a county's ranking (200 units), JSON page 1 / XLSX | indicators JSON | gap JSON, page 1 | gap XLSX | findings JSON, page 1 | findings XLSX | server memory, each report in turn (peak RSS) | server memory, 4 rankings XLSX at once (peak RSS) |"
    );
    println!(
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for db in dbs {
        for &n in &sizes {
            let row = run(&runtime, std::path::Path::new(&cli), db, n);
            println!("{row}");
        }
    }
}

/// Units a county has in the benchmark (itself among them).
const COUNTY: usize = 200;

/// One database with `n` units: the table row.
fn run(runtime: &tokio::runtime::Runtime, cli: &std::path::Path, db: Db, n: usize) -> String {
    let w = runtime.block_on(support::world(db));
    let units: Vec<Unit> = (0..n)
        .map(|i| Unit {
            code: format!("51{i:08}"),
            name: format!("第{i}单位"),
        })
        .collect();
    // In counties of [`COUNTY`] units: the first unit of each is over the
    // others, as a county committee over its townships and departments.
    let rows: Vec<qingdan_sheet::UnitRow> = units
        .iter()
        .enumerate()
        .map(|(i, unit)| qingdan_sheet::UnitRow {
            at: format!("单位!A{}", i + 2),
            code: unit.code.clone(),
            name: unit.name.clone(),
            parent: (i % COUNTY != 0).then(|| units[i - i % COUNTY].code.clone()),
        })
        .collect();
    runtime.block_on(async {
        w.intake
            .import_units(
                &rows,
                &qingdan_intake::accounts::Actor::Cli,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        w.intake.shutdown().await;
        w.intake.store().close().await;
    });
    let database = w.database.to_string();

    let server = Server::start(cli, &database);
    let url = format!("{}/api/v1/packets", server.url);
    let mut sending = Duration::ZERO;
    for (c, chunk) in units.chunks(CHUNK).enumerate() {
        let packets = make(&w, chunk, c * CHUNK);
        let started = Instant::now();
        send(&url, &packets);
        sending += started.elapsed();
    }
    let ingest = n as f64 / sending.as_secs_f64();
    drop(server);
    keep(&database, db, n);

    // Afresh: its memory is the reports', not the ingest's.
    let server = Server::start(cli, &database);
    let token = admin_token(cli, &database);
    // The median of three, or the status that was not 200 (408: past the
    // server's 30 s request timeout).
    let report = |path: &str| -> String {
        let mut times = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let (status, body) = get(&format!("{}{path}", server.url), &token);
            if status != 200 {
                return format!("{status} after {:.1} s", started.elapsed().as_secs_f64());
            }
            assert!(!body.is_empty(), "{path}");
            times.push(started.elapsed());
        }
        times.sort();
        format!("{:.0} ms", times[1].as_secs_f64() * 1e3)
    };
    let scope = format!("template={}&period=2026", w.template.id());
    let ranking_json = report(&format!("/api/v1/reports/ranking?{scope}"));
    let last_page = report(&format!(
        "/api/v1/reports/ranking?{scope}&page={}",
        n.div_ceil(100)
    ));
    let ranking_xlsx = report(&format!("/api/v1/reports/ranking?{scope}&format=xlsx"));
    // The ranking of the last county's units, a page and its workbook.
    let county = &units[(n - 1) - (n - 1) % COUNTY].code;
    let under_json = report(&format!("/api/v1/reports/ranking?{scope}&under={county}"));
    let under_xlsx = report(&format!(
        "/api/v1/reports/ranking?{scope}&under={county}&format=xlsx"
    ));
    let indicators = report(&format!("/api/v1/reports/indicators?{scope}"));
    let gap = report(&format!("/api/v1/reports/gap?{scope}"));
    let gap_xlsx = report(&format!("/api/v1/reports/gap?{scope}&format=xlsx"));
    let findings = report("/api/v1/findings");
    let findings_xlsx = report("/api/v1/findings?format=xlsx");
    let in_turn = server.peak_rss_mib();
    drop(server);

    // Afresh again: the memory of four full downloads at once alone.
    let server = Server::start(cli, &database);
    let started = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let all: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    get(
                        &format!("{}/api/v1/reports/ranking?{scope}&format=xlsx", server.url),
                        &token,
                    )
                    .0
                })
            })
            .collect();
        all.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let four = started.elapsed().as_secs_f64();
    let peak = server.peak_rss_mib();
    let four = if statuses.iter().all(|&s| s == 200) {
        format!("{peak:.0} MiB ({four:.1} s)")
    } else {
        format!("{peak:.0} MiB (answers {statuses:?} in {four:.1} s)")
    };
    format!(
        "| {} | {n} | {ingest:.0} | {ranking_json} | {last_page} | {ranking_xlsx} | \
         {under_json} / {under_xlsx} | {indicators} | \
         {gap} | {gap_xlsx} | {findings} | {findings_xlsx} | {in_turn:.0} MiB | {four} |",
        match db {
            Db::Sqlite => "SQLite",
            Db::Postgres => "PostgreSQL",
        },
    )
}

/// One inspection per unit of `units` (the `offset`-th onwards), by the
/// world's two inspectors, with answers that differ from unit to unit;
/// made on every core.
fn make(w: &World, units: &[Unit], offset: usize) -> Vec<Vec<u8>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let parts: Vec<_> = units
            .chunks(units.len().div_ceil(threads))
            .enumerate()
            .map(|(t, part)| {
                let start = offset + t * units.len().div_ceil(threads);
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, unit)| {
                            let n = start + i;
                            let id = format!("{:08x}-0000-4000-8000-{n:012x}", 0x5ca1e);
                            w.inspection(&id, &varied(w, n), |m| {
                                m.unit = unit.clone();
                                // A finding for every third unit.
                                if n.is_multiple_of(3) {
                                    m.findings = vec![qingdan_core::findings::Finding {
                                        id: "1".into(),
                                        item: "1.1".into(),
                                        problem: "台账不全".into(),
                                        deadline: "2027-01-31".into(),
                                        responsible: "王五".into(),
                                    }];
                                }
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    })
}

/// The world's answers with the `n % 7`-th kind of item answered
/// otherwise for every seventh unit, and so on: totals that differ.
fn varied(w: &World, n: usize) -> qingdan_core::Responses {
    let mut answers = serde_json::to_value(&w.responses).unwrap();
    let map = answers.as_object_mut().unwrap();
    for (k, (_, item)) in w.template.items().enumerate() {
        if (k + n).is_multiple_of(11) {
            map.remove(&item.id);
        }
    }
    qingdan_core::Responses::parse(&w.template, &answers.to_string())
        .unwrap_or_else(|_| w.responses.clone())
}

/// Sends every packet from `CLIENTS` threads; each must be accepted.
fn send(url: &str, packets: &[Vec<u8>]) {
    std::thread::scope(|s| {
        for client in 0..CLIENTS {
            s.spawn(move || {
                let agent = load::agent();
                for bytes in packets.iter().skip(client).step_by(CLIENTS) {
                    let (status, body) = load::post(&agent, url, bytes);
                    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
                }
            });
        }
    });
}

/// With `QINGDAN_SCALE_KEEP=DIR`, a copy of the SQLite database just
/// filled, as `DIR/scale-N.db`: reports can then be timed and profiled
/// against it (`qingdan report … --database sqlite://DIR/scale-N.db`)
/// without generating the packets again.
fn keep(database: &str, db: Db, n: usize) {
    let (Some(dir), Db::Sqlite) = (std::env::var_os("QINGDAN_SCALE_KEEP"), db) else {
        return;
    };
    let from = database.trim_start_matches("sqlite://");
    let to = std::path::Path::new(&dir).join(format!("scale-{n}.db"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(from, &to).unwrap();
    // The server was killed: what it wrote may still be in the log.
    let wal = format!("{from}-wal");
    if std::path::Path::new(&wal).exists() {
        std::fs::copy(&wal, format!("{}-wal", to.display())).unwrap();
    }
    eprintln!("scale bench: kept {}", to.display());
}

fn get(url: &str, token: &str) -> (u16, Vec<u8>) {
    let mut response = load::agent()
        .get(url)
        .header("authorization", &format!("Bearer {token}"))
        .call()
        .expect("the intake answers");
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    (status, body)
}

/// `qingdan admin token` on the database.
fn admin_token(cli: &std::path::Path, database: &str) -> String {
    let out = Command::new(cli)
        .args(["admin", "token", "--database", database])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned()
}

/// A `qingdan serve` process on `database`, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(cli: &std::path::Path, database: &str) -> Server {
        let mut child = Command::new(cli)
            .args(["serve", "--addr", "127.0.0.1:0", "--rate-limit", "0"])
            .args(["--max-connections", "4096", "--database", database])
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
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

    /// The most memory the process has held (VmHWM), in MiB.
    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
