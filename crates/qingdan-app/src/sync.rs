//! The rules of sending packets to the intake, pure: what the device keeps
//! about the intake it enrolled with, how an answer to an upload is read,
//! when to try again, and which checklists to take from the intake. The
//! browser's side (requests, timers, IndexedDB) is [`crate::outbox`].
//!
//! A packet leaves the outbox only for a receipt that verifies against the
//! intake key pinned at enrollment and names the SHA-256 of the bytes sent.

use qingdan_core::attachments;
use qingdan_core::packet::Unit;
use qingdan_core::receipt::{self, ReceiptError, ReceiptPayload};
use qingdan_core::{Template, canonical};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The first retry waits about this long; each failure doubles it.
pub const BACKOFF_BASE_MS: u64 = 2_000;
/// Retries never wait longer than this.
pub const BACKOFF_CAP_MS: u64 = 5 * 60 * 1_000;

/// The intake this device is enrolled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeLink {
    /// The intake's base URL (`https://intake.example`).
    pub url: String,
    /// The intake's public key, pinned at the first enrollment: receipts and
    /// checklists must be signed by it.
    pub key: String,
    /// The keys on this device enrolled there.
    pub enrollments: Vec<Enrollment>,
    /// The intake's keys before `key`, oldest first, followed through its
    /// signed rotations: the receipts they signed are still the intake's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<String>,
}

impl IntakeLink {
    /// The key of its record in the `settings` store (a record of its own,
    /// so that saving the other settings never touches it).
    pub const ID: &'static str = "intake";

    /// The link once the intake signs with `offered`: unchanged when that
    /// is the key pinned; when signed `rotations` lead from the pinned key
    /// to it, `offered` pinned and the keys before it kept in `earlier`.
    pub fn rotated(&self, offered: &str, rotations: &[Value]) -> Result<IntakeLink, ReceiptError> {
        let mut next = self.clone();
        for key in receipt::follow(&self.key, offered, rotations)? {
            let before = std::mem::replace(&mut next.key, key);
            next.earlier.push(before);
        }
        Ok(next)
    }

    /// When the intake revoked the key `fingerprint`, if a sync learned so.
    pub fn revoked_at(&self, fingerprint: &str) -> Option<&str> {
        self.enrollments
            .iter()
            .find(|e| e.fingerprint == fingerprint)
            .and_then(|e| e.revoked_at.as_deref())
    }
}

/// What `GET /api/v1/keys/{public_key}` answers that the device keeps.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct KeyStatus {
    revoked_at: Option<String>,
}

/// The link after the intake said `body` about the key `fingerprint`: a
/// revocation is kept (and never undone: a revoked key stays revoked).
pub fn key_status(link: &IntakeLink, fingerprint: &str, body: &str) -> IntakeLink {
    let mut next = link.clone();
    let Ok(KeyStatus {
        revoked_at: Some(at),
    }) = crate::json::read(body)
    else {
        return next;
    };
    for e in next
        .enrollments
        .iter_mut()
        .filter(|e| e.fingerprint == fingerprint && e.revoked_at.is_none())
    {
        e.revoked_at = Some(at.clone());
    }
    next
}

/// How an [`IntakeLink`] is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRecord {
    /// Always [`IntakeLink::ID`].
    pub id: String,
    /// The link.
    pub link: IntakeLink,
}

/// One key enrolled at the intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The key's fingerprint (the device's `keys` store).
    pub fingerprint: String,
    /// The unit it signs for (`*` for an inspector's key).
    pub unit: Unit,
    /// The role it signs as.
    pub role: String,
    /// When it was enrolled.
    pub enrolled_at: String,
    /// When the intake revoked it, once a sync has learned that it did: a
    /// revoked key signs nothing more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// What `POST /api/v1/enrollments` answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Enrolled {
    /// The unit the code was issued for.
    pub unit: Unit,
    /// The role the code was issued for.
    pub role: String,
    /// The intake's public key, to pin.
    pub intake_key: String,
    /// The intake's signed key rotations (see [`IntakeLink::rotated`]).
    #[serde(default)]
    pub rotations: Vec<Value>,
}

/// The link after the intake said `body` of itself (`GET /api/v1/intake`):
/// its `public_key` followed through its `rotations`, or why it cannot be.
pub fn about(link: &IntakeLink, body: &str) -> Result<IntakeLink, String> {
    let about: Value = crate::json::read(body).map_err(|e| e.to_string())?;
    let Some(key) = about["public_key"].as_str() else {
        return Err("public_key: not a string".into());
    };
    let rotations = about["rotations"].as_array().map_or(&[][..], Vec::as_slice);
    link.rotated(key, rotations).map_err(|e| e.to_string())
}

/// Why an enrollment was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollError {
    /// The intake answered something that is not an enrollment.
    Answer(String),
    /// The intake's key is not the one this device pinned.
    OtherIntake {
        /// The key pinned.
        pinned: String,
        /// The key the intake gave.
        offered: String,
    },
    /// The code is for another role than the key's.
    OtherRole {
        /// The key's role.
        key: String,
        /// The code's role.
        code: String,
    },
}

/// `url` without trailing slashes, with the API path `path` appended.
pub fn api_url(url: &str, path: &str) -> String {
    format!("{}/api/v1{path}", url.trim().trim_end_matches('/'))
}

/// What the intake said about a unit code a device was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitLookup {
    /// Registered, under this name.
    Registered(Unit),
    /// Not registered there.
    Unknown,
    /// No answer that says either (offline, an older intake): the code
    /// stands as typed, and the intake judges the packet.
    Unsure,
}

/// Reads the intake's answer (`status`, `body`) to `GET /units/{code}`.
pub fn unit_lookup(status: u16, body: &str) -> UnitLookup {
    let Ok(value) = crate::json::read::<Value>(body) else {
        return UnitLookup::Unsure;
    };
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    match (status, value.get("registered").and_then(Value::as_bool)) {
        (200, Some(true)) => match (text("code"), text("name")) {
            (Some(code), Some(name)) => UnitLookup::Registered(Unit { code, name }),
            _ => UnitLookup::Unsure,
        },
        (200, Some(false)) => UnitLookup::Unknown,
        _ => UnitLookup::Unsure,
    }
}

/// What the intake this device is enrolled with says of a packet's signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The key is enrolled there for the packet's unit (or every unit).
    Enrolled,
    /// The intake revoked the key, at this time.
    Revoked(String),
    /// The intake does not know the key for this unit: the signature is
    /// sound, but nothing says who made the key.
    NotEnrolled,
    /// Not asked or no answer (no intake, offline).
    Unverified,
}

/// Reads the intake's answer (`status`, `body`) to `GET /keys/{key}` about
/// a signer of a packet for `unit`.
pub fn standing(status: u16, body: &str, unit: &str) -> Standing {
    let Ok(value) = crate::json::read::<Value>(body) else {
        return Standing::Unverified;
    };
    match status {
        200 => {
            if let Some(at) = value.get("revoked_at").and_then(Value::as_str) {
                return Standing::Revoked(at.to_owned());
            }
            let enrolled = value
                .get("enrollments")
                .and_then(Value::as_array)
                .is_some_and(|list| {
                    list.iter().any(|e| {
                        let code = e.get("unit").and_then(Value::as_str);
                        code == Some(unit) || code == Some("*")
                    })
                });
            if enrolled {
                Standing::Enrolled
            } else {
                Standing::NotEnrolled
            }
        }
        404 if value.get("code").and_then(Value::as_str) == Some("not-found") => {
            Standing::NotEnrolled
        }
        _ => Standing::Unverified,
    }
}

/// What a closed 民主测评 published for a person of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The person's name.
    pub name: String,
    /// Their post.
    pub post: String,
    /// Their weighted satisfaction in percent, as published (`"86.50"`).
    pub satisfaction: Option<String>,
    /// Ballots counted.
    pub ballots: i64,
    /// Whether a talk (约谈) is due.
    pub talk_due: bool,
}

/// Reads the intake's answer to `GET /evaluation-outcomes?unit=…`: the
/// figures of the evaluations of `period`, and of those that name none;
/// none on any other answer.
pub fn figures(status: u16, body: &str, period: &str) -> Vec<Figure> {
    let list = match crate::json::read::<Value>(body) {
        Ok(Value::Array(list)) if status == 200 => list,
        _ => return Vec::new(),
    };
    list.iter()
        .filter(|o| {
            o.get("period")
                .and_then(Value::as_str)
                .is_none_or(|p| p == period)
        })
        .filter_map(|o| {
            let text = |key: &str| o.get(key).and_then(Value::as_str).map(str::to_owned);
            Some(Figure {
                name: text("name")?,
                post: text("post").unwrap_or_default(),
                satisfaction: text("satisfaction"),
                ballots: o.get("ballots").and_then(Value::as_i64)?,
                talk_due: o.get("talk_due").and_then(Value::as_bool) == Some(true),
            })
        })
        .collect()
}

/// Whether `url` can be an intake's address.
///
/// HTTPS only, but for this machine (`http://127.0.0.1`, `localhost`,
/// `[::1]`): over plain HTTP on a network anyone on it could read the
/// codes and answers, or stand in for the intake at enrollment.
pub fn is_intake_url(url: &str) -> bool {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix("https://") {
        return !rest.is_empty();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    name == "localhost"
        || name == "::1"
        || name.starts_with("127.") && name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// The link after the key `fingerprint` (with `role`) was enrolled at `url`
/// and the intake answered `body`. The first enrollment pins the intake's
/// key; later ones must come from the same key.
pub fn enroll(
    link: Option<&IntakeLink>,
    url: &str,
    fingerprint: &str,
    role: &str,
    body: &str,
    now: &str,
) -> Result<IntakeLink, EnrollError> {
    let answer: Enrolled =
        crate::json::read(body).map_err(|e| EnrollError::Answer(e.to_string()))?;
    qingdan_core::keys::decode_public_key(&answer.intake_key)
        .map_err(|e| EnrollError::Answer(format!("intake_key: {e}")))?;
    if answer.role != role {
        return Err(EnrollError::OtherRole {
            key: role.to_owned(),
            code: answer.role,
        });
    }
    let mut next = match link {
        Some(link) => link
            .rotated(&answer.intake_key, &answer.rotations)
            .map_err(|_| EnrollError::OtherIntake {
                pinned: link.key.clone(),
                offered: answer.intake_key,
            })?,
        None => IntakeLink {
            url: String::new(),
            key: answer.intake_key,
            enrollments: Vec::new(),
            earlier: Vec::new(),
        },
    };
    next.url = url.trim().trim_end_matches('/').to_owned();
    next.enrollments.retain(|e| e.fingerprint != fingerprint);
    next.enrollments.push(Enrollment {
        fingerprint: fingerprint.to_owned(),
        unit: answer.unit,
        role: answer.role,
        enrolled_at: now.to_owned(),
        revoked_at: None,
    });
    Ok(next)
}

/// A signed packet waiting for the intake's receipt (the `outbox` store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The packet's id (the `packets` store holds its text).
    pub id: String,
    /// The assessment it was made from.
    pub assessment_id: String,
    /// Hex SHA-256 of the packet's text, which the receipt must name.
    pub sha256: String,
    /// When it was queued.
    pub queued_at: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not tried again before this time (ms since the epoch), unless the
    /// user syncs by hand.
    pub next_at_ms: u64,
    /// What went wrong last time, when something did.
    pub last_error: Option<String>,
    /// Set when the intake refused the packet: it waits for the user.
    pub rejected: Option<Rejection>,
}

impl OutboxEntry {
    /// A packet just signed.
    pub fn new(id: &str, assessment_id: &str, text: &str, now: &str) -> OutboxEntry {
        OutboxEntry {
            id: id.to_owned(),
            assessment_id: assessment_id.to_owned(),
            sha256: canonical::sha256_hex_bytes(text.as_bytes()),
            queued_at: now.to_owned(),
            attempts: 0,
            next_at_ms: 0,
            last_error: None,
            rejected: None,
        }
    }

    /// Whether it is due for an attempt at `now_ms` (`forced`: by hand).
    pub fn due(&self, now_ms: u64, forced: bool) -> bool {
        self.rejected.is_none() && (forced || self.next_at_ms <= now_ms)
    }
}

/// The intake's refusal of a packet, kept to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The HTTP status (0: the receipt itself was wrong).
    pub status: u16,
    /// The problem's code (`unit-not-registered`, `bad-signature` …).
    pub code: String,
    /// The problem's detail.
    pub detail: String,
}

/// A receipt, kept once the packet has left the outbox (the `receipts`
/// store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRecord {
    /// The packet's id.
    pub packet_id: String,
    /// The assessment the packet was made from.
    pub assessment_id: String,
    /// When the intake received it (from the receipt).
    pub received_at: String,
    /// Hex SHA-256 of the packet as received (from the receipt).
    pub packet_sha256: String,
    /// The receipt's JSON, exactly as the intake sent it.
    pub text: String,
}

/// What an upload's answer means for the packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A good receipt: the packet leaves the outbox.
    Received(ReceiptRecord),
    /// Refused: kept, marked, and not tried again until the user asks.
    Rejected(Rejection),
    /// Try again later, not before `at_least_ms` from now.
    Retry {
        /// What went wrong.
        error: String,
        /// The intake's `Retry-After`, in ms, when it gave one.
        at_least_ms: u64,
    },
}

/// Reads the intake's answer (`status`, `body`, `Retry-After`) to the upload
/// of `entry`, whose receipt must be signed by a key of `link`'s intake.
pub fn read_answer(
    entry: &OutboxEntry,
    link: &IntakeLink,
    status: u16,
    body: &str,
    retry_after: Option<&str>,
) -> Outcome {
    match status {
        200 | 201 => match check_receipt(body, link, entry) {
            Ok(payload) => Outcome::Received(ReceiptRecord {
                packet_id: entry.id.clone(),
                assessment_id: entry.assessment_id.clone(),
                received_at: payload.received_at,
                packet_sha256: payload.packet_sha256,
                text: body.to_owned(),
            }),
            Err(e) => Outcome::Rejected(Rejection {
                status: 0,
                code: "bad-receipt".into(),
                detail: e.to_string(),
            }),
        },
        _ => failure(status, body, retry_after),
    }
}

/// What a refusal (any status but 200 and 201) means: try again later
/// (408, 429, 5xx), or refused.
pub fn failure(status: u16, body: &str, retry_after: Option<&str>) -> Outcome {
    match status {
        408 | 429 | 500..=599 => Outcome::Retry {
            error: problem(status, body).detail,
            at_least_ms: retry_after
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map_or(0, |s| s.saturating_mul(1_000)),
        },
        _ => Outcome::Rejected(problem(status, body)),
    }
}

/// The files the intake still wants before it takes a packet: the
/// digests its `409 attachments-missing` names (`None` for any other
/// answer, or one naming no file as a digest).
pub fn missing_files(status: u16, body: &str) -> Option<Vec<String>> {
    let json: Value = serde_json::from_str(body).ok().filter(|_| status == 409)?;
    if json.get("code")?.as_str()? != "attachments-missing" {
        return None;
    }
    let missing: Vec<String> = json
        .get("missing")?
        .as_array()?
        .iter()
        .map(|d| {
            d.as_str()
                .filter(|d| attachments::is_digest(d))
                .map(str::to_owned)
        })
        .collect::<Option<_>>()?;
    (!missing.is_empty()).then_some(missing)
}

fn check_receipt(
    body: &str,
    link: &IntakeLink,
    entry: &OutboxEntry,
) -> Result<ReceiptPayload, ReceiptError> {
    let payload = receipt::verify_by_intake(body, &link.key, &link.earlier)?;
    payload.check_for(&entry.id, &entry.sha256)?;
    Ok(payload)
}

/// An RFC 9457 problem's code and detail; for any other body, its first
/// line (and the status's code).
pub fn problem(status: u16, body: &str) -> Rejection {
    let json: Option<Value> = serde_json::from_str(body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let detail = field("detail").unwrap_or_else(|| {
        let line = body.lines().next().unwrap_or_default();
        let line: String = line.chars().take(200).collect();
        if line.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {line}")
        }
    });
    Rejection {
        status,
        code: field("code").unwrap_or_else(|| format!("http-{status}")),
        detail,
    }
}

/// How long to wait after the `attempts`-th failure in a row: doubling from
/// [`BACKOFF_BASE_MS`] up to [`BACKOFF_CAP_MS`], of which a random half
/// (`jitter`, any number) is taken off, so that devices that lost the intake
/// together do not all come back at the same moment.
pub fn backoff_ms(attempts: u32, jitter: u32) -> u64 {
    let exponent = attempts.saturating_sub(1).min(20);
    let ceiling = BACKOFF_BASE_MS
        .saturating_mul(1 << exponent)
        .min(BACKOFF_CAP_MS);
    let half = ceiling / 2;
    half + u64::from(jitter) % (half + 1)
}

/// The entry after a failed attempt at `now_ms`.
pub fn failed(
    entry: &OutboxEntry,
    error: String,
    at_least_ms: u64,
    now_ms: u64,
    jitter: u32,
) -> OutboxEntry {
    let mut next = entry.clone();
    next.attempts = entry.attempts.saturating_add(1);
    next.next_at_ms = now_ms + backoff_ms(next.attempts, jitter).max(at_least_ms);
    next.last_error = Some(error);
    next
}

/// Where a packet stands, as Home and Review show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketStatus {
    /// 待上传: in the outbox (with the last error, if an attempt failed).
    Queued(Option<String>),
    /// 上传中: being sent now.
    Sending,
    /// 已接收: the intake's receipt is here.
    Received(ReceiptRecord),
    /// 被拒绝: the intake refused it.
    Rejected(Rejection),
}

impl PacketStatus {
    /// The value of `data-upload`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PacketStatus::Queued(_) => "queued",
            PacketStatus::Sending => "sending",
            PacketStatus::Received(_) => "received",
            PacketStatus::Rejected(_) => "rejected",
        }
    }
}

/// What a sync asked for by hand (the 同步 button) came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncReport {
    /// Under way.
    Busy,
    /// The device is enrolled with no intake: nothing went.
    NotEnrolled,
    /// The browser is offline: nothing went.
    Offline,
    /// The packets that were due were tried.
    Done {
        /// Received, with a good receipt.
        sent: usize,
        /// Refused by the intake.
        rejected: usize,
        /// Not sent (network, timeout, 429, 5xx): tried again later.
        failed: usize,
        /// The last failure's detail.
        error: Option<String>,
    },
}

impl SyncReport {
    /// A pass that has tried nothing yet.
    pub fn started() -> SyncReport {
        SyncReport::Done {
            sent: 0,
            rejected: 0,
            failed: 0,
            error: None,
        }
    }

    /// Counts one upload's outcome.
    pub fn count(&mut self, outcome: &Outcome) {
        if let SyncReport::Done {
            sent,
            rejected,
            failed,
            error,
        } = self
        {
            match outcome {
                Outcome::Received(_) => *sent += 1,
                Outcome::Rejected(_) => *rejected += 1,
                Outcome::Retry { error: e, .. } => {
                    *failed += 1;
                    *error = Some(e.clone());
                }
            }
        }
    }

    /// Whether it went wrong for some packet, or could not start.
    pub fn is_error(&self) -> bool {
        match self {
            SyncReport::Busy => false,
            SyncReport::NotEnrolled | SyncReport::Offline => true,
            SyncReport::Done {
                rejected, failed, ..
            } => rejected + failed > 0,
        }
    }
}

/// What the outbox holds, as the screens show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Packets waiting or refused.
    pub outbox: Vec<OutboxEntry>,
    /// Packets received.
    pub receipts: Vec<ReceiptRecord>,
    /// The packet being sent now.
    pub sending: Option<String>,
}

impl Snapshot {
    /// Packets waiting for the intake (待上传 and 上传中; not the refused).
    pub fn waiting(&self) -> usize {
        self.outbox.iter().filter(|e| e.rejected.is_none()).count()
    }

    /// The status of packet `id`, if it was ever queued.
    pub fn status(&self, id: &str) -> Option<(String, PacketStatus)> {
        if let Some(r) = self.receipts.iter().find(|r| r.packet_id == id) {
            return Some((id.to_owned(), PacketStatus::Received(r.clone())));
        }
        let entry = self.outbox.iter().find(|e| e.id == id)?;
        Some((id.to_owned(), self.entry_status(entry)))
    }

    /// The status of the latest packet made from assessment `id`, with the
    /// packet's id.
    pub fn for_assessment(&self, id: &str) -> Option<(String, PacketStatus)> {
        let queued = self
            .outbox
            .iter()
            .filter(|e| e.assessment_id == id)
            .max_by(|a, b| a.queued_at.cmp(&b.queued_at));
        let received = self
            .receipts
            .iter()
            .filter(|r| r.assessment_id == id)
            .max_by(|a, b| a.received_at.cmp(&b.received_at));
        match (queued, received) {
            // A packet signed after the last one received is the one to show.
            (Some(q), Some(r)) if q.queued_at < r.received_at => {
                Some((r.packet_id.clone(), PacketStatus::Received(r.clone())))
            }
            (Some(q), _) => Some((q.id.clone(), self.entry_status(q))),
            (None, Some(r)) => Some((r.packet_id.clone(), PacketStatus::Received(r.clone()))),
            (None, None) => None,
        }
    }

    fn entry_status(&self, entry: &OutboxEntry) -> PacketStatus {
        match &entry.rejected {
            Some(r) => PacketStatus::Rejected(r.clone()),
            None if self.sending.as_deref() == Some(&entry.id) => PacketStatus::Sending,
            None => PacketStatus::Queued(entry.last_error.clone()),
        }
    }
}

/// A checklist the intake lists (`GET /api/v1/templates`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Listed {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Hex SHA-256 of its canonical JSON.
    pub sha256: String,
}

/// The listed checklists this device does not have (`have` holds
/// `<id>@<version>` keys).
pub fn missing_templates(
    listing: &str,
    have: &std::collections::BTreeSet<String>,
) -> Result<Vec<Listed>, String> {
    let listed: Vec<Listed> = crate::json::read(listing).map_err(|e| e.to_string())?;
    Ok(listed
        .into_iter()
        .filter(|l| !have.contains(&crate::model::template_key(&l.id, l.version)))
        .collect())
}

/// Checks a checklist fetched from the intake: signed by the pinned intake
/// key over the bytes served, the one listed (digest, id and version), and
/// valid.
pub fn check_template(
    listed: &Listed,
    body: &str,
    signature: Option<&str>,
    pinned: &str,
) -> Result<Template, String> {
    let at = format!("{}@{}", listed.id, listed.version);
    let signature = signature.ok_or_else(|| format!("{at}: the intake did not sign it"))?;
    receipt::verify_template(pinned, body.as_bytes(), signature)
        .map_err(|e| format!("{at}: {e}"))?;
    let digest = canonical::sha256_hex_bytes(body.as_bytes());
    if digest != listed.sha256 {
        return Err(format!(
            "{at}: digest {digest} is not the {} listed",
            listed.sha256
        ));
    }
    let template = Template::parse(body).map_err(|e| format!("{at}: {e}"))?;
    if template.id() != listed.id || template.version() != listed.version {
        return Err(format!(
            "{at}: the file is {}@{}",
            template.id(),
            template.version()
        ));
    }
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    use qingdan_core::keys::{self, SigningKey};

    #[test]
    fn the_figures_of_the_period_and_of_evaluations_naming_none_are_offered() {
        let body = r#"[
            {"evaluation": "a", "period": "2026", "name": "王五", "post": "党委书记", "ballots": 12, "satisfaction": "50.00", "talk_due": true},
            {"evaluation": "b", "period": "2025", "name": "王五", "post": "党委书记", "ballots": 9, "satisfaction": "90.00", "talk_due": false},
            {"evaluation": "c", "period": null, "name": "赵六", "post": "纪委书记", "ballots": 0, "satisfaction": null, "talk_due": false}
        ]"#;
        let offered = figures(200, body, "2026");
        let said: Vec<(&str, Option<&str>, i64, bool)> = offered
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.satisfaction.as_deref(),
                    f.ballots,
                    f.talk_due,
                )
            })
            .collect();
        assert_eq!(
            said,
            [("王五", Some("50.00"), 12, true), ("赵六", None, 0, false)]
        );
        assert!(figures(404, body, "2026").is_empty(), "an older intake");
        assert!(figures(200, "<html>", "2026").is_empty());
    }

    const ID: &str = "0b7c6a52-31d5-4a8e-9c43-5f0e2d1a9b77";
    const TEXT: &str = "{\"payload\":{}}\n";

    fn intake(seed: u8) -> (SigningKey, String) {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let public = keys::encode_public_key(&key.verifying_key());
        (key, public)
    }

    fn entry() -> OutboxEntry {
        OutboxEntry::new(ID, "a-1", TEXT, "2026-11-23T08:00:00Z")
    }

    fn linked(key: &str) -> IntakeLink {
        IntakeLink {
            url: "https://intake.example".into(),
            key: key.to_owned(),
            enrollments: Vec::new(),
            earlier: Vec::new(),
        }
    }

    #[test]
    fn a_rotated_intake_key_is_followed_and_receipts_of_the_earlier_one_still_count() {
        let (first, first_public) = intake(7);
        let (second, second_public) = intake(8);
        let (stranger, stranger_public) = intake(9);
        let rotation = receipt::sign_rotation(&first, &second_public, "2026-12-01T09:00:00Z");
        let link = linked(&first_public);
        let said = format!(
            r#"{{"public_key": "{second_public}", "earlier_keys": ["{first_public}"], "rotations": [{rotation}], "max_packet_bytes": 1}}"#
        );
        let next = about(&link, &said).unwrap();
        assert_eq!(next.key, second_public);
        assert_eq!(next.earlier, std::slice::from_ref(&first_public));
        assert_eq!(about(&next, &said).unwrap(), next, "followed once");

        let e = entry();
        for key in [&first, &second] {
            let body = receipt::sign(key, ID, &e.sha256, "2026-11-23T08:30:00Z");
            assert!(matches!(
                read_answer(&e, &next, 200, &body, None),
                Outcome::Received(_)
            ));
        }
        let forged = receipt::sign(&stranger, ID, &e.sha256, "2026-11-23T08:30:00Z");
        assert!(matches!(
            read_answer(&e, &next, 201, &forged, None),
            Outcome::Rejected(_)
        ));

        // A key nobody handed over to is not followed.
        let swapped = format!(r#"{{"public_key": "{stranger_public}", "rotations": []}}"#);
        assert!(about(&link, &swapped).is_err());
        let self_made = receipt::sign_rotation(&stranger, &stranger_public, "2026-12-01T10:00:00Z");
        let claimed =
            format!(r#"{{"public_key": "{stranger_public}", "rotations": [{self_made}]}}"#);
        assert!(about(&link, &claimed).is_err());

        // Enrolling another key after the rotation follows it too.
        let answer = format!(
            r#"{{"unit": {{"code": "510824-101", "name": "某某镇党委"}}, "role": "principal", "intake_key": "{second_public}", "rotations": [{rotation}]}}"#
        );
        let enrolled = enroll(
            Some(&link),
            "https://intake.example",
            "fp-2",
            "principal",
            &answer,
            "t",
        )
        .unwrap();
        assert_eq!(
            (enrolled.key.as_str(), enrolled.earlier.len()),
            (second_public.as_str(), 1)
        );
    }

    #[test]
    fn a_link_kept_before_rotations_existed_still_reads() {
        let old = r#"{"url": "https://intake.example", "key": "k", "enrollments": []}"#;
        let link: IntakeLink = serde_json::from_str(old).unwrap();
        assert!(link.earlier.is_empty());
        assert!(!serde_json::to_string(&link).unwrap().contains("earlier"));
    }

    fn enrolled(key: &str, role: &str) -> String {
        format!(
            r#"{{"unit": {{"code": "510824-101", "name": "某某镇党委"}}, "role": "{role}", "intake_key": "{key}"}}"#
        )
    }

    #[test]
    fn a_revocation_learned_at_sync_is_kept_and_never_undone() {
        let (_, public) = intake(7);
        let link = enroll(
            None,
            "https://i.example",
            "fp-1",
            "principal",
            &enrolled(&public, "principal"),
            "2026-11-23T09:00:00Z",
        )
        .unwrap();
        let link = enroll(
            Some(&link),
            "https://i.example",
            "fp-2",
            "supervisory",
            &enrolled(&public, "supervisory"),
            "2026-11-23T09:00:00Z",
        )
        .unwrap();
        let still = key_status(
            &link,
            "fp-1",
            r#"{"public_key": "x", "enrollments": [], "revoked_at": null}"#,
        );
        assert_eq!(still, link);
        let revoked = key_status(
            &link,
            "fp-1",
            r#"{"revoked_at": "2026-11-30T01:00:00.000Z", "reason": "调离"}"#,
        );
        assert_eq!(revoked.revoked_at("fp-1"), Some("2026-11-30T01:00:00.000Z"));
        assert_eq!(revoked.revoked_at("fp-2"), None, "only that key");
        // An answer that says otherwise later, or no JSON, undoes nothing.
        for body in [
            r#"{"revoked_at": null}"#,
            "<html>",
            r#"{"revoked_at": "2027-01-01T00:00:00Z"}"#,
        ] {
            assert_eq!(
                key_status(&revoked, "fp-1", body).revoked_at("fp-1"),
                Some("2026-11-30T01:00:00.000Z"),
                "{body}"
            );
        }
    }

    #[test]
    fn a_good_receipt_takes_the_packet_out_of_the_outbox() {
        let (key, public) = intake(7);
        let e = entry();
        let body = receipt::sign(&key, ID, &e.sha256, "2026-11-23T08:30:00.125Z");
        match read_answer(&e, &linked(&public), 201, &body, None) {
            Outcome::Received(r) => {
                assert_eq!(r.received_at, "2026-11-23T08:30:00.125Z");
                assert_eq!(
                    r.packet_sha256,
                    canonical::sha256_hex_bytes(TEXT.as_bytes())
                );
                assert_eq!(r.text, body, "kept exactly as sent");
            }
            other => panic!("{other:?}"),
        }
        // A re-send answered 200 with the same receipt is received too.
        assert!(matches!(
            read_answer(&e, &linked(&public), 200, &body, None),
            Outcome::Received(_)
        ));
    }

    #[test]
    fn a_receipt_from_another_key_or_for_other_bytes_keeps_the_packet() {
        let (key, public) = intake(7);
        let (forger, _) = intake(8);
        let e = entry();
        let forged = receipt::sign(&forger, ID, &e.sha256, "2026-11-23T08:30:00Z");
        let other_bytes = receipt::sign(&key, ID, &"0".repeat(64), "2026-11-23T08:30:00Z");
        for body in [forged, other_bytes, "not json".to_owned()] {
            match read_answer(&e, &linked(&public), 201, &body, None) {
                Outcome::Rejected(r) => assert_eq!(r.code, "bad-receipt", "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_4xx_is_a_refusal_with_the_intakes_reason_and_5xx_or_429_retries() {
        let (_, public) = intake(7);
        let e = entry();
        let body = r#"{"type":"about:blank","title":"Forbidden","status":403,"code":"unit-not-registered","detail":"unit 999999-001 is not registered"}"#;
        assert_eq!(
            read_answer(&e, &linked(&public), 403, body, None),
            Outcome::Rejected(Rejection {
                status: 403,
                code: "unit-not-registered".into(),
                detail: "unit 999999-001 is not registered".into(),
            })
        );
        assert_eq!(
            read_answer(&e, &linked(&public), 413, "too big\nmore", None),
            Outcome::Rejected(Rejection {
                status: 413,
                code: "http-413".into(),
                detail: "HTTP 413: too big".into(),
            })
        );
        for status in [408, 429, 500, 502, 503] {
            assert!(
                matches!(
                    read_answer(&e, &linked(&public), status, "", None),
                    Outcome::Retry { .. }
                ),
                "{status}"
            );
        }
        assert_eq!(
            read_answer(&e, &linked(&public), 429, "", Some("30")),
            Outcome::Retry {
                error: "HTTP 429".into(),
                at_least_ms: 30_000
            }
        );
    }

    #[test]
    fn backoff_doubles_to_its_cap_and_jitter_stays_within_the_upper_half() {
        for attempts in 1..40 {
            let ceiling = (BACKOFF_BASE_MS << (attempts - 1).min(20)).min(BACKOFF_CAP_MS);
            for jitter in [0, 1, 7_919, u32::MAX] {
                let wait = backoff_ms(attempts, jitter);
                assert!(
                    wait >= ceiling / 2 && wait <= ceiling,
                    "{attempts} {jitter}: {wait}"
                );
            }
        }
        assert_eq!(backoff_ms(1, 0), 1_000);
        assert_eq!(backoff_ms(4, 0), 8_000);
        let once = failed(&entry(), "offline".into(), 0, 1_000_000, 0);
        assert_eq!((once.attempts, once.next_at_ms), (1, 1_001_000));
        assert!(!once.due(1_000_500, false) && once.due(1_000_500, true));
        // The intake's Retry-After wins when it is longer.
        let told = failed(&once, "busy".into(), 60_000, 1_000_000, 0);
        assert_eq!(told.next_at_ms, 1_060_000);
    }

    #[test]
    fn the_first_enrollment_pins_the_intake_and_later_ones_must_match() {
        let (_, public) = intake(7);
        let (_, other) = intake(8);
        let at = |link: Option<&IntakeLink>, fingerprint: &str, role: &str, body: &str| {
            enroll(
                link,
                "https://intake.example/",
                fingerprint,
                role,
                body,
                "2026-11-23T09:00:00Z",
            )
        };
        let link = at(None, "fp-1", "principal", &enrolled(&public, "principal")).unwrap();
        assert_eq!(link.url, "https://intake.example");
        assert_eq!(link.key, public);
        assert_eq!(link.enrollments[0].unit.code, "510824-101");
        let both = at(
            Some(&link),
            "fp-2",
            "supervisory",
            &enrolled(&public, "supervisory"),
        )
        .unwrap();
        assert_eq!(both.enrollments.len(), 2);
        let other_intake = at(
            Some(&both),
            "fp-3",
            "principal",
            &enrolled(&other, "principal"),
        );
        assert!(matches!(other_intake, Err(EnrollError::OtherIntake { .. })));
        let other_role = at(None, "fp-1", "principal", &enrolled(&public, "inspector"));
        assert!(matches!(other_role, Err(EnrollError::OtherRole { .. })));
        assert!(matches!(
            at(None, "fp-1", "principal", "{}"),
            Err(EnrollError::Answer(_))
        ));
    }

    #[test]
    fn statuses_follow_the_outbox_and_the_receipts() {
        let (key, public) = intake(7);
        let mut snapshot = Snapshot {
            outbox: vec![entry()],
            ..Snapshot::default()
        };
        assert_eq!(snapshot.waiting(), 1);
        assert_eq!(
            snapshot.for_assessment("a-1").unwrap().1,
            PacketStatus::Queued(None)
        );
        snapshot.sending = Some(ID.into());
        assert_eq!(
            snapshot.for_assessment("a-1").unwrap().1,
            PacketStatus::Sending
        );
        let body = receipt::sign(&key, ID, &entry().sha256, "2026-11-23T08:30:00Z");
        let Outcome::Received(r) = read_answer(&entry(), &linked(&public), 201, &body, None) else {
            panic!()
        };
        snapshot = Snapshot {
            receipts: vec![r],
            ..Snapshot::default()
        };
        assert_eq!(snapshot.waiting(), 0);
        assert_eq!(
            snapshot.for_assessment("a-1").unwrap().1.as_str(),
            "received"
        );
        // Re-signed later: the new packet is the one shown.
        let mut newer = OutboxEntry::new("p-2", "a-1", "{}", "2026-11-23T09:00:00Z");
        newer.rejected = Some(problem(403, "{}"));
        snapshot.outbox.push(newer);
        assert_eq!(snapshot.for_assessment("a-1").unwrap().0, "p-2");
        assert_eq!(
            snapshot.for_assessment("a-1").unwrap().1.as_str(),
            "rejected"
        );
        assert_eq!(snapshot.waiting(), 0, "a refused packet is not waiting");
        assert_eq!(snapshot.for_assessment("a-2"), None);
    }

    #[test]
    fn a_checklist_from_the_intake_must_be_signed_listed_and_valid() {
        let (key, public) = intake(7);
        let (forger, _) = intake(8);
        let bundled = qingdan_core::bundled::ALL[0];
        let template = Template::parse(bundled.json()).unwrap();
        let body = String::from_utf8(canonical::to_bytes(
            &serde_json::from_str(bundled.json()).unwrap(),
        ))
        .unwrap();
        let listed = Listed {
            id: template.id().into(),
            version: template.version(),
            sha256: canonical::sha256_hex_bytes(body.as_bytes()),
        };
        let good = receipt::sign_template(&key, body.as_bytes());
        let checked = check_template(&listed, &body, Some(&good), &public).unwrap();
        assert_eq!(checked.id(), template.id());
        let forged = receipt::sign_template(&forger, body.as_bytes());
        assert!(check_template(&listed, &body, Some(&forged), &public).is_err());
        assert!(check_template(&listed, &body, None, &public).is_err());
        let mut other = listed.clone();
        other.version += 1;
        assert!(
            check_template(&other, &body, Some(&good), &public)
                .unwrap_err()
                .contains("the file is")
        );

        let have = [crate::model::template_key(&listed.id, listed.version)].into();
        let listing = serde_json::json!([
            {"id": listed.id, "version": listed.version, "sha256": listed.sha256, "title": "", "published_at": ""},
            {"id": listed.id, "version": listed.version + 1, "sha256": "ab", "title": "", "published_at": ""},
        ])
        .to_string();
        let missing = missing_templates(&listing, &have).unwrap();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].version, listed.version + 1);
    }

    #[test]
    fn a_sync_by_hand_counts_each_outcome() {
        let mut report = SyncReport::started();
        assert!(!report.is_error());
        report.count(&Outcome::Received(ReceiptRecord {
            packet_id: ID.into(),
            assessment_id: "a-1".into(),
            received_at: "2026-11-23T08:00:01Z".into(),
            packet_sha256: entry().sha256,
            text: String::new(),
        }));
        assert!(!report.is_error());
        report.count(&Outcome::Rejected(problem(404, "")));
        report.count(&Outcome::Retry {
            error: "offline".into(),
            at_least_ms: 0,
        });
        assert_eq!(
            report,
            SyncReport::Done {
                sent: 1,
                rejected: 1,
                failed: 1,
                error: Some("offline".into()),
            }
        );
        assert!(report.is_error());
        assert!(SyncReport::Offline.is_error());
        assert!(!SyncReport::Busy.is_error());
    }

    #[test]
    fn a_unit_code_is_registered_unknown_or_left_to_the_intake() {
        assert_eq!(
            unit_lookup(
                200,
                r#"{"code": "510824-101", "registered": true, "name": "某某镇党委"}"#
            ),
            UnitLookup::Registered(Unit {
                code: "510824-101".into(),
                name: "某某镇党委".into()
            })
        );
        let unknown = r#"{"code": "510824-011", "registered": false}"#;
        assert_eq!(unit_lookup(200, unknown), UnitLookup::Unknown);
        // An older intake has no such address: its 404 says nothing of the unit.
        assert_eq!(
            unit_lookup(404, r#"{"code": "not-found"}"#),
            UnitLookup::Unsure
        );
        assert_eq!(unit_lookup(503, ""), UnitLookup::Unsure);
        assert_eq!(unit_lookup(200, "<html>"), UnitLookup::Unsure);
    }

    #[test]
    fn an_intake_is_reached_over_https_or_on_this_machine_only() {
        for good in [
            "https://intake.example",
            "https://10.0.0.5:8443/",
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
        ] {
            assert!(is_intake_url(good), "{good}");
        }
        for bad in [
            "http://192.168.1.20:8080",
            "http://intake.example",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1@evil.example",
            "ftp://intake.example",
            "https://",
            "",
        ] {
            assert!(!is_intake_url(bad), "{bad}");
        }
    }

    #[test]
    fn a_signers_standing_is_what_the_intake_says_of_the_key_for_the_unit() {
        let enrolled = r#"{"public_key": "k", "enrollments": [{"unit": "510824-101", "role": "principal", "name": "张三", "enrolled_at": "t"}], "revoked_at": null, "reason": null}"#;
        assert_eq!(standing(200, enrolled, "510824-101"), Standing::Enrolled);
        assert_eq!(
            standing(200, enrolled, "510824-102"),
            Standing::NotEnrolled,
            "another unit's key"
        );
        let inspector = r#"{"enrollments": [{"unit": "*"}], "revoked_at": null}"#;
        assert_eq!(standing(200, inspector, "510824-102"), Standing::Enrolled);
        let revoked =
            r#"{"enrollments": [{"unit": "510824-101"}], "revoked_at": "2026-11-30T01:00:00Z"}"#;
        assert_eq!(
            standing(200, revoked, "510824-101"),
            Standing::Revoked("2026-11-30T01:00:00Z".into())
        );
        let unknown = r#"{"code": "not-found", "status": 404, "detail": "key k is not enrolled at this intake"}"#;
        assert_eq!(standing(404, unknown, "510824-101"), Standing::NotEnrolled);
        assert_eq!(standing(503, "", "510824-101"), Standing::Unverified);
    }

    #[test]
    fn the_files_to_send_are_the_digests_a_409_attachments_missing_names() {
        let (a, b) = ("a".repeat(64), "0123456789abcdef".repeat(4));
        let body = format!(
            r#"{{"type": "about:blank", "code": "attachments-missing", "status": 409, "detail": "files not received yet", "missing": ["{a}", "{b}"]}}"#
        );
        assert_eq!(missing_files(409, &body), Some(vec![a.clone(), b]));
        assert_eq!(missing_files(422, &body), None, "only a 409");
        let other = body.replace("attachments-missing", "duplicate");
        assert_eq!(missing_files(409, &other), None, "only attachments-missing");
        let odd = body.replace(&a, "../../etc/passwd");
        assert_eq!(missing_files(409, &odd), None, "digests only");
        let none = r#"{"code": "attachments-missing", "missing": []}"#;
        assert_eq!(missing_files(409, none), None);
        assert_eq!(missing_files(409, "<html>"), None);
    }
}
