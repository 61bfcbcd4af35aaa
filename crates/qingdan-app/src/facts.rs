//! What an assessment is for — its unit and its period — and what this
//! device may name: a unit's officials sign only for the units their keys
//! are enrolled for, so a device enrolled for a unit offers that unit and
//! no other (a mistyped code would be signed, then refused at upload). A
//! device enrolled nowhere, and an inspection (an inspector's key is
//! enrolled for every unit), name the unit by its code. The period must be
//! of the kind the checklist is filled for.

use qingdan_core::packet::{PacketKind, Unit};
use qingdan_core::period::Period;
use qingdan_core::template::PeriodKind;

use crate::sync::IntakeLink;

/// The units a new assessment may be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Units {
    /// Only these: the units this device's keys are enrolled for.
    Enrolled(Vec<Unit>),
    /// Any unit, named by its code and name.
    Free,
}

impl Units {
    /// The units an assessment of `kind` may be for on a device enrolled
    /// with `link`. Revoked keys count for nothing.
    pub fn of(link: Option<&IntakeLink>, kind: PacketKind) -> Units {
        if kind == PacketKind::Inspection {
            return Units::Free;
        }
        let mut units: Vec<Unit> = Vec::new();
        for e in link.iter().flat_map(|l| &l.enrollments) {
            let live = e.revoked_at.is_none() && e.unit.code != "*";
            if live && !units.iter().any(|u| u.code == e.unit.code) {
                units.push(e.unit.clone());
            }
        }
        if units.is_empty() {
            Units::Free
        } else {
            Units::Enrolled(units)
        }
    }

    /// Whether `code` is one of them.
    pub fn allows(&self, code: &str) -> bool {
        match self {
            Units::Enrolled(units) => units.iter().any(|u| u.code == code),
            Units::Free => true,
        }
    }
}

/// Why a unit and period cannot be an assessment's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactsError {
    /// The unit's code or name is empty.
    NoUnit,
    /// No key on this device is enrolled for the unit (its code).
    NotEnrolled(String),
    /// The text names no period.
    BadPeriod(String),
    /// The period is of another kind than the checklist's.
    WrongKind {
        /// The period as given.
        period: String,
        /// The checklist's kind.
        kind: PeriodKind,
    },
}

/// Checks a unit and a period for an assessment of a checklist filled
/// `per` period kind, on a device that allows `units`.
pub fn check(units: &Units, unit: &Unit, period: &str, per: PeriodKind) -> Result<(), FactsError> {
    if unit.code.trim().is_empty() || unit.name.trim().is_empty() {
        return Err(FactsError::NoUnit);
    }
    if !units.allows(&unit.code) {
        return Err(FactsError::NotEnrolled(unit.code.clone()));
    }
    match Period::kind_of(period) {
        None => Err(FactsError::BadPeriod(period.to_owned())),
        Some(kind) if kind != per => Err(FactsError::WrongKind {
            period: period.to_owned(),
            kind: per,
        }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Enrollment;

    fn unit(code: &str, name: &str) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
        }
    }

    fn enrolled(code: &str, role: &str, revoked: bool) -> Enrollment {
        Enrollment {
            fingerprint: format!("{code}-{role}"),
            unit: unit(code, "某某镇党委"),
            role: role.into(),
            enrolled_at: "2026-11-30T01:00:00Z".into(),
            revoked_at: revoked.then(|| "2026-11-30T02:00:00Z".into()),
        }
    }

    fn link(enrollments: Vec<Enrollment>) -> IntakeLink {
        IntakeLink {
            url: "https://intake.example".into(),
            key: "k".into(),
            enrollments,
            earlier: Vec::new(),
        }
    }

    #[test]
    fn an_enrolled_device_offers_its_units_once_each_and_no_other() {
        let l = link(vec![
            enrolled("510824-101", "principal", false),
            enrolled("510824-101", "supervisory", false),
            enrolled("510824-102", "principal", true),
        ]);
        let units = Units::of(Some(&l), PacketKind::SelfAssessment);
        assert_eq!(
            units,
            Units::Enrolled(vec![unit("510824-101", "某某镇党委")]),
            "one entry per unit; a revoked key's unit is not offered"
        );
        let mistyped = check(
            &units,
            &unit("510824-011", "某某镇党委"),
            "2026",
            PeriodKind::Annual,
        );
        assert_eq!(mistyped, Err(FactsError::NotEnrolled("510824-011".into())));
        let right = check(
            &units,
            &unit("510824-101", "某某镇党委"),
            "2026",
            PeriodKind::Annual,
        );
        assert_eq!(right, Ok(()));
    }

    #[test]
    fn a_device_enrolled_nowhere_or_for_inspections_names_any_unit() {
        assert_eq!(Units::of(None, PacketKind::SelfAssessment), Units::Free);
        let inspector = link(vec![Enrollment {
            unit: unit("*", "全部单位"),
            ..enrolled("*", "inspector", false)
        }]);
        assert_eq!(
            Units::of(Some(&inspector), PacketKind::SelfAssessment),
            Units::Free,
            "an inspector's key enrolls for no one unit"
        );
        let official = link(vec![enrolled("510824-101", "principal", false)]);
        assert_eq!(
            Units::of(Some(&official), PacketKind::Inspection),
            Units::Free,
            "an inspection is of another unit"
        );
        assert!(Units::Free.allows("999999-001"));
    }

    #[test]
    fn the_period_must_be_of_the_checklists_kind() {
        let any = Units::Free;
        let u = unit("510824-101", "某某镇党委");
        assert_eq!(
            check(&any, &u, "2026-H2", PeriodKind::Annual),
            Err(FactsError::WrongKind {
                period: "2026-H2".into(),
                kind: PeriodKind::Annual
            })
        );
        assert_eq!(
            check(&any, &u, "2026-H3", PeriodKind::HalfYear),
            Err(FactsError::BadPeriod("2026-H3".into()))
        );
        assert_eq!(check(&any, &u, "2026-H2", PeriodKind::HalfYear), Ok(()));
        assert_eq!(
            check(&any, &unit("", "x"), "2026", PeriodKind::Annual),
            Err(FactsError::NoUnit)
        );
    }
}
