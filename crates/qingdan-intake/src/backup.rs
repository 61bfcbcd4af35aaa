//! Backups of the intake's database, and the check of one. A SQLite store
//! is copied by [`Store::backup_to`] (`VACUUM INTO`), a PostgreSQL one by
//! [`pg_dump`]; [`Backup::open`] opens a copy read-only, as it is, and
//! [`Backup::check`] reads back every packet in it as the intake would
//! stand by it: the bytes whole, their signatures good, and the receipt
//! the intake's, naming those bytes.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use qingdan_core::packet::PacketError;
use qingdan_core::receipt::{self, ReceiptError};
use qingdan_core::{Packet, ProblemCode, Template, canonical, keys};
use sha2::{Digest as _, Sha256};

use crate::errors::packet_code;
pub use crate::store::{Inventory, StoredPacket};
use crate::store::{Store, StoreError};

/// Packets read from the copy at once: their bytes are in memory together
/// (a packet is at most a few megabytes), however large the copy is.
const PAGE: i64 = 64;

/// The first migration with `intake_key_history` (the intake's earlier
/// keys); a copy made before it has none.
const KEY_HISTORY_SINCE: i64 = 4;

/// A backup written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The file, as an absolute path.
    pub path: PathBuf,
    /// The packets it holds, when known (a pg_dump archive is not read).
    pub packets: Option<i64>,
    /// Its size in bytes.
    pub size: u64,
    /// The hex SHA-256 of the file: noted down, it tells later whether a
    /// file is still this backup.
    pub sha256: String,
}

/// Why a backup was not made, or a copy cannot be checked.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database failed (this names the file for one that exists).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// There is no file to check there.
    #[error("{}: no such file", .0.display())]
    Missing(PathBuf),
    /// The file to check cannot be read.
    #[error("cannot read {}: {error}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file is a pg_dump archive, which is checked once restored.
    #[error(
        "{file}: a PostgreSQL dump (pg_dump's custom format), not a database to open. To check it, restore it into a new, empty database and check that:\n  createdb qingdan_check\n  pg_restore --dbname postgres://…/qingdan_check {file}\n  qingdan backup verify postgres://…/qingdan_check",
        file = .0.display()
    )]
    PgDumpArchive(PathBuf),
    /// The file is not a SQLite database.
    #[error("{}: not a SQLite database (nor a pg_dump archive)", .0.display())]
    NotSqlite(PathBuf),
    /// The database has no migrations table: no intake made it.
    #[error("not an intake's database: it has no _sqlx_migrations table")]
    NotIntake,
    /// The database was made by a newer qingdan than this one.
    #[error(
        "the copy's schema is version {found}, newer than this qingdan knows (up to {known}): check it with the qingdan that made it, or a newer one"
    )]
    NewerSchema {
        /// The newest migration applied to the copy.
        found: i64,
        /// The newest this build has.
        known: i64,
    },
    /// The copy holds packets but no intake key to check their receipts by.
    #[error(
        "the copy holds {0} packets but no intake key (table intake_key): their receipts cannot be checked"
    )]
    NoIntakeKey(i64),
    /// The database to copy is not SQLite or PostgreSQL on disk.
    #[error("{0}")]
    Unsupported(String),
    /// The check itself failed (a bug, not the copy's).
    #[error("the check failed: {0}")]
    Failed(String),
    /// `pg_dump` cannot be run.
    #[error(
        "pg_dump is not installed (or not on PATH): install PostgreSQL's client tools (apt install postgresql-client), of the server's major version or newer"
    )]
    NoPgDump,
    /// `pg_dump` ran and failed; what it said.
    #[error("pg_dump failed ({status}): {said}")]
    PgDump {
        /// Its exit status.
        status: std::process::ExitStatus,
        /// Its standard error.
        said: String,
    },
}

/// One thing wrong with a stored packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    /// The bytes' SHA-256 is not the one recorded with them.
    #[error("digest: the stored bytes' SHA-256 is {actual}, not the {recorded} recorded for them")]
    Digest {
        /// The `sha256` column.
        recorded: String,
        /// The SHA-256 of the `bytes` column.
        actual: String,
    },
    /// The bytes' length is not the size recorded with them.
    #[error("size: {actual} bytes are stored, {recorded} recorded")]
    Size {
        /// The `size` column.
        recorded: i64,
        /// The length of the `bytes` column.
        actual: usize,
    },
    /// The bytes are no packet the core reads.
    #[error("unreadable: {0}")]
    Unreadable(PacketError),
    /// The packet in the bytes has another id than the one it is stored
    /// under.
    #[error("id: the packet stored under this id is {0}")]
    OtherId(String),
    /// A signer's key is not enrolled for the packet's unit in the copy.
    #[error(
        "signer: payload.signers[{index}] ({name}, key {fingerprint}) is not enrolled for unit {unit} in this copy"
    )]
    Signer {
        /// The signer's index.
        index: usize,
        /// The name on the signature.
        name: String,
        /// The key's fingerprint.
        fingerprint: String,
        /// The packet's unit.
        unit: String,
    },
    /// The checklist the packet answers is not in the copy, or does not
    /// read.
    #[error("template: {id} v{version} {problem}")]
    Template {
        /// Its id.
        id: String,
        /// Its version.
        version: u32,
        /// What is wrong.
        problem: String,
    },
    /// The core's check of the packet fails: a signature, or what the
    /// signers signed against the checklist (its digest, the score).
    #[error("{}: {error}", check_label(.error))]
    Check {
        /// What the core says.
        error: PacketError,
    },
    /// The receipt does not verify against the intake's keys in the copy,
    /// or names another packet or other bytes.
    #[error("receipt: {0}")]
    Receipt(ReceiptError),
    /// A file the packet names is missing from the copy, or is not the
    /// file signed.
    #[error("file: {0}")]
    File(Box<qingdan_core::attachments::Mismatch>),
}

/// What a failed check is called: `signature` for any signature's, else
/// the problem code the intake refuses such a packet with.
fn check_label(error: &PacketError) -> &'static str {
    match packet_code(error) {
        ProblemCode::BadSignature => "signature",
        code => code.as_str(),
    }
}

/// One stored packet checked: its id and what is wrong with it (nothing,
/// when it is good).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The id it is stored under.
    pub id: String,
    /// Every problem found.
    pub damage: Vec<Damage>,
}

/// How a check went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Packets checked.
    pub checked: u64,
    /// Packets with no damage.
    pub good: u64,
    /// Packets with some.
    pub damaged: u64,
}

/// A copy of the intake's database, opened read-only to be checked.
#[derive(Debug)]
pub struct Backup {
    store: Store,
    schema: i64,
    inventory: Inventory,
    /// The intake's key in use in the copy, and the earlier ones.
    current: Option<String>,
    earlier: Vec<String>,
}

impl Backup {
    /// Opens `copy`, a SQLite file (or `sqlite://FILE`) or a `postgres://`
    /// URL, read-only and without migrating it: a copy is checked as it
    /// is, never changed. Refuses a pg_dump archive (saying how to check
    /// one), a file that is not SQLite, and a schema newer than this build
    /// knows.
    pub async fn open(copy: &str) -> Result<Backup, BackupError> {
        let store = if copy.starts_with("postgres:") || copy.starts_with("postgresql:") {
            Store::open_postgres_copy(copy).await?
        } else {
            let path = match Store::sqlite_file(copy)? {
                Some(path) => path,
                None if copy.starts_with("sqlite:") => {
                    return Err(BackupError::Unsupported(format!(
                        "{copy}: an in-memory database is no copy"
                    )));
                }
                None => PathBuf::from(copy),
            };
            sniff(&path)?;
            Store::open_sqlite_copy(&path).await?
        };
        let schema = store
            .schema_version()
            .await?
            .ok_or(BackupError::NotIntake)?;
        let known = store.known_schema_version();
        if schema > known {
            return Err(BackupError::NewerSchema {
                found: schema,
                known,
            });
        }
        let inventory = store.inventory().await?;
        let current = store.intake_public_key().await?;
        if current.is_none() && inventory.packets > 0 {
            return Err(BackupError::NoIntakeKey(inventory.packets));
        }
        let earlier = if schema >= KEY_HISTORY_SINCE {
            let history = store.intake_key_history().await?;
            history.into_iter().map(|(key, _)| key).collect()
        } else {
            Vec::new()
        };
        Ok(Backup {
            store,
            schema,
            inventory,
            current,
            earlier,
        })
    }

    /// What the copy holds.
    pub fn inventory(&self) -> Inventory {
        self.inventory
    }

    /// The newest migration applied to the copy.
    pub fn schema_version(&self) -> i64 {
        self.schema
    }

    /// Checks every stored packet, a page at a time in the order of their
    /// ids, and tells `each` how each one is as it goes: the SHA-256 and
    /// size of its bytes against those recorded; that the bytes are a
    /// packet stored under its own id, its signers enrolled for its unit,
    /// and that the core's check against its checklist passes (every
    /// signature, the digest, the score); that every file it names is in
    /// the copy and is the file signed; and that its receipt verifies
    /// against the intake's keys in the copy and names it and its bytes.
    pub async fn check(&self, mut each: impl FnMut(&Checked)) -> Result<Tally, BackupError> {
        let mut tally = Tally::default();
        let mut templates: HashMap<(String, u32), Result<Arc<Template>, String>> = HashMap::new();
        let keys = Arc::new(IntakeKeys {
            current: self.current.clone().unwrap_or_default(),
            earlier: self.earlier.clone(),
        });
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .stored_packets_after(after.as_deref(), PAGE)
                .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.id.clone());
            let mut jobs = Vec::with_capacity(page.len());
            for row in page {
                jobs.push(self.prepare(row, &mut templates).await?);
            }
            // Digests and signatures are the work: off the async workers,
            // spread over the cores.
            let keys = keys.clone();
            let checked = tokio::task::spawn_blocking(move || check_all(jobs, &keys))
                .await
                .map_err(|e| BackupError::Failed(e.to_string()))?;
            for c in &checked {
                tally.checked += 1;
                if c.damage.is_empty() {
                    tally.good += 1;
                } else {
                    tally.damaged += 1;
                }
                each(c);
            }
        }
        Ok(tally)
    }

    /// What needs the database for one packet: it is read, its signers'
    /// enrollments looked up and its checklist found.
    async fn prepare(
        &self,
        row: StoredPacket,
        templates: &mut HashMap<(String, u32), Result<Arc<Template>, String>>,
    ) -> Result<Job, BackupError> {
        let mut damage = Vec::new();
        let packet = match Packet::parse(&row.bytes) {
            Ok(packet) => packet,
            Err(e) => {
                damage.push(Damage::Unreadable(e));
                return Ok(Job {
                    row,
                    packet: None,
                    damage,
                });
            }
        };
        let payload = packet.payload();
        if payload.id != row.id {
            damage.push(Damage::OtherId(payload.id.clone()));
        }
        let unit = &payload.unit.code;
        let signers: Vec<&str> = payload
            .signers
            .iter()
            .map(|s| s.public_key.as_str())
            .collect();
        let enrollments = self
            .store
            .admission(unit, &signers)
            .await?
            .unwrap_or_default();
        for (index, signer) in payload.signers.iter().enumerate() {
            // Enrollments are never removed, so a key that signed a stored
            // packet is enrolled for its unit (or every unit) for good.
            let enrolled = enrollments.iter().any(|e| {
                e.public_key == signer.public_key
                    && (e.unit == *unit || e.unit == qingdan_core::trust::ALL_UNITS)
            });
            if !enrolled {
                damage.push(Damage::Signer {
                    index,
                    name: signer.name.clone(),
                    fingerprint: keys::decode_public_key(&signer.public_key)
                        .map(|k| keys::fingerprint(&k))
                        .unwrap_or_else(|_| signer.public_key.clone()),
                    unit: unit.clone(),
                });
            }
        }
        // Each file the packet names, as kept in the copy: one at a time.
        for (index, entry) in payload.attachments.iter().enumerate() {
            let kept = self.store.packet_file(&row.id, &entry.sha256).await?;
            let bytes = kept.map(|(_, bytes)| bytes);
            let one = std::slice::from_ref(entry);
            if let Err(mut mismatch) =
                qingdan_core::attachments::check_files(one, |_| bytes.as_deref())
            {
                mismatch.index = index;
                damage.push(Damage::File(mismatch));
            }
        }
        let named = &payload.template;
        let key = (named.id.clone(), named.version);
        if !templates.contains_key(&key) {
            let found = match self.store.template(&named.id, named.version).await? {
                Some(body) => Template::parse(&body)
                    .map(Arc::new)
                    .map_err(|e| format!("is in the copy but does not read: {e}")),
                None => Err("is not in the copy".to_owned()),
            };
            templates.insert(key.clone(), found);
        }
        let template = match &templates[&key] {
            Ok(template) => Some(template.clone()),
            Err(problem) => {
                damage.push(Damage::Template {
                    id: named.id.clone(),
                    version: named.version,
                    problem: problem.clone(),
                });
                None
            }
        };
        Ok(Job {
            row,
            packet: template.map(|t| (packet, t)),
            damage,
        })
    }

    /// Closes the copy.
    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// The intake's keys in the copy, which its receipts are checked against.
struct IntakeKeys {
    current: String,
    earlier: Vec<String>,
}

/// A packet read, with what was found wrong so far; the packet and its
/// checklist when both are at hand for the core's check.
struct Job {
    row: StoredPacket,
    packet: Option<(Packet, Arc<Template>)>,
    damage: Vec<Damage>,
}

/// Checks `jobs` on as many threads as there are cores; in their order.
fn check_all(jobs: Vec<Job>, keys: &IntakeKeys) -> Vec<Checked> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = jobs.len().div_ceil(threads).max(1);
    let mut jobs = jobs;
    let mut chunks = Vec::new();
    while jobs.len() > per_thread {
        let rest = jobs.split_off(per_thread);
        chunks.push(std::mem::replace(&mut jobs, rest));
    }
    chunks.push(jobs);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|j| check_one(j, keys))
                        .collect::<Vec<Checked>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The checks of one packet that need no database.
fn check_one(job: Job, keys: &IntakeKeys) -> Checked {
    let Job {
        row,
        packet,
        damage: found,
    } = job;
    let mut damage = Vec::new();
    let actual = canonical::sha256_hex_bytes(&row.bytes);
    if actual != row.sha256 {
        damage.push(Damage::Digest {
            recorded: row.sha256.clone(),
            actual,
        });
    }
    if usize::try_from(row.size).ok() != Some(row.bytes.len()) {
        damage.push(Damage::Size {
            recorded: row.size,
            actual: row.bytes.len(),
        });
    }
    damage.extend(found);
    if let Some((packet, template)) = packet
        && let Err(e) = packet.verify(Some(&template))
    {
        damage.push(Damage::Check { error: e });
    }
    // The receipt is checked against what is recorded: changed bytes are
    // the digest's problem, a changed digest the receipt's.
    let receipt = receipt::verify_by_intake(&row.receipt, &keys.current, &keys.earlier)
        .and_then(|r| r.check_for(&row.id, &row.sha256));
    if let Err(e) = receipt {
        damage.push(Damage::Receipt(e));
    }
    Checked { id: row.id, damage }
}

/// Refuses what is not a SQLite file before SQLite is asked to open it: a
/// pg_dump archive (saying how to check one), anything else.
fn sniff(path: &Path) -> Result<(), BackupError> {
    let mut head = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::Missing(path.to_owned()));
        }
        Err(error) => {
            return Err(BackupError::Read {
                path: path.to_owned(),
                error,
            });
        }
    };
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                return Err(BackupError::Read {
                    path: path.to_owned(),
                    error,
                });
            }
        }
    }
    let head = &head[..read];
    if head.starts_with(b"PGDMP") {
        return Err(BackupError::PgDumpArchive(path.to_owned()));
    }
    if head != b"SQLite format 3\0" {
        return Err(BackupError::NotSqlite(path.to_owned()));
    }
    Ok(())
}

/// Writes a pg_dump archive (custom format) of the PostgreSQL database at
/// `url` to the new file `to`, readable by its owner only (it holds the
/// intake's signing key). pg_dump takes one snapshot, so the archive is
/// consistent while the intake goes on taking packets. The password goes
/// to pg_dump in its environment, never on its command line, where other
/// users of the machine could read it.
pub fn pg_dump(url: &str, to: &Path) -> Result<BackupInfo, BackupError> {
    let to = std::path::absolute(to).map_err(|e| StoreError::Dir(to.display().to_string(), e))?;
    crate::store::new_private_file(&to)?;
    let (url, password) = split_password(url);
    let mut command = std::process::Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-password", "--file"])
        .arg(&to)
        .arg(&url)
        .stdin(std::process::Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let ran = command.output();
    let failed = match ran {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(BackupError::PgDump {
            status: out.status,
            said: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(BackupError::NoPgDump),
        Err(e) => Some(BackupError::Unsupported(format!("cannot run pg_dump: {e}"))),
    };
    if let Some(error) = failed {
        // The file is the one made above, and holds no complete archive.
        let _ = std::fs::remove_file(&to);
        return Err(error);
    }
    let (size, sha256) =
        file_digest(&to).map_err(|e| StoreError::Read(to.display().to_string(), e))?;
    Ok(BackupInfo {
        path: to,
        packets: None,
        size,
        sha256,
    })
}

/// A URL without the password of its user part, and that password
/// (percent-decoded), if it has one.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let Some((user, host)) = authority.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((name, password)) = user.split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{name}@{host}{path}"),
        Some(percent_decoded(password)),
    )
}

/// `%XX` escapes decoded; anything else kept as it is.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file's size and hex SHA-256, read a block at a time.
pub(crate) fn file_digest(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&block[..n]);
        size += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((size, hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_goes_apart_from_the_url_decoded() {
        assert_eq!(
            split_password(
                "postgres://qingdan:s%40cret%2F1@db.example:5432/intake?sslmode=require"
            ),
            (
                "postgres://qingdan@db.example:5432/intake?sslmode=require".to_owned(),
                Some("s@cret/1".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://qingdan@db.example/intake"),
            ("postgres://qingdan@db.example/intake".to_owned(), None)
        );
        assert_eq!(
            split_password("postgres://db.example/a@b"),
            ("postgres://db.example/a@b".to_owned(), None)
        );
        assert_eq!(percent_decoded("100%"), "100%");
    }

    #[test]
    fn a_file_is_hashed_as_sha256_hex() {
        let path = std::env::temp_dir().join(format!("qingdan-digest-{}", std::process::id()));
        std::fs::write(&path, b"abc").unwrap();
        let digest = file_digest(&path);
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            digest.unwrap(),
            (
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_owned()
            )
        );
    }
}
