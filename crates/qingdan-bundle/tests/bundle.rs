//! Bundles written and read back; a bundle with one byte of a file
//! changed, a file missing or added, an entry a bundle does not have, or
//! more bytes than the limits allow, refused naming what is wrong.

use std::io::Write as _;

use qingdan_bundle::{BundleError, open, read, write};
use qingdan_core::attachments::{self, FileError, FileProblem, Limits};
use qingdan_core::packet;
use qingdan_core::{Packet, Responses, Template};

#[path = "../../qingdan-core/benches/fixtures/mod.rs"]
mod fixtures;

const PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0 a photo of the talk record";
const DOCUMENT: &[u8] = b"%PDF-1.7\n the plan issued\n";
const MAX_PACKET: u64 = 1024 * 1024;

/// A self-assessment of the bundled checklist naming the photo and the
/// document on 1.1, signed.
fn packet() -> Vec<u8> {
    let template =
        Template::parse(qingdan_core::bundled::find("jiandu-zeren").unwrap().json()).unwrap();
    let responses = Responses::parse(&template, r#"{"1.1": {"answer": "done"}}"#).unwrap();
    let files = [("谈话记录.jpg", PHOTO), ("工作计划.pdf", DOCUMENT)];
    packet::to_file_text(&fixtures::signed_with_files(
        &template,
        &responses,
        [7, 8],
        &files,
    ))
    .into_bytes()
}

/// A zip of these entries, as another program might write one.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_bundle_holds_the_exact_packet_and_its_files_and_is_the_same_bytes_each_time() {
    let signed = packet();
    let bundle = write(&signed, [PHOTO, DOCUMENT]).unwrap();
    assert!(qingdan_bundle::is_bundle(&bundle));
    assert_eq!(
        bundle,
        write(&signed, [DOCUMENT, PHOTO]).unwrap(),
        "made again, the same bytes"
    );
    let (packet, parts) = open(&bundle, MAX_PACKET, Limits::default()).unwrap();
    assert_eq!(parts.packet, signed, "the packet's exact bytes");
    assert_eq!(parts.files.len(), 2);
    assert_eq!(parts.files[&attachments::digest(PHOTO)], PHOTO);
    packet.verify(None).unwrap();
    assert_eq!(
        qingdan_bundle::file_name(packet.payload()),
        "510824-101-2026-self-assessment.qingdan.zip"
    );
}

#[test]
fn a_file_changed_missing_or_added_is_refused_naming_it() {
    let signed = packet();
    // One byte of the photo changed.
    let mut changed = PHOTO.to_vec();
    *changed.last_mut().unwrap() ^= 1;
    let photo = format!("attachments/{}", attachments::digest(PHOTO));
    let document = format!("attachments/{}", attachments::digest(DOCUMENT));
    let tampered = zip_of(&[
        ("packet.json", &signed),
        (&photo, &changed),
        (&document, DOCUMENT),
    ]);
    match open(&tampered, MAX_PACKET, Limits::default()) {
        Err(BundleError::File(m)) => {
            assert_eq!((m.index, m.name.as_str()), (0, "谈话记录.jpg"));
            assert!(matches!(
                m.problem,
                FileProblem::Wrong(FileError::Digest { .. })
            ));
            assert!(
                m.to_string()
                    .starts_with("payload.attachments[0] (谈话记录.jpg, item 1.1):")
            );
        }
        other => panic!("a changed photo: {other:?}"),
    }
    let missing = zip_of(&[("packet.json", &signed), (&photo, PHOTO)]);
    assert!(matches!(
        open(&missing, MAX_PACKET, Limits::default()),
        Err(BundleError::File(m)) if m.index == 1 && m.problem == FileProblem::Missing
    ));
    let other: &[u8] = b"%PDF-1.4 another";
    let extra = write(&signed, [PHOTO, DOCUMENT, other]).unwrap();
    assert_eq!(
        open(&extra, MAX_PACKET, Limits::default()).err(),
        Some(BundleError::Extra(attachments::digest(other)))
    );
}

#[test]
fn what_a_bundle_does_not_hold_or_more_than_the_limits_is_refused() {
    let signed = packet();
    for name in [
        "../evil",
        "attachments/short",
        "other.txt",
        "attachments/x/../../y",
    ] {
        let odd = zip_of(&[("packet.json", &signed), (name, b"x")]);
        assert_eq!(
            read(&odd, MAX_PACKET, Limits::default()),
            Err(BundleError::Unexpected(name.into())),
            "{name}"
        );
    }
    assert_eq!(
        read(
            &zip_of(&[("notes.json", b"{}")]),
            MAX_PACKET,
            Limits::default()
        ),
        Err(BundleError::Unexpected("notes.json".into()))
    );
    assert_eq!(
        read(&zip_of(&[]), MAX_PACKET, Limits::default()),
        Err(BundleError::NoPacket)
    );
    assert!(matches!(
        read(&signed, MAX_PACKET, Limits::default()),
        Err(BundleError::NotZip(_))
    ));
    // A file larger than a file may be, however well it packs: refused as
    // it unpacks.
    let big = vec![0u8; 2048];
    let sha = format!("attachments/{}", attachments::digest(&big));
    let small = Limits {
        per_file: 1024,
        per_packet: 4096,
    };
    assert_eq!(
        read(
            &zip_of(&[("packet.json", &signed), (&sha, &big)]),
            MAX_PACKET,
            small
        ),
        Err(BundleError::TooLarge {
            name: sha.clone(),
            limit: 1024
        })
    );
    assert!(matches!(
        read(&zip_of(&[("packet.json", &signed)]), 100, Limits::default()),
        Err(BundleError::TooLarge { limit: 100, .. })
    ));
    // The files together past the packet's limit.
    let limits = Limits {
        per_file: 4096,
        per_packet: 3000,
    };
    let (a, b) = (vec![1u8; 2000], vec![2u8; 2000]);
    let two = write(&signed, [a.as_slice(), b.as_slice()]).unwrap();
    assert!(matches!(
        read(&two, MAX_PACKET, limits),
        Err(BundleError::TooLarge { limit: 3000, .. })
    ));
}

/// Entries that name files larger than the limits are refused by their
/// path before any file is looked for.
#[test]
fn a_packet_entry_past_the_limits_is_refused_by_its_path() {
    let signed = packet();
    // The files left out: the entries alone say they are past the limit.
    let bundle = zip_of(&[("packet.json", &signed)]);
    let tight = Limits {
        per_file: 30,
        per_packet: 1000,
    };
    match open(&bundle, MAX_PACKET, tight) {
        Err(BundleError::Packet(e)) => {
            assert!(
                e.to_string().starts_with("payload.attachments[0].size:"),
                "{e}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(Packet::parse(&signed).is_ok());
}
