//! Inspection findings and rectification packets: what an inspector records
//! travels signed in the inspection, and a unit's answer is a packet of its
//! own that can only answer findings the inspection has.

use qingdan_core::findings::{Finding, Rectification, RectificationStatus};
use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, Packet, PacketKind, RectificationMeta};
use qingdan_core::{PacketError, Responses, Template, bundled};

use crate::fixtures;

fn inspection_template() -> Template {
    Template::parse(bundled::find("jiancha-kaohe").unwrap().json()).unwrap()
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn finding(id: &str, item: &str, deadline: &str) -> Finding {
    Finding {
        id: id.into(),
        item: item.into(),
        problem: format!("问题{id}：会议记录不全"),
        deadline: deadline.into(),
        responsible: "王五".into(),
    }
}

fn inspection(findings: Vec<Finding>) -> Result<Packet, PacketError> {
    let template = inspection_template();
    let mut meta = fixtures::meta(vec![fixtures::signer("inspector", "赵六", &key(7))]);
    meta.kind = PacketKind::Inspection;
    meta.findings = findings;
    let mut packet = packet::new_packet(&template, &Responses::new(), meta)?;
    packet.sign(&key(7)).unwrap();
    Ok(packet)
}

fn rectify(inspection: &Packet, entries: Vec<Rectification>) -> Result<Packet, PacketError> {
    let meta = RectificationMeta {
        id: "9a1c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e60".into(),
        created_at: "2027-01-20T02:00:00Z".into(),
        signers: vec![
            fixtures::signer("principal", "张三", &key(1)),
            fixtures::signer("supervisory", "李四", &key(2)),
        ],
        generator: None,
    };
    let mut packet = packet::new_rectification(inspection.payload(), meta, entries)?;
    packet.sign(&key(1)).unwrap();
    packet.sign(&key(2)).unwrap();
    Ok(packet)
}

fn done(finding: &str) -> Rectification {
    Rectification {
        finding: finding.into(),
        status: RectificationStatus::Done,
        action: "已补齐会议记录并建立台账".into(),
        completed_on: Some("2027-01-18".into()),
    }
}

#[test]
fn findings_travel_signed_in_the_inspection() {
    let packet = inspection(vec![
        finding("1", "1.1", "2027-01-31"),
        finding("2", "1.2", "2027-02-28"),
    ])
    .unwrap();
    let reread = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
    reread.verify(Some(&inspection_template())).unwrap();
    let findings = &reread.payload().findings;
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[1].deadline, "2027-02-28");
    assert_eq!(findings[0].responsible, "王五");

    // Changing a deadline after signing breaks the inspectors' signature.
    let mut value = reread.to_value();
    value["payload"]["findings"][0]["deadline"] = "2027-12-31".into();
    let tampered = Packet::from_value(value).unwrap();
    assert!(matches!(
        tampered.verify(None),
        Err(PacketError::BadSignature { .. })
    ));
}

#[test]
fn a_finding_must_be_on_an_item_of_the_checklist_with_a_real_deadline() {
    let error = inspection(vec![finding("1", "99.9", "2027-01-31")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.findings[0].item: \"99.9\" is not an item of jiancha-kaohe v2"
    );
    let error = inspection(vec![finding("1", "1.1", "2027-02-30")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.findings[0].deadline: \"2027-02-30\" is not a date (YYYY-MM-DD)"
    );
}

#[test]
fn only_an_inspection_records_findings() {
    let packet = inspection(vec![finding("1", "1.1", "2027-01-31")]).unwrap();
    let mut value = packet.to_value();
    value["payload"]["kind"] = "self-assessment".into();
    let error = Packet::from_value(value).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.findings: only an inspection records findings, not a self-assessment"
    );
}

#[test]
fn a_rectification_answers_the_inspection_it_names_and_is_signed_by_the_unit() {
    let inspection = inspection(vec![
        finding("1", "1.1", "2027-01-31"),
        finding("2", "1.2", "2027-01-31"),
    ])
    .unwrap();
    let packet = rectify(&inspection, vec![done("1")]).unwrap();
    let reread = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
    let verified = reread.verify(Some(&inspection_template())).unwrap();
    let payload = &verified.payload;
    assert_eq!(payload.kind, PacketKind::Rectification);
    assert_eq!(
        payload.refers_to.as_deref(),
        Some(inspection.payload().id.as_str())
    );
    assert_eq!(payload.unit, inspection.payload().unit);
    assert_eq!(payload.period, inspection.payload().period);
    assert_eq!(payload.rectifications, [done("1")]);
    // It carries no answers and no score sheet.
    assert!(reread.responses().is_null() && reread.sheet().is_none());
}

#[test]
fn a_rectification_cannot_answer_a_finding_the_inspection_does_not_have() {
    let inspection = inspection(vec![finding("1", "1.1", "2027-01-31")]).unwrap();
    let error = rectify(&inspection, vec![done("1"), done("7")]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("payload.rectifications[1].finding: the inspection "),
        "{error}"
    );
    assert!(
        error.to_string().ends_with("has no finding \"7\""),
        "{error}"
    );
}

#[test]
fn a_rectification_is_signed_by_the_units_principal_and_supervisory() {
    let inspection = inspection(vec![finding("1", "1.1", "2027-01-31")]).unwrap();
    let meta = RectificationMeta {
        id: "9a1c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e60".into(),
        created_at: "2027-01-20T02:00:00Z".into(),
        signers: vec![fixtures::signer("inspector", "赵六", &key(7))],
        generator: None,
    };
    let error = packet::new_rectification(inspection.payload(), meta, vec![done("1")])
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "payload.signers[0] (inspector 赵六): a rectification is the unit's own word, signed by its principal and supervisory, never by an inspector"
    );
}

#[test]
fn a_rectification_says_when_the_work_was_done_and_carries_no_score() {
    let inspection = inspection(vec![finding("1", "1.1", "2027-01-31")]).unwrap();
    let mut undated = done("1");
    undated.completed_on = None;
    let error = rectify(&inspection, vec![undated]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.rectifications[0].completed_on: a finding put right needs the date it was done"
    );

    let packet = rectify(&inspection, vec![done("1")]).unwrap();
    let mut value = packet.to_value();
    value["payload"]["score"] = serde_json::json!({});
    let error = Packet::from_value(value).unwrap_err();
    assert_eq!(
        error.to_string(),
        "payload.score: a rectification packet answers findings, not the checklist"
    );

    let mut value = packet.to_value();
    value["payload"]
        .as_object_mut()
        .unwrap()
        .remove("refers_to");
    let error = Packet::from_value(value).unwrap_err();
    assert!(
        error.to_string().starts_with("payload.refers_to: "),
        "{error}"
    );
}

#[test]
fn a_self_assessment_still_needs_its_responses() {
    let inspection = inspection(Vec::new()).unwrap();
    let mut value = inspection.to_value();
    value["payload"]
        .as_object_mut()
        .unwrap()
        .remove("responses");
    let error = Packet::from_value(value).unwrap_err();
    assert_eq!(error.to_string(), "payload: missing field `responses`");
}
