//! The intake itself: checks a packet exactly as the core does (parse,
//! signatures, template digest, re-score), checks that its signers are
//! enrolled for the unit, and stores it through one writer that commits
//! packets in groups, answering each only once its group is durable.
//! HTTP (`api`) and `qingdan import` both go through [`Intake::submit`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use qingdan_core::attachments;
use qingdan_core::keys::{self, SigningKey};
use qingdan_core::packet::{PacketKind, Verified};
use qingdan_core::trust::{self, ALL_UNITS, Admission, Enrollment};
use qingdan_core::{Packet, Template, canonical, json, receipt};
use tokio::sync::{Notify, Semaphore, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::errors::{AdminError, PublishError, SubmitError, packet_code};
use crate::metrics::Metrics;
use crate::secrets;
use crate::store::{
    NamedFile, NewPacket, PacketSummary, Published, Redeem, Store, StoreError, Stored, TokenInfo,
};

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
    /// The keys signing before this one, oldest first, and their signed
    /// hand-overs (read at open: a rotation takes effect on the next start).
    earlier: Vec<String>,
    rotations: Vec<serde_json::Value>,
    templates: RwLock<HashMap<(String, u32), Arc<Template>>>,
    writer: mpsc::Sender<Job>,
    stop: Arc<Notify>,
    writer_task: Mutex<Option<JoinHandle<()>>>,
    metrics: Arc<Metrics>,
    /// Packets being verified at once: no more than there are cores.
    checking: Arc<Semaphore>,
    /// Whole reports being written at once (downloads, and the reports
    /// that are not paged): no more than there are cores. More would not
    /// finish sooner, and each holds its own memory: a crowd of them
    /// waits its turn.
    reporting: Arc<Semaphore>,
    /// How large the files attached to packets may be.
    pub(crate) file_limits: attachments::Limits,
    /// Files being received at once ([`crate::files::FILES_AT_ONCE`]).
    pub(crate) receiving_files: Arc<Semaphore>,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl Intake {
    /// A turn to write a whole report: held until it is written.
    pub(crate) async fn report_turn(
        &self,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, crate::errors::ReportError> {
        self.reporting.clone().acquire_owned().await.map_err(|_| {
            crate::errors::ReportError::Unavailable("the intake is shutting down".into())
        })
    }

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
        let mut earlier = Vec::new();
        let mut rotations = Vec::new();
        for (key, rotation) in store.intake_key_history().await? {
            let rotation = serde_json::from_str(&rotation).map_err(|e| {
                StoreError::Invalid(format!("intake_key_history: the rotation of {key}: {e}"))
            })?;
            earlier.push(key);
            rotations.push(rotation);
        }
        let (writer, jobs) = mpsc::channel(4 * MAX_GROUP);
        let stop = Arc::new(Notify::new());
        let metrics = Arc::new(Metrics::default());
        let task = tokio::spawn(write_groups(
            store.clone(),
            jobs,
            stop.clone(),
            metrics.clone(),
        ));
        let intake = Intake {
            store,
            key,
            public_key,
            earlier,
            rotations,
            templates: RwLock::default(),
            writer,
            stop,
            writer_task: Mutex::new(Some(task)),
            metrics,
            checking: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
            reporting: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
            file_limits: attachments::Limits::default(),
            receiving_files: Arc::new(Semaphore::new(crate::files::FILES_AT_ONCE)),
        };
        // Packets stored by an intake that kept no summaries: the reports
        // read summaries only, so these are summarized before anything is
        // served.
        let summarized = intake
            .summarize_stored(|done, all| {
                tracing::info!(
                    done,
                    all,
                    "summarizing the packets stored before summaries were kept"
                );
            })
            .await?;
        if summarized > 0 {
            tracing::info!(summarized, "stored packets summarized for the reports");
        }
        // Files sent for packets that never came.
        if let Ok(now) = chrono::DateTime::parse_from_rfc3339(now) {
            let forgotten = intake
                .store
                .forget_unnamed_files(&crate::rfc3339(
                    now.to_utc() - chrono::Duration::days(crate::files::UNNAMED_FILE_DAYS),
                ))
                .await?;
            if forgotten > 0 {
                tracing::info!(forgotten, "files no packet names let go");
            }
        }
        Ok(intake)
    }

    /// Summarizes the stored packets that have no summary yet (stored before
    /// summaries were kept), a batch at a time, each batch in its own
    /// transaction: stopped half-way, the next start goes on where it was.
    /// `progress` is told how many are done of how many. Returns how many
    /// were summarized; a packet that cannot be is logged and left (it
    /// stays out of the reports, as it would have failed them).
    pub async fn summarize_stored(&self, progress: impl Fn(u64, u64)) -> Result<u64, StoreError> {
        const BATCH: i64 = 500;
        let all = u64::try_from(self.store.unsummarized_count().await?).unwrap_or(0);
        if all == 0 {
            return Ok(0);
        }
        let (mut after, mut done) = (String::new(), 0u64);
        loop {
            let rows = self.store.unsummarized(&after, BATCH).await?;
            let Some((last, _, _)) = rows.last() else {
                break;
            };
            after = last.clone();
            let mut summaries = Vec::with_capacity(rows.len());
            for (id, bytes, received_at) in rows {
                match self.summary_of_stored(&bytes, &received_at).await {
                    Ok(Some(summary)) => summaries.push(summary),
                    Ok(None) => {}
                    Err(why) => {
                        tracing::warn!(packet = %id, %why, "cannot summarize a stored packet")
                    }
                }
                done += 1;
            }
            self.store.add_summaries(&summaries).await?;
            progress(done, all);
        }
        Ok(done)
    }

    /// The summary of a stored packet, as it was made when it arrived.
    async fn summary_of_stored(
        &self,
        bytes: &[u8],
        received_at: &str,
    ) -> Result<Option<PacketSummary>, String> {
        let packet = Packet::parse(bytes).map_err(|e| e.to_string())?;
        let payload = packet.payload();
        let sheet = match packet.sheet() {
            None => None,
            Some(sheet) => {
                let named = &payload.template;
                let template = self
                    .template(&named.id, named.version)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        format!("template {} v{} is not stored", named.id, named.version)
                    })?;
                Some(
                    qingdan_report::Summary::of(&payload.id, sheet, &template)
                        .map_err(|e| e.to_string())?,
                )
            }
        };
        Ok(Some(packet_summary(payload, sheet, received_at)))
    }

    /// The key the intake signs with (receipts, 民主测评 results).
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The intake's public key (base64url): what devices pin and receipts carry.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The keys this intake signed with before its key was rotated, oldest
    /// first: receipts they signed are the intake's still.
    pub fn earlier_keys(&self) -> &[String] {
        &self.earlier
    }

    /// The signed hand-overs from each earlier key to the next (see
    /// [`receipt::follow`]): what a device that pinned an earlier key needs.
    pub fn rotations(&self) -> &[serde_json::Value] {
        &self.rotations
    }

    /// Makes a new signing key and hands over to it: the key in use signs
    /// the rotation and joins the earlier keys; its seed is not kept.
    /// Returns the earlier key and the new one. A running intake signs
    /// with the new key from its next start.
    pub async fn rotate_key(&self, now: &str) -> Result<(String, String), StoreError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| StoreError::Invalid(format!("no random numbers: {e}")))?;
        let next = keys::encode_public_key(&SigningKey::from_bytes(&seed).verifying_key());
        let rotation = receipt::sign_rotation(&self.key, &next, now);
        if self
            .store
            .rotate_intake_key(&self.public_key, seed, &next, &rotation, now)
            .await?
        {
            Ok((self.public_key.clone(), next))
        } else {
            Err(StoreError::Invalid(
                "the intake's key was rotated by another process since this one started; start again"
                    .into(),
            ))
        }
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

    /// What `GET /metrics` reports.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Checked packets handed to the writer and not yet committed.
    pub fn queued(&self) -> usize {
        self.writer.max_capacity() - self.writer.capacity()
    }

    /// Whether the intake can take packets: its writer is running and its
    /// database answers. Why not, when it cannot.
    pub async fn health(&self) -> Result<(), String> {
        let running = self
            .writer_task
            .lock()
            .is_ok_and(|t| t.as_ref().is_some_and(|t| !t.is_finished()));
        if !running || self.writer.is_closed() {
            return Err("the writer has stopped".into());
        }
        self.store
            .ping()
            .await
            .map_err(|e| format!("the database does not answer: {e}"))
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
    /// once it is durable. `received_at` is the time now: what the packet
    /// is judged on (revocations, dates) and what its receipt says.
    ///
    /// The same bytes sent again get the receipt they got the first time,
    /// whatever happened since (a key revoked later does not undo what was
    /// received before): the writer finds them stored, or, when they are
    /// refused now, the store is asked.
    pub async fn submit(
        &self,
        bytes: Vec<u8>,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Submitted, SubmitError> {
        let packet = Packet::parse(&bytes)?;
        let sha256 = canonical::sha256_hex_bytes(&bytes);
        let id = packet.payload().id.clone();
        let content = packet.content_digest();
        let (verified, sheet) = match self.check(packet, received_at).await {
            Ok(checked) => checked,
            // Refused now, but received before (say, before a key was
            // revoked): the packet stays received.
            Err(refused) => {
                return match self.store.receipt_of(&id, &sha256).await {
                    Ok(Some(receipt)) => Ok(Submitted::Duplicate(receipt)),
                    Ok(None) => Err(refused),
                    Err(e) => Err(e.into()),
                };
            }
        };
        let payload = verified.payload;
        if let Some((at, message)) =
            attachments::check_limits(&payload.attachments, self.file_limits)
        {
            return Err(SubmitError::FilesTooLarge {
                at: format!("payload.attachments{at}"),
                message,
            });
        }
        let files = payload
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| NamedFile {
                at: format!("payload.attachments[{i}] ({})", a.name),
                sha256: a.sha256.clone(),
                media_type: a.media_type.clone(),
                size: i64::try_from(a.size).unwrap_or(i64::MAX),
            })
            .collect();
        let received_at = crate::rfc3339(received_at);
        let receipt = receipt::sign(&self.key, &payload.id, &sha256, &received_at);
        let summary = Some(packet_summary(&payload, sheet, &received_at));
        let new = NewPacket {
            id: payload.id.clone(),
            sha256: sha256.clone(),
            kind: payload.kind.as_str().to_owned(),
            unit_code: payload.unit.code,
            period: payload.period,
            template_id: payload.template.id,
            template_version: i64::from(payload.template.version),
            created_at: payload.created_at,
            received_at,
            total: verified.summary.total,
            grade: verified.summary.grade,
            vetoes: i64::try_from(verified.summary.vetoes).unwrap_or(i64::MAX),
            refers_to: payload.refers_to,
            bytes,
            receipt,
            summary,
            files,
        };
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job { packet: new, reply })
            .await
            .map_err(|_| SubmitError::Unavailable("the intake is shutting down".into()))?;
        match answer.await {
            Ok(Ok(Stored::Created(receipt))) => Ok(Submitted::Created(receipt)),
            Ok(Ok(Stored::Duplicate(receipt))) => Ok(Submitted::Duplicate(receipt)),
            Ok(Ok(Stored::FilesMissing(missing))) => Err(SubmitError::AttachmentsMissing(missing)),
            Ok(Ok(Stored::Conflict(existing))) => match self.same_content(&id, &content).await? {
                // The same signed packet in other bytes (white space,
                // signature order): received already. Its receipt names
                // these bytes, so the device that sent them can check it,
                // and the time the packet was first received.
                Some(first) => Ok(Submitted::Duplicate(receipt::sign(
                    &self.key, &id, &sha256, &first,
                ))),
                None => Err(SubmitError::Conflict {
                    id: payload.id,
                    existing,
                    sha256,
                }),
            },
            Ok(Err(error)) => Err(SubmitError::Unavailable(error)),
            Err(_) => Err(SubmitError::Unavailable("the writer stopped".into())),
        }
    }

    /// What a packet must pass before it is stored, cheap checks first: the
    /// unit registered and every signer's key enrolled for it (one query),
    /// so that a packet signed by keys this intake never enrolled costs no
    /// signature check; then the core's verification against the published
    /// template (signatures and the re-score), on a blocking thread and no
    /// more at once than there are cores, so that other requests are
    /// answered meanwhile; then the core's judgement of who signed.
    async fn check(
        &self,
        packet: Packet,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Verified, Option<qingdan_report::Summary>), SubmitError> {
        let payload = packet.payload();
        let code = &payload.unit.code;
        let keys: Vec<&str> = payload
            .signers
            .iter()
            .map(|s| s.public_key.as_str())
            .collect();
        let Some(enrollments) = self.store.admission(code, &keys).await? else {
            return Err(SubmitError::UnitNotRegistered(code.clone()));
        };
        let stranger = payload
            .signers
            .iter()
            .enumerate()
            .find(|(_, s)| !enrollments.iter().any(|e| e.public_key == s.public_key));
        if let Some((index, s)) = stranger {
            return Err(SubmitError::KeyNotEnrolled {
                index,
                role: s.role.clone(),
                name: s.name.clone(),
                unit: code.clone(),
            });
        }
        let named = &payload.template;
        let template = self.template(&named.id, named.version).await?;
        let unknown = template.is_none().then(|| SubmitError::UnknownTemplate {
            id: named.id.clone(),
            version: named.version,
        });
        let facts = (
            named.id.clone(),
            named.version,
            payload.period.clone(),
            payload.kind.as_str(),
            code.clone(),
        );
        let signed = self
            .check_signed(packet, template, unknown, &enrollments, received_at)
            .await;
        if let Err(refused) = &signed {
            self.note_refusal(facts, refused, received_at).await;
        }
        signed
    }

    /// The rest of [`Intake::check`], from the signatures on.
    async fn check_signed(
        &self,
        packet: Packet,
        template: Option<Arc<Template>>,
        unknown: Option<SubmitError>,
        enrollments: &[Enrollment],
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Verified, Option<qingdan_report::Summary>), SubmitError> {
        // The signatures are checked even without the template: a tampered
        // packet is told so before anything else.
        let (packet, verified) = self.verify_apart(packet, template.clone()).await?;
        if let Some(unknown) = unknown {
            return Err(unknown);
        }
        let inspection = match (&packet.payload().kind, &packet.payload().refers_to) {
            (PacketKind::Rectification, Some(id)) => self
                .store
                .packet_bytes(id)
                .await?
                .map(|bytes| Packet::parse(&bytes))
                .transpose()
                .map_err(|e| SubmitError::Internal(format!("the stored packet {id}: {e}")))?,
            _ => None,
        };
        packet.admit(&Admission {
            received_at,
            enrollments,
            inspection: inspection.as_ref().map(Packet::payload),
        })?;
        let summary = match (template, packet.sheet()) {
            (Some(template), Some(sheet)) => Some(
                qingdan_report::Summary::of(&verified.payload.id, sheet, &template)
                    .map_err(|e| SubmitError::Internal(e.to_string()))?,
            ),
            _ => None,
        };
        Ok((verified, summary))
    }

    /// Keeps a unit's refusal for the round tracker, when the packet's
    /// signatures verified (so its unit's own signers sent it: a stranger
    /// cannot mark a unit refused) and it was refused for what it says.
    /// Best effort: a refusal not kept loses nothing.
    async fn note_refusal(
        &self,
        (template, version, period, kind, unit): (String, u32, String, &str, String),
        refused: &SubmitError,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        use qingdan_core::ProblemCode as C;
        let by_its_signers = matches!(
            refused.code(),
            C::UnknownTemplate
                | C::TemplateDigest
                | C::Responses
                | C::ScoreMismatch
                | C::Unexplained
                | C::Subject
                | C::SubjectNotSigner
                | C::Roles
                | C::KeyRevoked
                | C::KeyAllUnits
                | C::InspectedUnitKey
                | C::SignerName
                | C::CreatedInFuture
                | C::CompletedInFuture
                | C::UnknownInspection
                | C::OtherInspection
                | C::UnknownFinding
        ) && !matches!(refused, SubmitError::Rejected(e) if packet_code(e) == C::BadSignature);
        if !by_its_signers {
            return;
        }
        let detail: String = refused.to_string().chars().take(500).collect();
        if let Err(e) = self
            .store
            .record_refusal(
                (&template, version),
                &period,
                kind,
                &unit,
                &crate::rfc3339(at),
                refused.code().as_str(),
                &detail,
            )
            .await
        {
            tracing::warn!("a refusal of unit {unit} was not kept: {e}");
        }
    }

    /// When the packet stored under `id` was received, if it has the same
    /// signed content (`content`, [`Packet::content_digest`]) as one now
    /// sent in other bytes.
    async fn same_content(&self, id: &str, content: &str) -> Result<Option<String>, SubmitError> {
        let Some(bytes) = self.store.packet_bytes(id).await? else {
            return Ok(None);
        };
        let stored = Packet::parse(&bytes)
            .map_err(|e| SubmitError::Internal(format!("the stored packet {id}: {e}")))?;
        if stored.content_digest() != content {
            return Ok(None);
        }
        let sha256 = canonical::sha256_hex_bytes(&bytes);
        let Some(receipt) = self.store.receipt_of(id, &sha256).await? else {
            return Ok(None);
        };
        let first = receipt::verify_by_intake(&receipt, &self.public_key, &self.earlier)
            .map_err(|e| SubmitError::Internal(format!("the stored receipt of {id}: {e}")))?;
        Ok(Some(first.received_at))
    }

    /// The core's verification of `packet` against `template`, off the
    /// async workers and under the bound on concurrent checks.
    async fn verify_apart(
        &self,
        packet: Packet,
        template: Option<Arc<Template>>,
    ) -> Result<(Packet, Verified), SubmitError> {
        let _permit = self
            .checking
            .acquire()
            .await
            .map_err(|_| SubmitError::Unavailable("the intake is shutting down".into()))?;
        let (packet, verified) = tokio::task::spawn_blocking(move || {
            let verified = packet.verify(template.as_deref());
            (packet, verified)
        })
        .await
        .map_err(|e| SubmitError::Internal(format!("the check of a packet failed: {e}")))?;
        Ok((packet, verified?))
    }

    /// Registers a unit (or renames it); returns the code and name as stored.
    pub async fn add_unit(
        &self,
        code: &str,
        name: &str,
        now: &str,
    ) -> Result<(String, String), AdminError> {
        let (code, name) = (code.trim(), name.trim());
        if let Some(problem) = crate::units::code_problem(code) {
            return Err(AdminError::Invalid(problem));
        }
        if name.is_empty() {
            return Err(AdminError::Invalid("name: a unit needs a name".into()));
        }
        self.store.add_unit(code, name, now).await?;
        Ok((code.to_owned(), name.to_owned()))
    }

    /// Enrolls a signer's public key, under the person's name, for a
    /// registered unit and a role, or for every unit (`*`) as an inspector.
    /// A revoked key is never enrolled again.
    pub async fn enroll(
        &self,
        unit: &str,
        role: &str,
        public_key: &str,
        name: &str,
        now: &str,
    ) -> Result<(), AdminError> {
        let name = check_key(public_key, name)?;
        let role = role.trim();
        check_role(unit, role)?;
        self.registered(unit).await?;
        self.not_revoked(public_key).await?;
        self.store
            .enroll_key(unit, role, public_key, name, now)
            .await
            .map_err(AdminError::from)
    }

    /// Redeems a one-time code: enrolls the device's key, under its
    /// owner's name, for the code's unit and role. With `role`, a code for
    /// another role is refused and left unused; so is any code for a
    /// revoked key.
    pub async fn redeem(
        &self,
        code: &str,
        public_key: &str,
        name: &str,
        role: Option<&str>,
        now: &str,
    ) -> Result<Redeem, AdminError> {
        let name = check_key(public_key, name)?;
        self.store
            .redeem(&secrets::code_hash(code), public_key, name, role, now)
            .await
            .map_err(AdminError::from)
    }

    async fn not_revoked(&self, public_key: &str) -> Result<(), AdminError> {
        match self.store.revoked_at(public_key).await? {
            Some(at) => Err(AdminError::KeyRevoked(at)),
            None => Ok(()),
        }
    }

    /// Revokes a key (PEM's base64url public key): nothing it signs is
    /// received from now on, by any intake process on this store. Returns
    /// when it was revoked (the first time, when it was already).
    pub async fn revoke_key(
        &self,
        public_key: &str,
        reason: &str,
        now: &str,
    ) -> Result<(String, bool), AdminError> {
        keys::decode_public_key(public_key)
            .map_err(|e| AdminError::Invalid(format!("public_key: {e}")))?;
        self.store
            .revoke_key(public_key, reason.trim(), now)
            .await
            .map_err(AdminError::from)
    }

    /// A new admin token (shown once, stored hashed) with `label`, expiring
    /// `lifetime` from `now` when given.
    pub async fn new_admin_token(
        &self,
        label: &str,
        lifetime: Option<chrono::Duration>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, TokenInfo), AdminError> {
        let (token, hash) =
            secrets::new_admin_token().map_err(|e| AdminError::Internal(e.to_string()))?;
        let info = TokenInfo {
            hash,
            label: label.trim().to_owned(),
            created_at: crate::rfc3339(now),
            expires_at: lifetime.map(|d| crate::rfc3339(now + d)),
            revoked_at: None,
        };
        self.store
            .add_admin_token(
                &info.hash,
                &info.label,
                &info.created_at,
                info.expires_at.as_deref(),
            )
            .await?;
        Ok((token, info))
    }

    /// Whether `token` is an admin token that works at `now`: known, not
    /// revoked, not expired. Looked up every time, so a revocation counts
    /// at once in every process.
    pub async fn check_admin(
        &self,
        token: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<TokenInfo, AdminError> {
        let info = self
            .store
            .admin_token(&secrets::hash(token.trim()))
            .await?
            .ok_or_else(|| AdminError::Unauthorized("the admin token is not valid".into()))?;
        if let Some(at) = &info.revoked_at {
            return Err(AdminError::Unauthorized(format!(
                "this admin token ({} {}) was revoked at {at}",
                info.id(),
                info.label
            )));
        }
        if let Some(at) = &info.expires_at
            && *at <= crate::rfc3339(now)
        {
            return Err(AdminError::Unauthorized(format!(
                "this admin token ({} {}) expired at {at}",
                info.id(),
                info.label
            )));
        }
        Ok(info)
    }

    /// Issues a one-time enrollment code for a unit and role; returns the
    /// code (shown once, stored hashed) and when it expires.
    pub async fn issue_code(
        &self,
        unit: &str,
        role: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(String, String), AdminError> {
        let role = role.trim();
        check_role(unit, role)?;
        self.registered(unit).await?;
        let (code, hash) =
            secrets::new_enrollment_code().map_err(|e| AdminError::Internal(e.to_string()))?;
        let expires_at = crate::rfc3339(now + chrono::Duration::days(CODE_LIFETIME_DAYS));
        self.store
            .add_enrollment_code(&hash, unit, role, &crate::rfc3339(now), &expires_at)
            .await?;
        Ok((code, expires_at))
    }

    async fn registered(&self, unit: &str) -> Result<(), AdminError> {
        if unit != "*" && self.store.unit_name(unit).await?.is_none() {
            return Err(AdminError::UnitNotRegistered(unit.to_owned()));
        }
        Ok(())
    }
}

/// A key to enroll: a public key that decodes, and the name (trimmed) of
/// the person who signs with it, which its packets must carry.
fn check_key<'n>(public_key: &str, name: &'n str) -> Result<&'n str, AdminError> {
    keys::decode_public_key(public_key)
        .map_err(|e| AdminError::Invalid(format!("public_key: {e}")))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AdminError::Invalid(
            "name: a key is enrolled under the name of the person who signs with it".into(),
        ));
    }
    Ok(name)
}

/// A role a key may be enrolled for: any for one unit, only `inspector`
/// for every unit.
pub(crate) fn check_role(unit: &str, role: &str) -> Result<(), AdminError> {
    if role.is_empty() {
        return Err(AdminError::Invalid(
            "role: a key is enrolled for a role (principal, supervisory, inspector …)".into(),
        ));
    }
    if unit == ALL_UNITS && !trust::signs_inspections(role) {
        return Err(AdminError::Invalid(format!(
            "unit: only inspectors are enrolled for every unit (*); a {role} key is enrolled for its own unit"
        )));
    }
    Ok(())
}

/// How many times the writer tries a batch that the database refused for
/// a deadlock or a serialization conflict (rolled back, so nothing of it
/// is stored) before it answers the error.
const BATCH_TRIES: usize = 3;

/// The writer: takes what has queued up (at most [`MAX_GROUP`]), stores it
/// in one transaction, then answers each. On `stop` it closes the queue and
/// still commits everything already in it.
async fn write_groups(
    store: Store,
    mut jobs: mpsc::Receiver<Job>,
    stop: Arc<Notify>,
    metrics: Arc<Metrics>,
) {
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
        let mut stored = store.store_batch(&packets).await;
        for _ in 1..BATCH_TRIES {
            match &stored {
                Err(e) if e.is_transient() => stored = store.store_batch(&packets).await,
                _ => break,
            }
        }
        match stored {
            Ok(outcomes) => {
                metrics.committed(packets.len());
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

/// What the reports keep of a packet with `payload`, whose sheet (if any)
/// sums up as `sheet`, received at `received_at`.
fn packet_summary(
    payload: &qingdan_core::packet::Payload,
    sheet: Option<qingdan_report::Summary>,
    received_at: &str,
) -> PacketSummary {
    // Plain structs of strings and dates: writing them as JSON cannot fail.
    let findings = (payload.kind == PacketKind::Rectification || !payload.findings.is_empty())
        .then(|| {
            (
                payload.refers_to.clone(),
                serde_json::to_string(&payload.findings).unwrap_or_default(),
                serde_json::to_string(&payload.rectifications).unwrap_or_default(),
            )
        });
    PacketSummary {
        packet_id: payload.id.clone(),
        template_id: payload.template.id.clone(),
        template_version: i64::from(payload.template.version),
        period: payload.period.clone(),
        kind: payload.kind.as_str().to_owned(),
        unit_code: payload.unit.code.clone(),
        subject_name: qingdan_report::subject_key(payload.subject.as_ref()).to_owned(),
        subject_post: payload
            .subject
            .as_ref()
            .map(|s| s.post.clone())
            .unwrap_or_default(),
        received_at: received_at.to_owned(),
        created_at: payload.created_at.clone(),
        sheet,
        signers: payload.signers.iter().map(|s| s.name.clone()).collect(),
        findings,
    }
}
