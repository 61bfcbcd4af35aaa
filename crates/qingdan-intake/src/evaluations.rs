//! 民主测评 at the intake: an evaluation made from its JSON
//! ([`qingdan_core::evaluation`]), its slips' codes made once (shown once,
//! kept only as hashes), ballots cast with a code each while it is open,
//! and, once closed, the result the core counts and the intake signs.
//! No ballot is kept with anything that tells who cast it or when.

use qingdan_core::evaluation::{self, Answers, Ballot, Evaluation};
use serde::Serialize;

use crate::accounts::Actor;
use crate::errors::EvaluationError;
use crate::intake::Intake;
use crate::store::{Cast, EvaluationRow, OutcomeRow};

/// An evaluation as listed.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationInfo {
    /// Its id.
    pub id: String,
    /// What it is (in Chinese).
    pub title: String,
    /// When it was made.
    pub created_at: String,
    /// When its slips were made.
    pub slips_made_at: Option<String>,
    /// Slips, all groups together.
    pub slips: u32,
    /// Ballots cast.
    pub ballots_cast: i64,
    /// When it was closed.
    pub closed_at: Option<String>,
}

/// A slip: its group and its code (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slip {
    /// The rater group's id.
    pub group: String,
    /// The code.
    pub code: String,
}

/// What a rater keeps: the digest of their code and of their ballot, by
/// which they find it in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BallotReceipt {
    /// The hex SHA-256 of the code.
    pub code_sha256: String,
    /// [`evaluation::ballot_sha256`] of the ballot.
    pub ballot_sha256: String,
}

/// What a closed evaluation found for one person, as published: what the
/// reports flag and what an inspector's app offers for the item
/// 民主测评满意度.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The evaluation (its signed result is at `/evaluations/{id}/result`).
    pub evaluation: String,
    /// The period it names.
    pub period: Option<String>,
    /// When it closed.
    pub closed_at: String,
    /// The person's id in it.
    pub subject: String,
    /// Their name.
    pub name: String,
    /// Their post.
    pub post: String,
    /// Their unit's code.
    pub unit: String,
    /// Ballots counted.
    pub ballots: i64,
    /// Their weighted satisfaction, in percent.
    pub satisfaction: Option<qingdan_core::Fixed>,
    /// Whether it is under the threshold: a talk (约谈) is due.
    pub talk_due: bool,
}

fn parsed(row: &EvaluationRow) -> Result<Evaluation, EvaluationError> {
    Evaluation::parse(&row.doc).map_err(|problems| {
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        EvaluationError::Internal(format!(
            "evaluation {} as kept: {}",
            row.id,
            said.join("; ")
        ))
    })
}

fn info(row: &EvaluationRow, e: &Evaluation) -> EvaluationInfo {
    EvaluationInfo {
        id: row.id.clone(),
        title: e.doc().title.zh.clone(),
        created_at: row.created_at.clone(),
        slips_made_at: row.slips_made_at.clone(),
        slips: e.slips(),
        ballots_cast: row.ballots_cast,
        closed_at: row.closed_at.clone(),
    }
}

/// What `tally` finds for each person evaluated, as the reports read it.
fn outcomes(e: &Evaluation, closed_at: &str, tally: &evaluation::Tally) -> Vec<OutcomeRow> {
    let doc = e.doc();
    tally
        .subjects
        .iter()
        .filter_map(|found| {
            let person = doc.subjects.iter().find(|s| s.id == found.subject)?;
            Some(OutcomeRow {
                evaluation_id: doc.id.clone(),
                subject_id: person.id.clone(),
                unit_code: person.unit.clone(),
                name: person.name.clone(),
                post: person.post.clone(),
                period: doc.period.clone(),
                closed_at: closed_at.to_owned(),
                ballots: i64::from(tally.slips.used),
                satisfaction: found.satisfaction.map(|s| s.to_string()),
                talk_due: found.talk_due,
            })
        })
        .collect()
}

/// Whether `now` falls in `[opens_at, closes_at]`.
fn in_window(e: &Evaluation, now: chrono::DateTime<chrono::Utc>) -> Result<(), EvaluationError> {
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    let doc = e.doc();
    match (at(&doc.opens_at), at(&doc.closes_at)) {
        (Some(opens), _) if now < opens => Err(EvaluationError::Closed(format!(
            "evaluation {} opens at {}",
            doc.id, doc.opens_at
        ))),
        (_, Some(closes)) if now > closes => Err(EvaluationError::Closed(format!(
            "evaluation {} closed at {}",
            doc.id, doc.closes_at
        ))),
        _ => Ok(()),
    }
}

impl Intake {
    async fn evaluation_row(&self, id: &str) -> Result<EvaluationRow, EvaluationError> {
        self.store()
            .evaluation(id)
            .await?
            .ok_or_else(|| EvaluationError::NotFound(id.to_owned()))
    }

    /// Makes an evaluation from its JSON (`qingdan.evaluation/1`), checked
    /// with every problem named by its path.
    pub async fn create_evaluation(
        &self,
        text: &str,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<EvaluationInfo, EvaluationError> {
        let e = Evaluation::parse(text).map_err(|problems| {
            let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
            EvaluationError::Invalid(said.join("; "))
        })?;
        let id = e.doc().id.clone();
        let kept = self
            .store()
            .add_evaluation(&id, text, e.sha256(), &crate::rfc3339(now))
            .await?;
        if !kept {
            return Err(EvaluationError::Exists(id));
        }
        self.record(
            actor,
            "evaluation.create",
            &format!("{id} {}", e.sha256()),
            now,
        )
        .await?;
        let row = self.evaluation_row(&id).await?;
        Ok(info(&row, &e))
    }

    /// Every evaluation, the latest made first.
    pub async fn evaluations(&self) -> Result<Vec<EvaluationInfo>, EvaluationError> {
        let rows = self.store().evaluations().await?;
        rows.iter()
            .map(|row| Ok(info(row, &parsed(row)?)))
            .collect()
    }

    /// The evaluation `id` exactly as given (what a ballot page shows, and
    /// whose digest its result names).
    pub async fn evaluation_text(&self, id: &str) -> Result<String, EvaluationError> {
        Ok(self.evaluation_row(id).await?.doc)
    }

    /// Makes the slips of evaluation `id`, once: a random code for each
    /// (grouped as the evaluation says), kept only as its hash. The codes
    /// are returned now and never again.
    pub async fn make_slips(
        &self,
        id: &str,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Slip>, EvaluationError> {
        let e = parsed(&self.evaluation_row(id).await?)?;
        let mut slips = Vec::new();
        let mut hashes = Vec::new();
        for group in &e.doc().groups {
            for _ in 0..group.ballots {
                let (code, hash) = crate::secrets::new_ballot_code().map_err(|err| {
                    EvaluationError::Internal(format!("no random numbers: {err}"))
                })?;
                slips.push(Slip {
                    group: group.id.clone(),
                    code,
                });
                hashes.push((hash, group.id.clone()));
            }
        }
        if !self
            .store()
            .add_slips(id, &hashes, &crate::rfc3339(now))
            .await?
        {
            return Err(EvaluationError::SlipsMade(id.to_owned()));
        }
        self.record(
            actor,
            "evaluation.slips",
            &format!("{id} {}", slips.len()),
            now,
        )
        .await?;
        Ok(slips)
    }

    /// Casts a ballot: `answers` for the slip with `code`, while evaluation
    /// `id` is open. Kept with its code's hash and group only; the rater's
    /// receipt.
    pub async fn cast_ballot(
        &self,
        id: &str,
        code: &str,
        answers: &serde_json::Value,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<BallotReceipt, EvaluationError> {
        let e = parsed(&self.evaluation_row(id).await?)?;
        in_window(&e, now)?;
        let answers: Answers = serde_json::from_value(answers.clone())
            .map_err(|err| EvaluationError::Invalid(format!("answers: {err}")))?;
        e.check_answers(&answers)
            .map_err(|p| EvaluationError::Invalid(format!("answers.{p}")))?;
        let code_sha256 = crate::secrets::ballot_code_hash(code);
        let text = serde_json::to_string(&answers)
            .map_err(|err| EvaluationError::Internal(err.to_string()))?;
        match self.store().cast_ballot(id, &code_sha256, &text).await? {
            Cast::Kept(group) => {
                let ballot = Ballot {
                    code_sha256,
                    group,
                    answers,
                };
                Ok(BallotReceipt {
                    ballot_sha256: evaluation::ballot_sha256(&ballot),
                    code_sha256: ballot.code_sha256,
                })
            }
            Cast::Spent => Err(EvaluationError::Spent),
            Cast::Unknown => Err(EvaluationError::CodeUnknown),
            Cast::Closed => Err(EvaluationError::Closed(format!(
                "evaluation {id} takes no ballot: it is closed, or its slips are not made"
            ))),
        }
    }

    /// Closes evaluation `id`: no ballot is taken after; the result is
    /// counted and signed with the intake's key, kept, and returned.
    pub async fn close_evaluation(
        &self,
        id: &str,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, EvaluationError> {
        let e = parsed(&self.evaluation_row(id).await?)?;
        let closed_at = crate::rfc3339(now);
        let sign = |rows: Vec<crate::store::BallotRow>, issued: u32| {
            let mut ballots = Vec::with_capacity(rows.len());
            for (code_sha256, group, answers) in rows {
                let answers: Answers = serde_json::from_str(&answers)
                    .map_err(|err| format!("a ballot as kept ({code_sha256}): {err}"))?;
                ballots.push(Ballot {
                    code_sha256,
                    group,
                    answers,
                });
            }
            let tally = evaluation::tally(&e, issued, &ballots);
            let outcomes = outcomes(&e, &closed_at, &tally);
            let result = evaluation::sign_result(self.signing_key(), &e, &closed_at, tally);
            Ok((result, outcomes))
        };
        let result = match self.store().close_evaluation(id, &closed_at, sign).await? {
            None => {
                return Err(EvaluationError::Closed(format!(
                    "evaluation {id} is closed already"
                )));
            }
            Some(Err(why)) => return Err(EvaluationError::Internal(why)),
            Some(Ok(result)) => result,
        };
        self.record(actor, "evaluation.close", id, now).await?;
        Ok(result)
    }

    /// What the closed evaluations found for the persons of `unit` (of
    /// `period` only, when given), the latest first.
    pub async fn evaluation_outcomes(
        &self,
        unit: &str,
        period: Option<&str>,
    ) -> Result<Vec<Outcome>, EvaluationError> {
        let rows = self.store().outcomes_of(unit, period).await?;
        Ok(rows
            .into_iter()
            .map(|row| Outcome {
                satisfaction: row.satisfaction.and_then(|s| s.parse().ok()),
                evaluation: row.evaluation_id,
                period: row.period,
                closed_at: row.closed_at,
                subject: row.subject_id,
                name: row.name,
                post: row.post,
                unit: row.unit_code,
                ballots: row.ballots,
                talk_due: row.talk_due,
            })
            .collect())
    }

    /// The signed result of evaluation `id`, once closed.
    pub async fn evaluation_result(&self, id: &str) -> Result<String, EvaluationError> {
        let row = self.evaluation_row(id).await?;
        row.result
            .ok_or_else(|| EvaluationError::NotClosed(id.to_owned()))
    }
}
