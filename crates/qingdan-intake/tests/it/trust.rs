//! Who may sign what, at the intake: every case of `tests/data/trust/` sent
//! to a real intake (its template published, its units registered, its keys
//! enrolled and revoked as the case says) gets its status and code; a
//! revocation made by another process sharing the database counts at once;
//! revoked and expired admin tokens are refused; and a unit's latest packet
//! is the one received last, whatever date it claims.

use axum::http::{Method, StatusCode};
use qingdan_core::{Packet, bundled, keys};
use qingdan_intake::{Intake, Store};

use crate::support::{Db, UNIT, fresh_database, new_id, on_both, request, router, world};

#[path = "../../../qingdan-core/tests/common/trust_cases.rs"]
mod trust_cases;

on_both!(
    every_trust_case_gets_its_status_and_code,
    a_revocation_by_another_process_counts_at_once,
    revoked_and_expired_admin_tokens_get_401,
    enrollment_binds_a_name_and_every_unit_only_for_inspectors,
    the_latest_packet_is_the_one_received_last,
);

const AT: &str = "2026-11-23T08:00:00.000Z";

async fn every_trust_case_gets_its_status_and_code(db: Db) {
    for case in trust_cases::trust_cases() {
        let database = fresh_database(db).await;
        let store = Store::connect(&database).await.unwrap();
        let intake = std::sync::Arc::new(Intake::open(store, AT).await.unwrap());
        let json = bundled::find_version(&case.template, case.template_version)
            .unwrap()
            .json();
        intake.publish(json, AT).await.unwrap();
        // Every unit the case names, and its keys as they are stored (some
        // as an older intake allowed, which is why the store is used).
        let mut units: Vec<String> = case
            .enrollments
            .iter()
            .map(|e| e.unit.clone())
            .filter(|u| u != "*")
            .collect();
        for bytes in std::iter::once(&case.packet).chain(&case.inspection) {
            units.push(Packet::parse(bytes).unwrap().payload().unit.code.clone());
        }
        for unit in &units {
            intake.add_unit(unit, "某某镇党委", AT).await.unwrap();
        }
        for e in &case.enrollments {
            intake
                .store()
                .enroll_key(&e.unit, &e.role, &e.public_key, &e.name, AT)
                .await
                .unwrap();
        }
        for (key, at) in &case.revoked {
            intake.store().revoke_key(key, "test", at).await.unwrap();
        }
        let router = router(intake.clone());
        let post = |bytes: Vec<u8>| request(&router, Method::POST, "/api/v1/packets", bytes, None);
        if let Some(inspection) = &case.inspection {
            let answer = post(inspection.clone()).await;
            let what = format!("{}: the inspection: {}", case.name, answer.text());
            assert_eq!(answer.status, StatusCode::CREATED, "{what}");
        }
        let answer = post(case.packet.clone()).await;
        let what = format!("{}: {}", case.name, answer.text());
        assert_eq!(answer.status.as_u16(), case.status, "{what}");
        let code = (case.status >= 300).then(|| answer.problem_code());
        assert_eq!(code, case.code, "{what}");
        let stored = intake.store().packet_count().await.unwrap();
        let expected = usize::from(case.inspection.is_some()) + usize::from(case.status < 300);
        assert_eq!(stored, expected as i64, "{}: packets stored", case.name);
        intake.shutdown().await;
        intake.store().close().await;
    }
}

async fn a_revocation_by_another_process_counts_at_once(db: Db) {
    let w = world(db).await;
    // A second intake process on the same database.
    let other = Intake::open(Store::connect(&w.database).await.unwrap(), AT)
        .await
        .unwrap();
    let first = w.post_packet(w.packet(&new_id())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let principal = keys::encode_public_key(&w.keys[0].verifying_key());
    let (revoked_at, new) = other
        .revoke_key(&principal, "调离", &qingdan_intake::now())
        .await
        .unwrap();
    assert!(new);
    let refused = w.post_packet(w.packet(&new_id())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.problem_code(), "key-revoked");
    assert!(refused.text().contains(&revoked_at), "{}", refused.text());
    // What was received before stays: sent again, it gets its receipt.
    let resent = w
        .send(
            Method::GET,
            &format!("/api/v1/packets?unit={UNIT}"),
            vec![],
            true,
        )
        .await
        .json();
    assert_eq!(resent["total"], 1);
    let id = resent["packets"][0]["id"].as_str().unwrap().to_owned();
    let bytes = w.intake.store().packet_bytes(&id).await.unwrap().unwrap();
    let again = w.post_packet(bytes).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, first.body, "the first receipt");
    // Anyone can learn that the key is revoked; it is not enrolled again.
    let status = w
        .send(
            Method::GET,
            &format!("/api/v1/keys/{principal}"),
            vec![],
            false,
        )
        .await
        .json();
    assert_eq!(status["revoked_at"], revoked_at.as_str());
    assert_eq!(status["reason"], "调离");
    assert_eq!(status["enrollments"][0]["name"], "张三");
    let enrolled = w
        .intake
        .enroll(UNIT, "principal", &principal, "张三", AT)
        .await
        .unwrap_err();
    assert_eq!(enrolled.code().as_str(), "key-revoked");
    // Nor with a code: refused, and the code stays good for another key.
    let (code, _) = w
        .intake
        .issue_code(UNIT, "principal", chrono::Utc::now())
        .await
        .unwrap();
    let redeem = |key: &str| {
        format!(
            r#"{{"code": "{code}", "public_key": "{key}", "name": "张三", "role": "principal"}}"#
        )
        .into_bytes()
    };
    let refused = w
        .send(
            Method::POST,
            "/api/v1/enrollments",
            redeem(&principal),
            false,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.problem_code(), "key-revoked");
    let fresh = keys::encode_public_key(
        &qingdan_core::keys::SigningKey::from_bytes(&[8; 32]).verifying_key(),
    );
    let redeemed = w
        .send(Method::POST, "/api/v1/enrollments", redeem(&fresh), false)
        .await;
    assert_eq!(redeemed.status, StatusCode::CREATED, "{}", redeemed.text());
    // A key the intake has never seen, and one that is no key.
    let unseen = keys::encode_public_key(
        &qingdan_core::keys::SigningKey::from_bytes(&[99; 32]).verifying_key(),
    );
    let path = format!("/api/v1/keys/{unseen}");
    let answer = w.send(Method::GET, &path, vec![], false).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json = answer.json();
    assert_eq!(
        json["enrollments"],
        serde_json::json!([]),
        "enrolled nowhere"
    );
    assert!(json["revoked_at"].is_null());
    let bad = w.send(Method::GET, "/api/v1/keys/abc", vec![], false).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Revoking it again keeps the first time.
    let body = format!(r#"{{"public_key": "{principal}", "reason": "again"}}"#);
    let second = w
        .send(Method::POST, "/api/v1/revocations", body.into_bytes(), true)
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text());
    assert_eq!(second.json()["revoked_at"], revoked_at.as_str());
    other.shutdown().await;
}

async fn revoked_and_expired_admin_tokens_get_401(db: Db) {
    let w = world(db).await;
    let with = |token: String| {
        let router = w.router.clone();
        async move {
            let answer = request(
                &router,
                Method::GET,
                "/api/v1/packets",
                vec![],
                Some(&token),
            )
            .await;
            (answer.status, answer.text())
        }
    };
    let now = chrono::Utc::now();
    let (lasting, _) = w
        .intake
        .new_admin_token("张主任", Some(chrono::Duration::days(90)), now)
        .await
        .unwrap();
    assert_eq!(with(lasting.clone()).await.0, StatusCode::OK);
    let (expired, _) = w
        .intake
        .new_admin_token("临时", Some(chrono::Duration::zero()), now)
        .await
        .unwrap();
    let (status, body) = with(expired).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("expired"), "{body}");
    // Revoked by label, from another process; then by id.
    let other = Store::connect(&w.database).await.unwrap();
    let revoked = other
        .revoke_admin_tokens("张主任", &qingdan_intake::now())
        .await
        .unwrap();
    assert_eq!(revoked.len(), 1);
    let (status, body) = with(lasting).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("revoked"), "{body}");
    assert_eq!(with(w.token.clone()).await.0, StatusCode::OK);
    let tokens = other.admin_tokens().await.unwrap();
    let test = tokens.iter().find(|t| t.label == "test").unwrap();
    let by_id = other
        .revoke_admin_tokens(test.id(), &qingdan_intake::now())
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(with(w.token.clone()).await.0, StatusCode::UNAUTHORIZED);
    other.close().await;
}

async fn enrollment_binds_a_name_and_every_unit_only_for_inspectors(db: Db) {
    let w = world(db).await;
    let key = keys::encode_public_key(
        &qingdan_core::keys::SigningKey::from_bytes(&[9; 32]).verifying_key(),
    );
    let nameless = w
        .intake
        .enroll(UNIT, "principal", &key, " ", AT)
        .await
        .unwrap_err();
    assert!(nameless.to_string().starts_with("name:"), "{nameless}");
    let everywhere = w
        .intake
        .enroll("*", "principal", &key, "张三", AT)
        .await
        .unwrap_err();
    assert!(everywhere.to_string().starts_with("unit:"), "{everywhere}");
    let code = w
        .intake
        .issue_code("*", "supervisory", chrono::Utc::now())
        .await;
    assert!(
        code.is_err(),
        "no code enrolls a supervisory key for every unit"
    );
    // An inspector's code for every unit, redeemed by a device.
    let (code, _) = w
        .intake
        .issue_code("*", "inspector", chrono::Utc::now())
        .await
        .unwrap();
    let body = format!(
        r#"{{"code": "{code}", "public_key": "{key}", "name": "周八", "role": "inspector"}}"#
    );
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
    let status = w.intake.store().key_status(&key).await.unwrap();
    assert_eq!(status.enrollments[0].unit, "*");
    assert_eq!(status.enrollments[0].name, "周八");
}

async fn the_latest_packet_is_the_one_received_last(db: Db) {
    let w = world(db).await;
    // Received first, but dated later (within the clocks' leeway)...
    let later = chrono::Utc::now() + chrono::Duration::hours(20);
    let first = w.packet_with(&new_id(), |m| {
        m.created_at = later.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    });
    assert_eq!(w.post_packet(first).await.status, StatusCode::CREATED);
    // ... then a weaker one, dated a year earlier, received second.
    let mut weaker = serde_json::to_value(&w.responses).unwrap();
    weaker["1.1"]["answer"] = "not_done".into();
    let weaker = qingdan_core::Responses::parse(&w.template, &weaker.to_string()).unwrap();
    let second = w.packet_answering(&new_id(), &weaker, |m| {
        m.created_at = "2025-11-23T08:30:00Z".into();
    });
    assert_eq!(w.post_packet(second).await.status, StatusCode::CREATED);
    let path = "/api/v1/reports/ranking?template=bench-94&period=2026&kind=self-assessment";
    let ranking = w.send(Method::GET, path, vec![], true).await.json();
    let expected = qingdan_core::score(&w.template, &weaker, None)
        .total
        .to_string();
    assert_eq!(
        ranking["rows"][0]["total"],
        expected.as_str(),
        "{ranking:#}"
    );
    // Its signers, by the names their keys are enrolled under.
    assert_eq!(
        ranking["rows"][0]["signers"],
        serde_json::json!(["张三", "李四"])
    );
}
