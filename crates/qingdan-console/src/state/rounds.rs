//! The rounds page: the rounds made, the checklists a new one may use,
//! and the new-round form's checks (each problem naming its field, as the
//! intake's own 422 does).

use std::rc::Rc;

use yew::Reducible;

use super::Notice;
use crate::api::{ApiError, Checklist, NewRound, Round, is_day};
use crate::i18n::T;
use crate::messages::{self, Message, RoundField};

/// What the new-round form holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoundForm {
    /// The checklist chosen: `<id>@<version>` ([`checklist_key`]).
    pub checklist: String,
    /// The period.
    pub period: String,
    /// `self-assessment` or `inspection`.
    pub kind: String,
    /// The last day, `YYYY-MM-DD`.
    pub deadline: String,
}

/// The form's value for a checklist at a version.
pub fn checklist_key(id: &str, version: u32) -> String {
    format!("{id}@{version}")
}

/// The checklists in the order offered: by id, each id's latest version
/// first (the one chosen unless another is).
pub fn offered(checklists: &[Checklist]) -> Vec<Checklist> {
    let mut all = checklists.to_vec();
    all.sort_by(|a, b| a.id.cmp(&b.id).then(b.version.cmp(&a.version)));
    all
}

/// The round `form` asks for (every registered unit), or the field that is
/// wrong and why.
pub fn check(form: &RoundForm) -> Result<NewRound, (RoundField, T)> {
    let (template, version) = form
        .checklist
        .rsplit_once('@')
        .and_then(|(id, v)| Some((id, v.parse::<u32>().ok()?)))
        .filter(|(id, _)| !id.is_empty())
        .ok_or((RoundField::Template, T::NeedChecklist))?;
    let period = form.period.trim();
    if period.is_empty() {
        return Err((RoundField::Period, T::NeedPeriod));
    }
    if period.len() > 32 {
        return Err((RoundField::Period, T::PeriodTooLong));
    }
    if !matches!(form.kind.as_str(), "self-assessment" | "inspection") {
        return Err((RoundField::Kind, T::KindNotCollected));
    }
    let deadline = form.deadline.trim();
    if deadline.is_empty() {
        return Err((RoundField::Deadline, T::NeedDeadline));
    }
    if !is_day(deadline) {
        return Err((RoundField::Deadline, T::BadDeadline));
    }
    Ok(NewRound {
        template: template.to_owned(),
        version,
        period: period.to_owned(),
        kind: form.kind.clone(),
        deadline: deadline.to_owned(),
        units: Vec::new(),
    })
}

/// What the rounds page shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rounds {
    /// The published checklists (`None` until read).
    pub checklists: Option<Vec<Checklist>>,
    /// The rounds, the latest made first (`None` until read).
    pub rounds: Option<Vec<Round>>,
    /// Why they could not be read.
    pub failed: Option<ApiError>,
    /// A new round is being made.
    pub busy: bool,
    /// The form's notice.
    pub notice: Notice,
    /// The field the notice is about.
    pub field: Option<RoundField>,
}

/// What happens on the rounds page.
#[derive(Debug, Clone)]
pub enum RoundsAction {
    /// The checklists and the rounds were read.
    Loaded(Vec<Checklist>, Vec<Round>),
    /// They could not be.
    LoadFailed(ApiError),
    /// The form was sent.
    Sending,
    /// The form is wrong at a field.
    Wrong(RoundField, T),
    /// The round was made.
    Created(Round),
    /// The intake refused it.
    Refused(ApiError),
}

impl Reducible for Rounds {
    type Action = RoundsAction;

    fn reduce(self: Rc<Self>, action: RoundsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            RoundsAction::Loaded(checklists, rounds) => {
                next.checklists = Some(offered(&checklists));
                next.rounds = Some(rounds);
                next.failed = None;
            }
            RoundsAction::LoadFailed(e) => next.failed = Some(e),
            RoundsAction::Sending => {
                next.busy = true;
                next.notice = Notice::None;
                next.field = None;
            }
            RoundsAction::Wrong(field, why) => {
                next.notice = Notice::Error(Message::Plain(why));
                next.field = Some(field);
            }
            RoundsAction::Created(round) => {
                next.busy = false;
                let what = format!(
                    "{} v{} {} {}",
                    round.template_id, round.template_version, round.period, round.deadline
                );
                next.notice = Notice::Ok(Message::Filled(T::Created, vec![("what", what)]));
                next.field = None;
                let mut rounds = next.rounds.take().unwrap_or_default();
                rounds.retain(|r| r.id != round.id);
                rounds.insert(0, round);
                next.rounds = Some(rounds);
            }
            RoundsAction::Refused(e) => {
                next.busy = false;
                match messages::round_refusal(&e) {
                    Some((field, said)) => {
                        next.notice = Notice::Error(said);
                        next.field = Some(field);
                    }
                    None => {
                        next.notice = Notice::Error(Message::Api(e));
                        next.field = None;
                    }
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Problem;
    use crate::i18n::Lang;

    fn form() -> RoundForm {
        RoundForm {
            checklist: checklist_key("jiandu-zeren", 2),
            period: " 2026 ".into(),
            kind: "self-assessment".into(),
            deadline: "2027-01-15".into(),
        }
    }

    fn round(id: &str) -> Round {
        Round {
            id: id.into(),
            template_id: "jiandu-zeren".into(),
            template_version: 2,
            period: "2026".into(),
            kind: "self-assessment".into(),
            deadline: "2027-01-15".into(),
            created_at: "2026-12-01T08:00:00Z".into(),
            units: 3,
        }
    }

    #[test]
    fn a_filled_form_is_a_round_over_every_registered_unit() {
        assert_eq!(
            check(&form()),
            Ok(NewRound {
                template: "jiandu-zeren".into(),
                version: 2,
                period: "2026".into(),
                kind: "self-assessment".into(),
                deadline: "2027-01-15".into(),
                units: Vec::new(),
            })
        );
    }

    #[test]
    fn each_missing_or_wrong_field_is_named() {
        let wrong = |f: fn(&mut RoundForm)| {
            let mut form = form();
            f(&mut form);
            check(&form).unwrap_err()
        };
        assert_eq!(
            wrong(|f| f.checklist.clear()),
            (RoundField::Template, T::NeedChecklist)
        );
        assert_eq!(
            wrong(|f| f.period = "  ".into()),
            (RoundField::Period, T::NeedPeriod)
        );
        assert_eq!(
            wrong(|f| f.period = "x".repeat(33)),
            (RoundField::Period, T::PeriodTooLong)
        );
        assert_eq!(
            wrong(|f| f.kind = "rectification".into()),
            (RoundField::Kind, T::KindNotCollected)
        );
        assert_eq!(
            wrong(|f| f.deadline.clear()),
            (RoundField::Deadline, T::NeedDeadline)
        );
        assert_eq!(
            wrong(|f| f.deadline = "2027-02-30".into()),
            (RoundField::Deadline, T::BadDeadline)
        );
    }

    #[test]
    fn the_latest_version_of_each_checklist_is_offered_first() {
        let c = |id: &str, version| Checklist {
            id: id.into(),
            version,
            title: id.into(),
        };
        let offered = offered(&[c("b", 1), c("a", 1), c("b", 2)]);
        let keys: Vec<String> = offered
            .iter()
            .map(|c| checklist_key(&c.id, c.version))
            .collect();
        assert_eq!(keys, ["a@1", "b@2", "b@1"]);
    }

    #[test]
    fn a_made_round_heads_the_list_and_a_refusal_marks_its_field() {
        let page = Rc::new(Rounds::default())
            .reduce(RoundsAction::Loaded(Vec::new(), vec![round("old")]))
            .reduce(RoundsAction::Sending)
            .reduce(RoundsAction::Created(round("new")));
        let ids: Vec<&str> = page
            .rounds
            .iter()
            .flatten()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["new", "old"]);
        assert!(matches!(&page.notice, Notice::Ok(_)) && !page.busy);
        let page = page.reduce(RoundsAction::Refused(ApiError::Refused(Problem {
            status: 422,
            code: "invalid".into(),
            detail: "units: no unit is registered for the round to cover".into(),
            retry_after: None,
        })));
        assert_eq!(page.field, Some(RoundField::Units));
        let Notice::Error(said) = &page.notice else {
            panic!("an error")
        };
        assert_eq!(said.text(Lang::Zh), T::NoUnitsRegistered.get(Lang::Zh));
    }
}
