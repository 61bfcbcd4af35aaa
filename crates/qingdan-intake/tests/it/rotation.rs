//! `qingdan intake rotate-key`: the intake signs with a new key from its
//! next start, the key before hands over to it in a signed rotation, and
//! every receipt signed before still verifies, on SQLite and PostgreSQL.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use qingdan_core::{canonical, receipt};
use qingdan_intake::{Intake, Store};

use crate::support::{Db, new_id, on_both, request, router, world};

on_both!(a_rotated_key_leaves_earlier_receipts_verifiable_and_devices_follow);

async fn a_rotated_key_leaves_earlier_receipts_verifiable_and_devices_follow(db: Db) {
    let w = world(db).await;
    let first_key = w.intake.public_key().to_owned();
    let id = new_id();
    let genuine = w.packet(&id);
    let before = w.post_packet(genuine.clone()).await;
    assert_eq!(before.status, StatusCode::CREATED, "{}", before.text());
    let before = before.text();

    let (retired, second_key) = w
        .intake
        .rotate_key("2026-12-01T09:00:00.000Z")
        .await
        .unwrap();
    assert_eq!(retired, first_key);
    assert_ne!(second_key, first_key);
    // A second rotation from an intake opened before the first is refused:
    // two processes cannot fork the chain.
    assert!(
        w.intake
            .rotate_key("2026-12-01T09:00:01.000Z")
            .await
            .is_err()
    );

    // The intake started again signs with the new key.
    let store = Store::connect(&w.database).await.unwrap();
    let intake = Arc::new(
        Intake::open(store, "2026-12-01T09:00:02.000Z")
            .await
            .unwrap(),
    );
    assert_eq!(intake.public_key(), second_key);
    assert_eq!(intake.earlier_keys(), std::slice::from_ref(&first_key));
    let app = router(intake.clone());

    // What it says of itself lets a device that pinned the first key follow.
    let about = request(&app, Method::GET, "/api/v1/intake", Vec::new(), None).await;
    let about = about.json();
    assert_eq!(about["public_key"], second_key.as_str());
    assert_eq!(about["earlier_keys"], serde_json::json!([first_key]));
    let rotations = about["rotations"].as_array().unwrap();
    assert_eq!(
        receipt::follow(&first_key, &second_key, rotations).unwrap(),
        std::slice::from_ref(&second_key)
    );

    // The same bytes again: the receipt given before, by the first key.
    let again = request(&app, Method::POST, "/api/v1/packets", genuine.clone(), None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(again.text(), before, "the receipt given the first time");
    let old = receipt::verify(&again.text(), Some(&first_key)).expect("the earlier key vouches");
    old.check_for(&id, &canonical::sha256_hex_bytes(&genuine))
        .unwrap();

    // A reformatted copy: the stored receipt (by the earlier key) is read
    // for its time, and a receipt by the new key names the copy's bytes.
    let mut copy: serde_json::Value = serde_json::from_slice(&genuine).unwrap();
    copy["signatures"].as_array_mut().unwrap().reverse();
    let copy = serde_json::to_vec(&copy).unwrap();
    let answer = request(&app, Method::POST, "/api/v1/packets", copy.clone(), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let renewed = receipt::verify(&answer.text(), Some(&second_key)).unwrap();
    renewed
        .check_for(&id, &canonical::sha256_hex_bytes(&copy))
        .unwrap();
    assert_eq!(renewed.received_at, old.received_at);

    // A new packet gets a receipt by the new key, and templates are signed by it.
    let fresh = request(
        &app,
        Method::POST,
        "/api/v1/packets",
        w.packet(&new_id()),
        None,
    )
    .await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text());
    receipt::verify(&fresh.text(), Some(&second_key)).unwrap();
    let path = format!(
        "/api/v1/templates/{}/{}",
        w.template.doc().id,
        w.template.doc().version
    );
    let served = request(&app, Method::GET, &path, Vec::new(), None).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text());
    let signature = served.headers["qingdan-signature"].to_str().unwrap();
    receipt::verify_template(&second_key, &served.body, signature).unwrap();
    assert!(receipt::verify_template(&first_key, &served.body, signature).is_err());
    intake.shutdown().await;
}
