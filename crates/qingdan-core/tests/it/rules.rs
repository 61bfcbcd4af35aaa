//! The rules as an inspector applies them: an explanation the checklist
//! asks for cannot be skipped, and a checklist about a person names them in
//! each packet and has them sign it.

use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, Packet, PacketKind, Subject};
use qingdan_core::{PacketError, Responses, Template};
use serde_json::{Value, json};

use crate::{data_dir, fixtures, read};

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// `tests/data/scoring/explanations-required`: a partial check, a
/// deduction, an N/A and a veto that must be explained, and a text that is
/// always.
fn explained_list() -> Template {
    let path = data_dir().join("scoring/explanations-required/template.json");
    Template::parse(&read(&path)).unwrap()
}

/// Every answer of the case, each with a note unless `without` names it.
fn answers(without: &[&str]) -> Value {
    let mut answers = json!({
        "1.1": {"answer": "partial", "note": "会议记录缺两次"},
        "1.2": {"answer": 1, "note": "某某同志被诫勉"},
        "1.3": {"na": true, "note": "本年度无新任职干部"},
        "1.4": {"answer": "done"},
        "1.5": {"answer": true, "note": "班子成员张某严重违纪"},
        "1.6": {"answer": "无", "note": "无其他情况"}
    });
    for id in without {
        answers[*id].as_object_mut().unwrap().remove("note");
    }
    answers
}

fn unit_signers() -> Vec<packet::Signer> {
    vec![
        fixtures::signer("principal", "张三", &key(1)),
        fixtures::signer("supervisory", "李四", &key(2)),
    ]
}

fn signed(mut packet: Packet, keys: &[u8]) -> Packet {
    for n in keys {
        packet.sign(&key(*n)).unwrap();
    }
    packet
}

#[test]
fn a_triggered_veto_without_its_explanation_cannot_be_signed() {
    let template = explained_list();
    let responses = Responses::from_value(&template, &answers(&["1.5"])).unwrap();
    let error =
        packet::new_packet(&template, &responses, fixtures::meta(unit_signers())).unwrap_err();
    assert_eq!(error, PacketError::Unexplained(vec!["1.5".into()]));
    assert_eq!(
        error.to_string(),
        "payload.responses: item 1.5 needs a note (说明) that explains the lost points, the veto or 不适用 before signing"
    );
}

#[test]
fn every_kind_of_explanation_is_asked_for_and_a_blank_note_is_none() {
    let template = explained_list();
    let mut bare = answers(&["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]);
    bare["1.2"]["note"] = "  ".into();
    let responses = Responses::from_value(&template, &bare).unwrap();
    let error =
        packet::new_packet(&template, &responses, fixtures::meta(unit_signers())).unwrap_err();
    // 1.4 is done and only wants a note when 不适用.
    assert_eq!(
        error,
        PacketError::Unexplained(["1.1", "1.2", "1.3", "1.5", "1.6"].map(String::from).into())
    );
}

#[test]
fn explained_answers_sign_and_verify_and_an_explanation_removed_after_is_refused() {
    let template = explained_list();
    let responses = Responses::from_value(&template, &answers(&[])).unwrap();
    let packet = packet::new_packet(&template, &responses, fixtures::meta(unit_signers())).unwrap();
    let packet = signed(packet, &[1, 2]);
    packet.verify(Some(&template)).unwrap();

    // The same packet with the veto's note taken out, signed again by the
    // same people (a tool other than Qingdan's): the intake refuses it.
    let mut value = packet.to_value();
    value["payload"]["responses"]["1.5"]
        .as_object_mut()
        .unwrap()
        .remove("note");
    value["signatures"] = json!([]);
    let stripped = signed(Packet::from_value(value).unwrap(), &[1, 2]);
    assert_eq!(
        stripped.verify(Some(&template)).unwrap_err(),
        PacketError::Unexplained(vec!["1.5".into()])
    );
}

/// `tests/data/templates/about-a-person.json`: the explanations case as a
/// checklist about a person, signed by the principal, the supervisory and
/// the member assessed.
fn person_list() -> Template {
    Template::parse(&read(&data_dir().join("templates/about-a-person.json"))).unwrap()
}

fn wang() -> Subject {
    Subject {
        name: "王五".into(),
        post: "党委副书记".into(),
    }
}

fn person_packet(
    template: &Template,
    subject: Option<Subject>,
    kind: PacketKind,
    signers: Vec<packet::Signer>,
) -> Result<Packet, PacketError> {
    let responses = Responses::from_value(template, &answers(&[])).unwrap();
    let mut meta = fixtures::meta(signers);
    meta.kind = kind;
    meta.subject = subject;
    packet::new_packet(template, &responses, meta)
}

fn with_member(name: &str) -> Vec<packet::Signer> {
    let mut signers = unit_signers();
    signers.push(fixtures::signer("member", name, &key(3)));
    signers
}

#[test]
fn a_list_about_a_person_names_them_and_they_sign_their_own_self_assessment() {
    let template = person_list();
    let kind = PacketKind::SelfAssessment;
    let packet = person_packet(&template, Some(wang()), kind, with_member("王五")).unwrap();
    let packet = signed(packet, &[1, 2, 3]);
    let verified = packet.verify(Some(&template)).unwrap();
    assert_eq!(verified.payload.subject, Some(wang()));

    let nobody = person_packet(&template, None, kind, with_member("王五")).unwrap_err();
    assert_eq!(
        nobody.to_string(),
        "payload.subject: about-a-person v1 assesses a person: the packet names them (name and post)"
    );
    let not_signed = person_packet(&template, Some(wang()), kind, with_member("赵六")).unwrap_err();
    assert_eq!(
        not_signed.to_string(),
        "payload.signers: \"王五\", the person assessed, signs their own self-assessment and is not among the signers"
    );
}

#[test]
fn an_inspection_of_a_person_names_them_and_is_signed_by_inspectors() {
    let template = person_list();
    let inspectors = vec![fixtures::signer("inspector", "赵六", &key(7))];
    let packet =
        person_packet(&template, Some(wang()), PacketKind::Inspection, inspectors).unwrap();
    signed(packet, &[7]).verify(Some(&template)).unwrap();
}

#[test]
fn a_list_about_the_unit_names_no_person() {
    let template = explained_list();
    let error = person_packet(
        &template,
        Some(wang()),
        PacketKind::SelfAssessment,
        unit_signers(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.subject: explanations-required v1 assesses the unit, not a person"
    );
}
