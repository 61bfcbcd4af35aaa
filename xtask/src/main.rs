//! Build and test automation, so that nothing but cargo is needed to start:
//!
//! - `cargo xtask test`: format check, clippy (warnings denied), every
//!   workspace test, and a wasm32 build of qingdan-core.
//! - `cargo xtask run`: build the CLI and score a bundled checklist.
//! - `cargo xtask bench`: the scoring benchmarks, with their figures.
//!
//! Each step installs what it needs when it is missing (the rustfmt and
//! clippy components, the wasm32 target) and skips what is there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

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

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
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
    let list = match kind {
        "component" => output_of("rustup", &["component", "list", "--installed"]),
        _ => output_of("rustup", &["target", "list", "--installed"]),
    };
    let Some(list) = list else {
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

fn test() -> Result<()> {
    println!("==> check the toolchain");
    ensure_rustup("component", "rustfmt")?;
    ensure_rustup("component", "clippy")?;
    ensure_rustup("target", WASM_TARGET)?;

    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    step("format check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    step("clippy (warnings denied)", clippy)?;

    let mut tests = cargo();
    tests.args(["test", "--workspace", "--locked"]);
    step("every workspace test", tests)?;

    let mut wasm = cargo();
    wasm.args([
        "build",
        "--locked",
        "-p",
        "qingdan-core",
        "--target",
        WASM_TARGET,
    ]);
    step("qingdan-core builds for the browser (wasm32)", wasm)?;

    println!("\nAll checks passed.");
    Ok(())
}

fn run() -> Result<()> {
    let mut build = cargo();
    build.args(["build", "--locked", "-p", "qingdan-cli"]);
    step("build the qingdan CLI", build)?;

    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let qingdan = target_dir.join("debug/qingdan");
    let templates = root().join("crates/qingdan-core/templates");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&templates)
        .with_context(|| format!("cannot read {}", templates.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut check = Command::new(&qingdan);
    check.args(["template", "check"]).args(&files);
    step("check the bundled checklists", check)?;

    let mut score = Command::new(&qingdan);
    score
        .arg("score")
        .arg("--template")
        .arg(templates.join("jiandu-zeren.json"))
        .arg(root().join("tests/data/examples/jiandu-zeren-2026.json"));
    step("score an example self-assessment", score)?;

    println!(
        "\nThe browser app and the central intake (http://127.0.0.1:8080) are not built yet;\n\
         until then `qingdan template check` and `qingdan score` are the way in (target/debug/qingdan --help)."
    );
    Ok(())
}

fn bench() -> Result<()> {
    let mut bench = cargo();
    bench.args([
        "bench",
        "--locked",
        "-p",
        "qingdan-core",
        "--bench",
        "scoring",
    ]);
    step(
        "scoring benchmarks (targets: one 94-item list < 20 µs; 10,000 lists < 200 ms)",
        bench,
    )
}
