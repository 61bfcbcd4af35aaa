//! What a clerk meets at the intake: the listings (units, keys, enrollment
//! codes, packets) read page by page, an inspector's enrollment code for
//! every unit, and an intake serving no app saying where things are.

use axum::http::{Method, StatusCode};
use qingdan_core::keys::{SigningKey, encode_public_key};
use qingdan_core::packet::{self, PacketKind};
use qingdan_intake::{PacketFilter, Redeem};

use crate::support::fixtures;
use crate::support::{Db, UNIT, World, new_id, on_both, world};

on_both!(
    units_keys_and_codes_are_listed_page_by_page_each_once,
    packets_are_listed_page_by_page_in_the_order_received,
    the_kinds_of_packets_a_period_holds_are_counted,
    an_inspector_code_for_every_unit_enrolls_a_key_that_signs_any_units_inspection,
    without_the_app_the_root_says_where_the_console_and_the_api_are,
    a_device_looks_a_unit_up_by_its_code_without_a_token,
);

const AT: &str = "2026-11-23T09:00:00.000Z";

async fn units_keys_and_codes_are_listed_page_by_page_each_once(db: Db) {
    let w = world(db).await;
    for (code, name) in [("510824-103", "丙镇党委"), ("510824-102", "乙镇党委")] {
        w.intake.add_unit(code, name, AT).await.unwrap();
    }
    let store = w.intake.store();
    let mut units = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.units_after(after.as_deref(), 2).await.unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.code.clone());
        units.extend(page);
    }
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, [UNIT, "510824-102", "510824-103"]);
    assert_eq!(units[2].name, "丙镇党委");
    assert_eq!(units[2].created_at, AT);

    // A revoked key is listed with its revocation.
    let principal = encode_public_key(&w.keys[0].verifying_key());
    w.intake.revoke_key(&principal, "调离", AT).await.unwrap();
    let mut keys = Vec::new();
    let mut after = None;
    loop {
        let page = store.keys_after(after.as_ref(), 3).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.cursor());
        keys.extend(page);
    }
    assert_eq!(keys.len(), 4, "{keys:?}");
    let by_unit: Vec<(&str, &str, &str)> = keys
        .iter()
        .map(|k| (k.unit.as_str(), k.role.as_str(), k.name.as_str()))
        .collect();
    // Every unit's inspectors (`*`) sort first, then the unit's keys by role.
    assert_eq!(
        by_unit[2..],
        [(UNIT, "principal", "张三"), (UNIT, "supervisory", "李四")]
    );
    assert!(
        by_unit[..2]
            .iter()
            .all(|(u, r, _)| *u == "*" && *r == "inspector")
    );
    let revoked: Vec<_> = keys.iter().filter(|k| k.revoked_at.is_some()).collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].public_key, principal);
    assert_eq!(revoked[0].revoked_at.as_deref(), Some(AT));

    let now = chrono::Utc::now();
    let mut issued = Vec::new();
    for (unit, role) in [
        (UNIT, "principal"),
        ("*", "inspector"),
        ("510824-102", "supervisory"),
    ] {
        issued.push(w.intake.issue_code(unit, role, now).await.unwrap().0);
    }
    let device = encode_public_key(&SigningKey::from_bytes(&[21; 32]).verifying_key());
    let redeemed = w
        .intake
        .redeem(
            &issued[1],
            &device,
            "周八",
            Some("inspector"),
            &qingdan_intake::now(),
        )
        .await
        .unwrap();
    assert!(matches!(redeemed, Redeem::Enrolled { .. }), "{redeemed:?}");
    let mut codes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.codes_after(after.as_deref(), 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.hash.clone());
        codes.extend(page);
    }
    assert_eq!(codes.len(), 3, "{codes:?}");
    let mut seen: Vec<(&str, &str)> = codes
        .iter()
        .map(|c| (c.unit.as_str(), c.role.as_str()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("*", "inspector"),
            (UNIT, "principal"),
            ("510824-102", "supervisory")
        ]
    );
    let used: Vec<_> = codes.iter().filter(|c| c.redeemed_at.is_some()).collect();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].unit, "*");
    assert_eq!(used[0].public_key.as_deref(), Some(device.as_str()));
    // The listing never carries the code, nor its hash.
    let json = serde_json::to_string(&codes).unwrap();
    for code in &issued {
        assert!(!json.contains(code.as_str()));
    }
    assert!(!json.contains(&codes[0].hash));
}

async fn packets_are_listed_page_by_page_in_the_order_received(db: Db) {
    let w = world(db).await;
    let mut sent = Vec::new();
    for _ in 0..5 {
        let id = new_id();
        assert_eq!(
            w.post_packet(w.packet(&id)).await.status,
            StatusCode::CREATED
        );
        sent.push(id);
    }
    let inspection = new_id();
    let answer = w
        .post_packet(w.inspection(&inspection, &w.responses, |_| {}))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let store = w.intake.store();
    let list = |filter: PacketFilter| async move {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .packets_after(&filter, after.as_ref(), 2)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.cursor());
            all.extend(page);
        }
        all
    };
    let everything = list(PacketFilter::default()).await;
    let ids: Vec<&str> = everything.iter().map(|p| p.id.as_str()).collect();
    let mut expected: Vec<&str> = sent.iter().map(String::as_str).collect();
    expected.push(&inspection);
    assert_eq!(ids, expected);
    assert!(
        everything
            .windows(2)
            .all(|p| p[0].received_at <= p[1].received_at)
    );
    let own = list(PacketFilter {
        kind: Some("self-assessment".into()),
        unit: Some(UNIT.into()),
        period: Some("2026".into()),
        template: Some(w.template.id().into()),
    })
    .await;
    assert_eq!(own.len(), 5);
    let inspections = list(PacketFilter {
        kind: Some("inspection".into()),
        ..PacketFilter::default()
    })
    .await;
    assert_eq!(inspections.len(), 1);
    assert_eq!(inspections[0].id, inspection);
    assert!(
        list(PacketFilter {
            period: Some("2025".into()),
            ..PacketFilter::default()
        })
        .await
        .is_empty()
    );
}

async fn the_kinds_of_packets_a_period_holds_are_counted(db: Db) {
    let w = world(db).await;
    let (id, version) = (w.template.id().to_owned(), w.template.version());
    let store = w.intake.store();
    assert!(
        store
            .packet_kinds(&id, version, "2026")
            .await
            .unwrap()
            .is_empty()
    );
    for _ in 0..2 {
        w.post_packet(w.packet(&new_id())).await;
    }
    assert_eq!(
        store.packet_kinds(&id, version, "2026").await.unwrap(),
        [("self-assessment".to_owned(), 2)]
    );
    w.post_packet(w.inspection(&new_id(), &w.responses, |_| {}))
        .await;
    assert_eq!(
        store.packet_kinds(&id, version, "2026").await.unwrap(),
        [
            ("inspection".to_owned(), 1),
            ("self-assessment".to_owned(), 2)
        ]
    );
    assert!(
        store
            .packet_kinds(&id, version, "2025")
            .await
            .unwrap()
            .is_empty()
    );
}

/// Issue 18: an inspector's tablet enrolls with a code for every unit
/// (`*`), and its key then signs inspections of any registered unit; a
/// unit's own roles still take a code for one unit.
async fn an_inspector_code_for_every_unit_enrolls_a_key_that_signs_any_units_inspection(db: Db) {
    let w = world(db).await;
    w.intake
        .add_unit("510824-102", "乙镇党委", AT)
        .await
        .unwrap();
    for role in ["principal", "supervisory"] {
        let refused = w
            .intake
            .issue_code("*", role, chrono::Utc::now())
            .await
            .unwrap_err();
        assert!(refused.to_string().starts_with("unit:"), "{refused}");
    }
    let body = serde_json::json!({"unit": "*", "role": "inspector"}).to_string();
    let issued = w
        .send(
            Method::POST,
            "/api/v1/enrollment-codes",
            body.into_bytes(),
            true,
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let code = issued.json()["code"].as_str().unwrap().to_owned();

    let key = SigningKey::from_bytes(&[31; 32]);
    let public = encode_public_key(&key.verifying_key());
    let body = serde_json::json!({
        "code": code, "public_key": public, "name": "孙七", "role": "inspector"
    })
    .to_string();
    let redeemed = w
        .send(
            Method::POST,
            "/api/v1/enrollments",
            body.into_bytes(),
            false,
        )
        .await;
    assert_eq!(redeemed.status, StatusCode::CREATED, "{}", redeemed.text());
    assert_eq!(redeemed.json()["unit"]["code"], "*");
    assert_eq!(redeemed.json()["role"], "inspector");
    let status = w.intake.store().key_status(&public).await.unwrap();
    assert_eq!(status.enrollments.len(), 1);
    assert_eq!(status.enrollments[0].unit, "*");
    assert_eq!(status.enrollments[0].role, "inspector");

    for (unit, name) in [(UNIT, "某某镇党委"), ("510824-102", "乙镇党委")] {
        let mut meta = fixtures::meta(vec![fixtures::signer("inspector", "孙七", &key)]);
        meta.id = new_id();
        meta.kind = PacketKind::Inspection;
        meta.unit.code = unit.into();
        meta.unit.name = name.into();
        let mut p = packet::new_packet(&w.template, &w.responses, meta).unwrap();
        p.sign(&key).unwrap();
        let answer = w.post_packet(packet::to_file_text(&p).into_bytes()).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{unit}: {}",
            answer.text()
        );
    }
    // The same key never signs a unit's own packet.
    let own = own_packet_signed_by(&w, &key);
    let refused = w.post_packet(own).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.problem_code(), "key-not-enrolled");
}

/// A self-assessment listing the inspector's key as the principal.
fn own_packet_signed_by(w: &World, key: &SigningKey) -> Vec<u8> {
    let mut meta = fixtures::meta(vec![
        fixtures::signer("principal", "孙七", key),
        fixtures::signer("supervisory", "李四", &w.keys[1]),
    ]);
    meta.id = new_id();
    let mut p = packet::new_packet(&w.template, &w.responses, meta).unwrap();
    p.sign(key).unwrap();
    p.sign(&w.keys[1]).unwrap();
    packet::to_file_text(&p).into_bytes()
}

/// Issue 18: `qingdan serve` without `--web` answered `/` with a bare 404.
async fn without_the_app_the_root_says_where_the_console_and_the_api_are(db: Db) {
    let w = world(db).await;
    let root = w.send(Method::GET, "/", Vec::new(), false).await;
    assert_eq!(root.status, StatusCode::OK);
    assert!(
        root.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = root.text();
    for place in ["/console/", "/api/v1", "--web web/dist"] {
        assert!(page.contains(place), "{place} in {page}");
    }
    assert!(!page.contains("/dashboard"), "no dead link: {page}");
    // The old dashboard's address leads to the console's reports.
    let dashboard = w.send(Method::GET, "/dashboard", Vec::new(), false).await;
    assert_eq!(dashboard.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(dashboard.headers["location"], "/console/#/reports");
    // Anything else is still not found.
    let other = w.send(Method::GET, "/index.html", Vec::new(), false).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

async fn a_device_looks_a_unit_up_by_its_code_without_a_token(db: Db) {
    let w = world(db).await;
    let found = w
        .send(
            Method::GET,
            &format!("/api/v1/units/{UNIT}"),
            Vec::new(),
            false,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    let unit = found.json();
    assert_eq!(unit["code"], UNIT);
    assert_eq!(unit["registered"], true);
    assert!(
        !unit["name"].as_str().unwrap().is_empty(),
        "the registered name: {unit}"
    );

    let mistyped = w
        .send(Method::GET, "/api/v1/units/510824-011", Vec::new(), false)
        .await;
    assert_eq!(mistyped.status, StatusCode::OK, "an answer, not a failure");
    assert_eq!(
        mistyped.json(),
        serde_json::json!({"code": "510824-011", "registered": false})
    );
}
