//! The database: SQLite (WAL, fsync on every commit) by default, PostgreSQL
//! when several intake processes share one store. The same SQL runs on
//! both; [`on_pool!`] writes each query once for the two pools.

use std::path::Path;
use std::str::FromStr as _;
use std::time::Duration;

use qingdan_core::trust::Enrollment;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// A connected, migrated store.
#[derive(Debug, Clone)]
pub enum Store {
    /// `sqlite://path/to/file.db`
    Sqlite(SqlitePool),
    /// `postgres://user:password@host/db`
    Postgres(PgPool),
}

/// Runs the same body with `$pool` bound to whichever pool the store has.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

mod accounts;
mod evaluations;
mod files;
mod rounds;
mod units;
pub use accounts::{AdminInfo, AuditEntry};
pub use evaluations::{BallotRow, Cast, EvaluationRow, OutcomeRow};
pub use rounds::{RoundFilter, RoundInfo, RoundUnitRow};
pub use units::{CODE_ID_LEN, CodeListed};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A URL that names neither SQLite nor PostgreSQL.
    #[error("database URL {0:?}: expected sqlite://FILE or postgres://…")]
    Url(String),
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Something stored is not what the intake wrote, or the system has no
    /// random numbers for a new key.
    #[error("{0}")]
    Invalid(String),
    /// The directory for a SQLite file cannot be made.
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
    /// A backup's file exists already: a backup never overwrites one.
    #[error("{}: the file exists already; a backup never overwrites a file, name a new one", .0.display())]
    Exists(std::path::PathBuf),
    /// A file cannot be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
}

impl StoreError {
    /// Whether the same work may succeed when tried again: PostgreSQL broke
    /// a deadlock or a serialization conflict by refusing this transaction.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("40P01" | "40001"))
            }
            _ => false,
        }
    }
}

/// A packet checked and ready to store.
#[derive(Debug, Clone)]
pub struct NewPacket {
    /// Payload id.
    pub id: String,
    /// Hex SHA-256 of `bytes`.
    pub sha256: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// Unit code.
    pub unit_code: String,
    /// Period.
    pub period: String,
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: i64,
    /// The payload's created_at.
    pub created_at: String,
    /// When the intake received it.
    pub received_at: String,
    /// The score sheet's total.
    pub total: String,
    /// The grade label.
    pub grade: String,
    /// Vetoes triggered.
    pub vetoes: i64,
    /// For an inspection, the self-assessment it answers.
    pub refers_to: Option<String>,
    /// The file exactly as received.
    pub bytes: Vec<u8>,
    /// The signed receipt (JSON text) to answer with, now and on every re-send.
    pub receipt: String,
    /// What the reports need of its score sheet (none for a rectification).
    pub summary: Option<PacketSummary>,
    /// The files it names: each one's place (`payload.attachments[0]`),
    /// digest, type and size. It is stored only once all are.
    pub files: Vec<NamedFile>,
}

/// A file a packet names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFile {
    /// Where the packet names it, e.g. `payload.attachments[0] (谈话记录.jpg)`.
    pub at: String,
    /// Its digest.
    pub sha256: String,
    /// Its type.
    pub media_type: String,
    /// Its size.
    pub size: i64,
}

/// What the reports need of one stored packet: its summary
/// (`packet_summaries`), and what makes it a unit's latest
/// (`latest_packets`).
#[derive(Debug, Clone)]
pub struct PacketSummary {
    /// The packet's id.
    pub packet_id: String,
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: i64,
    /// Period.
    pub period: String,
    /// Kind (`self-assessment`, `inspection`).
    pub kind: String,
    /// Unit code.
    pub unit_code: String,
    /// The person assessed, on a checklist about a person ("" otherwise).
    pub subject_name: String,
    /// Their post ("" otherwise).
    pub subject_post: String,
    /// When the intake received the packet.
    pub received_at: String,
    /// When the packet says it was made.
    pub created_at: String,
    /// The score sheet's figures (none for a rectification).
    pub sheet: Option<qingdan_report::Summary>,
    /// Who signed, by their enrolled names.
    pub signers: Vec<String>,
    /// An inspection's findings or a rectification's answers, as JSON
    /// (`(refers_to, findings, rectifications)`); none for a packet with
    /// neither.
    pub findings: Option<(Option<String>, String, String)>,
}

impl PacketSummary {
    /// The key of its unit's row in `latest_packets`: writers lock those
    /// rows in this order.
    fn latest_key(&self) -> (&str, i64, &str, &str, &str, &str) {
        (
            &self.template_id,
            self.template_version,
            &self.period,
            &self.kind,
            &self.unit_code,
            &self.subject_name,
        )
    }
}

/// A stored packet not yet summarized: one with a score sheet and no
/// summary, or a rectification with no row of its answers (every
/// rectification gets one).
macro_rules! unsummarized {
    () => {
        "((p.kind <> 'rectification'
            AND NOT EXISTS (SELECT 1 FROM packet_summaries s WHERE s.packet_id = p.id))
         OR (p.kind = 'rectification'
            AND NOT EXISTS (SELECT 1 FROM packet_findings f WHERE f.packet_id = p.id)))"
    };
}

/// Below any percentage: the standing of a packet with nothing applicable
/// left, which ranks last.
const NO_PERCENTAGE: i64 = -(1 << 62);

/// Rows a SQLite statement may hand over before its reader takes them.
const ROW_CHANNEL: usize = 512;

/// What a report reads of a unit's latest packet (a [`LatestRow`]), from
/// `latest_packets l` joined by [`LATEST_JOINS`].
const LATEST_COLUMNS: &str = "SELECT s.packet_id, s.unit_code, u.name AS unit_name,
    s.subject_name, s.subject_post, s.received_at, s.total, s.max, s.percentage, s.grade,
    s.failed_by_veto, s.vetoes, s.sections, s.items, s.signers";
/// A latest packet's summary and its unit.
const LATEST_JOINS: &str = "JOIN packet_summaries s ON s.packet_id = l.packet_id
    JOIN units u ON u.code = l.unit_code";
/// A ranking's order, as its index (`latest_standing`) keeps it.
const RANKING_ORDER: &str = "ORDER BY standing DESC, total DESC, unit_code, subject_name";
/// The gap's order (`Store::gap_page`).
const GAP_ORDER: &str = "ORDER BY one_sided, points DESC, gap DESC, unit_code, subject_name";
/// The same of `latest_packets l` among the joined.
const RANKED: &str = "ORDER BY l.standing DESC, l.total DESC, l.unit_code, l.subject_name";

/// Which ranking: the latest packets of one kind answering one checklist
/// version in one period, of every unit or of the units under one (its
/// children, theirs, and so on: a county's townships and departments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankingScope<'a> {
    /// The checklist's id.
    pub template_id: &'a str,
    /// Its version.
    pub version: u32,
    /// The period.
    pub period: &'a str,
    /// The packets' kind.
    pub kind: &'a str,
    /// Only the units under this one, when given.
    pub under: Option<&'a str>,
}

impl RankingScope<'_> {
    /// `AND unit_code IN (…)`: the units under the scope's unit, bound as
    /// parameter `$n`; nothing for every unit (whose statements stay as
    /// they are, each answered by its index).
    fn units(&self, n: usize) -> String {
        match self.under {
            None => String::new(),
            Some(_) => format!(
                " AND unit_code IN (WITH RECURSIVE below(code) AS (
                    SELECT code FROM units WHERE parent_code = ${n}
                    UNION SELECT u.code FROM units u JOIN below ON u.parent_code = below.code
                 ) SELECT code FROM below)"
            ),
        }
    }
}

const INSERT_SUMMARY: &str = "INSERT INTO packet_summaries (packet_id, template_id,
        template_version, period, kind, unit_code, subject_name, subject_post, received_at,
        total, max, percentage, grade, failed_by_veto, vetoes, sections, items, signers)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (packet_id) DO NOTHING";

/// A unit's packet becomes its latest only when received later (then by
/// id, so the choice never depends on the order packets are written).
const UPSERT_LATEST: &str = "INSERT INTO latest_packets (template_id, template_version,
        period, kind, unit_code, subject_name, packet_id, received_at, standing, total)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (template_id, template_version, period, kind, unit_code, subject_name)
     DO UPDATE SET packet_id = excluded.packet_id, received_at = excluded.received_at,
         standing = excluded.standing, total = excluded.total
     WHERE excluded.received_at > latest_packets.received_at
        OR (excluded.received_at = latest_packets.received_at
            AND excluded.packet_id > latest_packets.packet_id)";

const INSERT_FINDINGS: &str = "INSERT INTO packet_findings (packet_id, kind, unit_code,
        template_id, template_version, period, created_at, received_at, refers_to, findings,
        rectifications)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (packet_id) DO NOTHING";

/// Writes `summary` and makes its packet its unit's latest if it is, in
/// the transaction `tx` (the one storing the packet).
macro_rules! write_summary {
    ($tx:expr, $summary:expr) => {{
        let p: &PacketSummary = $summary;
        if let Some((refers_to, findings, rectifications)) = &p.findings {
            sqlx::query(INSERT_FINDINGS)
                .bind(&p.packet_id)
                .bind(&p.kind)
                .bind(&p.unit_code)
                .bind(&p.template_id)
                .bind(p.template_version)
                .bind(&p.period)
                .bind(&p.created_at)
                .bind(&p.received_at)
                .bind(refers_to)
                .bind(findings)
                .bind(rectifications)
                .execute(&mut *$tx)
                .await?;
        }
        if let Some(s) = &p.sheet {
            let join = |parts: &mut dyn Iterator<Item = String>, by: &str| {
                parts.collect::<Vec<_>>().join(by)
            };
            sqlx::query(INSERT_SUMMARY)
                .bind(&p.packet_id)
                .bind(&p.template_id)
                .bind(p.template_version)
                .bind(&p.period)
                .bind(&p.kind)
                .bind(&p.unit_code)
                .bind(&p.subject_name)
                .bind(&p.subject_post)
                .bind(&p.received_at)
                .bind(s.total.hundredths())
                .bind(s.max.hundredths())
                .bind(s.percentage.map(qingdan_core::Fixed::hundredths))
                .bind(&s.grade)
                .bind(s.failed_by_veto)
                .bind(s.vetoes.join("\n"))
                .bind(join(
                    &mut s.sections.iter().map(|f| f.hundredths().to_string()),
                    ",",
                ))
                .bind(qingdan_report::marks_text(&s.items))
                .bind(p.signers.join("\n"))
                .execute(&mut *$tx)
                .await?;
            sqlx::query(UPSERT_LATEST)
                .bind(&p.template_id)
                .bind(p.template_version)
                .bind(&p.period)
                .bind(&p.kind)
                .bind(&p.unit_code)
                .bind(&p.subject_name)
                .bind(&p.packet_id)
                .bind(&p.received_at)
                .bind(
                    s.percentage
                        .map_or(NO_PERCENTAGE, qingdan_core::Fixed::hundredths),
                )
                .bind(s.total.hundredths())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// The rows of `packet_findings` in `scope` (or all) of units after a
/// code (the last parameter), for [`Store::finding_units`].
fn finding_units_from(scope: Option<(&str, u32, &str)>) -> &'static str {
    if scope.is_some() {
        "FROM packet_findings WHERE template_id = $1 AND template_version = $2
           AND period = $3 AND unit_code > $4"
    } else {
        "FROM packet_findings WHERE unit_code > $1"
    }
}

/// What storing one packet did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Newly stored; the receipt given.
    Created(String),
    /// The same bytes were already stored; their receipt.
    Duplicate(String),
    /// Another packet with this id is stored; its digest.
    Conflict(String),
    /// Not stored: these files it names are not (each: where, digest).
    FilesMissing(Vec<(String, String)>),
}

/// A stored packet, for listings.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct PacketInfo {
    /// Payload id.
    pub id: String,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// Kind.
    pub kind: String,
    /// Unit code.
    pub unit_code: String,
    /// Period.
    pub period: String,
    /// Template id.
    pub template_id: String,
    /// Template version.
    pub template_version: i64,
    /// The payload's created_at.
    pub created_at: String,
    /// When received.
    pub received_at: String,
    /// Total score.
    pub total: String,
    /// Grade label.
    pub grade: String,
    /// Vetoes triggered.
    pub vetoes: i64,
    /// Size in bytes.
    pub size: i64,
}

/// A listed packet and how many match the listing's filter, counted by the
/// same statement (so the count and the page agree, whatever arrives while
/// the listing is read).
#[derive(sqlx::FromRow)]
struct Listed {
    #[sqlx(flatten)]
    info: PacketInfo,
    matched: i64,
}

/// Which packets to list; `None` matches all.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PacketFilter {
    /// Unit code.
    pub unit: Option<String>,
    /// Period.
    pub period: Option<String>,
    /// Template id.
    pub template: Option<String>,
    /// Kind.
    pub kind: Option<String>,
}

/// A published template, for listings.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct TemplateInfo {
    /// Id.
    pub id: String,
    /// Version.
    pub version: i64,
    /// Hex SHA-256 of its canonical JSON.
    pub sha256: String,
    /// Title (Chinese).
    pub title: String,
    /// When published.
    pub published_at: String,
}

/// What publishing a template did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Newly published.
    New,
    /// Already published with the same digest.
    Same,
    /// This id and version are published with another digest (given).
    Conflict(String),
}

/// A unit's latest packet of a kind, summarized (`latest_packets` and
/// `packet_summaries`), with the unit's registered name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LatestRow {
    /// Payload id.
    pub packet_id: String,
    /// Unit code.
    pub unit_code: String,
    /// The unit's registered name.
    pub unit_name: String,
    /// The person assessed ("" for the unit).
    pub subject_name: String,
    /// Their post.
    pub subject_post: String,
    /// When received.
    pub received_at: String,
    /// Hundredths.
    pub total: i64,
    /// Hundredths.
    pub max: i64,
    /// Hundredths.
    pub percentage: Option<i64>,
    /// Band id.
    pub grade: Option<String>,
    /// A veto failed it.
    pub failed_by_veto: bool,
    /// Item ids, one a line.
    pub vetoes: String,
    /// Hundredths, comma-separated, in template order.
    pub sections: String,
    /// One letter per template item.
    pub items: String,
    /// Enrolled names, one a line.
    pub signers: String,
}

/// A unit's (a person's of a unit) latest self-assessment and latest
/// inspection side by side, as the gap reads them: either may be missing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GapPairRow {
    /// The unit.
    pub unit_code: String,
    /// The unit's registered name.
    pub unit_name: String,
    /// The person assessed (empty when the checklist is about a unit).
    pub subject_name: String,
    /// The self-assessment's packet.
    pub own_packet: Option<String>,
    /// When the intake received it.
    pub own_received_at: Option<String>,
    /// Its total, in hundredths.
    pub own_total: Option<i64>,
    /// Its percentage, in hundredths.
    pub own_percentage: Option<i64>,
    /// The post of the person it assesses.
    pub own_post: Option<String>,
    /// The inspection's packet.
    pub inspected_packet: Option<String>,
    /// When the intake received it.
    pub inspected_received_at: Option<String>,
    /// Its total, in hundredths.
    pub inspected_total: Option<i64>,
    /// Its percentage, in hundredths.
    pub inspected_percentage: Option<i64>,
    /// The post of the person it assesses.
    pub inspected_post: Option<String>,
}

/// An inspection's findings or a rectification's answers
/// (`packet_findings`), with the unit's registered name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FindingsRow {
    /// Payload id.
    pub packet_id: String,
    /// Kind.
    pub kind: String,
    /// Unit code.
    pub unit_code: String,
    /// The unit's registered name.
    pub unit_name: String,
    /// The checklist's id.
    pub template_id: String,
    /// Its version.
    pub template_version: i64,
    /// The period.
    pub period: String,
    /// The payload's created_at.
    pub created_at: String,
    /// When received.
    pub received_at: String,
    /// The inspection a rectification answers.
    pub refers_to: Option<String>,
    /// The findings, JSON.
    pub findings: String,
    /// The answers, JSON.
    pub rectifications: String,
}

/// Why an enrollment code was not redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    /// Redeemed: the unit code, its name and the role.
    Enrolled {
        /// Unit code.
        unit_code: String,
        /// Unit name.
        unit_name: String,
        /// Role.
        role: String,
    },
    /// Unknown, used or expired.
    Invalid,
    /// The code enrolls a key for another role than the device asked for;
    /// the code is left unused.
    OtherRole(String),
    /// The key was revoked (when): it is never enrolled again; the code is
    /// left unused.
    Revoked(String),
}

/// An admin token as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    /// Hex SHA-256 of the token.
    #[serde(skip)]
    pub hash: String,
    /// What it is for, e.g. the person's name.
    pub label: String,
    /// When it was made.
    pub created_at: String,
    /// When it stops working, if it does.
    pub expires_at: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// The most signers' keys one admission query asks about.
pub const KEYS_PER_QUERY: usize = 32;

/// How many hex digits of a token's hash make its id.
pub const TOKEN_ID_LEN: usize = 12;

impl TokenInfo {
    /// The token's id: the start of its hash, safe to show and to type.
    pub fn id(&self) -> &str {
        self.hash.get(..TOKEN_ID_LEN).unwrap_or(&self.hash)
    }
}

/// One enrollment of a key, as [`Store::key_status`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct KeyEnrollment {
    /// The unit, or `*`.
    #[sqlx(rename = "unit_code")]
    pub unit: String,
    /// The role.
    pub role: String,
    /// The person's name.
    pub name: String,
    /// When.
    pub enrolled_at: String,
}

/// What the intake holds about a key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyStatus {
    /// The key, base64url.
    pub public_key: String,
    /// Where and as whom it is enrolled.
    pub enrollments: Vec<KeyEnrollment>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// Makes a missing database file readable and writable by its owner only
/// (0600, on Unix): it holds the intake's signing key and every packet.
/// SQLite gives its WAL and shared-memory files the same permissions.
fn own_file(path: &Path) -> Result<(), StoreError> {
    if path == Path::new(":memory:") || path.as_os_str().is_empty() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Dir(path.display().to_string(), e)),
    }
}

impl Store {
    /// Connects to `url` and brings its schema up to date. A SQLite file
    /// (and its directory) is made when missing.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: every commit is fsynced before it returns.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                // Rows pass from SQLite's thread to the reader this many at
                // a time, not 50: a report of a hundred thousand rows
                // would otherwise spend most of its time waking threads.
                .row_buffer_size(ROW_CHANNEL)
                .foreign_keys(true);
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
                && dir != Path::new(":memory:")
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Dir(dir.display().to_string(), e))?;
            }
            own_file(options.get_filename())?;
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            Ok(Store::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            Ok(Store::Postgres(pool))
        } else {
            Err(StoreError::Url(url.to_owned()))
        }
    }

    /// Whether the database answers a query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }

    /// Waits for every connection to finish and closes the store.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// The intake's signing key seed: the one stored, or `candidate` when
    /// none is (the first process to start stores it; the others read it).
    pub async fn intake_seed(
        &self,
        candidate: [u8; 32],
        public_key: &str,
        now: &str,
    ) -> Result<Vec<u8>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO intake_key (id, seed, public_key, created_at) VALUES (1, $1, $2, $3)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(candidate.as_slice())
            .bind(public_key)
            .bind(now)
            .execute(pool)
            .await?;
            let (seed,): (Vec<u8>,) = sqlx::query_as("SELECT seed FROM intake_key WHERE id = 1")
                .fetch_one(pool)
                .await?;
            Ok(seed)
        })
    }

    /// Hands the intake's signing over from the key `previous` to the seed
    /// `seed` (public key `public_key`), keeping `previous` (and `rotation`,
    /// its signed hand-over) in the key history. False, with nothing
    /// changed, when `previous` is no longer the key in use (another
    /// rotation came first).
    pub async fn rotate_intake_key(
        &self,
        previous: &str,
        seed: [u8; 32],
        public_key: &str,
        rotation: &str,
        now: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let current: Option<(String, String)> = sqlx::query_as(
                "SELECT public_key, created_at FROM intake_key WHERE id = 1",
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some((current, created_at)) = current.filter(|(k, _)| k == previous) else {
                return Ok(false);
            };
            sqlx::query(
                "INSERT INTO intake_key_history (public_key, created_at, retired_at, rotation)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&current)
            .bind(&created_at)
            .bind(now)
            .bind(rotation)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE intake_key SET seed = $1, public_key = $2, created_at = $3 WHERE id = 1",
            )
            .bind(seed.as_slice())
            .bind(public_key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The intake's earlier keys, oldest first, each with its signed
    /// hand-over to the next.
    pub async fn intake_key_history(&self) -> Result<Vec<(String, String)>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT public_key, rotation FROM intake_key_history ORDER BY retired_at, public_key",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Stores an admin token's hash, with its label and, when it expires,
    /// the time it does.
    pub async fn add_admin_token(
        &self,
        hash: &str,
        label: &str,
        now: &str,
        expires_at: Option<&str>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO admin_tokens (hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(hash)
            .bind(label)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The admin token with this hash (hex SHA-256), if there is one.
    pub async fn admin_token(&self, hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT hash, label, created_at, expires_at, revoked_at FROM admin_tokens WHERE hash = $1",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?))
    }

    /// Every admin token, oldest first.
    pub async fn admin_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT hash, label, created_at, expires_at, revoked_at FROM admin_tokens
             ORDER BY created_at, hash",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Revokes the admin tokens not yet revoked whose label is `which`, or
    /// whose id (the first [`TOKEN_ID_LEN`] hex digits of the hash) is;
    /// returns them.
    pub async fn revoke_admin_tokens(
        &self,
        which: &str,
        now: &str,
    ) -> Result<Vec<TokenInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "UPDATE admin_tokens SET revoked_at = $2
             WHERE revoked_at IS NULL AND (label = $1 OR substr(hash, 1, 12) = $1)
             RETURNING hash, label, created_at, expires_at, revoked_at",
        )
        .bind(which)
        .bind(now)
        .fetch_all(pool)
        .await?))
    }

    /// Publishes a template (its canonical JSON `body`).
    pub async fn publish_template(
        &self,
        id: &str,
        version: u32,
        sha256: &str,
        title: &str,
        body: &str,
        now: &str,
    ) -> Result<Published, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "INSERT INTO templates (id, version, sha256, title, body, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id, version) DO NOTHING",
            )
            .bind(id)
            .bind(i64::from(version))
            .bind(sha256)
            .bind(title)
            .bind(body)
            .bind(now)
            .execute(pool)
            .await?;
            if done.rows_affected() == 1 {
                return Ok(Published::New);
            }
            let (existing,): (String,) =
                sqlx::query_as("SELECT sha256 FROM templates WHERE id = $1 AND version = $2")
                    .bind(id)
                    .bind(i64::from(version))
                    .fetch_one(pool)
                    .await?;
            Ok(if existing == sha256 { Published::Same } else { Published::Conflict(existing) })
        })
    }

    /// A published template's canonical JSON.
    pub async fn template(&self, id: &str, version: u32) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT body FROM templates WHERE id = $1 AND version = $2")
                    .bind(id)
                    .bind(i64::from(version))
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(b,)| b))
        })
    }

    /// Every published template, by id and version.
    pub async fn templates(&self) -> Result<Vec<TemplateInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, version, sha256, title, published_at FROM templates ORDER BY id, version",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Registers a unit, or renames it.
    pub async fn add_unit(&self, code: &str, name: &str, now: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO units (code, name, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            )
            .bind(code)
            .bind(name)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// A registered unit's name.
    pub async fn unit_name(&self, code: &str) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(String,)> = sqlx::query_as("SELECT name FROM units WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|(n,)| n))
        })
    }

    /// Enrolls a public key for a unit (or `*`, every unit) and role under
    /// a person's name; enrolling it again sets the name.
    pub async fn enroll_key(
        &self,
        unit_code: &str,
        role: &str,
        public_key: &str,
        name: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO unit_keys (unit_code, role, public_key, name, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (unit_code, role, public_key) DO UPDATE SET name = excluded.name",
            )
            .bind(unit_code)
            .bind(role)
            .bind(public_key)
            .bind(name)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// What admitting a packet needs, in one query for up to
    /// [`KEYS_PER_QUERY`] signers: `None` when the unit is not registered,
    /// else every enrollment of the signers' keys for the unit and for
    /// every unit, each with its key's revocation, if any.
    pub async fn admission(
        &self,
        unit_code: &str,
        keys: &[&str],
    ) -> Result<Option<Vec<Enrollment>>, StoreError> {
        let mut enrollments = Vec::new();
        // At least one query, which also says whether the unit is registered.
        let chunks: Vec<&[&str]> = if keys.is_empty() {
            vec![&[]]
        } else {
            keys.chunks(KEYS_PER_QUERY).collect()
        };
        for chunk in chunks {
            // The placeholders are made here, never from input.
            let placeholders: Vec<String> = (0..chunk.len().max(1))
                .map(|i| format!("${}", i + 2))
                .collect();
            let sql = format!(
                "SELECT k.unit_code, k.role, k.public_key, k.name, r.revoked_at
                 FROM units u
                 LEFT JOIN unit_keys k
                   ON k.unit_code IN (u.code, '*') AND k.public_key IN ({})
                 LEFT JOIN key_revocations r ON r.public_key = k.public_key
                 WHERE u.code = $1",
                placeholders.join(", ")
            );
            type Row = (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            );
            let rows: Vec<Row> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(unit_code);
                for key in chunk.iter().copied().chain(chunk.is_empty().then_some("")) {
                    query = query.bind(key);
                }
                query.fetch_all(pool).await?
            });
            if rows.is_empty() {
                return Ok(None);
            }
            enrollments.extend(rows.into_iter().filter_map(
                |(unit, role, public_key, name, revoked_at)| {
                    Some(Enrollment {
                        unit: unit?,
                        role: role?,
                        public_key: public_key?,
                        name: name?,
                        revoked_at,
                    })
                },
            ));
        }
        Ok(Some(enrollments))
    }

    /// What the intake holds about a key: its enrollments and revocation.
    pub async fn key_status(&self, public_key: &str) -> Result<KeyStatus, StoreError> {
        on_pool!(self, pool => {
            let enrollments: Vec<KeyEnrollment> = sqlx::query_as(
                "SELECT unit_code, role, name, enrolled_at FROM unit_keys
                 WHERE public_key = $1 ORDER BY enrolled_at, unit_code, role",
            )
            .bind(public_key)
            .fetch_all(pool)
            .await?;
            let revocation: Option<(String, String)> = sqlx::query_as(
                "SELECT revoked_at, reason FROM key_revocations WHERE public_key = $1",
            )
            .bind(public_key)
            .fetch_optional(pool)
            .await?;
            let (revoked_at, reason) = revocation.unzip();
            Ok(KeyStatus {
                public_key: public_key.to_owned(),
                enrollments,
                revoked_at,
                reason,
            })
        })
    }

    /// Revokes a key from `now` on; a key revoked already keeps its first
    /// revocation. Returns when it was revoked and whether it was just now.
    pub async fn revoke_key(
        &self,
        public_key: &str,
        reason: &str,
        now: &str,
    ) -> Result<(String, bool), StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "INSERT INTO key_revocations (public_key, revoked_at, reason) VALUES ($1, $2, $3)
                 ON CONFLICT (public_key) DO NOTHING",
            )
            .bind(public_key)
            .bind(now)
            .bind(reason)
            .execute(pool)
            .await?;
            let (revoked_at,): (String,) =
                sqlx::query_as("SELECT revoked_at FROM key_revocations WHERE public_key = $1")
                    .bind(public_key)
                    .fetch_one(pool)
                    .await?;
            Ok((revoked_at, done.rows_affected() == 1))
        })
    }

    /// When a key was revoked, if it was.
    pub async fn revoked_at(&self, public_key: &str) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT revoked_at FROM key_revocations WHERE public_key = $1")
                    .bind(public_key)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(r,)| r))
        })
    }

    /// The receipt of a stored packet with this id and digest, if there is one.
    pub async fn receipt_of(&self, id: &str, sha256: &str) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT receipt FROM packets WHERE id = $1 AND sha256 = $2")
                    .bind(id)
                    .bind(sha256)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(r,)| r))
        })
    }

    /// Stores a one-time enrollment code's hash.
    pub async fn add_enrollment_code(
        &self,
        hash: &str,
        unit_code: &str,
        role: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO enrollment_codes (hash, unit_code, role, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(hash)
            .bind(unit_code)
            .bind(role)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Redeems a code once: marks it used and enrolls `public_key`, in one
    /// transaction. With `role`, a code issued for another role is refused
    /// and stays unused.
    pub async fn redeem(
        &self,
        hash: &str,
        public_key: &str,
        name: &str,
        role: Option<&str>,
        now: &str,
    ) -> Result<Redeem, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let revoked: Option<(String,)> =
                sqlx::query_as("SELECT revoked_at FROM key_revocations WHERE public_key = $1")
                    .bind(public_key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((at,)) = revoked {
                return Ok(Redeem::Revoked(at));
            }
            if let Some(wanted) = role {
                let issued: Option<(String,)> = sqlx::query_as(
                    "SELECT role FROM enrollment_codes
                     WHERE hash = $1 AND redeemed_at IS NULL AND expires_at > $2",
                )
                .bind(hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((issued,)) = issued
                    && issued != wanted
                {
                    return Ok(Redeem::OtherRole(issued));
                }
            }
            let row: Option<(String, String)> = sqlx::query_as(
                "UPDATE enrollment_codes SET redeemed_at = $2, public_key = $3
                 WHERE hash = $1 AND redeemed_at IS NULL AND expires_at > $2
                 RETURNING unit_code, role",
            )
            .bind(hash)
            .bind(now)
            .bind(public_key)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((unit_code, role)) = row else {
                return Ok(Redeem::Invalid);
            };
            sqlx::query(
                "INSERT INTO unit_keys (unit_code, role, public_key, name, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (unit_code, role, public_key) DO UPDATE SET name = excluded.name",
            )
            .bind(&unit_code)
            .bind(&role)
            .bind(public_key)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // A code for every unit (`*`, an inspector's) names no unit.
            let unit_name: Option<(String,)> =
                sqlx::query_as("SELECT name FROM units WHERE code = $1")
                    .bind(&unit_code)
                    .fetch_optional(&mut *tx)
                    .await?;
            let unit_name = unit_name.map(|(n,)| n).unwrap_or_default();
            tx.commit().await?;
            Ok(Redeem::Enrolled { unit_code, unit_name, role })
        })
    }

    /// Stores packets in one transaction (one fsync for the batch), each
    /// exactly once: a packet whose id is stored already is a duplicate
    /// when its bytes are the same and a conflict when not.
    ///
    /// Several intakes on one PostgreSQL database write batches at once, so
    /// every batch takes its locks in one order: the packets' ids in id
    /// order first, then the units' latest rows in their key order. Two
    /// batches then never wait on each other in a circle (a deadlock would
    /// refuse a whole batch).
    pub async fn store_batch(&self, packets: &[NewPacket]) -> Result<Vec<Stored>, StoreError> {
        let mut by_id: Vec<usize> = (0..packets.len()).collect();
        by_id.sort_by(|&a, &b| packets[a].id.cmp(&packets[b].id));
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut outcomes: Vec<Option<Stored>> = vec![None; packets.len()];
            let mut created = Vec::new();
            for &i in &by_id {
                let p = &packets[i];
                let mut missing = Vec::new();
                for file in &p.files {
                    let kept: Option<(String, i64)> = sqlx::query_as(
                        "SELECT media_type, size FROM attachments WHERE sha256 = $1",
                    )
                    .bind(&file.sha256)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if kept != Some((file.media_type.clone(), file.size)) {
                        missing.push((file.at.clone(), file.sha256.clone()));
                    }
                }
                if !missing.is_empty() {
                    let stored: Option<(String, String)> =
                        sqlx::query_as("SELECT sha256, receipt FROM packets WHERE id = $1")
                            .bind(&p.id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    outcomes[i] = Some(match stored {
                        Some((sha256, receipt)) if sha256 == p.sha256 => Stored::Duplicate(receipt),
                        Some((sha256, _)) => Stored::Conflict(sha256),
                        None => Stored::FilesMissing(missing),
                    });
                    continue;
                }
                let done = sqlx::query(
                    "INSERT INTO packets (id, sha256, kind, unit_code, period, template_id,
                         template_version, created_at, received_at, total, grade, vetoes,
                         refers_to, size, bytes, receipt)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(&p.id)
                .bind(&p.sha256)
                .bind(&p.kind)
                .bind(&p.unit_code)
                .bind(&p.period)
                .bind(&p.template_id)
                .bind(p.template_version)
                .bind(&p.created_at)
                .bind(&p.received_at)
                .bind(&p.total)
                .bind(&p.grade)
                .bind(p.vetoes)
                .bind(&p.refers_to)
                .bind(i64::try_from(p.bytes.len()).unwrap_or(i64::MAX))
                .bind(&p.bytes)
                .bind(&p.receipt)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    for file in &p.files {
                        sqlx::query(
                            "INSERT INTO packet_attachments (packet_id, sha256) VALUES ($1, $2)
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(&p.id)
                        .bind(&file.sha256)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("UPDATE attachments SET named = TRUE WHERE sha256 = $1 AND NOT named")
                            .bind(&file.sha256)
                            .execute(&mut *tx)
                            .await?;
                    }
                    created.extend(p.summary.as_ref());
                    outcomes[i] = Some(Stored::Created(p.receipt.clone()));
                    continue;
                }
                let (sha256, receipt): (String, String) =
                    sqlx::query_as("SELECT sha256, receipt FROM packets WHERE id = $1")
                        .bind(&p.id)
                        .fetch_one(&mut *tx)
                        .await?;
                outcomes[i] = Some(if sha256 == p.sha256 {
                    Stored::Duplicate(receipt)
                } else {
                    Stored::Conflict(sha256)
                });
            }
            created.sort_by(|a, b| a.latest_key().cmp(&b.latest_key()));
            for summary in created {
                write_summary!(tx, summary);
            }
            tx.commit().await?;
            Ok(outcomes.into_iter().flatten().collect())
        })
    }

    /// Up to `limit` stored packets with no summary (stored before summaries
    /// were kept), after id `after`, in id order: `(id, bytes, received_at)`.
    pub async fn unsummarized(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, Vec<u8>, String)>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(concat!(
                "SELECT p.id, p.bytes, p.received_at FROM packets p WHERE p.id > $1 AND ",
                unsummarized!(),
                " ORDER BY p.id LIMIT $2"
            ))
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many stored packets have no summary yet.
    pub async fn unsummarized_count(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let (n,): (i64,) = sqlx::query_as(concat!(
                "SELECT COUNT(*) FROM packets p WHERE ",
                unsummarized!()
            ))
            .fetch_one(pool)
            .await?;
            Ok(n)
        })
    }

    /// Writes the summaries of packets stored before they were kept, in one
    /// transaction (a summary already there is left as it is).
    pub async fn add_summaries(&self, summaries: &[PacketSummary]) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut sorted: Vec<&PacketSummary> = summaries.iter().collect();
            sorted.sort_by(|a, b| a.latest_key().cmp(&b.latest_key()));
            let mut tx = pool.begin().await?;
            for summary in sorted {
                write_summary!(tx, summary);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A stored packet's bytes, exactly as received.
    pub async fn packet_bytes(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT bytes FROM packets WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|(b,)| b))
        })
    }

    /// One page of stored packets, oldest first, and how many match. The
    /// page and the count come from one statement; only a page past the
    /// end counts again.
    pub async fn packets(
        &self,
        filter: &PacketFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<PacketInfo>, i64), StoreError> {
        on_pool!(self, pool => {
            let rows: Vec<Listed> = sqlx::query_as(
                "SELECT id, sha256, kind, unit_code, period, template_id, template_version,
                        created_at, received_at, total, grade, vetoes, size,
                        COUNT(*) OVER () AS matched
                 FROM packets
                 WHERE (CAST($1 AS TEXT) IS NULL OR unit_code = $1)
                   AND (CAST($2 AS TEXT) IS NULL OR period = $2)
                   AND (CAST($3 AS TEXT) IS NULL OR template_id = $3)
                   AND (CAST($4 AS TEXT) IS NULL OR kind = $4)
                 ORDER BY received_at, id LIMIT $5 OFFSET $6",
            )
            .bind(&filter.unit)
            .bind(&filter.period)
            .bind(&filter.template)
            .bind(&filter.kind)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            if let Some(first) = rows.first() {
                let matched = first.matched;
                return Ok((rows.into_iter().map(|r| r.info).collect(), matched));
            }
            if offset == 0 {
                return Ok((Vec::new(), 0));
            }
            let (total,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM packets
                 WHERE (CAST($1 AS TEXT) IS NULL OR unit_code = $1)
                   AND (CAST($2 AS TEXT) IS NULL OR period = $2)
                   AND (CAST($3 AS TEXT) IS NULL OR template_id = $3)
                   AND (CAST($4 AS TEXT) IS NULL OR kind = $4)",
            )
            .bind(&filter.unit)
            .bind(&filter.period)
            .bind(&filter.template)
            .bind(&filter.kind)
            .fetch_one(pool)
            .await?;
            Ok((Vec::new(), total))
        })
    }

    /// Each unit's (each person's of a unit) latest packet of `kind`
    /// answering one template version in one period, summarized, in order
    /// of unit code and person.
    pub async fn latest_rows(
        &self,
        template_id: &str,
        version: u32,
        period: &str,
        kind: &str,
    ) -> Result<Vec<LatestRow>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{LATEST_COLUMNS} FROM latest_packets l {LATEST_JOINS}
             WHERE l.template_id = $1 AND l.template_version = $2 AND l.period = $3
               AND l.kind = $4
             ORDER BY l.unit_code, l.subject_name"
        )))
        .bind(template_id)
        .bind(i64::from(version))
        .bind(period)
        .bind(kind)
        .fetch_all(pool)
        .await?))
    }

    /// One page of a ranking: the latest packets of `kind` for one template
    /// version and period in ranking order (standing, total, unit, person),
    /// `limit` from `offset`; and how many there are in all. The rows
    /// skipped are counted in the index alone.
    pub async fn latest_page(
        &self,
        scope: RankingScope<'_>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<LatestRow>, i64), StoreError> {
        let RankingScope {
            template_id,
            version,
            period,
            kind,
            under,
        } = scope;
        let count_sql = format!(
            "SELECT COUNT(*) FROM latest_packets
             WHERE template_id = $1 AND template_version = $2 AND period = $3 AND kind = $4{}",
            scope.units(5)
        );
        let rows_sql = format!(
            "{LATEST_COLUMNS} FROM (
                SELECT packet_id, unit_code, subject_name, standing, total
                FROM latest_packets
                WHERE template_id = $1 AND template_version = $2 AND period = $3
                  AND kind = $4{}
                {RANKING_ORDER} LIMIT $5 OFFSET $6
             ) l {LATEST_JOINS} {RANKED}",
            scope.units(7)
        );
        on_pool!(self, pool => {
            let mut count = sqlx::query_as(sqlx::AssertSqlSafe(count_sql))
                .bind(template_id)
                .bind(i64::from(version))
                .bind(period)
                .bind(kind);
            if let Some(under) = under {
                count = count.bind(under);
            }
            let (count,): (i64,) = count.fetch_one(pool).await?;
            let mut rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
                .bind(template_id)
                .bind(i64::from(version))
                .bind(period)
                .bind(kind)
                .bind(limit)
                .bind(offset);
            if let Some(under) = under {
                rows = rows.bind(under);
            }
            let rows = rows.fetch_all(pool).await?;
            Ok((rows, count))
        })
    }

    /// A stretch of a ranking read by its index: `limit` rows after the
    /// row `after` (from the first without one). However far into the
    /// ranking, a stretch reads its own rows only.
    pub async fn latest_after(
        &self,
        scope: RankingScope<'_>,
        after: Option<&LatestRow>,
        limit: i64,
    ) -> Result<Vec<LatestRow>, StoreError> {
        let RankingScope {
            template_id,
            version,
            period,
            kind,
            under,
        } = scope;
        let (standing, total, unit, subject) = after.map_or((i64::MAX, 0, "", ""), |row| {
            (
                row.percentage.unwrap_or(NO_PERCENTAGE),
                row.total,
                row.unit_code.as_str(),
                row.subject_name.as_str(),
            )
        });
        let sql = format!(
            "{LATEST_COLUMNS} FROM (
                SELECT packet_id, unit_code, subject_name, standing, total
                FROM latest_packets
                WHERE template_id = $1 AND template_version = $2 AND period = $3 AND kind = $4
                  AND standing <= $5
                  AND (standing < $5 OR total < $6 OR (total = $6 AND (unit_code > $7
                       OR (unit_code = $7 AND subject_name > $8)))){}
                {RANKING_ORDER} LIMIT $9
             ) l {LATEST_JOINS} {RANKED}",
            scope.units(10)
        );
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(template_id)
                .bind(i64::from(version))
                .bind(period)
                .bind(kind)
                .bind(standing)
                .bind(total)
                .bind(unit)
                .bind(subject)
                .bind(limit);
            if let Some(under) = under {
                query = query.bind(under);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Each item's mark in the latest packets of `kind` for one template
    /// version and period (the summary's `items`), `limit` units (and
    /// persons) at a time in their order, after `after`'s.
    pub async fn latest_items(
        &self,
        scope: (&str, u32, &str, &str),
        after: Option<&(String, String)>,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let (template_id, version, period, kind) = scope;
        let (unit, subject) = after.map_or(("", ""), |(u, s)| (u.as_str(), s.as_str()));
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT l.unit_code, l.subject_name, s.items
             FROM latest_packets l JOIN packet_summaries s ON s.packet_id = l.packet_id
             WHERE l.template_id = $1 AND l.template_version = $2 AND l.period = $3
               AND l.kind = $4 AND (l.unit_code > $5 OR (l.unit_code = $5 AND l.subject_name > $6))
             ORDER BY l.unit_code, l.subject_name LIMIT $7",
        )
        .bind(template_id)
        .bind(i64::from(version))
        .bind(period)
        .bind(kind)
        .bind(unit)
        .bind(subject)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// A stretch of the gap of one template version and period: each unit's
    /// (person's) latest self-assessment beside its latest inspection, in
    /// the gap's order (both sides before one, then the gap in percentage
    /// points, then in total, largest first, then unit and person),
    /// `limit` from `offset`; and how many units (persons) there are.
    pub async fn gap_page(
        &self,
        scope: (&str, u32, &str),
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<GapPairRow>, i64), StoreError> {
        let (template_id, version, period) = scope;
        let side = |kind: &str| {
            format!(
                "SELECT unit_code, subject_name, packet_id, standing, total FROM latest_packets
                 WHERE template_id = $1 AND template_version = $2 AND period = $3
                   AND kind = '{kind}'"
            )
        };
        let (own, inspected) = (side("self-assessment"), side("inspection"));
        // Sorted on the index's columns alone; the page's rows only are
        // joined to their summaries and units.
        let sql = format!(
            "WITH o AS ({own}), i AS ({inspected}),
             g AS (
                SELECT COALESCE(o.unit_code, i.unit_code) AS unit_code,
                       COALESCE(o.subject_name, i.subject_name) AS subject_name,
                       o.packet_id AS own, i.packet_id AS inspected,
                       CASE WHEN o.packet_id IS NULL OR i.packet_id IS NULL THEN 1 ELSE 0 END
                           AS one_sided,
                       ABS(CASE WHEN o.standing <> {NO_PERCENTAGE}
                                 AND i.standing <> {NO_PERCENTAGE}
                                THEN o.standing - i.standing ELSE 0 END) AS points,
                       ABS(COALESCE(o.total - i.total, 0)) AS gap
                FROM o FULL JOIN i ON i.unit_code = o.unit_code AND i.subject_name = o.subject_name
                {GAP_ORDER} LIMIT $4 OFFSET $5
             )
             SELECT g.unit_code, u.name AS unit_name, g.subject_name,
                    so.packet_id AS own_packet, so.received_at AS own_received_at,
                    so.total AS own_total, so.percentage AS own_percentage,
                    so.subject_post AS own_post,
                    si.packet_id AS inspected_packet, si.received_at AS inspected_received_at,
                    si.total AS inspected_total, si.percentage AS inspected_percentage,
                    si.subject_post AS inspected_post
             FROM g JOIN units u ON u.code = g.unit_code
             LEFT JOIN packet_summaries so ON so.packet_id = g.own
             LEFT JOIN packet_summaries si ON si.packet_id = g.inspected
             ORDER BY g.one_sided, g.points DESC, g.gap DESC, g.unit_code, g.subject_name"
        );
        on_pool!(self, pool => {
            let (count,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM (
                    SELECT DISTINCT unit_code, subject_name FROM latest_packets
                    WHERE template_id = $1 AND template_version = $2 AND period = $3
                      AND kind IN ('self-assessment', 'inspection')
                 ) units",
            )
            .bind(template_id)
            .bind(i64::from(version))
            .bind(period)
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(template_id)
                .bind(i64::from(version))
                .bind(period)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            Ok((rows, count))
        })
    }

    /// How many of a ranking's latest packets stand above `standing`
    /// (a percentage in hundredths, `None` for none) and `total`.
    pub async fn above(
        &self,
        scope: RankingScope<'_>,
        standing: Option<i64>,
        total: i64,
    ) -> Result<i64, StoreError> {
        let standing = standing.unwrap_or(NO_PERCENTAGE);
        let sql = format!(
            "SELECT COUNT(*) FROM latest_packets
             WHERE template_id = $1 AND template_version = $2 AND period = $3 AND kind = $4
               AND (standing > $5 OR (standing = $5 AND total > $6)){}",
            scope.units(7)
        );
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(scope.template_id)
                .bind(i64::from(scope.version))
                .bind(scope.period)
                .bind(scope.kind)
                .bind(standing)
                .bind(total);
            if let Some(under) = scope.under {
                query = query.bind(under);
            }
            let (above,): (i64,) = query.fetch_one(pool).await?;
            Ok(above)
        })
    }

    /// The lowest standing and total of a ranking's latest packets.
    pub async fn lowest(
        &self,
        scope: RankingScope<'_>,
    ) -> Result<Option<(Option<i64>, i64)>, StoreError> {
        let sql = format!(
            "SELECT standing, total FROM latest_packets
             WHERE template_id = $1 AND template_version = $2 AND period = $3 AND kind = $4{}
             ORDER BY standing, total LIMIT 1",
            scope.units(5)
        );
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(scope.template_id)
                .bind(i64::from(scope.version))
                .bind(scope.period)
                .bind(scope.kind);
            if let Some(under) = scope.under {
                query = query.bind(under);
            }
            let lowest: Option<(i64, i64)> = query.fetch_optional(pool).await?;
            Ok(lowest.map(|(s, t)| ((s != NO_PERCENTAGE).then_some(s), t)))
        })
    }

    /// The findings and answers kept of packets, in one checklist and
    /// period (`scope`) or all, of the units whose codes are from `units.0`
    /// to `units.1` (or all).
    pub async fn findings_rows(
        &self,
        scope: Option<(&str, u32, &str)>,
        units: Option<(&str, &str)>,
    ) -> Result<Vec<FindingsRow>, StoreError> {
        // One statement for each case, each answered by its index (a
        // parameter that may be NULL would hide which applies).
        const COLUMNS: &str = "SELECT f.packet_id, f.kind, f.unit_code, u.name AS unit_name,
                f.template_id, f.template_version, f.period, f.created_at, f.received_at,
                f.refers_to, f.findings, f.rectifications
             FROM packet_findings f JOIN units u ON u.code = f.unit_code";
        let one = units.is_some_and(|(first, last)| first == last);
        let sql = match (scope.is_some(), units.is_some(), one) {
            (true, true, true) => format!(
                "{COLUMNS} WHERE f.template_id = $1 AND f.template_version = $2
                   AND f.period = $3 AND f.unit_code = $4 AND f.unit_code = $5"
            ),
            (true, true, false) => format!(
                "{COLUMNS} WHERE f.template_id = $1 AND f.template_version = $2
                   AND f.period = $3 AND f.unit_code BETWEEN $4 AND $5"
            ),
            (true, false, _) => format!(
                "{COLUMNS} WHERE f.template_id = $1 AND f.template_version = $2 AND f.period = $3"
            ),
            (false, true, true) => format!("{COLUMNS} WHERE f.unit_code = $1 AND f.unit_code = $2"),
            (false, true, false) => format!("{COLUMNS} WHERE f.unit_code BETWEEN $1 AND $2"),
            (false, false, _) => COLUMNS.to_owned(),
        };
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            if let Some((template, version, period)) = scope {
                query = query.bind(template).bind(i64::from(version)).bind(period);
            }
            if let Some((first, last)) = units {
                query = query.bind(first).bind(last);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Up to `limit` codes of units with findings or answers kept, in one
    /// checklist and period (`scope`) or all, in code order: those after
    /// unit `after` ("": from the first), skipping `offset` of them.
    pub async fn finding_units(
        &self,
        scope: Option<(&str, u32, &str)>,
        after: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT unit_code {} ORDER BY unit_code LIMIT {limit} OFFSET {offset}",
            finding_units_from(scope)
        );
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            if let Some((template, version, period)) = scope {
                query = query.bind(template).bind(i64::from(version)).bind(period);
            }
            let units: Vec<(String,)> = query.bind(after).fetch_all(pool).await?;
            Ok(units.into_iter().map(|(u,)| u).collect())
        })
    }

    /// How many units have findings or answers kept, in one checklist and
    /// period (`scope`) or all.
    pub async fn finding_unit_count(
        &self,
        scope: Option<(&str, u32, &str)>,
    ) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(DISTINCT unit_code) {}",
            finding_units_from(scope)
        );
        on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            if let Some((template, version, period)) = scope {
                query = query.bind(template).bind(i64::from(version)).bind(period);
            }
            let (n,): (i64,) = query.bind("").fetch_one(pool).await?;
            Ok(n)
        })
    }

    /// The checklists (id and version) that stored findings are on.
    pub async fn finding_templates(&self) -> Result<Vec<(String, i64)>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT DISTINCT template_id, template_version FROM packet_findings
                 WHERE findings <> '[]'",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many packets have a summary of their score sheet, and how many a
    /// row of their findings or answers.
    pub async fn summary_counts(&self) -> Result<(i64, i64), StoreError> {
        on_pool!(self, pool => {
            let (sheets,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM packet_summaries")
                .fetch_one(pool)
                .await?;
            let (findings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM packet_findings")
                .fetch_one(pool)
                .await?;
            Ok((sheets, findings))
        })
    }

    /// How many packets are stored.
    pub async fn packet_count(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM packets").fetch_one(pool).await?;
            Ok(n)
        })
    }
}

/// Makes the empty file a copy goes to, readable by its owner only; one
/// already there is refused ([`StoreError::Exists`]), never overwritten.
pub(crate) fn new_private_file(to: &Path) -> Result<(), StoreError> {
    match crate::create_private(to) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(StoreError::Exists(to.to_path_buf()))
        }
        Err(e) => Err(StoreError::Dir(to.display().to_string(), e)),
    }
}

/// A registered unit, as [`Store::units_after`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct UnitInfo {
    /// The unit's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// When it was registered.
    pub created_at: String,
    /// The unit it belongs to (a township's county), if any.
    pub parent_code: Option<String>,
}

/// An enrolled key, as [`Store::keys_after`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct KeyInfo {
    /// The unit, or `*` (every unit).
    #[sqlx(rename = "unit_code")]
    pub unit: String,
    /// The role.
    pub role: String,
    /// The key, base64url.
    pub public_key: String,
    /// The person's name.
    pub name: String,
    /// When it was enrolled for this unit and role.
    pub enrolled_at: String,
    /// When the key was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// Where a listing of keys goes on from: the last key listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCursor {
    /// Its unit.
    pub unit: String,
    /// Its role.
    pub role: String,
    /// Its public key.
    pub public_key: String,
}

impl KeyInfo {
    /// Where the next page starts: after this key.
    pub fn cursor(&self) -> KeyCursor {
        KeyCursor {
            unit: self.unit.clone(),
            role: self.role.clone(),
            public_key: self.public_key.clone(),
        }
    }
}

/// An enrollment code as stored, as [`Store::codes_after`] lists it:
/// never the code, which is shown once when it is issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct CodeInfo {
    /// Hex SHA-256 of the code: where the next page starts, never shown.
    #[serde(skip)]
    pub hash: String,
    /// The unit, or `*` (an inspector's, every unit).
    #[sqlx(rename = "unit_code")]
    pub unit: String,
    /// The role the key will sign as.
    pub role: String,
    /// When it was issued.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When a device redeemed it, if one did.
    pub redeemed_at: Option<String>,
    /// The key enrolled with it, if it was redeemed.
    pub public_key: Option<String>,
}

/// Where a listing of packets goes on from: the last packet listed, by the
/// order the intake received them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketCursor {
    /// Its `received_at`.
    pub received_at: String,
    /// Its id.
    pub id: String,
}

impl PacketInfo {
    /// Where the next page starts: after this packet.
    pub fn cursor(&self) -> PacketCursor {
        PacketCursor {
            received_at: self.received_at.clone(),
            id: self.id.clone(),
        }
    }
}

/// The listings a clerk reads page by page, each page after the last row
/// of the one before (keyset paging on an indexed order), so a listing of
/// any length holds one page in memory and never skips or repeats a row.
impl Store {
    /// The file a `sqlite:` URL names, when it names one (not an
    /// in-memory database); `None` for any other URL.
    pub fn sqlite_file(url: &str) -> Result<Option<std::path::PathBuf>, StoreError> {
        if !url.starts_with("sqlite:") {
            return Ok(None);
        }
        let options = SqliteConnectOptions::from_str(url)?;
        let file = options.get_filename();
        if file.as_os_str().is_empty() || file == Path::new(":memory:") {
            return Ok(None);
        }
        Ok(Some(file.to_owned()))
    }

    /// Up to `limit` registered units after the unit `after` (from the
    /// first when `None`), by code.
    pub async fn units_after(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<UnitInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT code, name, created_at, parent_code FROM units
             WHERE CAST($1 AS TEXT) IS NULL OR code > $1
             ORDER BY code LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Up to `limit` enrolled keys after `after` (from the first when
    /// `None`), by unit (`*` first), role and key; each with its key's
    /// revocation, if any.
    pub async fn keys_after(
        &self,
        after: Option<&KeyCursor>,
        limit: i64,
    ) -> Result<Vec<KeyInfo>, StoreError> {
        let (unit, role, public_key) = match after {
            Some(c) => (Some(&c.unit), Some(&c.role), Some(&c.public_key)),
            None => (None, None, None),
        };
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT k.unit_code, k.role, k.public_key, k.name, k.enrolled_at, r.revoked_at
             FROM unit_keys k LEFT JOIN key_revocations r ON r.public_key = k.public_key
             WHERE CAST($1 AS TEXT) IS NULL
                OR (k.unit_code, k.role, k.public_key) > ($1, CAST($2 AS TEXT), CAST($3 AS TEXT))
             ORDER BY k.unit_code, k.role, k.public_key LIMIT $4",
        )
        .bind(unit)
        .bind(role)
        .bind(public_key)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Up to `limit` enrollment codes after the one whose hash is `after`
    /// (from the first when `None`), in the order of their hashes.
    pub async fn codes_after(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CodeInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT hash, unit_code, role, created_at, expires_at, redeemed_at, public_key
             FROM enrollment_codes
             WHERE CAST($1 AS TEXT) IS NULL OR hash > $1
             ORDER BY hash LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Up to `limit` stored packets matching `filter` after `after` (from
    /// the first when `None`), in the order the intake received them.
    pub async fn packets_after(
        &self,
        filter: &PacketFilter,
        after: Option<&PacketCursor>,
        limit: i64,
    ) -> Result<Vec<PacketInfo>, StoreError> {
        let (received_at, id) = after.map(|c| (&c.received_at, &c.id)).unzip();
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, sha256, kind, unit_code, period, template_id, template_version,
                    created_at, received_at, total, grade, vetoes, size
             FROM packets
             WHERE (CAST($1 AS TEXT) IS NULL OR unit_code = $1)
               AND (CAST($2 AS TEXT) IS NULL OR period = $2)
               AND (CAST($3 AS TEXT) IS NULL OR template_id = $3)
               AND (CAST($4 AS TEXT) IS NULL OR kind = $4)
               AND (CAST($5 AS TEXT) IS NULL OR (received_at, id) > ($5, CAST($6 AS TEXT)))
             ORDER BY received_at, id LIMIT $7",
        )
        .bind(&filter.unit)
        .bind(&filter.period)
        .bind(&filter.template)
        .bind(&filter.kind)
        .bind(received_at)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// How many packets of each kind answer one template version in one
    /// period, by kind; kinds with none are left out.
    pub async fn packet_kinds(
        &self,
        template_id: &str,
        version: u32,
        period: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT kind, COUNT(*) FROM packets
             WHERE template_id = $1 AND template_version = $2 AND period = $3
             GROUP BY kind ORDER BY kind",
        )
        .bind(template_id)
        .bind(i64::from(version))
        .bind(period)
        .fetch_all(pool)
        .await?))
    }
}

/// A stored packet as a backup's check reads it: every column that a
/// damaged copy could get wrong.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredPacket {
    /// Payload id.
    pub id: String,
    /// The hex SHA-256 recorded for the bytes.
    pub sha256: String,
    /// The size recorded for the bytes.
    pub size: i64,
    /// The bytes as stored.
    pub bytes: Vec<u8>,
    /// The receipt the intake gave for them.
    pub receipt: String,
}

/// What a database holds besides its packets, and how many packets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Packets stored.
    pub packets: i64,
    /// Published templates (each version counts).
    pub templates: i64,
    /// Registered units.
    pub units: i64,
    /// Enrolled keys (a key enrolled for two units or roles counts twice,
    /// as `qingdan key list` shows it).
    pub keys: i64,
}

/// Backups: a consistent copy made while the intake runs and takes
/// packets, and a copy opened read-only to check it, never changed.
impl Store {
    /// Copies this SQLite store into the new file `to` with `VACUUM INTO`:
    /// one read transaction, so the copy is the database as it was at one
    /// moment, however many packets are committed meanwhile (WAL lets
    /// writers go on). A file that exists is never overwritten. The copy
    /// is readable by its owner only: it holds the intake's signing key.
    pub async fn backup_to(&self, to: &Path) -> Result<crate::backup::BackupInfo, StoreError> {
        let Store::Sqlite(pool) = self else {
            return Err(StoreError::Invalid(
                "a PostgreSQL database is copied with pg_dump, not VACUUM INTO".into(),
            ));
        };
        let to =
            std::path::absolute(to).map_err(|e| StoreError::Dir(to.display().to_string(), e))?;
        let name = to.to_str().ok_or_else(|| {
            StoreError::Invalid(format!(
                "{}: SQLite takes only UTF-8 file names",
                to.display()
            ))
        })?;
        // Made here, empty, with its mode; SQLite fills an empty file and
        // refuses one that has anything in it.
        new_private_file(&to)?;
        let copied = sqlx::query("VACUUM INTO $1").bind(name).execute(pool).await;
        if let Err(e) = copied {
            // The file is the one made above, and holds no complete copy.
            let _ = std::fs::remove_file(&to);
            return Err(e.into());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| StoreError::Dir(to.display().to_string(), e))?;
        }
        let copy = Store::open_sqlite_copy(&to).await?;
        let packets = copy.packet_count().await;
        copy.close().await;
        let (size, sha256) = crate::backup::file_digest(&to)
            .map_err(|e| StoreError::Read(to.display().to_string(), e))?;
        Ok(crate::backup::BackupInfo {
            path: to,
            packets: Some(packets?),
            size,
            sha256,
        })
    }

    /// Opens a copy of a SQLite store read-only, as it is: no migration,
    /// no journal mode set, nothing written.
    pub async fn open_sqlite_copy(path: &Path) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        Ok(Store::Sqlite(pool))
    }

    /// Opens a PostgreSQL database (a dump restored into a scratch
    /// database) as it is: no migration, and every transaction read-only.
    pub async fn open_postgres_copy(url: &str) -> Result<Store, StoreError> {
        let options =
            PgConnectOptions::from_str(url)?.options([("default_transaction_read_only", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        Ok(Store::Postgres(pool))
    }

    /// The newest migration applied to this database; `None` when it has
    /// no migrations table (it is no intake's database).
    pub async fn schema_version(&self) -> Result<Option<i64>, StoreError> {
        let exists: (bool,) = match self {
            Store::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT COUNT(*) > 0 FROM sqlite_master
                     WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(pool)
                    .await?
            }
        };
        if !exists.0 {
            return Ok(None);
        }
        on_pool!(self, pool => {
            let (version,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
                    .fetch_one(pool)
                    .await?;
            Ok(Some(version.unwrap_or(0)))
        })
    }

    /// The newest migration this build has for this kind of database.
    pub fn known_schema_version(&self) -> i64 {
        let migrator = match self {
            Store::Sqlite(_) => sqlx::migrate!("migrations/sqlite"),
            Store::Postgres(_) => sqlx::migrate!("migrations/postgres"),
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The intake's public key in use, if it has one yet.
    pub async fn intake_public_key(&self) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT public_key FROM intake_key WHERE id = 1")
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(|(k,)| k))
        })
    }

    /// How many packets, templates, units and enrolled keys are stored.
    pub async fn inventory(&self) -> Result<Inventory, StoreError> {
        on_pool!(self, pool => {
            let (packets, templates, units, keys): (i64, i64, i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM packets), (SELECT COUNT(*) FROM templates),
                        (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM unit_keys)",
            )
            .fetch_one(pool)
            .await?;
            Ok(Inventory { packets, templates, units, keys })
        })
    }

    /// Up to `limit` stored packets after the id `after` (from the first
    /// when `None`), by id, each with its bytes and receipt: a check reads
    /// a copy of any size a page at a time.
    pub async fn stored_packets_after(
        &self,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredPacket>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, sha256, size, bytes, receipt FROM packets
             WHERE CAST($1 AS TEXT) IS NULL OR id > $1
             ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }
}
