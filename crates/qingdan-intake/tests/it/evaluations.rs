//! 民主测评 over the API on SQLite and PostgreSQL: an evaluation made, its
//! slips made once, 40 ballots from three groups cast through HTTP, a spent
//! code, an unknown code and a ballot after closing refused with their
//! codes, and a result whose counts are the ones counted here from the
//! ballots cast, which verifies and in which each rater finds their own
//! ballot. The stored ballots hold nothing that tells who cast one or
//! when; 200 ballots cast at once, a fifth of them twice, keep each code's
//! ballot once.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use qingdan_core::evaluation::{self, Evaluation, OTHER_GROUP};
use qingdan_intake::Store;
use serde_json::{Value, json};

use crate::support::{Db, UNIT, World, new_id, on_both, request, world};

on_both!(
    ballots_are_cast_once_each_and_the_signed_result_counts_them_all,
    the_slips_print_once_as_a_sheet_of_qr_codes,
    a_ballot_is_kept_with_its_code_hash_group_and_answers_only,
    ballots_cast_at_once_keep_each_code_once,
    a_person_under_the_threshold_is_flagged_in_their_units_reports,
);

/// The example evaluation, open from an hour ago for two hours, with
/// `groups` (id, slips).
fn evaluation_json(id: &str, groups: &[(&str, u32)], opens_in_hours: i64) -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/evaluations/banzi-2026.json"),
    )
    .unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let now = chrono::Utc::now();
    let at = |hours: i64| (now + chrono::Duration::hours(hours)).to_rfc3339();
    doc["id"] = id.into();
    doc["opens_at"] = at(opens_in_hours - 1).into();
    doc["closes_at"] = at(opens_in_hours + 1).into();
    doc["groups"] = groups
        .iter()
        .map(|(g, n)| json!({"id": g, "title": {"zh": g}, "ballots": n, "weight": "0.5"}))
        .collect();
    doc.to_string()
}

/// `method` on `/api/v1/evaluations{rest}` with no body, as an
/// administrator when `admin`.
async fn at(w: &World, method: Method, rest: &str, admin: bool) -> crate::support::Answer {
    w.send(
        method,
        &format!("/api/v1/evaluations{rest}"),
        Vec::new(),
        admin,
    )
    .await
}

async fn create(w: &World, text: &str) -> crate::support::Answer {
    w.send(
        Method::POST,
        "/api/v1/evaluations",
        text.as_bytes().to_vec(),
        true,
    )
    .await
}

/// The slips' codes by group, made now.
async fn slips(w: &World, id: &str) -> Vec<(String, String)> {
    let made = at(w, Method::POST, &format!("/{id}/slips"), true).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["slips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["group"].as_str().unwrap().to_owned(),
                s["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Answers rating both people on every dimension and overall, drawn from
/// `seed`.
fn answers(seed: u64) -> Value {
    let dimensions = ["duty", "integrity", "conduct", "overall"];
    let ratings = ["good", "fairly_good", "average", "poor"];
    let mut x = seed;
    let mut person = || {
        dimensions
            .iter()
            .map(|d| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((*d).to_owned(), json!(ratings[((x >> 33) % 4) as usize]))
            })
            .collect::<serde_json::Map<_, _>>()
    };
    json!({"ratings": {"wang": person(), "zhao": person()}})
}

async fn cast(w: &World, id: &str, code: &str, answers: &Value) -> crate::support::Answer {
    let body = json!({"code": code, "answers": answers})
        .to_string()
        .into_bytes();
    w.send(
        Method::POST,
        &format!("/api/v1/evaluations/{id}/ballots"),
        body,
        false,
    )
    .await
}

async fn ballots_are_cast_once_each_and_the_signed_result_counts_them_all(db: Db) {
    let w = world(db).await;
    let text = evaluation_json(
        "banzi-2026",
        &[("committee", 15), ("staff", 30), ("public", 5)],
        0,
    );
    let made = create(&w, &text).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert_eq!(made.json()["slips"], 50);
    assert_eq!(
        create(&w, &text).await.problem_code(),
        "conflict",
        "one evaluation an id"
    );
    let bad = create(&w, &text.replace("\"weight\":\"0.5\"", "\"weight\":\"0\"")).await;
    assert_eq!(bad.problem_code(), "invalid");
    assert!(
        bad.json()["detail"]
            .as_str()
            .unwrap()
            .contains("groups[0].weight"),
        "{}",
        bad.text()
    );
    // Only an administrator makes one.
    let anyone = w
        .send(
            Method::POST,
            "/api/v1/evaluations",
            text.into_bytes(),
            false,
        )
        .await;
    assert_eq!(anyone.status, StatusCode::UNAUTHORIZED);
    // Nor lists them, makes their slips (and so sees codes), or closes one.
    for (method, rest) in [
        (Method::GET, ""),
        (Method::POST, "/banzi-2026/slips"),
        (
            Method::POST,
            "/banzi-2026/slips?format=html&base=https://x.example",
        ),
        (Method::POST, "/banzi-2026/close"),
    ] {
        let refused = at(&w, method, rest, false).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{rest}");
    }
    // Anyone reads the form a ballot answers.
    let form = at(&w, Method::GET, "/banzi-2026", false).await;
    assert_eq!(form.json()["subjects"][0]["name"], "王五");

    // No ballot before the slips are made; the slips are made once.
    let early = cast(&w, "banzi-2026", "AAAAA-AAAAA-AAAAA-AAAAA", &answers(1)).await;
    assert_eq!(early.problem_code(), "evaluation-closed");
    let codes = slips(&w, "banzi-2026").await;
    assert_eq!(codes.len(), 50);
    let again = at(&w, Method::POST, "/banzi-2026/slips", true).await;
    assert_eq!(
        again.problem_code(),
        "conflict",
        "a slip's code is shown once"
    );

    // 40 ballots: 14 of the committee, 23 of the staff, 3 of the public.
    let mut cast_here = Vec::new();
    for (group, n) in [("committee", 14), ("staff", 23), ("public", 3)] {
        let mine: Vec<&String> = codes
            .iter()
            .filter(|(g, _)| g == group)
            .map(|(_, c)| c)
            .collect();
        for code in mine.into_iter().take(n) {
            let given = answers(cast_here.len() as u64 + 1);
            let kept = cast(&w, "banzi-2026", code, &given).await;
            assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
            let receipt = kept.json();
            assert_eq!(
                receipt["code_sha256"],
                evaluation::code_sha256(&code.replace('-', ""))
            );
            cast_here.push((group, code.clone(), given, receipt));
        }
    }
    // A spent code, an unknown code, answers that do not fit.
    let (_, spent, given, _) = &cast_here[0];
    assert_eq!(
        cast(&w, "banzi-2026", spent, given).await.problem_code(),
        "ballot-spent"
    );
    let typed = spent.to_lowercase().replace('-', " ");
    assert_eq!(
        cast(&w, "banzi-2026", &typed, given).await.problem_code(),
        "ballot-spent",
        "however typed"
    );
    let unknown = cast(&w, "banzi-2026", "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", given).await;
    assert_eq!(unknown.problem_code(), "code-invalid");
    let unused = &codes
        .iter()
        .find(|(_, c)| !cast_here.iter().any(|(_, d, _, _)| d == c))
        .unwrap()
        .1;
    let mut partial = answers(99);
    partial["ratings"]["zhao"]
        .as_object_mut()
        .unwrap()
        .remove("overall");
    let refused = cast(&w, "banzi-2026", unused, &partial).await;
    assert_eq!(refused.problem_code(), "invalid");
    assert!(
        refused.text().contains("answers.ratings.zhao.overall"),
        "{}",
        refused.text()
    );

    // No result before it closes; closed once; no ballot after.
    let none = at(&w, Method::GET, "/banzi-2026/result", false).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let closed = at(&w, Method::POST, "/banzi-2026/close", true).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
    let late = cast(&w, "banzi-2026", unused, &answers(5)).await;
    assert_eq!(late.problem_code(), "evaluation-closed");
    let twice = at(&w, Method::POST, "/banzi-2026/close", true).await;
    assert_eq!(twice.problem_code(), "evaluation-closed");
    let published = at(&w, Method::GET, "/banzi-2026/result", false).await;
    assert_eq!(
        published.body, closed.body,
        "the result as signed at the close"
    );

    // It verifies, for this evaluation, by this intake's key.
    let e = Evaluation::parse(&at(&w, Method::GET, "/banzi-2026", false).await.text()).unwrap();
    let result =
        evaluation::verify_result(&published.text(), Some(w.intake.public_key()), Some(&e))
            .expect("the published result holds");
    let t = &result.tally;
    assert_eq!((t.slips.issued, t.slips.used, t.slips.unused), (50, 40, 10));
    let groups: Vec<(&str, u32)> = t
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.ballots))
        .collect();
    assert_eq!(groups, [("committee", 14), ("staff", 23), (OTHER_GROUP, 3)]);

    // Its counts are the ones counted here from the ballots cast.
    let mut counted: BTreeMap<(String, String, String, String), u32> = BTreeMap::new();
    for (group, _, given, _) in &cast_here {
        let group = if *group == "public" {
            OTHER_GROUP
        } else {
            group
        };
        for (person, by) in given["ratings"].as_object().unwrap() {
            for (dimension, rating) in by.as_object().unwrap() {
                let key = (
                    person.clone(),
                    dimension.clone(),
                    group.to_owned(),
                    rating.as_str().unwrap().to_owned(),
                );
                *counted.entry(key).or_default() += 1;
            }
        }
    }
    for person in &t.subjects {
        for (dimension, by_group) in &person.counts {
            for (group, c) in by_group {
                let n = |r: &str| {
                    counted
                        .get(&(
                            person.subject.clone(),
                            dimension.clone(),
                            group.clone(),
                            r.to_owned(),
                        ))
                        .copied()
                        .unwrap_or(0)
                };
                assert_eq!(
                    [c.good, c.fairly_good, c.average, c.poor],
                    [n("good"), n("fairly_good"), n("average"), n("poor")],
                    "{} {dimension} {group}",
                    person.subject
                );
            }
        }
    }
    // Each rater finds their ballot, as cast, by their receipt.
    for (_, _, given, receipt) in &cast_here {
        let found = t
            .ballots
            .iter()
            .find(|b| b.code_sha256 == receipt["code_sha256"])
            .expect("every ballot cast is listed");
        assert_eq!(evaluation::ballot_sha256(found), receipt["ballot_sha256"]);
        assert_eq!(serde_json::to_value(&found.answers).unwrap(), *given);
    }
    assert!(t.subjects.iter().all(|s| s.satisfaction.is_some()));
}

/// The columns of `table`, in order.
async fn columns(w: &World, table: &str) -> Vec<String> {
    match w.intake.store() {
        Store::Sqlite(pool) => sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
            .bind(table)
            .fetch_all(pool)
            .await
            .unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap(),
    }
}

async fn a_ballot_is_kept_with_its_code_hash_group_and_answers_only(db: Db) {
    let w = world(db).await;
    // No address, no user agent, no time: nothing that tells who or when.
    assert_eq!(
        columns(&w, "evaluation_ballots").await,
        ["code_sha256", "evaluation_id", "grp", "answers"]
    );
    // A code is kept only as its hash.
    assert_eq!(
        columns(&w, "evaluation_codes").await,
        ["code_sha256", "evaluation_id", "grp", "used"]
    );
}

async fn ballots_cast_at_once_keep_each_code_once(db: Db) {
    let w = world(db).await;
    let text = evaluation_json("crowd", &[("committee", 100), ("staff", 100)], 0);
    assert_eq!(create(&w, &text).await.status, StatusCode::CREATED);
    let codes = slips(&w, "crowd").await;
    // Every code once, and a fifth of them a second time, all at once.
    let mut sends: Vec<String> = codes.iter().map(|(_, c)| c.clone()).collect();
    sends.extend(codes.iter().step_by(5).map(|(_, c)| c.clone()));
    let router = Arc::new(w.router.clone());
    let mut tasks = tokio::task::JoinSet::new();
    for (i, code) in sends.into_iter().enumerate() {
        let router = router.clone();
        tasks.spawn(async move {
            let body = json!({"code": code, "answers": answers(i as u64)})
                .to_string()
                .into_bytes();
            let answer = request(
                &router,
                Method::POST,
                "/api/v1/evaluations/crowd/ballots",
                body,
                None,
            )
            .await;
            if answer.status == StatusCode::CREATED {
                "kept".to_owned()
            } else {
                answer.problem_code()
            }
        });
    }
    let mut outcomes: BTreeMap<String, u32> = BTreeMap::new();
    while let Some(outcome) = tasks.join_next().await {
        *outcomes.entry(outcome.unwrap()).or_default() += 1;
    }
    assert_eq!(
        outcomes,
        BTreeMap::from([("ballot-spent".to_owned(), 40), ("kept".to_owned(), 200)])
    );
    let closed = at(&w, Method::POST, "/crowd/close", true).await;
    let result = evaluation::verify_result(&closed.text(), None, None).unwrap();
    assert_eq!(result.tally.ballots.len(), 200, "each code's ballot once");
    assert_eq!(result.tally.slips.unused, 0);
}

async fn the_slips_print_once_as_a_sheet_of_qr_codes(db: Db) {
    let w = world(db).await;
    let text = evaluation_json("sheet", &[("committee", 6), ("staff", 5)], 0);
    assert_eq!(create(&w, &text).await.status, StatusCode::CREATED);
    let path = "/api/v1/evaluations/sheet/slips";
    // Without the address phones reach: refused, and nothing made.
    let no_base = w
        .send(
            Method::POST,
            &format!("{path}?format=html"),
            Vec::new(),
            true,
        )
        .await;
    assert_eq!(no_base.problem_code(), "malformed");
    let sheet = w
        .send(
            Method::POST,
            &format!("{path}?format=html&base=https://qingdan.office:8443/"),
            Vec::new(),
            true,
        )
        .await;
    assert_eq!(sheet.status, StatusCode::CREATED, "{}", sheet.text());
    assert_eq!(sheet.headers["content-type"], "text/html; charset=utf-8");
    let html = sheet.text();
    assert_eq!(html.matches("data-testid=\"ballot-slip\"").count(), 11);
    assert_eq!(html.matches("<svg").count(), 11, "a QR code a slip");
    assert_eq!(
        html.matches("data-link=\"https://qingdan.office:8443/ballot.html#sheet/")
            .count(),
        11
    );
    let again = w
        .send(
            Method::POST,
            &format!("{path}?format=html&base=https://x.example"),
            Vec::new(),
            true,
        )
        .await;
    assert_eq!(again.problem_code(), "conflict", "printed once");
}

/// Answers rating 王五 (wang) `wang` and 赵六 (zhao) `zhao` on everything.
fn rating_both(wang: &str, zhao: &str) -> Value {
    let all = |r: &str| {
        ["duty", "integrity", "conduct", "overall"]
            .iter()
            .map(|d| ((*d).to_owned(), json!(r)))
            .collect::<serde_json::Map<_, _>>()
    };
    json!({"ratings": {"wang": all(wang), "zhao": all(zhao)}})
}

/// 王五 of unit 510824-101 is rated 差 by half, 赵六 好 by all: the ranking
/// of the evaluation's period flags 王五 on his unit's row (JSON, CSV), the
/// indicators count one talk, and the published figures of his unit are
/// offered by unit (and period).
async fn a_person_under_the_threshold_is_flagged_in_their_units_reports(db: Db) {
    let w = world(db).await;
    w.intake
        .add_unit("510824-102", "另一镇党委", "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    for unit in [UNIT, "510824-102"] {
        let inspection = w.inspection(&new_id(), &w.responses, |m| {
            m.unit.code = unit.into();
        });
        assert_eq!(w.post_packet(inspection).await.status, StatusCode::CREATED);
    }
    let mut doc: Value = serde_json::from_str(&evaluation_json(
        "banzi-2026",
        &[("committee", 6), ("staff", 6)],
        0,
    ))
    .unwrap();
    doc["period"] = "2026".into();
    assert_eq!(
        create(&w, &doc.to_string()).await.status,
        StatusCode::CREATED
    );
    let codes = slips(&w, "banzi-2026").await;
    // The committee (weight 0.5) rates 王五 差, the staff (0.5) 较好: 50 %
    // satisfied, under 60 %.
    for (group, code) in &codes {
        let wang = if group == "committee" {
            "poor"
        } else {
            "fairly_good"
        };
        let kept = cast(&w, "banzi-2026", code, &rating_both(wang, "good")).await;
        assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
    }
    let closed = at(&w, Method::POST, "/banzi-2026/close", true).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());

    let ranking = "/api/v1/reports/ranking?template=bench-94&period=2026";
    let rows = w.get(ranking, true).await.json()["rows"].clone();
    let talks_of = |unit: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit_code"] == unit)
            .unwrap()["talks"]
            .clone()
    };
    let flagged = talks_of(UNIT);
    assert_eq!(flagged.as_array().unwrap().len(), 1, "{flagged}");
    assert_eq!(
        (
            flagged[0]["name"].as_str(),
            flagged[0]["post"].as_str(),
            flagged[0]["satisfaction"].as_str(),
            flagged[0]["evaluation"].as_str()
        ),
        (
            Some("王五"),
            Some("党委书记"),
            Some("50.00"),
            Some("banzi-2026")
        )
    );
    assert_eq!(talks_of("510824-102"), json!([]));
    let csv = w.get(&format!("{ranking}&format=csv"), true).await.text();
    let lines: Vec<&str> = csv.lines().collect();
    let header = lines.iter().find(|l| l.contains("名次")).unwrap();
    assert!(header.ends_with(",约谈"), "{header}");
    let unit_line = lines.iter().find(|l| l.contains(UNIT)).unwrap();
    assert!(
        unit_line.ends_with(",王五（党委书记，50.00%）"),
        "{unit_line}"
    );
    assert!(!csv.contains("赵六（"), "赵六 is not due a talk");
    // Another period's ranking flags no one.
    let other = w
        .get(
            "/api/v1/reports/ranking?template=bench-94&period=2025",
            true,
        )
        .await
        .json();
    assert!(
        other["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["talks"] == json!([]))
    );
    let indicators = w
        .get(
            "/api/v1/reports/indicators?template=bench-94&period=2026",
            true,
        )
        .await
        .json();
    assert_eq!(indicators["talks_due"], 1);

    // The published figures, by unit (anyone reads them).
    let found = figures(&w, &format!("unit={UNIT}&period=2026")).await;
    let said: Vec<(&str, &str, i64, bool)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["satisfaction"].as_str().unwrap(),
                o["ballots"].as_i64().unwrap(),
                o["talk_due"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [("王五", "50.00", 12, true), ("赵六", "100.00", 12, false)]
    );
    assert_eq!(
        figures(&w, &format!("unit={UNIT}&period=2025")).await,
        json!([])
    );
    assert_eq!(figures(&w, "unit=510824-102").await, json!([]));
    let bad = w.get("/api/v1/evaluation-outcomes", false).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// The published figures of `/evaluation-outcomes?{query}`, read by anyone.
async fn figures(w: &World, query: &str) -> Value {
    let got = w
        .get(&format!("/api/v1/evaluation-outcomes?{query}"), false)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()
}
