//! 民主测评: the evaluation's checks, a ballot's, the tally (against one
//! counted here another way) and the signed result that anyone recounts.

use std::collections::BTreeMap;

use qingdan_core::keys::Signer as _;

use qingdan_core::Fixed;
use qingdan_core::evaluation::{
    self, Answers, Ballot, Evaluation, OTHER_GROUP, OVERALL, Rating, ResultError,
};
use qingdan_core::keys::SigningKey;
use serde_json::Value;

use crate::data_dir;

fn example_text() -> String {
    std::fs::read_to_string(data_dir().join("evaluations/banzi-2026.json")).unwrap()
}

fn example() -> Evaluation {
    Evaluation::parse(&example_text()).expect("the example is valid")
}

/// The example with `change` made to its JSON: the problems' places.
fn problems_of(change: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut doc: Value = serde_json::from_str(&example_text()).unwrap();
    change(&mut doc);
    match Evaluation::from_value(&doc) {
        Ok(_) => Vec::new(),
        Err(found) => found.into_iter().map(|p| p.at).collect(),
    }
}

#[test]
fn an_evaluation_is_checked_and_each_problem_named_by_its_path() {
    let e = example();
    assert_eq!(e.slips(), 50);
    assert_eq!(e.doc().threshold, Fixed::from_int(60));
    assert_eq!(
        e.rated().collect::<Vec<_>>(),
        ["duty", "integrity", "conduct", OVERALL]
    );
    assert_eq!(e.sha256().len(), 64);

    assert_eq!(
        problems_of(|d| d["groups"][1]["id"] = "committee".into()),
        ["groups[1].id"]
    );
    assert_eq!(
        problems_of(|d| d["groups"][2]["id"] = OTHER_GROUP.into()),
        ["groups[2].id"]
    );
    assert_eq!(
        problems_of(|d| d["dimensions"][0]["id"] = OVERALL.into()),
        ["dimensions[0].id"]
    );
    assert_eq!(
        problems_of(|d| d["groups"][0]["weight"] = 0.into()),
        ["groups[0].weight"]
    );
    assert_eq!(
        problems_of(|d| d["groups"][0]["ballots"] = 0.into()),
        ["groups[0].ballots"]
    );
    assert_eq!(
        problems_of(|d| d["groups"][0]["ballots"] = 6000.into()),
        ["groups"]
    );
    assert_eq!(problems_of(|d| d["threshold"] = 101.into()), ["threshold"]);
    assert_eq!(problems_of(|d| d["period"] = "2026年".into()), ["period"]);
    let mut dated: Value = serde_json::from_str(&example_text()).unwrap();
    dated["period"] = "2026-H2".into();
    assert_eq!(
        Evaluation::from_value(&dated)
            .unwrap()
            .doc()
            .period
            .as_deref(),
        Some("2026-H2")
    );
    assert_eq!(
        problems_of(|d| d["closes_at"] = "2026-12-18T08:00:00+08:00".into()),
        ["closes_at"]
    );
    assert_eq!(
        problems_of(|d| d["subjects"] = Value::Array(vec![])),
        ["subjects"]
    );
    assert_eq!(
        problems_of(|d| {
            d["format"] = "qingdan.evaluation/2".into();
            d["opens_at"] = "tomorrow".into();
        }),
        ["format", "opens_at"],
        "every problem at once"
    );
    let mut unknown: Value = serde_json::from_str(&example_text()).unwrap();
    unknown["secret"] = true.into();
    let refused = Evaluation::from_value(&unknown).unwrap_err();
    assert!(
        refused[0].problem.contains("unknown field `secret`"),
        "{refused:?}"
    );
    // A threshold left out is 60 %.
    let mut plain: Value = serde_json::from_str(&example_text()).unwrap();
    plain.as_object_mut().unwrap().remove("threshold");
    assert_eq!(
        Evaluation::from_value(&plain).unwrap().doc().threshold,
        Fixed::from_int(60)
    );
}

/// Answers rating everyone on everything `rating`.
fn all(e: &Evaluation, rating: Rating) -> Answers {
    let ratings = e
        .doc()
        .subjects
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                e.rated().map(|d| (d.to_owned(), rating)).collect(),
            )
        })
        .collect();
    Answers {
        ratings,
        comment: None,
    }
}

#[test]
fn a_ballot_rates_everyone_on_everything_and_nothing_else() {
    let e = example();
    let good = all(&e, Rating::Good);
    e.check_answers(&good).unwrap();
    let at = |a: &Answers| e.check_answers(a).unwrap_err().at;

    let mut missing = good.clone();
    missing.ratings.get_mut("zhao").unwrap().remove(OVERALL);
    assert_eq!(at(&missing), "ratings.zhao.overall");
    let mut nobody = good.clone();
    nobody.ratings.remove("wang");
    assert_eq!(at(&nobody), "ratings.wang");
    let mut stranger = good.clone();
    stranger.ratings.insert("li".into(), BTreeMap::new());
    assert_eq!(at(&stranger), "ratings.li");
    let mut extra = good.clone();
    extra
        .ratings
        .get_mut("wang")
        .unwrap()
        .insert("salary".into(), Rating::Poor);
    assert_eq!(at(&extra), "ratings.wang.salary");
    let mut long = good.clone();
    long.comment = Some("很".repeat(501));
    assert_eq!(at(&long), "comment");
    long.comment = Some("很好".into());
    e.check_answers(&long).unwrap();

    // An evaluation without comments takes none.
    let mut doc: Value = serde_json::from_str(&example_text()).unwrap();
    doc["comment"] = false.into();
    let quiet = Evaluation::from_value(&doc).unwrap();
    assert_eq!(quiet.check_answers(&long).unwrap_err().at, "comment");

    // Ratings are written as the form's words' ids.
    let read: Answers = serde_json::from_str(
        r#"{"ratings": {"wang": {"duty": "good", "integrity": "fairly_good", "conduct": "average", "overall": "poor"}}}"#,
    )
    .unwrap();
    assert_eq!(read.ratings["wang"]["overall"], Rating::Poor);
    assert!(
        serde_json::from_str::<Answers>(r#"{"ratings": {"wang": {"duty": "great"}}}"#).is_err()
    );
}

/// A number from 0 to `n` − 1, the same every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// `per_group` ballots of the example, answers drawn by `seed`.
fn ballots(e: &Evaluation, per_group: &[(&str, u32)], seed: u64) -> Vec<Ballot> {
    let mut draw = Lcg(seed);
    let mut out = Vec::new();
    for (group, n) in per_group {
        for i in 0..*n {
            let mut answers = all(e, Rating::Good);
            for by in answers.ratings.values_mut() {
                for rating in by.values_mut() {
                    *rating = Rating::ALL[draw.next(4) as usize];
                }
            }
            out.push(Ballot {
                code_sha256: evaluation::code_sha256(&format!("{group}-{i}-{seed}")),
                group: (*group).to_owned(),
                answers,
            });
        }
    }
    out
}

#[test]
fn the_tally_counts_every_ballot_and_a_small_group_is_counted_as_other() {
    let e = example();
    // 40 ballots from 3 groups: 3 from the public, too few to stand apart.
    let given = ballots(&e, &[("committee", 14), ("staff", 23), ("public", 3)], 7);
    let t = evaluation::tally(&e, e.slips(), &given);
    assert_eq!((t.slips.issued, t.slips.used, t.slips.unused), (50, 40, 10));
    let groups: Vec<(&str, u32, Fixed)> = t
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.ballots, g.weight))
        .collect();
    assert_eq!(
        groups,
        [
            ("committee", 14, Fixed::from_hundredths(50)),
            ("staff", 23, Fixed::from_hundredths(30)),
            (OTHER_GROUP, 3, Fixed::from_hundredths(20)),
        ]
    );
    assert!(
        t.ballots.iter().all(|b| b.group != "public"),
        "nobody stands out"
    );
    let mut codes: Vec<&str> = t.ballots.iter().map(|b| b.code_sha256.as_str()).collect();
    let listed = codes.clone();
    codes.sort_unstable();
    assert_eq!(listed, codes, "listed by code digest, not as they came");

    // Counted here another way: one ballot at a time, into a flat table.
    fn published(g: &str) -> &str {
        if g == "public" { OTHER_GROUP } else { g }
    }
    let mut flat: BTreeMap<(String, String, String, Rating), u32> = BTreeMap::new();
    for b in &given {
        for (person, by) in &b.answers.ratings {
            for (dimension, rating) in by {
                let key = (
                    person.clone(),
                    dimension.clone(),
                    published(&b.group).to_owned(),
                    *rating,
                );
                *flat.entry(key).or_default() += 1;
            }
        }
    }
    for person in &t.subjects {
        for (dimension, by_group) in &person.counts {
            for (group, c) in by_group {
                let n = |r: Rating| {
                    flat.get(&(person.subject.clone(), dimension.clone(), group.clone(), r))
                        .copied()
                        .unwrap_or(0)
                };
                assert_eq!(
                    [c.good, c.fairly_good, c.average, c.poor],
                    [
                        n(Rating::Good),
                        n(Rating::FairlyGood),
                        n(Rating::Average),
                        n(Rating::Poor)
                    ],
                    "{} {dimension} {group}",
                    person.subject
                );
            }
        }
        // The satisfaction: each group's share of 好 and 较好, weighted.
        let share = |group: &str, weight: i128| {
            let satisfied = i128::from(
                (0..2)
                    .map(|k| {
                        let r = [Rating::Good, Rating::FairlyGood][k];
                        flat.get(&(
                            person.subject.clone(),
                            OVERALL.to_owned(),
                            group.to_owned(),
                            r,
                        ))
                        .copied()
                        .unwrap_or(0)
                    })
                    .sum::<u32>(),
            );
            let all: i128 = t
                .groups
                .iter()
                .find(|g| g.id == group)
                .unwrap()
                .ballots
                .into();
            // Hundredths of a percent, rounded half up (all positive).
            ((satisfied * 1_000_000 / all + 50) / 100, weight)
        };
        let parts = [
            share("committee", 50),
            share("staff", 30),
            share(OTHER_GROUP, 20),
        ];
        let weighted: i128 = parts.iter().map(|(s, w)| s * w).sum();
        let expected = (weighted * 10 / 100 + 5) / 10;
        assert_eq!(
            person.satisfaction,
            Some(Fixed::from_hundredths(expected as i64)),
            "{}",
            person.subject
        );
        assert_eq!(person.talk_due, expected < 6000);
    }
}

#[test]
fn a_person_under_the_threshold_is_due_a_talk_and_the_figure_is_exact() {
    let e = example();
    // committee: 10 ballots, 7 satisfied → 70 %; staff: 20, 9 → 45 %.
    let mut given = Vec::new();
    for (group, n, satisfied) in [("committee", 10, 7), ("staff", 20, 9)] {
        for i in 0..n {
            let rating = if i < satisfied {
                Rating::FairlyGood
            } else {
                Rating::Average
            };
            given.push(Ballot {
                code_sha256: evaluation::code_sha256(&format!("{group}{i}")),
                group: group.into(),
                answers: all(&e, rating),
            });
        }
    }
    let t = evaluation::tally(&e, 50, &given);
    // (70 × 0.5 + 45 × 0.3) ÷ 0.8 = 60.625 → 60.63 %, not under 60.
    assert_eq!(
        t.subjects[0].satisfaction,
        Some(Fixed::from_hundredths(6063))
    );
    assert!(!t.subjects[0].talk_due);
    // One more unsatisfied staff ballot: 9 of 21 → 42.86 %;
    // (70 × 0.5 + 42.86 × 0.3) ÷ 0.8 = 59.8225 → 59.82 % < 60.
    given.push(Ballot {
        code_sha256: evaluation::code_sha256("staff-late"),
        group: "staff".into(),
        answers: all(&e, Rating::Poor),
    });
    let t = evaluation::tally(&e, 50, &given);
    assert_eq!(
        t.subjects[1].satisfaction,
        Some(Fixed::from_hundredths(5982))
    );
    assert!(t.subjects[1].talk_due, "约谈");
    // No ballot: no figure, no talk.
    let none = evaluation::tally(&e, 50, &[]);
    assert_eq!(none.subjects[0].satisfaction, None);
    assert!(!none.subjects[0].talk_due);
}

fn intake_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn signed(e: &Evaluation) -> (String, Vec<Ballot>) {
    let given = ballots(e, &[("committee", 14), ("staff", 23), ("public", 3)], 11);
    let t = evaluation::tally(e, e.slips(), &given);
    let text = evaluation::sign_result(&intake_key(), e, "2026-12-18T04:00:00Z", t);
    (text, given)
}

#[test]
fn a_signed_result_verifies_and_a_rater_finds_their_ballot_in_it() {
    let e = example();
    let (text, given) = signed(&e);
    let key = qingdan_core::keys::encode_public_key(&intake_key().verifying_key());
    let result = evaluation::verify_result(&text, Some(&key), Some(&e)).expect("it holds");
    assert_eq!(result.evaluation, "banzi-2026");
    assert_eq!(result.tally.ballots.len(), 40);
    // The receipt on a rater's phone: the digests of their code and ballot
    // (one of the public's, counted as "other": the receipt still holds).
    let mine = &given[38];
    assert_eq!(mine.group, "public");
    let receipt = (mine.code_sha256.clone(), evaluation::ballot_sha256(mine));
    let found = result
        .tally
        .ballots
        .iter()
        .find(|b| b.code_sha256 == receipt.0)
        .expect("my ballot is listed");
    assert_eq!(evaluation::ballot_sha256(found), receipt.1, "as I cast it");

    // Another intake's key, another evaluation.
    let other =
        qingdan_core::keys::encode_public_key(&SigningKey::from_bytes(&[7; 32]).verifying_key());
    assert!(matches!(
        evaluation::verify_result(&text, Some(&other), None),
        Err(ResultError::OtherIntake { .. })
    ));
    let mut doc: Value = serde_json::from_str(&example_text()).unwrap();
    doc["threshold"] = 50.into();
    let changed = Evaluation::from_value(&doc).unwrap();
    assert!(matches!(
        evaluation::verify_result(&text, None, Some(&changed)),
        Err(ResultError::OtherEvaluation { .. })
    ));
}

/// The result's payload with `change` made, signed again by the intake's
/// key (an intake that publishes what its ballots do not say).
fn resigned(text: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(text).unwrap();
    change(&mut value["payload"]);
    let signature = intake_key().sign(&qingdan_core::canonical::to_bytes(&value["payload"]));
    value["signatures"][0]["signature"] = qingdan_core::keys::encode(&signature.to_bytes()).into();
    value.to_string()
}

#[test]
fn a_result_changed_after_signing_or_miscounted_is_refused_saying_where() {
    let e = example();
    let (text, _) = signed(&e);

    // One ballot's rating changed after signing: the signature fails.
    let mut value: Value = serde_json::from_str(&text).unwrap();
    let rating =
        &mut value["payload"]["tally"]["ballots"][0]["answers"]["ratings"]["wang"]["overall"];
    *rating = if rating == "poor" {
        "good".into()
    } else {
        "poor".into()
    };
    assert_eq!(
        evaluation::verify_result(&value.to_string(), None, Some(&e)).unwrap_err(),
        ResultError::BadSignature
    );

    let miscounted = |change: &dyn Fn(&mut Value)| match evaluation::verify_result(
        &resigned(&text, change),
        None,
        Some(&e),
    ) {
        Err(ResultError::Miscounted { at, .. }) => at,
        other => panic!("expected a miscount, got {other:?}"),
    };
    // A ballot changed and signed again, the counts left as they were.
    let flip = |p: &mut Value| {
        let r = &mut p["tally"]["ballots"][0]["answers"]["ratings"]["wang"]["overall"];
        *r = if r == "poor" {
            "good".into()
        } else {
            "poor".into()
        };
    };
    assert_eq!(miscounted(&flip), "tally.subjects[0].counts");
    // A satisfaction raised; a talk dropped.
    assert_eq!(
        miscounted(&|p| p["tally"]["subjects"][1]["satisfaction"] = "99.99".into()),
        "tally.subjects[1].satisfaction"
    );
    assert_eq!(
        miscounted(&|p| {
            let due = p["tally"]["subjects"][0]["talk_due"].as_bool().unwrap();
            p["tally"]["subjects"][0]["talk_due"] = (!due).into();
        }),
        "tally.subjects[0].talk_due"
    );
    // A ballot dropped from the list; the slips used miscounted.
    assert_eq!(
        miscounted(&|p| {
            p["tally"]["ballots"].as_array_mut().unwrap().remove(0);
        }),
        "tally.groups[0].ballots"
    );
    assert_eq!(
        miscounted(&|p| p["tally"]["slips"]["unused"] = 3.into()),
        "tally.slips"
    );
    // The small group shown apart.
    assert_eq!(
        miscounted(&|p| {
            let groups = p["tally"]["groups"].as_array_mut().unwrap();
            groups[2]["id"] = "public".into();
            for b in p["tally"]["ballots"].as_array_mut().unwrap() {
                if b["group"] == OTHER_GROUP {
                    b["group"] = "public".into();
                }
            }
        }),
        "tally.groups[2]"
    );
}

#[test]
fn a_result_published_in_the_first_format_verifies_forever() {
    // Signed once by the test key ([42; 32]) and committed: what verified
    // when it was published verifies with every later version.
    let dir = data_dir().join("evaluations");
    let text = std::fs::read_to_string(dir.join("banzi-2026.result.json")).unwrap();
    let key = qingdan_core::keys::encode_public_key(&intake_key().verifying_key());
    let result = evaluation::verify_result(&text, Some(&key), Some(&example())).unwrap();
    assert_eq!(result.tally.slips.used, 40);
    assert!(result.tally.subjects.iter().all(|s| s.talk_due));
}
