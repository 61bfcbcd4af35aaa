//! Files attached to packets, over the API on SQLite and PostgreSQL: sent
//! before or after their packet; a packet whose files are not all kept is
//! refused 409 `attachments-missing` naming them (and stores nothing), and
//! goes through once they are, sending only what is missing; a body that
//! is not the file its address names, a file that is no photo or PDF, or
//! one past the limit is refused; a file sent twice is kept once; a file
//! is read back, exact, through its packet, by an administrator only.

use axum::http::{Method, StatusCode};
use qingdan_core::attachments::{self, Attachment};

use crate::support::{Db, World, new_id, on_both, world};

on_both!(
    files_sent_first_then_the_packet_are_kept_and_read_back_exactly_through_it,
    a_packet_sent_before_its_files_is_refused_naming_them_and_goes_through_once_they_are,
    a_file_not_its_address_not_a_photo_or_pdf_or_too_large_is_refused,
    files_waiting_for_their_packets_are_bounded_and_named_ones_make_room,
);

/// A PNG of `n` bytes (its first bytes a PNG's, the rest `fill`).
fn png(n: usize, fill: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.resize(n, fill);
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec()
}

/// The entry of `bytes` as the `i`-th file, on the checklist's first item.
fn entry(w: &World, i: usize, name: &str, media_type: &str, bytes: &[u8]) -> Attachment {
    let (_, item) = w.template.items().next().unwrap();
    Attachment {
        id: (i + 1).to_string(),
        item: item.id.clone(),
        finding: None,
        name: name.into(),
        media_type: media_type.into(),
        size: bytes.len() as u64,
        sha256: attachments::digest(bytes),
    }
}

/// A signed self-assessment naming a photo and a PDF; its id, bytes and
/// the two files.
fn packet_with_files(w: &World) -> (String, Vec<u8>, [Vec<u8>; 2]) {
    let id = new_id();
    let files = [png(5000, 7), pdf()];
    let entries = vec![
        entry(w, 0, "谈话记录.png", "image/png", &files[0]),
        entry(w, 1, "工作计划.pdf", "application/pdf", &files[1]),
    ];
    let bytes = w.packet_with(&id, |m| m.attachments = entries);
    (id, bytes, files)
}

fn file_path(id: &str, bytes: &[u8]) -> String {
    format!(
        "/api/v1/packets/{id}/attachments/{}",
        attachments::digest(bytes)
    )
}

async fn held(w: &World) -> i64 {
    w.intake.store().packet_count().await.unwrap()
}

async fn files_sent_first_then_the_packet_are_kept_and_read_back_exactly_through_it(db: Db) {
    let w = world(db).await;
    let (id, packet, files) = packet_with_files(&w);
    for file in &files {
        let put = w
            .send(Method::PUT, &file_path(&id, file), file.clone(), false)
            .await;
        assert_eq!(put.status, StatusCode::CREATED, "{}", put.text());
    }
    // Sent again (a device that lost the answer): kept once.
    let again = w
        .send(
            Method::PUT,
            &file_path(&id, &files[0]),
            files[0].clone(),
            false,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    let stored = w.post_packet(packet).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());

    for file in &files {
        let read = w
            .send(Method::GET, &file_path(&id, file), Vec::new(), true)
            .await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(&read.body, file, "the exact bytes");
    }
    let read = w
        .send(Method::GET, &file_path(&id, &files[1]), Vec::new(), true)
        .await;
    assert_eq!(read.headers["content-type"], "application/pdf");
    // Not without an administrator's rights; not through another packet.
    let nobody = w
        .send(Method::GET, &file_path(&id, &files[0]), Vec::new(), false)
        .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let other = w
        .send(
            Method::GET,
            &file_path(&new_id(), &files[0]),
            Vec::new(),
            true,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(held(&w).await, 1);

    // The console's score sheet lists them, by digest, as the packet names them.
    let sheet = w
        .send(
            Method::GET,
            &format!("/api/v1/packets/{id}/sheet"),
            Vec::new(),
            true,
        )
        .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.text());
    let sheet: serde_json::Value = serde_json::from_slice(&sheet.body).unwrap();
    let listed: Vec<&str> = sheet["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sha256"].as_str().unwrap())
        .collect();
    let digests: Vec<String> = files.iter().map(|f| attachments::digest(f)).collect();
    assert_eq!(listed, digests);
}

async fn a_packet_sent_before_its_files_is_refused_naming_them_and_goes_through_once_they_are(
    db: Db,
) {
    let w = world(db).await;
    let (id, packet, files) = packet_with_files(&w);
    let refused = w.post_packet(packet.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.problem_code(), "attachments-missing");
    let problem = refused.json();
    let missing: Vec<&str> = problem["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let digests = files.each_ref().map(|f| attachments::digest(f));
    assert_eq!(missing, [digests[0].as_str(), digests[1].as_str()]);
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("payload.attachments[0] (谈话记录.png)") && detail.contains(&digests[1]),
        "{detail}"
    );
    assert_eq!(held(&w).await, 0, "nothing stored");

    // One file sent, then the upload broke: the packet names what is still
    // missing, and only that is sent.
    let put = w
        .send(
            Method::PUT,
            &file_path(&id, &files[0]),
            files[0].clone(),
            false,
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let still = w.post_packet(packet.clone()).await;
    assert_eq!(still.problem_code(), "attachments-missing");
    assert_eq!(still.json()["missing"], serde_json::json!([digests[1]]));
    let put = w
        .send(
            Method::PUT,
            &file_path(&id, &files[1]),
            files[1].clone(),
            false,
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let stored = w.post_packet(packet.clone()).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let duplicate = w.post_packet(packet).await;
    assert_eq!(duplicate.status, StatusCode::OK, "{}", duplicate.text());
    assert_eq!(held(&w).await, 1);
}

async fn a_file_not_its_address_not_a_photo_or_pdf_or_too_large_is_refused(db: Db) {
    let w = world(db).await;
    let id = new_id();
    let photo = png(3000, 1);
    // The bytes of one file at the address of another.
    let other = png(3000, 2);
    let wrong = w
        .send(Method::PUT, &file_path(&id, &other), photo.clone(), false)
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text()
    );
    assert!(wrong.text().contains("SHA-256"), "{}", wrong.text());
    let odd = w
        .send(
            Method::PUT,
            &format!("/api/v1/packets/{id}/attachments/xyz"),
            photo.clone(),
            false,
        )
        .await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
    let text = b"just some text".to_vec();
    let not_photo = w
        .send(Method::PUT, &file_path(&id, &text), text, false)
        .await;
    assert_eq!(
        not_photo.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        not_photo.text()
    );
    // Past the limit (10 MiB a file by default), however it is sent.
    let big = png(10 * 1024 * 1024 + 1, 3);
    let too_large = w.send(Method::PUT, &file_path(&id, &big), big, false).await;
    assert_eq!(
        too_large.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_large.text()
    );
    assert_eq!(too_large.problem_code(), "too-large");
    // None of them kept.
    assert!(
        w.intake
            .store()
            .kept_files(&[attachments::digest(&photo)])
            .await
            .unwrap()
            .is_empty()
    );

    // A packet naming a file larger than the limit: refused by its entry.
    let mut huge = entry(&w, 0, "scan.pdf", "application/pdf", &pdf());
    huge.size = 11 * 1024 * 1024;
    let packet = w.packet_with(&new_id(), |m| m.attachments = vec![huge]);
    let refused = w.post_packet(packet).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("payload.attachments[0].size"),
        "{}",
        refused.text()
    );
}

/// A stranger can make the intake keep only so many files no packet names
/// (20 packets' worth): past that a new file is refused 503 with a wait,
/// one kept already is still taken, and a packet naming waiting files
/// makes room; files no packet names are let go a day after they came.
async fn files_waiting_for_their_packets_are_bounded_and_named_ones_make_room(db: Db) {
    let w = world(db).await;
    let small = attachments::Limits {
        per_file: 4000,
        per_packet: 500,
    };
    // The same database through an intake with small limits: 20 packets
    // of 500 bytes, 10,000 bytes of files may wait.
    let store = qingdan_intake::Store::connect(&w.database).await.unwrap();
    let intake = std::sync::Arc::new(
        qingdan_intake::Intake::open(store, "2026-12-01T08:00:00.000Z")
            .await
            .unwrap()
            .with_file_limits(small),
    );
    let router = crate::support::router(intake.clone());
    let put = async |bytes: &[u8]| {
        let path = file_path(&new_id(), bytes);
        crate::support::request(&router, Method::PUT, &path, bytes.to_vec(), None).await
    };
    let files: Vec<Vec<u8>> = (0..4).map(|i| png(3000, i)).collect();
    for file in &files[..3] {
        assert_eq!(put(file).await.status, StatusCode::CREATED);
    }
    let refused = put(&files[3]).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text()
    );
    assert!(refused.headers.contains_key("retry-after"));
    assert!(
        refused.text().contains("waiting for their packets"),
        "{}",
        refused.text()
    );
    assert_eq!(
        put(&files[0]).await.status,
        StatusCode::OK,
        "one kept already is taken"
    );

    // A packet names the first file: it waits no more.
    let named = entry(&w, 0, "a.png", "image/png", &files[0]);
    let packet = w.packet_with(&new_id(), |m| m.attachments = vec![named]);
    let stored = w.post_packet(packet).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    assert_eq!(
        put(&files[3]).await.status,
        StatusCode::CREATED,
        "room was made"
    );

    // A day later, the files no packet names are let go, the named one kept.
    let later = chrono::Utc::now() + chrono::Duration::days(2);
    assert_eq!(intake.forget_unnamed_files(later).await.unwrap(), 3);
    let digests: Vec<String> = files.iter().map(|f| attachments::digest(f)).collect();
    assert_eq!(
        intake.store().kept_files(&digests).await.unwrap(),
        [digests[0].clone()]
    );
}
