//! The outbox at work in the browser: sends queued packets to the intake
//! whenever the app is online, keeps the receipts, and takes the intake's
//! published checklists. The rules it follows are [`crate::sync`]'s.
//!
//! One pass runs at a time. A pass starts when the app starts, when a
//! packet is queued, on the 同步 button, on the browser's `online` event,
//! and when the earliest retry falls due. Nothing about a send in progress
//! is stored: a page closed mid-upload finds the packet still queued, and
//! sending it again gets the intake's first receipt back (the intake keeps
//! each packet once).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::Callback;

use crate::model::{PacketRecord, TemplateRecord, template_key};
use crate::net;
use crate::store::{Durability, OUTBOX, PACKETS, Store, StoreError, TEMPLATES};
use crate::sync::{
    self, IntakeLink, OutboxEntry, Outcome, PacketStatus, Rejection, Snapshot, SyncReport,
};
use crate::web;

/// What the last pass learned besides the packets' fate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// Checklists taken from the intake (`<id>@<version>`).
    pub templates_added: Vec<String>,
    /// Why checklists could not be taken, when they could not.
    pub templates_error: Option<String>,
}

/// The outbox.
pub struct Outbox {
    store: Rc<Store>,
    snapshot: RefCell<Snapshot>,
    link: RefCell<Option<IntakeLink>>,
    /// Whether the stored link has been read (by the first pass).
    link_read: Cell<bool>,
    known_templates: RefCell<BTreeSet<String>>,
    note: RefCell<Note>,
    running: Cell<bool>,
    /// A pass asked for while one runs (`Some(true)`: by hand).
    again: Cell<Option<bool>>,
    /// The 同步 button was pressed and its pass has not started yet.
    hand: Cell<bool>,
    /// What the last sync by hand came to.
    report: RefCell<Option<SyncReport>>,
    timer: RefCell<Option<Timeout>>,
    on_change: Callback<()>,
    on_templates: RefCell<Callback<()>>,
    online: RefCell<Option<EventListener>>,
}

impl Outbox {
    /// Starts the outbox: reads it, listens for `online`, and runs a pass.
    /// `on_change` is called whenever what the screens show has changed.
    pub fn start(store: Rc<Store>, on_change: Callback<()>) -> Rc<Outbox> {
        let outbox = Rc::new(Outbox {
            store,
            snapshot: RefCell::default(),
            link: RefCell::default(),
            link_read: Cell::new(false),
            known_templates: RefCell::default(),
            note: RefCell::default(),
            running: Cell::new(false),
            again: Cell::new(None),
            hand: Cell::new(false),
            report: RefCell::default(),
            timer: RefCell::default(),
            on_change,
            on_templates: RefCell::new(Callback::noop()),
            online: RefCell::default(),
        });
        let weak: Weak<Outbox> = Rc::downgrade(&outbox);
        let listener = EventListener::new(&gloo::utils::window(), "online", move |_| {
            if let Some(outbox) = weak.upgrade() {
                outbox.kick(true);
            }
        });
        *outbox.online.borrow_mut() = Some(listener);
        outbox.kick(false);
        outbox
    }

    /// The status of assessment `id`'s latest packet, with the packet's id.
    pub fn status_of(&self, assessment: &str) -> Option<(String, PacketStatus)> {
        self.snapshot.borrow().for_assessment(assessment)
    }

    /// Packets waiting for the intake.
    pub fn waiting(&self) -> usize {
        self.snapshot.borrow().waiting()
    }

    /// The intake this device is enrolled with.
    pub fn link(&self) -> Option<IntakeLink> {
        self.link.borrow().clone()
    }

    /// What the last sync by hand came to (`None` before the first).
    pub fn report(&self) -> Option<SyncReport> {
        self.report.borrow().clone()
    }

    /// What the last pass learned.
    pub fn note(&self) -> Note {
        self.note.borrow().clone()
    }

    /// Tells the outbox the checklists the app has (`<id>@<version>`) and
    /// what to call when it has added some.
    pub fn set_templates(&self, known: BTreeSet<String>, on_added: Callback<()>) {
        *self.known_templates.borrow_mut() = known;
        *self.on_templates.borrow_mut() = on_added;
    }

    /// Keeps a new enrollment (or, with `None`, forgets the intake), then
    /// sends what waits.
    pub async fn set_link(self: &Rc<Self>, link: Option<IntakeLink>) -> Result<(), StoreError> {
        self.store.set_intake_link(link.as_ref()).await?;
        *self.link.borrow_mut() = link;
        self.link_read.set(true);
        self.on_change.emit(());
        self.kick(true);
        Ok(())
    }

    /// Keeps a packet just signed and queues it, then tries to send it.
    pub async fn queue(self: &Rc<Self>, record: &PacketRecord) -> Result<(), StoreError> {
        let entry = OutboxEntry::new(&record.id, &record.assessment_id, &record.text, &web::now());
        self.store.queue(record, &entry).await?;
        self.snapshot.borrow_mut().outbox.push(entry);
        self.on_change.emit(());
        self.kick(true);
        Ok(())
    }

    /// The 同步 button: every waiting packet is tried now, and what that
    /// came to is kept to show ([`Outbox::report`]).
    pub fn sync_now(self: &Rc<Self>) {
        self.hand.set(true);
        *self.report.borrow_mut() = Some(SyncReport::Busy);
        self.on_change.emit(());
        self.kick(true);
    }

    /// Puts a refused packet back in line (after the cause was fixed at the
    /// intake) and tries it.
    pub async fn retry(self: &Rc<Self>, id: &str) -> Result<(), StoreError> {
        if let Some(mut entry) = self.store.get::<OutboxEntry>(OUTBOX, id).await? {
            entry.rejected = None;
            entry.attempts = 0;
            entry.next_at_ms = 0;
            self.store.put(OUTBOX, &entry, Durability::Strict).await?;
        }
        self.refresh().await;
        self.kick(true);
        Ok(())
    }

    fn kick(self: &Rc<Self>, forced: bool) {
        if self.running.get() {
            self.again
                .set(Some(forced || self.again.get() == Some(true)));
            return;
        }
        self.running.set(true);
        self.timer.borrow_mut().take();
        let outbox = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let mut forced = forced;
            loop {
                let by_hand = forced && outbox.hand.take();
                let report = outbox.pass(forced).await;
                if by_hand {
                    *outbox.report.borrow_mut() = Some(report);
                    outbox.on_change.emit(());
                }
                match outbox.again.take() {
                    Some(next) => forced = next,
                    None => break,
                }
            }
            outbox.running.set(false);
            outbox.schedule();
        });
    }

    /// Wakes the outbox when the earliest retry falls due. Offline, only
    /// the `online` event wakes it; a retry is never sooner than
    /// [`MIN_WAIT_MS`], so a packet whose outcome could not be written is
    /// not tried in a tight loop.
    fn schedule(self: &Rc<Self>) {
        if self.link.borrow().is_none() || !online() {
            return;
        }
        let next = self
            .snapshot
            .borrow()
            .outbox
            .iter()
            .filter(|e| e.rejected.is_none())
            .map(|e| e.next_at_ms)
            .min();
        let Some(next) = next else { return };
        let wait = next
            .saturating_sub(now_ms())
            .clamp(MIN_WAIT_MS, u64::from(u32::MAX)) as u32;
        let weak = Rc::downgrade(self);
        *self.timer.borrow_mut() = Some(Timeout::new(wait, move || {
            if let Some(outbox) = weak.upgrade() {
                outbox.kick(false);
            }
        }));
    }

    /// Reads the outbox again; the screens are drawn again only when it
    /// changed (at start, an empty outbox redraws nothing).
    async fn refresh(&self) {
        let Ok(mut snapshot) = self.store.snapshot().await else {
            return;
        };
        snapshot.sending = self.snapshot.borrow().sending.clone();
        if *self.snapshot.borrow() != snapshot {
            *self.snapshot.borrow_mut() = snapshot;
            self.on_change.emit(());
        }
    }

    async fn pass(self: &Rc<Self>, forced: bool) -> SyncReport {
        if !self.link_read.get()
            && let Ok(link) = self.store.intake_link().await
        {
            let enrolled = link.is_some();
            *self.link.borrow_mut() = link;
            self.link_read.set(true);
            if enrolled {
                self.on_change.emit(());
            }
        }
        self.enqueue_strays().await;
        self.refresh().await;
        let Some(link) = self.link() else {
            return SyncReport::NotEnrolled;
        };
        if !online() {
            return SyncReport::Offline;
        }
        let link = self.follow_key(link).await;
        self.take_templates(&link).await;
        let link = self.check_keys(link).await;
        let mut due: Vec<OutboxEntry> = self
            .snapshot
            .borrow()
            .outbox
            .iter()
            .filter(|e| e.due(now_ms(), forced))
            .cloned()
            .collect();
        due.sort_by(|a, b| a.queued_at.cmp(&b.queued_at));
        let mut report = SyncReport::started();
        for entry in due {
            report.count(&self.send(&link, entry).await);
        }
        report
    }

    /// Queues any kept packet that is neither in the outbox nor received
    /// (one signed before this version, or whose queueing was cut short).
    async fn enqueue_strays(&self) {
        let (Ok(ids), Ok(snapshot)) = (self.store.packet_ids().await, self.store.snapshot().await)
        else {
            return;
        };
        for id in ids {
            if snapshot.status(&id).is_some() {
                continue;
            }
            if let Ok(Some(record)) = self.store.get::<PacketRecord>(PACKETS, &id).await {
                let entry =
                    OutboxEntry::new(&id, &record.assessment_id, &record.text, &record.signed_at);
                let _ = self.store.put(OUTBOX, &entry, Durability::Strict).await;
            }
        }
    }

    async fn send(&self, link: &IntakeLink, entry: OutboxEntry) -> Outcome {
        self.snapshot.borrow_mut().sending = Some(entry.id.clone());
        self.on_change.emit(());
        let text = match self.store.get::<PacketRecord>(PACKETS, &entry.id).await {
            Ok(Some(record)) => Some(record.text),
            _ => None,
        };
        let outcome = match text {
            None => Outcome::Rejected(Rejection {
                status: 0,
                code: "missing".into(),
                detail: format!("packet {} is no longer on this device", entry.id),
            }),
            Some(text) => self.upload(link, &entry, &text).await,
        };
        // When the outcome cannot be written, the packet stays queued as it
        // was, and a later pass sends it again.
        let _ = match &outcome {
            Outcome::Received(receipt) => self.store.settle(receipt).await,
            Outcome::Rejected(rejection) => {
                let mut next = entry;
                next.rejected = Some(rejection.clone());
                self.store.put(OUTBOX, &next, Durability::Strict).await
            }
            Outcome::Retry { error, at_least_ms } => {
                let next = sync::failed(&entry, error.clone(), *at_least_ms, now_ms(), jitter());
                self.store.put(OUTBOX, &next, Durability::Default).await
            }
        };
        self.snapshot.borrow_mut().sending = None;
        self.refresh().await;
        // Whatever was written, the packet is no longer being sent.
        self.on_change.emit(());
        outcome
    }

    /// Sends a packet. When the intake wants files first (`409
    /// attachments-missing`), sends just those it names and the packet
    /// again; a file already there is not sent, so an upload cut short
    /// goes on from where it stopped.
    async fn upload(&self, link: &IntakeLink, entry: &OutboxEntry, text: &str) -> Outcome {
        let url = sync::api_url(&link.url, "/packets");
        let mut files_sent = false;
        loop {
            let reply = match net::request("POST", &url, Some(text)).await {
                Ok(reply) => reply,
                Err(error) => {
                    return Outcome::Retry {
                        error,
                        at_least_ms: 0,
                    };
                }
            };
            let missing = sync::missing_files(reply.status, &reply.body);
            match missing {
                // Sent once: a packet still wanting them is refused.
                Some(missing) if !files_sent => {
                    if let Err(outcome) = self.send_files(link, entry, &missing).await {
                        return outcome;
                    }
                    files_sent = true;
                }
                _ => {
                    let retry_after = reply.retry_after.as_deref();
                    return sync::read_answer(entry, link, reply.status, &reply.body, retry_after);
                }
            }
        }
    }

    /// Sends the files `missing` (digests) of the packet of `entry`, each
    /// from the bytes kept with its assessment.
    async fn send_files(
        &self,
        link: &IntakeLink,
        entry: &OutboxEntry,
        missing: &[String],
    ) -> Result<(), Outcome> {
        for sha256 in missing {
            let key = crate::store::file_key(&entry.assessment_id, sha256);
            let bytes = match self.store.file(&key).await {
                Ok(Some(bytes)) => bytes,
                _ => {
                    return Err(Outcome::Rejected(Rejection {
                        status: 0,
                        code: "file-missing".into(),
                        detail: format!("the file {sha256} is no longer on this device"),
                    }));
                }
            };
            let media_type =
                qingdan_core::attachments::sniff(&bytes).unwrap_or("application/octet-stream");
            let path = format!("/packets/{}/attachments/{sha256}", entry.id);
            match net::put_bytes(&sync::api_url(&link.url, &path), &bytes, media_type).await {
                Ok(reply) if matches!(reply.status, 200 | 201) => {}
                Ok(reply) => {
                    let retry_after = reply.retry_after.as_deref();
                    return Err(sync::failure(reply.status, &reply.body, retry_after));
                }
                Err(error) => {
                    return Err(Outcome::Retry {
                        error,
                        at_least_ms: 0,
                    });
                }
            }
        }
        Ok(())
    }

    /// Asks the intake which key it signs with, and follows a rotation of
    /// it signed by the key pinned (a key nobody handed over to is not
    /// taken: receipts and checklists it signs stay refused).
    async fn follow_key(&self, link: IntakeLink) -> IntakeLink {
        let Ok(reply) = net::request("GET", &sync::api_url(&link.url, "/intake"), None).await
        else {
            return link;
        };
        match sync::about(&link, &reply.body) {
            Ok(next) => self.keep(link, next).await,
            Err(_) => link,
        }
    }

    /// `next` in place of `link`, once kept, when it differs; else `link`.
    async fn keep(&self, link: IntakeLink, next: IntakeLink) -> IntakeLink {
        if next != link && self.store.set_intake_link(Some(&next)).await.is_ok() {
            *self.link.borrow_mut() = Some(next.clone());
            self.on_change.emit(());
            return next;
        }
        link
    }

    /// Asks the intake about each key this device enrolled there, and keeps
    /// the revocations it learns (shown on the key, which signs no more).
    async fn check_keys(&self, link: IntakeLink) -> IntakeLink {
        let Ok(keys) = self.store.keys().await else {
            return link;
        };
        let mut next = link.clone();
        for enrollment in link.enrollments.iter().filter(|e| e.revoked_at.is_none()) {
            let Some(key) = keys
                .iter()
                .find(|k| k.fingerprint == enrollment.fingerprint)
            else {
                continue;
            };
            let path = format!("/keys/{}", key.public_key);
            match net::request("GET", &sync::api_url(&link.url, &path), None).await {
                Ok(reply) if reply.status == 200 => {
                    next = sync::key_status(&next, &enrollment.fingerprint, &reply.body);
                }
                Ok(_) => {}
                Err(_) => return link,
            }
        }
        self.keep(link, next).await
    }

    /// Takes the checklists the intake has published and this device has
    /// not, each checked against the pinned intake key. Older versions stay.
    async fn take_templates(&self, link: &IntakeLink) {
        let mut note = Note::default();
        match self.fetch_templates(link, &mut note.templates_added).await {
            Ok(()) => {}
            Err(e) => note.templates_error = Some(e),
        }
        let added = !note.templates_added.is_empty();
        *self.note.borrow_mut() = note;
        if added {
            let on_added = self.on_templates.borrow().clone();
            on_added.emit(());
        }
    }

    async fn fetch_templates(
        &self,
        link: &IntakeLink,
        added: &mut Vec<String>,
    ) -> Result<(), String> {
        let listing = net::request("GET", &sync::api_url(&link.url, "/templates"), None).await?;
        if listing.status != 200 {
            return Err(sync::problem(listing.status, &listing.body).detail);
        }
        let missing = sync::missing_templates(&listing.body, &self.known_templates.borrow())?;
        for listed in missing {
            let path = format!("/templates/{}/{}", listed.id, listed.version);
            let reply = net::request("GET", &sync::api_url(&link.url, &path), None).await?;
            if reply.status != 200 {
                return Err(sync::problem(reply.status, &reply.body).detail);
            }
            sync::check_template(&listed, &reply.body, reply.signature.as_deref(), &link.key)?;
            let key = template_key(&listed.id, listed.version);
            let record = TemplateRecord {
                key: key.clone(),
                source: reply.body,
                imported_at: web::now(),
            };
            self.store
                .put(TEMPLATES, &record, Durability::Strict)
                .await
                .map_err(|e| format!("{e:?}"))?;
            self.known_templates.borrow_mut().insert(key.clone());
            added.push(key);
        }
        Ok(())
    }
}

/// The shortest wait before a pass the timer starts.
const MIN_WAIT_MS: u64 = 1_000;

/// Whether the browser thinks it is online.
fn online() -> bool {
    gloo::utils::window().navigator().on_line()
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A random number for the retry's jitter (0 when the browser gives none:
/// the wait is then the shortest of its range).
fn jitter() -> u32 {
    let mut bytes = [0u8; 4];
    match crate::vault::random_bytes(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => 0,
    }
}
