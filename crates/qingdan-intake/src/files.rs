//! Files attached to packets ([`qingdan_core::attachments`]): each sent on
//! its own, before or after its packet, checked (its digest is its
//! address, its size within the limits, a photo or a PDF by its bytes) and
//! kept by its digest; a packet is stored only once every file it names
//! is kept ([`crate::store::Stored::FilesMissing`]), so a receipt means the
//! packet and all its files are durable. A kept file is read through a
//! packet that names it.

use qingdan_core::attachments::{self, Limits};

use crate::errors::FileError;
use crate::intake::Intake;

/// How long a file no packet names is kept (a device that sent its files
/// and then lost its network has this long to send the packet).
pub const UNNAMED_FILE_DAYS: i64 = 1;

/// How many packets' worth of files may wait for their packets at once
/// (the bytes a stranger can make the intake keep).
pub const WAITING_PACKETS: u64 = 20;

/// Files received at once: each is held whole in memory while it is
/// checked, so a crowd of uploads waits its turn.
pub const FILES_AT_ONCE: usize = 8;

/// Whether a file was kept now, or was kept before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Kept now.
    New,
    /// The same bytes were kept already.
    Already,
}

impl Intake {
    /// How large files may be at this intake.
    pub fn file_limits(&self) -> Limits {
        self.file_limits
    }

    /// A turn to receive a file: no more than [`FILES_AT_ONCE`] are held
    /// in memory at once.
    pub async fn file_turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, FileError> {
        self.receiving_files
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| FileError::Unavailable("the intake is shutting down".into()))
    }

    /// This intake with other file limits (`--max-file-bytes`,
    /// `--max-packet-files-bytes`).
    pub fn with_file_limits(mut self, limits: Limits) -> Intake {
        self.file_limits = limits;
        self
    }

    /// Keeps a file sent for a packet at the address of its digest
    /// `sha256`: refused when the bytes are not that file, are more than a
    /// file may have, or are no photo or PDF, and while the files waiting
    /// for their packets hold [`WAITING_PACKETS`] packets' worth. Sending
    /// it again keeps nothing twice.
    pub async fn put_file(
        &self,
        sha256: &str,
        bytes: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Kept, FileError> {
        if !attachments::is_digest(sha256) {
            return Err(FileError::BadAddress(sha256.to_owned()));
        }
        if bytes.len() as u64 > self.file_limits.per_file {
            return Err(FileError::TooLarge(self.file_limits.per_file));
        }
        let actual = attachments::digest(bytes);
        if actual != sha256 {
            return Err(FileError::Digest {
                actual,
                named: sha256.to_owned(),
            });
        }
        let media_type = attachments::sniff(bytes).ok_or(FileError::Type)?;
        let waiting = u64::try_from(self.store().waiting_file_bytes().await?).unwrap_or(0);
        let cap = self.file_limits.per_packet.saturating_mul(WAITING_PACKETS);
        if waiting.saturating_add(bytes.len() as u64) > cap
            && self
                .store()
                .kept_files(&[sha256.to_owned()])
                .await?
                .is_empty()
        {
            return Err(FileError::Busy(waiting));
        }
        let new = self
            .store()
            .put_file(sha256, media_type, bytes, &crate::rfc3339(now))
            .await?;
        Ok(if new { Kept::New } else { Kept::Already })
    }

    /// The file `sha256` of stored packet `packet_id`: its type and bytes.
    pub async fn packet_file(
        &self,
        packet_id: &str,
        sha256: &str,
    ) -> Result<(String, Vec<u8>), FileError> {
        self.store()
            .packet_file(packet_id, sha256)
            .await?
            .ok_or_else(|| FileError::NotFound {
                packet: packet_id.to_owned(),
                sha256: sha256.to_owned(),
            })
    }

    /// Lets go the files no packet names that came more than
    /// [`UNNAMED_FILE_DAYS`] before `now`; how many.
    pub async fn forget_unnamed_files(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, FileError> {
        let before = crate::rfc3339(now - chrono::Duration::days(UNNAMED_FILE_DAYS));
        Ok(self.store().forget_unnamed_files(&before).await?)
    }
}
