//! A checklist about a person at the intake: two members of one unit each
//! send their own self-assessment and rank as two rows; a packet the member
//! assessed did not sign, a packet naming nobody, and an answer the list
//! wants explained sent without its note are refused with their codes.

use axum::http::{Method, StatusCode};
use qingdan_core::keys::{SigningKey, encode_public_key};
use qingdan_core::packet::{self, PacketKind, Subject};
use qingdan_core::{Responses, Template};
use serde_json::json;

use crate::support::fixtures;
use crate::support::{Db, SIGNER_NAMES, UNIT, World, new_id, on_both, world};

on_both!(two_members_of_one_unit_rank_as_two_rows_and_their_own_word_is_checked);

const AT: &str = "2026-11-23T08:00:00.000Z";

/// `tests/data/templates/about-a-person.json`: the explanations case of
/// `tests/data/scoring` as a list about a person, signed by the principal,
/// the supervisory and the member assessed.
fn person_list() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/templates/about-a-person.json"
    );
    std::fs::read_to_string(path).unwrap()
}

/// The members: name, post, key.
fn members() -> [(&'static str, &'static str, SigningKey); 2] {
    [
        ("王五", "党委副书记", SigningKey::from_bytes(&[11; 32])),
        ("赵六", "党委委员", SigningKey::from_bytes(&[12; 32])),
    ]
}

/// Every answer, explained, with 1.4 done or not as `full` says.
fn answers(template: &Template, full: bool, explained: bool) -> Responses {
    let mut value = json!({
        "1.1": {"answer": "done"},
        "1.2": {"answer": 0},
        "1.3": {"answer": "done"},
        "1.4": {"answer": if full { "done" } else { "not_done" }},
        "1.5": {"answer": false},
        "1.6": {"answer": "无", "note": "无其他情况"}
    });
    if !full {
        value["1.1"] = json!({"answer": "partial"});
        if explained {
            value["1.1"]["note"] = "记录缺两次".into();
        }
    }
    Responses::from_value(template, &value).unwrap()
}

/// A self-assessment about `subject`, signed by the unit's two and by
/// `member` (name and key).
fn packet_about(
    world: &World,
    template: &Template,
    subject: Option<Subject>,
    member: (&str, &SigningKey),
    responses: &Responses,
) -> Vec<u8> {
    let signers = vec![
        fixtures::signer("principal", SIGNER_NAMES[0], &world.keys[0]),
        fixtures::signer("supervisory", SIGNER_NAMES[1], &world.keys[1]),
        fixtures::signer("member", member.0, member.1),
    ];
    let mut meta = fixtures::meta(signers);
    meta.id = new_id();
    meta.kind = PacketKind::SelfAssessment;
    // Made as the core makes a good one, then changed as another tool
    // could: the subject and the answers as given, the sheet re-scored.
    meta.subject = Some(Subject {
        name: member.0.into(),
        post: "党委委员".into(),
    });
    let good = packet::new_packet(template, &answers(template, true, true), meta).unwrap();
    let mut value = good.to_value();
    value["payload"]["subject"] = serde_json::to_value(&subject).unwrap();
    if subject.is_none() {
        value["payload"].as_object_mut().unwrap().remove("subject");
    }
    value["payload"]["responses"] = serde_json::to_value(responses).unwrap();
    let sheet = qingdan_core::score(template, responses, None);
    value["payload"]["score"] = serde_json::to_value(sheet).unwrap();
    let mut packet = packet::Packet::from_value(value).unwrap();
    for key in [&world.keys[0], &world.keys[1], member.1] {
        packet.sign(key).unwrap();
    }
    packet::to_file_text(&packet).into_bytes()
}

async fn two_members_of_one_unit_rank_as_two_rows_and_their_own_word_is_checked(db: Db) {
    let world = world(db).await;
    let json = person_list();
    world.intake.publish(&json, AT).await.unwrap();
    let template = Template::parse(&json).unwrap();
    let members = members();
    for (name, _, key) in &members {
        let public = encode_public_key(&key.verifying_key());
        world
            .intake
            .enroll(UNIT, "member", &public, name, AT)
            .await
            .unwrap();
    }
    let subject = |n: usize| {
        Some(Subject {
            name: members[n].0.into(),
            post: members[n].1.into(),
        })
    };
    let member = |n: usize| (members[n].0, &members[n].2);

    // 王五 full marks, 赵六 short on two items: each their own packet.
    let wang = packet_about(
        &world,
        &template,
        subject(0),
        member(0),
        &answers(&template, true, true),
    );
    assert_eq!(world.post_packet(wang).await.status, StatusCode::CREATED);
    let zhao = packet_about(
        &world,
        &template,
        subject(1),
        member(1),
        &answers(&template, false, true),
    );
    assert_eq!(world.post_packet(zhao).await.status, StatusCode::CREATED);

    // 赵六's list signed by 王五 in the member's place.
    let forged = packet_about(
        &world,
        &template,
        subject(1),
        member(0),
        &answers(&template, true, true),
    );
    let answer = world.post_packet(forged).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.problem_code(),
        "subject-not-signer",
        "{}",
        answer.text()
    );
    // Naming nobody.
    let nobody = packet_about(
        &world,
        &template,
        None,
        member(0),
        &answers(&template, true, true),
    );
    let answer = world.post_packet(nobody).await;
    assert_eq!(answer.problem_code(), "subject", "{}", answer.text());
    // A lost point the list wants explained, sent without the note.
    let bare = packet_about(
        &world,
        &template,
        subject(1),
        member(1),
        &answers(&template, false, false),
    );
    let answer = world.post_packet(bare).await;
    assert_eq!(answer.problem_code(), "unexplained", "{}", answer.text());
    assert!(
        answer.text().contains("item 1.1 needs a note"),
        "{}",
        answer.text()
    );

    // The ranking: one row each, by percentage.
    let path = "/api/v1/reports/ranking?template=about-a-person&period=2026&kind=self-assessment&format=json";
    let ranking = world.send(Method::GET, path, Vec::new(), true).await.json();
    let rows: Vec<(String, u64, String)> = ranking["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["subject"]["name"].as_str().unwrap().to_owned(),
                r["rank"].as_u64().unwrap(),
                r["unit_code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("王五".to_owned(), 1, UNIT.to_owned()),
            ("赵六".to_owned(), 2, UNIT.to_owned())
        ]
    );
}
