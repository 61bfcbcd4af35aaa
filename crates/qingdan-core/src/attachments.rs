//! Files attached to a packet: a photo of a talk record on an item, the
//! document a unit issued, a picture of a problem found. The signed payload
//! names each file by its facts — the item (and finding) it is on, its
//! name, type, size and the SHA-256 of its bytes — so the signatures cover
//! every file: a file changed after signing no longer matches its entry.
//! The files themselves travel beside the packet (in a bundle, or uploaded
//! one by one) and are checked against their entries with [`check_file`].
//!
//! Pure: the checks take the entries, the checklist and the bytes given.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canonical::hex_lower;
use crate::findings::Finding;
use crate::template::Template;

/// The media types a file may have: photos (JPEG, PNG, WebP) and PDF.
pub const MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// The most files one packet may carry.
pub const MAX_ATTACHMENTS: usize = 200;

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// A file attached to a packet, as its payload names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Its id in the packet (`1`, `2`, … or any short id), unique there.
    pub id: String,
    /// The checklist item it is evidence for.
    pub item: String,
    /// The finding (of an inspection) it shows, when it is on one; the
    /// finding is on the same item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// The file's name as it was chosen (`谈话记录.jpg`), for the reader.
    pub name: String,
    /// One of [`MEDIA_TYPES`].
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, 64 lower-case hex digits.
    pub sha256: String,
}

/// How large files may be: each, and all of one packet together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes a file may have.
    pub per_file: u64,
    /// Bytes all the files of one packet may have together.
    pub per_packet: u64,
}

impl Default for Limits {
    /// 10 MiB a file, 50 MiB a packet.
    fn default() -> Self {
        Limits {
            per_file: 10 * 1024 * 1024,
            per_packet: 50 * 1024 * 1024,
        }
    }
}

/// A problem with an entry: where (`[2].media_type`, after
/// `payload.attachments`) and what.
pub type Problem = (String, String);

fn at(index: usize, field: &str) -> String {
    format!("[{index}].{field}")
}

/// Whether `s` is a SHA-256 as entries write it.
pub fn is_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The entries' own form, without the checklist: unique ids, a known
/// media type, a digest, a size above nothing, a name and an item. The
/// first problem, if any.
pub fn check_entries(entries: &[Attachment]) -> Option<Problem> {
    if entries.len() > MAX_ATTACHMENTS {
        return Some((
            String::new(),
            format!(
                "{} files; a packet carries at most {MAX_ATTACHMENTS}",
                entries.len()
            ),
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, a) in entries.iter().enumerate() {
        let short = |s: &str| !s.trim().is_empty() && s.chars().count() <= 64;
        if !short(&a.id) {
            return Some((
                at(i, "id"),
                "an id of 1 to 64 characters is required".into(),
            ));
        }
        if !ids.insert(a.id.as_str()) {
            return Some((at(i, "id"), format!("the id {:?} is used twice", a.id)));
        }
        if !short(&a.item) {
            return Some((at(i, "item"), "the item's id is required".into()));
        }
        if a.finding.as_deref().is_some_and(|f| !short(f)) {
            return Some((
                at(i, "finding"),
                "a finding's id of 1 to 64 characters".into(),
            ));
        }
        if a.name.trim().is_empty() || a.name.chars().count() > MAX_NAME_CHARS {
            return Some((
                at(i, "name"),
                format!("a file name of 1 to {MAX_NAME_CHARS} characters is required"),
            ));
        }
        if !MEDIA_TYPES.contains(&a.media_type.as_str()) {
            return Some((
                at(i, "media_type"),
                format!(
                    "{:?} is not a type a file may have ({})",
                    a.media_type,
                    MEDIA_TYPES.join(", ")
                ),
            ));
        }
        if a.size == 0 {
            return Some((at(i, "size"), "an empty file".into()));
        }
        if !is_digest(&a.sha256) {
            return Some((at(i, "sha256"), "expected 64 lower-case hex digits".into()));
        }
    }
    None
}

/// The entries against the checklist and the packet's findings: each on an
/// item of the checklist, and a finding's on a finding of the packet that
/// is on the same item.
pub fn check_against(
    entries: &[Attachment],
    template: &Template,
    findings: &[Finding],
) -> Option<Problem> {
    for (i, a) in entries.iter().enumerate() {
        if template.item(&a.item).is_none() {
            return Some((
                at(i, "item"),
                format!(
                    "{:?} is not an item of {} v{}",
                    a.item,
                    template.id(),
                    template.version()
                ),
            ));
        }
        if let Some(id) = &a.finding {
            match findings.iter().find(|f| &f.id == id) {
                None => {
                    return Some((
                        at(i, "finding"),
                        format!("the packet has no finding {id:?}"),
                    ));
                }
                Some(f) if f.item != a.item => {
                    return Some((
                        at(i, "item"),
                        format!("finding {id:?} is on item {:?}, not {:?}", f.item, a.item),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    None
}

/// The entries' sizes within `limits`: each file, then all together.
pub fn check_limits(entries: &[Attachment], limits: Limits) -> Option<Problem> {
    for (i, a) in entries.iter().enumerate() {
        if a.size > limits.per_file {
            return Some((
                at(i, "size"),
                format!(
                    "{} bytes; a file may have at most {}",
                    a.size, limits.per_file
                ),
            ));
        }
    }
    let total: u64 = entries.iter().map(|a| a.size).fold(0, u64::saturating_add);
    (total > limits.per_packet).then(|| {
        (
            String::new(),
            format!(
                "{total} bytes of files; a packet may carry at most {}",
                limits.per_packet
            ),
        )
    })
}

/// Why a file is not the one its entry names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Its size differs.
    #[error("{size} bytes, but the packet names {named}")]
    Size {
        /// The file's.
        size: u64,
        /// The entry's.
        named: u64,
    },
    /// Its digest differs: it is another file, or a changed one.
    #[error("its SHA-256 is {actual}, but the packet names {named}")]
    Digest {
        /// The file's.
        actual: String,
        /// The entry's.
        named: String,
    },
    /// Its bytes are not of the type named.
    #[error("its bytes are not {0}")]
    Type(String),
}

/// The SHA-256 of `bytes`, as entries write it.
pub fn digest(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// The media type `bytes` begin as, if one of [`MEDIA_TYPES`].
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Whether `bytes` are the file `entry` names: its size, its digest, and
/// bytes that begin as its type does.
pub fn check_file(entry: &Attachment, bytes: &[u8]) -> Result<(), FileError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size != entry.size {
        return Err(FileError::Size {
            size,
            named: entry.size,
        });
    }
    let actual = digest(bytes);
    if actual != entry.sha256 {
        return Err(FileError::Digest {
            actual,
            named: entry.sha256.clone(),
        });
    }
    if sniff(bytes) != Some(entry.media_type.as_str()) {
        return Err(FileError::Type(entry.media_type.clone()));
    }
    Ok(())
}

/// What is wrong with one of a packet's files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// It is not there.
    #[error("the file is missing")]
    Missing,
    /// It is not the file named.
    #[error("{0}")]
    Wrong(#[from] FileError),
}

/// A packet's file that is not the one its entry names, named by the
/// entry: where, which file, on which item, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payload.attachments[{index}] ({name}, item {item}): {problem}")]
pub struct Mismatch {
    /// The entry's place in `payload.attachments`.
    pub index: usize,
    /// The file's name.
    pub name: String,
    /// The item it is on.
    pub item: String,
    /// The entry's digest (where the file is kept).
    pub sha256: String,
    /// What is wrong.
    pub problem: FileProblem,
}

/// Checks every file `entries` name, fetched by its digest with `file`
/// (none: missing); the first that is missing or is not its entry's.
pub fn check_files<'a>(
    entries: &[Attachment],
    file: impl Fn(&str) -> Option<&'a [u8]>,
) -> Result<(), Box<Mismatch>> {
    for (index, entry) in entries.iter().enumerate() {
        let problem = match file(&entry.sha256) {
            None => FileProblem::Missing,
            Some(bytes) => match check_file(entry, bytes) {
                Ok(()) => continue,
                Err(e) => FileProblem::Wrong(e),
            },
        };
        return Err(Box::new(Mismatch {
            index,
            name: entry.name.clone(),
            item: entry.item.clone(),
            sha256: entry.sha256.clone(),
            problem,
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn entry(id: &str, item: &str, bytes: &[u8], media_type: &str) -> Attachment {
        Attachment {
            id: id.into(),
            item: item.into(),
            finding: None,
            name: format!("{id}.bin"),
            media_type: media_type.into(),
            size: bytes.len() as u64,
            sha256: digest(bytes),
        }
    }

    #[test]
    fn a_file_is_its_entry_only_with_its_size_digest_and_type() {
        let photo = entry("1", "1.1", PNG, "image/png");
        assert_eq!(check_file(&photo, PNG), Ok(()));
        // One byte changed: the same size, another digest.
        let mut swapped = PNG.to_vec();
        swapped[14] ^= 1;
        assert!(matches!(
            check_file(&photo, &swapped),
            Err(FileError::Digest { .. })
        ));
        assert!(matches!(
            check_file(&photo, &PNG[..10]),
            Err(FileError::Size { size: 10, .. })
        ));
        // Named a PDF, but a PNG.
        let pdf = entry("2", "1.1", PNG, "application/pdf");
        assert_eq!(
            check_file(&pdf, PNG),
            Err(FileError::Type("application/pdf".into()))
        );
        for (bytes, media_type) in [
            (&b"\xFF\xD8\xFF\xE0"[..], "image/jpeg"),
            (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
            (b"%PDF-1.7\n", "application/pdf"),
        ] {
            assert_eq!(sniff(bytes), Some(media_type));
        }
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn an_entry_out_of_form_is_named_by_its_place() {
        let good = entry("1", "1.1", PNG, "image/png");
        assert_eq!(check_entries(std::slice::from_ref(&good)), None);
        let with = |change: &dyn Fn(&mut Attachment)| {
            let mut bad = good.clone();
            change(&mut bad);
            check_entries(&[good.clone(), bad]).map(|(at, _)| at)
        };
        assert_eq!(with(&|a| a.id = "2".into()), None);
        assert_eq!(with(&|_| {}), Some("[1].id".into()), "the id twice");
        assert_eq!(
            with(&|a| {
                a.id = "2".into();
                a.media_type = "image/gif".into();
            }),
            Some("[1].media_type".into())
        );
        assert_eq!(
            with(&|a| {
                a.id = "2".into();
                a.sha256 = a.sha256.to_uppercase();
            }),
            Some("[1].sha256".into())
        );
        assert_eq!(
            with(&|a| {
                a.id = "2".into();
                a.size = 0;
            }),
            Some("[1].size".into())
        );
        assert_eq!(
            with(&|a| {
                a.id = "2".into();
                a.name = " ".into();
            }),
            Some("[1].name".into())
        );
    }

    #[test]
    fn an_oversize_file_or_packet_is_refused_by_its_place() {
        let limits = Limits {
            per_file: 100,
            per_packet: 150,
        };
        let mut a = entry("1", "1.1", PNG, "image/png");
        a.size = 100;
        let mut b = a.clone();
        b.id = "2".into();
        b.size = 101;
        assert_eq!(
            check_limits(&[a.clone(), b.clone()], limits).map(|(at, _)| at),
            Some("[1].size".into())
        );
        b.size = 60;
        let (at, why) = check_limits(&[a.clone(), b], limits).unwrap();
        assert_eq!(at, "");
        assert!(why.contains("160 bytes"), "{why}");
        assert_eq!(check_limits(&[a], limits), None);
        assert_eq!(Limits::default().per_file, 10 * 1024 * 1024);
    }
}
