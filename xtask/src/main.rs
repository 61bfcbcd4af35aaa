//! Build and test automation, so that nothing but cargo is needed to start:
//!
//! - `cargo xtask test`: format check, clippy (warnings denied), every
//!   workspace test, a wasm32 build of qingdan-core, its tests in headless
//!   Chromium, and the interop check against an independent RFC 8785
//!   implementation.
//! - `cargo xtask run`: build the CLI, check the bundled lists, score and
//!   sign an example.
//! - `cargo xtask bench`: the scoring and packet benchmarks, natively and in
//!   the browser, with their figures.
//!
//! Each step installs what it needs when it is missing and skips what is
//! there: the rustfmt and clippy components and the wasm32 target (rustup);
//! wasm-bindgen-cli and wasm-pack at pinned versions (cargo install);
//! Chromium, ChromeDriver and openssl (Debian packages); rfc8785 (PyPI, in a
//! virtual environment under `target/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Must equal the `wasm-bindgen` pinned in the root Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const WASM_PACK_VERSION: &str = "0.15.1";
const RFC8785_VERSION: &str = "0.1.4";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("run") => run(),
        Some("bench") => bench(),
        _ => {
            eprintln!("usage: cargo xtask <test | run | bench>");
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
    ])?;
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
fn browser_tests(rustflags: Option<&str>) -> Command {
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(root())
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .args(["test", "--headless", "--chrome", "--mode", "no-install"]);
    if let Some(flags) = rustflags {
        cmd.arg("--release").env("RUSTFLAGS", flags);
    }
    cmd.args([
        "crates/qingdan-core",
        "--test",
        "browser",
        "--",
        "--nocapture",
    ]);
    cmd
}

fn test() -> Result<()> {
    println!("==> check the toolchain");
    ensure_rustup("component", "rustfmt")?;
    ensure_rustup("component", "clippy")?;
    ensure_rustup("target", WASM_TARGET)?;
    ensure_debian(&[("openssl", "/usr/bin/openssl")])?;

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
        "clippy on the browser tests (wasm32, warnings denied)",
        cargo([
            "clippy",
            "-p",
            "qingdan-core",
            "--tests",
            "--locked",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "every workspace test",
        cargo(["test", "--workspace", "--locked"]),
    )?;
    step(
        "qingdan-core builds for the browser (wasm32)",
        cargo([
            "build",
            "--locked",
            "-p",
            "qingdan-core",
            "--target",
            WASM_TARGET,
        ]),
    )?;

    ensure_browser_tools()?;
    step("qingdan-core in headless Chromium", browser_tests(None))?;

    interop()?;

    println!("\nAll checks passed.");
    Ok(())
}

/// Canonical bytes against an independent RFC 8785 implementation (the
/// openssl checks are in the CLI tests, which have run by now).
fn interop() -> Result<()> {
    let qingdan = build_cli()?;
    let venv = target_dir().join("interop-venv");
    let python = venv.join("bin/python");
    let has_rfc8785 = Command::new(&python)
        .args([
            "-c",
            &format!(
                "import importlib.metadata as m; assert m.version('rfc8785') == '{RFC8785_VERSION}'"
            ),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_rfc8785 {
        println!(
            "    rfc8785 {RFC8785_VERSION} installed in {}",
            venv.display()
        );
    } else {
        let mut create = Command::new("python3");
        create.args(["-m", "venv", "--clear"]).arg(&venv);
        step(
            "make a Python virtual environment for the interop check",
            create,
        )?;
        let mut pip = Command::new(&python);
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            &format!("rfc8785=={RFC8785_VERSION}"),
        ]);
        step("install rfc8785 from PyPI", pip)?;
    }
    let mut compare = Command::new(&python);
    compare
        .current_dir(root())
        .arg("tests/interop/jcs_compare.py")
        .arg(&qingdan);
    step(
        "canonical JSON equals an independent RFC 8785 implementation's",
        compare,
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
            "tests/data/examples/jiandu-zeren-2026.json",
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

    println!(
        "\nThe browser app and the central intake (http://127.0.0.1:8080) are not built yet;\n\
         until then the `qingdan` command is the way in: {} --help",
        qingdan.display()
    );
    Ok(())
}

fn bench() -> Result<()> {
    step(
        "scoring (targets: one 94-item list < 20 µs; 10,000 lists < 200 ms)",
        cargo([
            "bench",
            "--locked",
            "-p",
            "qingdan-core",
            "--bench",
            "scoring",
        ]),
    )?;
    step(
        "packets natively (target: at least 20,000 packets/s on one core)",
        cargo([
            "bench",
            "--locked",
            "-p",
            "qingdan-core",
            "--bench",
            "packets",
        ]),
    )?;
    ensure_browser_tools()?;
    step(
        "packets in headless Chromium (the BENCH line)",
        browser_tests(Some("--cfg qingdan_browser_bench")),
    )
}
