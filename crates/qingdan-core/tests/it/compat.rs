//! Packets outlive app versions. `tests/data/compat/<version>/` holds
//! packets signed by each released version, never made again: every one
//! verifies with today's code (a rectification also against the inspection
//! it answers). Sheets made today hold facts only, so rewording a reason
//! never refuses a packet; older sheets' sentences are shown as signed and
//! never compared. A sheet of a format this version does not know is
//! refused, never guessed at. A bundle (`.qingdan.zip`: a packet and its
//! files) verifies too, and each of its files is still the one signed.

use std::path::{Path, PathBuf};

use qingdan_core::packet::{self, PacketKind};
use qingdan_core::score::{Reason, SCORE_FORMAT, SCORE_FORMAT_1};
use qingdan_core::sheet::{SheetError, read_sheet};
use qingdan_core::{Lang, Packet, PacketError, Responses, Template, bundled, score, trust};
use serde_json::{Value, json};

use crate::{data_dir, fixtures, sorted_entries};

#[path = "../common/corpus.rs"]
mod listed;

/// Packet files by name (a bundle's: the packet it holds).
type Files = Vec<(String, Vec<u8>)>;

/// A bundle's entries, by name.
fn unzipped(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            (entry.name().unwrap().into_owned(), data)
        })
        .collect()
}

const BUNDLE: &str = ".qingdan.zip";

/// Every version's folder, and its packets by file name.
fn corpus() -> Vec<(String, Files)> {
    sorted_entries(&data_dir().join("compat"))
        .into_iter()
        .filter(|p| p.is_dir())
        .map(|dir| {
            let packets = packets_in(&dir);
            (name(&dir), packets)
        })
        .collect()
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn packets_in(dir: &Path) -> Files {
    sorted_entries(dir)
        .into_iter()
        .filter(|p| {
            (p.extension().is_some_and(|e| e == "json") && name(p) != "context.json")
                || name(p).ends_with(BUNDLE)
        })
        .map(|p: PathBuf| {
            let bytes = std::fs::read(&p).unwrap();
            if name(&p).ends_with(BUNDLE) {
                (name(&p), unzipped(&bytes).remove("packet.json").unwrap())
            } else {
                (name(&p), bytes)
            }
        })
        .collect()
}

fn bundled_template(packet: &Packet) -> Template {
    let named = &packet.payload().template;
    let found = bundled::find_version(&named.id, named.version)
        .unwrap_or_else(|| panic!("{} v{} is no longer bundled", named.id, named.version));
    Template::parse(found.json()).unwrap()
}

#[test]
fn every_packet_of_every_released_version_verifies_today() {
    let versions = corpus();
    assert!(versions.len() >= 2, "a version of the corpus is missing");
    let mut formats = std::collections::BTreeSet::new();
    for (version, packets) in &versions {
        assert!(packets.len() >= 7, "{version}: packets are missing");
        let kinds: std::collections::BTreeSet<PacketKind> = packets
            .iter()
            .map(|(_, b)| Packet::parse(b).unwrap().payload().kind)
            .collect();
        assert_eq!(kinds.len(), 3, "{version}: every kind of packet");
        for (file, bytes) in packets {
            let what = format!("{version}/{file}");
            let packet = Packet::parse(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            let template = bundled_template(&packet);
            let verified = packet
                .verify(Some(&template))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(verified.rescored);
            if let Some(sheet) = packet.sheet() {
                formats.insert(sheet.format.clone());
            }
            if packet.payload().kind == PacketKind::Rectification {
                let stem = file.replace("-rectification.json", "-inspection");
                let (_, inspection) = packets
                    .iter()
                    .find(|(f, _)| *f == format!("{stem}.json") || *f == format!("{stem}{BUNDLE}"))
                    .unwrap_or_else(|| panic!("{what}: no {stem} beside it"));
                let inspection = Packet::parse(inspection).unwrap();
                trust::answers(packet.payload(), inspection.payload())
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
            }
        }
    }
    assert!(
        formats.contains(SCORE_FORMAT_1) && formats.contains(SCORE_FORMAT),
        "the corpus holds sheets of every format: {formats:?}"
    );
}

/// Every bundle of the corpus holds each file its packet names, as signed
/// (its size, digest and type), and no other.
#[test]
fn every_bundle_holds_the_files_its_packet_signed() {
    let mut bundles = 0;
    let mut files = 0;
    for dir in sorted_entries(&data_dir().join("compat")) {
        if !dir.is_dir() {
            continue;
        }
        for path in sorted_entries(&dir) {
            if !name(&path).ends_with(BUNDLE) {
                continue;
            }
            let what = format!("{}/{}", name(&dir), name(&path));
            let mut entries = unzipped(&std::fs::read(&path).unwrap());
            let packet = Packet::parse(&entries.remove("packet.json").unwrap()).unwrap();
            let named = &packet.payload().attachments;
            assert!(!named.is_empty(), "{what}: a bundle names files");
            qingdan_core::attachments::check_files(named, |sha| {
                entries
                    .get(&format!("attachments/{sha}"))
                    .map(Vec::as_slice)
            })
            .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(entries.len(), named.len(), "{what}: no other file");
            bundles += 1;
            files += named.len();
        }
    }
    assert!(
        bundles >= 10 && files > bundles,
        "{bundles} bundles, {files} files"
    );
}

/// The browser test verifies the corpus compiled in: the list must name
/// every packet file and bundle of every version, and each as it is on
/// disk.
#[test]
fn the_browsers_list_of_the_corpus_is_whole() {
    let on_disk: Files = sorted_entries(&data_dir().join("compat"))
        .into_iter()
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| {
            let version = name(&dir);
            sorted_entries(&dir)
                .into_iter()
                .filter(|p| {
                    (p.extension().is_some_and(|e| e == "json") && name(p) != "context.json")
                        || name(p).ends_with(BUNDLE)
                })
                .map(move |p| {
                    (
                        format!("{version}/{}", name(&p)),
                        std::fs::read(&p).unwrap(),
                    )
                })
        })
        .collect();
    let listed: Files = listed::CORPUS
        .iter()
        .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
        .collect();
    assert_eq!(
        listed.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        on_disk.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "crates/qingdan-core/tests/common/corpus.rs lists the corpus"
    );
    assert!(listed == on_disk, "the listed packets are the files");
}

/// A sheet of the first format is read with its sentences as they were
/// signed (shown so, in any language), and its numbers; a wording of the
/// sentence other than today's is no difference.
#[test]
fn an_old_sheets_sentences_are_shown_as_signed_and_never_compared() {
    let (_, packets) = corpus()
        .into_iter()
        .find(|(_, packets)| {
            let p = Packet::parse(&packets[0].1).unwrap();
            p.sheet().is_none_or(|s| s.format == SCORE_FORMAT_1)
        })
        .expect("a version of the first format");
    let (_, bytes) = packets
        .iter()
        .find(|(f, _)| f.ends_with("-self-assessment.json"))
        .unwrap();
    let packet = Packet::parse(bytes).unwrap();
    let template = bundled_template(&packet);
    let sheet = packet.sheet().unwrap();
    let signed: Value = serde_json::from_slice(bytes).unwrap();
    let first = &signed["payload"]["score"]["items"][0];
    let Reason::Written { text } = &sheet.items[0].reason else {
        panic!("{:?}", sheet.items[0].reason);
    };
    assert_eq!(text, first["reason"].as_str().unwrap());
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(&sheet.items[0].reason_text(&template, lang), text);
    }
    assert_eq!(
        sheet.items[0].score.to_string(),
        first["score"].as_str().unwrap()
    );

    // Every sentence reworded and the packet signed again: it still verifies.
    let mut value = packet.to_value();
    for item in value["payload"]["score"]["items"].as_array_mut().unwrap() {
        item["reason"] = json!("（表述已修订）");
    }
    let mut reworded = Packet::from_value(value).unwrap();
    resign(&mut reworded);
    reworded.verify(Some(&template)).unwrap();
}

/// Signs `packet` again with those of the test keys it lists.
fn resign(packet: &mut Packet) {
    use base64::Engine as _;
    for name in ["principal", "supervisory", "inspector", "inspector2"] {
        let pem = std::fs::read_to_string(data_dir().join(format!("keys/{name}.pem"))).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        // A PKCS#8 Ed25519 key ends with its 32-byte seed.
        let seed: [u8; 32] = der[der.len() - 32..].try_into().unwrap();
        let _ = packet.sign(&qingdan_core::keys::SigningKey::from_bytes(&seed));
    }
}

/// What the code signs today holds facts only: no string in a score sheet
/// is a sentence (every one is an id, a code, a decimal or a date), so
/// rewording what the app shows can never make a packet differ.
#[test]
fn a_sheet_made_today_holds_no_sentence() {
    let (_, packets) = corpus().into_iter().next().unwrap();
    let mut sheets = 0;
    for (file, bytes) in &packets {
        let old = Packet::parse(bytes).unwrap();
        if !old.payload().kind.answers_checklist() {
            continue;
        }
        let template = bundled_template(&old);
        let responses = Responses::from_value(&template, old.responses()).unwrap();
        let mut meta = fixtures::meta(old.payload().signers.clone());
        meta.kind = old.payload().kind;
        meta.subject = old.payload().subject.clone();
        meta.findings = old.payload().findings.clone();
        let made = packet::new_packet(&template, &responses, meta).unwrap();
        let value = made.to_value();
        let sheet = &value["payload"]["score"];
        assert_eq!(sheet["format"], SCORE_FORMAT, "{file}");
        let mut strings = Vec::new();
        collect_strings(sheet, &mut strings);
        for s in strings {
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/:".contains(c)),
                "{file}: {s:?} in the score sheet is not an id, code, number or date"
            );
        }
        // Its reasons are rendered from the facts and the checklist.
        let read = made.sheet().unwrap();
        assert!(
            read.items
                .iter()
                .all(|i| !matches!(i.reason, Reason::Written { .. }))
        );
        let shown = read.items[0].reason_text(&template, Lang::Zh);
        assert!(!shown.is_empty() && !shown.is_ascii(), "{file}: {shown}");
        sheets += 1;
    }
    assert!(sheets >= 5, "sheets of every list");
}

fn collect_strings<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// A sheet written today reads back as what was written.
#[test]
fn a_sheet_reads_back_as_written() {
    let (template, responses) = fixtures::generated();
    let sheet = score(&template, &responses, None);
    let value = serde_json::to_value(&sheet).unwrap();
    assert_eq!(read_sheet(&value).unwrap(), sheet);
}

/// A format this version does not know, a sheet of this format with a
/// sentence for a reason, and a damaged sheet are refused, each saying
/// where.
#[test]
fn an_unknown_format_or_a_damaged_sheet_is_refused_never_misread() {
    let (template, responses) = fixtures::generated();
    let good = serde_json::to_value(score(&template, &responses, None)).unwrap();
    let refused = |change: &dyn Fn(&mut Value)| {
        let mut value = good.clone();
        change(&mut value);
        read_sheet(&value).unwrap_err()
    };
    assert_eq!(
        refused(&|v| v["format"] = json!("qingdan.score/3")),
        SheetError::UnknownFormat {
            at: "format".into(),
            found: "\"qingdan.score/3\"".into()
        }
    );
    let written =
        refused(&|v| v["items"][0]["reason"] = json!({"code": "written", "text": "已完成"}));
    assert!(
        matches!(&written, SheetError::Shape { at, .. } if at.starts_with("items[0].reason")),
        "{written}"
    );
    let number = refused(&|v| v["items"][2]["score"] = json!("abc"));
    assert!(
        matches!(&number, SheetError::Shape { at, .. } if at == "items[2].score"),
        "{number}"
    );
    let extra = refused(&|v| v["items"][0]["reason"]["note"] = json!("x"));
    assert!(
        matches!(&extra, SheetError::Shape { at, .. } if at.starts_with("items[0].reason")),
        "{extra}"
    );

    // In a packet signed so (by a newer app): once its signatures hold,
    // refused as a format this version does not read (422 score-format at
    // the intake), named by its path.
    let mut packet = fixtures::signed(&template, &responses, [1, 2]).to_value();
    packet["payload"]["score"]["format"] = json!("qingdan.score/3");
    let mut packet = Packet::from_value(packet).unwrap();
    assert!(matches!(
        packet.verify(Some(&template)),
        Err(PacketError::BadSignature { .. })
    ));
    for seed in [1, 2] {
        packet
            .sign(&qingdan_core::keys::SigningKey::from_bytes(&[seed; 32]))
            .unwrap();
    }
    let error = packet.verify(Some(&template)).unwrap_err();
    assert!(matches!(error, PacketError::ScoreFormat { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("payload.score.format: \"qingdan.score/3\""),
        "{error}"
    );
}
