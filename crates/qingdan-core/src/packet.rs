//! Signed packets (签字背书): a payload naming a unit, a period, a template
//! and its responses and score sheet, signed with Ed25519 by the people the
//! template requires.
//!
//! ```json
//! { "payload": { "format": "qingdan.packet/1", "id": "…", "kind": "self-assessment", … },
//!   "signatures": [ { "public_key": "<base64url>", "signature": "<base64url>" } ] }
//! ```
//!
//! The signed message is the RFC 8785 canonical form of `payload`, so a
//! packet can be checked with any JCS tool and `openssl pkeyutl -verify
//! -rawin`. After signing, no byte of the payload can change without a
//! signature failing. Nothing here reads a clock or makes a random number:
//! the caller passes the packet id and the time in.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::attachments::{self, Attachment};
use crate::findings::{self, Finding, Rectification};
use crate::json::{self, Segment};
use crate::keys::{self, KeyError};
use crate::period::Period;
use crate::score::ScoreSheet;
use crate::sheet::{self, SheetError};
use crate::{Responses, Template, canonical, score, trust};

/// The `format` of a packet payload.
pub const PACKET_FORMAT: &str = "qingdan.packet/1";

/// The most signers (and signatures) a packet may carry: more than any
/// checklist's roles call for (an inspection team signs with a handful),
/// few enough that checking a packet is bounded work.
pub const MAX_SIGNERS: usize = 16;

/// Role names the product uses for signers.
pub mod roles {
    /// The holder of the principal responsibility (党委（党组）书记).
    pub const PRINCIPAL: &str = "principal";
    /// The holder of the supervisory responsibility (纪委书记、纪检组长).
    pub const SUPERVISORY: &str = "supervisory";
    /// A member of an inspection team (考核组成员).
    pub const INSPECTOR: &str = "inspector";
}

/// What a packet reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PacketKind {
    /// A unit's 自查自评.
    SelfAssessment,
    /// An inspectors' 检查考核, with the problems found.
    Inspection,
    /// A unit's answer to an inspection's findings (整改反馈).
    Rectification,
}

impl PacketKind {
    /// The kind as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PacketKind::SelfAssessment => "self-assessment",
            PacketKind::Inspection => "inspection",
            PacketKind::Rectification => "rectification",
        }
    }

    /// Whether packets of this kind answer a checklist (responses and a
    /// score sheet). A rectification answers findings instead.
    pub fn answers_checklist(self) -> bool {
        !matches!(self, PacketKind::Rectification)
    }
}

/// The unit assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The unit's code, as registered at the intake.
    pub code: String,
    /// Its name, e.g. 某某镇党委.
    pub name: String,
}

/// The person a packet assesses, on a checklist about a person (一岗双责,
/// 第一责任人): one 班子成员 of the unit, who signs their own
/// self-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Their name, as their key is enrolled.
    pub name: String,
    /// Their post, e.g. 党委副书记.
    pub post: String,
}

/// The template a packet answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    /// Template id.
    pub id: String,
    /// Template version.
    pub version: u32,
    /// Hex SHA-256 of the template's canonical JSON.
    pub sha256: String,
}

/// A person who signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// The role, as the template names it (`principal`, `supervisory`, `inspector` …).
    pub role: String,
    /// The person's name.
    pub name: String,
    /// Their Ed25519 public key, base64url without padding.
    pub public_key: String,
}

/// The signed content of a packet, but for `responses` and `score`, which
/// stay JSON ([`Packet::responses`], [`Packet::score`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// Always [`PACKET_FORMAT`].
    pub format: String,
    /// A UUID, lower-case with hyphens.
    pub id: String,
    /// Self-assessment or inspection.
    pub kind: PacketKind,
    /// When the packet was made: RFC 3339 in UTC (`2026-11-23T08:30:00Z`).
    pub created_at: String,
    /// The unit assessed.
    pub unit: Unit,
    /// The person of the unit assessed, when the checklist is about a
    /// person; absent when it is about the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// `2026`, `2026-H2`, `2026-Q3` or `2026-10`.
    pub period: String,
    /// The template answered.
    pub template: TemplateRef,
    /// The responses, as [`Responses`] writes them: required when the kind
    /// answers the checklist, and read with [`Packet::responses`] (kept as
    /// JSON, not copied here).
    #[serde(default, skip_serializing)]
    responses: Option<IgnoredAny>,
    /// The score sheet, exactly as [`crate::score`] computes it: required
    /// with the responses, and read with [`Packet::score`].
    #[serde(default, skip_serializing)]
    score: Option<IgnoredAny>,
    /// For an inspection: the problems found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// For a rectification: what was done about the inspection's findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rectifications: Vec<Rectification>,
    /// Who signs.
    pub signers: Vec<Signer>,
    /// The program that made the packet, e.g. `qingdan-cli 0.0.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    /// For an inspection, the id of the self-assessment packet it answers
    /// (optional); for a rectification, the id of the inspection packet
    /// whose findings it answers (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<String>,
    /// A free note for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Files attached to items and findings, each named by its digest
    /// ([`crate::attachments`]); absent when there are none, so a packet
    /// without files is what it always was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// One signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    /// The signer's public key, base64url without padding.
    pub public_key: String,
    /// The Ed25519 signature of the canonical payload, base64url without padding.
    pub signature: String,
}

/// A packet file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The signed content, kept exactly as read.
    pub payload: Value,
    /// The signatures.
    pub signatures: Vec<SignatureEntry>,
}

/// A packet whose shape is known good: the format, the fields and their
/// forms. Signatures and the score are checked by [`Packet::verify`].
#[derive(Debug, Clone)]
pub struct Packet {
    envelope: Envelope,
    payload: Payload,
    /// The score sheet, read once (the kinds that answer the checklist);
    /// a sheet that cannot be read is refused by [`Packet::verify`], after
    /// the signatures, so a tampered packet is told so first.
    sheet: Result<Option<ScoreSheet>, PacketError>,
    canonical: Vec<u8>,
}

/// What a packet needs besides its template and responses.
#[derive(Debug, Clone)]
pub struct PacketMeta {
    /// A fresh UUID (the caller makes it).
    pub id: String,
    /// Self-assessment or inspection.
    pub kind: PacketKind,
    /// The time now, RFC 3339 UTC (the caller reads the clock).
    pub created_at: String,
    /// The unit.
    pub unit: Unit,
    /// The person assessed, on a checklist about a person.
    pub subject: Option<Subject>,
    /// The period.
    pub period: String,
    /// Who will sign.
    pub signers: Vec<Signer>,
    /// The program making it.
    pub generator: Option<String>,
    /// For an inspection, the self-assessment it answers.
    pub refers_to: Option<String>,
    /// For an inspection, the problems found.
    pub findings: Vec<Finding>,
    /// The files attached, each named by its digest.
    pub attachments: Vec<Attachment>,
}

/// What a rectification packet needs besides the inspection it answers.
#[derive(Debug, Clone)]
pub struct RectificationMeta {
    /// A fresh UUID (the caller makes it).
    pub id: String,
    /// The time now, RFC 3339 UTC (the caller reads the clock).
    pub created_at: String,
    /// Who will sign: the unit's `principal` and `supervisory`.
    pub signers: Vec<Signer>,
    /// The program making it.
    pub generator: Option<String>,
}

/// Why a packet is not valid: each says which signer, field or check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// The bytes are not UTF-8.
    #[error("not UTF-8 text: invalid byte at offset {0}")]
    NotUtf8(usize),
    /// Not JSON, a duplicate key, or nested too deeply.
    #[error("{at}: {message}")]
    Json {
        /// Where.
        at: String,
        /// What.
        message: String,
    },
    /// A field missing, of the wrong type, or unknown.
    #[error("{at}: {message}")]
    Shape {
        /// The JSON path.
        at: String,
        /// What.
        message: String,
    },
    /// The score sheet is of a format this version does not read: from a
    /// newer app, most likely.
    #[error(
        "{at}: {found} is not a score sheet format this intake reads (qingdan.score/2, qingdan.score/1); a newer app made it"
    )]
    ScoreFormat {
        /// The JSON path of the sheet's `format`.
        at: String,
        /// What it says.
        found: String,
    },
    /// `payload.format` is not `qingdan.packet/1`.
    #[error("payload.format: unknown format {0:?}, expected \"qingdan.packet/1\"")]
    UnknownFormat(String),
    /// A number with a fraction or exponent somewhere in the payload.
    #[error("{0}: a binary floating-point number; packets carry exact decimals as strings")]
    Float(String),
    /// More signers or signatures than [`MAX_SIGNERS`].
    #[error("{at}: {count} entries; a packet carries at most {MAX_SIGNERS} signers and signatures")]
    TooManySigners {
        /// `payload.signers` or `signatures`.
        at: &'static str,
        /// How many there are.
        count: usize,
    },
    /// A field whose form is wrong (id, time, period, digest).
    #[error("{at}: {message}")]
    Field {
        /// The JSON path.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// A signer's public key that cannot be used.
    #[error("payload.signers[{index}] ({role} {name}): public key: {problem}")]
    SignerKey {
        /// Position in `signers`.
        index: usize,
        /// The signer's role.
        role: String,
        /// The signer's name.
        name: String,
        /// Why.
        problem: KeyError,
    },
    /// The same key listed for two signers.
    #[error(
        "payload.signers[{index}] ({role} {name}): this public key is already listed for {first}"
    )]
    DuplicateSigner {
        /// Position of the second listing.
        index: usize,
        /// Its role.
        role: String,
        /// Its name.
        name: String,
        /// Who else has it.
        first: String,
    },
    /// A signature entry that cannot be decoded.
    #[error("signatures[{index}]: {field}: {problem}")]
    SignatureEncoding {
        /// Position in `signatures`.
        index: usize,
        /// `public_key` or `signature`.
        field: &'static str,
        /// Why.
        problem: KeyError,
    },
    /// A signature by a key no signer has.
    #[error("signatures[{index}]: signed by key {key}, which is not a listed signer")]
    UnlistedSignature {
        /// Position in `signatures`.
        index: usize,
        /// The key (base64url).
        key: String,
    },
    /// Two signatures by one signer.
    #[error("signatures[{index}]: a second signature by {role} {name}")]
    DuplicateSignature {
        /// Position of the second signature.
        index: usize,
        /// Role of the signer.
        role: String,
        /// Name of the signer.
        name: String,
    },
    /// A signature that does not verify over the canonical payload.
    #[error(
        "the signature of {role} {name} does not verify: the payload changed after signing, or it was signed over something else"
    )]
    BadSignature {
        /// Role of the signer.
        role: String,
        /// Name of the signer.
        name: String,
    },
    /// A listed signer who has not signed.
    #[error("{role} {name} has not signed")]
    MissingSignature {
        /// Role of the signer.
        role: String,
        /// Name of the signer.
        name: String,
    },
    /// The signers do not have the roles the template requires.
    #[error("signers: {0}")]
    Roles(String),
    /// The checklist does not take packets of this kind.
    #[error("payload.kind: {template} does not take a {kind} (it takes {serves})")]
    KindNotServed {
        /// The packet's kind.
        kind: &'static str,
        /// The checklist, `id vN`.
        template: String,
        /// The kinds it takes.
        serves: String,
    },
    /// A signer whose role never signs this kind, whatever the checklist
    /// says: a unit's own people never sign its inspection, inspectors
    /// never sign a unit's own packets.
    #[error("payload.signers[{index}] ({role} {name}): {}", role_for_kind(*.kind))]
    RoleForKind {
        /// Position in `signers`.
        index: usize,
        /// The role.
        role: String,
        /// The name.
        name: String,
        /// The packet's kind.
        kind: PacketKind,
    },
    /// A signer's key was revoked before the packet arrived.
    #[error("{who}: this key was revoked at {revoked_at}; it signs nothing received after that")]
    KeyRevoked {
        /// The signer.
        who: Box<crate::trust::Who>,
        /// When it was revoked.
        revoked_at: String,
    },
    /// A signer's key is not enrolled for the unit in the role signed as.
    #[error("{who}: this key is not enrolled for unit {unit:?} as {:?}", .who.role)]
    KeyNotEnrolled {
        /// The signer.
        who: Box<crate::trust::Who>,
        /// The packet's unit.
        unit: String,
    },
    /// A key enrolled for every unit (an inspector's) signing a unit's own
    /// packet.
    #[error(
        "{who}: this key is enrolled for every unit (*), and only keys enrolled for the unit itself sign its own packets"
    )]
    AllUnitsKey {
        /// The signer.
        who: Box<crate::trust::Who>,
    },
    /// A key of the inspected unit signing its inspection.
    #[error(
        "{who}: this key is enrolled for the inspected unit {unit:?} as {role_there:?}; nobody of the unit signs its inspection"
    )]
    InspectedUnitKey {
        /// The signer.
        who: Box<crate::trust::Who>,
        /// The inspected unit.
        unit: String,
        /// The role the key has there.
        role_there: String,
    },
    /// The name on a signature is not the name the key was enrolled under.
    #[error("{who}: this key is enrolled under the name {enrolled:?}, not {:?}", .who.name)]
    SignerName {
        /// The signer.
        who: Box<crate::trust::Who>,
        /// The enrolled name.
        enrolled: String,
    },
    /// A packet dated later than it arrived (beyond a day's leeway).
    #[error(
        "payload.created_at: {created_at} is more than a day after the packet arrived ({received_at})"
    )]
    CreatedInFuture {
        /// What the packet says.
        created_at: String,
        /// When it arrived.
        received_at: String,
    },
    /// A finding put right on a day that had not come when the packet arrived.
    #[error(
        "payload.rectifications[{index}].completed_on: {completed_on} is after the day the packet arrived ({received_on})"
    )]
    CompletedInFuture {
        /// Position in `rectifications`.
        index: usize,
        /// The date given.
        completed_on: String,
        /// The latest day anywhere when it arrived.
        received_on: String,
    },
    /// A rectification naming an inspection that is not at hand.
    #[error(
        "payload.refers_to: no inspection packet {0} is stored at this intake; send the inspection first"
    )]
    UnknownInspection(String),
    /// A rectification of another unit, period or checklist than the
    /// inspection it names.
    #[error(
        "payload.{at}: this rectification says {ours}, the inspection {inspection} it answers says {theirs}"
    )]
    OtherInspection {
        /// The field that differs.
        at: String,
        /// The rectification's value.
        ours: String,
        /// The inspection's value.
        theirs: String,
        /// The inspection's id.
        inspection: String,
    },
    /// A rectification answering a finding the inspection does not have.
    #[error(
        "payload.rectifications[{index}].finding: the inspection {inspection} has no finding {finding:?}"
    )]
    UnknownFinding {
        /// Position in `rectifications`.
        index: usize,
        /// The finding named.
        finding: String,
        /// The inspection's id.
        inspection: String,
    },
    /// The packet names another template than the one given.
    #[error("payload.template: the packet answers {packet}, the template given is {given}")]
    OtherTemplate {
        /// id and version in the packet.
        packet: String,
        /// id and version of the template given.
        given: String,
    },
    /// The template digest differs.
    #[error(
        "payload.template.sha256: the packet names {packet}, the template's digest is {actual}"
    )]
    TemplateDigest {
        /// Digest in the packet.
        packet: String,
        /// Digest of the template given.
        actual: String,
    },
    /// The responses do not fit the template.
    #[error("payload.responses: {0}")]
    Responses(crate::responses::ResponseErrors),
    /// Items whose answer the checklist wants explained, without a note.
    #[error(
        "payload.responses: {} a note (说明) that explains the lost points, the veto or 不适用 before signing",
        item_list(.0)
    )]
    Unexplained(Vec<String>),
    /// A checklist about a person, and a packet that names none.
    #[error("payload.subject: {0} assesses a person: the packet names them (name and post)")]
    SubjectMissing(String),
    /// A checklist about the unit, and a packet that names a person.
    #[error("payload.subject: {0} assesses the unit, not a person")]
    SubjectOnUnitList(String),
    /// The person assessed did not sign their own self-assessment.
    #[error(
        "payload.signers: {name:?}, the person assessed, signs their own {kind} and is not among the signers"
    )]
    SubjectNotSigner {
        /// The subject's name.
        name: String,
        /// The kind of packet.
        kind: &'static str,
    },
    /// The score sheet is not what scoring the responses gives.
    #[error(
        "payload.score{at}: the packet says {packet}, scoring the responses gives {recomputed}"
    )]
    ScoreMismatch {
        /// The first path where they differ.
        at: String,
        /// The value in the packet.
        packet: String,
        /// The value recomputed.
        recomputed: String,
    },
}

/// `items 1.1, 2.3 need` or `item 1.1 needs`.
fn item_list(items: &[String]) -> String {
    match items {
        [one] => format!("item {one} needs"),
        _ => format!("items {} need", items.join(", ")),
    }
}

/// Why a role does not sign `kind`.
fn role_for_kind(kind: PacketKind) -> String {
    if kind == PacketKind::Inspection {
        "an inspection is signed by inspectors only; nobody of the inspected unit signs it".into()
    } else {
        format!(
            "a {} is the unit's own word, signed by its principal and supervisory, never by an inspector",
            kind.as_str()
        )
    }
}

/// What a valid packet says, for a summary.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The payload.
    pub payload: Payload,
    /// The headline figures of its score sheet.
    pub summary: ScoreSummary,
    /// True when the template was at hand and the score was recomputed.
    pub rescored: bool,
}

impl Packet {
    /// Reads a packet file: UTF-8, strict JSON, the envelope and payload
    /// shape, no floats, known format, well-formed fields.
    pub fn parse(bytes: &[u8]) -> Result<Packet, PacketError> {
        let text = std::str::from_utf8(bytes).map_err(|e| PacketError::NotUtf8(e.valid_up_to()))?;
        let value = json::parse_strict(text).map_err(|e| PacketError::Json {
            at: e.at,
            message: e.message,
        })?;
        Packet::from_value(value)
    }

    /// Checks a packet already read as JSON.
    pub fn from_value(value: Value) -> Result<Packet, PacketError> {
        let envelope = envelope(value)?;
        let count = envelope.signatures.len();
        if count > MAX_SIGNERS {
            return Err(PacketError::TooManySigners {
                at: "signatures",
                count,
            });
        }
        let signers = envelope.payload.get("signers").and_then(Value::as_array);
        if let Some(count) = signers.map(Vec::len).filter(|n| *n > MAX_SIGNERS) {
            return Err(PacketError::TooManySigners {
                at: "payload.signers",
                count,
            });
        }
        let payload_path = [Segment::Key("payload".into())];
        if let Some(at) = find_float(&envelope.payload, &mut payload_path.to_vec()) {
            return Err(PacketError::Float(at));
        }
        if let Some(format) = envelope.payload.get("format").and_then(Value::as_str)
            && format != PACKET_FORMAT
        {
            return Err(PacketError::UnknownFormat(format.to_owned()));
        }
        let payload: Payload = deserialize_at(&envelope.payload, &payload_path)?;
        check_fields(&payload)?;
        let sheet = match envelope.payload.get("score") {
            Some(value) if payload.kind.answers_checklist() => {
                let mut at = payload_path.to_vec();
                at.push(Segment::Key("score".into()));
                sheet::read_sheet_at(value, &at)
                    .map(Some)
                    .map_err(|e| match e {
                        SheetError::UnknownFormat { at, found } => {
                            PacketError::ScoreFormat { at, found }
                        }
                        SheetError::Shape { at, message } => PacketError::Shape { at, message },
                    })
            }
            _ => Ok(None),
        };
        let canonical = canonical::to_bytes(&envelope.payload);
        Ok(Packet {
            envelope,
            payload,
            sheet,
            canonical,
        })
    }

    /// The payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The signatures.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.envelope.signatures
    }

    /// The exact bytes that are signed: the canonical payload.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.canonical
    }

    /// What makes two files the same packet: the SHA-256 (hex) of its
    /// canonical payload and its signatures in a fixed order. A copy of a
    /// packet with other white space, key order or signature order has the
    /// same content digest; any change to what was signed, or to who
    /// signed, does not.
    pub fn content_digest(&self) -> String {
        let mut signatures: Vec<&SignatureEntry> = self.envelope.signatures.iter().collect();
        signatures
            .sort_by(|a, b| (&a.public_key, &a.signature).cmp(&(&b.public_key, &b.signature)));
        let mut content = self.canonical.clone();
        for s in signatures {
            content.push(b'\n');
            content.extend_from_slice(s.public_key.as_bytes());
            content.push(b' ');
            content.extend_from_slice(s.signature.as_bytes());
        }
        canonical::sha256_hex_bytes(&content)
    }

    /// The packet as JSON (the payload as read, the signatures).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(&self.envelope).unwrap_or_default()
    }

    /// Adds (or replaces) the signature of the listed signer whose key this
    /// is. Refuses a key that is not listed.
    pub fn sign(&mut self, key: &SigningKey) -> Result<&Signer, SignError> {
        let public = keys::encode_public_key(&key.verifying_key());
        let Some(signer) = self.payload.signers.iter().find(|s| s.public_key == public) else {
            return Err(SignError::NotASigner(public));
        };
        let signature = keys::encode(&key.sign(&self.canonical).to_bytes());
        self.envelope.signatures.retain(|s| s.public_key != public);
        self.envelope.signatures.push(SignatureEntry {
            public_key: public,
            signature,
        });
        Ok(signer)
    }

    /// Checks every signature, and the roles the packet's kind takes; with
    /// the template at hand, also that it serves the kind, its digest and
    /// the score. The first problem found is returned.
    pub fn verify(&self, template: Option<&Template>) -> Result<Verified, PacketError> {
        let signers = self.signer_keys()?;
        let mut signed = vec![false; signers.len()];
        for (index, entry) in self.envelope.signatures.iter().enumerate() {
            let key = keys::decode_public_key_bytes(&entry.public_key).map_err(|problem| {
                PacketError::SignatureEncoding {
                    index,
                    field: "public_key",
                    problem,
                }
            })?;
            let signature = keys::decode_signature(&entry.signature).map_err(|problem| {
                PacketError::SignatureEncoding {
                    index,
                    field: "signature",
                    problem,
                }
            })?;
            let Some(who) = signers.iter().position(|k| k.as_bytes() == &key) else {
                return Err(PacketError::UnlistedSignature {
                    index,
                    key: entry.public_key.clone(),
                });
            };
            let signer = &self.payload.signers[who];
            if signed[who] {
                return Err(PacketError::DuplicateSignature {
                    index,
                    role: signer.role.clone(),
                    name: signer.name.clone(),
                });
            }
            signers[who]
                .verify_strict(&self.canonical, &signature)
                .map_err(|_| PacketError::BadSignature {
                    role: signer.role.clone(),
                    name: signer.name.clone(),
                })?;
            signed[who] = true;
        }
        if let Some(who) = signed.iter().position(|s| !s) {
            let signer = &self.payload.signers[who];
            return Err(PacketError::MissingSignature {
                role: signer.role.clone(),
                name: signer.name.clone(),
            });
        }
        if let Err(unreadable) = &self.sheet {
            return Err(unreadable.clone());
        }
        self.check_roles(template)?;
        if let Some(template) = template {
            self.check_against(template)?;
        }
        Ok(Verified {
            payload: self.payload.clone(),
            summary: self.score_summary(template),
            rescored: template.is_some(),
        })
    }

    /// Checks what only the intake knows: the signers' enrollments, names
    /// and revocations, the dates against the packet's arrival, and for a
    /// rectification the inspection it answers ([`trust::admit`]). Call it
    /// on a packet that verifies.
    pub fn admit(&self, admission: &trust::Admission<'_>) -> Result<(), PacketError> {
        trust::admit(&self.payload, admission)
    }

    fn signer_keys(&self) -> Result<Vec<VerifyingKey>, PacketError> {
        let mut seen: Vec<VerifyingKey> = Vec::new();
        for (index, signer) in self.payload.signers.iter().enumerate() {
            let key = keys::decode_public_key(&signer.public_key).map_err(|problem| {
                PacketError::SignerKey {
                    index,
                    role: signer.role.clone(),
                    name: signer.name.clone(),
                    problem,
                }
            })?;
            if let Some(first) = seen.iter().position(|k| *k == key) {
                let first = &self.payload.signers[first];
                return Err(PacketError::DuplicateSigner {
                    index,
                    role: signer.role.clone(),
                    name: signer.name.clone(),
                    first: format!("{} {}", first.role, first.name),
                });
            }
            seen.push(key);
        }
        Ok(seen)
    }

    /// The roles: none that never signs this kind (whatever the template
    /// says), and those the template takes for the kind, each as often as
    /// it says. Without the template, the kind's usual roles are required
    /// and a unit's packet may have others.
    fn check_roles(&self, template: Option<&Template>) -> Result<(), PacketError> {
        let kind = self.payload.kind;
        if let Some(t) = template
            && !t.serves(kind)
        {
            let serves: Vec<&str> = t.kinds().iter().map(|k| k.as_str()).collect();
            return Err(PacketError::KindNotServed {
                kind: kind.as_str(),
                template: format!("{} v{}", t.id(), t.version()),
                serves: serves.join(", "),
            });
        }
        for (index, signer) in self.payload.signers.iter().enumerate() {
            if !trust::role_signs(&signer.role, kind) {
                return Err(PacketError::RoleForKind {
                    index,
                    role: signer.role.clone(),
                    name: signer.name.clone(),
                    kind,
                });
            }
        }
        let required = match template {
            Some(t) => t.signer_roles(kind),
            None => trust::usual_roles(kind),
        };
        if template.is_some()
            && let Some(signer) = self
                .payload
                .signers
                .iter()
                .find(|s| !required.iter().any(|r| r.role == s.role))
        {
            let names: Vec<&str> = required.iter().map(|r| r.role.as_str()).collect();
            return Err(PacketError::Roles(format!(
                "{} {} has role {:?}, which a {} of this checklist does not take (roles: {})",
                signer.role,
                signer.name,
                signer.role,
                kind.as_str(),
                names.join(", ")
            )));
        }
        for required in &required {
            let role = &required.role;
            let count = self
                .payload
                .signers
                .iter()
                .filter(|s| s.role == *role)
                .count();
            match (count, required.multiple) {
                (0, _) => {
                    return Err(PacketError::Roles(format!(
                        "no signer has the role {role:?}, which is required"
                    )));
                }
                (1, _) | (_, true) => {}
                (n, false) => {
                    return Err(PacketError::Roles(format!(
                        "{n} signers have the role {role:?}; exactly one is required"
                    )));
                }
            }
        }
        Ok(())
    }

    /// A packet on a checklist about a person names them, and they sign the
    /// unit's own packets about them; one about the unit names nobody.
    fn check_subject(&self, template: &Template) -> Result<(), PacketError> {
        let named = || format!("{} v{}", template.id(), template.version());
        match (&self.payload.subject, template.about_a_person()) {
            (None, false) => Ok(()),
            (Some(_), false) => Err(PacketError::SubjectOnUnitList(named())),
            (None, true) => Err(PacketError::SubjectMissing(named())),
            (Some(subject), true) => {
                let kind = self.payload.kind;
                if kind != PacketKind::Inspection
                    && !self.payload.signers.iter().any(|s| s.name == subject.name)
                {
                    return Err(PacketError::SubjectNotSigner {
                        name: subject.name.clone(),
                        kind: kind.as_str(),
                    });
                }
                Ok(())
            }
        }
    }

    /// Every finding is on an item of the template.
    fn check_finding_items(&self, template: &Template) -> Result<(), PacketError> {
        match self
            .payload
            .findings
            .iter()
            .position(|f| template.item(&f.item).is_none())
        {
            None => Ok(()),
            Some(i) => Err(field(
                &format!("findings[{i}].item"),
                format!(
                    "{:?} is not an item of {} v{}",
                    self.payload.findings[i].item,
                    template.id(),
                    template.version()
                ),
            )),
        }
    }

    fn check_against(&self, template: &Template) -> Result<(), PacketError> {
        let named = &self.payload.template;
        if named.id != template.id() || named.version != template.version() {
            return Err(PacketError::OtherTemplate {
                packet: format!("{} v{}", named.id, named.version),
                given: format!("{} v{}", template.id(), template.version()),
            });
        }
        if named.sha256 != template.sha256() {
            return Err(PacketError::TemplateDigest {
                packet: named.sha256.clone(),
                actual: template.sha256().to_owned(),
            });
        }
        self.check_finding_items(template)?;
        if let Some((at, message)) =
            attachments::check_against(&self.payload.attachments, template, &self.payload.findings)
        {
            return Err(field(&format!("attachments{at}"), message));
        }
        self.check_subject(template)?;
        if !self.payload.kind.answers_checklist() {
            return Ok(());
        }
        let responses =
            Responses::from_value(template, self.responses()).map_err(PacketError::Responses)?;
        let period = Period::parse(&self.payload.period);
        let recomputed = score(template, &responses, period.as_ref());
        if !recomputed.completeness.unexplained.is_empty() {
            return Err(PacketError::Unexplained(
                recomputed.completeness.unexplained,
            ));
        }
        match self.sheet() {
            Some(signed) => match first_difference(signed, &recomputed) {
                Some((at, packet, recomputed)) => Err(PacketError::ScoreMismatch {
                    at,
                    packet,
                    recomputed,
                }),
                None => Ok(()),
            },
            None => Ok(()),
        }
    }
}

/// Why a key cannot sign a packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The key belongs to none of the listed signers.
    #[error("key {0} is not the key of any signer listed in this packet")]
    NotASigner(String),
}

/// Makes an unsigned packet: scores the responses, names the template by its
/// digest, and lists the signers.
pub fn new_packet(
    template: &Template,
    responses: &Responses,
    meta: PacketMeta,
) -> Result<Packet, PacketError> {
    let sheet = score(template, responses, Period::parse(&meta.period).as_ref());
    let payload = Payload {
        format: PACKET_FORMAT.to_owned(),
        id: meta.id,
        kind: meta.kind,
        created_at: meta.created_at,
        unit: meta.unit,
        subject: meta.subject,
        period: meta.period,
        template: TemplateRef {
            id: template.id().to_owned(),
            version: template.version(),
            sha256: template.sha256().to_owned(),
        },
        responses: None,
        score: None,
        findings: meta.findings,
        rectifications: Vec::new(),
        signers: meta.signers,
        generator: meta.generator,
        refers_to: meta.refers_to,
        note: None,
        attachments: meta.attachments,
    };
    let mut fields = serde_json::to_value(&payload).unwrap_or_default();
    if let Value::Object(map) = &mut fields {
        map.insert(
            "responses".into(),
            serde_json::to_value(responses).unwrap_or_default(),
        );
        map.insert(
            "score".into(),
            serde_json::to_value(&sheet).unwrap_or_default(),
        );
    }
    let value = serde_json::json!({ "payload": fields, "signatures": [] });
    let packet = Packet::from_value(value)?;
    packet.check_roles(Some(template))?;
    packet.check_finding_items(template)?;
    packet.check_subject(template)?;
    if packet.payload.kind.answers_checklist() && !sheet.completeness.unexplained.is_empty() {
        return Err(PacketError::Unexplained(sheet.completeness.unexplained));
    }
    Ok(packet)
}

/// Makes an unsigned rectification packet answering some or all of an
/// inspection's findings: same unit, period and checklist as the
/// inspection, which it refers to by id.
pub fn new_rectification(
    inspection: &Payload,
    meta: RectificationMeta,
    rectifications: Vec<Rectification>,
) -> Result<Packet, PacketError> {
    if inspection.kind != PacketKind::Inspection {
        return Err(field(
            "refers_to",
            format!(
                "packet {} is a {}, not an inspection",
                inspection.id,
                inspection.kind.as_str()
            ),
        ));
    }
    let payload = Payload {
        format: PACKET_FORMAT.to_owned(),
        id: meta.id,
        kind: PacketKind::Rectification,
        created_at: meta.created_at,
        unit: inspection.unit.clone(),
        subject: inspection.subject.clone(),
        period: inspection.period.clone(),
        template: inspection.template.clone(),
        responses: None,
        score: None,
        findings: Vec::new(),
        rectifications,
        signers: meta.signers,
        generator: meta.generator,
        refers_to: Some(inspection.id.clone()),
        note: None,
        attachments: Vec::new(),
    };
    trust::answers(&payload, inspection)?;
    let fields = serde_json::to_value(&payload).unwrap_or_default();
    let packet = Packet::from_value(serde_json::json!({ "payload": fields, "signatures": [] }))?;
    packet.check_roles(None)?;
    Ok(packet)
}

/// Deserializes `value`, naming the JSON path of a problem below `prefix`.
fn deserialize_at<'de, T>(value: &'de Value, prefix: &[Segment]) -> Result<T, PacketError>
where
    T: serde::Deserialize<'de>,
{
    json::deserialize_at(value, prefix).map_err(|m| PacketError::Shape {
        at: m.at,
        message: m.message,
    })
}

/// The envelope, taken apart without copying the payload: exactly
/// `payload` and `signatures`.
fn envelope(value: Value) -> Result<Envelope, PacketError> {
    let top = |message: String| PacketError::Shape {
        at: json::format_path(&[]),
        message,
    };
    let Value::Object(mut map) = value else {
        return Err(top(format!(
            "invalid type: {}, expected struct Envelope",
            kind_of(&value)
        )));
    };
    let payload = map
        .remove("payload")
        .ok_or_else(|| top("missing field `payload`".into()))?;
    let signatures = map
        .remove("signatures")
        .ok_or_else(|| top("missing field `signatures`".into()))?;
    if let Some(key) = map.keys().next() {
        return Err(top(format!(
            "unknown field `{key}`, expected `payload` or `signatures`"
        )));
    }
    let signatures = deserialize_at(&signatures, &[Segment::Key("signatures".into())])?;
    Ok(Envelope {
        payload,
        signatures,
    })
}

/// How serde names a JSON value's type in its messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

/// The path of the first number with a fraction or exponent (read as a
/// float), if any.
fn find_float(value: &Value, path: &mut Vec<Segment>) -> Option<String> {
    match value {
        Value::Number(n) if n.is_f64() => Some(json::format_path(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            path.push(Segment::Index(i));
            let found = find_float(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            path.push(Segment::Key(k.clone()));
            let found = find_float(v, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

/// A field of the payload whose form is wrong.
fn field(at: &str, message: String) -> PacketError {
    PacketError::Field {
        at: format!("payload.{at}"),
        message,
    }
}

fn check_fields(payload: &Payload) -> Result<(), PacketError> {
    if !is_uuid(&payload.id) {
        return Err(field(
            "id",
            format!(
                "{:?} is not a UUID (lower-case hex, 8-4-4-4-12)",
                payload.id
            ),
        ));
    }
    if !is_utc_time(&payload.created_at) {
        return Err(field(
            "created_at",
            format!(
                "{:?} is not an RFC 3339 time in UTC (…Z)",
                payload.created_at
            ),
        ));
    }
    if !is_period(&payload.period) {
        return Err(field(
            "period",
            format!(
                "{:?} is not a period such as 2026, 2026-H2, 2026-Q3 or 2026-10",
                payload.period
            ),
        ));
    }
    let digest = &payload.template.sha256;
    if digest.len() != 64
        || !digest
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(field(
            "template.sha256",
            "expected 64 lower-case hex digits".into(),
        ));
    }
    if payload.unit.code.trim().is_empty() {
        return Err(field("unit.code", "is empty".into()));
    }
    if let Some(subject) = &payload.subject {
        for (at, text) in [
            ("subject.name", &subject.name),
            ("subject.post", &subject.post),
        ] {
            if text.trim().is_empty() {
                return Err(field(at, "is empty".into()));
            }
        }
    }
    if payload.signers.is_empty() {
        return Err(field("signers", "at least one signer is required".into()));
    }
    if let Some((at, message)) = attachments::check_entries(&payload.attachments) {
        return Err(field(&format!("attachments{at}"), message));
    }
    check_kind_fields(payload)
}

/// The fields that depend on the kind: responses and a score sheet for the
/// kinds that answer the checklist, findings only in an inspection, and for
/// a rectification the inspection it answers and what was done.
fn check_kind_fields(payload: &Payload) -> Result<(), PacketError> {
    let kind = payload.kind.as_str();
    if payload.kind.answers_checklist() {
        for (name, present) in [
            ("responses", payload.responses.is_some()),
            ("score", payload.score.is_some()),
        ] {
            if !present {
                return Err(PacketError::Shape {
                    at: "payload".into(),
                    message: format!("missing field `{name}`"),
                });
            }
        }
    } else if payload.responses.is_some() || payload.score.is_some() {
        let name = if payload.responses.is_some() {
            "responses"
        } else {
            "score"
        };
        return Err(field(
            name,
            format!("a {kind} packet answers findings, not the checklist"),
        ));
    }
    if payload.kind != PacketKind::Inspection && !payload.findings.is_empty() {
        return Err(field(
            "findings",
            format!("only an inspection records findings, not a {kind}"),
        ));
    }
    if let Some((at, message)) = findings::check_findings(&payload.findings) {
        return Err(field(&format!("findings{at}"), message));
    }
    if payload.kind == PacketKind::Rectification {
        if !payload.refers_to.as_deref().is_some_and(is_uuid) {
            return Err(field(
                "refers_to",
                "a rectification names the id (a UUID) of the inspection packet it answers".into(),
            ));
        }
        if let Some((at, message)) = findings::check_rectifications(&payload.rectifications) {
            return Err(field(&format!("rectifications{at}"), message));
        }
    } else if !payload.rectifications.is_empty() {
        return Err(field(
            "rectifications",
            format!("only a rectification packet answers findings, not a {kind}"),
        ));
    }
    Ok(())
}

fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

fn is_utc_time(text: &str) -> bool {
    text.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// `YYYY`, `YYYY-H1`/`H2`, `YYYY-Q1`…`Q4` or `YYYY-01`…`12`.
pub fn is_period(text: &str) -> bool {
    crate::period::Period::parse(text).is_some()
}

impl Packet {
    /// The payload's responses, as JSON.
    pub fn responses(&self) -> &Value {
        &self.envelope.payload["responses"]
    }

    /// The payload's score sheet, read (`None` for a rectification).
    pub fn sheet(&self) -> Option<&ScoreSheet> {
        self.sheet.as_ref().ok().and_then(Option::as_ref)
    }

    /// The score sheet's headline figures (for summaries), with the
    /// grade's label from `template` when it is at hand (else its id).
    pub fn score_summary(&self, template: Option<&Template>) -> ScoreSummary {
        let Some(sheet) = self.sheet() else {
            return ScoreSummary {
                total: "—".into(),
                max: "—".into(),
                percentage: "—".into(),
                grade: "—".into(),
                required: 0,
                answered: 0,
                missing: Vec::new(),
                vetoes: 0,
            };
        };
        let grade = match (template, &sheet.grade) {
            (Some(t), _) => sheet.grade_label(t, crate::Lang::Zh),
            (None, grade) => grade.as_ref().map(|g| g.id.clone()),
        }
        .unwrap_or_else(|| "—".to_owned());
        ScoreSummary {
            total: sheet.total.to_string(),
            max: sheet.max.to_string(),
            percentage: sheet
                .percentage
                .map_or_else(|| "—".to_owned(), |p| p.to_string()),
            grade,
            required: sheet.completeness.required as u64,
            answered: sheet.completeness.answered as u64,
            missing: sheet.completeness.missing.clone(),
            vetoes: sheet.vetoes.len(),
        }
    }
}

/// The headline figures of a payload's score sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSummary {
    /// The total.
    pub total: String,
    /// The maximum.
    pub max: String,
    /// The percentage.
    pub percentage: String,
    /// The grade label (Chinese).
    pub grade: String,
    /// Required items.
    pub required: u64,
    /// Of those, answered.
    pub answered: u64,
    /// Required items unanswered.
    pub missing: Vec<String>,
    /// Vetoes triggered.
    pub vetoes: usize,
}

/// Serializes a packet for a file: pretty JSON with a final newline.
pub fn to_file_text(packet: &Packet) -> String {
    let mut text = serde_json::to_string_pretty(&packet.to_value()).unwrap_or_default();
    text.push('\n');
    text
}

/// The first place where a signed score sheet and the one scoring its
/// responses gives differ in meaning, as (path, signed, recomputed): every
/// item's status, score, maximum and weight, the sections, the totals, the
/// percentage, the grade, the vetoes and the completeness. Reasons are not
/// compared: they follow from the answers, and older sheets wrote them as
/// sentences whose wording may change.
fn first_difference(
    signed: &ScoreSheet,
    recomputed: &ScoreSheet,
) -> Option<(String, String, String)> {
    fn shown<T: Serialize>(value: &T) -> String {
        let text = serde_json::to_value(value)
            .map(|v| v.to_string())
            .unwrap_or_default();
        if text.chars().count() > 60 {
            text.chars().take(57).collect::<String>() + "..."
        } else {
            text
        }
    }
    fn differ<T: Serialize + PartialEq>(
        at: String,
        a: &T,
        b: &T,
    ) -> Option<(String, String, String)> {
        (a != b).then(|| (at, shown(a), shown(b)))
    }
    let (a, b) = (signed, recomputed);
    differ(".template".into(), &a.template, &b.template)
        .or_else(|| differ(".items.length".into(), &a.items.len(), &b.items.len()))
        .or_else(|| {
            a.items
                .iter()
                .zip(&b.items)
                .enumerate()
                .find_map(|(i, (x, y))| {
                    let at = |field: &str| format!(".items[{i}].{field}");
                    differ(at("id"), &x.id, &y.id)
                        .or_else(|| differ(at("status"), &x.status, &y.status))
                        .or_else(|| differ(at("score"), &x.score, &y.score))
                        .or_else(|| differ(at("max"), &x.max, &y.max))
                        .or_else(|| differ(at("weight"), &x.weight, &y.weight))
                })
        })
        .or_else(|| {
            differ(
                ".sections.length".into(),
                &a.sections.len(),
                &b.sections.len(),
            )
        })
        .or_else(|| {
            a.sections
                .iter()
                .zip(&b.sections)
                .enumerate()
                .find_map(|(i, (x, y))| differ(format!(".sections[{i}]"), x, y))
        })
        .or_else(|| differ(".base".into(), &a.base, &b.base))
        .or_else(|| differ(".bonus".into(), &a.bonus, &b.bonus))
        .or_else(|| differ(".total".into(), &a.total, &b.total))
        .or_else(|| differ(".max".into(), &a.max, &b.max))
        .or_else(|| differ(".percentage".into(), &a.percentage, &b.percentage))
        .or_else(|| differ(".grade".into(), &a.grade, &b.grade))
        .or_else(|| differ(".vetoes".into(), &a.vetoes, &b.vetoes))
        .or_else(|| differ(".completeness".into(), &a.completeness, &b.completeness))
}
