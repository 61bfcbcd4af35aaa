//! Assessment rounds (考核批次) and their tracker: which units of a round
//! have submitted (time, score, grade), which were refused (the latest
//! reason), and which have not — overdue once the deadline has passed.
//! The question an office asks every day near a deadline.

use qingdan_core::Fixed;
use qingdan_core::packet::PacketKind;
use serde::Serialize;

use crate::accounts::Actor;
use crate::errors::AdminError;
use crate::intake::Intake;
use crate::store::{RoundFilter, RoundInfo, RoundUnitRow};

/// A round to make.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewRound {
    /// The checklist's id.
    pub template: String,
    /// Its version (default the latest published).
    pub version: Option<u32>,
    /// The period, e.g. `2026`.
    pub period: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// The last day packets are due, `YYYY-MM-DD`.
    pub deadline: String,
    /// The units it covers (default every registered unit).
    #[serde(default)]
    pub units: Vec<String>,
}

/// Where a unit of a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitStatus {
    /// 未提交: nothing accepted yet, the deadline not passed.
    Missing,
    /// 已提交: a packet accepted.
    Submitted,
    /// 被拒绝: nothing accepted, a packet refused.
    Refused,
    /// 逾期未提交: nothing accepted, the deadline passed.
    Overdue,
}

/// One unit of a round as the tracker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitState {
    /// The unit's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub status: UnitStatus,
    /// Its latest accepted packet.
    pub packet_id: Option<String>,
    /// When that was received.
    pub received_at: Option<String>,
    /// Its total (总分), two places.
    pub total: Option<Fixed>,
    /// Its percentage (得分率), two places.
    pub percentage: Option<Fixed>,
    /// Its grade's band id.
    pub grade: Option<String>,
    /// When its latest refused packet was refused.
    pub refused_at: Option<String>,
    /// The refusal's code (`key-not-enrolled`, …).
    pub refused_code: Option<String>,
    /// What the refusal said.
    pub refused_detail: Option<String>,
}

/// How many units of a round stand where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StatusCounts {
    /// All the round's units.
    pub units: i64,
    /// 未提交.
    pub missing: i64,
    /// 已提交.
    pub submitted: i64,
    /// 被拒绝.
    pub refused: i64,
    /// 逾期未提交.
    pub overdue: i64,
}

/// The tracker: a round, the day it is judged on, the counts, and a page
/// of its units.
#[derive(Debug, Clone, Serialize)]
pub struct RoundStatus {
    /// The round.
    pub round: RoundInfo,
    /// The day judged on, `YYYY-MM-DD`.
    pub as_of: String,
    /// Whether the deadline has passed on that day.
    pub past_deadline: bool,
    /// The counts over all the round's units.
    pub counts: StatusCounts,
    /// This page's units, by code.
    pub units: Vec<UnitState>,
    /// This page, from 1.
    pub page: u64,
    /// Units a page.
    pub per_page: u64,
    /// Units the filter keeps, in all.
    pub total_units: u64,
    /// Pages in all.
    pub pages: u64,
}

/// Whether `deadline` (`YYYY-MM-DD`, the last day) has passed on `as_of`.
pub fn past_deadline(deadline: &str, as_of: chrono::NaiveDate) -> bool {
    qingdan_core::findings::parse_date(deadline).is_some_and(|last| as_of > last)
}

/// Where a unit stands, from its row and whether the deadline has passed.
pub fn unit_state(row: RoundUnitRow, past_deadline: bool) -> UnitState {
    let status = match (&row.packet_id, &row.refused_at) {
        (Some(_), _) => UnitStatus::Submitted,
        (None, Some(_)) => UnitStatus::Refused,
        (None, None) if past_deadline => UnitStatus::Overdue,
        (None, None) => UnitStatus::Missing,
    };
    let submitted = status == UnitStatus::Submitted;
    UnitState {
        code: row.code,
        name: row.name,
        status,
        total: row.total.filter(|_| submitted).map(Fixed::from_hundredths),
        percentage: row
            .percentage
            .filter(|_| submitted)
            .map(Fixed::from_hundredths),
        grade: row.grade.filter(|_| submitted),
        packet_id: row.packet_id,
        received_at: row.received_at,
        refused_at: row.refused_at.filter(|_| !submitted),
        refused_code: row.refused_code.filter(|_| !submitted),
        refused_detail: row.refused_detail.filter(|_| !submitted),
    }
}

impl Intake {
    /// Makes a round; answers it. The checklist must be published, the
    /// kind one that is scored, the deadline a day, every unit named
    /// registered.
    pub async fn create_round(
        &self,
        round: &NewRound,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<RoundInfo, AdminError> {
        let kind = match round.kind.as_str() {
            "self-assessment" => PacketKind::SelfAssessment,
            "inspection" => PacketKind::Inspection,
            other => {
                return Err(AdminError::Invalid(format!(
                    "kind: {other:?} is not a kind a round collects: self-assessment or inspection"
                )));
            }
        };
        if qingdan_core::findings::parse_date(&round.deadline).is_none() {
            return Err(AdminError::Invalid(format!(
                "deadline: {:?} is not a day YYYY-MM-DD",
                round.deadline
            )));
        }
        let period = round.period.trim();
        if period.is_empty() || period.len() > 32 {
            return Err(AdminError::Invalid(
                "period: 1 to 32 characters, e.g. 2026".into(),
            ));
        }
        let version = match round.version {
            Some(v) => v,
            None => self
                .store()
                .templates()
                .await?
                .iter()
                .filter(|t| t.id == round.template)
                .filter_map(|t| u32::try_from(t.version).ok())
                .max()
                .ok_or_else(|| {
                    AdminError::Invalid(format!("template: {} is not published", round.template))
                })?,
        };
        if self.template(&round.template, version).await?.is_none() {
            return Err(AdminError::Invalid(format!(
                "template: {} v{version} is not published",
                round.template
            )));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let units = self
            .store()
            .add_round(
                &id,
                (&round.template, version),
                period,
                kind.as_str(),
                &round.deadline,
                &round.units,
                &crate::rfc3339(now),
            )
            .await?;
        match units {
            Err(unknown) => Err(AdminError::Invalid(format!(
                "units: not registered: {}",
                unknown.join(", ")
            ))),
            Ok(0) => Err(AdminError::Invalid(
                "units: no unit is registered for the round to cover".into(),
            )),
            Ok(_) => {
                self.record(
                    actor,
                    "round.create",
                    &format!(
                        "{id} {} v{version} {period} {}",
                        round.template,
                        kind.as_str()
                    ),
                    now,
                )
                .await?;
                self.store()
                    .round(&id)
                    .await?
                    .ok_or_else(|| AdminError::Internal(format!("round {id} was not kept")))
            }
        }
    }

    /// Every round, the latest made first.
    pub async fn rounds(&self) -> Result<Vec<RoundInfo>, AdminError> {
        Ok(self.store().rounds().await?)
    }

    /// The tracker of round `id` on `as_of`: counts over all its units and
    /// one page (`page` from 1, `per_page` units) of those with `only`
    /// status (all when none).
    pub async fn round_status(
        &self,
        id: &str,
        as_of: chrono::NaiveDate,
        only: Option<UnitStatus>,
        page: u64,
        per_page: u64,
    ) -> Result<Option<RoundStatus>, AdminError> {
        let store = self.store();
        let Some(round) = store.round(id).await? else {
            return Ok(None);
        };
        let past = past_deadline(&round.deadline, as_of);
        let raw = store.round_counts(id).await?;
        let counts = StatusCounts {
            units: round.units,
            submitted: raw.submitted,
            refused: raw.refused,
            missing: if past { 0 } else { raw.waiting },
            overdue: if past { raw.waiting } else { 0 },
        };
        let (filter, total) = match only {
            None => (RoundFilter::All, round.units),
            Some(UnitStatus::Submitted) => (RoundFilter::Submitted, counts.submitted),
            Some(UnitStatus::Refused) => (RoundFilter::Refused, counts.refused),
            Some(UnitStatus::Missing) => (RoundFilter::Waiting, counts.missing),
            Some(UnitStatus::Overdue) => (RoundFilter::Waiting, counts.overdue),
        };
        let total = u64::try_from(total).unwrap_or(0);
        let page = page.max(1);
        let per_page = per_page.max(1);
        let units = if total == 0 {
            Vec::new()
        } else {
            let offset = i64::try_from((page - 1).saturating_mul(per_page)).unwrap_or(i64::MAX);
            let limit = i64::try_from(per_page).unwrap_or(i64::MAX);
            store
                .round_units(id, filter, offset, limit)
                .await?
                .into_iter()
                .map(|row| unit_state(row, past))
                .collect()
        };
        Ok(Some(RoundStatus {
            round,
            as_of: as_of.format("%Y-%m-%d").to_string(),
            past_deadline: past,
            counts,
            units,
            page,
            per_page,
            total_units: total,
            pages: total.div_ceil(per_page),
        }))
    }
}
