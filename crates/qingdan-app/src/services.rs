//! The app's flows as plain async functions: opening the app, importing a
//! checklist, starting an assessment, signing, enrolling, answering an
//! inspection, keys and backups. Each reads and writes through the store,
//! the vault and the intake and returns what to show (catalog text); the
//! views only call them and dispatch the outcome.

use std::collections::BTreeMap;
use std::rc::Rc;

use qingdan_core::attachments::{self, Attachment};
use qingdan_core::findings::Finding;
use qingdan_core::keys;
use qingdan_core::packet::{self, PacketKind, Unit};
use qingdan_core::template::Problem;
use qingdan_core::trust::ALL_UNITS;
use qingdan_core::{Packet, Template};
use serde_json::json;

use crate::ctx::Ctx;
use crate::i18n::{self, Lang, T};
use crate::messages::{self, role_label};
use crate::model::TemplateRecord;
use crate::model::{
    self, Assessment, ChooseError, Entry, NewAssessment, PacketRecord, Place, Settings, Status,
};
use crate::state::Notice;
use crate::state::home::ImportProblem;
use crate::state::sign::Loaded;
use crate::store::{self, ASSESSMENTS, Durability, KEYS, SETTINGS, Store, StoreError, TEMPLATES};
use crate::sync::{self, EnrollError, IntakeLink};
use crate::vault::{self, SealedKey, VaultError};
use crate::{files, net, web};

/// What the app has once the store is open.
pub struct Started {
    /// The store.
    pub store: Rc<Store>,
    /// Every checklist: the bundled ones, then the imported ones.
    pub entries: Vec<Entry>,
    /// The settings.
    pub settings: Settings,
    /// Every assessment.
    pub assessments: Vec<Assessment>,
}

/// Opens the store and reads what the first screen needs.
pub async fn open_app() -> Result<Started, StoreError> {
    // The page requested the bundled lists before the wasm started, so they
    // are here by now. Nothing is awaited between starting the database's
    // open and awaiting it, so its outcome is never missed.
    let mut entries = crate::lists::latest().await;
    web::mark("lists-read");
    let store = Rc::new(Store::open(crate::store::DB_NAME).await?);
    web::mark("db-open");
    let (settings, imported, assessments) = store.startup().await?;
    web::mark("startup-read");
    entries.extend(imported_entries(&imported));
    if !settings.persist_asked {
        // Asked once, on first use, without holding up the start.
        let (store, mut settings) = (store.clone(), settings.clone());
        wasm_bindgen_futures::spawn_local(async move {
            web::request_persistence().await;
            settings.persist_asked = true;
            let _ = store.put(SETTINGS, &settings, Durability::Default).await;
        });
    }
    Ok(Started {
        store,
        entries,
        settings,
        assessments,
    })
}

/// The imported checklists (each was checked when imported; each is
/// parsed again when first used).
pub fn imported_entries(records: &[TemplateRecord]) -> Vec<Entry> {
    records
        .iter()
        .filter_map(|record| Entry::new(record.source.clone(), false))
        .collect()
}

/// The imported checklists, read again.
pub async fn imported(store: &Store) -> Vec<Entry> {
    store
        .templates()
        .await
        .map(|records| imported_entries(&records))
        .unwrap_or_default()
}

/// Keeps `settings` with the language `lang`.
pub async fn save_lang(store: &Store, mut settings: Settings, lang: Lang) {
    settings.lang = i18n::lang_code(lang).into();
    let _ = store.put(SETTINGS, &settings, Durability::Default).await;
}

/// Loads an assessment and its checklist.
pub async fn load(ctx: &Ctx, id: &str) -> Loaded {
    let assessment = ctx
        .store
        .assessment(id)
        .await
        .map_err(|e| ctx.store_error(&e))?
        .ok_or_else(|| ctx.t(T::NotFound).to_owned())?;
    let template = ctx
        .template(&assessment.template_id, assessment.template_version)
        .ok_or_else(|| {
            let key = assessment.template_key();
            i18n::fill(ctx.t(T::UnknownTemplate), &[("t", &key)])
        })?;
    Ok((assessment, template))
}

/// Writes `assessment`, strictly.
pub async fn save(ctx: &Ctx, assessment: &Assessment) -> Result<(), String> {
    ctx.store
        .put(ASSESSMENTS, assessment, Durability::Strict)
        .await
        .map_err(|e| ctx.store_error(&e))
}

/// Writes an edited assessment: strictly when it completes the form.
pub async fn autosave(
    store: &Store,
    lang: Lang,
    template: &Template,
    assessment: &Assessment,
) -> Result<(), String> {
    let complete = assessment.kind != PacketKind::Rectification
        && model::sheet_of(template, assessment)
            .completeness
            .is_complete();
    let durability = if complete {
        Durability::Strict
    } else {
        Durability::Default
    };
    store
        .put(ASSESSMENTS, assessment, durability)
        .await
        .map_err(|e| messages::store_error(lang, &e))
}

/// The files a checklist is imported from: its JSON, or a workbook in the
/// layout of `crates/qingdan-sheet/README.md`.
pub const IMPORT_TYPES: &str = ".json,.xlsx,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A chosen file as checklist JSON: a workbook (`.xlsx`) is read sheet by
/// sheet, every problem named by its cell; anything else must be UTF-8.
async fn checklist_text(
    lang: Lang,
    name: &str,
    bytes: &[u8],
) -> Result<String, Vec<ImportProblem>> {
    if name.to_lowercase().ends_with(".xlsx") {
        return web::read_workbook(bytes).await.map_err(|problems| {
            problems
                .iter()
                .map(|p| messages::workbook_problem(lang, name, p))
                .collect()
        });
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|e| vec![messages::not_text(lang, name, e.utf8_error().valid_up_to())])
}

/// Why a checklist was not imported: the notice, and its problems.
pub type Refusal = (String, Vec<ImportProblem>);

/// Imports the checklist in file `name` (its bytes, or why they could not
/// be read); the confirmation to show. The caller reloads the checklists.
pub async fn import_checklist(
    ctx: &Ctx,
    name: &str,
    bytes: Result<Vec<u8>, String>,
) -> Result<String, Refusal> {
    let refused = |problems| (ctx.t(T::ImportFailed).to_owned(), problems);
    let bytes = bytes.map_err(|e| refused(vec![messages::unreadable(ctx.lang, name, &e)]))?;
    let text = checklist_text(ctx.lang, name, &bytes)
        .await
        .map_err(refused)?;
    let template = match Template::parse(&text) {
        Ok(template) => template,
        Err(errors) => {
            // The app reads checklists without tracking JSON paths (to stay
            // small); for a problem of form, the reader module names the place.
            let of_form = errors
                .0
                .iter()
                .any(|e| matches!(e.problem, Problem::Json(_)));
            let placed = if of_form {
                web::check_checklist(&text).await.err()
            } else {
                None
            };
            let problems = match placed {
                Some(lines) => lines
                    .iter()
                    .map(|line| messages::placed_problem(ctx.lang, line))
                    .collect(),
                None => errors
                    .0
                    .iter()
                    .map(|e| messages::template_problem(ctx.lang, e))
                    .collect(),
            };
            return Err(refused(problems));
        }
    };
    let record = TemplateRecord {
        key: model::template_key(template.id(), template.version()),
        source: text,
        imported_at: web::now(),
    };
    ctx.store
        .put(TEMPLATES, &record, Durability::Strict)
        .await
        .map_err(|e| (ctx.store_error(&e), Vec::new()))?;
    let title = template.doc().title.get(ctx.lang).to_owned();
    Ok(i18n::fill(ctx.t(T::ImportedChecklist), &[("name", &title)]))
}

/// Downloads a backup of `list`, every packet kept, and the files
/// attached to the assessments (base64, by their key in the store).
pub async fn export_backup(ctx: &Ctx, list: &[Assessment]) -> Result<(), String> {
    use base64::Engine as _;
    let packets = ctx.store.packets().await.unwrap_or_default();
    let mut kept = serde_json::Map::new();
    for a in list {
        for file in &a.attachments {
            let key = store::file_key(&a.id, &file.sha256);
            if let Ok(Some(bytes)) = ctx.store.file(&key).await {
                let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                kept.insert(key, text.into());
            }
        }
    }
    let backup = json!({
        "format": "qingdan.backup/1",
        "exported_at": web::now(),
        "assessments": list,
        "packets": packets,
        "files": kept,
    });
    let name = format!("qingdan-backup-{}.json", web::now().replace(':', ""));
    download(ctx, &name, &backup.to_string())
}

fn download(ctx: &Ctx, name: &str, text: &str) -> Result<(), String> {
    web::download(name, text, "application/json")
        .map_err(|e| i18n::fill(ctx.t(T::DownloadFailed), &[("e", &e)]))
}

/// Starts an assessment of `template`; its id.
pub async fn create_assessment(
    ctx: &Ctx,
    template: &Template,
    form: NewAssessment,
) -> Result<String, String> {
    let id = web::new_uuid().map_err(|e| messages::vault_error(ctx.lang, &e))?;
    let assessment = Assessment::draft(
        id.clone(),
        template.id(),
        template.version(),
        form,
        web::now(),
    );
    save(ctx, &assessment).await?;
    Ok(id)
}

/// Makes the refused assessment `id` a draft again, every answer kept,
/// for its unit or period to be corrected and signed anew.
pub async fn correct(ctx: &Ctx, id: &str) -> Result<(), String> {
    let (mut assessment, _) = load(ctx, id).await?;
    assessment.reopen();
    assessment.updated_at = web::now();
    save(ctx, &assessment).await
}

/// `unit` as the intake this device is enrolled with registered it (its
/// name there), checked before an assessment is started for a code typed
/// by hand; an unknown code is refused. Offline, or with no intake, the
/// unit stands as typed.
pub async fn registered_unit(ctx: &Ctx, unit: Unit) -> Result<Unit, String> {
    let Some(link) = ctx.outbox.link() else {
        return Ok(unit);
    };
    let code = String::from(js_sys::encode_uri_component(&unit.code));
    let url = sync::api_url(&link.url, &format!("/units/{code}"));
    let Ok(reply) = net::request("GET", &url, None).await else {
        return Ok(unit);
    };
    match sync::unit_lookup(reply.status, &reply.body) {
        sync::UnitLookup::Registered(registered) => Ok(registered),
        sync::UnitLookup::Unknown => Err(i18n::fill(
            ctx.t(T::UnitNotAtIntake),
            &[("code", &unit.code)],
        )),
        sync::UnitLookup::Unsure => Ok(unit),
    }
}

/// The 民主测评 figures the intake this device is enrolled with published
/// for the persons of `unit` in `period`; none offline or with no intake.
pub async fn figures(ctx: &Ctx, unit: &str, period: &str) -> Vec<sync::Figure> {
    let Some(link) = ctx.outbox.link() else {
        return Vec::new();
    };
    let code = String::from(js_sys::encode_uri_component(unit));
    let url = sync::api_url(&link.url, &format!("/evaluation-outcomes?unit={code}"));
    match net::request("GET", &url, None).await {
        Ok(reply) => sync::figures(reply.status, &reply.body, period),
        Err(_) => Vec::new(),
    }
}

/// Fixes the signers (a key for each place) and makes the packet they
/// sign; the assessment as saved.
pub async fn prepare(
    ctx: &Ctx,
    template: &Template,
    assessment: &Assessment,
    places: &[Place],
    choice: &BTreeMap<String, String>,
    keys: &[SealedKey],
    revoked: &dyn Fn(&str) -> bool,
) -> Result<Assessment, String> {
    // A unit this device is not enrolled for would be refused once signed.
    let units = crate::facts::Units::of(ctx.outbox.link().as_ref(), assessment.kind);
    if !units.allows(&assessment.unit.code) {
        let why = crate::facts::FactsError::NotEnrolled(assessment.unit.code.clone());
        return Err(messages::facts_error(ctx.lang, &why, ""));
    }
    let slots = model::choose_signers(places, choice, keys, revoked).map_err(|e| match e {
        ChooseError::NoKey(_) => ctx.t(T::NeedAllSigners).to_owned(),
        ChooseError::SameKey(name) => i18n::fill(ctx.t(T::SameKeyTwice), &[("name", &name)]),
    })?;
    let id = web::new_uuid().map_err(|e| messages::vault_error(ctx.lang, &e))?;
    let signers = slots.iter().map(|s| s.signer.clone()).collect();
    let packet = model::make_packet(template, assessment, id, web::now(), signers)
        .map_err(|e| messages::packet_error(ctx.lang, &e))?;
    let mut next = assessment.clone();
    next.signers = slots;
    next.packet = Some(packet::to_file_text(&packet));
    next.updated_at = web::now();
    save(ctx, &next).await?;
    Ok(next)
}

/// Opens `key` with `pin` and adds its signature; once every signer has
/// signed, the packet is kept and queued for the intake. The assessment as
/// saved (its signer's place says who signed).
pub async fn sign(
    ctx: &Ctx,
    assessment: &Assessment,
    key: &SealedKey,
    pin: &str,
) -> Result<(Assessment, Notice), String> {
    let signing = vault::open(key, pin)
        .await
        .map_err(|e| messages::sign_refused(ctx.lang, &key.name, &e))?;
    let text = assessment
        .packet
        .clone()
        .ok_or_else(|| ctx.t(T::NeedAllSigners).to_owned())?;
    let refused = |e: qingdan_core::PacketError| messages::packet_error(ctx.lang, &e);
    let mut packet = Packet::parse(text.as_bytes()).map_err(refused)?;
    // The key chosen for a place is always one of the listed signers'.
    packet
        .sign(&signing)
        .map_err(|_| ctx.t(T::NeedAllSigners).to_owned())?;
    let mut next = assessment.clone();
    next.packet = Some(packet::to_file_text(&packet));
    for slot in next
        .signers
        .iter_mut()
        .filter(|s| s.fingerprint == key.fingerprint)
    {
        slot.signed = true;
    }
    next.updated_at = web::now();
    if next.signers.iter().all(|s| s.signed) {
        let template = ctx
            .template(&next.template_id, next.template_version)
            .ok_or_else(|| i18n::fill(ctx.t(T::UnknownTemplate), &[("t", &next.template_key())]))?;
        packet.verify(Some(&template)).map_err(refused)?;
        next.status = Status::Signed;
        let record = PacketRecord {
            id: packet.payload().id.clone(),
            assessment_id: next.id.clone(),
            text: packet::to_file_text(&packet),
            signed_at: web::now(),
        };
        ctx.outbox
            .queue(&record)
            .await
            .map_err(|e| ctx.store_error(&e))?;
    }
    save(ctx, &next).await?;
    Ok((next, Notice::None))
}

/// Downloads the signed packet (a bundle when it carries files); the
/// assessment, now exported, as saved.
pub async fn export_packet(
    ctx: &Ctx,
    assessment: &Assessment,
) -> Result<(Assessment, Notice), String> {
    let Some(text) = assessment.packet.clone() else {
        return Err(ctx.t(T::NeedAllSigners).to_owned());
    };
    let name = if assessment.attachments.is_empty() {
        let name = assessment.packet_file_name();
        download(ctx, &name, &text)?;
        name
    } else {
        let mut kept = Vec::with_capacity(assessment.attachments.len());
        for file in &assessment.attachments {
            kept.push(file_bytes(ctx, &assessment.id, file).await?);
        }
        let bundle = files::write_bundle(text.as_bytes(), &kept).await?;
        let name = assessment.bundle_file_name();
        web::download_bytes(&name, &bundle, "application/zip")
            .map_err(|e| i18n::fill(ctx.t(T::DownloadFailed), &[("e", &e)]))?;
        name
    };
    let mut next = assessment.clone();
    next.status = Status::Exported;
    save(ctx, &next).await?;
    let done = Notice::Ok(i18n::fill(ctx.t(T::Exported), &[("f", &name)]));
    Ok((next, done))
}

/// The fingerprint of a base64url public key, or the key itself.
pub fn fingerprint_of(public_key: &str) -> String {
    keys::decode_public_key(public_key)
        .map(|k| keys::fingerprint(&k))
        .unwrap_or_else(|_| public_key.to_owned())
}

/// Enrolls `key` at `url` with `code` and keeps the link; what to tell the
/// user either way.
pub async fn enroll(ctx: &Ctx, url: &str, code: &str, key: &SealedKey) -> Result<String, String> {
    let link = enroll_at(ctx, url, code, key).await?;
    let unit = link
        .enrollments
        .iter()
        .find(|e| e.fingerprint == key.fingerprint)
        .map(|e| {
            if e.unit.code == ALL_UNITS {
                ctx.t(T::AllUnits).to_owned()
            } else {
                format!("{} ({})", e.unit.name, e.unit.code)
            }
        })
        .unwrap_or_default();
    ctx.outbox
        .set_link(Some(link))
        .await
        .map_err(|e| ctx.store_error(&e))?;
    Ok(i18n::fill(
        ctx.t(T::EnrolledAs),
        &[
            ("name", &key.name),
            ("role", &role_label(&key.role, ctx.lang)),
            ("unit", &unit),
        ],
    ))
}

async fn enroll_at(
    ctx: &Ctx,
    url: &str,
    code: &str,
    key: &SealedKey,
) -> Result<IntakeLink, String> {
    let body = json!({
        "code": code,
        "public_key": key.public_key,
        "name": key.name,
        "role": key.role,
    })
    .to_string();
    let reply = net::request("POST", &sync::api_url(url, "/enrollments"), Some(&body))
        .await
        .map_err(|e| messages::transient(ctx.lang, T::CannotReach, &e))?;
    if reply.status != 201 {
        let problem = sync::problem(reply.status, &reply.body);
        let why = messages::rejection(ctx.lang, &problem);
        return Err(i18n::fill(ctx.t(T::IntakeRefused), &[("e", &why)]));
    }
    let link = ctx.outbox.link();
    sync::enroll(
        link.as_ref(),
        url,
        &key.fingerprint,
        &key.role,
        &reply.body,
        &web::now(),
    )
    .map_err(|e| match e {
        EnrollError::Answer(e) => messages::transient(ctx.lang, T::IntakeOddAnswer, &e),
        EnrollError::OtherIntake { pinned, offered } => i18n::fill(
            ctx.t(T::OtherIntake),
            &[
                ("pinned", &fingerprint_of(&pinned)),
                ("offered", &fingerprint_of(&offered)),
            ],
        ),
        EnrollError::OtherRole { key, code } => i18n::fill(
            ctx.t(T::OtherRole),
            &[
                ("key", &role_label(&key, ctx.lang)),
                ("code", &role_label(&code, ctx.lang)),
            ],
        ),
    })
}

/// Forgets the intake this device is enrolled with.
///
/// Only once `pin` opens a key on this device that is enrolled there (or,
/// with none of those here, any key on this device): someone passing a
/// shared device cannot point it at another intake, whose receipts would
/// take packets out of the outbox.
pub async fn forget_intake(ctx: &Ctx, pin: &str) -> Result<(), String> {
    let keys = ctx.store.keys().await.map_err(|e| ctx.store_error(&e))?;
    let link = ctx.outbox.link();
    let enrolled = |k: &&SealedKey| {
        link.as_ref()
            .is_some_and(|l| l.enrollments.iter().any(|e| e.fingerprint == k.fingerprint))
    };
    let mut holders: Vec<&SealedKey> = keys.iter().filter(enrolled).collect();
    if holders.is_empty() {
        holders = keys.iter().collect();
    }
    let mut opened = holders.is_empty();
    for key in holders {
        if vault::open(key, pin).await.is_ok() {
            opened = true;
            break;
        }
    }
    if !opened {
        return Err(ctx.t(T::ForgetNeedsPin).into());
    }
    ctx.outbox
        .set_link(None)
        .await
        .map_err(|e| ctx.store_error(&e))
}

/// The findings of a verified inspection packet.
#[derive(Debug, Clone, PartialEq)]
pub struct ToAnswer {
    /// The findings.
    pub findings: Vec<Finding>,
    /// The checklist's id and version.
    pub template: (String, u32),
    /// The packet's text, which the rectification keeps.
    pub text: String,
}

/// What checking a packet file found.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketCheck {
    /// Its summary lines.
    pub lines: Vec<String>,
    /// Whether the score was recomputed with the checklist (this device
    /// has it) and found the same; otherwise only the signatures were.
    pub rescored: bool,
    /// The packet's unit code.
    pub unit: String,
    /// Each signer (role and name, as shown) and public key.
    pub signers: Vec<(String, String)>,
    /// An inspection's findings, for the unit to answer.
    pub findings: Option<ToAnswer>,
}

/// Checks a packet file, plain or a bundle (`.qingdan.zip`: every file
/// checked against the entry the packet signs), as [`check_packet`] does.
pub async fn check_packet_file(ctx: &Ctx, bytes: Vec<u8>) -> Result<PacketCheck, String> {
    let (text, files) = if bytes.starts_with(b"PK") {
        let (packet, files) = files::open_bundle(&bytes).await.map_err(|e| match e {
            files::BundleRefused::File { name, item } => i18n::fill(
                ctx.t(T::BundleFileChanged),
                &[("name", &name), ("item", &item)],
            ),
            files::BundleRefused::Other(e) => i18n::fill(ctx.t(T::BundleUnreadable), &[("e", &e)]),
        })?;
        (packet, Some(files))
    } else {
        (bytes, None)
    };
    let text = String::from_utf8(text).map_err(|_| ctx.t(T::PacketNotText).to_owned())?;
    let mut check = check_packet(ctx, &text)?;
    if let Some(n) = files.filter(|n| *n > 0) {
        let line = i18n::fill(ctx.t(T::BundleFilesChecked), &[("n", &n.to_string())]);
        check.lines.push(line);
    }
    Ok(check)
}

/// Checks a packet file as the intake would: its signatures always, its
/// checklist and score when this device has the checklist.
pub fn check_packet(ctx: &Ctx, text: &str) -> Result<PacketCheck, String> {
    let refused = |e: qingdan_core::PacketError| messages::packet_error(ctx.lang, &e);
    let packet = Packet::parse(text.as_bytes()).map_err(refused)?;
    let p = packet.payload();
    let template = ctx.template(&p.template.id, p.template.version);
    let verified = packet.verify(template.as_deref()).map_err(refused)?;
    let summary = verified.summary;
    let kind = match p.kind {
        PacketKind::SelfAssessment => ctx.t(T::KindSelf),
        PacketKind::Inspection => ctx.t(T::KindInspection),
        PacketKind::Rectification => ctx.t(T::Rectification),
    };
    let mut lines = vec![
        format!("{} ({}) · {} · {kind}", p.unit.name, p.unit.code, p.period),
        format!("{} v{}", p.template.id, p.template.version),
        format!("{} {}", ctx.t(T::Total), summary.total),
    ];
    if template.is_none() {
        lines.push(ctx.t(T::TemplateMissing).into());
    }
    if !summary.missing.is_empty() {
        lines.push(i18n::fill(
            ctx.t(T::PacketIncomplete),
            &[("n", &summary.missing.len().to_string())],
        ));
    }
    let signers = p
        .signers
        .iter()
        .map(|s| {
            let who = format!("{}: {}", role_label(&s.role, ctx.lang), s.name);
            (who, s.public_key.clone())
        })
        .collect();
    let findings = (!p.findings.is_empty()).then(|| ToAnswer {
        findings: p.findings.clone(),
        template: (p.template.id.clone(), p.template.version),
        text: text.to_owned(),
    });
    Ok(PacketCheck {
        lines,
        rescored: verified.rescored,
        unit: p.unit.code.clone(),
        signers,
        findings,
    })
}

/// What the intake this device is enrolled with says of each of `keys` as
/// a signer for `unit`; [`sync::Standing::Unverified`] for all when the
/// device is enrolled nowhere or the intake does not answer.
pub async fn standings(ctx: &Ctx, unit: &str, keys: &[String]) -> Vec<sync::Standing> {
    let Some(link) = ctx.outbox.link() else {
        return vec![sync::Standing::Unverified; keys.len()];
    };
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let path = format!("/keys/{}", String::from(js_sys::encode_uri_component(key)));
        out.push(
            match net::request("GET", &sync::api_url(&link.url, &path), None).await {
                Ok(reply) => sync::standing(reply.status, &reply.body, unit),
                Err(_) => sync::Standing::Unverified,
            },
        );
    }
    out
}

/// Starts the unit's rectification of the inspection packet `text`; its id.
pub async fn start_rectification(ctx: &Ctx, text: &str) -> Result<String, String> {
    let packet =
        Packet::parse(text.as_bytes()).map_err(|e| messages::packet_error(ctx.lang, &e))?;
    let id = web::new_uuid().map_err(|e| messages::vault_error(ctx.lang, &e))?;
    let assessment = model::rectification_of(&packet, text.to_owned(), id.clone(), web::now());
    save(ctx, &assessment).await?;
    Ok(id)
}

/// Makes a signing key for `name` as `role`, sealed under `pin`, and keeps
/// it; the confirmation.
pub async fn create_key(ctx: &Ctx, name: &str, role: &str, pin: &str) -> Result<String, String> {
    let key = vault::generate(name, role, pin)
        .await
        .map_err(|e| messages::vault_error(ctx.lang, &e))?;
    ctx.store
        .put(KEYS, &key, Durability::Strict)
        .await
        .map_err(|e| ctx.store_error(&e))?;
    Ok(i18n::fill(ctx.t(T::KeyCreated), &[("name", name)]))
}

/// Keeps the key in a key file (its text, or why it could not be read);
/// the confirmation.
pub async fn import_key(ctx: &Ctx, text: Result<String, String>) -> Result<String, String> {
    let key = text
        .map_err(VaultError::BadKeyFile)
        .and_then(|t| vault::read_key_file(&t))
        .map_err(|e| messages::vault_error(ctx.lang, &e))?;
    ctx.store
        .put(KEYS, &key, Durability::Strict)
        .await
        .map_err(|e| ctx.store_error(&e))?;
    Ok(i18n::fill(ctx.t(T::KeyImported), &[("name", &key.name)]))
}

/// Keeps `bytes`, a file chosen as `name` for `item` (and `finding`) of
/// assessment `assessment` (which has the files `kept`): a photo made smaller first (as a JPEG), a PDF as it is.
/// The bytes are written in their own transaction before the entry that
/// names them (its id is given when it is added). Refused, saying why, for
/// a file that is no photo or PDF, too large, or past the device's space.
pub async fn attach(
    ctx: &Ctx,
    (assessment, kept): (&str, &[Attachment]),
    item: &str,
    finding: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Attachment, String> {
    let said = |key: T, more: &[(&str, &str)]| {
        let mut all = vec![("name", name)];
        all.extend_from_slice(more);
        i18n::fill(ctx.t(key), &all)
    };
    let limits = attachments::Limits::default();
    let (bytes, name) = match attachments::sniff(&bytes) {
        None => return Err(said(T::FileNotAllowed, &[])),
        Some("application/pdf") => {
            let name = name.chars().take(attachments::MAX_NAME_CHARS).collect();
            (bytes, name)
        }
        Some(_) => {
            let jpeg = files::shrink_photo(&bytes)
                .await
                .map_err(|e| said(T::PhotoUnreadable, &[("e", &e)]))?;
            (jpeg, model::jpeg_name(name))
        }
    };
    let size = bytes.len() as u64;
    let max = web::human_bytes(limits.per_file as f64);
    if size > limits.per_file {
        let size = web::human_bytes(size as f64);
        return Err(said(T::FileTooLarge, &[("size", &size), ("max", &max)]));
    }
    let before: u64 = kept.iter().map(|a| a.size).sum();
    if before.saturating_add(size) > limits.per_packet {
        let max = web::human_bytes(limits.per_packet as f64);
        return Err(said(T::FilesTooLarge, &[("max", &max)]));
    }
    let status = web::storage_status().await;
    if let (Some(usage), Some(quota)) = (status.usage, status.quota)
        && usage + size as f64 > quota
    {
        return Err(ctx.t(T::FilesQuotaFull).to_owned());
    }
    let sha256 = attachments::digest(&bytes);
    ctx.store
        .put_file(&store::file_key(assessment, &sha256), &bytes)
        .await
        .map_err(|e| match e {
            StoreError::Quota => ctx.t(T::FilesQuotaFull).to_owned(),
            e => ctx.store_error(&e),
        })?;
    Ok(Attachment {
        id: String::new(),
        item: item.to_owned(),
        finding: finding.map(str::to_owned),
        name,
        media_type: attachments::sniff(&bytes).unwrap_or_default().to_owned(),
        size,
        sha256,
    })
}

/// The bytes of `file`, attached to assessment `assessment`.
pub async fn file_bytes(ctx: &Ctx, assessment: &str, file: &Attachment) -> Result<Vec<u8>, String> {
    match ctx
        .store
        .file(&store::file_key(assessment, &file.sha256))
        .await
    {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(i18n::fill(ctx.t(T::FileNotHere), &[("name", &file.name)])),
        Err(e) => Err(ctx.store_error(&e)),
    }
}

/// Lets go of the bytes of a file taken off assessment `assessment`
/// (`rest`: the files it still has), unless another of its files is the
/// same. A failure leaves the bytes kept, unnamed.
pub async fn forget_file(ctx: &Ctx, assessment: &str, sha256: &str, rest: &[Attachment]) {
    if rest.iter().all(|a| a.sha256 != sha256) {
        let _ = ctx
            .store
            .delete(store::FILES, &store::file_key(assessment, sha256))
            .await;
    }
}
