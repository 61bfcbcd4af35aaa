//! `GET /packets/{id}/sheet`, the console's packet page, on SQLite and
//! PostgreSQL: a stored packet re-scored by the core as its score sheet —
//! the totals the listing and the signed sheet give, each answer and
//! reason in words, the findings, the signers by their enrolled names and
//! the receipt's time — for an administrator signed in to the console; an
//! unknown id is a 404 problem, and nobody else gets anything.

use axum::http::{Method, StatusCode, header};
use qingdan_core::findings::Finding;
use qingdan_intake::accounts::Actor;

use crate::support::{Answer, Db, INSPECTOR_NAMES, SIGNER_NAMES, UNIT, World, new_id, on_both};

on_both!(
    a_self_assessment_reads_as_its_sheet_with_its_answers_reasons_and_signers,
    an_inspection_shows_its_findings_and_its_inspectors,
    an_unknown_packet_is_not_found_and_nobody_but_an_administrator_reads_one,
);

const PASSWORD: &str = "correct horse battery staple";

/// An administrator signed in to the console: the `Cookie` header.
async fn signed_in(w: &World) -> String {
    w.intake
        .add_admin("zhang", PASSWORD, false, &Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    let body = serde_json::json!({"name": "zhang", "password": PASSWORD}).to_string();
    let answer = crate::support::request_with(
        &w.router,
        Method::POST,
        "/api/v1/session",
        body.into_bytes(),
        &[("host", "intake.test")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let set = answer.headers[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

/// `GET path` with the session `cookie`.
async fn get(w: &World, path: &str, cookie: &str) -> Answer {
    crate::support::request_with(
        &w.router,
        Method::GET,
        path,
        Vec::new(),
        &[("host", "intake.test"), ("cookie", cookie)],
    )
    .await
}

/// Stores `bytes` (a new packet) and answers its sheet, read with `cookie`.
async fn stored_sheet(w: &World, id: &str, bytes: Vec<u8>, cookie: &str) -> serde_json::Value {
    let posted = w.post_packet(bytes).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.text());
    let answer = get(w, &format!("/api/v1/packets/{id}/sheet"), cookie).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

async fn a_self_assessment_reads_as_its_sheet_with_its_answers_reasons_and_signers(db: Db) {
    let w = crate::support::world(db).await;
    let cookie = signed_in(&w).await;
    let id = new_id();
    let bytes = w.packet(&id);
    let sheet = stored_sheet(&w, &id, bytes.clone(), &cookie).await;
    let signed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let signed_sheet = &signed["payload"]["score"];

    // The totals are the signed sheet's and the listing's, exact strings.
    let listed = w
        .send(
            Method::GET,
            &format!("/api/v1/packets?unit={UNIT}"),
            vec![],
            true,
        )
        .await
        .json();
    let score = &sheet["score"];
    assert_eq!(score["total"], listed["packets"][0]["total"]);
    assert_eq!(score["total"], signed_sheet["total"]);
    assert_eq!(score["percentage"], signed_sheet["percentage"]);
    assert!(score["total"].as_str().unwrap().contains('.'), "{score}");
    assert_eq!(score["grade"]["label"]["zh"], "合格");
    assert_eq!(sheet["template"]["title"]["zh"], "九十四项");
    assert_eq!(
        (sheet["unit"]["code"].as_str(), sheet["kind"].as_str()),
        (Some(UNIT), Some("self-assessment"))
    );

    // Every item in checklist order, each score the signed one, with the
    // answer and the reason in words.
    let items = score["items"].as_array().unwrap();
    assert_eq!(items.len(), 94);
    for (item, signed) in items.iter().zip(signed_sheet["items"].as_array().unwrap()) {
        assert_eq!(item["id"], signed["id"]);
        assert_eq!(item["score"], signed["score"], "{item}");
        assert!(!item["reason"]["zh"].as_str().unwrap().is_empty(), "{item}");
        assert!(!item["reason"]["en"].as_str().unwrap().is_empty(), "{item}");
    }
    let first = &items[0];
    assert_eq!(
        (
            &first["section"],
            &first["title"]["zh"],
            &first["answer"]["zh"],
            &first["answer"]["en"]
        ),
        (
            &"1".into(),
            &"第0项".into(),
            &"部分完成".into(),
            &"Partly done".into()
        )
    );
    assert_eq!(
        (first["score"].as_str(), first["max"].as_str()),
        (Some("0.50"), Some("1.00"))
    );
    assert_eq!(first["note"], "佐证材料第0号");
    assert_eq!(
        items[3]["answer"]["zh"],
        "截止日期：2026-01-31；完成日期：2026-01-20"
    );
    let sections = score["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 24);
    assert_eq!(sections[0]["title"]["zh"], "大项1");

    // The signers by the names their keys are enrolled under; the time is
    // the receipt's; the digest that of the stored bytes.
    let names: Vec<_> = sheet["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["role"].as_str().unwrap(),
                s["enrolled_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("principal", SIGNER_NAMES[0]),
            ("supervisory", SIGNER_NAMES[1])
        ]
    );
    assert_eq!(
        sheet["received_at"],
        sheet["receipt"]["payload"]["received_at"]
    );
    let stored = get(&w, &format!("/api/v1/packets/{id}"), &cookie).await;
    assert_eq!(stored.body, bytes, "the download is the exact bytes");
    assert_eq!(
        sheet["sha256"],
        qingdan_core::canonical::sha256_hex_bytes(&bytes)
    );
    assert_eq!(sheet["size"], bytes.len());
}

async fn an_inspection_shows_its_findings_and_its_inspectors(db: Db) {
    let w = crate::support::world(db).await;
    let cookie = signed_in(&w).await;
    let id = new_id();
    let bytes = w.inspection(&id, &w.responses, |m| {
        m.findings = vec![Finding {
            id: "1".into(),
            item: "1.1".into(),
            problem: "党委会议未专题研究".into(),
            deadline: "2027-01-31".into(),
            responsible: "张三".into(),
        }];
    });
    let sheet = stored_sheet(&w, &id, bytes, &cookie).await;
    assert_eq!(sheet["kind"], "inspection");
    assert_eq!(sheet["findings"][0]["problem"], "党委会议未专题研究");
    assert_eq!(sheet["findings"][0]["item"], "1.1");
    let names: Vec<_> = sheet["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["enrolled_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, INSPECTOR_NAMES);
}

async fn an_unknown_packet_is_not_found_and_nobody_but_an_administrator_reads_one(db: Db) {
    let w = crate::support::world(db).await;
    let cookie = signed_in(&w).await;
    let unknown = get(&w, "/api/v1/packets/no-such-packet/sheet", &cookie).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.problem_code(), "not-found");
    assert_eq!(unknown.headers["content-type"], "application/problem+json");
    assert!(
        unknown.text().contains("no-such-packet"),
        "{}",
        unknown.text()
    );

    let id = new_id();
    assert_eq!(
        w.post_packet(w.packet(&id)).await.status,
        StatusCode::CREATED
    );
    let path = format!("/api/v1/packets/{id}/sheet");
    let nobody = crate::support::request_with(&w.router, Method::GET, &path, Vec::new(), &[]).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.problem_code(), "unauthorized");
    // A script's token reads it too.
    let token = w.send(Method::GET, &path, vec![], true).await;
    assert_eq!(token.status, StatusCode::OK);
    assert_eq!(token.json()["id"], id);
}
