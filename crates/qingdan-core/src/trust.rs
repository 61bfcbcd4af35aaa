//! Who may sign what (签字背书), and what the intake knows that a packet
//! alone cannot show.
//!
//! Whatever a checklist says:
//! - a `self-assessment` and a `rectification` are the unit's own word,
//!   signed by its responsibility holders (principal and supervisory, and
//!   any other role the checklist adds) with keys enrolled for **that
//!   unit**; a key enrolled for every unit (`*`, an inspector's) never signs
//!   them;
//! - an `inspection` is signed by one or more `inspector`s, with keys
//!   enrolled as inspectors for the unit or for every unit; a key enrolled
//!   for the inspected unit in any other role never signs its inspection;
//! - a key revoked before the packet arrived signs nothing, and the name on
//!   a signature is the name the key was enrolled under;
//! - the order of packets is the order the intake received them, so no
//!   signer can date a packet later than its arrival (a day's leeway for
//!   clocks) or a rectification done after it;
//! - a rectification answers an inspection of the same unit, period and
//!   checklist, and only that inspection's findings.
//!
//! The roles are checked by [`crate::Packet::verify`] (with
//! [`Template::signer_roles`]); the rest by [`admit`], to which the intake
//! passes what it holds ([`Admission`]). Nothing here reads a store or a
//! clock.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::packet::{PacketError, PacketKind, Payload, roles};
use crate::template::{Responsibility, SignerRole, Template, Text};
use crate::{findings, keys};

/// The unit code of a key enrolled for every unit (an inspector's).
pub const ALL_UNITS: &str = "*";

/// How far after its arrival a packet may say it was made: clocks on
/// tablets are wrong, but not by more than a day.
pub const CLOCK_LEEWAY_HOURS: i64 = 24;

/// The kinds a checklist serves when it does not say: both, but for a
/// checklist of the inspection responsibility (检查考核评分表), which is
/// an inspectors' score sheet.
pub(crate) fn usual_kinds(responsibility: Responsibility) -> Vec<PacketKind> {
    match responsibility {
        Responsibility::Inspection => vec![PacketKind::Inspection],
        _ => vec![PacketKind::SelfAssessment, PacketKind::Inspection],
    }
}

/// Whether people of `role` sign inspections rather than a unit's own
/// packets.
pub fn signs_inspections(role: &str) -> bool {
    role == roles::INSPECTOR
}

/// Whether `role` signs packets of `kind`.
pub fn role_signs(role: &str, kind: PacketKind) -> bool {
    signs_inspections(role) == (kind == PacketKind::Inspection)
}

/// The usual signers of `kind`, for a checklist that lists none for it:
/// the principal and the supervisory for the unit's own packets, one or
/// more inspectors for an inspection.
pub fn usual_roles(kind: PacketKind) -> Vec<SignerRole> {
    let role = |role: &str, zh: &str, en: &str, multiple| SignerRole {
        role: role.to_owned(),
        title: Text {
            zh: zh.to_owned(),
            en: Some(en.to_owned()),
        },
        multiple,
    };
    match kind {
        PacketKind::Inspection => vec![role(roles::INSPECTOR, "考核组成员", "Inspector", true)],
        PacketKind::SelfAssessment | PacketKind::Rectification => vec![
            role(
                roles::PRINCIPAL,
                "党委（党组）书记",
                "Party secretary",
                false,
            ),
            role(
                roles::SUPERVISORY,
                "纪委书记（纪检组长）",
                "Discipline secretary",
                false,
            ),
        ],
    }
}

impl Template {
    /// The kinds of packet that answer this checklist (self-assessment,
    /// inspection), as it says or by default ([`crate::TemplateDoc::kinds`]).
    pub fn kinds(&self) -> Vec<PacketKind> {
        self.doc()
            .kinds
            .clone()
            .unwrap_or_else(|| usual_kinds(self.doc().responsibility))
    }

    /// Whether packets of `kind` may answer this checklist. A rectification
    /// answers an inspection's findings, so it goes with inspections.
    pub fn serves(&self, kind: PacketKind) -> bool {
        let kind = match kind {
            PacketKind::Rectification => PacketKind::Inspection,
            k => k,
        };
        self.kinds().contains(&kind)
    }

    /// The roles that sign a packet of `kind`: the checklist's entries for
    /// that kind (`inspector` entries for an inspection, the others for the
    /// unit's packets), or the usual ones when it lists none.
    pub fn signer_roles(&self, kind: PacketKind) -> Vec<SignerRole> {
        let listed: Vec<SignerRole> = self
            .doc()
            .signers
            .iter()
            .filter(|s| role_signs(&s.role, kind))
            .cloned()
            .collect();
        if listed.is_empty() {
            usual_roles(kind)
        } else {
            listed
        }
    }
}

/// One enrollment of a signer's key at the intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The unit it was enrolled for, or [`ALL_UNITS`].
    pub unit: String,
    /// The role it signs as there.
    pub role: String,
    /// The key, base64url.
    pub public_key: String,
    /// The name of the person it was enrolled for.
    pub name: String,
    /// When the key was revoked (RFC 3339 UTC), if it was. A revocation
    /// is of the key, so every enrollment of it carries it.
    pub revoked_at: Option<String>,
}

/// What the intake knows when a packet arrives.
#[derive(Debug, Clone, Copy)]
pub struct Admission<'a> {
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Every enrollment of the signers' keys for the packet's unit and for
    /// every unit ([`ALL_UNITS`]), revoked ones included.
    pub enrollments: &'a [Enrollment],
    /// For a rectification, the stored inspection its `refers_to` names
    /// (`None`: the intake holds no inspection with that id).
    pub inspection: Option<&'a Payload>,
}

/// Whether a packet that verifies may be accepted, given what the intake
/// knows (see the module's rules). Cheapest checks first: the dates, then
/// each signer's key in the order listed, then the inspection answered.
pub fn admit(payload: &Payload, admission: &Admission<'_>) -> Result<(), PacketError> {
    check_dates(payload, admission.received_at)?;
    for (index, signer) in payload.signers.iter().enumerate() {
        // `verify` refused these already; judged again so that `admit`
        // alone never lets a role sign what it must not.
        if !role_signs(&signer.role, payload.kind) {
            return Err(PacketError::RoleForKind {
                index,
                role: signer.role.clone(),
                name: signer.name.clone(),
                kind: payload.kind,
            });
        }
        let mine: Vec<&Enrollment> = admission
            .enrollments
            .iter()
            .filter(|e| e.public_key == signer.public_key)
            .collect();
        let who = || {
            Box::new(Who {
                index,
                role: signer.role.clone(),
                name: signer.name.clone(),
                fingerprint: fingerprint(&signer.public_key),
            })
        };
        if let Some(revoked_at) = mine.iter().find_map(|e| e.revoked_at.as_deref())
            && parse_time(revoked_at).is_none_or(|at| at <= admission.received_at)
        {
            return Err(PacketError::KeyRevoked {
                who: who(),
                revoked_at: revoked_at.to_owned(),
            });
        }
        let unit = payload.unit.code.as_str();
        let enrolled = if payload.kind == PacketKind::Inspection {
            if let Some(own) = mine
                .iter()
                .find(|e| e.unit == unit && e.role != signer.role)
            {
                return Err(PacketError::InspectedUnitKey {
                    who: who(),
                    unit: unit.to_owned(),
                    role_there: own.role.clone(),
                });
            }
            mine.iter()
                .filter(|e| e.role == signer.role)
                .find(|e| e.unit == unit)
                .or_else(|| {
                    mine.iter()
                        .find(|e| e.role == signer.role && e.unit == ALL_UNITS)
                })
        } else {
            let own = mine
                .iter()
                .find(|e| e.unit == unit && e.role == signer.role);
            if own.is_none()
                && mine
                    .iter()
                    .any(|e| e.unit == ALL_UNITS && e.role == signer.role)
            {
                return Err(PacketError::AllUnitsKey { who: who() });
            }
            own
        };
        let Some(enrolled) = enrolled else {
            return Err(PacketError::KeyNotEnrolled {
                who: who(),
                unit: unit.to_owned(),
            });
        };
        if enrolled.name != signer.name {
            return Err(PacketError::SignerName {
                who: who(),
                enrolled: enrolled.name.clone(),
            });
        }
    }
    if payload.kind == PacketKind::Rectification {
        let Some(inspection) = admission.inspection else {
            return Err(PacketError::UnknownInspection(
                payload.refers_to.clone().unwrap_or_default(),
            ));
        };
        answers(payload, inspection)?;
    }
    Ok(())
}

/// A signer, as an error names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// Position in `payload.signers`.
    pub index: usize,
    /// The role signed as.
    pub role: String,
    /// The name on the signature.
    pub name: String,
    /// The key's fingerprint.
    pub fingerprint: String,
}

impl std::fmt::Display for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "payload.signers[{}] ({} {}, key {})",
            self.index, self.role, self.name, self.fingerprint
        )
    }
}

fn fingerprint(public_key: &str) -> String {
    keys::decode_public_key(public_key)
        .map(|k| keys::fingerprint(&k))
        .unwrap_or_else(|_| public_key.to_owned())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The last day it is anywhere on earth at `at` (UTC+14): a completion date
/// after it has not happened yet, wherever the unit is.
pub fn latest_day(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(14)).date_naive()
}

/// No packet made after it arrived (beyond the clocks' leeway), and no
/// finding put right after that.
fn check_dates(payload: &Payload, received_at: DateTime<Utc>) -> Result<(), PacketError> {
    // `created_at` was checked to be RFC 3339 when the packet was read.
    if let Some(created) = parse_time(&payload.created_at)
        && created > received_at + Duration::hours(CLOCK_LEEWAY_HOURS)
    {
        return Err(PacketError::CreatedInFuture {
            created_at: payload.created_at.clone(),
            received_at: received_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
    }
    let last = latest_day(received_at);
    for (index, entry) in payload.rectifications.iter().enumerate() {
        if let Some(day) = entry.completed_on.as_deref().and_then(findings::parse_date)
            && day > last
        {
            return Err(PacketError::CompletedInFuture {
                index,
                completed_on: day.to_string(),
                received_on: last.to_string(),
            });
        }
    }
    Ok(())
}

/// A rectification answers `inspection`: an inspection of the same unit,
/// person assessed, period and checklist, and only findings it has.
pub fn answers(rectification: &Payload, inspection: &Payload) -> Result<(), PacketError> {
    let id = &inspection.id;
    if inspection.kind != PacketKind::Inspection
        || rectification.refers_to.as_deref() != Some(id.as_str())
    {
        return Err(PacketError::UnknownInspection(
            rectification.refers_to.clone().unwrap_or_default(),
        ));
    }
    let differs = |at: &str, ours: String, theirs: String| PacketError::OtherInspection {
        at: at.to_owned(),
        ours,
        theirs,
        inspection: id.clone(),
    };
    if rectification.unit.code != inspection.unit.code {
        return Err(differs(
            "unit.code",
            rectification.unit.code.clone(),
            inspection.unit.code.clone(),
        ));
    }
    if rectification.period != inspection.period {
        return Err(differs(
            "period",
            rectification.period.clone(),
            inspection.period.clone(),
        ));
    }
    if rectification.subject != inspection.subject {
        let name = |s: &Option<crate::packet::Subject>| {
            s.as_ref().map_or_else(
                || "no person".to_owned(),
                |s| format!("{} {}", s.post, s.name),
            )
        };
        return Err(differs(
            "subject",
            name(&rectification.subject),
            name(&inspection.subject),
        ));
    }
    if rectification.template != inspection.template {
        let name = |t: &crate::packet::TemplateRef| format!("{} v{}", t.id, t.version);
        return Err(differs(
            "template",
            name(&rectification.template),
            name(&inspection.template),
        ));
    }
    if let Some((index, entry)) = rectification
        .rectifications
        .iter()
        .enumerate()
        .find(|(_, r)| !inspection.findings.iter().any(|f| f.id == r.finding))
    {
        return Err(PacketError::UnknownFinding {
            index,
            finding: entry.finding.clone(),
            inspection: id.clone(),
        });
    }
    Ok(())
}
