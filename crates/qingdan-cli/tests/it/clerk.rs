//! The command line as an office clerk meets it (issue 18): a database
//! that is not there is refused rather than made, roles are named from a
//! list, what was registered can be listed, a report says what it shows
//! and when it is empty, output into a closed pipe is no error, and an
//! inspector's tablet enrolls with a code for every unit.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::intake::{Server, ok_on, scratch, set_up};
use crate::{qingdan, repo, text};

/// `qingdan ARGS` run in `dir`, with `env` set.
fn qingdan_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("the qingdan binary runs")
}

#[test]
fn an_admin_command_on_a_missing_database_fails_naming_it_and_create_makes_it() {
    let (dir, db, _removed) = scratch();
    let file = dir.join("intake.db");
    let add = [
        "unit",
        "add",
        "--code",
        "510824-101",
        "--name",
        "某某镇党委",
    ];
    let refused = qingdan(&[&add[..], &["--database", &db]].concat());
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    assert!(
        said.contains(&file.display().to_string()) && said.contains("--create"),
        "{said}"
    );
    assert!(!file.exists(), "nothing made");

    // The default database, in the folder the command runs in: refused too.
    let elsewhere = qingdan_in(&dir, &[], &add);
    assert_eq!(elsewhere.status.code(), Some(1));
    assert!(
        text(&elsewhere.stderr).contains("data/qingdan.db"),
        "{}",
        text(&elsewhere.stderr)
    );
    assert!(!dir.join("data").exists(), "no ./data made");

    let made = qingdan(&[&add[..], &["--database", &db, "--create"]].concat());
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(file.exists());
    assert!(
        text(&made.stderr).contains(&format!("created the database {}", file.display())),
        "{}",
        text(&made.stderr)
    );
    // From then on it is used, and named.
    let again = qingdan(&[
        "unit",
        "add",
        "--code",
        "510824-102",
        "--name",
        "乙镇党委",
        "--database",
        &db,
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains(&format!("database {}", file.display())),
        "{}",
        text(&again.stderr)
    );

    let table = ok_on(&db, &["unit", "list"]);
    let lines: Vec<&str> = table.lines().filter(|l| l.contains("510824-")).collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(
        lines[0].contains("510824-101") && lines[0].contains("某某镇党委"),
        "{table}"
    );
    assert!(
        lines[1].contains("510824-102") && lines[1].contains("乙镇党委"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok_on(&db, &["unit", "list", "--format", "json"])).unwrap();
    assert_eq!(json[1]["code"], "510824-102");
    assert_eq!(json[1]["name"], "乙镇党委");
    let registered = json[1]["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(registered).is_ok() && registered.ends_with('Z'),
        "{registered}"
    );
    let csv = ok_on(&db, &["unit", "list", "--format", "csv"]);
    assert!(
        csv.starts_with("\u{feff}单位代码,单位名称,登记时间,上级单位代码\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("510824-102,乙镇党委,{registered},\r\n")),
        "{csv}"
    );
}

#[test]
fn a_mistyped_role_is_refused_with_the_valid_ones_listed() {
    let (_dir, db, _removed) = scratch();
    let typo = qingdan(&[
        "key",
        "code",
        "--unit",
        "510824-101",
        "--role",
        "principle",
        "--database",
        &db,
        "--create",
    ]);
    assert_eq!(typo.status.code(), Some(2), "a usage error");
    let said = text(&typo.stderr);
    assert!(said.contains("'principle'"), "{said}");
    assert!(
        said.contains("principal, supervisory, inspector, member"),
        "{said}"
    );
    let help = text(&qingdan(&["key", "enroll", "--help"]).stdout);
    for role in ["principal", "supervisory", "inspector", "member"] {
        assert!(help.contains(role), "{role} in {help}");
    }
}

#[test]
fn a_ranking_of_inspections_for_a_period_with_only_self_assessments_says_so() {
    let (dir, db, _removed) = scratch();
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
        ],
    );
    let packet = dir.join("self.json").display().to_string();
    let made = crate::packet_new(
        "crates/qingdan-core/templates/jiandu-zeren.json",
        "tests/data/examples/jiandu-zeren-v2-2026.json",
        "self-assessment",
        "2026",
        &[
            &format!("principal:张三:{}", keys("principal.pub.pem")),
            &format!("supervisory:李四:{}", keys("supervisory.pub.pem")),
        ],
        &packet,
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    for key in ["principal", "supervisory"] {
        let signed = qingdan(&[
            "sign",
            "--key",
            &keys(&format!("{key}.pem")),
            &packet,
            "-o",
            &packet,
        ]);
        assert!(signed.status.success(), "{}", text(&signed.stderr));
    }
    ok_on(&db, &["import", &packet]);

    let ranking = [
        "report",
        "ranking",
        "--template",
        "jiandu-zeren",
        "--period",
        "2026",
        "--database",
        &db,
    ];
    let empty = qingdan(&ranking);
    assert!(empty.status.success(), "{}", text(&empty.stderr));
    let said = text(&empty.stderr);
    assert!(said.contains("检查考核 (inspection)"), "{said}");
    assert!(
        said.contains("no 检查考核 (inspection) packet for this period")
            && said.contains("1 packet of 自查自评 (self-assessment)")
            && said.contains("--kind self-assessment"),
        "{said}"
    );
    assert!(
        text(&empty.stdout).contains("2026 检查考核排名"),
        "{}",
        text(&empty.stdout)
    );
    let other = qingdan(&[&ranking[..], &["--kind", "self-assessment"]].concat());
    let said = text(&other.stderr);
    assert!(said.contains("自查自评 (self-assessment)"), "{said}");
    assert!(!said.contains("no 自查自评"), "{said}");
    assert!(text(&other.stdout).contains("某某镇党委"));

    // The workbook's default name and its title row say kind and period.
    let xlsx = qingdan_in(
        &dir,
        &[],
        &[
            &ranking[..],
            &["--kind", "self-assessment", "--format", "xlsx"],
        ]
        .concat(),
    );
    assert!(xlsx.status.success(), "{}", text(&xlsx.stderr));
    let name = "ranking-jiandu-zeren-v2-2026-self-assessment.xlsx";
    assert!(text(&xlsx.stderr).contains(name), "{}", text(&xlsx.stderr));
    use calamine::Reader as _;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(dir.join(name)).unwrap();
    let range = workbook.worksheet_range("排名").unwrap();
    let title = range.get_value((0, 0)).unwrap().to_string();
    assert!(
        title.contains("2026") && title.contains("自查自评") && title.contains("jiandu-zeren"),
        "{title}"
    );
    assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "名次");
    assert_eq!(range.get_value((2, 2)).unwrap().to_string(), "某某镇党委");
    // A second run does not overwrite the file it wrote.
    let again = qingdan_in(
        &dir,
        &[],
        &[
            &ranking[..],
            &["--kind", "self-assessment", "--format", "xlsx"],
        ]
        .concat(),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--out"),
        "{}",
        text(&again.stderr)
    );
}

/// `qingdan … | head -1`: the reader goes away before the command is done.
/// Here it is gone before the command starts, so every write meets a
/// closed pipe.
#[test]
fn printing_into_a_closed_pipe_is_no_error() {
    let (dir, db, _removed) = scratch();
    ok_on(
        &db,
        &[
            "unit",
            "add",
            "--code",
            "510824-101",
            "--name",
            "某某镇党委",
            "--create",
        ],
    );
    let template = dir.join("t.json").display().to_string();
    std::fs::write(
        &template,
        qingdan(&["template", "bundled", "jiandu-zeren"]).stdout,
    )
    .unwrap();
    for args in [
        &["template", "publish", "--bundled", "--database", &db][..],
        &["template", "bundled"],
        &["template", "bundled", "jiandu-zeren"],
        &["template", "check", &template],
        &["canonical", &template],
        &["unit", "list", "--database", &db],
        &["unit", "list", "--format", "json", "--database", &db],
        &[
            "key",
            "code",
            "--unit",
            "*",
            "--role",
            "inspector",
            "--database",
            &db,
        ],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_qingdan"))
            .args(args)
            .current_dir(repo())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains("panicked"), "{args:?}");
    }
    // The work was done all the same.
    let published = ok_on(&db, &["template", "publish", "--bundled"]);
    assert!(
        published.lines().all(|l| l.contains("already published")),
        "{published}"
    );
}

#[test]
fn an_inspector_enrolls_with_a_code_for_every_unit_and_times_show_in_local_time() {
    let (dir, db, _removed) = scratch();
    set_up(&db, &[]);
    let code = qingdan(&[
        "key",
        "code",
        "--unit",
        "*",
        "--role",
        "inspector",
        "--database",
        &db,
    ]);
    assert!(code.status.success(), "{}", text(&code.stderr));
    assert!(
        text(&code.stderr).contains("for every unit as inspector"),
        "{}",
        text(&code.stderr)
    );
    let code = text(&code.stdout).trim().to_owned();
    assert_eq!(code.len(), 14, "{code}");
    // A unit's own roles take a code for one unit.
    let principal = qingdan(&[
        "key",
        "code",
        "--unit",
        "*",
        "--role",
        "principal",
        "--database",
        &db,
    ]);
    assert_eq!(principal.status.code(), Some(1));
    assert!(
        text(&principal.stderr).contains("only inspectors"),
        "{}",
        text(&principal.stderr)
    );

    // The tablet redeems the code with its key.
    let server = Server::start(&db);
    let key = qingdan_core::keys::SigningKey::from_bytes(&[42; 32]).verifying_key();
    let public = qingdan_core::keys::encode_public_key(&key);
    let body = serde_json::json!({
        "code": code, "public_key": public, "name": "孙七", "role": "inspector"
    });
    let (status, answer) = crate::load::post(
        &crate::load::agent(),
        &format!("{}/api/v1/enrollments", server.url),
        body.to_string().as_bytes(),
    );
    assert_eq!(status, 201, "{}", text(&answer));
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["unit"]["code"], "*");
    drop(server);

    let keys = ok_on(&db, &["key", "list"]);
    let line = keys
        .lines()
        .find(|l| l.contains("孙七"))
        .unwrap_or_else(|| panic!("孙七 in {keys}"));
    assert!(
        line.contains("*（全部单位）")
            && line.contains("inspector")
            && line.contains(&qingdan_core::keys::fingerprint(&key)),
        "{line}"
    );

    // Times for people in the local zone; for programs in UTC, as stored.
    let shanghai = [("TZ", "Asia/Shanghai")];
    let json = qingdan_in(
        &dir,
        &shanghai,
        &["code", "list", "--format", "json", "--database", &db],
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json[0]["status"], "redeemed");
    assert_eq!(json[0]["unit"], "*");
    let redeemed = json[0]["redeemed_at"].as_str().unwrap();
    assert!(redeemed.ends_with('Z'), "{redeemed}");
    let in_beijing = chrono::DateTime::parse_from_rfc3339(redeemed)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d %H:%M:%S +08:00")
        .to_string();
    let table = qingdan_in(&dir, &shanghai, &["code", "list", "--database", &db]);
    let table = text(&table.stdout);
    assert!(
        table.contains(&in_beijing) && table.contains("已使用"),
        "{in_beijing} in {table}"
    );
}
