//! What the app keeps, and the pure rules between the form and the core:
//! the form's inputs become [`Responses`] JSON, assessments become packets.
//! Nothing here touches the browser, so it is tested natively.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use qingdan_core::attachments::{self, Attachment};
use qingdan_core::findings::{self, Finding, Rectification, RectificationStatus};
use qingdan_core::packet::{
    self, PacketKind, PacketMeta, RectificationMeta, Signer, Subject, Unit,
};
use qingdan_core::template::{Item, SignerRole, TemplateHead};
use qingdan_core::{Packet, PacketError, Responses, Rule, Template};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::vault::SealedKey;

/// The program name written into packets.
pub const GENERATOR: &str = concat!("qingdan-app ", env!("CARGO_PKG_VERSION"));

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: being filled; the answers may change.
    #[default]
    Draft,
    /// 已签名: every signer has signed; locked.
    Signed,
    /// 已导出: the signed packet has been saved to a file.
    Exported,
}

impl Status {
    /// The value used in `data-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Signed => "signed",
            Status::Exported => "exported",
        }
    }
}

/// What the user has put into one item's widgets, exactly as entered, so
/// that nothing typed is lost even when it is not (yet) a valid answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// A button answer: `done` / `partial` / `not_done`, an option id, a
    /// scale value, or `yes` / `no` for a veto.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// A typed answer: a count, a text, a number or a date.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// A deadline's due date (or the date it is counted from).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub due: String,
    /// A deadline's completion date.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub done: String,
    /// 不适用.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub na: bool,
    /// The evidence note (佐证说明).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One signer's place in an assessment being signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerSlot {
    /// The role.
    pub role: String,
    /// The key's fingerprint on this device.
    pub fingerprint: String,
    /// The signer as the packet names them.
    pub signer: Signer,
    /// Whether this signer has signed.
    pub signed: bool,
}

/// An assessment: a unit's answers to one checklist for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// A UUID.
    pub id: String,
    /// The checklist's id.
    pub template_id: String,
    /// The checklist's version.
    pub template_version: u32,
    /// The unit.
    pub unit: Unit,
    /// The person assessed, on a checklist about a person (一岗双责,
    /// 第一责任人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// `2026`, `2026-H2`, `2026-Q3` or `2026-10`.
    pub period: String,
    /// Self-assessment or inspection.
    pub kind: PacketKind,
    /// Each item's inputs, by item id.
    #[serde(default)]
    pub inputs: BTreeMap<String, ItemInput>,
    /// Draft, signed or exported.
    #[serde(default)]
    pub status: Status,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// The signers, once chosen.
    #[serde(default)]
    pub signers: Vec<SignerSlot>,
    /// The packet being signed, or signed (its file text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packet: Option<String>,
    /// An inspection's findings (发现问题), in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// A rectification: the inspection packet it answers (its file text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection: Option<String>,
    /// A rectification: what was done, by finding id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rectifications: BTreeMap<String, Rectification>,
    /// A note on the assessment as a whole (总体说明), signed as the
    /// packet's `note`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Files attached to items and findings (photos, PDFs), as the packet
    /// names them; their bytes are kept in the `files` store
    /// ([`crate::store::file_key`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A new assessment's facts, as the New screen's form gives them (or an
/// inspection, for its rectification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    /// The unit.
    pub unit: Unit,
    /// The person assessed, on a list about a person.
    pub subject: Option<Subject>,
    /// The period.
    pub period: String,
    /// The kind.
    pub kind: PacketKind,
}

impl Assessment {
    /// A fresh draft `id` of checklist `template_id` at `template_version`,
    /// with nothing answered, made at `now`.
    pub fn draft(
        id: String,
        template_id: &str,
        template_version: u32,
        facts: NewAssessment,
        now: String,
    ) -> Assessment {
        Assessment {
            id,
            template_id: template_id.into(),
            template_version,
            unit: facts.unit,
            subject: facts.subject,
            period: facts.period,
            kind: facts.kind,
            inputs: BTreeMap::new(),
            status: Status::Draft,
            created_at: now.clone(),
            updated_at: now,
            signers: Vec::new(),
            packet: None,
            findings: Vec::new(),
            inspection: None,
            rectifications: BTreeMap::new(),
            note: String::new(),
            attachments: Vec::new(),
        }
    }

    /// Whom it assesses, as a heading shows it: the unit, and on a list
    /// about a person, who (`某某镇党委 · 王五（党委副书记）`).
    pub fn assessed(&self) -> String {
        match &self.subject {
            Some(s) => format!("{} · {}（{}）", self.unit.name, s.name, s.post),
            None => self.unit.name.clone(),
        }
    }

    /// The key of its template in [`TemplateRecord::key`] form.
    pub fn template_key(&self) -> String {
        template_key(&self.template_id, self.template_version)
    }

    /// Whether its answers may still change.
    pub fn is_locked(&self) -> bool {
        self.status != Status::Draft || self.signers.iter().any(|s| s.signed)
    }

    /// The file name of its packet: `<unit>-<period>-<kind>.qingdan.json`,
    /// with characters that file systems refuse replaced.
    pub fn packet_file_name(&self) -> String {
        let unit: String = self
            .unit
            .code
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{unit}-{}-{}.qingdan.json", self.period, self.kind.as_str())
    }

    /// The file name of its packet with its files, a bundle:
    /// `<unit>-<period>-<kind>.qingdan.zip`.
    pub fn bundle_file_name(&self) -> String {
        let name = self.packet_file_name();
        format!("{}.zip", name.trim_end_matches(".json"))
    }

    /// Drops the packet and every signature and makes it a draft again.
    pub fn reopen(&mut self) {
        self.status = Status::Draft;
        self.packet = None;
        self.signers.clear();
    }
}

/// An imported checklist, kept as its source JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRecord {
    /// `<id>@<version>`.
    pub key: String,
    /// The template's JSON, exactly as imported.
    pub source: String,
    /// When it was imported.
    pub imported_at: String,
}

/// A signed packet, kept exactly as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketRecord {
    /// The packet's id.
    pub id: String,
    /// The assessment it was made from.
    pub assessment_id: String,
    /// The packet file's text.
    pub text: String,
    /// When it was signed.
    pub signed_at: String,
}

/// The app's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Always [`Settings::ID`].
    pub id: String,
    /// `zh` or `en`.
    pub lang: String,
    /// Whether persistent storage has been asked for.
    #[serde(default)]
    pub persist_asked: bool,
}

impl Settings {
    /// The settings record's key.
    pub const ID: &'static str = "settings";
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            id: Settings::ID.into(),
            lang: "zh".into(),
            persist_asked: false,
        }
    }
}

/// The key of template `id` at `version`.
pub fn template_key(id: &str, version: u32) -> String {
    format!("{id}@{version}")
}

/// A checklist the app can use: a bundled one or an imported one. Lists
/// show its head; its JSON is parsed and checked the first time something
/// is answered or scored on it ([`Entry::template`]), so the start parses
/// no checklist.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What a list of checklists shows of it.
    pub head: Rc<TemplateHead>,
    /// Whether it ships with the app.
    pub bundled: bool,
    source: Rc<Source>,
}

/// A checklist's JSON, and the template once parsed.
#[derive(Debug)]
struct Source {
    text: Cow<'static, str>,
    parsed: OnceCell<Option<Rc<Template>>>,
}

impl Entry {
    /// A checklist read from JSON, to be parsed on first use; `None` when
    /// the text has no template head.
    pub fn new(text: impl Into<Cow<'static, str>>, bundled: bool) -> Option<Entry> {
        let text = text.into();
        Some(Entry {
            head: Rc::new(TemplateHead::read(&text)?),
            bundled,
            source: Rc::new(Source {
                text,
                parsed: OnceCell::new(),
            }),
        })
    }

    /// A checklist already parsed.
    pub fn parsed(template: Rc<Template>, bundled: bool) -> Entry {
        Entry {
            head: Rc::new(template.head()),
            bundled,
            source: Rc::new(Source {
                text: Cow::Borrowed(""),
                parsed: OnceCell::from(Some(template)),
            }),
        }
    }

    /// Whether this is checklist `id` at `version`.
    pub fn is(&self, id: &str, version: u32) -> bool {
        self.head.id == id && self.head.version == version
    }

    /// The checked template, parsed on first use and kept; `None` (and a
    /// line on the console) when its JSON does not check, which the tests of
    /// the bundled lists and the import's own check rule out.
    pub fn template(&self) -> Option<Rc<Template>> {
        self.source
            .parsed
            .get_or_init(|| match Template::parse(&self.source.text) {
                Ok(template) => Some(Rc::new(template)),
                Err(_e) => {
                    #[cfg(target_arch = "wasm32")]
                    gloo::console::error!(format!("checklist {}: {_e}", self.head.id));
                    None
                }
            })
            .clone()
    }
}

/// The score sheet of `assessment`'s answers so far, with the due dates
/// its checklist fixes from its period.
pub fn sheet_of(template: &Template, assessment: &Assessment) -> qingdan_core::ScoreSheet {
    let (responses, _) = to_responses(template, &assessment.inputs);
    qingdan_core::score(
        template,
        &responses,
        qingdan_core::period::Period::parse(&assessment.period).as_ref(),
    )
}

/// Why one item's input is not an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputProblem {
    /// A count that is not a whole number from 0.
    NotACount,
    /// A number that is not a decimal with at most two places.
    NotANumber,
    /// A date that is not `YYYY-MM-DD`.
    NotADate,
    /// A completion date without the date it is due (or counted from).
    MissingDue,
    /// The core refused the answer (the reason, in its words).
    Refused(String),
}

/// The responses that `inputs` give for `template`, and the problems of the
/// inputs that are not (yet) answers. Items not in the template are left
/// out; an input with a problem gives no answer.
pub fn to_responses(
    template: &Template,
    inputs: &BTreeMap<String, ItemInput>,
) -> (Responses, BTreeMap<String, InputProblem>) {
    let mut json = Map::new();
    let mut problems = BTreeMap::new();
    for (id, input) in inputs {
        let Some(item) = template.item(id) else {
            continue;
        };
        let mut response = Map::new();
        if input.na && item.na_allowed {
            response.insert("na".into(), Value::Bool(true));
        } else {
            match answer(item, input) {
                Ok(Some(answer)) => {
                    response.insert("answer".into(), answer);
                }
                Ok(None) => {}
                Err(problem) => {
                    problems.insert(id.clone(), problem);
                }
            }
        }
        if !input.note.trim().is_empty() {
            response.insert("note".into(), Value::String(input.note.clone()));
        }
        if !response.is_empty() {
            json.insert(id.clone(), Value::Object(response));
        }
    }
    let mut json = Value::Object(json);
    if let Ok(responses) = Responses::from_value(template, &json) {
        return (responses, problems);
    }
    // Each answer was built for its item's kind; should the core still
    // refuse one (a scale value out of range, say), only that answer is
    // dropped, its problem shown, and its note kept.
    if let Value::Object(map) = &mut json {
        for (id, response) in map.iter_mut() {
            let one = Value::Object(Map::from_iter([(id.clone(), response.clone())]));
            if let Err(errors) = Responses::from_value(template, &one) {
                let reason: Vec<String> = errors.0.iter().map(|e| e.problem.to_string()).collect();
                problems.insert(id.clone(), InputProblem::Refused(reason.join("; ")));
                if let Value::Object(fields) = response {
                    fields.remove("answer");
                }
            }
        }
        map.retain(|_, response| response.as_object().is_some_and(|f| !f.is_empty()));
    }
    let responses = Responses::from_value(template, &json).unwrap_or_default();
    (responses, problems)
}

fn answer(item: &Item, input: &ItemInput) -> Result<Option<Value>, InputProblem> {
    let value = input.value.trim();
    let choice = input.choice.as_deref();
    Ok(match &item.rule {
        Rule::Check { .. } | Rule::Choice { .. } => choice.map(|c| Value::String(c.into())),
        Rule::Scale { .. } => match choice {
            Some(c) => Some(Value::from(
                c.parse::<i64>().map_err(|_| InputProblem::NotACount)?,
            )),
            None => None,
        },
        Rule::Veto { .. } => choice.map(|c| Value::Bool(c == "yes")),
        Rule::Count { .. } | Rule::Deduction { .. } | Rule::Bonus { .. } => {
            if value.is_empty() {
                None
            } else {
                let n: u32 = value.parse().map_err(|_| InputProblem::NotACount)?;
                Some(Value::from(n))
            }
        }
        // The checklist fixes the due date: the answer says only when it
        // was done, or (the 未完成 choice) that it was not.
        Rule::Deadline { due: Some(_), .. } => {
            let done = input.done.trim();
            if !done.is_empty() {
                check_date(done)?;
                Some(serde_json::json!({ "done": done }))
            } else if input.choice.as_deref() == Some("not_done") {
                Some(serde_json::json!({ "done": null }))
            } else {
                None
            }
        }
        Rule::Deadline { within_days, .. } => {
            let due = input.due.trim();
            let done = input.done.trim();
            match (due.is_empty(), done.is_empty()) {
                (true, true) => None,
                (true, false) => return Err(InputProblem::MissingDue),
                (false, _) => {
                    check_date(due)?;
                    let reference = if within_days.is_some() { "from" } else { "due" };
                    let done = if done.is_empty() {
                        Value::Null
                    } else {
                        check_date(done)?;
                        Value::String(done.into())
                    };
                    Some(serde_json::json!({ reference: due, "done": done }))
                }
            }
        }
        Rule::Text {} => (!value.is_empty()).then(|| Value::String(input.value.clone())),
        Rule::Number { .. } => {
            if value.is_empty() {
                None
            } else {
                value
                    .parse::<qingdan_core::Fixed>()
                    .map_err(|_| InputProblem::NotANumber)?;
                Some(Value::String(value.into()))
            }
        }
        Rule::Date {} => {
            if value.is_empty() {
                None
            } else {
                check_date(value)?;
                Some(Value::String(value.into()))
            }
        }
    })
}

fn check_date(text: &str) -> Result<(), InputProblem> {
    qingdan_core::findings::parse_date(text)
        .map(drop)
        .ok_or(InputProblem::NotADate)
}

/// Starts a rectification of an inspection packet's findings (its file
/// text, already verified).
pub fn rectification_of(inspection: &Packet, text: String, id: String, now: String) -> Assessment {
    let p = inspection.payload();
    let facts = NewAssessment {
        unit: p.unit.clone(),
        subject: p.subject.clone(),
        period: p.period.clone(),
        kind: PacketKind::Rectification,
    };
    Assessment {
        findings: p.findings.clone(),
        inspection: Some(text),
        ..Assessment::draft(id, &p.template.id, p.template.version, facts, now)
    }
}

/// One signature's place on the Sign screen: the `n`-th signer (from 0)
/// of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The role, as the checklist names it.
    pub role: String,
    /// Which of that role's signers.
    pub n: usize,
}

impl Place {
    /// Its test id and choice key: the role for the first, then `role-2` …
    pub fn id(&self) -> String {
        if self.n == 0 {
            self.role.clone()
        } else {
            format!("{}-{}", self.role, self.n + 1)
        }
    }
}

/// The roles that sign `assessment` (as the core says for its kind: the
/// unit's principal and supervisory, or inspectors), each with its places:
/// one, and `extra[role]` more for a role that takes several signers.
pub fn signer_places(
    template: &Template,
    assessment: &Assessment,
    extra: &BTreeMap<String, usize>,
) -> Vec<(SignerRole, Vec<Place>)> {
    template
        .signer_roles(assessment.kind)
        .into_iter()
        .map(|role| {
            let more = if role.multiple {
                extra.get(&role.role).copied().unwrap_or(0)
            } else {
                0
            };
            let places = (0..=more)
                .map(|n| Place {
                    role: role.role.clone(),
                    n,
                })
                .collect();
            (role, places)
        })
        .collect()
}

/// Why the signers could not be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChooseError {
    /// No key on this device (that is not revoked) for a place of this role.
    NoKey(String),
    /// One key chosen for two places: each signer signs once.
    SameKey(String),
}

/// The signers of `places`: the key chosen for each (by fingerprint), or
/// the first key of its role not chosen elsewhere. Revoked keys sign
/// nothing.
pub fn choose_signers(
    places: &[Place],
    chosen: &BTreeMap<String, String>,
    keys: &[SealedKey],
    revoked: impl Fn(&str) -> bool,
) -> Result<Vec<SignerSlot>, ChooseError> {
    let usable = |k: &&SealedKey, role: &str| k.role == role && !revoked(&k.fingerprint);
    let mut slots: Vec<SignerSlot> = Vec::new();
    for place in places {
        let taken = |k: &SealedKey| slots.iter().any(|s| s.fingerprint == k.fingerprint);
        let key = match chosen.get(&place.id()) {
            Some(fp) => keys
                .iter()
                .filter(|k| usable(k, &place.role))
                .find(|k| &k.fingerprint == fp),
            None => None,
        }
        .or_else(|| {
            keys.iter()
                .filter(|k| usable(k, &place.role))
                .find(|k| !taken(k))
        })
        .ok_or_else(|| ChooseError::NoKey(place.role.clone()))?;
        if taken(key) {
            return Err(ChooseError::SameKey(key.name.clone()));
        }
        slots.push(SignerSlot {
            role: place.role.clone(),
            fingerprint: key.fingerprint.clone(),
            signer: Signer {
                role: place.role.clone(),
                name: key.name.clone(),
                public_key: key.public_key.clone(),
            },
            signed: false,
        });
    }
    Ok(slots)
}

/// The places of the signers chosen for a packet, in its order.
pub fn places_of(slots: &[SignerSlot]) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    for slot in slots {
        let n = places.iter().filter(|p| p.role == slot.role).count();
        places.push(Place {
            role: slot.role.clone(),
            n,
        });
    }
    places
}

/// Findings not yet filled in: no problem, no person responsible, or no
/// valid deadline.
pub fn unfinished_findings(assessment: &Assessment) -> usize {
    assessment
        .findings
        .iter()
        .filter(|f| {
            f.problem.trim().is_empty()
                || f.responsible.trim().is_empty()
                || findings::parse_date(&f.deadline).is_none()
        })
        .count()
}

/// Answers not yet filled in: nothing said about what was done, or a
/// finding put right without a valid date.
pub fn unfinished_answers(assessment: &Assessment) -> usize {
    assessment
        .rectifications
        .values()
        .filter(|r| {
            r.action.trim().is_empty()
                || (r.status == RectificationStatus::Done
                    && r.completed_on
                        .as_deref()
                        .and_then(findings::parse_date)
                        .is_none())
        })
        .count()
}

/// The id of the inspection packet a rectification answers, read from the
/// packet's text without checking it again (it was checked when opened).
pub fn inspection_id(assessment: &Assessment) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        payload: Head,
    }
    #[derive(Deserialize)]
    struct Head {
        id: String,
    }
    let file: File = crate::json::read(assessment.inspection.as_deref()?).ok()?;
    Some(file.payload.id)
}

/// The id for a new finding: one more than the largest number used.
pub fn next_finding_id(findings: &[Finding]) -> String {
    next_id(findings.iter().map(|f| f.id.as_str()))
}

/// One more than the largest number among `ids` (`1` when there is none).
fn next_id<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let last = ids
        .filter_map(|id| id.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    (last + 1).to_string()
}

/// Makes the unsigned packet for `assessment`, to be signed by `signers`.
pub fn make_packet(
    template: &Template,
    assessment: &Assessment,
    id: String,
    now: String,
    signers: Vec<Signer>,
) -> Result<Packet, PacketError> {
    let packet = unnoted_packet(template, assessment, id, now, signers)?;
    let note = assessment.note.trim();
    if note.is_empty() {
        return Ok(packet);
    }
    // The payload's `note`, signed with the rest; the core makes packets
    // without one.
    let mut value = packet.to_value();
    value["payload"]["note"] = Value::from(note);
    Packet::from_value(value)
}

fn unnoted_packet(
    template: &Template,
    assessment: &Assessment,
    id: String,
    now: String,
    signers: Vec<Signer>,
) -> Result<Packet, PacketError> {
    if assessment.kind == PacketKind::Rectification {
        let text = assessment.inspection.as_deref().unwrap_or_default();
        let inspection = Packet::parse(text.as_bytes())?;
        let meta = RectificationMeta {
            id,
            created_at: now,
            signers,
            generator: Some(GENERATOR.into()),
        };
        // In the inspection's order.
        let answers = inspection
            .payload()
            .findings
            .iter()
            .filter_map(|f| assessment.rectifications.get(&f.id).cloned())
            .collect();
        return packet::new_rectification(inspection.payload(), meta, answers);
    }
    let (responses, _) = to_responses(template, &assessment.inputs);
    packet::new_packet(
        template,
        &responses,
        PacketMeta {
            id,
            kind: assessment.kind,
            created_at: now,
            unit: assessment.unit.clone(),
            subject: assessment.subject.clone(),
            period: assessment.period.clone(),
            signers,
            generator: Some(GENERATOR.into()),
            refers_to: None,
            findings: assessment.findings.clone(),
            attachments: assessment.attachments.clone(),
        },
    )
}

/// The name a photo kept as a JPEG goes by: its own, with `.jpg` for
/// its extension, at most [`attachments::MAX_NAME_CHARS`] characters.
pub fn jpeg_name(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    let stem: String = stem
        .chars()
        .take(attachments::MAX_NAME_CHARS - ".jpg".len())
        .collect();
    format!("{stem}.jpg")
}

/// The id for the next file attached to `attachments`: one more than the
/// largest numeric id so far.
pub fn next_attachment_id(attachments: &[Attachment]) -> String {
    next_id(attachments.iter().map(|a| a.id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingdan_core::{bundled, score};

    #[test]
    fn a_checklist_is_listed_by_its_head_and_parsed_once_when_first_used() {
        let b = bundled::find("jiandu-zeren").unwrap();
        let entry = Entry::new(b.json(), true).expect("a head");
        let checked = Template::parse(b.json()).unwrap();
        assert_eq!(*entry.head, checked.head());
        assert!(entry.is(b.id, b.version) && !entry.is(b.id, b.version + 1));
        let first = entry.template().expect("it parses");
        assert_eq!(first.sha256(), checked.sha256());
        // Clones share the parsed template.
        assert!(Rc::ptr_eq(&first, &entry.clone().template().unwrap()));
    }

    #[test]
    fn a_file_with_a_head_that_does_not_check_lists_but_never_opens() {
        assert!(Entry::new("not json", false).is_none());
        let mut doc: Value =
            serde_json::from_str(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
        doc["bands"] = Value::Array(Vec::new());
        let entry = Entry::new(doc.to_string(), false).expect("the head reads");
        assert_eq!(entry.head.id, "jiandu-zeren");
        assert!(entry.template().is_none());
    }

    fn template() -> Template {
        Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap()
    }

    fn input(choice: &str) -> ItemInput {
        ItemInput {
            choice: Some(choice.into()),
            ..ItemInput::default()
        }
    }

    #[test]
    fn every_check_done_scores_the_full_hundred() {
        let t = template();
        let mut inputs = BTreeMap::new();
        for (_, item) in t.items() {
            let i = match &item.rule {
                Rule::Check { .. } => input("done"),
                Rule::Veto { .. } => input("no"),
                Rule::Deduction { .. } | Rule::Bonus { .. } => ItemInput {
                    value: "0".into(),
                    ..ItemInput::default()
                },
                Rule::Count { target, .. } => ItemInput {
                    value: target.to_string(),
                    ..ItemInput::default()
                },
                Rule::Choice { options } => {
                    let best = options.iter().max_by_key(|o| o.points).unwrap();
                    input(&best.id)
                }
                Rule::Scale { max, .. } => input(&max.to_string()),
                // A due date the checklist fixes is not asked for.
                Rule::Deadline { due: Some(_), .. } => ItemInput {
                    done: "2026-01-02".into(),
                    ..ItemInput::default()
                },
                Rule::Deadline { .. } => ItemInput {
                    due: "2026-03-31".into(),
                    done: "2026-03-01".into(),
                    ..ItemInput::default()
                },
                Rule::Text {} | Rule::Number { .. } | Rule::Date {} => continue,
            };
            inputs.insert(item.id.clone(), i);
        }
        let (responses, problems) = to_responses(&t, &inputs);
        assert!(problems.is_empty(), "{problems:?}");
        let sheet = score(
            &t,
            &responses,
            qingdan_core::period::Period::parse("2026").as_ref(),
        );
        assert_eq!(sheet.total.to_string(), "100.00");
        assert!(sheet.completeness.missing.is_empty());
    }

    #[test]
    fn a_due_date_the_checklist_fixes_is_answered_by_when_it_was_done_or_that_it_was_not() {
        let t = template();
        let (_, item) = t
            .items()
            .find(|(_, i)| matches!(i.rule, Rule::Deadline { due: Some(_), .. }))
            .expect("jiandu-zeren fixes a due date");
        let id = item.id.clone();
        let mut a = assessment_of(&t);
        let sheet_with = |a: &mut Assessment, input: ItemInput| {
            a.inputs.insert(id.clone(), input);
            let sheet = sheet_of(&t, a);
            let item = sheet.items.into_iter().find(|s| s.id == id).unwrap();
            (
                item.status,
                item.score.to_string(),
                item.reason_text(&t, qingdan_core::Lang::Zh),
            )
        };
        let (status, _, _) = sheet_with(&mut a, ItemInput::default());
        assert_eq!(status, qingdan_core::score::ItemStatus::Unanswered);
        let (_, _, reason) = sheet_with(
            &mut a,
            ItemInput {
                done: "2027-02-03".into(),
                ..ItemInput::default()
            },
        );
        assert!(
            reason.contains("超过期限 2027-01-31（清单规定）"),
            "{reason}"
        );
        let (_, score, reason) = sheet_with(&mut a, input("not_done"));
        assert_eq!(score, "0.00");
        assert_eq!(reason, "期限 2027-01-31（清单规定），未完成，不得分");
    }

    #[test]
    fn a_bad_count_is_kept_as_typed_and_named_not_scored() {
        let t = template();
        let (id, _) = t
            .items()
            .map(|(_, i)| (i.id.clone(), i))
            .find(|(_, i)| matches!(i.rule, Rule::Deduction { .. } | Rule::Count { .. }))
            .unwrap();
        let mut inputs = BTreeMap::new();
        inputs.insert(
            id.clone(),
            ItemInput {
                value: "三".into(),
                note: "见台账".into(),
                ..ItemInput::default()
            },
        );
        let (responses, problems) = to_responses(&t, &inputs);
        assert_eq!(problems.get(&id), Some(&InputProblem::NotACount));
        let response = responses.get(&id).expect("the note is kept");
        assert_eq!(response.answer, None);
        assert_eq!(response.note.as_deref(), Some("见台账"));
    }

    #[test]
    fn a_completion_date_without_a_due_date_is_a_problem() {
        let t =
            Template::parse(include_str!("../../../tests/data/responses/template.json")).unwrap();
        let (id, item) = t
            .items()
            .map(|(_, i)| (i.id.clone(), i))
            .find(|(_, i)| matches!(i.rule, Rule::Deadline { .. }))
            .unwrap();
        let mut inputs = BTreeMap::new();
        inputs.insert(
            id.clone(),
            ItemInput {
                done: "2026-03-01".into(),
                ..ItemInput::default()
            },
        );
        assert_eq!(
            to_responses(&t, &inputs).1.get(&id),
            Some(&InputProblem::MissingDue)
        );
        inputs.get_mut(&id).unwrap().due = "2026-03-31".into();
        let (responses, problems) = to_responses(&t, &inputs);
        assert!(problems.is_empty(), "{problems:?} for {item:?}");
        assert!(responses.get(&id).unwrap().answer.is_some());
    }

    #[test]
    fn a_scale_value_out_of_range_is_refused_and_the_rest_stand() {
        let t =
            Template::parse(include_str!("../../../tests/data/responses/template.json")).unwrap();
        let scale = t
            .items()
            .map(|(_, i)| i)
            .find(|i| matches!(i.rule, Rule::Scale { .. }))
            .unwrap();
        let check = t
            .items()
            .map(|(_, i)| i)
            .find(|i| matches!(i.rule, Rule::Check { .. }))
            .unwrap();
        let mut inputs = BTreeMap::new();
        inputs.insert(scale.id.clone(), input("99"));
        inputs.insert(check.id.clone(), input("done"));
        let (responses, problems) = to_responses(&t, &inputs);
        assert!(matches!(
            problems.get(&scale.id),
            Some(InputProblem::Refused(_))
        ));
        assert!(
            responses.get(&check.id).is_some(),
            "{responses:?} {problems:?}"
        );
        assert!(responses.get(&scale.id).is_none());
    }

    #[test]
    fn packet_file_names_are_safe_on_a_usb_stick() {
        let a = Assessment {
            id: "x".into(),
            template_id: "jiandu-zeren".into(),
            template_version: 1,
            unit: Unit {
                code: "GX/001 镇".into(),
                name: "某镇".into(),
            },
            subject: None,
            period: "2026".into(),
            kind: PacketKind::SelfAssessment,
            inputs: BTreeMap::new(),
            status: Status::Draft,
            created_at: String::new(),
            updated_at: String::new(),
            signers: vec![],
            packet: None,
            findings: Vec::new(),
            inspection: None,
            rectifications: BTreeMap::new(),
            note: String::new(),
            attachments: Vec::new(),
        };
        assert_eq!(
            a.packet_file_name(),
            "GX_001_镇-2026-self-assessment.qingdan.json"
        );
        assert_eq!(
            a.bundle_file_name(),
            "GX_001_镇-2026-self-assessment.qingdan.zip",
            "a packet with files travels as a bundle"
        );
    }

    #[test]
    fn a_photo_kept_as_a_jpeg_is_named_so() {
        assert_eq!(jpeg_name("谈话记录.PNG"), "谈话记录.jpg");
        assert_eq!(jpeg_name("IMG_0001.jpeg"), "IMG_0001.jpg");
        assert_eq!(jpeg_name("照片"), "照片.jpg");
        assert_eq!(jpeg_name(".png"), ".png.jpg");
        let long = "长".repeat(300) + ".webp";
        let name = jpeg_name(&long);
        assert_eq!(name.chars().count(), attachments::MAX_NAME_CHARS);
        assert!(name.ends_with("长.jpg"));
    }

    #[test]
    fn files_are_numbered_and_signed_with_the_packet() {
        let t = template();
        let mut a = assessment_of(&t);
        let item = t.items().next().unwrap().1.id.clone();
        let file = |sha: char| Attachment {
            id: String::new(),
            item: item.clone(),
            finding: None,
            name: "谈话记录.jpg".into(),
            media_type: "image/jpeg".into(),
            size: 1000,
            sha256: sha.to_string().repeat(64),
        };
        let mut files = Vec::new();
        for sha in ['a', 'b'] {
            let mut f = file(sha);
            f.id = next_attachment_id(&files);
            files.push(f);
        }
        assert_eq!(files[1].id, "2");
        a.attachments = files.clone();
        let keys = [signer("principal", 1), signer("supervisory", 2)];
        let signers = keys.iter().map(|(s, _)| s.clone()).collect();
        let id = "8b0c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e61".into();
        let mut packet =
            make_packet(&t, &a, id, "2026-03-01T09:00:00Z".into(), signers).expect("a packet");
        for (_, key) in &keys {
            packet.sign(key).unwrap();
        }
        let read = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
        assert_eq!(
            read.payload().attachments,
            files,
            "the payload names each file"
        );
        read.verify(Some(&t))
            .expect("the files are signed with the rest");
    }

    fn signer(role: &str, seed: u8) -> (Signer, qingdan_core::keys::SigningKey) {
        let key = qingdan_core::keys::SigningKey::from_bytes(&[seed; 32]);
        let signer = Signer {
            role: role.into(),
            name: role.into(),
            public_key: qingdan_core::keys::encode_public_key(&key.verifying_key()),
        };
        (signer, key)
    }

    fn sealed(name: &str, role: &str, seed: u8) -> SealedKey {
        let (signer, _) = signer(role, seed);
        SealedKey {
            format: crate::vault::KEY_FORMAT.into(),
            name: name.into(),
            role: role.into(),
            fingerprint: format!("fp-{seed}"),
            public_key: signer.public_key,
            kdf: String::new(),
            iterations: 0,
            salt: String::new(),
            iv: String::new(),
            sealed_seed: String::new(),
        }
    }

    #[test]
    fn an_inspection_of_a_self_assessment_list_is_signed_by_a_team_of_inspectors() {
        let t = Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
        let mut a = assessment_of(&t);
        a.kind = PacketKind::Inspection;
        let extra = BTreeMap::from([("inspector".to_owned(), 1)]);
        let places: Vec<Place> = signer_places(&t, &a, &extra)
            .into_iter()
            .flat_map(|(_, p)| p)
            .collect();
        assert_eq!(
            places.iter().map(Place::id).collect::<Vec<_>>(),
            ["inspector", "inspector-2"]
        );
        let keys = [
            sealed("张三", "principal", 1),
            sealed("王五", "inspector", 3),
            sealed("赵六", "inspector", 4),
            sealed("孙七", "inspector", 5),
        ];
        let none = BTreeMap::new();
        // Unchosen places take the first keys of their role, each once.
        let team = choose_signers(&places, &none, &keys, |_| false).unwrap();
        let names: Vec<&str> = team.iter().map(|s| s.signer.name.as_str()).collect();
        assert_eq!(names, ["王五", "赵六"]);
        assert_eq!(places_of(&team), places);
        // A revoked key is never taken.
        let team = choose_signers(&places, &none, &keys, |fp| fp == "fp-3").unwrap();
        let names: Vec<&str> = team.iter().map(|s| s.signer.name.as_str()).collect();
        assert_eq!(names, ["赵六", "孙七"]);
        let chosen = BTreeMap::from([("inspector-2".to_owned(), "fp-3".to_owned())]);
        assert_eq!(
            choose_signers(&places, &chosen, &keys, |fp| fp == "fp-3").unwrap()[1]
                .signer
                .name,
            "孙七",
            "a revoked choice is passed over"
        );
        // One key in two places is refused.
        let twice = BTreeMap::from([
            ("inspector".to_owned(), "fp-4".to_owned()),
            ("inspector-2".to_owned(), "fp-4".to_owned()),
        ]);
        assert_eq!(
            choose_signers(&places, &twice, &keys, |_| false),
            Err(ChooseError::SameKey("赵六".into()))
        );
        // Three inspectors, two keys that are not revoked.
        let three = BTreeMap::from([("inspector".to_owned(), 2)]);
        let places: Vec<Place> = signer_places(&t, &a, &three)
            .into_iter()
            .flat_map(|(_, p)| p)
            .collect();
        assert_eq!(
            choose_signers(&places, &none, &keys, |fp| fp == "fp-5"),
            Err(ChooseError::NoKey("inspector".into()))
        );
        // The principal is no place of an inspection's.
        a.kind = PacketKind::SelfAssessment;
        let roles: Vec<String> = signer_places(&t, &a, &three)
            .into_iter()
            .map(|(r, p)| format!("{}×{}", r.role, p.len()))
            .collect();
        assert_eq!(roles, ["principal×1", "supervisory×1"]);
    }

    fn assessment_of(t: &Template) -> Assessment {
        let facts = NewAssessment {
            unit: Unit {
                code: "510001".into(),
                name: "城关镇".into(),
            },
            subject: None,
            period: "2026".into(),
            kind: PacketKind::SelfAssessment,
        };
        Assessment::draft("a0".into(), t.id(), t.version(), facts, String::new())
    }

    #[test]
    fn the_overall_note_is_signed_as_the_packets_note_and_older_drafts_load_without_one() {
        let t = Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
        let mut a = assessment_of(&t);
        let now = "2026-12-01T08:00:00Z".to_owned();
        let keys = [signer("principal", 1), signer("supervisory", 2)];
        let make = |a: &Assessment| {
            let signers = keys.iter().map(|(s, _)| s.clone()).collect();
            let id = "8b0c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e61".into();
            make_packet(&t, a, id, now.clone(), signers).unwrap()
        };
        a.note = "  ".into();
        assert_eq!(make(&a).payload().note, None, "a blank note is none");

        a.note = " 本年度整改工作已全部完成。\n".into();
        let mut packet = make(&a);
        for (_, key) in &keys {
            packet.sign(key).unwrap();
        }
        assert_eq!(
            packet.payload().note.as_deref(),
            Some("本年度整改工作已全部完成。")
        );
        let read = Packet::parse(packet::to_file_text(&packet).as_bytes()).unwrap();
        read.verify(Some(&t))
            .expect("the note is signed with the rest");

        // A draft kept before there was a note still loads.
        let mut kept = serde_json::to_value(assessment_of(&t)).unwrap();
        kept.as_object_mut().unwrap().remove("note");
        let text = kept.to_string();
        assert_eq!(crate::json::read::<Assessment>(&text).unwrap().note, "");
    }

    #[test]
    fn findings_go_into_the_inspection_and_the_answered_ones_into_the_rectification() {
        let t = Template::parse(bundled::find("jiancha-kaohe").unwrap().json()).unwrap();
        let now = "2026-12-01T08:00:00Z".to_owned();
        let mut inspection = Assessment {
            id: "a1".into(),
            kind: PacketKind::Inspection,
            created_at: now.clone(),
            updated_at: now.clone(),
            ..assessment_of(&t)
        };
        for (item, id) in [("1.1", "1"), ("1.2", "2")] {
            inspection.findings.push(Finding {
                id: next_finding_id(&inspection.findings),
                item: item.into(),
                problem: format!("问题{id}"),
                deadline: "2027-01-31".into(),
                responsible: "王五".into(),
            });
        }
        assert_eq!(inspection.findings[1].id, "2");
        assert_eq!(unfinished_findings(&inspection), 0);
        inspection.findings[1].deadline = "2027-02-30".into();
        assert_eq!(unfinished_findings(&inspection), 1);
        inspection.findings[1].deadline = "2027-01-31".into();
        let (s, key) = signer("inspector", 7);
        let mut packet = make_packet(
            &t,
            &inspection,
            "8b0c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e60".into(),
            now.clone(),
            vec![s],
        )
        .unwrap();
        packet.sign(&key).unwrap();
        assert_eq!(packet.payload().findings, inspection.findings);

        let text = packet::to_file_text(&packet);
        let mut answer = rectification_of(&packet, text, "a2".into(), now.clone());
        assert_eq!(answer.kind, PacketKind::Rectification);
        assert_eq!(answer.findings.len(), 2);
        let roles: Vec<String> = signer_places(&t, &answer, &BTreeMap::new())
            .into_iter()
            .map(|(r, _)| r.role)
            .collect();
        assert_eq!(roles, ["principal", "supervisory"], "the unit signs it");
        assert_eq!(
            inspection_id(&answer).as_deref(),
            Some(packet.payload().id.as_str())
        );
        answer.rectifications.insert(
            "2".into(),
            Rectification {
                finding: "2".into(),
                status: qingdan_core::findings::RectificationStatus::Done,
                action: "已整改".into(),
                completed_on: Some("2027-01-20".into()),
            },
        );
        assert_eq!(unfinished_answers(&answer), 0);
        let signers = vec![signer("principal", 1).0, signer("supervisory", 2).0];
        let rectification = make_packet(
            &t,
            &answer,
            "9b0c2b7e-5a4d-4c3b-9e2f-1a2b3c4d5e60".into(),
            now,
            signers,
        )
        .unwrap();
        let payload = rectification.payload();
        assert_eq!(
            payload.refers_to.as_deref(),
            Some(packet.payload().id.as_str())
        );
        assert_eq!(payload.rectifications.len(), 1);
        assert_eq!(payload.rectifications[0].finding, "2");
    }
}
