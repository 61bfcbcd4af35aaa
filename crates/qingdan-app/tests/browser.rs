//! The app's storage layer and key vault, in a real browser (headless
//! Chromium via wasm-pack test): IndexedDB round trips and reopening, and
//! keys sealed under a PIN that only that PIN opens.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use qingdan_app::model::{self, Assessment, ItemInput, Settings, Status};
use qingdan_app::store::{ASSESSMENTS, Durability, KEYS, SETTINGS, Store};
use qingdan_app::vault::{self, ITERATIONS, VaultError};
use qingdan_core::packet::{PacketKind, Signer, Unit};
use qingdan_core::{Template, bundled};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database of its own for each test.
async fn fresh_store(name: &str) -> Store {
    let name = format!("qingdan-test-{name}-{}", js_sys::Math::random());
    Store::open(&name).await.expect("IndexedDB opens")
}

fn assessment(id: &str) -> Assessment {
    Assessment {
        id: id.into(),
        template_id: "jiandu-zeren".into(),
        template_version: 1,
        unit: Unit {
            code: "GX-001".into(),
            name: "某某镇纪委".into(),
        },
        subject: None,
        period: "2026".into(),
        kind: PacketKind::SelfAssessment,
        inputs: BTreeMap::new(),
        status: Status::Draft,
        created_at: "2026-11-23T08:00:00Z".into(),
        updated_at: "2026-11-23T08:00:00Z".into(),
        signers: vec![],
        packet: None,
        findings: Vec::new(),
        inspection: None,
        rectifications: BTreeMap::new(),
        note: String::new(),
        attachments: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn an_answer_written_is_read_back_exactly() {
    let store = fresh_store("roundtrip").await;
    let mut a = assessment("a-1");
    a.inputs.insert(
        "1.1".into(),
        ItemInput {
            choice: Some("done".into()),
            note: "见 2026 年会议纪要（第 3 号）".into(),
            ..ItemInput::default()
        },
    );
    a.inputs.insert(
        "2.1".into(),
        ItemInput {
            value: "3".into(),
            ..ItemInput::default()
        },
    );
    store
        .put(ASSESSMENTS, &a, Durability::Strict)
        .await
        .unwrap();
    assert_eq!(store.assessment("a-1").await.unwrap(), Some(a.clone()));

    // The next answer replaces the record; nothing else changes.
    a.inputs.insert(
        "1.2".into(),
        ItemInput {
            na: true,
            ..ItemInput::default()
        },
    );
    store
        .put(ASSESSMENTS, &a, Durability::Default)
        .await
        .unwrap();
    let all = store.assessments().await.unwrap();
    assert_eq!(all, vec![a]);
    assert_eq!(store.assessment("missing").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening_the_database() {
    let name = format!("qingdan-test-reopen-{}", js_sys::Math::random());
    let store = Store::open(&name).await.unwrap();
    store
        .put(ASSESSMENTS, &assessment("kept"), Durability::Strict)
        .await
        .unwrap();
    let settings = Settings {
        lang: "en".into(),
        persist_asked: true,
        ..Settings::default()
    };
    store
        .put(SETTINGS, &settings, Durability::Strict)
        .await
        .unwrap();
    store.close();

    let store = Store::open(&name).await.unwrap();
    assert_eq!(
        store.assessment("kept").await.unwrap().map(|a| a.unit.name),
        Some("某某镇纪委".into())
    );
    assert_eq!(store.settings().await.unwrap(), settings);

    // Start-up reads the same in one transaction.
    let (started, templates, assessments) = store.startup().await.unwrap();
    assert_eq!(started, settings);
    assert!(templates.is_empty());
    assert_eq!(assessments.len(), 1);
}

#[wasm_bindgen_test]
async fn settings_default_to_chinese() {
    let store = fresh_store("settings").await;
    assert_eq!(store.settings().await.unwrap().lang, "zh");
}

#[wasm_bindgen_test]
async fn a_key_opens_only_with_its_pin_and_is_never_stored_in_the_clear() {
    let sealed = vault::generate("张三", "principal", "24681357")
        .await
        .unwrap();
    assert_eq!(sealed.iterations, ITERATIONS);
    assert!(
        sealed.iterations >= 600_000,
        "PBKDF2 needs at least 600,000 iterations"
    );

    let key = vault::open(&sealed, "24681357")
        .await
        .expect("the right PIN opens it");
    assert_eq!(
        qingdan_core::keys::encode_public_key(&key.verifying_key()),
        sealed.public_key
    );
    assert_eq!(
        vault::open(&sealed, "24681358").await.unwrap_err(),
        VaultError::WrongPin
    );
    assert_eq!(
        vault::open(&sealed, "").await.unwrap_err(),
        VaultError::WrongPin
    );

    // What is stored holds neither the seed nor anything it can be read from
    // without the PIN.
    let store = fresh_store("keys").await;
    store.put(KEYS, &sealed, Durability::Strict).await.unwrap();
    let stored = store.keys().await.unwrap();
    assert_eq!(stored, vec![sealed.clone()]);
    let text = serde_json::to_string(&stored).unwrap();
    let seed = qingdan_core::keys::encode(&key.to_bytes());
    assert!(!text.contains(&seed), "the seed is stored in the clear");
    assert_ne!(sealed.sealed_seed, seed);
}

#[wasm_bindgen_test]
async fn the_same_pin_seals_differently_each_time() {
    let a = vault::generate("李四", "supervisory", "13579abc")
        .await
        .unwrap();
    let key = vault::open(&a, "13579abc").await.unwrap();
    let b = vault::seal(&key, "李四", "supervisory", "13579abc")
        .await
        .unwrap();
    assert_eq!(a.public_key, b.public_key);
    assert_ne!(a.salt, b.salt);
    assert_ne!(a.sealed_seed, b.sealed_seed);
}

#[wasm_bindgen_test]
async fn a_short_pin_is_refused() {
    assert_eq!(
        vault::generate("王五", "inspector", "12345")
            .await
            .unwrap_err(),
        VaultError::PinTooShort
    );
}

#[wasm_bindgen_test]
async fn a_key_file_moves_to_another_device_still_sealed() {
    let sealed = vault::generate("赵六", "inspector", "pass-phrase")
        .await
        .unwrap();
    let file = serde_json::to_string_pretty(&sealed).unwrap();
    let read = vault::read_key_file(&file).unwrap();
    assert_eq!(read, sealed);
    assert!(vault::open(&read, "pass-phrase").await.is_ok());

    let mut swapped = sealed.clone();
    swapped.fingerprint = "0000000000000000".into();
    let swapped = serde_json::to_string(&swapped).unwrap();
    assert!(
        matches!(vault::read_key_file(&swapped), Err(VaultError::BadKeyFile(m)) if m.contains("fingerprint"))
    );
    let weak = file.replace("600000", "1000");
    assert!(
        matches!(vault::read_key_file(&weak), Err(VaultError::BadKeyFile(m)) if m.contains("iterations"))
    );
    // A file that would hold the tab for an hour at each signature is
    // refused when it is read, before any key is derived.
    let endless = file.replace("600000", "1000000000");
    assert!(
        matches!(vault::read_key_file(&endless), Err(VaultError::BadKeyFile(m)) if m.contains("1000000000"))
    );
    assert!(matches!(
        vault::read_key_file("{}"),
        Err(VaultError::BadKeyFile(_))
    ));
}

#[wasm_bindgen_test]
async fn two_sealed_keys_sign_a_packet_that_verifies() {
    let template = Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
    let principal = vault::generate("张三", "principal", "31415926")
        .await
        .unwrap();
    let supervisory = vault::generate("李四", "supervisory", "27182818")
        .await
        .unwrap();
    let signer = |k: &vault::SealedKey| Signer {
        role: k.role.clone(),
        name: k.name.clone(),
        public_key: k.public_key.clone(),
    };
    let mut packet = model::make_packet(
        &template,
        &assessment("p-1"),
        "0b7f5c7e-3c4a-4d6e-9f51-6a3c2b1d0e9f".into(),
        "2026-11-23T08:00:00Z".into(),
        vec![signer(&principal), signer(&supervisory)],
    )
    .unwrap();
    packet
        .sign(&vault::open(&principal, "31415926").await.unwrap())
        .unwrap();
    assert!(
        packet.verify(Some(&template)).is_err(),
        "one of two signatures is not enough"
    );
    packet
        .sign(&vault::open(&supervisory, "27182818").await.unwrap())
        .unwrap();
    packet.verify(Some(&template)).expect("both signed");
}

fn packet_record(id: &str) -> model::PacketRecord {
    model::PacketRecord {
        id: id.into(),
        assessment_id: "a-1".into(),
        text: format!("{{\"payload\":{{\"id\":\"{id}\"}}}}\n"),
        signed_at: "2026-11-23T09:00:00Z".into(),
    }
}

#[wasm_bindgen_test]
async fn a_queued_packet_is_in_the_outbox_until_its_receipt_is_kept() {
    use qingdan_app::sync::{OutboxEntry, ReceiptRecord};
    let store = fresh_store("outbox").await;
    let record = packet_record("p-1");
    let entry = OutboxEntry::new("p-1", "a-1", &record.text, "2026-11-23T09:00:00Z");
    store.queue(&record, &entry).await.unwrap();
    assert_eq!(store.packet_ids().await.unwrap(), vec!["p-1".to_owned()]);
    let queued = store.snapshot().await.unwrap();
    assert_eq!(queued.outbox, vec![entry.clone()]);
    assert_eq!(queued.waiting(), 1);

    let receipt = ReceiptRecord {
        packet_id: "p-1".into(),
        assessment_id: "a-1".into(),
        received_at: "2026-11-23T09:00:01.250Z".into(),
        packet_sha256: entry.sha256.clone(),
        text: "{}".into(),
    };
    store.settle(&receipt).await.unwrap();
    let settled = store.snapshot().await.unwrap();
    assert!(settled.outbox.is_empty(), "out of the outbox");
    assert_eq!(settled.receipts, vec![receipt]);
    assert_eq!(
        settled.for_assessment("a-1").unwrap().1.as_str(),
        "received"
    );
    // The packet itself stays on the device.
    assert_eq!(store.packet_ids().await.unwrap(), vec!["p-1".to_owned()]);
}

#[wasm_bindgen_test]
async fn the_enrolled_intake_is_kept_apart_from_the_other_settings() {
    use qingdan_app::sync::{Enrollment, IntakeLink};
    let store = fresh_store("link").await;
    assert_eq!(store.intake_link().await.unwrap(), None);
    let link = IntakeLink {
        url: "https://intake.example".into(),
        key: "k".repeat(43),
        enrollments: vec![Enrollment {
            fingerprint: "0123-4567-89ab-cdef".into(),
            unit: Unit {
                code: "510824-101".into(),
                name: "某某镇党委".into(),
            },
            role: "principal".into(),
            enrolled_at: "2026-11-23T09:00:00Z".into(),
            revoked_at: None,
        }],
        // Keys the intake signed with before a rotation are kept with it.
        earlier: vec!["e".repeat(43)],
    };
    store.set_intake_link(Some(&link)).await.unwrap();
    // Saving the settings (as the language switch does) leaves it alone.
    store
        .put(SETTINGS, &Settings::default(), Durability::Default)
        .await
        .unwrap();
    assert_eq!(store.intake_link().await.unwrap(), Some(link));
    assert_eq!(store.settings().await.unwrap(), Settings::default());
    store.set_intake_link(None).await.unwrap();
    assert_eq!(store.intake_link().await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_version_1_database_is_upgraded_with_its_records_kept() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    let name = format!("qingdan-test-upgrade-{}", js_sys::Math::random());
    // The schema of version 1, with a packet signed then.
    let old = Database::open(&name)
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db: Database| {
            for (store, key) in [
                ("templates", "key"),
                ("assessments", "id"),
                ("packets", "id"),
                ("keys", "fingerprint"),
                ("settings", "id"),
            ] {
                db.create_object_store(store)
                    .with_key_path(key.into())
                    .build()?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let value =
        js_sys::JSON::parse(&serde_json::to_string(&packet_record("p-old")).unwrap()).unwrap();
    let tx = old
        .transaction("packets")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store("packets")
        .unwrap()
        .put(value)
        .primitive()
        .unwrap();
    tx.commit().await.unwrap();
    old.close();

    let store = Store::open(&name).await.unwrap();
    assert_eq!(store.packet_ids().await.unwrap(), vec!["p-old".to_owned()]);
    assert_eq!(
        store.snapshot().await.unwrap().outbox,
        vec![],
        "the new stores are there, empty"
    );
    assert_eq!(
        store.file("a/0").await.unwrap(),
        None,
        "and the files store"
    );
}

#[wasm_bindgen_test]
async fn a_files_bytes_are_kept_exactly_apart_from_the_assessment_and_survive_reopening() {
    use qingdan_app::store::{FILES, file_key};
    let name = format!("qingdan-test-files-{}", js_sys::Math::random());
    let store = Store::open(&name).await.unwrap();
    // A photo's worth of every byte value.
    let photo: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let key = file_key("a-1", &qingdan_core::attachments::digest(&photo));
    store.put_file(&key, &photo).await.unwrap();
    store
        .put(ASSESSMENTS, &assessment("a-1"), Durability::Strict)
        .await
        .unwrap();
    store.close();

    let store = Store::open(&name).await.unwrap();
    assert_eq!(
        store.file(&key).await.unwrap().as_deref(),
        Some(photo.as_slice())
    );
    assert_eq!(store.file(&file_key("a-2", "0")).await.unwrap(), None);
    // The assessments are read without the files' bytes.
    let (_, _, assessments) = store.startup().await.unwrap();
    assert_eq!(assessments.len(), 1);
    store.delete(FILES, &key).await.unwrap();
    assert_eq!(store.file(&key).await.unwrap(), None, "let go");
}
