//! A packet with its files as one file, for a USB stick or an export: a zip
//! `<unit>-<period>-<kind>.qingdan.zip` holding `packet.json` (the packet's
//! exact signed bytes) and `attachments/<sha256>` for each file its payload
//! names. A packet without files stays a plain `.qingdan.json`.
//!
//! [`read`] takes a bundle apart within bounds (a file's size and all the
//! files' as [`Limits`] allow, the packet's as the caller allows, no entry
//! but those, each unpacked no further than it says), and [`open`] checks
//! it whole: the packet reads, and every file it names is there and is
//! that file ([`qingdan_core::attachments::check_files`]), and nothing
//! else is. Pure: bytes in, bytes out.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _, Write as _};

use qingdan_core::attachments::{self, Limits, Mismatch};
use qingdan_core::packet::Payload;
use qingdan_core::{Packet, PacketError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The packet's entry.
pub const PACKET: &str = "packet.json";
/// The folder of the files, each named by its SHA-256.
pub const FILES: &str = "attachments/";
/// How a bundle's name ends.
pub const EXTENSION: &str = ".qingdan.zip";

/// A bundle taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bundle {
    /// The packet's bytes, exactly as signed.
    pub packet: Vec<u8>,
    /// The files, by their SHA-256.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Why a file is not a bundle, or not a whole one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not a zip file (or a damaged one).
    #[error("not a Qingdan bundle (a zip file): {0}")]
    NotZip(String),
    /// No `packet.json` in it.
    #[error("the bundle holds no packet.json")]
    NoPacket,
    /// An entry that a bundle does not have.
    #[error("{0}: a bundle holds packet.json and attachments/<sha256> only")]
    Unexpected(String),
    /// An entry larger than it may be.
    #[error("{name}: more than {limit} bytes")]
    TooLarge {
        /// The entry.
        name: String,
        /// Its limit.
        limit: u64,
    },
    /// An entry that does not unpack.
    #[error("{name}: {problem}")]
    Entry {
        /// The entry.
        name: String,
        /// What went wrong.
        problem: String,
    },
    /// The packet does not read, or its entries are out of form or past
    /// the limits.
    #[error("packet.json: {0}")]
    Packet(PacketError),
    /// A file the packet names is missing or is another.
    #[error("{0}")]
    File(Box<Mismatch>),
    /// A file the packet does not name.
    #[error("attachments/{0}: the packet names no such file")]
    Extra(String),
}

/// A zip writer's failure, in words.
fn zip_error(e: impl std::fmt::Display) -> BundleError {
    BundleError::NotZip(e.to_string())
}

/// The bundle of `packet` (its exact bytes) and `files`: the packet
/// deflated, the files stored as they are (photos and PDFs are packed
/// already), with no times, so that the same packet and files make the
/// same bytes.
pub fn write<'a>(
    packet: &[u8],
    files: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, BundleError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    zip.start_file(
        PACKET,
        options.compression_method(CompressionMethod::Deflated),
    )
    .map_err(zip_error)?;
    zip.write_all(packet).map_err(zip_error)?;
    let mut named: BTreeMap<String, &[u8]> = BTreeMap::new();
    for bytes in files {
        named.insert(attachments::digest(bytes), bytes);
    }
    for (sha256, bytes) in named {
        zip.start_file(
            format!("{FILES}{sha256}"),
            options
                .compression_method(CompressionMethod::Stored)
                .large_file(bytes.len() as u64 >= u64::from(u32::MAX)),
        )
        .map_err(zip_error)?;
        zip.write_all(bytes).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// Whether `bytes` begin as a zip file does (a bundle, not a packet's
/// JSON).
pub fn is_bundle(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A bundle's name for `payload`: `<unit>-<period>-<kind>.qingdan.zip`.
pub fn file_name(payload: &Payload) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{}-{}-{}{EXTENSION}",
        safe(&payload.unit.code),
        safe(&payload.period),
        payload.kind.as_str()
    )
}

/// Takes `bytes` apart: `packet.json` (at most `max_packet` bytes) and the
/// files under `attachments/` (each at most `limits.per_file`, all at most
/// `limits.per_packet`), each named by a digest. Every size is checked as
/// the entry unpacks, not as the zip declares it.
pub fn read(bytes: &[u8], max_packet: u64, limits: Limits) -> Result<Bundle, BundleError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    let mut bundle = Bundle::default();
    let mut total: u64 = 0;
    let mut has_packet = false;
    // A file per entry: more entries than a packet may name files are not
    // read at all.
    if zip.len() > attachments::MAX_ATTACHMENTS + 1 {
        return Err(BundleError::Unexpected(format!("{} entries", zip.len())));
    }
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(zip_error)?;
        let name = entry
            .name()
            .map_err(|e| BundleError::Entry {
                name: format!("entry {i}"),
                problem: e.to_string(),
            })?
            .into_owned();
        if entry.is_dir() && name == FILES {
            continue;
        }
        let (limit, sha256) = if name == PACKET {
            (max_packet, None)
        } else {
            match name.strip_prefix(FILES) {
                Some(sha) if attachments::is_digest(sha) => (limits.per_file, Some(sha.to_owned())),
                _ => return Err(BundleError::Unexpected(name)),
            }
        };
        let mut data = Vec::new();
        (&mut entry)
            .take(limit.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| BundleError::Entry {
                name: name.clone(),
                problem: e.to_string(),
            })?;
        let size = data.len() as u64;
        if size > limit {
            return Err(BundleError::TooLarge { name, limit });
        }
        match sha256 {
            None => {
                has_packet = true;
                bundle.packet = data;
            }
            Some(sha) => {
                total = total.saturating_add(size);
                if total > limits.per_packet {
                    return Err(BundleError::TooLarge {
                        name: FILES.trim_end_matches('/').to_owned(),
                        limit: limits.per_packet,
                    });
                }
                bundle.files.insert(sha, data);
            }
        }
    }
    if !has_packet {
        return Err(BundleError::NoPacket);
    }
    Ok(bundle)
}

/// Reads `bytes` ([`read`]) and checks the bundle whole: the packet reads,
/// its entries are within `limits`, every file it names is there and is
/// that file, and there is no other. The packet is not verified here
/// (its signatures and checklist are the caller's to check, as for a
/// plain packet).
pub fn open(
    bytes: &[u8],
    max_packet: u64,
    limits: Limits,
) -> Result<(Packet, Bundle), BundleError> {
    let bundle = read(bytes, max_packet, limits)?;
    let packet = Packet::parse(&bundle.packet).map_err(BundleError::Packet)?;
    let entries = &packet.payload().attachments;
    if let Some((at, message)) = attachments::check_limits(entries, limits) {
        return Err(BundleError::Packet(PacketError::Field {
            at: format!("payload.attachments{at}"),
            message,
        }));
    }
    attachments::check_files(entries, |sha| bundle.files.get(sha).map(Vec::as_slice))
        .map_err(BundleError::File)?;
    if let Some(extra) = bundle
        .files
        .keys()
        .find(|sha| !entries.iter().any(|e| &e.sha256 == *sha))
    {
        return Err(BundleError::Extra(extra.clone()));
    }
    Ok((packet, bundle))
}
