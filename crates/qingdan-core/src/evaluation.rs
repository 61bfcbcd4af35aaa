//! 民主测评: an evaluation of people (a leader, a whole 班子) by raters in
//! a meeting room, one anonymous ballot per slip, and a tally anyone in
//! the room can check.
//!
//! An **evaluation** (`qingdan.evaluation/1`) names who is evaluated, the
//! dimensions each is rated on (plus an overall rating), the rater groups
//! with their number of slips and their weights, the window it is open in
//! and the satisfaction under which a talk (约谈) is due. A **ballot** is a
//! slip's code (kept only as its SHA-256), its group and its answers: a
//! [`Rating`] per person and dimension. The **result**
//! (`qingdan.evaluation-result/1`), signed by the intake's key, holds the
//! counts, each person's weighted satisfaction and the full list of
//! accepted ballots, from which [`verify_result`] recomputes everything.
//!
//! Signed data holds facts only: ids, digests, counts and ratings, never
//! the people's names or the form's wording (those are in the evaluation,
//! named by its digest). Pure: the intake makes the codes, reads the clock
//! and keeps the ballots; this module checks and counts.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical;
use crate::keys;
use crate::packet::SignatureEntry;
use crate::receipt;
use crate::{Fixed, Text};

/// The `format` of an evaluation.
pub const EVALUATION_FORMAT: &str = "qingdan.evaluation/1";
/// The `format` of a published result's payload.
pub const RESULT_FORMAT: &str = "qingdan.evaluation-result/1";
/// The rating every ballot gives each person besides the dimensions.
pub const OVERALL: &str = "overall";
/// The published group that takes in every group with too few ballots.
pub const OTHER_GROUP: &str = "other";
/// A group with fewer ballots than this is counted in [`OTHER_GROUP`], so
/// that nobody's answers stand out.
pub const MIN_GROUP_BALLOTS: u32 = 5;
/// The satisfaction under which a talk is due, when the evaluation says
/// none: 60 %.
pub const DEFAULT_THRESHOLD: Fixed = Fixed::from_int(60);
/// The most slips one evaluation may have, all groups together.
pub const MAX_SLIPS: u32 = 5_000;
/// The most people, dimensions or groups one evaluation may have (each).
pub const MAX_ENTRIES: usize = 50;
/// The longest comment a ballot may carry, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// A rating: 好 / 较好 / 一般 / 差.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 好.
    Good,
    /// 较好.
    FairlyGood,
    /// 一般.
    Average,
    /// 差.
    Poor,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 4] = [
        Rating::Good,
        Rating::FairlyGood,
        Rating::Average,
        Rating::Poor,
    ];

    /// Whether it counts as satisfied (好 or 较好).
    pub fn satisfied(self) -> bool {
        matches!(self, Rating::Good | Rating::FairlyGood)
    }
}

/// Whether an inspection's item takes a published 民主测评 figure (its
/// title names the evaluation: 民主测评满意度, 参加测评人数): the
/// inspector's app shows the unit's published figures on it.
pub fn takes_figure(item: &crate::template::Item) -> bool {
    item.title.zh.contains("测评")
}

/// An evaluation as it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationDoc {
    /// Always [`EVALUATION_FORMAT`].
    pub format: String,
    /// Its id (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// What it is, e.g. 2026年度党委班子述责述廉民主测评.
    pub title: Text,
    /// Who is evaluated.
    pub subjects: Vec<Evaluated>,
    /// What each is rated on (besides [`OVERALL`]).
    pub dimensions: Vec<Dimension>,
    /// Whether a ballot may carry a comment.
    #[serde(default)]
    pub comment: bool,
    /// The rater groups.
    pub groups: Vec<RaterGroup>,
    /// When ballots are first taken (RFC 3339).
    pub opens_at: String,
    /// When the last ballot is taken (RFC 3339).
    pub closes_at: String,
    /// The weighted satisfaction, in percent, under which a talk is due.
    #[serde(default = "default_threshold")]
    pub threshold: Fixed,
    /// The assessment period it belongs to (e.g. `2026`, as packets name
    /// theirs): the ranking of that period flags its persons due a talk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

fn default_threshold() -> Fixed {
    DEFAULT_THRESHOLD
}

/// A person evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluated {
    /// Their id in the evaluation.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their post, e.g. 党委书记.
    pub post: String,
    /// Their unit's code.
    pub unit: String,
}

/// A dimension rated, e.g. 履行主体责任.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Its id.
    pub id: String,
    /// What people see.
    pub title: Text,
}

/// A group of raters, e.g. 全委会委员.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaterGroup {
    /// Its id.
    pub id: String,
    /// What people see.
    pub title: Text,
    /// How many slips it is given.
    pub ballots: u32,
    /// Its weight in the satisfaction.
    pub weight: Fixed,
}

/// A problem with an evaluation or a ballot: where (a JSON path) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct Problem {
    /// The JSON path, e.g. `groups[1].weight`.
    pub at: String,
    /// What is wrong.
    pub problem: String,
}

fn problem(at: impl Into<String>, what: impl Into<String>) -> Problem {
    Problem {
        at: at.into(),
        problem: what.into(),
    }
}

/// A checked evaluation and the digest of its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    doc: EvaluationDoc,
    sha256: String,
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Every problem of ids in `ids` (named `what` at `at[i].id`): bad form or
/// given twice; [`OVERALL`] and [`OTHER_GROUP`] are taken when `reserved`.
fn check_ids<'a>(
    found: &mut Vec<Problem>,
    at: &str,
    ids: impl Iterator<Item = &'a str>,
    reserved: &str,
) {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        let place = format!("{at}[{i}].id");
        if !is_id(id) {
            found.push(problem(
                place,
                "an id is 1 to 64 letters, digits, -, _ or .",
            ));
        } else if id == reserved {
            found.push(problem(place, format!("{reserved:?} is reserved")));
        } else if !seen.insert(id) {
            found.push(problem(place, format!("{id:?} is given twice")));
        }
    }
}

fn check_count<T>(found: &mut Vec<Problem>, at: &str, list: &[T]) {
    if list.is_empty() || list.len() > MAX_ENTRIES {
        found.push(problem(at, format!("1 to {MAX_ENTRIES} entries")));
    }
}

impl Evaluation {
    /// Reads and checks an evaluation from JSON text.
    pub fn parse(text: &str) -> Result<Evaluation, Vec<Problem>> {
        let value =
            crate::json::parse_strict(text).map_err(|e| vec![problem("", e.to_string())])?;
        Evaluation::from_value(&value)
    }

    /// Checks an evaluation document; every problem, each with its path.
    pub fn from_value(value: &Value) -> Result<Evaluation, Vec<Problem>> {
        let doc =
            EvaluationDoc::deserialize(value).map_err(|e| vec![problem("", e.to_string())])?;
        let mut found = Vec::new();
        if doc.format != EVALUATION_FORMAT {
            found.push(problem("format", format!("expected {EVALUATION_FORMAT:?}")));
        }
        if !is_id(&doc.id) {
            found.push(problem("id", "an id is 1 to 64 letters, digits, -, _ or ."));
        }
        check_count(&mut found, "subjects", &doc.subjects);
        check_ids(
            &mut found,
            "subjects",
            doc.subjects.iter().map(|s| s.id.as_str()),
            "",
        );
        check_count(&mut found, "dimensions", &doc.dimensions);
        check_ids(
            &mut found,
            "dimensions",
            doc.dimensions.iter().map(|d| d.id.as_str()),
            OVERALL,
        );
        check_count(&mut found, "groups", &doc.groups);
        check_ids(
            &mut found,
            "groups",
            doc.groups.iter().map(|g| g.id.as_str()),
            OTHER_GROUP,
        );
        let mut slips: u64 = 0;
        for (i, g) in doc.groups.iter().enumerate() {
            if g.ballots == 0 {
                found.push(problem(format!("groups[{i}].ballots"), "at least 1"));
            }
            if !g.weight.is_positive() {
                found.push(problem(format!("groups[{i}].weight"), "more than 0"));
            }
            slips += u64::from(g.ballots);
        }
        if slips > u64::from(MAX_SLIPS) {
            found.push(problem(
                "groups",
                format!("{slips} slips; at most {MAX_SLIPS}"),
            ));
        }
        let opens = chrono::DateTime::parse_from_rfc3339(&doc.opens_at);
        let closes = chrono::DateTime::parse_from_rfc3339(&doc.closes_at);
        match (opens, closes) {
            (Ok(o), Ok(c)) if o >= c => {
                found.push(problem("closes_at", "after opens_at"));
            }
            (o, c) => {
                if o.is_err() {
                    found.push(problem("opens_at", "an RFC 3339 time"));
                }
                if c.is_err() {
                    found.push(problem("closes_at", "an RFC 3339 time"));
                }
            }
        }
        if let Some(period) = &doc.period
            && crate::period::Period::parse(period).is_none()
        {
            found.push(problem(
                "period",
                "a period: YYYY, YYYY-H1/H2, YYYY-Q1…Q4 or YYYY-MM",
            ));
        }
        if doc.threshold < Fixed::ZERO || doc.threshold > Fixed::HUNDRED {
            found.push(problem("threshold", "a percentage, 0 to 100"));
        }
        if !found.is_empty() {
            return Err(found);
        }
        Ok(Evaluation {
            sha256: canonical::sha256_hex(value),
            doc,
        })
    }

    /// The document.
    pub fn doc(&self) -> &EvaluationDoc {
        &self.doc
    }

    /// The hex SHA-256 of the document's canonical JSON.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// How many slips it has, all groups together.
    pub fn slips(&self) -> u32 {
        self.doc.groups.iter().map(|g| g.ballots).sum()
    }

    /// The dimensions a ballot rates each person on: the evaluation's,
    /// then [`OVERALL`].
    pub fn rated(&self) -> impl Iterator<Item = &str> {
        self.doc
            .dimensions
            .iter()
            .map(|d| d.id.as_str())
            .chain([OVERALL])
    }

    /// Checks a ballot's answers: every person rated on every dimension
    /// and overall, nothing else, a comment only when the evaluation takes
    /// one (at most [`MAX_COMMENT_CHARS`]).
    pub fn check_answers(&self, answers: &Answers) -> Result<(), Problem> {
        for person in answers.ratings.keys() {
            if !self.doc.subjects.iter().any(|s| &s.id == person) {
                return Err(problem(
                    format!("ratings.{person}"),
                    "no such person evaluated",
                ));
            }
        }
        for person in &self.doc.subjects {
            let Some(given) = answers.ratings.get(&person.id) else {
                return Err(problem(format!("ratings.{}", person.id), "missing"));
            };
            for dimension in given.keys() {
                if !self.rated().any(|d| d == dimension) {
                    return Err(problem(
                        format!("ratings.{}.{dimension}", person.id),
                        "no such dimension",
                    ));
                }
            }
            if let Some(missing) = self.rated().find(|d| !given.contains_key(*d)) {
                return Err(problem(
                    format!("ratings.{}.{missing}", person.id),
                    "missing",
                ));
            }
        }
        match &answers.comment {
            Some(_) if !self.doc.comment => Err(problem("comment", "this evaluation takes none")),
            Some(c) if c.chars().count() > MAX_COMMENT_CHARS => Err(problem(
                "comment",
                format!("at most {MAX_COMMENT_CHARS} characters"),
            )),
            _ => Ok(()),
        }
    }
}

/// A ballot's answers: each person's rating on each dimension and
/// [`OVERALL`], and a comment when the evaluation takes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// By person id, then by dimension id.
    pub ratings: BTreeMap<String, BTreeMap<String, Rating>>,
    /// A comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A ballot as the result publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The hex SHA-256 of the slip's code.
    pub code_sha256: String,
    /// The group it was counted in (as published: [`OTHER_GROUP`] for a
    /// group with too few ballots).
    pub group: String,
    /// The answers.
    pub answers: Answers,
}

/// The hex SHA-256 of a slip's code: all the intake keeps of it.
pub fn code_sha256(code: &str) -> String {
    canonical::sha256_hex_bytes(code.as_bytes())
}

/// The hex SHA-256 of a ballot's code digest and answers, as canonical
/// JSON `{"answers": …, "code_sha256": …}`: the rater's receipt, by which
/// they find their ballot in the result as they cast it. Its group is left
/// out: the result may count it as [`OTHER_GROUP`].
pub fn ballot_sha256(ballot: &Ballot) -> String {
    let cast = serde_json::json!({
        "code_sha256": ballot.code_sha256,
        "answers": ballot.answers,
    });
    canonical::sha256_hex(&cast)
}

/// Slips issued, used and not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slips {
    /// Printed.
    pub issued: u32,
    /// Whose ballot was accepted.
    pub used: u32,
    /// Not used.
    pub unused: u32,
}

/// A group as the result counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCount {
    /// The group's id, or [`OTHER_GROUP`].
    pub id: String,
    /// Ballots counted in it.
    pub ballots: u32,
    /// Its weight ([`OTHER_GROUP`]'s: its groups' weights averaged over
    /// their ballots).
    pub weight: Fixed,
}

/// How many ballots gave each rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// 好.
    pub good: u32,
    /// 较好.
    pub fairly_good: u32,
    /// 一般.
    pub average: u32,
    /// 差.
    pub poor: u32,
}

impl Counts {
    fn add(&mut self, rating: Rating) {
        let slot = match rating {
            Rating::Good => &mut self.good,
            Rating::FairlyGood => &mut self.fairly_good,
            Rating::Average => &mut self.average,
            Rating::Poor => &mut self.poor,
        };
        *slot += 1;
    }

    fn all(self) -> u32 {
        self.good + self.fairly_good + self.average + self.poor
    }
}

/// One person's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonResult {
    /// The person's id.
    pub subject: String,
    /// The counts, by dimension id (and [`OVERALL`]), then by group.
    pub counts: BTreeMap<String, BTreeMap<String, Counts>>,
    /// The weighted satisfaction of the overall rating, in percent; none
    /// without ballots.
    pub satisfaction: Option<Fixed>,
    /// Under the threshold: a talk (约谈) is due.
    pub talk_due: bool,
}

/// What an evaluation came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// The threshold, in percent.
    pub threshold: Fixed,
    /// Slips issued, used and not.
    pub slips: Slips,
    /// The groups as counted.
    pub groups: Vec<GroupCount>,
    /// Each person's result, in the evaluation's order.
    pub subjects: Vec<PersonResult>,
    /// Every accepted ballot, in the order of their code digests (never
    /// the order they came in).
    pub ballots: Vec<Ballot>,
}

/// Counts `ballots` (each with its own group) of `evaluation`, `issued`
/// slips printed: groups with fewer than [`MIN_GROUP_BALLOTS`] ballots are
/// counted as [`OTHER_GROUP`]. Ballots are taken as checked.
pub fn tally(evaluation: &Evaluation, issued: u32, ballots: &[Ballot]) -> Tally {
    let doc = evaluation.doc();
    let mut sizes: BTreeMap<&str, u32> = BTreeMap::new();
    for b in ballots {
        *sizes.entry(b.group.as_str()).or_default() += 1;
    }
    let small = |id: &str| sizes.get(id).copied().unwrap_or(0) < MIN_GROUP_BALLOTS;
    let mut groups = Vec::new();
    let (mut other_ballots, mut other_weighted) = (0u32, 0i128);
    for g in &doc.groups {
        let n = sizes.get(g.id.as_str()).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        if small(&g.id) {
            other_ballots += n;
            other_weighted += i128::from(g.weight.hundredths()) * i128::from(n);
        } else {
            groups.push(GroupCount {
                id: g.id.clone(),
                ballots: n,
                weight: g.weight,
            });
        }
    }
    if other_ballots > 0 {
        groups.push(GroupCount {
            id: OTHER_GROUP.to_owned(),
            ballots: other_ballots,
            weight: Fixed::from_ratio(other_weighted, i128::from(other_ballots)),
        });
    }
    let mut published: Vec<Ballot> = ballots
        .iter()
        .map(|b| Ballot {
            group: if small(&b.group) {
                OTHER_GROUP.to_owned()
            } else {
                b.group.clone()
            },
            ..b.clone()
        })
        .collect();
    published.sort_by(|a, b| a.code_sha256.cmp(&b.code_sha256));
    let rated: Vec<&str> = evaluation.rated().collect();
    let people: Vec<&str> = doc.subjects.iter().map(|s| s.id.as_str()).collect();
    let used = u32::try_from(published.len()).unwrap_or(u32::MAX);
    let slips = Slips {
        issued,
        used,
        unused: issued.saturating_sub(used),
    };
    count(doc.threshold, slips, groups, &people, &rated, published)
}

/// The tally of `ballots` (groups as published) over `people` and
/// `rated`: what [`tally`] gives and [`verify_result`] recomputes.
fn count(
    threshold: Fixed,
    slips: Slips,
    groups: Vec<GroupCount>,
    people: &[&str],
    rated: &[&str],
    ballots: Vec<Ballot>,
) -> Tally {
    let subjects = people
        .iter()
        .map(|person| {
            let mut counts: BTreeMap<String, BTreeMap<String, Counts>> = rated
                .iter()
                .map(|d| {
                    let by_group = groups.iter().map(|g| (g.id.clone(), Counts::default()));
                    ((*d).to_owned(), by_group.collect())
                })
                .collect();
            for b in &ballots {
                let Some(given) = b.answers.ratings.get(*person) else {
                    continue;
                };
                for (dimension, rating) in given {
                    if let Some(c) = counts
                        .get_mut(dimension)
                        .and_then(|by| by.get_mut(&b.group))
                    {
                        c.add(*rating);
                    }
                }
            }
            let satisfaction = counts.get(OVERALL).and_then(|by| satisfaction(&groups, by));
            PersonResult {
                subject: (*person).to_owned(),
                talk_due: satisfaction.is_some_and(|s| s < threshold),
                counts,
                satisfaction,
            }
        })
        .collect();
    Tally {
        threshold,
        slips,
        groups,
        subjects,
        ballots,
    }
}

/// The weighted satisfaction of `by_group`'s counts: each group's share of
/// 好 and 较好 in percent (rounded to a hundredth), weighted by its
/// weight; none when no group has ballots.
fn satisfaction(groups: &[GroupCount], by_group: &BTreeMap<String, Counts>) -> Option<Fixed> {
    let (mut weighted, mut weights) = (0i128, 0i128);
    for g in groups {
        let Some(c) = by_group.get(&g.id).filter(|c| c.all() > 0) else {
            continue;
        };
        let satisfied = i128::from(c.good + c.fairly_good);
        let share = Fixed::from_ratio(satisfied * 10_000, i128::from(c.all()));
        weighted += i128::from(share.hundredths()) * i128::from(g.weight.hundredths());
        weights += i128::from(g.weight.hundredths());
    }
    (weights > 0).then(|| Fixed::from_ratio(weighted, weights))
}

/// A published result's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultPayload {
    /// Always [`RESULT_FORMAT`].
    pub format: String,
    /// The evaluation's id.
    pub evaluation: String,
    /// The hex SHA-256 of the evaluation document.
    pub evaluation_sha256: String,
    /// When it was closed (RFC 3339 UTC).
    pub closed_at: String,
    /// The intake's public key (base64url): the key that signs.
    pub intake_key: String,
    /// The count.
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultEnvelope {
    payload: ResultPayload,
    signatures: Vec<SignatureEntry>,
}

/// Signs the result of `evaluation` (`tally`, closed at `closed_at`) with
/// the intake's `key`; its JSON text.
pub fn sign_result(
    key: &SigningKey,
    evaluation: &Evaluation,
    closed_at: &str,
    tally: Tally,
) -> String {
    let payload = ResultPayload {
        format: RESULT_FORMAT.to_owned(),
        evaluation: evaluation.doc().id.clone(),
        evaluation_sha256: evaluation.sha256().to_owned(),
        closed_at: closed_at.to_owned(),
        intake_key: keys::encode_public_key(&key.verifying_key()),
        tally,
    };
    let signature =
        receipt::intake_signature(key, &serde_json::to_value(&payload).unwrap_or_default());
    let envelope = ResultEnvelope {
        payload,
        signatures: vec![signature],
    };
    serde_json::to_value(&envelope)
        .unwrap_or_default()
        .to_string()
}

/// Why a published result does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultError {
    /// Not a result, or of another format.
    #[error("not an evaluation result: {0}")]
    Shape(String),
    /// Not exactly one signature by its `intake_key`, or one that does not
    /// verify.
    #[error("the intake's signature does not verify")]
    BadSignature,
    /// Signed by another key than the one expected.
    #[error("signed by intake key {found}, not {expected}")]
    OtherIntake {
        /// The key that signed.
        found: String,
        /// The key expected.
        expected: String,
    },
    /// For another evaluation than the one given.
    #[error("for evaluation {found} ({found_sha256}), not {expected} ({expected_sha256})")]
    OtherEvaluation {
        /// What the result names.
        found: String,
        /// Its digest.
        found_sha256: String,
        /// The evaluation given.
        expected: String,
        /// Its digest.
        expected_sha256: String,
    },
    /// What the result says is not what its ballots count to.
    #[error("{at}: the result says {said}, its ballots count to {counted}")]
    Miscounted {
        /// Where (`tally.subjects[0].satisfaction`).
        at: String,
        /// What the result says.
        said: String,
        /// What the ballots count to.
        counted: String,
    },
}

/// Checks a published result: the intake's signature (by `intake_key` when
/// given), the evaluation it is for (when given), that no published group
/// but [`OTHER_GROUP`] has fewer than [`MIN_GROUP_BALLOTS`] ballots, and that
/// every count, satisfaction and talk due is what its list of ballots
/// counts to. Returns what it says.
pub fn verify_result(
    text: &str,
    intake_key: Option<&str>,
    evaluation: Option<&Evaluation>,
) -> Result<ResultPayload, ResultError> {
    let value = crate::json::parse_strict(text).map_err(|e| ResultError::Shape(e.to_string()))?;
    let envelope =
        ResultEnvelope::deserialize(&value).map_err(|e| ResultError::Shape(e.to_string()))?;
    let payload = envelope.payload;
    if payload.format != RESULT_FORMAT {
        return Err(ResultError::Shape(format!("format {:?}", payload.format)));
    }
    let [entry] = envelope.signatures.as_slice() else {
        return Err(ResultError::BadSignature);
    };
    if entry.public_key != payload.intake_key {
        return Err(ResultError::BadSignature);
    }
    if let Some(expected) = intake_key
        && expected != payload.intake_key
    {
        return Err(ResultError::OtherIntake {
            found: payload.intake_key,
            expected: expected.to_owned(),
        });
    }
    receipt::verify_entry(entry, &value["payload"]).map_err(|_| ResultError::BadSignature)?;
    if let Some(e) = evaluation
        && (e.doc().id != payload.evaluation || e.sha256() != payload.evaluation_sha256)
    {
        return Err(ResultError::OtherEvaluation {
            found: payload.evaluation,
            found_sha256: payload.evaluation_sha256,
            expected: e.doc().id.clone(),
            expected_sha256: e.sha256().to_owned(),
        });
    }
    recount(&payload.tally)?;
    Ok(payload)
}

/// Counts a published tally's ballots again and compares.
fn recount(said: &Tally) -> Result<(), ResultError> {
    let wrong = |at: String, said: String, counted: String| {
        Err(ResultError::Miscounted { at, said, counted })
    };
    for (i, g) in said.groups.iter().enumerate() {
        let n = said.ballots.iter().filter(|b| b.group == g.id).count();
        if usize::try_from(g.ballots).ok() != Some(n) {
            return wrong(
                format!("tally.groups[{i}].ballots"),
                g.ballots.to_string(),
                n.to_string(),
            );
        }
        if g.id != OTHER_GROUP && g.ballots < MIN_GROUP_BALLOTS {
            return wrong(
                format!("tally.groups[{i}]"),
                format!("{} ballots", g.ballots),
                format!("at least {MIN_GROUP_BALLOTS}, or counted as {OTHER_GROUP:?}"),
            );
        }
    }
    let listed: usize = said.groups.iter().map(|g| g.ballots as usize).sum();
    if listed != said.ballots.len() {
        return wrong(
            "tally.ballots".into(),
            format!("{} ballots", said.ballots.len()),
            format!("{listed} in its groups"),
        );
    }
    if said
        .ballots
        .windows(2)
        .any(|w| w[0].code_sha256 >= w[1].code_sha256)
    {
        return wrong(
            "tally.ballots".into(),
            "an order".into(),
            "each code once, in the order of their digests".into(),
        );
    }
    let used = u32::try_from(said.ballots.len()).unwrap_or(u32::MAX);
    let slips = Slips {
        issued: said.slips.issued,
        used,
        unused: said.slips.issued.saturating_sub(used),
    };
    if slips != said.slips || used > said.slips.issued {
        return wrong(
            "tally.slips".into(),
            format!("{:?}", said.slips),
            format!("{slips:?}"),
        );
    }
    let people: Vec<&str> = said.subjects.iter().map(|s| s.subject.as_str()).collect();
    let rated: Vec<&str> = said
        .subjects
        .first()
        .map(|s| s.counts.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let counted = count(
        said.threshold,
        slips,
        said.groups.clone(),
        &people,
        &rated,
        said.ballots.clone(),
    );
    for (i, (s, c)) in said.subjects.iter().zip(&counted.subjects).enumerate() {
        let at = |field: &str| format!("tally.subjects[{i}].{field}");
        if s.counts != c.counts {
            return wrong(
                at("counts"),
                format!("{:?}", s.counts),
                format!("{:?}", c.counts),
            );
        }
        if s.satisfaction != c.satisfaction {
            let show = |f: Option<Fixed>| f.map_or_else(|| "none".to_owned(), |f| f.to_string());
            return wrong(
                at("satisfaction"),
                show(s.satisfaction),
                show(c.satisfaction),
            );
        }
        if s.talk_due != c.talk_due {
            return wrong(
                at("talk_due"),
                s.talk_due.to_string(),
                c.talk_due.to_string(),
            );
        }
    }
    Ok(())
}
