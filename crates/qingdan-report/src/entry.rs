//! [`Entry`], one accepted packet as the intake reads it back, and the choice
//! of each unit's latest packet, which every report starts from.

use std::collections::BTreeMap;

use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::{PacketKind, Subject};
use qingdan_core::score::ScoreSheet;

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
