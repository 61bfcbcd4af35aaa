//! 民主测评: evaluations, their slips' code hashes, and the ballots cast,
//! each one code's. A ballot is cast in one transaction that first takes
//! the evaluation's row (refused once it is closed), then spends the code
//! (only if unspent) and keeps the ballot; a close takes the same row
//! first, so it waits for the casts under way and counts every one, and
//! no ballot is taken after it.

use super::{Store, StoreError};

/// An evaluation as kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvaluationRow {
    /// Its id.
    pub id: String,
    /// The evaluation as given.
    pub doc: String,
    /// When it was made.
    pub created_at: String,
    /// When its slips were made.
    pub slips_made_at: Option<String>,
    /// Ballots cast.
    pub ballots_cast: i64,
    /// When it was closed.
    pub closed_at: Option<String>,
    /// Its signed result, once closed.
    pub result: Option<String>,
}

/// What became of a ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cast {
    /// Kept, counted in this group.
    Kept(String),
    /// The code's ballot was cast already.
    Spent,
    /// No slip of this evaluation has this code.
    Unknown,
    /// The evaluation is closed, or has no slips yet.
    Closed,
}

/// A ballot as kept: its code's hash, its group, its answers (JSON).
pub type BallotRow = (String, String, String);

/// What a closed evaluation found for one person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutcomeRow {
    /// The evaluation.
    pub evaluation_id: String,
    /// The person's id in it.
    pub subject_id: String,
    /// Their unit's code.
    pub unit_code: String,
    /// Their name.
    pub name: String,
    /// Their post.
    pub post: String,
    /// The period the evaluation names.
    pub period: Option<String>,
    /// When it closed.
    pub closed_at: String,
    /// Ballots counted.
    pub ballots: i64,
    /// Their weighted satisfaction in percent (a fixed-point text).
    pub satisfaction: Option<String>,
    /// Whether a talk (约谈) is due.
    pub talk_due: bool,
}

/// Outcomes a unit's list gives at most (its latest).
const OUTCOMES_OF_A_UNIT: i64 = 50;

impl Store {
    /// Keeps a new evaluation; `false` when one has this id already.
    pub async fn add_evaluation(
        &self,
        id: &str,
        doc: &str,
        sha256: &str,
        now: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "INSERT INTO evaluations (id, doc, sha256, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(doc)
            .bind(sha256)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// The evaluation `id`.
    pub async fn evaluation(&self, id: &str) -> Result<Option<EvaluationRow>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, doc, created_at, slips_made_at, ballots_cast, closed_at, result
             FROM evaluations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?))
    }

    /// Every evaluation, the latest made first.
    pub async fn evaluations(&self) -> Result<Vec<EvaluationRow>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, doc, created_at, slips_made_at, ballots_cast, closed_at, result
             FROM evaluations ORDER BY created_at DESC, id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Keeps the hashes of an evaluation's slips' codes, each with its
    /// group, once: `false` when its slips were made already.
    pub async fn add_slips(
        &self,
        id: &str,
        codes: &[(String, String)],
        now: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let first = sqlx::query(
                "UPDATE evaluations SET slips_made_at = $2 WHERE id = $1 AND slips_made_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if first.rows_affected() != 1 {
                return Ok(false);
            }
            for (code_sha256, group) in codes {
                sqlx::query(
                    "INSERT INTO evaluation_codes (code_sha256, evaluation_id, grp) VALUES ($1, $2, $3)",
                )
                .bind(code_sha256)
                .bind(id)
                .bind(group)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Casts the ballot of the slip whose code hashes to `code_sha256`:
    /// kept with its group when the evaluation is open (not closed, its
    /// slips made) and the code unspent.
    pub async fn cast_ballot(
        &self,
        id: &str,
        code_sha256: &str,
        answers: &str,
    ) -> Result<Cast, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let open = sqlx::query(
                "UPDATE evaluations SET ballots_cast = ballots_cast + 1
                 WHERE id = $1 AND closed_at IS NULL AND slips_made_at IS NOT NULL",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if open.rows_affected() != 1 {
                return Ok(Cast::Closed);
            }
            let spent: Option<(String,)> = sqlx::query_as(
                "UPDATE evaluation_codes SET used = TRUE
                 WHERE code_sha256 = $1 AND evaluation_id = $2 AND NOT used RETURNING grp",
            )
            .bind(code_sha256)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((group,)) = spent else {
                let known: Option<(bool,)> = sqlx::query_as(
                    "SELECT used FROM evaluation_codes WHERE code_sha256 = $1 AND evaluation_id = $2",
                )
                .bind(code_sha256)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                return Ok(if known.is_some() { Cast::Spent } else { Cast::Unknown });
            };
            sqlx::query(
                "INSERT INTO evaluation_ballots (code_sha256, evaluation_id, grp, answers)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(code_sha256)
            .bind(id)
            .bind(&group)
            .bind(answers)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Cast::Kept(group))
        })
    }

    /// Closes an evaluation: takes its row (so that the casts under way
    /// finish first and no later one is kept), reads every ballot in the
    /// order of their code hashes and the slips issued, and keeps the
    /// result `sign` makes of them. `None` when it is closed already.
    pub async fn close_evaluation(
        &self,
        id: &str,
        now: &str,
        sign: impl FnOnce(Vec<BallotRow>, u32) -> Result<(String, Vec<OutcomeRow>), String>,
    ) -> Result<Option<Result<String, String>>, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let closing = sqlx::query(
                "UPDATE evaluations SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if closing.rows_affected() != 1 {
                return Ok(None);
            }
            let ballots: Vec<BallotRow> = sqlx::query_as(
                "SELECT code_sha256, grp, answers FROM evaluation_ballots
                 WHERE evaluation_id = $1 ORDER BY code_sha256",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let (issued,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM evaluation_codes WHERE evaluation_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let (result, outcomes) =
                match sign(ballots, u32::try_from(issued).unwrap_or(u32::MAX)) {
                    Ok(signed) => signed,
                    Err(why) => return Ok(Some(Err(why))),
                };
            sqlx::query("UPDATE evaluations SET result = $2 WHERE id = $1")
                .bind(id)
                .bind(&result)
                .execute(&mut *tx)
                .await?;
            for o in &outcomes {
                sqlx::query(
                    "INSERT INTO evaluation_outcomes (evaluation_id, subject_id, unit_code, name,
                        post, period, closed_at, ballots, satisfaction, talk_due)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&o.evaluation_id)
                .bind(&o.subject_id)
                .bind(&o.unit_code)
                .bind(&o.name)
                .bind(&o.post)
                .bind(&o.period)
                .bind(&o.closed_at)
                .bind(o.ballots)
                .bind(&o.satisfaction)
                .bind(o.talk_due)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Some(Ok(result)))
        })
    }

    /// Every person due a talk by the evaluations of `period`, by unit and
    /// name, read by the `(period, talk_due)` index: for a page of the
    /// ranking or all of it (the persons flagged in a period are few beside
    /// its units).
    pub async fn talks_in(&self, period: &str) -> Result<Vec<OutcomeRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT * FROM evaluation_outcomes WHERE period = $1 AND talk_due
                 ORDER BY unit_code, name, evaluation_id",
            )
            .bind(period)
            .fetch_all(pool)
            .await?)
        })
    }

    /// How many persons the evaluations of `period` found due a talk.
    pub async fn talks_due(&self, period: &str) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM evaluation_outcomes WHERE period = $1 AND talk_due",
            )
            .bind(period)
            .fetch_one(pool)
            .await?;
            Ok(n)
        })
    }

    /// What the closed evaluations found for the persons of `unit` (of
    /// `period` only, when given), the latest first; at most
    /// [`OUTCOMES_OF_A_UNIT`].
    pub async fn outcomes_of(
        &self,
        unit: &str,
        period: Option<&str>,
    ) -> Result<Vec<OutcomeRow>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_as(
                "SELECT * FROM evaluation_outcomes
                 WHERE unit_code = $1 AND (CAST($2 AS TEXT) IS NULL OR period = $2)
                 ORDER BY closed_at DESC, evaluation_id, subject_id LIMIT $3",
            )
            .bind(unit)
            .bind(period)
            .bind(OUTCOMES_OF_A_UNIT)
            .fetch_all(pool)
            .await?)
        })
    }
}
