//! Who may sign what: the cases in `tests/data/trust/`, each a real packet
//! and what the intake knows when it arrives. Every attack is refused with
//! its own error (snapshots in `<case>/expected`); the honest packets are
//! accepted.

use std::collections::BTreeSet;

use expect_test::expect_file;
use qingdan_core::trust::Admission;
use qingdan_core::{Packet, PacketError, Template, bundled};

#[path = "../common/trust_cases.rs"]
mod trust_cases;

use trust_cases::{TrustCase, trust_cases};

/// What the core says of a case: `accepted`, or the error.
fn verdict(case: &TrustCase) -> Result<(), PacketError> {
    let template = Template::parse(
        bundled::find_version(&case.template, case.template_version)
            .unwrap_or_else(|| panic!("{}: no bundled {}", case.name, case.template))
            .json(),
    )
    .unwrap();
    let packet = Packet::parse(&case.packet)?;
    packet.verify(Some(&template))?;
    let inspection = case
        .inspection
        .as_deref()
        .map(|bytes| Packet::parse(bytes).expect("the inspection reads"));
    packet.admit(&Admission {
        received_at: case.received_at,
        enrollments: &case.enrollments,
        inspection: inspection.as_ref().map(Packet::payload),
    })
}

#[test]
fn every_attack_is_refused_with_its_own_error_and_honest_packets_pass() {
    let mut errors = BTreeSet::new();
    let (mut refused, mut accepted) = (0, 0);
    for case in trust_cases() {
        let said = match verdict(&case) {
            Ok(()) => {
                accepted += 1;
                "accepted".to_owned()
            }
            Err(e) => {
                refused += 1;
                let text = e.to_string();
                assert!(
                    errors.insert(text.clone()),
                    "{}: the same error as another case: {text}",
                    case.name
                );
                text
            }
        };
        // The intake's answer agrees: 2xx exactly when the core accepts.
        assert_eq!(
            said == "accepted",
            case.status < 300,
            "{}: the core says {said}, the case expects HTTP {}",
            case.name,
            case.status
        );
        expect_file![case.dir.join("expected")].assert_eq(&format!("{said}\n"));
    }
    assert!(refused >= 13, "attack cases are missing ({refused})");
    assert!(accepted >= 4, "honest cases are missing ({accepted})");
}

#[test]
fn an_inspection_by_three_inspectors_verifies_and_names_all_three() {
    let case = trust_cases()
        .into_iter()
        .find(|c| c.name == "three-inspectors")
        .unwrap();
    verdict(&case).unwrap();
    let packet = Packet::parse(&case.packet).unwrap();
    let names: Vec<&str> = packet
        .payload()
        .signers
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["王五", "赵六", "孙七"]);
    assert_eq!(packet.signatures().len(), 3);
}

/// The edges of the order of receipt: a packet may be dated up to a day
/// after it arrives (tablets' clocks are wrong), and a finding may be put
/// right on any day that has begun somewhere on earth (UTC+14) when the
/// rectification arrives, not later.
#[test]
fn clocks_get_a_day_of_leeway_and_completion_days_must_have_begun_somewhere() {
    let case = trust_cases()
        .into_iter()
        .find(|c| c.name == "rectification")
        .unwrap();
    let inspection = Packet::parse(case.inspection.as_deref().unwrap()).unwrap();
    let packet = Packet::parse(&case.packet).unwrap();
    let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc();
    // 10:00 UTC is already midnight of the next day in UTC+14.
    let arrives = at("2026-11-30T10:00:00Z");
    let judge = |change: &dyn Fn(&mut qingdan_core::packet::Payload)| {
        let mut payload = packet.payload().clone();
        change(&mut payload);
        qingdan_core::trust::admit(
            &payload,
            &Admission {
                received_at: arrives,
                enrollments: &case.enrollments,
                inspection: Some(inspection.payload()),
            },
        )
    };
    let completed = |day: &'static str| {
        move |p: &mut qingdan_core::packet::Payload| {
            p.rectifications[0].completed_on = Some(day.into());
        }
    };
    judge(&completed("2026-12-01")).unwrap();
    assert!(matches!(
        judge(&completed("2026-12-02")),
        Err(PacketError::CompletedInFuture { .. })
    ));
    let created = |time: &'static str| {
        move |p: &mut qingdan_core::packet::Payload| p.created_at = time.into()
    };
    judge(&created("2026-12-01T10:00:00Z")).unwrap();
    assert!(matches!(
        judge(&created("2026-12-01T10:00:01Z")),
        Err(PacketError::CreatedInFuture { .. })
    ));
}
