//! [`Entry`], one accepted packet as the intake reads it back, and the choice
//! of each unit's latest packet, which every report starts from.

use std::collections::BTreeMap;

use qingdan_core::Template;
use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::{PacketKind, Subject};
use qingdan_core::score::ScoreSheet;

use crate::{Problem, ReportError, Summary};

/// One accepted packet, as the intake read it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The packet's id.
    pub packet_id: String,
    /// Self-assessment, inspection or rectification.
    pub kind: PacketKind,
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The person of the unit assessed, on a checklist about a person
    /// (一岗双责, 第一责任人): each person of a unit is a row of their own.
    pub subject: Option<Subject>,
    /// The checklist's id.
    pub template_id: String,
    /// Its version.
    pub template_version: u32,
    /// The period, e.g. `2026`.
    pub period: String,
    /// When the packet says it was made (RFC 3339 UTC). Shown, never used
    /// to order packets: the signer chose it.
    pub created_at: String,
    /// When the intake received it, RFC 3339 UTC as the intake writes it
    /// (every one in the same form, so a later string is a later time).
    pub received_at: String,
    /// The payload's score sheet, read by `qingdan_core::sheet::read_sheet`
    /// (`None` for a rectification).
    pub sheet: Option<ScoreSheet>,
    /// An inspection's findings.
    pub findings: Vec<Finding>,
    /// A rectification's answers to them.
    pub rectifications: Vec<Rectification>,
    /// The packet it answers (a rectification's inspection).
    pub refers_to: Option<String>,
    /// Who signed it (签字人), each by the name their key is enrolled
    /// under: the intake refuses a signature under any other name.
    pub signers: Vec<String>,
}

impl Entry {
    /// The order in which a unit's packets supersede each other: the order
    /// the intake received them (a time no signer chooses), then the packet
    /// id so the choice never depends on the order the entries came in.
    pub(crate) fn recency(&self) -> (&str, &str) {
        (&self.received_at, &self.packet_id)
    }
}

/// A unit's (a person's of a unit) latest packet of a kind in a period, as
/// the ranking, the indicators and the gap read it: who it is about, and
/// its score sheet's [`Summary`]. The intake keeps these in its tables;
/// [`latest_of`] makes them from packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    /// The packet's id.
    pub packet_id: String,
    /// The unit's code.
    pub unit_code: String,
    /// The unit's name.
    pub unit_name: String,
    /// The person assessed, on a checklist about a person.
    pub subject: Option<Subject>,
    /// When the intake received the packet (RFC 3339 UTC, as it writes it).
    pub received_at: String,
    /// Who signed it, by their enrolled names.
    pub signers: Vec<String>,
    /// Its score sheet's figures.
    pub summary: Summary,
}

impl Latest {
    /// As [`Entry::recency`].
    pub(crate) fn recency(&self) -> (&str, &str) {
        (&self.received_at, &self.packet_id)
    }
}

/// Each unit's (each person's of a unit) latest packet of `kind` in
/// `period` among `entries`, summarized against `template`, in order of
/// unit code and person.
pub fn latest_of(
    entries: &[Entry],
    period: &str,
    kind: PacketKind,
    template: &Template,
) -> Result<Vec<Latest>, ReportError> {
    latest(entries, period, kind)
        .into_values()
        .map(|entry| {
            let missing = || ReportError {
                packet: entry.packet_id.clone(),
                path: "score".to_owned(),
                problem: Problem::Missing,
            };
            let sheet = entry.sheet.as_ref().ok_or_else(missing)?;
            Ok(Latest {
                packet_id: entry.packet_id.clone(),
                unit_code: entry.unit_code.clone(),
                unit_name: entry.unit_name.clone(),
                subject: entry.subject.clone(),
                received_at: entry.received_at.clone(),
                signers: entry.signers.clone(),
                summary: Summary::of(&entry.packet_id, sheet, template)?,
            })
        })
        .collect()
}

/// Who a report row is about: a unit, or a person of it (by name) on a
/// checklist about a person.
pub(crate) type Assessed<'e> = (&'e str, Option<&'e str>);

/// Each unit's (or each person's of a unit) latest packet of `kind` in
/// `period`, by unit code and person. A unit sends a corrected packet by
/// sending a newer one, so only the latest counts.
pub(crate) fn latest<'e>(
    entries: &'e [Entry],
    period: &str,
    kind: PacketKind,
) -> BTreeMap<Assessed<'e>, &'e Entry> {
    let mut latest: BTreeMap<Assessed<'e>, &Entry> = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|e| e.kind == kind && e.period == period)
    {
        let person = entry.subject.as_ref().map(|s| s.name.as_str());
        latest
            .entry((&entry.unit_code, person))
            .and_modify(|kept| {
                if entry.recency() > kept.recency() {
                    *kept = entry;
                }
            })
            .or_insert(entry);
    }
    latest
}
