//! A stored packet as its score sheet, for the console's packet page
//! (`GET /packets/{id}/sheet`): the packet re-scored by the core against
//! the checklist it answers — as [`crate::Intake::submit`] re-scores every
//! packet it takes — with the checklist's words in Chinese and English,
//! each answer and reason in words, the findings, the signers by the
//! names their keys were enrolled under, and the receipt. Points stay
//! exact decimal strings (`"87.50"`).
//!
//! The console draws it as it is: it holds no checklist and no scoring of
//! its own, so its bundle stays small.

use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::{PacketKind, Subject, Unit};
use qingdan_core::period::Period;
use qingdan_core::responses::{DeadlineRef, Response};
use qingdan_core::score::ItemStatus;
use qingdan_core::template::Item;
use qingdan_core::trust::Enrollment;
use qingdan_core::{Answer, CheckState, Fixed, Lang, Packet, Responses, Rule, Template, Text};
use serde::Serialize;

use crate::intake::Intake;
use crate::store::StoreError;

/// Why a packet's sheet cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// No packet is stored under the id.
    #[error("no packet with id {0:?}")]
    NotFound(String),
    /// The store cannot be used now.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(#[from] StoreError),
    /// What the intake stored does not read (a failure of its own).
    #[error("packet {id}: {problem}")]
    Internal {
        /// The packet.
        id: String,
        /// What does not read.
        problem: String,
    },
}

/// Text in both languages (the English the Chinese when a checklist has
/// none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Words {
    fn of(text: &Text) -> Words {
        Words {
            zh: text.zh.clone(),
            en: text.get(Lang::En).to_owned(),
        }
    }

    fn by(say: impl Fn(Lang) -> String) -> Words {
        Words {
            zh: say(Lang::Zh),
            en: say(Lang::En),
        }
    }
}

/// A packet as its score sheet.
#[derive(Debug, Clone, Serialize)]
pub struct PacketSheet {
    /// The packet's id.
    pub id: String,
    /// Self-assessment, inspection or rectification.
    pub kind: PacketKind,
    /// The unit assessed.
    pub unit: Unit,
    /// The person assessed, on a checklist about a person.
    pub subject: Option<Subject>,
    /// The period.
    pub period: String,
    /// When it was made (as signed).
    pub created_at: String,
    /// When the intake received it (its receipt's time, RFC 3339 UTC).
    pub received_at: String,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// Their length.
    pub size: usize,
    /// The checklist.
    pub template: Checklist,
    /// The scores; none for a rectification, which answers no checklist.
    pub score: Option<Scores>,
    /// The problems an inspection found.
    pub findings: Vec<Finding>,
    /// A rectification's answers to them.
    pub rectifications: Vec<Rectification>,
    /// The inspection a rectification answers.
    pub refers_to: Option<String>,
    /// The note on the assessment as a whole.
    pub note: Option<String>,
    /// Who signed it.
    pub signers: Vec<SignerOf>,
    /// The files it carries, as it names them (each read at
    /// `GET /packets/{id}/attachments/{sha256}`).
    pub attachments: Vec<qingdan_core::attachments::Attachment>,
    /// The receipt the intake gave for these bytes.
    pub receipt: serde_json::Value,
}

/// Which checklist, and its title.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title.
    pub title: Words,
}

/// The re-scored sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// 总分.
    pub total: Fixed,
    /// 满分.
    pub max: Fixed,
    /// 得分率; none when nothing applicable was left.
    pub percentage: Option<Fixed>,
    /// The grade after vetoes.
    pub grade: Option<GradeOf>,
    /// Each section's figure, in order.
    pub sections: Vec<SectionOf>,
    /// Each item, in order.
    pub items: Vec<ItemOf>,
    /// The items whose veto was triggered.
    pub vetoes: Vec<String>,
    /// Required items, and of those answered.
    pub required: usize,
    /// Of the required items, those answered.
    pub answered: usize,
}

/// A grade reached.
#[derive(Debug, Clone, Serialize)]
pub struct GradeOf {
    /// The band id.
    pub id: String,
    /// Its name.
    pub label: Words,
}

/// A section's figure (`SectionScore::figure`: its score plus its bonus).
#[derive(Debug, Clone, Serialize)]
pub struct SectionOf {
    /// The section id.
    pub id: String,
    /// Its title.
    pub title: Words,
    /// Its figure.
    pub figure: Fixed,
    /// Its maximum.
    pub max: Fixed,
    /// A bonus section (加分项): its figure is outside the maximum.
    pub bonus: bool,
}

/// One item: what was answered, what it scored and why.
#[derive(Debug, Clone, Serialize)]
pub struct ItemOf {
    /// The item id.
    pub id: String,
    /// Its section's id.
    pub section: String,
    /// Its title.
    pub title: Words,
    /// What happened to it.
    pub status: ItemStatus,
    /// The answer in words; none when unanswered.
    pub answer: Option<Words>,
    /// The note given with it.
    pub note: Option<String>,
    /// Its weighted score.
    pub score: Fixed,
    /// Its weighted maximum.
    pub max: Fixed,
    /// Why it scored so (`ItemScore::reason_text`).
    pub reason: Words,
}

/// A signer, by the name signed and the name enrolled.
#[derive(Debug, Clone, Serialize)]
pub struct SignerOf {
    /// The role signed as.
    pub role: String,
    /// The name in the packet.
    pub name: String,
    /// The name the key was enrolled under here (for the unit, or every
    /// unit for an inspector), when it is enrolled.
    pub enrolled_name: Option<String>,
    /// The key's fingerprint.
    pub fingerprint: String,
    /// When the key was revoked, if it was.
    pub revoked_at: Option<String>,
}

impl Intake {
    /// The packet stored under `id` as its score sheet.
    pub async fn packet_sheet(&self, id: &str) -> Result<PacketSheet, SheetError> {
        let store = self.store();
        let internal = |problem: String| SheetError::Internal {
            id: id.to_owned(),
            problem,
        };
        let bytes = store
            .packet_bytes(id)
            .await?
            .ok_or_else(|| SheetError::NotFound(id.to_owned()))?;
        let sha256 = qingdan_core::canonical::sha256_hex_bytes(&bytes);
        let receipt = store
            .receipt_of(id, &sha256)
            .await?
            .ok_or_else(|| internal("it has no receipt".into()))?;
        let receipt: serde_json::Value =
            serde_json::from_str(&receipt).map_err(|e| internal(format!("its receipt: {e}")))?;
        let received_at = receipt["payload"]["received_at"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let packet = Packet::parse(&bytes).map_err(|e| internal(e.to_string()))?;
        let payload = packet.payload();
        let named = &payload.template;
        let template = self
            .template(&named.id, named.version)
            .await?
            .ok_or_else(|| internal(format!("{} v{} is not published", named.id, named.version)))?;
        let keys: Vec<&str> = payload
            .signers
            .iter()
            .map(|s| s.public_key.as_str())
            .collect();
        let enrollments = store
            .admission(&payload.unit.code, &keys)
            .await?
            .unwrap_or_default();
        let size = bytes.len();
        // Scoring a checklist of hundreds of items is CPU work: off the
        // async workers.
        let (packet, scores) = tokio::task::spawn_blocking(move || {
            let scores = rescore(&packet, &template);
            (packet, scores.map(|s| (s, template)))
        })
        .await
        .map_err(|e| internal(format!("its re-score failed: {e}")))?;
        let (score, template) = scores.map_err(internal)?;
        let payload = packet.payload();
        Ok(PacketSheet {
            id: payload.id.clone(),
            kind: payload.kind,
            unit: payload.unit.clone(),
            subject: payload.subject.clone(),
            period: payload.period.clone(),
            created_at: payload.created_at.clone(),
            received_at,
            sha256,
            size,
            template: Checklist {
                id: template.id().to_owned(),
                version: template.version(),
                title: Words::of(&template.doc().title),
            },
            score,
            findings: payload.findings.clone(),
            rectifications: payload.rectifications.clone(),
            refers_to: payload.refers_to.clone(),
            note: payload.note.clone(),
            signers: payload
                .signers
                .iter()
                .map(|s| signer_of(s, &payload.unit.code, &enrollments))
                .collect(),
            attachments: payload.attachments.clone(),
            receipt,
        })
    }
}

/// The packet's answers scored again by the core against `template` (none
/// for a rectification).
fn rescore(packet: &Packet, template: &Template) -> Result<Option<Scores>, String> {
    if !packet.payload().kind.answers_checklist() {
        return Ok(None);
    }
    let responses = Responses::from_value(template, packet.responses())
        .map_err(|e| format!("its responses: {e}"))?;
    let period = Period::parse(&packet.payload().period);
    let sheet = qingdan_core::score(template, &responses, period.as_ref());
    let sections = &template.doc().sections;
    let items = template
        .items()
        .zip(&sheet.items)
        .map(|((section, item), scored)| {
            let response = responses.get(&item.id);
            ItemOf {
                id: item.id.clone(),
                section: sections[section].id.clone(),
                title: Words::of(&item.title),
                status: scored.status,
                answer: response.and_then(|r| {
                    (r.na || r.answer.is_some())
                        .then(|| Words::by(|lang| answer_text(item, r, lang)))
                }),
                note: response.and_then(|r| r.note.clone()),
                score: scored.score,
                max: scored.max,
                reason: Words::by(|lang| scored.reason_text(template, lang)),
            }
        })
        .collect();
    let sections = sheet
        .sections
        .iter()
        .zip(sections)
        .map(|(scored, section)| {
            let figure = scored.figure(template);
            SectionOf {
                id: scored.id.clone(),
                title: Words::of(&section.title),
                figure: figure.value,
                max: figure.max,
                bonus: figure.bonus,
            }
        })
        .collect();
    Ok(Some(Scores {
        total: sheet.total,
        max: sheet.max,
        percentage: sheet.percentage,
        grade: sheet.grade.as_ref().map(|g| GradeOf {
            id: g.id.clone(),
            label: Words::by(|lang| sheet.grade_label(template, lang).unwrap_or_default()),
        }),
        sections,
        items,
        vetoes: sheet.vetoes.iter().map(|v| v.item.clone()).collect(),
        required: sheet.completeness.required,
        answered: sheet.completeness.answered,
    }))
}

/// A signer with the name their key is enrolled under for `unit` (or for
/// every unit), in the role they signed as when there is such an
/// enrollment.
fn signer_of(
    signer: &qingdan_core::packet::Signer,
    unit: &str,
    enrollments: &[Enrollment],
) -> SignerOf {
    let of_key = || {
        enrollments
            .iter()
            .filter(|e| e.public_key == signer.public_key)
            .filter(|e| e.unit == unit || e.unit == qingdan_core::trust::ALL_UNITS)
    };
    let enrollment = of_key()
        .find(|e| e.role == signer.role)
        .or_else(|| of_key().next());
    SignerOf {
        role: signer.role.clone(),
        name: signer.name.clone(),
        enrolled_name: enrollment.map(|e| e.name.clone()),
        fingerprint: qingdan_core::keys::decode_public_key(&signer.public_key)
            .map(|k| qingdan_core::keys::fingerprint(&k))
            .unwrap_or_default(),
        revoked_at: enrollment.and_then(|e| e.revoked_at.clone()),
    }
}

/// An answer in words, in `lang`, with the checklist's labels and units.
pub fn answer_text(item: &Item, response: &Response, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let say = |zh_text: &str, en_text: &str| if zh { zh_text } else { en_text }.to_owned();
    if response.na {
        return say("不适用", "N/A");
    }
    let Some(answer) = &response.answer else {
        return String::new();
    };
    let unit = match &item.rule {
        Rule::Count { unit, .. }
        | Rule::Deduction { unit, .. }
        | Rule::Bonus { unit, .. }
        | Rule::Number { unit } => unit.as_ref().map(|u| u.get(lang).to_owned()),
        _ => None,
    };
    let with_unit = |value: String| match &unit {
        Some(u) if !u.is_empty() => format!("{value} {u}"),
        _ => value,
    };
    match answer {
        Answer::Check(CheckState::Done) => say("已完成", "Done"),
        Answer::Check(CheckState::Partial) => say("部分完成", "Partly done"),
        Answer::Check(CheckState::NotDone) => say("未完成", "Not done"),
        Answer::Count(n) => with_unit(n.to_string()),
        Answer::Number(n) => with_unit(n.to_string()),
        Answer::Scale(v) => v.to_string(),
        Answer::Veto(true) => say("存在（否决）", "Yes (veto)"),
        Answer::Veto(false) => say("不存在", "No"),
        Answer::Text(text) => text.clone(),
        Answer::Date(day) => day.to_string(),
        Answer::Choice(id) => match &item.rule {
            Rule::Choice { options } => options
                .iter()
                .find(|o| &o.id == id)
                .map_or_else(|| id.clone(), |o| o.label.get(lang).to_owned()),
            _ => id.clone(),
        },
        Answer::Deadline(d) => {
            let colon = if zh { "：" } else { ": " };
            let mut parts = Vec::new();
            match d.reference {
                DeadlineRef::Due(day) => {
                    parts.push(format!("{}{colon}{day}", say("截止日期", "Due date")))
                }
                DeadlineRef::From(day) => {
                    parts.push(format!("{}{colon}{day}", say("起算日期", "Counted from")))
                }
                DeadlineRef::Fixed => {}
            }
            match d.done {
                Some(day) => parts.push(format!("{}{colon}{day}", say("完成日期", "Done on"))),
                None => parts.push(say("未完成", "Not done")),
            }
            parts.join(if zh { "；" } else { "; " })
        }
    }
}
