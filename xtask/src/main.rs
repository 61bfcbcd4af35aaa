//! Build and test automation, so that nothing but cargo is needed to start:
//!
//! - `cargo xtask test`: format check, clippy (warnings denied), every
//!   workspace test, a wasm32 build of qingdan-core and qingdan-sheet, the
//!   core's, the app's storage and the files module's tests in headless
//!   Chromium, the interop checks (canonical JSON
//!   against an independent RFC 8785 implementation, a checklist workbook
//!   written by openpyxl, the intake's `/metrics` read by the Python
//!   Prometheus client), the app's end-to-end tests in headless
//!   Chromium, and `dist`.
//! - `cargo xtask run`: build the CLI, check the bundled lists, score and
//!   sign an example, build the browser app.
//! - `cargo xtask bench`: the scoring and packet benchmarks, natively and in
//!   the browser, and the app's size (gzip and brotli, and what each crate
//!   costs), start-up, autosave and click-to-next-frame figures, and the
//!   intake's answers while forged packets pour in.
//! - `cargo xtask dist [--windows]`: the release binary with the app
//!   inside, packed with README, a systemd unit and example settings, and
//!   tried alone in an empty folder (also the last step of `test`).
//! - `cargo xtask build-web`: build the browser app into `web/dist/`
//!   (refused when the app shell is over its budget), and the office
//!   console into `web/dist/console/`.
//! - `cargo xtask size`: build-web, then what each crate costs in the
//!   shell (also part of `bench`).
//! - `cargo xtask screenshot`: `docs/fill-tablet.png`, the fill screen on a
//!   tablet.
//!
//! Each step installs what it needs when it is missing and skips what is
//! there: the rustfmt and clippy components and the wasm32 target (rustup);
//! wasm-bindgen-cli and wasm-pack at pinned versions (cargo install);
//! Chromium, ChromeDriver, openssl, curl, NSS certutil, Node.js and a CJK
//! font (Debian packages; mingw-w64 and wine for `dist --windows`);
//! rfc8785, openpyxl and prometheus-client (PyPI, in a virtual environment under `target/`);
//! playwright-core (npm, from `tests/e2e/package-lock.json`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest as _, Sha256};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Must equal the `wasm-bindgen` pinned in the root Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const WASM_PACK_VERSION: &str = "0.15.1";
const RFC8785_VERSION: &str = "0.1.4";
/// An independent .xlsx writer, to check that a workbook another program
/// made imports as a checklist.
const OPENPYXL_VERSION: &str = "3.1.5";
/// An independent reader of the intake's `GET /metrics` (OpenMetrics text).
const PROMETHEUS_CLIENT_VERSION: &str = "0.26.0";
/// An independent Ed25519, to check a 民主测评 result's signature in Python.
const CRYPTOGRAPHY_VERSION: &str = "48.0.0";
/// The end-to-end tests and browser benchmarks (Node.js, playwright-core).
const E2E_DIR: &str = "tests/e2e";
/// Reads a names-kept build of the app for `cargo xtask bench`'s costs.
const TWIGGY_VERSION: &str = "0.8.0";
/// Drives Firefox for the cross-engine suite.
const GECKODRIVER_VERSION: &str = "0.37.1";
/// The most the app shell (the wasm and the JS that `index.html` loads at
/// start, gzip -9) may weigh: `cargo xtask build-web` refuses more. It holds
/// what has been won; it comes down as the shell does, to the target. (It
/// went up once, from 495 to 500 KiB, for following the intake's key
/// rotations and the PIN that forgetting an intake needs: 4.1 KiB.)
const SHELL_BUDGET: usize = 500 * 1024;
/// Where the shell should be.
const SHELL_TARGET: usize = 250_000;
/// `cargo xtask dist --windows`: built with Debian's mingw-w64, tried
/// under wine.
const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("run") => run(),
        Some("bench") => bench(),
        Some("build-web") => build_web(),
        Some("size") => build_web().and_then(|()| shell_costs()),
        Some("screenshot") => screenshot(),
        Some("postgres") => ensure_postgres().map(|url| println!("{url}")),
        Some("dist") => match args.get(1).map(String::as_str) {
            None => dist(None).map(drop),
            Some("--windows") => dist(Some(WINDOWS_TARGET)).map(drop),
            Some(other) => Err(anyhow::anyhow!("cargo xtask dist [--windows]: not {other}")),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <test | run | bench | build-web | size | screenshot | postgres | dist [--windows]>"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

/// The repository root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_owned()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn cargo<const N: usize>(args: [&str; N]) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root()).args(args);
    cmd
}

/// Runs a command, echoing it, and fails when it fails.
fn step(title: &str, mut cmd: Command) -> Result<()> {
    println!("\n==> {title}");
    println!("    $ {}", shown(&cmd));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {}", shown(&cmd)))?;
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    Ok(())
}

fn shown(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// The output of a command, or `None` when it cannot run or fails.
fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Adds a rustup component or target when it is not installed yet.
fn ensure_rustup(kind: &str, name: &str) -> Result<()> {
    let Some(list) = output_of("rustup", &[kind, "list", "--installed"]) else {
        bail!("rustup is needed to install the {name} {kind}, and it cannot be run");
    };
    if list
        .lines()
        .any(|l| l.trim() == name || l.trim().starts_with(&format!("{name}-")))
    {
        println!("    {name} ({kind}) is installed");
        return Ok(());
    }
    let mut cmd = Command::new("rustup");
    cmd.args([kind, "add", name]);
    step(&format!("install the {name} {kind}"), cmd)
}

/// Installs the Debian packages whose file is missing (`apt-get update` first).
fn ensure_debian(packages: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(_, file)| !Path::new(file).exists())
        .map(|(p, _)| *p)
        .collect();
    if missing.is_empty() {
        let names: Vec<&str> = packages.iter().map(|(p, _)| *p).collect();
        println!("    {} installed", names.join(", "));
        return Ok(());
    }
    let mut update = Command::new("apt-get");
    update.arg("update");
    step("refresh the Debian package lists", update)?;
    let mut install = Command::new("apt-get");
    install
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "--no-install-recommends"])
        .args(&missing);
    step(&format!("install {}", missing.join(", ")), install)
}

/// The PostgreSQL server the tests and benchmarks use: Debian's, installed
/// and started when it is missing, with a `qingdan` role that may create
/// databases (each test makes its own). `QINGDAN_TEST_POSTGRES` names
/// another server instead.
fn ensure_postgres() -> Result<String> {
    if let Ok(url) = std::env::var("QINGDAN_TEST_POSTGRES") {
        println!("    PostgreSQL: {url} (QINGDAN_TEST_POSTGRES)");
        return Ok(url);
    }
    ensure_debian(&[("postgresql", "/usr/bin/pg_lsclusters")])?;
    let clusters = output_of("pg_lsclusters", &["--no-header"]).unwrap_or_default();
    let Some(cluster) = clusters.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 4).then(|| {
            (
                f[0].to_owned(),
                f[1].to_owned(),
                f[2].to_owned(),
                f[3] == "online",
            )
        })
    }) else {
        bail!("PostgreSQL is installed but has no cluster (pg_lsclusters shows none)");
    };
    let (version, name, port, online) = cluster;
    if online {
        println!("    PostgreSQL {version}/{name} is running on port {port}");
    } else {
        let mut start = Command::new("pg_ctlcluster");
        start.args(["--skip-systemctl-redirect", &version, &name, "start"]);
        step(&format!("start PostgreSQL {version}/{name}"), start)?;
    }
    let mut role = Command::new("runuser");
    role.args([
        "-u",
        "postgres",
        "--",
        "psql",
        "-p",
        &port,
        "-v",
        "ON_ERROR_STOP=1",
        "-qc",
    ])
    .arg(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'qingdan') THEN \
             CREATE ROLE qingdan LOGIN CREATEDB PASSWORD 'qingdan'; END IF; END $$;",
    );
    step("a PostgreSQL role for the tests", role)?;
    Ok(format!(
        "postgres://qingdan:qingdan@127.0.0.1:{port}/postgres"
    ))
}

/// `cargo install KRATE --version V` unless `BINARY --version` says V.
fn ensure_cargo_install(krate: &str, binary: &str, version: &str, locked: bool) -> Result<()> {
    if output_of(binary, &["--version"]).is_some_and(|v| v.split_whitespace().any(|w| w == version))
    {
        println!("    {binary} {version} installed");
        return Ok(());
    }
    let mut install = cargo(["install", krate, "--version", version, "--force"]);
    if locked {
        install.arg("--locked");
    }
    step(
        &format!("install {krate} {version} (a few minutes, once)"),
        install,
    )
}

/// Chromium and ChromeDriver (Debian), wasm-bindgen-cli and wasm-pack
/// (crates.io, pinned).
fn ensure_browser_tools() -> Result<()> {
    println!("\n==> check the browser test tools");
    ensure_debian(&[
        ("chromium", "/usr/bin/chromium"),
        ("chromium-driver", "/usr/bin/chromedriver"),
        // The print test reads the Chinese back from a PDF: without a CJK
        // font Chromium prints it as boxes with no text.
        (
            "fonts-noto-cjk",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        ),
        // The HTTPS test trusts the office authority in Chromium's NSS
        // store, as a user does.
        ("libnss3-tools", "/usr/bin/certutil"),
    ])?;
    ensure_wasm_tools()
}

/// The other two engines of the cross-engine suite: Firefox ESR and
/// WebKitGTK (its WebDriver and MiniBrowser, under Xvfb), from Debian, and
/// geckodriver, built from crates.io (pinned): nothing is downloaded from
/// elsewhere.
fn ensure_other_engines() -> Result<()> {
    println!("\n==> check the other browser engines");
    ensure_debian(&[
        ("firefox-esr", "/usr/bin/firefox-esr"),
        ("webkit2gtk-driver", "/usr/bin/WebKitWebDriver"),
        ("xvfb", "/usr/bin/Xvfb"),
    ])?;
    ensure_cargo_install("geckodriver", "geckodriver", GECKODRIVER_VERSION, true)
}

/// The wasm32 target (rustup), wasm-bindgen-cli and wasm-pack (crates.io,
/// pinned).
fn ensure_wasm_tools() -> Result<()> {
    ensure_rustup("target", WASM_TARGET)?;
    ensure_cargo_install(
        "wasm-bindgen-cli",
        "wasm-bindgen",
        WASM_BINDGEN_VERSION,
        false,
    )?;
    ensure_cargo_install("wasm-pack", "wasm-pack", WASM_PACK_VERSION, true)
}

/// `wasm-pack test` of qingdan-core's browser tests in headless Chromium;
/// with `rustflags`, a release build (for the browser benchmark).
fn browser_tests(krate: &str, rustflags: Option<&str>) -> Command {
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(root())
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .args(["test", "--headless", "--chrome", "--mode", "no-install"]);
    if let Some(flags) = rustflags {
        cmd.arg("--release").env("RUSTFLAGS", flags);
    }
    cmd.args([krate, "--test", "browser", "--", "--nocapture"]);
    cmd
}

fn test() -> Result<()> {
    println!("==> check the toolchain");
    ensure_rustup("component", "rustfmt")?;
    ensure_rustup("component", "clippy")?;
    ensure_rustup("target", WASM_TARGET)?;
    // openssl and curl: the CLI's tests read certificates and fetch over
    // HTTPS with them, trusting only what they are given.
    ensure_debian(&[("openssl", "/usr/bin/openssl"), ("curl", "/usr/bin/curl")])?;

    step("format check", cargo(["fmt", "--all", "--check"]))?;
    step(
        "clippy (warnings denied)",
        cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "clippy on the browser code and tests (wasm32, warnings denied)",
        cargo([
            "clippy",
            "-p",
            "qingdan-core",
            "-p",
            "qingdan-app",
            "-p",
            "qingdan-sheet-web",
            "-p",
            "qingdan-files-web",
            "-p",
            "qingdan-console",
            "--tests",
            "--locked",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let postgres = ensure_postgres()?;
    let mut tests = cargo(["test", "--workspace", "--locked"]);
    tests
        .env("QINGDAN_TEST_POSTGRES", &postgres)
        .env("QINGDAN_REQUIRE_POSTGRES", "1");
    step(
        "every workspace test (the intake's on SQLite and PostgreSQL)",
        tests,
    )?;
    step(
        "qingdan-core and qingdan-sheet build for the browser (wasm32)",
        cargo([
            "build",
            "--locked",
            "-p",
            "qingdan-core",
            "-p",
            "qingdan-sheet",
            "--target",
            WASM_TARGET,
        ]),
    )?;

    ensure_browser_tools()?;
    step(
        "qingdan-core in headless Chromium",
        browser_tests("crates/qingdan-core", None),
    )?;
    step(
        "the app's storage and key vault in headless Chromium",
        browser_tests("crates/qingdan-app", None),
    )?;
    step(
        "the files module (photos made smaller, bundles) in headless Chromium",
        browser_tests("crates/qingdan-files-web", None),
    )?;

    let qingdan = build_cli()?;
    interop(&qingdan)?;

    build_web()?;
    ensure_e2e_packages()?;
    ensure_other_engines()?;
    let mut e2e = Command::new("node");
    e2e.current_dir(root())
        .env("QINGDAN_DIST", dist_dir())
        .env("QINGDAN_CLI", &qingdan)
        .args(["--test", "--test-reporter=spec", &format!("{E2E_DIR}/")]);
    step(
        "the app end to end in headless Chromium, and across Chromium, Firefox and WebKit",
        e2e,
    )?;
    dist(None)?;

    println!("\nAll checks passed.");
    Ok(())
}

/// Canonical bytes against an independent RFC 8785 implementation, and a
/// checklist workbook written by openpyxl imported by the CLI (the openssl
/// checks are in the CLI tests, which have run by now).
fn interop(qingdan: &Path) -> Result<()> {
    let venv = target_dir().join("interop-venv");
    let python = venv.join("bin/python");
    let runs = |args: &[&str]| {
        Command::new(&python)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing: Vec<String> = [
        ("rfc8785", RFC8785_VERSION),
        ("openpyxl", OPENPYXL_VERSION),
        ("prometheus-client", PROMETHEUS_CLIENT_VERSION),
        ("cryptography", CRYPTOGRAPHY_VERSION),
    ]
    .into_iter()
    .filter(|(package, version)| {
        !runs(&[
            "-c",
            &format!(
                "import importlib.metadata as m; assert m.version('{package}') == '{version}'"
            ),
        ])
    })
    .map(|(package, version)| format!("{package}=={version}"))
    .collect();
    if missing.is_empty() {
        println!(
            "    rfc8785 {RFC8785_VERSION}, openpyxl {OPENPYXL_VERSION}, prometheus-client \
             {PROMETHEUS_CLIENT_VERSION} and cryptography {CRYPTOGRAPHY_VERSION} installed in {}",
            venv.display()
        );
    } else {
        if !runs(&["-m", "pip", "--version"]) {
            let mut create = Command::new("python3");
            create.args(["-m", "venv", "--clear"]).arg(&venv);
            step(
                "make a Python virtual environment for the interop checks",
                create,
            )?;
        }
        let mut pip = Command::new(&python);
        pip.args(["-m", "pip", "install", "--quiet"]).args(&missing);
        step(&format!("install {} from PyPI", missing.join(" ")), pip)?;
    }
    let mut compare = Command::new(&python);
    compare
        .current_dir(root())
        .arg("tests/interop/jcs_compare.py")
        .arg(qingdan);
    step(
        "canonical JSON equals an independent RFC 8785 implementation's",
        compare,
    )?;
    let workbook = target_dir().join("interop/openpyxl-checklist.xlsx");
    if let Some(dir) = workbook.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    }
    let mut openpyxl = Command::new(&python);
    openpyxl
        .current_dir(root())
        .arg("tests/interop/openpyxl_workbook.py")
        .arg(qingdan)
        .arg(&workbook);
    step("a checklist workbook written by openpyxl imports", openpyxl)?;
    let mut metrics = Command::new(&python);
    metrics
        .current_dir(root())
        .arg("tests/interop/metrics_parse.py")
        .arg(qingdan);
    step(
        "the intake's /metrics read by the Python Prometheus client's parser",
        metrics,
    )?;
    let mut ballots = Command::new(&python);
    ballots
        .current_dir(root())
        .arg("tests/interop/verify_result.py")
        .arg("tests/data/evaluations/banzi-2026.result.json")
        .arg("--self-test");
    step(
        "a 民主测评 result recounted and its signature checked in Python (cryptography)",
        ballots,
    )
}

/// Builds the `qingdan` binary and returns its path.
fn build_cli() -> Result<PathBuf> {
    step(
        "build the qingdan CLI",
        cargo(["build", "--locked", "-p", "qingdan-cli"]),
    )?;
    Ok(target_dir().join("debug/qingdan"))
}

fn run() -> Result<()> {
    let qingdan = build_cli()?;
    let run_qingdan = |title: &str, args: &[&str]| {
        let mut cmd = Command::new(&qingdan);
        cmd.current_dir(root()).args(args);
        step(title, cmd)
    };
    let mut files: Vec<String> = std::fs::read_dir(root().join("crates/qingdan-core/templates"))
        .context("cannot read the bundled templates")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let mut check = vec!["template", "check"];
    check.extend(files.iter().map(String::as_str));
    run_qingdan("check the bundled checklists", &check)?;
    run_qingdan(
        "score an example self-assessment",
        &[
            "score",
            "--template",
            "crates/qingdan-core/templates/jiandu-zeren.json",
            "--period",
            "2026",
            "tests/data/examples/jiandu-zeren-v2-2026.json",
        ],
    )?;
    run_qingdan(
        "verify an example signed packet",
        &[
            "verify",
            "--template",
            "tests/data/packets/inputs/template.json",
            "tests/data/packets/valid.json",
        ],
    )?;

    build_web()?;
    let database = "sqlite://data/qingdan.db";
    run_qingdan(
        "publish the bundled checklists at the intake",
        &[
            "template",
            "publish",
            "--bundled",
            "--database",
            database,
            "--create",
        ],
    )?;
    // Once: the first administrator, with a one-time password printed
    // here (chosen anew at first sign-in); nothing when there is one.
    run_qingdan(
        "the console's first administrator",
        &[
            "admin",
            "first",
            "--console",
            "http://127.0.0.1:8080/console/",
            "--database",
            database,
        ],
    )?;
    println!(
        "\n==> the intake with the app: http://127.0.0.1:8080, the console: http://127.0.0.1:8080/console/ \
         (database {database}; Ctrl-C stops)\n    admin commands: {} --help",
        qingdan.display()
    );
    let mut serve = Command::new(&qingdan);
    serve.current_dir(root()).args([
        "serve",
        "--addr",
        "127.0.0.1:8080",
        "--database",
        database,
        "--web",
        "web/dist",
    ]);
    step("qingdan serve", serve)
}

fn bench() -> Result<()> {
    let core_bench = |name| cargo(["bench", "--locked", "-p", "qingdan-core", "--bench", name]);
    step(
        "scoring (targets: one 94-item list < 20 µs; 10,000 lists < 200 ms)",
        core_bench("scoring"),
    )?;
    step(
        "packets natively (target: at least 20,000 packets/s on one core)",
        core_bench("packets"),
    )?;
    instructions_per_packet_check()?;
    step(
        "民主测评 at the close: 5,000 ballots tallied and signed, and verified and recounted",
        core_bench("evaluation"),
    )?;
    step(
        "the ranking and the gap over 1,000, 10,000 and 100,000 units (by percentage)",
        cargo([
            "bench",
            "--locked",
            "-p",
            "qingdan-report",
            "--bench",
            "reports",
        ]),
    )?;
    let mut intake = cargo([
        "bench",
        "--locked",
        "-p",
        "qingdan-intake",
        "--bench",
        "intake",
    ]);
    intake.env("QINGDAN_TEST_POSTGRES", ensure_postgres()?);
    step(
        "the intake end to end (targets: >= 5,000 packets/s on SQLite; >= 0.25 of the verify-only rate)",
        intake,
    )?;
    step(
        "a release qingdan for the scale benchmark",
        cargo(["build", "--release", "--locked", "-p", "qingdan-cli"]),
    )?;
    let mut scale = cargo([
        "bench",
        "--locked",
        "-p",
        "qingdan-intake",
        "--bench",
        "scale",
    ]);
    scale
        .env("QINGDAN_TEST_POSTGRES", ensure_postgres()?)
        .env("QINGDAN_CLI", target_dir().join("release/qingdan"));
    step(
        "the intake at scale: 1,000 and 10,000 units (QINGDAN_SCALE=100000 for 100,000), ingest, \
         each report's latency, the server's memory (target at 100,000: ranking XLSX <= 3 s, \
         <= 300 MB with four at once)",
        scale,
    )?;
    step(
        "the intake under attack: 4 clients send ~1 MB packets signed by 16 and 17 forged keys          for 4 s (target: GET /api/v1/intake p99 <= 200 ms)",
        cargo([
            "test",
            "--release",
            "--locked",
            "-p",
            "qingdan-intake",
            "--test",
            "it",
            "hostile::",
            "--",
            "--nocapture",
        ]),
    )?;
    ensure_browser_tools()?;
    step(
        "packets and scoring in headless Chromium (the BENCH lines; target: score a 94-item list in <= 100 µs)",
        browser_tests("crates/qingdan-core", Some("--cfg qingdan_browser_bench")),
    )?;
    build_web()?;
    shell_costs()?;
    ensure_e2e_packages()?;
    step(
        "the app in headless Chromium (targets: shell <= 250 KB gzip; start <= 1.0 s cold, \
         <= 0.5 s from the service worker, click to next frame p95 <= 100 ms, at 4x CPU \
         throttling; autosave p95 <= 50 ms)",
        e2e_script("bench.mjs", &[]),
    )
}

/// What each crate costs in the app's wasm: a build with names kept
/// (profile `wasm-names`), through wasm-bindgen as the shell is, each
/// function's bytes counted to the crate its name starts with (twiggy).
fn shell_costs() -> Result<()> {
    ensure_cargo_install("twiggy", "twiggy", TWIGGY_VERSION, true)?;
    step(
        "the app with its names kept (profile wasm-names)",
        cargo([
            "build",
            "--locked",
            "-p",
            "qingdan-app",
            "--lib",
            "--target",
            WASM_TARGET,
            "--profile",
            "wasm-names",
        ]),
    )?;
    let out = target_dir().join("qingdan-app-names");
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(
            target_dir()
                .join(WASM_TARGET)
                .join("wasm-names/qingdan_app.wasm"),
        );
    step("wasm-bindgen of the names-kept build", bindgen)?;
    let csv = Command::new("twiggy")
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(out.join("qingdan_app_bg.wasm"))
        .output()
        .context("cannot run twiggy")?;
    if !csv.status.success() {
        bail!("twiggy failed: {}", String::from_utf8_lossy(&csv.stderr));
    }
    let mut costs: std::collections::BTreeMap<&str, usize> = Default::default();
    let text = String::from_utf8_lossy(&csv.stdout);
    for line in text.lines().skip(1) {
        // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent;
        // only the name is ever quoted.
        let mut fields = line.rsplitn(5, ',');
        let (Some(_), Some(_), Some(_), Some(size), Some(name)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        let Ok(size) = size.parse::<usize>() else {
            continue;
        };
        *costs.entry(owner(name.trim_matches('"'))).or_default() += size;
    }
    costs.remove("");
    let total: usize = costs.values().sum();
    let mut ranked: Vec<_> = costs.into_iter().collect();
    ranked.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    println!(
        "\n==> what the app's wasm is made of ({:.1} KiB of code and data before compression; \
         names from profile wasm-names)",
        kib(total)
    );
    for (owner, bytes) in ranked.iter().take(20) {
        println!(
            "    {:>8.1} KiB {:>5.1} %  {owner}",
            kib(*bytes),
            100.0 * *bytes as f64 / total as f64
        );
    }
    let rest: usize = ranked.iter().skip(20).map(|(_, b)| b).sum();
    println!(
        "    {:>8.1} KiB {:>5.1} %  the rest",
        kib(rest),
        100.0 * rest as f64 / total as f64
    );
    Ok(())
}

/// The crate a wasm function belongs to, by its demangled name
/// (`<serde_json::de::Deserializer<R> as …>::f` → `serde_json`); `data`
/// for data segments; `""` for the name section and custom sections,
/// which the shell does not carry.
fn owner(name: &str) -> &str {
    if name.contains("subsection") || name.starts_with("custom section") {
        return "";
    }
    if name.starts_with("data segment") {
        return "data (strings, tables, constants)";
    }
    let name = name.trim_start_matches(['<', '&', '*', ' ', '(']);
    let name = name
        .strip_prefix("mut ")
        .or(name.strip_prefix("dyn "))
        .unwrap_or(name);
    let end = name
        .find([':', '<', ' ', '(', '[', '"', '$'])
        .unwrap_or(name.len());
    let head = &name[..end];
    let is_crate = head.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && head
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    match head {
        "import" | "export" | "elem" | "type" | "table" | "global" | "memory" => {
            "wasm tables and imports"
        }
        // `core[c5930c85a12de822]::num::…`: the standard library's crates
        // carry a disambiguator.
        _ if is_crate
            && name[end..]
                .trim_start_matches(|c| c != ':' && c != ' ')
                .starts_with("::") =>
        {
            head
        }
        _ => "other (glue, generic code without a crate path)",
    }
}

/// The instructions one packet check takes (callgrind counts them, so a
/// busy machine does not blur the figure): the example run for 10 and for
/// 110 checks, the difference divided by 100, so start-up does not count.
fn instructions_per_packet_check() -> Result<()> {
    ensure_debian(&[("valgrind", "/usr/bin/valgrind")])?;
    step(
        "the packet-check example (release)",
        cargo([
            "build",
            "--locked",
            "--release",
            "-p",
            "qingdan-core",
            "--example",
            "check_packets",
        ]),
    )?;
    let example = target_dir().join("release/examples/check_packets");
    let count = |checks: u64| -> Result<u64> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&example)
            .arg(checks.to_string())
            .output()
            .context("cannot run valgrind")?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        stderr
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .with_context(|| format!("no instruction count from callgrind:\n{stderr}"))
    };
    let per_check = (count(110)? - count(10)?) / 100;
    println!(
        "\n==> one check of a 94-item packet (parse, canonicalize, 2 signatures, re-score): {per_check} instructions (callgrind)"
    );
    Ok(())
}

fn dist_dir() -> PathBuf {
    root().join("web/dist")
}

/// `cargo xtask build-web`: the app built by wasm-pack (profile
/// `wasm-release`) and assembled with `web/static/` into a fresh `web/dist/`,
/// whose service worker caches exactly this build; and the office console
/// beside it in `web/dist/console/` (`console_files`), outside that cache.
///
/// No wasm-opt: on this app, after `opt-level = "z"` and `strip`, binaryen's
/// `-Oz` makes the wasm smaller but its gzip larger, and takes half a minute.
fn build_web() -> Result<()> {
    println!("\n==> check the web build tools");
    ensure_wasm_tools()?;

    let (js, wasm) = module(
        "crates/qingdan-app",
        "qingdan_app",
        "build the app (wasm-pack, profile wasm-release)",
    )?;
    // The spreadsheet reader: a module of its own, loaded on first use.
    let (sheet_js, sheet_wasm) = module(
        "crates/qingdan-sheet-web",
        "qingdan_sheet_web",
        "build the spreadsheet reader (wasm-pack, loaded on first use)",
    )?;
    // Files (photos, bundles): a module of its own, loaded the first time
    // a file is attached or a bundle exported or opened.
    let (files_js, files_wasm) = module(
        "crates/qingdan-files-web",
        "qingdan_files_web",
        "build the files module (wasm-pack, loaded on first use)",
    )?;

    // The office console: an app of its own under `console/`, which the
    // field app's service worker neither precaches nor answers.
    let console_pkg = target_dir().join("qingdan-console-pkg");
    step(
        "build the office console (wasm-pack, served at /console/)",
        wasm_pack("crates/qingdan-console", &console_pkg),
    )?;
    let console = console_files(&console_pkg)?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root().join("web/static")).context("cannot read web/static")? {
        let path = entry?.path();
        if path.is_file() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, read(&path)?));
        }
    }
    // The modules under names that carry a digest of their content, so
    // that the intake can let browsers keep them for a year: a new build
    // has new names, which index.html (never kept) gives.
    let mut names = Vec::new();
    for (stem, js, wasm) in [
        ("qingdan_app", js, wasm),
        ("qingdan_sheet_web", sheet_js, sheet_wasm),
        ("qingdan_files_web", files_js, files_wasm),
    ] {
        for (plain, hashed, bytes) in content_named(stem, js, wasm)? {
            names.push((plain, hashed.clone()));
            files.push((hashed, bytes));
        }
    }
    // The bundled checklists: data the page fetches at once, in parallel
    // with the wasm, rather than code in it.
    let checklists = bundled_checklists()?;
    let checklists_name = format!("checklists.{}.json", hex(&Sha256::digest(&checklists)[..8]));
    names.push(("checklists.json".into(), checklists_name.clone()));
    files.push((checklists_name.clone(), checklists));
    let page = files
        .iter_mut()
        .find(|(name, _)| name == "index.html")
        .context("web/static/index.html is missing")?;
    let mut html =
        String::from_utf8(std::mem::take(&mut page.1)).context("index.html is not UTF-8")?;
    for (plain, hashed) in &names {
        // Every module and the checklists are loaded from the page; a wasm
        // file may be only preloaded there (the app's) or not named at all
        // (its JS fetches it).
        if !plain.ends_with(".wasm") && !html.contains(plain.as_str()) {
            bail!("web/static/index.html does not name {plain}");
        }
        html = html.replace(plain.as_str(), hashed);
    }
    page.1 = html.into_bytes();
    let (files, version) = assemble(files)?;

    let file = |plain: &str| {
        let (_, hashed) = names
            .iter()
            .find(|(p, _)| p == plain)
            .expect("a module named above");
        files
            .iter()
            .find(|f| &f.name == hashed)
            .expect("every module is in the build")
    };
    let [wasm, js] = [file("qingdan_app_bg.wasm"), file("qingdan_app.js")];
    let shell = |f: fn(&DistFile) -> usize| f(wasm) + f(js);
    let shell_gzip = shell(DistFile::gzip_len);
    println!("\n==> sizes (KiB = 1024 bytes; gzip -9, brotli -q 11)");
    println!("    wasm:       {}", wasm.sizes());
    println!("    js:         {}", js.sizes());
    println!(
        "    app shell:  {:.1} KiB gzip, {:.1} KiB brotli (wasm + js; budget {:.0} KiB gzip, target {:.1} KiB)",
        kib(shell_gzip),
        kib(shell(DistFile::brotli_len)),
        kib(SHELL_BUDGET),
        kib(SHELL_TARGET),
    );
    println!(
        "    bundled checklists (data, fetched with the shell): {:.1} KiB gzip",
        kib(file("checklists.json").gzip_len())
    );
    println!(
        "    spreadsheet reader (on first import): {:.1} KiB gzip",
        kib(file("qingdan_sheet_web_bg.wasm").gzip_len() + file("qingdan_sheet_web.js").gzip_len())
    );
    println!(
        "    files module (on first photo, file or bundle): {:.1} KiB gzip",
        kib(file("qingdan_files_web_bg.wasm").gzip_len() + file("qingdan_files_web.js").gzip_len())
    );
    let page = |name: &str| {
        files
            .iter()
            .find(|f| f.name == name)
            .map_or(0, DistFile::gzip_len)
    };
    println!(
        "    ballot page (民主测评, html + js + css): {:.1} KiB gzip (target 100 KB)",
        kib(page("ballot.html") + page("ballot.js") + page("style.css"))
    );
    let console_gzip: usize = console
        .iter()
        .filter(|f| f.name.ends_with(".js") || f.name.ends_with(".wasm"))
        .map(DistFile::gzip_len)
        .sum();
    println!(
        "    office console (/console/): {:.1} KiB gzip (wasm + js)",
        kib(console_gzip)
    );
    if shell_gzip > SHELL_BUDGET {
        bail!(
            "the app shell is {:.1} KiB gzip, over its budget of {:.0} KiB (SHELL_BUDGET in xtask/src/main.rs): \
             find what grew with `cargo xtask bench` (what each crate costs) and take it out of the start path",
            kib(shell_gzip),
            kib(SHELL_BUDGET)
        );
    }
    let mut files = files;
    files.extend(console);
    write_dist(&files, &version)?;
    println!("    built {}", dist_dir().display());
    Ok(())
}

/// The crate `krate` built by wasm-pack (`what` says which), its JS and
/// wasm (`<stem>.js`, `<stem>_bg.wasm`). Built outside `crates/`, so that
/// the build writes nothing into the sources.
fn module(krate: &str, stem: &str, what: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let pkg = target_dir().join(format!("{stem}-pkg"));
    step(what, wasm_pack(krate, &pkg))?;
    Ok((
        read(&pkg.join(format!("{stem}.js")))?,
        read(&pkg.join(format!("{stem}_bg.wasm")))?,
    ))
}

/// wasm-bindgen's `js` and `wasm` for the module `stem` under names that
/// carry a digest of their content (the JS rewritten to fetch the wasm by
/// its new name): `(plain name, content name, bytes)` of each.
fn content_named(stem: &str, js: Vec<u8>, wasm: Vec<u8>) -> Result<[(String, String, Vec<u8>); 2]> {
    let wasm_name = format!("{stem}_bg.{}.wasm", hex(&Sha256::digest(&wasm)[..8]));
    let js = String::from_utf8(js).context("wasm-bindgen's JS is not UTF-8")?;
    let plain = format!("'{stem}_bg.wasm'");
    if !js.contains(&plain) {
        bail!("{stem}.js does not name {plain}: has wasm-bindgen changed how it loads the wasm?");
    }
    let js = js.replace(&plain, &format!("'{wasm_name}'"));
    let js_name = format!("{stem}.{}.js", hex(&Sha256::digest(js.as_bytes())[..8]));
    Ok([
        (format!("{stem}.js"), js_name, js.into_bytes()),
        (format!("{stem}_bg.wasm"), wasm_name, wasm),
    ])
}

/// The office console's files, under `console/` in `web/dist/`: its
/// `index.html` (no inline script or style, which the intake's
/// Content-Security-Policy would refuse) loading `start.<digest>.js`,
/// which imports the content-named module, and the stylesheet; from
/// `crates/qingdan-console/web/` and wasm-pack's output in `pkg`. None of
/// them is in the field app's service worker.
fn console_files(pkg: &Path) -> Result<Vec<DistFile>> {
    let web = root().join("crates/qingdan-console/web");
    let js = read(&pkg.join("qingdan_console.js"))?;
    let wasm = read(&pkg.join("qingdan_console_bg.wasm"))?;
    let mut names = Vec::new();
    let mut files = Vec::new();
    for (plain, hashed, bytes) in content_named("qingdan_console", js, wasm)? {
        names.push((plain, hashed.clone()));
        files.push((hashed, bytes));
    }
    let text = |name: &str| -> Result<String> {
        String::from_utf8(read(&web.join(name))?).with_context(|| format!("{name} is not UTF-8"))
    };
    let rename = |mut text: String, of: &str, names: &[(String, String)]| -> Result<String> {
        for (plain, hashed) in names {
            if !plain.ends_with(".wasm") && !text.contains(plain.as_str()) {
                bail!("crates/qingdan-console/web/{of} does not name {plain}");
            }
            text = text.replace(plain.as_str(), hashed);
        }
        Ok(text)
    };
    let glue: Vec<_> = names
        .iter()
        .filter(|(plain, _)| plain.ends_with(".js"))
        .cloned()
        .collect();
    let start = rename(text("start.js")?, "start.js", &glue)?;
    let start_name = format!("start.{}.js", hex(&Sha256::digest(start.as_bytes())[..8]));
    names.push(("start.js".into(), start_name.clone()));
    files.push((start_name, start.into_bytes()));
    let html = rename(text("index.html")?, "index.html", &names)?;
    let inline_script = html
        .split("<script")
        .skip(1)
        .any(|tag| !tag.split('>').next().unwrap_or_default().contains("src="));
    if inline_script || html.contains("<style") || html.contains(" style=") {
        bail!(
            "crates/qingdan-console/web/index.html has an inline script or style, which the intake's \
             Content-Security-Policy refuses: load a file instead"
        );
    }
    files.push(("index.html".into(), html.into_bytes()));
    files.push(("console.css".into(), read(&web.join("console.css"))?));
    files
        .into_iter()
        .map(|(name, bytes)| DistFile::new(format!("console/{name}"), bytes))
        .collect()
}

/// Every checklist under `crates/qingdan-core/templates/`, as one JSON
/// object from its path there (`Bundled::file`: `jiandu-zeren.json`,
/// `v1/jiandu-zeren.json`) to its JSON, byte for byte.
fn bundled_checklists() -> Result<Vec<u8>> {
    let dir = root().join("crates/qingdan-core/templates");
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let path = dir.join(&folder);
        for entry in
            std::fs::read_dir(&path).with_context(|| format!("cannot read {}", path.display()))?
        {
            let entry = entry?;
            let name = folder.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                folders.push(name);
            } else if name.extension().is_some_and(|e| e == "json") {
                found.push(name);
            }
        }
    }
    found.sort();
    let mut out = b"{".to_vec();
    for (i, name) in found.iter().enumerate() {
        let key = name
            .to_str()
            .context("a checklist's path is not UTF-8")?
            .replace('\\', "/");
        let text = read(&dir.join(name))?;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(format!("{key:?}:").as_bytes());
        out.extend_from_slice(text.trim_ascii());
    }
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// `wasm-pack build` of a crate for the web, with the root Cargo.toml's
/// small-rather-than-fast `wasm-release` profile, into `out`.
fn wasm_pack(krate: &str, out: &Path) -> Command {
    let mut pack = Command::new("wasm-pack");
    pack.current_dir(root())
        .args([
            "build",
            krate,
            "--profile",
            "wasm-release",
            "--target",
            "web",
            "--mode",
            "no-install",
            "--no-typescript",
            "--no-pack",
            "--no-opt",
            "--out-dir",
        ])
        .arg(out);
    pack
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// One file of `web/dist/`, with the gzip and brotli copies written
/// beside it for the intake to serve as they are (none for PNG images,
/// which are compressed already).
struct DistFile {
    name: String,
    bytes: Vec<u8>,
    compressed: Option<(Vec<u8>, Vec<u8>)>,
}

impl DistFile {
    fn new(name: String, bytes: Vec<u8>) -> Result<DistFile> {
        let compressed = if name.ends_with(".png") {
            None
        } else {
            Some((gzip(&bytes)?, brotli(&bytes)))
        };
        Ok(DistFile {
            name,
            bytes,
            compressed,
        })
    }

    fn gzip_len(&self) -> usize {
        self.compressed
            .as_ref()
            .map_or(self.bytes.len(), |(gz, _)| gz.len())
    }

    fn brotli_len(&self) -> usize {
        self.compressed
            .as_ref()
            .map_or(self.bytes.len(), |(_, br)| br.len())
    }

    fn sizes(&self) -> String {
        format!(
            "{:7.1} KiB raw, {:6.1} KiB gzip, {:6.1} KiB brotli",
            kib(self.bytes.len()),
            kib(self.gzip_len()),
            kib(self.brotli_len())
        )
    }
}

/// The files of `web/dist/`, each compressed once, and the build's version:
/// `sw.js` with its placeholders filled, `VERSION`, a digest of every file
/// (`sw.js` itself included, so that any change makes a new cache), and
/// `SHELL`, the URLs to precache.
fn assemble(mut files: Vec<(String, Vec<u8>)>) -> Result<(Vec<DistFile>, String)> {
    files.sort();
    let Some(at) = files.iter().position(|(name, _)| name == "sw.js") else {
        bail!("web/static/sw.js is missing");
    };
    let (_, worker) = files.remove(at);
    let worker = String::from_utf8(worker).context("web/static/sw.js is not UTF-8")?;

    let mut digest = Sha256::new();
    for (name, bytes) in &files {
        digest.update(name.as_bytes());
        digest.update([0]);
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(bytes);
    }
    digest.update(worker.as_bytes());
    let version = hex(&digest.finalize()[..6]);
    let shell: Vec<String> = std::iter::once("./".to_owned())
        .chain(files.iter().map(|(name, _)| format!("./{name}")))
        .map(|url| format!("{url:?}"))
        .collect();
    for placeholder in ["\"__VERSION__\"", "/*__SHELL__*/"] {
        if !worker.contains(placeholder) {
            bail!("web/static/sw.js has no {placeholder} to fill in");
        }
    }
    let worker = worker
        .replace("\"__VERSION__\"", &format!("\"{version}\""))
        .replace("/*__SHELL__*/", &shell.join(", "));
    files.push(("sw.js".into(), worker.into_bytes()));
    let files = files
        .into_iter()
        .map(|(name, bytes)| DistFile::new(name, bytes))
        .collect::<Result<_>>()?;
    Ok((files, version))
}

/// Writes `files` to a fresh `web/dist/`.
fn write_dist(files: &[DistFile], version: &str) -> Result<()> {
    let dist = dist_dir();
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .with_context(|| format!("cannot empty {}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist).with_context(|| format!("cannot make {}", dist.display()))?;
    let write = |name: String, bytes: &[u8]| {
        let path = dist.join(&name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot make {}", folder.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    for file in files {
        write(file.name.clone(), &file.bytes)?;
        if let Some((gz, br)) = &file.compressed {
            write(format!("{}.gz", file.name), gz)?;
            write(format!("{}.br", file.name), br)?;
        }
    }
    println!(
        "\n==> web/dist: {} files ({} also as .gz and .br), service worker cache qingdan-shell-{version}",
        files.len(),
        files.iter().filter(|f| f.compressed.is_some()).count()
    );
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}

/// Brotli at its best quality (11) and a 4 MiB window.
fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

fn kib(len: usize) -> f64 {
    len as f64 / 1024.0
}

/// Node.js 20 or later; Debian's `nodejs` and `npm` when there is none.
fn ensure_node() -> Result<()> {
    if output_of("node", &["--version"]).is_none() {
        ensure_debian(&[("nodejs", "/usr/bin/node"), ("npm", "/usr/bin/npm")])?;
    }
    let version = output_of("node", &["--version"]).context("node cannot be run")?;
    let version = version.trim();
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        bail!("node {version} is too old: the end-to-end tests need Node.js 20 or later");
    }
    println!("    node {version} installed");
    Ok(())
}

/// `cargo xtask dist [--windows]`: the release `qingdan` with the web app
/// built into it (feature `embed-web`), packed with README, a systemd unit
/// and an example settings file into
/// `target/dist/qingdan-<version>-<target>.tar.gz` (a `.zip` for Windows);
/// then the binary, copied alone into an empty folder, is started there
/// (under wine for Windows) and must serve the app and the API. Returns
/// the archive's path.
fn dist(target: Option<&str>) -> Result<PathBuf> {
    if let Some(target) = target {
        ensure_rustup("target", target)?;
        ensure_debian(&[("mingw-w64", "/usr/bin/x86_64-w64-mingw32-gcc")])?;
    }
    ensure_debian(&[("curl", "/usr/bin/curl")])?;
    build_web()?;
    let mut build = cargo([
        "build",
        "--release",
        "--locked",
        "-p",
        "qingdan-cli",
        "--features",
        "embed-web",
    ]);
    if let Some(target) = target {
        build.args(["--target", target]);
    }
    step("build the release qingdan with the app inside", build)?;
    let (binary, triple) = match target {
        Some(target) => (
            target_dir().join(target).join("release/qingdan.exe"),
            target.to_owned(),
        ),
        None => (target_dir().join("release/qingdan"), host_triple()?),
    };
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("qingdan-{version}-{triple}");
    let out = target_dir().join("dist");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot make {}", out.display()))?;
    let files: [(&str, PathBuf); 4] = [
        (
            if target.is_some() {
                "qingdan.exe"
            } else {
                "qingdan"
            },
            binary.clone(),
        ),
        ("README.md", root().join("README.md")),
        (
            "qingdan.service",
            root().join("crates/qingdan-cli/dist/qingdan.service"),
        ),
        (
            "qingdan.toml.example",
            root().join("crates/qingdan-cli/dist/qingdan.toml"),
        ),
    ];
    let archive = if target.is_some() {
        pack_zip(&out.join(format!("{name}.zip")), &name, &files)?
    } else {
        pack_tar_gz(&out.join(format!("{name}.tar.gz")), &name, &files)?
    };
    println!(
        "    {}: {:.1} MiB (the binary {:.1} MiB)",
        archive.display(),
        std::fs::metadata(&archive)?.len() as f64 / 1048576.0,
        std::fs::metadata(&binary)?.len() as f64 / 1048576.0,
    );
    dist_smoke(&binary, target.is_some())?;
    Ok(archive)
}

/// `files` (name inside, path here) under `dir/` in a gzipped tar.
fn pack_tar_gz(archive: &Path, dir: &str, files: &[(&str, PathBuf)]) -> Result<PathBuf> {
    let file = std::fs::File::create(archive)
        .with_context(|| format!("cannot write {}", archive.display()))?;
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::best(),
    ));
    for (inside, path) in files {
        tar.append_path_with_name(path, format!("{dir}/{inside}"))
            .with_context(|| format!("cannot pack {}", path.display()))?;
    }
    tar.into_inner()?.finish()?.sync_all()?;
    Ok(archive.to_owned())
}

/// `files` under `dir/` in a zip, which Windows opens by a double click.
fn pack_zip(archive: &Path, dir: &str, files: &[(&str, PathBuf)]) -> Result<PathBuf> {
    let file = std::fs::File::create(archive)
        .with_context(|| format!("cannot write {}", archive.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (inside, path) in files {
        zip.start_file(format!("{dir}/{inside}"), options)?;
        zip.write_all(&read(path)?)?;
    }
    zip.finish()?.sync_all()?;
    Ok(archive.to_owned())
}

/// The host's target triple, as rustc names it.
fn host_triple() -> Result<String> {
    let verbose = output_of("rustc", &["-vV"]).context("rustc -vV")?;
    verbose
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

/// Copies `binary` alone into an empty folder, starts `serve --create`
/// there and checks that it serves the app (its page, and its wasm as the
/// brotli copy a browser takes) and the API; then stops it with SIGTERM.
fn dist_smoke(binary: &Path, windows: bool) -> Result<()> {
    println!(
        "
==> the packed binary, alone in an empty folder, serves the app and the API"
    );
    let dir = target_dir().join("dist/smoke");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let copy = dir.join(binary.file_name().context("a file name")?);
    std::fs::copy(binary, &copy)?;
    let mut serve = if windows {
        ensure_debian(&[("wine", "/usr/bin/wine")])?;
        // wine 8.0 lacks bcryptprimitives.dll, which Windows 10 and later
        // have: a stand-in beside the binary, in this folder only.
        let mut shim = Command::new("x86_64-w64-mingw32-gcc");
        shim.args(["-shared", "-O2", "-o"])
            .arg(dir.join("bcryptprimitives.dll"))
            .arg(root().join("xtask/wine/bcryptprimitives.c"))
            .arg("-ladvapi32");
        step(
            "a stand-in for bcryptprimitives.dll (wine 8.0 has none)",
            shim,
        )?;
        let mut wine = Command::new("wine");
        wine.env("WINEDEBUG", "-all").arg(&copy);
        wine
    } else {
        Command::new(&copy)
    };
    serve
        .current_dir(&dir)
        .args([
            "serve",
            "--create",
            "--addr",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
        ])
        .env_remove("QINGDAN_DATABASE")
        .env_remove("QINGDAN_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    let mut child = serve
        .spawn()
        .with_context(|| format!("cannot start {}", copy.display()))?;
    let checked = (|| -> Result<()> {
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().context("stdout")?),
            &mut line,
        )?;
        let base = line
            .trim()
            .strip_prefix("qingdan serve: listening on ")
            .with_context(|| format!("the listening line, not {line:?}"))?
            .to_owned();
        let curl = |path: &str, args: &[&str]| -> Result<String> {
            let out = Command::new("curl")
                .args(["--silent", "--show-error", "--fail", "--max-time", "20"])
                .args(args)
                .arg(format!("{base}{path}"))
                .output()?;
            if !out.status.success() {
                bail!("GET {path}: {}", String::from_utf8_lossy(&out.stderr));
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        let page = curl("/", &[])?;
        if !page.contains("qingdan_app") {
            bail!("GET / is not the app's page:\n{page}");
        }
        // The module the page loads, sent as the brotli copy the build made.
        let module = std::fs::read_dir(dist_dir())?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("qingdan_app_bg.") && n.ends_with(".wasm"))
            .context("no app module in the built app")?;
        let headers = curl(
            &format!("/{module}"),
            &["-H", "accept-encoding: br", "-o", "/dev/null", "-D", "-"],
        )?;
        let headers = headers.to_ascii_lowercase();
        if !headers.contains("content-encoding: br")
            || !headers.contains("content-type: application/wasm")
        {
            bail!("GET /{module} with brotli:\n{headers}");
        }
        let intake = curl("/api/v1/intake", &[])?;
        if !intake.contains("\"public_key\"") {
            bail!("GET /api/v1/intake: {intake}");
        }
        // The console, built into the binary too; /console finds it.
        let console = curl("/console", &["--location"])?;
        if !console.contains("qingdan_console") {
            bail!("GET /console is not the console's page:\n{console}");
        }
        println!("    {base}/ served the app and the console, and /api/v1/intake answered");
        Ok(())
    })();
    stop(&mut child);
    checked?;
    if !dir.join("data/qingdan.db").exists() {
        bail!("the database was not made in data/ beside the binary");
    }
    Ok(())
}

/// SIGTERM (the intake commits what it holds and exits; under wine the
/// loader passes it on), then waits.
fn stop(child: &mut std::process::Child) {
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !stopped {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// `npm ci` in `tests/e2e` unless its `node_modules` was installed from the
/// same lock file (a stamp in `node_modules` holds the lock file's digest).
fn ensure_e2e_packages() -> Result<()> {
    ensure_node()?;
    let dir = root().join(E2E_DIR);
    let lock = hex(&Sha256::digest(read(&dir.join("package-lock.json"))?));
    let stamp = dir.join("node_modules/.qingdan-lock-sha256");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == lock) {
        println!("    npm packages of {E2E_DIR} installed");
        return Ok(());
    }
    let mut ci = Command::new("npm");
    ci.current_dir(&dir).args(["ci", "--no-audit", "--no-fund"]);
    step(
        &format!("install the npm packages of {E2E_DIR} (npm ci)"),
        ci,
    )?;
    std::fs::write(&stamp, lock).with_context(|| format!("cannot write {}", stamp.display()))
}

/// `node tests/e2e/SCRIPT ARGS`, told where the built app is.
fn e2e_script(script: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("node");
    cmd.current_dir(root())
        .env("QINGDAN_DIST", dist_dir())
        .arg(root().join(E2E_DIR).join(script))
        .args(args);
    cmd
}

/// `cargo xtask screenshot`: `docs/fill-tablet.png`, the fill screen of a
/// bundled checklist with a few answers on a 768×1024 tablet.
fn screenshot() -> Result<()> {
    println!("\n==> check the screenshot tools");
    ensure_debian(&[
        ("chromium", "/usr/bin/chromium"),
        // Without a CJK font the checklist would show as boxes.
        (
            "fonts-noto-cjk",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        ),
    ])?;
    build_web()?;
    ensure_e2e_packages()?;
    let out = root().join("docs/fill-tablet.png");
    std::fs::create_dir_all(out.parent().unwrap())?;
    step(
        "screenshot of the fill screen",
        e2e_script("screenshot.mjs", &[&out.to_string_lossy()]),
    )
}
