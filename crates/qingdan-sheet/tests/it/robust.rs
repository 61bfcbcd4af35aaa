//! Damaged and hostile files: whatever the bytes, `read` answers (with the
//! checklist or with problems) and never panics.

use qingdan_core::{TemplateDoc, bundled};
use zip::CompressionMethod;

use crate::craft::parts;

fn workbook() -> Vec<u8> {
    let doc: TemplateDoc =
        serde_json::from_str(bundled::find("zhuti-zeren-dangwei").unwrap().json()).unwrap();
    qingdan_sheet::write(&doc).unwrap()
}

/// A workbook of these parts, stored uncompressed so that changed XML
/// reaches the XML reader as it is.
fn repack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    crate::craft::packed(parts, CompressionMethod::Stored)
}

/// A small deterministic pseudo-random sequence (a 64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn a_truncated_workbook_is_a_problem_not_a_panic() {
    let bytes = workbook();
    for len in (0..bytes.len()).step_by(61) {
        assert!(
            qingdan_sheet::read(&bytes[..len]).is_err(),
            "{len} of {} bytes read as a checklist",
            bytes.len()
        );
    }
}

#[test]
fn a_repacked_workbook_still_reads() {
    let bytes = workbook();
    let doc = qingdan_sheet::read(&repack(&parts(&bytes))).unwrap();
    assert_eq!(doc, qingdan_sheet::read(&bytes).unwrap());
}

#[test]
fn damaged_xml_in_any_part_is_a_problem_not_a_panic() {
    let original = parts(&workbook());
    let mut random = Lcg(20_261_123);
    // Replacements a hostile or broken writer might make.
    let swaps: &[(&str, &str)] = &[
        ("r=\"A1\"", "r=\"XFD1048576\""),
        ("r=\"C2\"", "r=\"A0\""),
        ("r=\"B2\"", "r=\"ZZZZ99999999999\""),
        ("<v>", "<v>NaN"),
        ("<v>", "<v>1e999"),
        ("<v>", "<v>-"),
        ("t=\"s\"", "t=\"b\""),
        ("t=\"s\"", "t=\"e\""),
        ("<v>0</v>", "<v>4294967295</v>"),
        ("<v>1</v>", "<v>-1</v>"),
        ("<row r=\"2\"", "<row r=\"4294967295\""),
        ("<row r=\"3\"", "<row r=\"0\""),
        ("<sheetData>", "<sheetData><row><c><v>1</v></c></row>"),
        ("count=\"", "count=\"9999999999"),
        ("</si>", "</si><si>"),
        ("name=\"评分细则\"", "name=\"清单\""),
        ("sheetId=\"2\"", "sheetId=\"1\""),
        ("r:id=\"rId2\"", "r:id=\"rId99\""),
    ];
    let mut checked = 0;
    for part in 0..original.len() {
        let name = &original[part].0;
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let text = String::from_utf8(original[part].1.clone()).unwrap();
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for (from, to) in swaps {
            if text.contains(from) {
                variants.push(text.replacen(from, to, 1).into_bytes());
                variants.push(text.replace(from, to).into_bytes());
            }
        }
        for _ in 0..24 {
            let mut bytes = text.clone().into_bytes();
            match random.below(3) {
                0 => bytes.truncate(random.below(bytes.len())),
                1 => {
                    let at = random.below(bytes.len());
                    let len = random.below(64);
                    bytes.drain(at..(at + len).min(bytes.len()));
                }
                _ => {
                    let noise = b"<>\"/=&;x0 \xff";
                    for _ in 0..8 {
                        let at = random.below(bytes.len());
                        bytes[at] = noise[random.below(noise.len())];
                    }
                }
            }
            variants.push(bytes);
        }
        for variant in variants {
            let mut damaged = original.clone();
            damaged[part].1 = variant;
            // Ok or Err: only a panic fails the test.
            let _ = qingdan_sheet::read(&repack(&damaged));
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} variants were tried");
}

#[test]
fn missing_parts_are_a_problem_not_a_panic() {
    let original = parts(&workbook());
    for skip in 0..original.len() {
        let mut fewer = original.clone();
        fewer.remove(skip);
        let _ = qingdan_sheet::read(&repack(&fewer));
    }
}

/// A workbook that claims more shared strings than any checklist has is
/// refused before calamine would reserve memory for them (a 2 KB file could
/// ask for terabytes: an abort), naming the part and the limit.
#[test]
fn a_workbook_claiming_too_many_shared_strings_is_refused_naming_the_limit() {
    let original = parts(&workbook());
    let at = original
        .iter()
        .position(|(name, _)| name == "xl/sharedStrings.xml")
        .expect("the workbook has shared strings");
    let text = String::from_utf8(original[at].1.clone()).unwrap();
    let start = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
    let end = start + text[start..].find('"').unwrap();
    for claim in [
        "100000000000",
        "18446744073709551615",
        "99999999999999999999999",
        "-1",
    ] {
        let mut crafted = original.clone();
        crafted[at].1 = format!("{}{claim}{}", &text[..start], &text[end..]).into_bytes();
        let errors = qingdan_sheet::read(&repack(&crafted))
            .unwrap_err()
            .to_string();
        assert!(
            errors.contains("xl/sharedStrings.xml")
                && errors.contains("at most 500000 shared strings"),
            "uniqueCount={claim}: {errors}"
        );
    }
}

/// A part that unpacks to more than a checklist could need (a zip bomb: 40
/// MiB of zeros packs to some 40 KB) is refused before it is unpacked.
#[test]
fn a_part_that_unpacks_too_large_is_refused_before_it_is_unpacked() {
    let mut all = parts(&workbook());
    all.push(("xl/media/zeros.bin".to_owned(), vec![0u8; 40 << 20]));
    let bytes = crate::craft::deflated(&all);
    assert!(
        bytes.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bytes.len()
    );
    let errors = qingdan_sheet::read(&bytes).unwrap_err().to_string();
    assert!(
        errors.contains("xl/media/zeros.bin: unpacks to 41943040 bytes; a part may be at most"),
        "{errors}"
    );
}
