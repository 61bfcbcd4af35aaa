//! The intake itself: checks a packet exactly as the core does (parse,
//! signatures, template digest, re-score), checks that its signers are
//! enrolled for the unit, and stores it through one writer that commits
//! packets in groups, answering each only once its group is durable.
//! HTTP (`api`) and `qingdan import` both go through [`Intake::submit`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::http::StatusCode;
use qingdan_core::keys::{self, SigningKey};
use qingdan_core::packet::{PacketError, PacketKind, Payload};
use qingdan_core::{Packet, Template, canonical, json, receipt};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::problem::Problem;
use crate::secrets;
use crate::store::{NewPacket, Published, Store, StoreError, Stored};

/// How long an enrollment code stays valid.
const CODE_LIFETIME_DAYS: i64 = 14;

/// At most this many packets share one commit.
const MAX_GROUP: usize = 256;

/// What the intake answered for a packet it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now; the receipt (JSON text).
    Created(String),
    /// The same bytes were stored before; the receipt given then.
    Duplicate(String),
}

struct Job {
    packet: NewPacket,
    reply: oneshot::Sender<Result<Stored, String>>,
}

/// The intake: the store, its signing key, the published templates read so
/// far, and the group-commit writer.
pub struct Intake {
    store: Store,
    key: SigningKey,
    public_key: String,
    templates: RwLock<HashMap<(String, u32), Arc<Template>>>,
    /// (role, key) pairs known to be enrolled, by unit. Only ever a subset
    /// of the store's: a signer not found here is looked up again.
    enrolled: RwLock<HashMap<String, Vec<(String, String)>>>,
    writer: mpsc::Sender<Job>,
    stop: Arc<Notify>,
    writer_task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Why a template was not published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The template is not valid; every problem, with its location.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<String>),
    /// This id and version are already published with other content.
    #[error(
        "{id} v{version} is already published with digest {existing}; publish changes as a new version"
    )]
    Conflict {
        /// Template id.
        id: String,
        /// Version.
        version: u32,
        /// The digest published.
        existing: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Intake {
    /// Opens the intake on a connected store: reads (or, the first time,
    /// makes and stores) its signing key, and starts the writer.
    pub async fn open(store: Store, now: &str) -> Result<Intake, StoreError> {
        let mut candidate = [0u8; 32];
        getrandom::fill(&mut candidate)
            .map_err(|e| StoreError::Invalid(format!("no random numbers: {e}")))?;
        let candidate_public =
            keys::encode_public_key(&SigningKey::from_bytes(&candidate).verifying_key());
        let seed = store.intake_seed(candidate, &candidate_public, now).await?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| StoreError::Invalid("intake_key.seed is not 32 bytes".into()))?;
        let key = SigningKey::from_bytes(&seed);
        let public_key = keys::encode_public_key(&key.verifying_key());
        let (writer, jobs) = mpsc::channel(4 * MAX_GROUP);
        let stop = Arc::new(Notify::new());
        let task = tokio::spawn(write_groups(store.clone(), jobs, stop.clone()));
        Ok(Intake {
            store,
            key,
            public_key,
            templates: RwLock::default(),
            enrolled: RwLock::default(),
            writer,
            stop,
            writer_task: Mutex::new(Some(task)),
        })
    }

    /// The intake's public key (base64url): what devices pin and receipts carry.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The intake's signature over a published checklist's canonical JSON
    /// (see [`receipt::sign_template`]).
    pub fn sign_template(&self, canonical: &[u8]) -> String {
        receipt::sign_template(&self.key, canonical)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops taking packets, commits every one already handed to the writer,
    /// and waits for it to finish.
    pub async fn shutdown(&self) {
        self.stop.notify_one();
        let task = self.writer_task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// A published template, read once and then kept.
    pub async fn template(
        &self,
        id: &str,
        version: u32,
    ) -> Result<Option<Arc<Template>>, StoreError> {
        let key = (id.to_owned(), version);
        if let Some(t) = self
            .templates
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(Some(t));
        }
        let Some(body) = self.store.template(id, version).await? else {
            return Ok(None);
        };
        let template = Template::parse(&body)
            .map_err(|e| StoreError::Invalid(format!("stored template {id} v{version}: {e}")))?;
        let template = Arc::new(template);
        if let Ok(mut m) = self.templates.write() {
            m.insert(key, template.clone());
        }
        Ok(Some(template))
    }

    /// Publishes a template from its JSON text, stored in canonical form.
    pub async fn publish(
        &self,
        text: &str,
        now: &str,
    ) -> Result<(Published, Template), PublishError> {
        let value = json::parse_strict(text)
            .map_err(|e| PublishError::Invalid(vec![format!("{}: {}", e.at, e.message)]))?;
        let template = Template::from_value(&value)
            .map_err(|e| PublishError::Invalid(e.0.iter().map(ToString::to_string).collect()))?;
        let body = String::from_utf8(canonical::to_bytes(&value)).unwrap_or_default();
        let done = self
            .store
            .publish_template(
                template.id(),
                template.version(),
                template.sha256(),
                &template.doc().title.zh,
                &body,
                now,
            )
            .await?;
        if let Published::Conflict(existing) = &done {
            return Err(PublishError::Conflict {
                id: template.id().to_owned(),
                version: template.version(),
                existing: existing.clone(),
            });
        }
        Ok((done, template))
    }

    /// Checks a packet file and stores it; answers with its receipt only
    /// once it is durable. `received_at` is the time now (RFC 3339 UTC).
    pub async fn submit(&self, bytes: Vec<u8>, received_at: &str) -> Result<Submitted, Problem> {
        let packet = Packet::parse(&bytes)
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed", e.to_string()))?;
        let named = &packet.payload().template;
        let template = self
            .template(&named.id, named.version)
            .await
            .map_err(Problem::unavailable)?;
        let Some(template) = template else {
            // The signatures are checked first even so: a tampered packet
            // is told so before anything else.
            packet.verify(None).map_err(rejected)?;
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-template",
                format!(
                    "payload.template: {} v{} is not published at this intake",
                    named.id, named.version
                ),
            ));
        };
        let verified = packet.verify(Some(&template)).map_err(rejected)?;
        self.check_enrolled(&packet).await?;
        if packet.payload().kind == PacketKind::Rectification {
            self.check_answers_inspection(packet.payload()).await?;
        }
        let payload = verified.payload;
        let sha256 = canonical::sha256_hex_bytes(&bytes);
        let receipt = receipt::sign(&self.key, &payload.id, &sha256, received_at);
        let new = NewPacket {
            id: payload.id.clone(),
            sha256: sha256.clone(),
            kind: payload.kind.as_str().to_owned(),
            unit_code: payload.unit.code,
            period: payload.period,
            template_id: payload.template.id,
            template_version: i64::from(payload.template.version),
            created_at: payload.created_at,
            received_at: received_at.to_owned(),
            total: verified.summary.total,
            grade: verified.summary.grade,
            vetoes: i64::try_from(verified.summary.vetoes).unwrap_or(i64::MAX),
            refers_to: payload.refers_to,
            bytes,
            receipt,
        };
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { packet: new, reply })
            .await
            .map_err(|_| Problem::unavailable("the intake is shutting down"))?;
        match answer.await {
            Ok(Ok(Stored::Created(receipt))) => Ok(Submitted::Created(receipt)),
            Ok(Ok(Stored::Duplicate(receipt))) => Ok(Submitted::Duplicate(receipt)),
            Ok(Ok(Stored::Conflict(existing))) => Err(Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "payload.id: another packet with id {} is stored (SHA-256 {existing}); this one's SHA-256 is {sha256}. A changed packet needs a new id",
                    payload.id
                ),
            )),
            Ok(Err(error)) => Err(Problem::unavailable(error)),
            Err(_) => Err(Problem::unavailable("the writer stopped")),
        }
    }

    /// Registers a unit (or renames it); returns the code and name as stored.
    pub async fn add_unit(
        &self,
        code: &str,
        name: &str,
        now: &str,
    ) -> Result<(String, String), Problem> {
        let (code, name) = (code.trim(), name.trim());
        if code.is_empty() || code == "*" || code.contains(char::is_whitespace) {
            return Err(invalid(format!(
                "code: {code:?} is not a unit code (not empty, no spaces, not \"*\")"
            )));
        }
        if name.is_empty() {
            return Err(invalid("name: a unit needs a name".into()));
        }
        self.store
            .add_unit(code, name, now)
            .await
            .map_err(Problem::unavailable)?;
        Ok((code.to_owned(), name.to_owned()))
    }

    /// Enrolls a signer's public key for a registered unit (or `*`: every
    /// unit, for inspectors) and a role.
    pub async fn enroll(
        &self,
        unit: &str,
        role: &str,
        public_key: &str,
        name: &str,
        now: &str,
    ) -> Result<(), Problem> {
        keys::decode_public_key(public_key).map_err(|e| invalid(format!("public_key: {e}")))?;
        if role.trim().is_empty() {
            return Err(invalid(
                "role: a key is enrolled for a role (principal, supervisory, inspector …)".into(),
            ));
        }
        self.registered(unit).await?;
        self.store
            .enroll_key(unit, role.trim(), public_key, name.trim(), now)
            .await
            .map_err(Problem::unavailable)
    }

    /// Issues a one-time enrollment code for a unit and role; returns the
    /// code (shown once, stored hashed) and when it expires.
    pub async fn issue_code(
        &self,
        unit: &str,
        role: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, String), Problem> {
        if role.trim().is_empty() {
            return Err(invalid("role: a code enrolls a key for a role".into()));
        }
        if unit == "*" {
            return Err(invalid("unit: a code enrolls a key for one unit".into()));
        }
        self.registered(unit).await?;
        let (code, hash) = secrets::new_enrollment_code().map_err(Problem::internal)?;
        let expires_at = crate::rfc3339(now + chrono::Duration::days(CODE_LIFETIME_DAYS));
        self.store
            .add_enrollment_code(&hash, unit, role.trim(), &crate::rfc3339(now), &expires_at)
            .await
            .map_err(Problem::unavailable)?;
        Ok((code, expires_at))
    }

    async fn registered(&self, unit: &str) -> Result<(), Problem> {
        if unit != "*"
            && self
                .store
                .unit_name(unit)
                .await
                .map_err(Problem::unavailable)?
                .is_none()
        {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("unit {unit:?} is not registered"),
            ));
        }
        Ok(())
    }

    /// A rectification answers an inspection stored here, of the same unit,
    /// period and checklist, and only findings that inspection has.
    async fn check_answers_inspection(&self, payload: &Payload) -> Result<(), Problem> {
        let id = payload.refers_to.as_deref().unwrap_or_default();
        let unknown = || {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-inspection",
                format!(
                    "payload.refers_to: no inspection packet {id} is stored at this intake; send the inspection first"
                ),
            )
        };
        let bytes = self
            .store
            .packet_bytes(id)
            .await
            .map_err(Problem::unavailable)?
            .ok_or_else(unknown)?;
        let inspection = Packet::parse(&bytes).map_err(Problem::internal)?;
        let inspection = inspection.payload();
        if inspection.kind != PacketKind::Inspection {
            return Err(unknown());
        }
        let differs = |at: &str, ours: String, theirs: String| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "other-inspection",
                format!(
                    "payload.{at}: this rectification says {ours}, the inspection {id} it answers says {theirs}"
                ),
            )
        };
        if payload.unit.code != inspection.unit.code {
            return Err(differs(
                "unit.code",
                payload.unit.code.clone(),
                inspection.unit.code.clone(),
            ));
        }
        if payload.period != inspection.period {
            return Err(differs(
                "period",
                payload.period.clone(),
                inspection.period.clone(),
            ));
        }
        if payload.template != inspection.template {
            let name = |t: &qingdan_core::packet::TemplateRef| format!("{} v{}", t.id, t.version);
            return Err(differs(
                "template",
                name(&payload.template),
                name(&inspection.template),
            ));
        }
        for (i, entry) in payload.rectifications.iter().enumerate() {
            if !inspection.findings.iter().any(|f| f.id == entry.finding) {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown-finding",
                    format!(
                        "payload.rectifications[{i}].finding: the inspection {id} has no finding {:?}",
                        entry.finding
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every signer's key must be enrolled for the packet's unit (or for
    /// every unit) in the role it signs as.
    async fn check_enrolled(&self, packet: &Packet) -> Result<(), Problem> {
        let payload = packet.payload();
        let code = &payload.unit.code;
        let all_known = |enrolled: &[(String, String)]| {
            payload.signers.iter().all(|s| {
                enrolled
                    .iter()
                    .any(|(role, key)| *role == s.role && *key == s.public_key)
            })
        };
        let known = self
            .enrolled
            .read()
            .is_ok_and(|m| m.get(code).is_some_and(|e| all_known(e)));
        if known {
            return Ok(());
        }
        let Some((_, enrolled)) = self
            .store
            .unit_and_keys(code)
            .await
            .map_err(Problem::unavailable)?
        else {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "unit-not-registered",
                format!("payload.unit.code: unit {code:?} is not registered at this intake"),
            ));
        };
        if let Ok(mut m) = self.enrolled.write() {
            m.insert(code.clone(), enrolled.clone());
        }
        for (index, signer) in payload.signers.iter().enumerate() {
            let known = enrolled
                .iter()
                .any(|(role, key)| *role == signer.role && *key == signer.public_key);
            if !known {
                let fingerprint = keys::decode_public_key(&signer.public_key)
                    .map(|k| keys::fingerprint(&k))
                    .unwrap_or_else(|_| signer.public_key.clone());
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "key-not-enrolled",
                    format!(
                        "payload.signers[{index}] ({} {}): key {fingerprint} is not enrolled for unit {code:?} as {:?}",
                        signer.role, signer.name, signer.role
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn invalid(detail: String) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
}

/// A packet that fails verification: 422 with the core's reason.
fn rejected(error: PacketError) -> Problem {
    let code = match &error {
        PacketError::NotUtf8(_)
        | PacketError::Json { .. }
        | PacketError::Shape { .. }
        | PacketError::UnknownFormat(_)
        | PacketError::Float(_)
        | PacketError::Field { .. } => {
            return Problem::new(StatusCode::BAD_REQUEST, "malformed", error.to_string());
        }
        PacketError::SignerKey { .. }
        | PacketError::DuplicateSigner { .. }
        | PacketError::SignatureEncoding { .. }
        | PacketError::UnlistedSignature { .. }
        | PacketError::DuplicateSignature { .. }
        | PacketError::BadSignature { .. }
        | PacketError::MissingSignature { .. } => "bad-signature",
        PacketError::Roles(_) => "roles",
        PacketError::OtherTemplate { .. } | PacketError::TemplateDigest { .. } => "template-digest",
        PacketError::Responses(_) => "responses",
        PacketError::ScoreMismatch { .. } => "score-mismatch",
    };
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, error.to_string())
}

/// The writer: takes what has queued up (at most [`MAX_GROUP`]), stores it
/// in one transaction, then answers each. On `stop` it closes the queue and
/// still commits everything already in it.
async fn write_groups(store: Store, mut jobs: mpsc::Receiver<Job>, stop: Arc<Notify>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    let mut stopping = false;
    loop {
        let received = if stopping {
            jobs.recv_many(&mut group, MAX_GROUP).await
        } else {
            tokio::select! {
                n = jobs.recv_many(&mut group, MAX_GROUP) => n,
                () = stop.notified() => {
                    jobs.close();
                    stopping = true;
                    continue;
                }
            }
        };
        if received == 0 {
            break;
        }
        let (packets, replies): (Vec<NewPacket>, Vec<_>) =
            group.drain(..).map(|j| (j.packet, j.reply)).unzip();
        match store.store_batch(&packets).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(error) => {
                let error = error.to_string();
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
}
