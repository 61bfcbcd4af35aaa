//! Every status the API answers, on SQLite and on PostgreSQL.

use axum::http::{Method, StatusCode};
use qingdan_core::{canonical, keys, receipt};
use qingdan_intake::Config;

use crate::support::{Db, UNIT, new_id, on_both, world, world_with};

on_both!(
    accepted_packet_gets_a_durable_receipt_and_reads_back_exactly,
    resent_packet_gets_the_same_receipt_and_changed_one_409,
    bad_input_gets_400_413_and_422_with_the_reason,
    unknown_unit_or_key_gets_403,
    admin_endpoints_need_the_token,
    enrollment_code_enrolls_once,
    templates_are_listed_and_served,
    the_api_answers_other_origins,
    packets_are_listed_by_filter_and_paged,
    reports_rank_units_as_json_csv_and_xlsx,
    a_reformatted_copy_sent_first_does_not_make_the_genuine_upload_fail,
);

async fn accepted_packet_gets_a_durable_receipt_and_reads_back_exactly(db: Db) {
    let w = world(db).await;
    let id = new_id();
    let bytes = w.packet(&id);
    let answer = w.post_packet(bytes.clone()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let receipt = receipt::verify(&answer.text(), Some(w.intake.public_key())).unwrap();
    receipt
        .check_for(&id, &canonical::sha256_hex_bytes(&bytes))
        .unwrap();
    // The intake's key is what /intake says, and a fresh connection to the
    // same database (a restart) has it too.
    let info = w
        .send(Method::GET, "/api/v1/intake", vec![], false)
        .await
        .json();
    assert_eq!(info["public_key"], w.intake.public_key());
    let again = qingdan_intake::Store::connect(&w.database).await.unwrap();
    let reopened = qingdan_intake::Intake::open(again, "2026-11-24T00:00:00.000Z")
        .await
        .unwrap();
    assert_eq!(reopened.public_key(), w.intake.public_key());
    // Stored: the exact bytes, from the other connection too.
    assert_eq!(
        reopened.store().packet_bytes(&id).await.unwrap(),
        Some(bytes.clone())
    );
    let stored = w
        .send(Method::GET, &format!("/api/v1/packets/{id}"), vec![], true)
        .await;
    assert_eq!(stored.status, StatusCode::OK);
    assert_eq!(stored.body, bytes);
}

async fn resent_packet_gets_the_same_receipt_and_changed_one_409(db: Db) {
    let w = world(db).await;
    let id = new_id();
    let first = w.post_packet(w.packet(&id)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = w.post_packet(w.packet(&id)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body, "the very same receipt");
    let changed = w.packet_with(&id, |m| m.period = "2026-H2".into());
    let conflict = w.post_packet(changed).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.problem_code(), "conflict");
    assert!(conflict.json()["detail"].as_str().unwrap().contains(&id));
    assert_eq!(w.intake.store().packet_count().await.unwrap(), 1);
}

async fn bad_input_gets_400_413_and_422_with_the_reason(db: Db) {
    let w = world_with(
        db,
        Config {
            rate_limit: None,
            max_packet_bytes: 64 * 1024,
            ..Config::default()
        },
    )
    .await;
    let not_json = w.post_packet(b"{\"payload\": ".to_vec()).await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.problem_code(), "malformed");

    let mut big = w.packet(&new_id());
    big.resize(65 * 1024, b' ');
    let too_large = w.post_packet(big).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.problem_code(), "too-large");
    assert!(
        too_large.json()["detail"]
            .as_str()
            .unwrap()
            .contains("65536")
    );

    // One character of the unit name changed after signing.
    let tampered = String::from_utf8(w.packet(&new_id()))
        .unwrap()
        .replace("某某镇党委", "某某镇党组");
    let bad = w.post_packet(tampered.into_bytes()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.problem_code(), "bad-signature");
    assert!(bad.json()["detail"].as_str().unwrap().contains("张三"));

    // The score sheet claims more than the responses give (re-signed, so
    // only the re-score can tell).
    let mut value: serde_json::Value = serde_json::from_slice(&w.packet(&new_id())).unwrap();
    value["payload"]["score"]["total"] = "99.99".into();
    let mut packet = qingdan_core::Packet::from_value(value).unwrap();
    for key in &w.keys {
        packet.sign(key).unwrap();
    }
    let mismatch = w
        .post_packet(qingdan_core::packet::to_file_text(&packet).into_bytes())
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mismatch.problem_code(), "score-mismatch");
    assert!(
        mismatch.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("payload.score.total")
    );

    // A template this intake has not published.
    let mut value: serde_json::Value = serde_json::from_slice(&w.packet(&new_id())).unwrap();
    value["payload"]["template"]["version"] = 2.into();
    let mut packet = qingdan_core::Packet::from_value(value).unwrap();
    for key in &w.keys {
        packet.sign(key).unwrap();
    }
    let unknown = w
        .post_packet(qingdan_core::packet::to_file_text(&packet).into_bytes())
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.problem_code(), "unknown-template");
    assert!(
        unknown.json()["detail"]
            .as_str()
            .unwrap()
            .contains("bench-94 v2")
    );
    assert_eq!(
        w.intake.store().packet_count().await.unwrap(),
        0,
        "nothing stored"
    );
}

async fn unknown_unit_or_key_gets_403(db: Db) {
    let w = world(db).await;
    let other_unit = w.packet_with(&new_id(), |m| m.unit.code = "510824-999".into());
    let answer = w.post_packet(other_unit).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.problem_code(), "unit-not-registered");

    // A second unit where only the principal's key is enrolled.
    w.intake
        .add_unit("510824-102", "另一镇党委", "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    let principal = keys::encode_public_key(&w.keys[0].verifying_key());
    w.intake
        .enroll(
            "510824-102",
            "principal",
            &principal,
            "张三",
            "2026-11-23T08:00:00.000Z",
        )
        .await
        .unwrap();
    let answer = w
        .post_packet(w.packet_with(&new_id(), |m| m.unit.code = "510824-102".into()))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.problem_code(), "key-not-enrolled");
    let detail = answer.json()["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("supervisory 李四") && detail.contains("510824-102"),
        "{detail}"
    );
    assert_eq!(w.intake.store().packet_count().await.unwrap(), 0);
}

async fn admin_endpoints_need_the_token(db: Db) {
    let w = world(db).await;
    let unit = r#"{"code": "510824-201", "name": "某某局党组"}"#.as_bytes().to_vec();
    let refused = w
        .send(Method::POST, "/api/v1/units", unit.clone(), false)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.problem_code(), "unauthorized");
    let request = axum::http::Request::builder()
        .method(Method::GET)
        .uri("/api/v1/packets")
        .header("authorization", format!("Bearer {}x", w.token))
        .body(axum::body::Body::empty())
        .unwrap();
    use tower::ServiceExt as _;
    let wrong = w.router.clone().oneshot(request).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let added = w.send(Method::POST, "/api/v1/units", unit, true).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(
        w.intake
            .store()
            .unit_name("510824-201")
            .await
            .unwrap()
            .as_deref(),
        Some("某某局党组")
    );
    let bad_key = w
        .send(
            Method::POST,
            "/api/v1/units/510824-201/keys",
            br#"{"role": "principal", "public_key": "abc"}"#.to_vec(),
            true,
        )
        .await;
    assert_eq!(bad_key.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_key.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("public_key:")
    );
    let not_json = w
        .send(Method::POST, "/api/v1/units", b"{".to_vec(), true)
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.problem_code(), "malformed");
}

async fn enrollment_code_enrolls_once(db: Db) {
    let w = world(db).await;
    let issued = w
        .send(
            Method::POST,
            "/api/v1/enrollment-codes",
            format!(r#"{{"unit": "{UNIT}", "role": "inspector"}}"#).into_bytes(),
            true,
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let code = issued.json()["code"].as_str().unwrap().to_owned();
    let device = qingdan_core::keys::SigningKey::from_bytes(&[9; 32]);
    let public = keys::encode_public_key(&device.verifying_key());
    // A device asking to enroll a principal's key with an inspector's code
    // is told so, and the code stays good.
    let wrong_role = format!(
        r#"{{"code": "{code}", "public_key": "{public}", "name": "王五", "role": "principal"}}"#
    );
    let refused = w
        .send(
            Method::POST,
            "/api/v1/enrollments",
            wrong_role.into_bytes(),
            false,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.problem_code(), "roles");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("inspector")
    );
    let body = format!(
        r#"{{"code": "{}", "public_key": "{public}", "name": "王五", "role": "inspector"}}"#,
        code.to_lowercase()
    );
    let redeemed = w
        .send(
            Method::POST,
            "/api/v1/enrollments",
            body.clone().into_bytes(),
            false,
        )
        .await;
    assert_eq!(redeemed.status, StatusCode::CREATED, "{}", redeemed.text());
    let json = redeemed.json();
    assert_eq!(json["unit"]["code"], UNIT);
    assert_eq!(json["unit"]["name"], "某某镇党委");
    assert_eq!(json["role"], "inspector");
    assert_eq!(json["intake_key"], w.intake.public_key());
    let enrolled = w.intake.store().key_status(&public).await.unwrap();
    assert_eq!(enrolled.enrollments.len(), 1);
    let e = &enrolled.enrollments[0];
    assert_eq!(
        (e.unit.as_str(), e.role.as_str(), e.name.as_str()),
        (UNIT, "inspector", "王五")
    );
    let again = w
        .send(
            Method::POST,
            "/api/v1/enrollments",
            body.into_bytes(),
            false,
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(again.problem_code(), "code-invalid");
}

async fn templates_are_listed_and_served(db: Db) {
    let w = world(db).await;
    let list = w
        .send(Method::GET, "/api/v1/templates", vec![], false)
        .await
        .json();
    assert_eq!(list[0]["id"], "bench-94");
    assert_eq!(list[0]["sha256"], w.template.sha256());
    let one = w
        .send(Method::GET, "/api/v1/templates/bench-94/1", vec![], false)
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let served = qingdan_core::Template::parse(&one.text()).unwrap();
    // Signed by the intake over the exact bytes served, so that a device
    // can check a checklist against the key it pinned.
    let signature = one.headers["qingdan-signature"].to_str().unwrap();
    receipt::verify_template(w.intake.public_key(), &one.body, signature).unwrap();
    assert_eq!(
        served.sha256(),
        w.template.sha256(),
        "the same template, digest and all"
    );
    let missing = w
        .send(Method::GET, "/api/v1/templates/bench-94/7", vec![], false)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Publishing needs the token; the same content again is 200, other
    // content under the same version is 409.
    let body = w.template_json.clone().into_bytes();
    assert_eq!(
        w.send(Method::POST, "/api/v1/templates", body.clone(), false)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.send(Method::POST, "/api/v1/templates", body, true)
            .await
            .status,
        StatusCode::OK
    );
    let changed = w
        .template_json
        .replace("九十四项", "九十四项（修订）")
        .into_bytes();
    let conflict = w
        .send(Method::POST, "/api/v1/templates", changed, true)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let invalid = w
        .send(
            Method::POST,
            "/api/v1/templates",
            br#"{"format": "qingdan.template/1"}"#.to_vec(),
            true,
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.problem_code(), "invalid");
}

async fn packets_are_listed_by_filter_and_paged(db: Db) {
    let w = world(db).await;
    for i in 0..5 {
        let period = if i < 3 { "2026" } else { "2025" };
        let answer = w
            .post_packet(w.packet_with(&new_id(), |m| m.period = period.into()))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED);
    }
    let page = w
        .send(
            Method::GET,
            "/api/v1/packets?period=2026&per_page=2&page=2",
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(page["total"], 3);
    assert_eq!(page["packets"].as_array().unwrap().len(), 1);
    assert_eq!(page["packets"][0]["period"], "2026");
    assert_eq!(page["packets"][0]["unit_code"], UNIT);
    // A page past the end is empty and still says how many match.
    let past = w
        .send(
            Method::GET,
            "/api/v1/packets?period=2026&per_page=2&page=3",
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(past["total"], 3);
    assert!(past["packets"].as_array().unwrap().is_empty());
    let all = w
        .send(
            Method::GET,
            &format!("/api/v1/packets?unit={UNIT}&kind=self-assessment&template=bench-94"),
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(all["total"], 5);
    let none = w
        .send(Method::GET, "/api/v1/packets?kind=inspection", vec![], true)
        .await
        .json();
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let w = world_with(
        Db::Sqlite,
        Config {
            rate_limit: Some(qingdan_intake::RateLimit {
                per_second: 1.try_into().unwrap(),
                burst: 3.try_into().unwrap(),
            }),
            ..Config::default()
        },
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(w.send(Method::GET, "/api/v1/intake", vec![], false).await);
    }
    assert!(statuses[..3].iter().all(|a| a.status == StatusCode::OK));
    let limited = &statuses[4];
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.problem_code(), "rate-limited");
    assert!(limited.headers.contains_key("retry-after"));
}

async fn reports_rank_units_as_json_csv_and_xlsx(db: Db) {
    let w = world(db).await;
    w.intake
        .add_unit("510824-102", "另一镇党委", "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    // The second unit did not do item 1.1.
    let mut weaker = serde_json::to_value(&w.responses).unwrap();
    weaker["1.1"]["answer"] = "not_done".into();
    let weaker = qingdan_core::Responses::parse(&w.template, &weaker.to_string()).unwrap();
    let strong = w.inspection(&new_id(), &w.responses, |_| {});
    let weak = w.inspection(&new_id(), &weaker, |m| {
        m.unit.code = "510824-102".into();
    });
    assert_eq!(w.post_packet(strong).await.status, StatusCode::CREATED);
    assert_eq!(w.post_packet(weak).await.status, StatusCode::CREATED);
    let path = "/api/v1/reports/ranking?template=bench-94&period=2026";
    assert_eq!(
        w.send(Method::GET, path, vec![], false).await.status,
        StatusCode::UNAUTHORIZED
    );
    let ranking = w.send(Method::GET, path, vec![], true).await.json();
    let rows = ranking["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0]["unit_code"].as_str(), rows[0]["rank"].as_u64()),
        (Some(UNIT), Some(1))
    );
    assert_eq!(rows[1]["unit_name"], "另一镇党委", "the registered name");
    assert_eq!(
        (
            rows[0]["last_place"].as_bool(),
            rows[1]["last_place"].as_bool()
        ),
        (Some(false), Some(true))
    );
    let csv = w
        .send(Method::GET, &format!("{path}&format=csv"), vec![], true)
        .await;
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ranking-bench-94-v1-2026-inspection.csv")
    );
    assert!(csv.text().contains("另一镇党委"));
    let xlsx = w
        .send(Method::GET, &format!("{path}&format=xlsx"), vec![], true)
        .await;
    assert!(xlsx.body.starts_with(b"PK"));
    // Self-assessments: none, so an empty ranking; an unknown report is 404.
    let none = w
        .send(
            Method::GET,
            &format!("{path}&kind=self-assessment"),
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(none["rows"].as_array().unwrap().len(), 0);
    let unknown = w
        .send(
            Method::GET,
            "/api/v1/reports/podium?template=bench-94&period=2026",
            vec![],
            true,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let indicators = w
        .send(
            Method::GET,
            "/api/v1/reports/indicators?template=bench-94&period=2026",
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(
        indicators["rows"][0]["item"], "1.1",
        "the item one unit failed ranks first"
    );
    let dashboard = w.send(Method::GET, "/dashboard", vec![], false).await;
    assert_eq!(dashboard.headers["location"], "/console/#/reports");
}

async fn the_api_answers_other_origins(db: Db) {
    // The app may be served from elsewhere than the intake: its preflight
    // for a JSON POST (and a file's PUT) is allowed, and a problem's body
    // is readable there.
    let w = world(db).await;
    let request = axum::http::Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/packets")
        .header("origin", "http://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(axum::body::Body::empty())
        .unwrap();
    let preflight = tower::ServiceExt::oneshot(w.router.clone(), request)
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = |name: &str| {
        preflight.headers()[name]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
    };
    assert_eq!(allowed("access-control-allow-origin"), "*");
    assert!(allowed("access-control-allow-methods").contains("post"));
    // A packet's files are sent with PUT.
    assert!(allowed("access-control-allow-methods").contains("put"));
    assert!(allowed("access-control-allow-headers").contains("content-type"));

    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/packets")
        .header("origin", "http://app.example")
        .body(axum::body::Body::from("{"))
        .unwrap();
    let rejected = tower::ServiceExt::oneshot(w.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::BAD_REQUEST);
    assert_eq!(rejected.headers()["access-control-allow-origin"], "*");
    let exposed = rejected.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("retry-after") && exposed.contains("qingdan-signature"));
}

/// The app's files: the precompressed copy the browser takes, modules named
/// by their content kept for a year, the page and the checklists revalidated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_served_precompressed_and_cached_by_name() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt as _;

    let dir = std::env::temp_dir().join(format!("qingdan-web-{}", new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let module = "qingdan_app_bg.0123456789abcdef.wasm";
    let checklists = "checklists.fedcba9876543210.json";
    for (name, bytes) in [
        ("index.html", &b"<!doctype html>page"[..]),
        ("index.html.br", b"brotli page"),
        ("index.html.gz", b"gzip page"),
        (module, b"\0asm module"),
        (checklists, b"{}"),
        ("manifest.webmanifest", b"{}"),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let w = serving(&dir).await;
    let get = |path: &str, encodings: &str| {
        let request = Request::get(path)
            .header("accept-encoding", encodings)
            .body(Body::empty())
            .unwrap();
        let router = w.router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let header = |name| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            let (encoding, cache) = (header("content-encoding"), header("cache-control"));
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (encoding, cache, body)
        }
    };

    let (encoding, cache, body) = get("/index.html", "gzip, deflate, br").await;
    assert_eq!(
        (encoding.as_deref(), &body[..]),
        (Some("br"), &b"brotli page"[..])
    );
    assert_eq!(cache.as_deref(), Some("no-cache"));
    let (encoding, _, body) = get("/index.html", "gzip").await;
    assert_eq!(
        (encoding.as_deref(), &body[..]),
        (Some("gzip"), &b"gzip page"[..])
    );
    let (encoding, _, body) = get("/", "identity").await;
    assert_eq!((encoding, &body[..]), (None, &b"<!doctype html>page"[..]));

    let (_, cache, body) = get(&format!("/{module}"), "br").await;
    assert_eq!(&body[..], b"\0asm module");
    assert_eq!(
        cache.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let (_, cache, body) = get(&format!("/{checklists}"), "gzip").await;
    assert_eq!(&body[..], b"{}");
    assert_eq!(
        cache.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let (_, cache, _) = get("/manifest.webmanifest", "br").await;
    assert_eq!(
        cache.as_deref(),
        Some("no-cache"),
        "a fixed name is revalidated"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Every answer — the app's page, a redirect, the API, its refusals —
/// carries the security headers; the policy lets the app's own inline
/// start script run (by its hash) and nothing inline that is not ours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    use base64::Engine as _;
    use sha2::Digest as _;

    let dir = std::env::temp_dir().join(format!("qingdan-web-{}", new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let start = "import init from \"./app.js\"; await init();";
    let page = format!("<!doctype html><script type=\"module\">{start}</script>");
    std::fs::write(dir.join("index.html"), &page).unwrap();
    let w = serving(&dir).await;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(start));
    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/dashboard"),
        (Method::GET, "/api/v1/intake"),
        (Method::GET, "/api/v1/no-such-thing"),
        (Method::POST, "/api/v1/packets"),
    ] {
        let answer = w.send(method.clone(), path, b"{}".to_vec(), false).await;
        let header = |name: &str| {
            answer
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{method} {path} ({}) has no {name}", answer.status))
        };
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {policy}"
        );
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "{path}: the app's start script is allowed: {policy}"
        );
        assert!(
            !policy.contains("'unsafe-inline'") && !policy.contains(" 'unsafe-eval'"),
            "{path}: {policy}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A new SQLite database holds the intake's signing key and every packet:
/// its file, and the WAL beside it, are its owner's only.
#[cfg(unix)]
#[tokio::test]
async fn a_new_database_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;

    let database = crate::support::fresh_database(Db::Sqlite).await;
    let path = database.trim_start_matches("sqlite://").to_owned();
    let store = qingdan_intake::Store::connect(&database).await.unwrap();
    qingdan_intake::Intake::open(store, "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    for file in [path.clone(), format!("{path}-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} is {mode:o}");
    }
}

/// Someone who saw a signed packet uploads a reformatted copy first (other
/// white space, signatures in the other order): the genuine upload is the
/// same packet, received already, and gets a receipt for its own bytes.
async fn a_reformatted_copy_sent_first_does_not_make_the_genuine_upload_fail(db: Db) {
    let w = world(db).await;
    let id = new_id();
    let genuine = w.packet(&id);
    let mut copy: serde_json::Value = serde_json::from_slice(&genuine).unwrap();
    copy["signatures"].as_array_mut().unwrap().reverse();
    let copy = serde_json::to_vec(&copy).unwrap();
    assert_ne!(copy, genuine);

    let first = w.post_packet(copy).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let first = receipt::verify(&first.text(), Some(w.intake.public_key())).unwrap();

    let answer = w.post_packet(genuine.clone()).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "a duplicate, not a conflict: {}",
        answer.text()
    );
    let receipt = receipt::verify(&answer.text(), Some(w.intake.public_key())).unwrap();
    receipt
        .check_for(&id, &canonical::sha256_hex_bytes(&genuine))
        .expect("the receipt names the genuine bytes");
    assert_eq!(
        receipt.received_at, first.received_at,
        "received when the copy came"
    );

    // Anything signed differently is still another packet: 409.
    let other = w.packet_with(&id, |m| m.period = "2025".into());
    let answer = w.post_packet(other).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.text());
}

/// An intake on SQLite serving the web app in `dir`, with no rate limit.
async fn serving(dir: &std::path::Path) -> crate::support::World {
    world_with(
        Db::Sqlite,
        Config {
            rate_limit: None,
            web: qingdan_intake::WebApp::Dir(dir.to_path_buf()),
            ..Config::default()
        },
    )
    .await
}
