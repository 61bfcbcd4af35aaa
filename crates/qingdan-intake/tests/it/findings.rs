//! Inspection findings at the intake: an inspection with two findings, the
//! unit's rectification of one, and the findings list and report exports
//! that show one closed and one open — overdue once the day asked about is
//! past its deadline.

use std::io::Read as _;

use axum::http::{Method, StatusCode};
use qingdan_core::findings::{Finding, Rectification, RectificationStatus};
use qingdan_core::keys::{SigningKey, encode_public_key};
use qingdan_core::packet::{self, Packet, PacketKind, RectificationMeta};
use qingdan_core::{Responses, Template, bundled};

use crate::support::fixtures;
use crate::support::{Db, UNIT, World, new_id, on_both, world};

on_both!(
    a_rectified_finding_closes_and_the_other_goes_overdue_after_its_deadline,
    a_rectification_must_answer_a_stored_inspection_of_its_unit,
);

const INSPECTOR: u8 = 7;

/// Publishes the bundled inspection checklist and enrolls an inspector.
async fn inspectors(world: &World) -> Template {
    let json = bundled::find("jiancha-kaohe").unwrap().json();
    world
        .intake
        .publish(json, "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    let key = SigningKey::from_bytes(&[INSPECTOR; 32]);
    world
        .intake
        .enroll(
            "*",
            "inspector",
            &encode_public_key(&key.verifying_key()),
            "赵六",
            "2026-11-23T08:00:00.000Z",
        )
        .await
        .unwrap();
    Template::parse(json).unwrap()
}

fn inspection(template: &Template, id: &str) -> Packet {
    let key = SigningKey::from_bytes(&[INSPECTOR; 32]);
    let mut meta = fixtures::meta(vec![fixtures::signer("inspector", "赵六", &key)]);
    meta.id = id.to_owned();
    meta.kind = PacketKind::Inspection;
    meta.findings = [("1", "1.1"), ("2", "1.2")]
        .map(|(id, item)| Finding {
            id: id.into(),
            item: item.into(),
            problem: format!("问题{id}：记录不全"),
            deadline: "2027-01-31".into(),
            responsible: "王五".into(),
        })
        .into();
    let mut packet = packet::new_packet(template, &Responses::new(), meta).unwrap();
    packet.sign(&key).unwrap();
    packet
}

fn rectification(world: &World, inspection: &Packet, finding: &str) -> Packet {
    let meta = RectificationMeta {
        id: new_id(),
        created_at: "2026-11-20T02:00:00Z".into(),
        signers: vec![
            fixtures::signer("principal", "张三", &world.keys[0]),
            fixtures::signer("supervisory", "李四", &world.keys[1]),
        ],
        generator: None,
    };
    let answer = Rectification {
        finding: finding.into(),
        status: RectificationStatus::Done,
        action: "已补齐记录".into(),
        completed_on: Some("2026-11-18".into()),
    };
    let mut packet = packet::new_rectification(inspection.payload(), meta, vec![answer]).unwrap();
    for key in &world.keys {
        packet.sign(key).unwrap();
    }
    packet
}

fn bytes(packet: &Packet) -> Vec<u8> {
    packet::to_file_text(packet).into_bytes()
}

async fn get(world: &World, path: &str) -> crate::support::Answer {
    world.send(Method::GET, path, Vec::new(), true).await
}

async fn a_rectified_finding_closes_and_the_other_goes_overdue_after_its_deadline(db: Db) {
    let world = world(db).await;
    let template = inspectors(&world).await;
    let inspection = inspection(&template, &new_id());
    assert_eq!(
        world.post_packet(bytes(&inspection)).await.status,
        StatusCode::CREATED
    );
    let answer = world
        .post_packet(bytes(&rectification(&world, &inspection, "1")))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());

    let on = |day: &str| format!("/api/v1/findings?unit={UNIT}&as_of={day}");
    let before = get(&world, &on("2027-01-31")).await.json();
    let counts = &before["units"][0];
    assert_eq!(
        (&counts["open"], &counts["overdue"], &counts["closed"]),
        (&1.into(), &0.into(), &1.into()),
        "{before:#}"
    );
    let row = |json: &serde_json::Value, id: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["finding_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row(&before, "1")["state"], "closed");
    assert_eq!(row(&before, "1")["action"], "已补齐记录");
    assert_eq!(row(&before, "2")["state"], "open");
    assert_eq!(
        row(&before, "2")["item_title"],
        template.item("1.2").unwrap().title.zh.as_str()
    );

    let after = get(&world, &on("2027-02-01")).await.json();
    assert_eq!(row(&after, "1")["state"], "closed");
    assert_eq!(row(&after, "2")["state"], "overdue");
    assert_eq!(after["units"][0]["overdue"], 1);

    // The ranking counts them, and its workbook lists them on a second sheet.
    let ranking = "/api/v1/reports/ranking?template=jiancha-kaohe&period=2026&as_of=2027-02-01";
    let json = get(&world, ranking).await.json();
    assert_eq!(json["rows"][0]["findings"]["overdue"], 1, "{json:#}");
    assert_eq!(json["rows"][0]["findings"]["closed"], 1);
    let xlsx = get(&world, &format!("{ranking}&format=xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    // The workbook's text, in its sheets (written in constant memory, each
    // sheet holds its own strings).
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.body)).unwrap();
    let mut strings = String::new();
    for n in 1..=2 {
        archive
            .by_name(&format!("xl/worksheets/sheet{n}.xml"))
            .unwrap()
            .read_to_string(&mut strings)
            .unwrap();
    }
    assert!(strings.contains("问题2：记录不全"), "{strings}");
    assert!(strings.contains("逾期未整改"), "{strings}");

    let bad = get(&world, "/api/v1/findings?as_of=2027-02-30").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("as_of"), "{}", bad.text());
    let anonymous = world
        .send(Method::GET, "/api/v1/findings", Vec::new(), false)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn a_rectification_must_answer_a_stored_inspection_of_its_unit(db: Db) {
    let world = world(db).await;
    let template = inspectors(&world).await;
    let inspection = inspection(&template, &new_id());

    // The inspection has not reached the intake yet.
    let early = rectification(&world, &inspection, "1");
    let answer = world.post_packet(bytes(&early)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.problem_code(), "unknown-inspection");

    assert_eq!(
        world.post_packet(bytes(&inspection)).await.status,
        StatusCode::CREATED
    );
    // A finding the inspection does not have, in a packet made by another tool.
    let mut value = rectification(&world, &inspection, "1").to_value();
    value["payload"]["rectifications"][0]["finding"] = "9".into();
    let mut forged = Packet::from_value(value).unwrap();
    for key in &world.keys {
        forged.sign(key).unwrap();
    }
    let answer = world.post_packet(bytes(&forged)).await;
    assert_eq!(answer.problem_code(), "unknown-finding");
    assert!(
        answer.text().contains("payload.rectifications[0].finding"),
        "{}",
        answer.text()
    );

    // After it arrives, the early rectification is taken.
    assert_eq!(
        world.post_packet(bytes(&early)).await.status,
        StatusCode::CREATED
    );
    let listed = get(&world, "/api/v1/packets?kind=rectification")
        .await
        .json();
    assert_eq!(listed["total"], 1, "{listed:#}");
}
