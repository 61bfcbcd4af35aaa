//! Signed packets: the cases in `tests/data/packets` (real packets signed by
//! the test keys, each broken in one way), and signing in code.

use std::collections::BTreeSet;

use expect_test::expect_file;
use proptest::prelude::*;
use qingdan_core::attachments::{self, Attachment, FileError, FileProblem};
use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, Packet};
use qingdan_core::{Responses, Template};

use crate::{data_dir, fixtures, read, sorted_entries};

fn template() -> Template {
    Template::parse(&read(&data_dir().join("packets/inputs/template.json"))).unwrap()
}

#[test]
fn valid_packets_verify_with_their_template() {
    let template = template();
    for name in ["valid", "valid-incomplete"] {
        let bytes = std::fs::read(data_dir().join(format!("packets/{name}.json"))).unwrap();
        let packet = Packet::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let verified = packet
            .verify(Some(&template))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(verified.rescored);
        packet
            .verify(None)
            .unwrap_or_else(|e| panic!("{name} without its template: {e}"));
    }
}

#[test]
fn an_incomplete_assessment_signs_and_says_so() {
    let bytes = std::fs::read(data_dir().join("packets/valid-incomplete.json")).unwrap();
    let packet = Packet::parse(&bytes).unwrap();
    packet.verify(Some(&template())).unwrap();
    let summary = packet.score_summary(None);
    assert_eq!(summary.missing, ["2.3", "4.2", "9.1"]);
    assert_eq!((summary.answered, summary.required), (18, 21));
}

/// Every broken packet is rejected, each with its own error, which names
/// the signer, field or check (snapshots in `<case>.expected`).
#[test]
fn broken_packets_are_rejected_each_with_its_own_error() {
    let template = template();
    let mut messages = BTreeSet::new();
    let mut cases = 0;
    for path in sorted_entries(&data_dir().join("packets")) {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "json") || name.starts_with("valid") {
            continue;
        }
        cases += 1;
        let bytes = std::fs::read(&path).unwrap();
        let error = match Packet::parse(&bytes).and_then(|p| p.verify(Some(&template))) {
            Ok(_) => panic!("{name} was accepted"),
            Err(e) => e.to_string(),
        };
        expect_file![path.with_extension("expected")].assert_eq(&format!("{error}\n"));
        assert!(
            messages.insert(error.clone()),
            "{name}: the same error as another case: {error}"
        );
    }
    assert!(cases >= 17, "packet cases are missing");
}

fn test_key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn signed_packet() -> (Template, Packet) {
    let template = template();
    let responses = Responses::parse(
        &template,
        &read(&data_dir().join("examples/jiandu-zeren-2026.json")),
    )
    .unwrap();
    let (a, b) = (test_key(1), test_key(2));
    let signers = vec![
        fixtures::signer("principal", "张三", &a),
        fixtures::signer("supervisory", "李四", &b),
    ];
    let mut packet = packet::new_packet(&template, &responses, fixtures::meta(signers)).unwrap();
    assert!(matches!(
        packet.verify(Some(&template)),
        Err(qingdan_core::PacketError::MissingSignature { .. })
    ));
    packet.sign(&a).unwrap();
    packet.sign(&b).unwrap();
    (template, packet)
}

#[test]
fn signing_in_code_verifies_and_survives_a_round_trip_through_a_file() {
    let (template, packet) = signed_packet();
    packet.verify(Some(&template)).unwrap();
    let text = packet::to_file_text(&packet);
    let reread = Packet::parse(text.as_bytes()).unwrap();
    reread.verify(Some(&template)).unwrap();
    assert_eq!(reread.signed_bytes(), packet.signed_bytes());
    // Signing again with the same key replaces, never duplicates.
    let mut again = reread.clone();
    again.sign(&test_key(1)).unwrap();
    assert_eq!(again.signatures().len(), 2);
    again.verify(Some(&template)).unwrap();
}

#[test]
fn a_key_that_is_not_listed_cannot_sign() {
    let (_, mut packet) = signed_packet();
    let err = packet.sign(&test_key(9)).unwrap_err();
    assert!(
        err.to_string().contains("is not the key of any signer"),
        "{err}"
    );
    assert_eq!(packet.signatures().len(), 2);
}

#[test]
fn the_signed_bytes_are_the_canonical_payload() {
    let (_, packet) = signed_packet();
    let payload = &packet.to_value()["payload"];
    assert_eq!(
        packet.signed_bytes(),
        qingdan_core::canonical::to_bytes(payload)
    );
    let text = std::str::from_utf8(packet.signed_bytes()).unwrap();
    assert!(
        text.starts_with(r#"{"created_at":"2026-11-23T08:30:00Z","format":"qingdan.packet/1","#),
        "{text}"
    );
    // Compact output has the same members and no white space outside
    // strings, so only the member order may differ: the lengths are equal.
    assert_eq!(
        text.len(),
        serde_json::to_string(payload).unwrap().len(),
        "no white space outside strings"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// After signing, changing any value of the payload makes the packet
    /// fail: as unreadable, or with a bad signature.
    #[test]
    fn no_change_to_a_signed_payload_goes_unnoticed(path in proptest::collection::vec(any::<proptest::sample::Index>(), 1..8), salt in "[a-z0-9]{1,4}") {
        let (template, packet) = signed_packet();
        let mut value = packet.to_value();
        let original = value.clone();
        change_somewhere(&mut value["payload"], &path, &salt);
        prop_assume!(value != original);
        let result = Packet::from_value(value).and_then(|p| p.verify(Some(&template)).map(drop));
        prop_assert!(result.is_err());
    }
}

/// Walks into `value` by `path` and changes what it reaches: a string gets
/// `salt` appended, a number grows by one, a bool flips, a null becomes 0.
fn change_somewhere(value: &mut serde_json::Value, path: &[proptest::sample::Index], salt: &str) {
    use serde_json::Value;
    let Some((step, rest)) = path.split_first() else {
        *value = match value.take() {
            Value::String(s) => Value::String(s + salt),
            Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
            Value::Bool(b) => Value::Bool(!b),
            Value::Null => Value::from(0),
            Value::Array(mut a) => {
                a.push(Value::from(salt));
                Value::Array(a)
            }
            Value::Object(mut m) => {
                m.insert(salt.to_owned(), Value::Null);
                Value::Object(m)
            }
        };
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let i = step.index(map.len());
            change_somewhere(map.values_mut().nth(i).unwrap(), rest, salt);
        }
        Value::Array(items) if !items.is_empty() => {
            let i = step.index(items.len());
            change_somewhere(&mut items[i], rest, salt);
        }
        other => change_somewhere(other, &[], salt),
    }
}

/// A PNG's first bytes, as a file attached.
const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR talk record";
/// A PDF's.
const DOCUMENT: &[u8] = b"%PDF-1.7\n% the plan issued\n";

fn attached(id: &str, item: &str, name: &str, media_type: &str, bytes: &[u8]) -> Attachment {
    Attachment {
        id: id.into(),
        item: item.into(),
        finding: None,
        name: name.into(),
        media_type: media_type.into(),
        size: bytes.len() as u64,
        sha256: attachments::digest(bytes),
    }
}

/// A self-assessment with `files` attached, signed by both signers.
fn signed_with(files: Vec<Attachment>) -> Result<Packet, qingdan_core::PacketError> {
    let template = template();
    let responses = Responses::parse(
        &template,
        &read(&data_dir().join("examples/jiandu-zeren-2026.json")),
    )
    .unwrap();
    let (a, b) = (test_key(1), test_key(2));
    let mut meta = fixtures::meta(vec![
        fixtures::signer("principal", "张三", &a),
        fixtures::signer("supervisory", "李四", &b),
    ]);
    meta.attachments = files;
    let mut packet = packet::new_packet(&template, &responses, meta)?;
    packet.sign(&a).unwrap();
    packet.sign(&b).unwrap();
    Ok(packet)
}

#[test]
fn files_named_in_the_payload_are_signed_and_a_file_swapped_after_signing_is_refused_naming_it() {
    let files = vec![
        attached("1", "1.1", "谈话记录.png", "image/png", PHOTO),
        attached("2", "2.1", "工作计划.pdf", "application/pdf", DOCUMENT),
    ];
    let packet = signed_with(files).unwrap();
    packet.verify(Some(&template())).unwrap();
    let reread = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
    let entries = &reread.payload().attachments;
    assert_eq!(entries.len(), 2, "the entries survive a file");
    let kept = |sha: &str| match sha {
        s if s == attachments::digest(PHOTO) => Some(PHOTO),
        s if s == attachments::digest(DOCUMENT) => Some(DOCUMENT),
        _ => None,
    };
    attachments::check_files(entries, kept).unwrap();

    // The photo swapped for another: refused, naming the entry.
    let other: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR talk recorD";
    let swapped = |sha: &str| {
        if sha == attachments::digest(PHOTO) {
            Some(other)
        } else {
            kept(sha)
        }
    };
    let refused = attachments::check_files(entries, swapped).unwrap_err();
    assert_eq!(refused.index, 0);
    assert!(matches!(
        refused.problem,
        FileProblem::Wrong(FileError::Digest { .. })
    ));
    let said = refused.to_string();
    assert!(
        said.starts_with("payload.attachments[0] (谈话记录.png, item 1.1): its SHA-256 is"),
        "{said}"
    );
    // A file left out is missing.
    let without = |sha: &str| {
        if sha == attachments::digest(DOCUMENT) {
            None
        } else {
            kept(sha)
        }
    };
    assert_eq!(
        attachments::check_files(entries, without)
            .unwrap_err()
            .problem,
        FileProblem::Missing
    );

    // The entry changed to name the other file after signing: the
    // signatures no longer hold.
    let mut value = packet.to_value();
    value["payload"]["attachments"][0]["sha256"] = attachments::digest(other).into();
    let forged = Packet::parse(value.to_string().as_bytes()).unwrap();
    assert!(matches!(
        forged.verify(Some(&template())),
        Err(qingdan_core::PacketError::BadSignature { .. })
    ));
}

#[test]
fn an_entry_on_an_unknown_item_of_an_unknown_type_or_out_of_form_is_refused_with_its_path() {
    let photo = || attached("1", "1.1", "a.png", "image/png", PHOTO);
    let refused = |change: &dyn Fn(&mut Attachment)| {
        let mut entry = photo();
        change(&mut entry);
        match signed_with(vec![
            photo(),
            Attachment {
                id: "2".into(),
                ..entry
            },
        ]) {
            Err(e) => e.to_string(),
            Ok(p) => p.verify(Some(&template())).unwrap_err().to_string(),
        }
    };
    let unknown = refused(&|a| a.item = "99.9".into());
    assert!(
        unknown
            .starts_with("payload.attachments[1].item: \"99.9\" is not an item of jiandu-zeren v1"),
        "{unknown}"
    );
    let gif = refused(&|a| a.media_type = "image/gif".into());
    assert!(
        gif.starts_with("payload.attachments[1].media_type:"),
        "{gif}"
    );
    let finding = refused(&|a| a.finding = Some("7".into()));
    assert!(
        finding.starts_with("payload.attachments[1].finding: the packet has no finding \"7\""),
        "{finding}"
    );
    let digest = refused(&|a| a.sha256 = "ab".into());
    assert!(
        digest.starts_with("payload.attachments[1].sha256:"),
        "{digest}"
    );
    // Oversize against the intake's limits, by its path.
    let mut big = photo();
    big.size = 11 * 1024 * 1024;
    let (at, why) = attachments::check_limits(&[big], attachments::Limits::default()).unwrap();
    assert_eq!(at, "[0].size");
    assert!(why.contains("at most 10485760"), "{why}");
}

#[test]
fn a_packet_without_files_is_written_as_it_always_was() {
    let (_, packet) = signed_packet();
    let text = std::str::from_utf8(packet.signed_bytes()).unwrap();
    assert!(
        !text.contains("attachments"),
        "no empty list in the signed bytes"
    );
}
