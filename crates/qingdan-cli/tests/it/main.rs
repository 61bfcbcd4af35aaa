//! The `qingdan` binary as a person runs it: exit codes, what it prints on
//! stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod backup;
mod clerk;
mod console;
mod intake;
#[path = "../../../qingdan-intake/tests/it/load.rs"]
mod load;
mod serve;
mod sheet;
#[path = "../../../qingdan-intake/tests/it/support.rs"]
#[allow(unused_macros, unused_imports)]
mod support;

fn qingdan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the qingdan binary runs")
}

/// Asserts that a command failed on its input (exit 1), saying `needle`.
pub(crate) fn assert_refused(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example responses answer v1 of the list, which stays bundled.
const EXAMPLE_TEMPLATE: &str = "crates/qingdan-core/templates/v1/jiandu-zeren.json";
const EXAMPLE_RESPONSES: &str = "tests/data/examples/jiandu-zeren-2026.json";

/// `qingdan packet new` for unit 510824-101 (某某镇党委), each signer
/// given as `role:name:public key`.
fn packet_new(
    template: &str,
    responses: &str,
    kind: &str,
    period: &str,
    signers: &[&str],
    out: &str,
) -> Output {
    packet_new_with(template, responses, kind, period, signers, out, &[])
}

/// `packet_new` with more arguments.
fn packet_new_with(
    template: &str,
    responses: &str,
    kind: &str,
    period: &str,
    signers: &[&str],
    out: &str,
    more: &[&str],
) -> Output {
    let mut args = vec![
        "packet",
        "new",
        "-t",
        template,
        "-r",
        responses,
        "--kind",
        kind,
        "--unit",
        "510824-101",
        "--unit-name",
        "某某镇党委",
        "--period",
        period,
        "-o",
        out,
    ];
    for signer in signers {
        args.extend(["--signer", signer]);
    }
    args.extend(more);
    qingdan(&args)
}

#[test]
fn template_check_accepts_every_bundled_template() {
    // The latest versions, and the earlier ones under v1/.
    let dir = repo().join("crates/qingdan-core/templates");
    let mut files: Vec<String> = [dir.clone(), dir.join("v1")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(files.len() >= 12, "six lists at two versions");
    files.sort();
    let args: Vec<&str> = ["template", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = qingdan(&args);
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout)
            .lines()
            .filter(|l| l.contains(": ok ("))
            .count(),
        files.len()
    );
}

#[test]
fn template_check_names_each_problem_and_exits_1() {
    let out = qingdan(&[
        "template",
        "check",
        EXAMPLE_TEMPLATE,
        "tests/data/templates/invalid/duplicate-item-id.json",
        "tests/data/templates/invalid/overlapping-bands.json",
        "tests/data/templates/invalid/condition-missing-item.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("duplicate-item-id.json: item 1.1: duplicate item id"),
        "{stderr}"
    );
    assert!(
        stderr.contains("overlapping-bands.json: band excellent: overlaps band good"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "condition-missing-item.json: item 1.2 (show_if): show_if names item \"9.9\""
        ),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("jiandu-zeren.json: ok"),
        "the valid file is still reported"
    );
}

#[test]
fn template_check_of_a_missing_file_names_it() {
    let out = qingdan(&["template", "check", "no/such/file.json"]);
    assert_refused(&out, "no/such/file.json");
}

#[test]
fn score_prints_a_table_with_totals_grade_and_completeness() {
    let out = qingdan(&["score", "--template", EXAMPLE_TEMPLATE, EXAMPLE_RESPONSES]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("纪委（纪检组）落实党风廉政建设监督责任清单"),
        "{stdout}"
    );
    assert!(
        stdout.contains("部分完成，得 2.00 分"),
        "item reasons are shown: {stdout}"
    );
    assert!(
        stdout.contains("合计 83.00 / 92.00（基本分 82.00，加分 1.00），得分率 90.22%，等次：优秀"),
        "{stdout}"
    );
    assert!(stdout.contains("完整度：必答项 21/21 已作答"), "{stdout}");
}

#[test]
fn score_speaks_english_on_request() {
    let out = qingdan(&[
        "score",
        "--lang",
        "en",
        "--template",
        EXAMPLE_TEMPLATE,
        EXAMPLE_RESPONSES,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Total 83.00 / 92.00 (base 82.00, bonus 1.00), 90.22%, grade: Excellent"),
        "{stdout}"
    );
}

#[test]
fn score_json_is_the_score_sheet_with_exact_decimal_strings() {
    let out = qingdan(&[
        "score",
        "--json",
        "--template",
        EXAMPLE_TEMPLATE,
        EXAMPLE_RESPONSES,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sheet: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sheet["format"], "qingdan.score/2");
    assert_eq!(
        sheet["items"][0]["reason"]["code"], "check",
        "a reason is a code, not a sentence"
    );
    assert_eq!(sheet["total"], "83.00");
    assert_eq!(sheet["percentage"], "90.22");
    assert_eq!(sheet["grade"]["id"], "excellent");
    assert_eq!(sheet["completeness"]["missing"], serde_json::json!([]));
}

#[test]
fn score_reports_bad_responses_with_their_location() {
    let out = qingdan(&[
        "score",
        "--template",
        "tests/data/responses/template.json",
        "tests/data/responses/invalid/several-problems.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("several-problems.json: check.answer: a check item expects"),
        "{stderr}"
    );
    assert!(
        stderr.contains("several-problems.json: count.answer: -3 is outside 0 to 1000000"),
        "{stderr}"
    );
    assert!(
        stderr.contains("several-problems.json: nine: the template has no item with this id"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is scored from bad responses"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(qingdan(&[]).status.code(), Some(2));
    assert_eq!(
        qingdan(&["score", EXAMPLE_RESPONSES]).status.code(),
        Some(2),
        "--template is required"
    );
    assert_eq!(
        qingdan(&["template", "check"]).status.code(),
        Some(2),
        "a file is required"
    );
    assert_eq!(qingdan(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn bundled_lists_and_prints_the_templates() {
    let out = qingdan(&["template", "bundled"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("jiandu-zeren\t纪委（纪检组）落实党风廉政建设监督责任清单"));
    let out = qingdan(&["template", "bundled", "jiandu-zeren"]);
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(repo().join("crates/qingdan-core/templates/jiandu-zeren.json"))
            .unwrap(),
        "the latest version"
    );
    let out = qingdan(&["template", "bundled", "jiandu-zeren@1"]);
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(repo().join(EXAMPLE_TEMPLATE)).unwrap(),
        "an earlier version, by number"
    );
    assert_eq!(
        qingdan(&["template", "bundled", "nope"]).status.code(),
        Some(1)
    );
}

/// A scratch folder under the target directory, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Signs the packet or bundle at `path` in place with the unit's two test
/// keys (principal, supervisory), each signature checked to succeed.
fn sign_as_the_unit(path: &Path) {
    for key in ["principal", "supervisory"] {
        let key = format!("tests/data/keys/{key}.pem");
        let out = qingdan(&["sign", "--key", &key, path_str(path), "-o", path_str(path)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn keygen_writes_pem_keys_openssl_reads_and_never_overwrites() {
    let dir = scratch("keygen");
    let key = dir.join("zhang.pem");
    let out = qingdan(&["keygen", "--out", path_str(&key)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let public = stdout
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("public key:")
        .trim()
        .to_owned();
    assert_eq!(
        public.len(),
        43,
        "32 bytes in base64url without padding: {stdout}"
    );
    assert!(stdout.contains("fingerprint: "), "{stdout}");
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    assert!(
        std::fs::read_to_string(dir.join("zhang.pub.pem"))
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // openssl derives the same public key from the private key.
    let derived = Command::new("openssl")
        .args(["pkey", "-in", path_str(&key), "-pubout"])
        .output()
        .unwrap();
    assert!(derived.status.success(), "{}", text(&derived.stderr));
    assert_eq!(
        text(&derived.stdout),
        std::fs::read_to_string(dir.join("zhang.pub.pem")).unwrap()
    );

    let before = std::fs::read(&key).unwrap();
    let again = qingdan(&["keygen", "--out", path_str(&key)]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&key).unwrap(),
        before,
        "an existing key is never overwritten"
    );
}

const PACKET_TEMPLATE: &str = "tests/data/packets/inputs/template.json";

/// packet new → sign (ours and an openssl key) → verify, as a unit's two
/// responsible people would.
#[test]
fn a_packet_is_made_signed_by_both_and_verified() {
    let dir = scratch("packet-flow");
    let packet = dir.join("p.json");
    let out = qingdan(&[
        "packet",
        "new",
        "-t",
        PACKET_TEMPLATE,
        "-r",
        EXAMPLE_RESPONSES,
        "--kind",
        "self-assessment",
        "--unit",
        "510824-101",
        "--unit-name",
        "某某镇党委",
        "--period",
        "2026",
        "--signer",
        "principal:张三:tests/data/keys/principal.pub.pem",
        "--signer",
        "supervisory:李四:tests/data/keys/supervisory.pem",
        "-o",
        path_str(&packet),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let unsigned = qingdan(&["verify", "-t", PACKET_TEMPLATE, path_str(&packet)]);
    assert_refused(&unsigned, "principal 张三 has not signed");

    let outsider = qingdan(&[
        "sign",
        "--key",
        "tests/data/keys/outsider.pem",
        path_str(&packet),
        "-o",
        path_str(&packet),
    ]);
    assert_refused(&outsider, "is not the key of any signer");

    sign_as_the_unit(&packet);
    let verified = qingdan(&["verify", "-t", PACKET_TEMPLATE, path_str(&packet)]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    let summary = text(&verified.stdout);
    assert!(
        summary.contains("unit:     510824-101 某某镇党委"),
        "{summary}"
    );
    assert!(
        summary.contains("score:    83.00 / 92.00 (90.22%), grade 优秀"),
        "{summary}"
    );
    assert!(
        summary.contains("signed:   principal 张三")
            && summary.contains("signed:   supervisory 李四"),
        "{summary}"
    );
}

/// Inspectors score units on the lists units assess themselves with: on
/// every bundled self-assessment list, `packet new --kind inspection` takes
/// a team of inspectors and refuses the unit's own people.
#[test]
fn every_self_assessment_list_takes_an_inspection_by_a_team_of_inspectors() {
    let dir = scratch("inspection-teams");
    let none = dir.join("none.json");
    std::fs::write(&none, "{}").unwrap();
    let lists = [
        "zhuti-zeren-dangwei",
        "diyi-zerenren",
        "yigang-shuangze",
        "jiandu-zeren",
        "lianzheng-fengxian",
    ];
    for id in lists {
        let template = dir.join(format!("{id}.json"));
        let printed = qingdan(&["template", "bundled", id]);
        std::fs::write(&template, &printed.stdout).unwrap();
        let packet = dir.join(format!("{id}-inspection.json"));
        // 一岗双责 and 第一责任人 are about a person, whom the packet names.
        let about_a_person = ["yigang-shuangze", "diyi-zerenren"].contains(&id);
        let subject: &[&str] = if about_a_person {
            &["--subject-name", "孙七", "--subject-post", "党委副书记"]
        } else {
            &[]
        };
        let new = |signers: &[&str]| {
            packet_new_with(
                path_str(&template),
                path_str(&none),
                "inspection",
                "2026",
                signers,
                path_str(&packet),
                subject,
            )
        };
        let made = new(&[
            "inspector:王五:tests/data/keys/inspector.pub.pem",
            "inspector:赵六:tests/data/keys/inspector2.pub.pem",
        ]);
        assert!(made.status.success(), "{id}: {}", text(&made.stderr));
        for key in ["inspector", "inspector2"] {
            let key = format!("tests/data/keys/{key}.pem");
            let signed = qingdan(&[
                "sign",
                "--key",
                &key,
                path_str(&packet),
                "-o",
                path_str(&packet),
            ]);
            assert!(signed.status.success(), "{id}: {}", text(&signed.stderr));
        }
        let verified = qingdan(&["verify", "-t", path_str(&template), path_str(&packet)]);
        assert!(
            verified.status.success(),
            "{id}: {}",
            text(&verified.stderr)
        );
        let summary = text(&verified.stdout);
        assert!(
            summary.contains("kind:     inspection")
                && summary.contains("signed:   inspector 赵六"),
            "{id}: {summary}"
        );
        // The unit's principal never signs its inspection.
        let own = new(&["principal:张三:tests/data/keys/principal.pub.pem"]);
        assert_eq!(own.status.code(), Some(1), "{id}");
        assert!(
            text(&own.stderr).contains("an inspection is signed by inspectors only"),
            "{id}: {}",
            text(&own.stderr)
        );
    }
    // The inspectors' own score sheet takes no self-assessment.
    let kaohe = dir.join("jiancha-kaohe.json");
    std::fs::write(
        &kaohe,
        qingdan(&["template", "bundled", "jiancha-kaohe"]).stdout,
    )
    .unwrap();
    let refused = packet_new(
        path_str(&kaohe),
        path_str(&none),
        "self-assessment",
        "2026",
        &[
            "principal:张三:tests/data/keys/principal.pub.pem",
            "supervisory:李四:tests/data/keys/supervisory.pub.pem",
        ],
        path_str(&dir.join("kaohe-self.json")),
    );
    assert_refused(&refused, "does not take a self-assessment");
}

/// `verify --inspection` judges a rectification as the intake does: one
/// made for another unit than the inspection's is refused.
#[test]
fn verify_checks_a_rectification_against_its_inspection() {
    let case = |name: &str| format!("tests/data/trust/{name}");
    let good = qingdan(&[
        "verify",
        &format!("{}/packet.json", case("rectification")),
        "--inspection",
        &format!("{}/inspection.json", case("rectification")),
    ]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(
        text(&good.stdout).contains("answers:  inspection"),
        "{}",
        text(&good.stdout)
    );
    let other = case("rectification-of-another-units-inspection");
    let bad = qingdan(&[
        "verify",
        &format!("{other}/packet.json"),
        "--inspection",
        &format!("{other}/inspection.json"),
    ]);
    assert_refused(
        &bad,
        "payload.unit.code: this rectification says 510824-101",
    );
}

#[test]
fn verify_names_the_failing_check_and_exits_1() {
    let out = qingdan(&[
        "verify",
        "-t",
        PACKET_TEMPLATE,
        "tests/data/packets/score-mismatch.json",
    ]);
    assert_refused(&out, "payload.score.total: the packet says \"99.00\"");
    let out = qingdan(&["verify", "tests/data/packets/tampered-payload.json"]);
    assert_refused(&out, "the signature of principal 张三 does not verify");
}

#[test]
fn verify_shows_an_incomplete_assessment_at_once() {
    let out = qingdan(&[
        "verify",
        "-t",
        PACKET_TEMPLATE,
        "tests/data/packets/valid-incomplete.json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("INCOMPLETE: 18/21 required items answered; missing: 2.3, 4.2, 9.1")
    );
}

/// A signature made by `qingdan sign` verifies with openssl alone, over the
/// canonical payload.
#[test]
fn openssl_verifies_a_qingdan_signature_over_the_canonical_payload() {
    let dir = scratch("openssl");
    let payload = dir.join("payload.jcs");
    let out = qingdan(&["canonical", "--payload", "tests/data/packets/valid.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(&payload, &out.stdout).unwrap();
    let packet: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/data/packets/valid.json")).unwrap(),
    )
    .unwrap();
    for (n, entry) in packet["signatures"].as_array().unwrap().iter().enumerate() {
        let signature =
            qingdan_core::keys::decode_signature(entry["signature"].as_str().unwrap()).unwrap();
        let sig = dir.join(format!("sig{n}.bin"));
        std::fs::write(&sig, signature.to_bytes()).unwrap();
        let key = if n == 0 {
            "tests/data/keys/principal.pub.pem"
        } else {
            "tests/data/keys/supervisory.pub.pem"
        };
        let check = |message: &Path| {
            Command::new("openssl")
                .current_dir(repo())
                .args([
                    "pkeyutl",
                    "-verify",
                    "-pubin",
                    "-inkey",
                    key,
                    "-rawin",
                    "-in",
                    path_str(message),
                    "-sigfile",
                    path_str(&sig),
                ])
                .output()
                .unwrap()
        };
        let ok = check(&payload);
        assert!(
            ok.status.success(),
            "{}{}",
            text(&ok.stdout),
            text(&ok.stderr)
        );
        assert!(text(&ok.stdout).contains("Signature Verified Successfully"));
        let mut changed = std::fs::read(&payload).unwrap();
        changed[10] ^= 1;
        let other = dir.join("changed.jcs");
        std::fs::write(&other, changed).unwrap();
        assert!(
            !check(&other).status.success(),
            "a changed byte must fail in openssl too"
        );
    }
}

/// A checklist that fixes due dates scores them from `--period`, and says
/// so; without it, `score` asks for it rather than guess.
#[test]
fn score_takes_the_period_when_the_checklist_fixes_due_dates() {
    let template = "tests/data/scoring/fixed-due-dates/template.json";
    let responses = "tests/data/scoring/fixed-due-dates/responses.json";
    let out = qingdan(&["score", "--template", template, responses]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr)
            .contains("this checklist fixes due dates from the period assessed: give --period"),
        "{}",
        text(&out.stderr)
    );
    let out = qingdan(&[
        "score",
        "--template",
        template,
        "--period",
        "2026",
        responses,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2027-02-03 完成，超过期限 2027-01-31（清单规定）"),
        "{stdout}"
    );
    // What the sheet still wants explained is said too.
    let out = qingdan(&[
        "score",
        "--template",
        "tests/data/scoring/explanations-required/template.json",
        "tests/data/scoring/explanations-required/responses.json",
    ]);
    assert!(
        text(&out.stdout)
            .contains("须填写说明（失分、否决或不适用的原因）才能签字：1.1、1.2、1.5、1.6"),
        "{}",
        text(&out.stdout)
    );
    let out = qingdan(&[
        "score",
        "--template",
        template,
        "--period",
        "2026-13",
        responses,
    ]);
    assert!(
        text(&out.stderr).contains("\"2026-13\" is not a period"),
        "{}",
        text(&out.stderr)
    );
}

/// A triggered veto, a deduction and a partial answer without the note the
/// checklist asks for: no packet is made, and the items are named.
#[test]
fn packet_new_refuses_answers_the_checklist_wants_explained() {
    let out_file = scratch("unexplained").join("packet.qingdan.json");
    let out = packet_new(
        "tests/data/scoring/explanations-required/template.json",
        "tests/data/scoring/explanations-required/responses.json",
        "self-assessment",
        "2026",
        &[
            "principal:张三:tests/data/keys/principal.pub.pem",
            "supervisory:李四:tests/data/keys/supervisory.pub.pem",
        ],
        path_str(&out_file),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "payload.responses: items 1.1, 1.2, 1.5, 1.6 need a note (说明) that explains the lost points, the veto or 不适用 before signing"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!out_file.exists(), "no packet is written");
}

/// On 一岗双责 a self-assessment names the member assessed, who signs it
/// beside the principal and the supervisory; naming one who does not sign
/// makes no packet.
#[test]
fn a_self_assessment_about_a_person_names_them_and_they_sign_it() {
    let dir = scratch("about-a-person");
    let none = dir.join("none.json");
    std::fs::write(&none, "{}").unwrap();
    let template = dir.join("yigang-shuangze.json");
    std::fs::write(
        &template,
        qingdan(&["template", "bundled", "yigang-shuangze"]).stdout,
    )
    .unwrap();
    let packet = dir.join("p.qingdan.json");
    let new = |member: &str| {
        packet_new_with(
            path_str(&template),
            path_str(&none),
            "self-assessment",
            "2026",
            &[
                "principal:张三:tests/data/keys/principal.pub.pem",
                "supervisory:李四:tests/data/keys/supervisory.pub.pem",
                member,
            ],
            path_str(&packet),
            &["--subject-name", "孙七", "--subject-post", "党委副书记"],
        )
    };
    let refused = new("member:王五:tests/data/keys/outsider.pub.pem");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr)
            .contains("\"孙七\", the person assessed, signs their own self-assessment"),
        "{}",
        text(&refused.stderr)
    );
    let made = new("member:孙七:tests/data/keys/outsider.pub.pem");
    assert!(made.status.success(), "{}", text(&made.stderr));
    for key in ["principal", "supervisory", "outsider"] {
        let key = format!("tests/data/keys/{key}.pem");
        let signed = qingdan(&[
            "sign",
            "--key",
            &key,
            path_str(&packet),
            "-o",
            path_str(&packet),
        ]);
        assert!(signed.status.success(), "{}", text(&signed.stderr));
    }
    let verified = qingdan(&[
        "verify",
        "--template",
        path_str(&template),
        path_str(&packet),
    ]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).contains("person:   孙七 (党委副书记)"),
        "{}",
        text(&verified.stdout)
    );
}

/// A packet with files: `packet new --attach` writes a bundle, `sign`
/// signs it as a bundle, `verify` checks every file; a bundle with one
/// byte of a file changed, or an attachment that is no photo or PDF, is
/// refused naming it.
#[test]
fn a_packet_with_files_is_a_bundle_signed_and_verified_file_by_file() {
    let dir = scratch("bundle-flow");
    let photo = dir.join("谈话记录.png");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(7u8, 4000));
    std::fs::write(&photo, &png).unwrap();
    let plan = dir.join("工作计划.pdf");
    std::fs::write(&plan, b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n").unwrap();
    let bundle = dir.join("p.qingdan.zip");
    let attach = |item: &str, path: &Path| format!("{item}={}", path_str(path));
    let (a, b) = (attach("1.1", &photo), attach("2.1", &plan));
    let signers = [
        "principal:张三:tests/data/keys/principal.pub.pem",
        "supervisory:李四:tests/data/keys/supervisory.pem",
    ];
    let out = packet_new_with(
        PACKET_TEMPLATE,
        EXAMPLE_RESPONSES,
        "self-assessment",
        "2026",
        &signers,
        path_str(&bundle),
        &["--attach", &a, "--attach", &b],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        std::fs::read(&bundle).unwrap().starts_with(b"PK\x03\x04"),
        "a zip"
    );
    sign_as_the_unit(&bundle);
    let verified = qingdan(&["verify", "-t", PACKET_TEMPLATE, path_str(&bundle)]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    let summary = text(&verified.stdout);
    assert!(
        summary.contains("files:    2 checked against their digests"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "file:     谈话记录.png (image/png, {} bytes) on item 1.1",
            png.len()
        )),
        "{summary}"
    );

    // One byte of the photo changed inside the bundle: refused, naming it.
    let tampered = dir.join("tampered.qingdan.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bundle).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&tampered).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name.starts_with("attachments/") && data.starts_with(b"\x89PNG") {
            *data.last_mut().unwrap() ^= 1;
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut writer, &data).unwrap();
    }
    writer.finish().unwrap();
    let refused = qingdan(&["verify", "-t", PACKET_TEMPLATE, path_str(&tampered)]);
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    assert!(
        said.contains("invalid: payload.attachments[0] (谈话记录.png, item 1.1): its SHA-256 is"),
        "{said}"
    );

    // A file that is not a photo or PDF is refused before anything is made.
    let note = dir.join("note.txt");
    std::fs::write(&note, "a note").unwrap();
    let odd = attach("1.1", &note);
    let out = packet_new_with(
        PACKET_TEMPLATE,
        EXAMPLE_RESPONSES,
        "self-assessment",
        "2026",
        &signers,
        path_str(&dir.join("odd.qingdan.zip")),
        &["--attach", &odd],
    );
    assert_refused(&out, "is not a JPEG, PNG or WebP photo, nor a PDF");
    assert!(!dir.join("odd.qingdan.zip").exists());
}

/// An inspector's photo of a problem found: `--attach finding:ID=FILE`
/// puts it on the finding (and its item); a finding not in --findings is
/// refused.
#[test]
fn a_photo_of_a_finding_is_attached_to_it_and_its_item() {
    let dir = scratch("finding-photo");
    let photo = dir.join("现场.jpg");
    std::fs::write(&photo, b"\xFF\xD8\xFF\xE0 the minutes book, pages missing").unwrap();
    let findings = dir.join("findings.json");
    std::fs::write(
        &findings,
        r#"[{"id": "1", "item": "2.1", "problem": "会议记录缺页", "deadline": "2027-01-31", "responsible": "李四"}]"#,
    )
    .unwrap();
    let bundle = dir.join("i.qingdan.zip");
    let inspector = ["inspector:王五:tests/data/keys/inspector.pub.pem"];
    let on_finding = format!("finding:1={}", path_str(&photo));
    let out = packet_new_with(
        PACKET_TEMPLATE,
        EXAMPLE_RESPONSES,
        "inspection",
        "2026",
        &inspector,
        path_str(&bundle),
        &["--findings", path_str(&findings), "--attach", &on_finding],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = qingdan(&[
        "sign",
        "--key",
        "tests/data/keys/inspector.pem",
        path_str(&bundle),
        "-o",
        path_str(&bundle),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let verified = qingdan(&["verify", "-t", PACKET_TEMPLATE, path_str(&bundle)]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout)
            .contains("file:     现场.jpg (image/jpeg, 36 bytes) on item 2.1, finding 1"),
        "{}",
        text(&verified.stdout)
    );

    let wrong = format!("finding:7={}", path_str(&photo));
    let out = packet_new_with(
        PACKET_TEMPLATE,
        EXAMPLE_RESPONSES,
        "inspection",
        "2026",
        &inspector,
        path_str(&dir.join("x.qingdan.zip")),
        &["--findings", path_str(&findings), "--attach", &wrong],
    );
    assert_refused(&out, "no finding \"7\" in --findings");
}

#[test]
fn ballots_verify_recounts_a_published_result_and_refuses_one_ballot_changed() {
    const RESULT: &str = "tests/data/evaluations/banzi-2026.result.json";
    const EVALUATION: &str = "tests/data/evaluations/banzi-2026.json";
    let checked = qingdan(&["evaluation", "check", EVALUATION]);
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    assert!(text(&checked.stdout).contains("50 in 3 groups"));

    let good = qingdan(&["ballots", "verify", RESULT, "--evaluation", EVALUATION]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    let said = text(&good.stdout);
    assert!(said.contains("50 issued, 40 used, 10 unused"), "{said}");
    assert!(
        said.contains("王五（党委书记）") && said.contains("约谈"),
        "{said}"
    );

    // One ballot's rating changed: the intake's signature no longer holds.
    let dir = scratch("ballots-verify");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join(RESULT)).unwrap()).unwrap();
    let rating = &mut value["payload"]["tally"]["ballots"][5]["answers"]["ratings"]["zhao"]["duty"];
    *rating = if rating == "good" {
        "poor".into()
    } else {
        "good".into()
    };
    let changed = dir.join("changed.json");
    std::fs::write(&changed, value.to_string()).unwrap();
    let refused = qingdan(&["ballots", "verify", changed.to_str().unwrap()]);
    assert_refused(&refused, "the intake's signature does not verify");
    // Another intake's key, and another evaluation, are refused too.
    let other = qingdan(&[
        "ballots",
        "verify",
        RESULT,
        "--intake-key",
        "GX9rI-FshTLGq8g4-s1ep4m-DHaykgM0A5v6iz02jWF",
    ]);
    assert_refused(&other, "not GX9rI");
}

#[test]
fn an_evaluation_is_made_its_slips_written_once_and_its_result_verifies() {
    let dir = scratch("evaluation-cli");
    let db = format!("sqlite://{}", dir.join("intake.db").display());
    // The example, open now.
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/data/evaluations/banzi-2026.json")).unwrap(),
    )
    .unwrap();
    let now = chrono::Utc::now();
    doc["opens_at"] = (now - chrono::Duration::hours(1)).to_rfc3339().into();
    doc["closes_at"] = (now + chrono::Duration::hours(1)).to_rfc3339().into();
    let file = dir.join("banzi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let run = |args: &[&str]| qingdan(&[args, &["--database", &db, "--create"]].concat());

    let made = run(&["evaluation", "create", file.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert_eq!(text(&made.stdout).trim(), "banzi-2026");
    let listed = run(&["evaluation", "list"]);
    assert!(
        text(&listed.stdout).contains("50 slips to make"),
        "{}",
        text(&listed.stdout)
    );

    let codes = dir.join("codes.json");
    let slips = run(&[
        "evaluation",
        "slips",
        "banzi-2026",
        "--codes-json",
        codes.to_str().unwrap(),
    ]);
    assert!(slips.status.success(), "{}", text(&slips.stderr));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&codes).unwrap()).unwrap();
    assert_eq!(written["slips"].as_array().unwrap().len(), 50);
    // Once: a second sheet is refused, and the file written is left as it is.
    let other = dir.join("again.json");
    let again = run(&[
        "evaluation",
        "slips",
        "banzi-2026",
        "--codes-json",
        other.to_str().unwrap(),
    ]);
    assert_refused(&again, "made already");
    assert!(!other.exists(), "no empty file left");
    let over = run(&[
        "evaluation",
        "slips",
        "banzi-2026",
        "--codes-json",
        codes.to_str().unwrap(),
    ]);
    assert_eq!(over.status.code(), Some(1));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&codes).unwrap())
            .unwrap(),
        written,
        "the codes are never overwritten"
    );

    let result = dir.join("result.json");
    let closed = run(&[
        "evaluation",
        "close",
        "banzi-2026",
        "-o",
        result.to_str().unwrap(),
    ]);
    assert!(closed.status.success(), "{}", text(&closed.stderr));
    let verified = qingdan(&[
        "ballots",
        "verify",
        result.to_str().unwrap(),
        "--evaluation",
        file.to_str().unwrap(),
    ]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).contains("50 issued, 0 used, 50 unused"),
        "{}",
        text(&verified.stdout)
    );
    // What it found for the unit's persons: no ballot, so no figure and
    // no talk; none for a unit it did not evaluate.
    let found = run(&["evaluation", "outcomes", "--unit", "510824-101"]);
    assert!(found.status.success(), "{}", text(&found.stderr));
    let lines: Vec<String> = text(&found.stdout).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "banzi-2026  -  王五（党委书记）  no rating of 0 ballots",
            "banzi-2026  -  赵六（纪委书记）  no rating of 0 ballots"
        ]
    );
    let none = run(&["evaluation", "outcomes", "--unit", "510824-102"]);
    assert!(
        text(&none.stdout).contains("no closed evaluation has evaluated anyone of unit 510824-102"),
        "{}",
        text(&none.stdout)
    );
}
