//! Assessment rounds (考核批次) and where each unit of a round stands
//! (`rounds`, `round_units`, `refusals`, read beside `latest_packets`).

use super::{Store, StoreError};

/// A round as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RoundInfo {
    /// Its id.
    pub id: String,
    /// The checklist.
    pub template_id: String,
    /// Its version.
    pub template_version: i64,
    /// The period, e.g. `2026`.
    pub period: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// The last day packets are due, `YYYY-MM-DD`.
    pub deadline: String,
    /// When it was made.
    pub created_at: String,
    /// How many units it covers.
    pub units: i64,
}

/// One unit of a round, with its latest packet of the round's checklist,
/// period and kind, and its latest refusal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundUnitRow {
    /// The unit's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its latest packet's id, if one was accepted.
    pub packet_id: Option<String>,
    /// When that packet was received.
    pub received_at: Option<String>,
    /// Its total, in hundredths.
    pub total: Option<i64>,
    /// Its percentage, in hundredths.
    pub percentage: Option<i64>,
    /// Its grade's band id.
    pub grade: Option<String>,
    /// When the unit's latest packet was refused, if one was.
    pub refused_at: Option<String>,
    /// The refusal's code.
    pub refused_code: Option<String>,
    /// The refusal's detail.
    pub refused_detail: Option<String>,
}

/// A round's units by where they stand: accepted, refused (and nothing
/// accepted), and neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundCounts {
    /// Units with a packet accepted.
    pub submitted: i64,
    /// Units with none accepted and one refused.
    pub refused: i64,
    /// Units with neither.
    pub waiting: i64,
}

/// Which units of a round a tracker page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundFilter {
    /// All.
    All,
    /// With a packet accepted.
    Submitted,
    /// None accepted, one refused.
    Refused,
    /// Neither accepted nor refused.
    Waiting,
}

/// The round's units joined to each one's latest packet (of any person, on
/// a list about a person: the latest received) and latest refusal.
const ROUND_UNITS: &str = "
    FROM round_units ru
    JOIN rounds r ON r.id = ru.round_id
    JOIN units u ON u.code = ru.unit_code
    LEFT JOIN (
        SELECT l.unit_code, l.packet_id, l.received_at, l.total, l.standing,
               ROW_NUMBER() OVER (PARTITION BY l.unit_code
                                  ORDER BY l.received_at DESC, l.packet_id DESC) AS n
        FROM latest_packets l JOIN rounds r2 ON r2.id = $1
        WHERE l.template_id = r2.template_id AND l.template_version = r2.template_version
          AND l.period = r2.period AND l.kind = r2.kind
    ) l ON l.unit_code = ru.unit_code AND l.n = 1
    LEFT JOIN packet_summaries s ON s.packet_id = l.packet_id
    LEFT JOIN refusals f ON f.template_id = r.template_id
        AND f.template_version = r.template_version AND f.period = r.period
        AND f.kind = r.kind AND f.unit_code = ru.unit_code
    WHERE ru.round_id = $1";

impl Store {
    /// Makes a round over `units` (every registered unit when empty);
    /// answers how many units it covers. Units not registered are refused
    /// by name before anything is written.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_round(
        &self,
        id: &str,
        template: (&str, u32),
        period: &str,
        kind: &str,
        deadline: &str,
        units: &[String],
        now: &str,
    ) -> Result<Result<i64, Vec<String>>, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut unknown = Vec::new();
            for unit in units {
                let known: Option<(String,)> =
                    sqlx::query_as("SELECT code FROM units WHERE code = $1")
                        .bind(unit)
                        .fetch_optional(&mut *tx)
                        .await?;
                if known.is_none() {
                    unknown.push(unit.clone());
                }
            }
            if !unknown.is_empty() {
                return Ok(Err(unknown));
            }
            sqlx::query(
                "INSERT INTO rounds (id, template_id, template_version, period, kind, deadline, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(template.0)
            .bind(i64::from(template.1))
            .bind(period)
            .bind(kind)
            .bind(deadline)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if units.is_empty() {
                sqlx::query(
                    "INSERT INTO round_units (round_id, unit_code) SELECT $1, code FROM units",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            } else {
                for unit in units {
                    sqlx::query(
                        "INSERT INTO round_units (round_id, unit_code) VALUES ($1, $2)
                         ON CONFLICT (round_id, unit_code) DO NOTHING",
                    )
                    .bind(id)
                    .bind(unit)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM round_units WHERE round_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Ok(n))
        })
    }

    /// A round, if there is one with this id.
    pub async fn round(&self, id: &str) -> Result<Option<RoundInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT r.id, r.template_id, r.template_version, r.period, r.kind, r.deadline,
                    r.created_at, (SELECT COUNT(*) FROM round_units ru WHERE ru.round_id = r.id) AS units
             FROM rounds r WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?))
    }

    /// Every round, the latest made first.
    pub async fn rounds(&self) -> Result<Vec<RoundInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT r.id, r.template_id, r.template_version, r.period, r.kind, r.deadline,
                    r.created_at, (SELECT COUNT(*) FROM round_units ru WHERE ru.round_id = r.id) AS units
             FROM rounds r ORDER BY r.created_at DESC, r.id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// How a round's units stand.
    pub async fn round_counts(&self, id: &str) -> Result<RoundCounts, StoreError> {
        let sql = format!(
            "SELECT COUNT(l.packet_id),
                    COUNT(CASE WHEN l.packet_id IS NULL AND f.at IS NOT NULL THEN 1 END),
                    COUNT(CASE WHEN l.packet_id IS NULL AND f.at IS NULL THEN 1 END)
             {ROUND_UNITS}"
        );
        on_pool!(self, pool => {
            let (submitted, refused, waiting): (i64, i64, i64) =
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(pool).await?;
            Ok(RoundCounts { submitted, refused, waiting })
        })
    }

    /// Up to `limit` of a round's units from `offset`, by unit code, of
    /// those `filter` keeps.
    pub async fn round_units(
        &self,
        id: &str,
        filter: RoundFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<RoundUnitRow>, StoreError> {
        let only = match filter {
            RoundFilter::All => "",
            RoundFilter::Submitted => " AND l.packet_id IS NOT NULL",
            RoundFilter::Refused => " AND l.packet_id IS NULL AND f.at IS NOT NULL",
            RoundFilter::Waiting => " AND l.packet_id IS NULL AND f.at IS NULL",
        };
        let sql = format!(
            "SELECT u.code, u.name, l.packet_id, l.received_at, l.total, s.percentage, s.grade,
                    f.at AS refused_at, f.code AS refused_code, f.detail AS refused_detail
             {ROUND_UNITS}{only}
             ORDER BY u.code LIMIT {limit} OFFSET {offset}"
        );
        on_pool!(self, pool => Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(pool)
            .await?))
    }

    /// Keeps a unit's latest refusal for a checklist, period and kind.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_refusal(
        &self,
        template: (&str, u32),
        period: &str,
        kind: &str,
        unit: &str,
        at: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO refusals (template_id, template_version, period, kind, unit_code, at, code, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (template_id, template_version, period, kind, unit_code)
                 DO UPDATE SET at = excluded.at, code = excluded.code, detail = excluded.detail
                 WHERE excluded.at >= refusals.at",
            )
            .bind(template.0)
            .bind(i64::from(template.1))
            .bind(period)
            .bind(kind)
            .bind(unit)
            .bind(at)
            .bind(code)
            .bind(detail)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}
