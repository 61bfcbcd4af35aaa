//! The packet cases of `tests/data/packets/` (each a real packet broken in
//! one way) sent through `POST /api/v1/packets`, their signers enrolled and
//! their checklist published: the status and code each gets is snapshotted
//! in `tests/data/packets/intake.expected`. And README's list of problem
//! codes is the intake's.

use std::collections::BTreeSet;
use std::path::PathBuf;

use expect_test::expect_file;
use qingdan_core::ProblemCode;

use crate::support::{Db, UNIT, world};

const AT: &str = "2026-11-23T08:00:00.000Z";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_packet_case_gets_its_own_status_and_code_through_the_api() {
    let w = world(Db::Sqlite).await;
    let dir = repo().join("tests/data/packets");
    let template = std::fs::read_to_string(dir.join("inputs/template.json")).unwrap();
    w.intake.publish(&template, AT).await.unwrap();
    let valid: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("valid.json")).unwrap()).unwrap();
    assert_eq!(valid["payload"]["unit"]["code"], UNIT);
    for signer in valid["payload"]["signers"].as_array().unwrap() {
        let text = |field: &str| signer[field].as_str().unwrap().to_owned();
        w.intake
            .enroll(UNIT, &text("role"), &text("public_key"), &text("name"), AT)
            .await
            .unwrap();
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    let mut lines = Vec::new();
    for path in cases {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let answer = w.post_packet(std::fs::read(&path).unwrap()).await;
        let code = if answer.status.is_success() {
            "(received)".to_owned()
        } else {
            answer.problem_code()
        };
        lines.push(format!("{name}: {} {code}", answer.status.as_u16()));
    }
    expect_file!["../../../../tests/data/packets/intake.expected"]
        .assert_eq(&(lines.join("\n") + "\n"));
}

/// README's paragraph of error codes names every code the intake can send,
/// and no other.
#[test]
fn the_readme_lists_exactly_the_intakes_problem_codes() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("Errors are `application/problem+json`")
        .expect("the paragraph of codes");
    let end = start + readme[start..].find("\n\n").unwrap();
    let listed: BTreeSet<&str> = readme[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        // The problem's fields, not codes.
        .filter(|t| !["code", "detail", "missing"].contains(t))
        .collect();
    let codes: BTreeSet<&str> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        listed, codes,
        "README lists these codes; the intake has those"
    );
}
