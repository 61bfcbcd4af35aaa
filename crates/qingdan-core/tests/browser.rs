//! qingdan-core in a real browser (headless Chromium, through
//! `wasm-pack test --headless --chrome`, run by `cargo xtask test`): the
//! browser parses, scores, signs and verifies exactly as the server does.
#![cfg(target_arch = "wasm32")]

use qingdan_core::packet::{self, Packet};
use qingdan_core::{Responses, Template, bundled, score};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TEMPLATE: &str = include_str!("../../../tests/data/packets/inputs/template.json");
const RESPONSES: &str = include_str!("../../../tests/data/examples/jiandu-zeren-2026.json");
/// Signed natively by `qingdan sign` (one key from openssl).
const SIGNED_NATIVELY: &[u8] = include_bytes!("../../../tests/data/packets/valid.json");
const TAMPERED: &[u8] = include_bytes!("../../../tests/data/packets/tampered-payload.json");

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

#[path = "common/corpus.rs"]
mod corpus;

fn signed_in_browser() -> (Template, Packet) {
    let template = Template::parse(TEMPLATE).unwrap();
    let responses = Responses::parse(&template, RESPONSES).unwrap();
    let packet = fixtures::signed(&template, &responses, [7, 8]);
    (template, packet)
}

#[wasm_bindgen_test]
fn the_browser_signs_a_packet_that_verifies() {
    let (template, packet) = signed_in_browser();
    let verified = packet.verify(Some(&template)).unwrap();
    assert_eq!(verified.summary.total, "83.00");
    // Through the file form and back, as a download and an upload would go.
    let reread = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
    reread.verify(Some(&template)).unwrap();
}

#[wasm_bindgen_test]
fn the_browser_verifies_a_packet_signed_natively_and_refuses_a_tampered_one() {
    let template = Template::parse(TEMPLATE).unwrap();
    Packet::parse(SIGNED_NATIVELY)
        .unwrap()
        .verify(Some(&template))
        .unwrap();
    let err = Packet::parse(TAMPERED)
        .unwrap()
        .verify(Some(&template))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the signature of principal 张三 does not verify"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn the_browser_scores_every_bundled_list_like_the_server() {
    for b in bundled::ALL {
        let template = Template::parse(b.json()).unwrap();
        let sheet = score(&template, &Responses::new(), None);
        assert_eq!(sheet.max.to_string(), "100.00", "{}", b.id);
    }
    let template = Template::parse(TEMPLATE).unwrap();
    let sheet = score(
        &template,
        &Responses::parse(&template, RESPONSES).unwrap(),
        None,
    );
    assert_eq!(
        (
            sheet.total.to_string(),
            sheet.percentage.unwrap().to_string()
        ),
        ("83.00".into(), "90.22".into())
    );
}

/// Packets per second for parse + canonicalize + verify (two signatures) of
/// a 94-item packet in the browser, the same work as the native `packets`
/// benchmark; built only by `cargo xtask bench` (`--cfg qingdan_browser_bench`).
#[cfg(qingdan_browser_bench)]
#[wasm_bindgen_test]
fn bench_parse_canonicalize_and_verify() {
    let (template, responses) = fixtures::generated();
    let packet = fixtures::signed(&template, &responses, [1, 2]);
    let bytes = packet::to_file_text(&packet).into_bytes();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let rounds = 200;
    let start = performance.now();
    for _ in 0..rounds {
        Packet::parse(&bytes).unwrap().verify(None).unwrap();
    }
    let ms = performance.now() - start;
    wasm_bindgen_test::console_log!(
        "BENCH browser: parse + canonicalize + verify one 94-item packet ({} bytes, 2 signatures): {:.1} µs each, {:.0} packets/s",
        bytes.len(),
        ms * 1000.0 / f64::from(rounds),
        f64::from(rounds) / (ms / 1000.0)
    );
}

/// Signing in the browser, as the app does when both officials have
/// signed: a 94-item packet built, canonicalized and signed twice; built
/// only by `cargo xtask bench`.
#[cfg(qingdan_browser_bench)]
#[wasm_bindgen_test]
fn bench_build_and_sign() {
    let (template, responses) = fixtures::generated();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let rounds = 200;
    let start = performance.now();
    for _ in 0..rounds {
        assert_eq!(
            fixtures::signed(&template, &responses, [1, 2])
                .signatures()
                .len(),
            2
        );
    }
    let ms = performance.now() - start;
    wasm_bindgen_test::console_log!(
        "BENCH browser: build, canonicalize and sign one 94-item packet (2 signatures): {:.1} µs each",
        ms * 1000.0 / f64::from(rounds)
    );
}

/// Scoring one filled 94-item list in the browser (target ≤ 100 µs); built
/// only by `cargo xtask bench`.
#[cfg(qingdan_browser_bench)]
#[wasm_bindgen_test]
fn bench_score_94_items() {
    let (template, responses) = fixtures::generated();
    let performance = web_sys::window().unwrap().performance().unwrap();
    let rounds = 2_000;
    let mut total = qingdan_core::Fixed::ZERO;
    let start = performance.now();
    for _ in 0..rounds {
        total = score(&template, &responses, None).total;
    }
    let ms = performance.now() - start;
    wasm_bindgen_test::console_log!(
        "BENCH browser: score one 94-item list: {:.1} µs each (total {total})",
        ms * 1000.0 / f64::from(rounds)
    );
}

/// Every packet an older app signed verifies in today's browser app too
/// (`tests/data/compat/`): its signatures, roles and digest, and its score
/// by meaning; a rectification also against the inspection it answers.
#[wasm_bindgen_test]
fn the_browser_verifies_every_packet_of_every_released_version() {
    assert!(corpus::CORPUS.len() >= 20);
    // A bundle's packet, its files checked against it.
    let packet_of = |path: &str, bytes: &[u8]| -> Vec<u8> {
        if !path.ends_with(".qingdan.zip") {
            return bytes.to_vec();
        }
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut entries = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            entries.insert(entry.name().unwrap().into_owned(), data);
        }
        let packet = entries.remove("packet.json").unwrap();
        let named = Packet::parse(&packet)
            .unwrap()
            .payload()
            .attachments
            .clone();
        qingdan_core::attachments::check_files(&named, |sha| {
            entries
                .get(&format!("attachments/{sha}"))
                .map(Vec::as_slice)
        })
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        packet
    };
    let packets: Vec<(&str, Packet)> = corpus::CORPUS
        .iter()
        .map(|(path, bytes)| {
            let packet =
                Packet::parse(&packet_of(path, bytes)).unwrap_or_else(|e| panic!("{path}: {e}"));
            (*path, packet)
        })
        .collect();
    for (path, packet) in &packets {
        let named = &packet.payload().template;
        let template = Template::parse(
            bundled::find_version(&named.id, named.version)
                .unwrap()
                .json(),
        )
        .unwrap();
        packet
            .verify(Some(&template))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        if let Some(id) = &packet.payload().refers_to {
            let (_, inspection) = packets
                .iter()
                .find(|(_, p)| &p.payload().id == id)
                .unwrap_or_else(|| panic!("{path}: its inspection is in the corpus"));
            qingdan_core::trust::answers(packet.payload(), inspection.payload())
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
}
