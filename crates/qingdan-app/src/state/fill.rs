//! The fill screen's state: the assessment being edited, its checklist, and
//! where its saving stands.
//!
//! Every edit goes through [`FillAction::Edit`] and raises the revision
//! (`rev`); a save names the revision it wrote, and only the save of the
//! latest revision says 已保存. So quick edits never overwrite each other
//! (each is applied to the state the previous one left), and a save that
//! completes late never rolls the status back.

use std::rc::Rc;

use qingdan_core::Template;
use qingdan_core::attachments::Attachment;
use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::Unit;
use yew::Reducible;

use crate::model::{Assessment, ItemInput};

/// Where the last write stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    /// Written and complete.
    Saved,
    /// A write is pending or under way.
    Saving,
    /// The last write failed; the message says why.
    Failed(String),
}

/// How an edit should be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// A click or a pick: write now.
    Now,
    /// A keystroke: write after the debounce.
    Typing,
}

/// An edit of the assessment.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An item's inputs.
    Input(String, ItemInput),
    /// A finding added or changed (by id).
    Finding(Finding),
    /// A finding removed (by id).
    RemoveFinding(String),
    /// What was done about a finding (by finding id); `None` takes it back.
    Rectification(String, Option<Rectification>),
    /// The note on the assessment as a whole (总体说明).
    Note(String),
    /// A file attached (its bytes already kept); its id is given here.
    Attach(Attachment),
    /// A file taken off (by its id in the assessment).
    Detach(String),
    /// The unit and period, corrected on a draft (checked by
    /// [`crate::facts::check`] before).
    Facts(Unit, String),
}

impl Change {
    /// Applies the change to `a`.
    pub fn apply(self, a: &mut Assessment) {
        match self {
            Change::Input(id, input) => {
                a.inputs.insert(id, input);
            }
            Change::Finding(finding) => match a.findings.iter_mut().find(|f| f.id == finding.id) {
                Some(kept) => *kept = finding,
                None => a.findings.push(finding),
            },
            Change::RemoveFinding(id) => {
                a.attachments
                    .retain(|file| file.finding.as_deref() != Some(id.as_str()));
                a.findings.retain(|f| f.id != id);
            }
            Change::Attach(mut file) => {
                file.id = crate::model::next_attachment_id(&a.attachments);
                a.attachments.push(file);
            }
            Change::Detach(id) => a.attachments.retain(|file| file.id != id),
            Change::Rectification(id, Some(r)) => {
                a.rectifications.insert(id, r);
            }
            Change::Rectification(id, None) => {
                a.rectifications.remove(&id);
            }
            Change::Note(note) => a.note = note,
            Change::Facts(unit, period) => {
                a.unit = unit;
                a.period = period;
            }
        }
    }
}

/// The callback every edit goes through.
pub type OnEdit = yew::Callback<(Change, Edit)>;

/// What the fill screen shows and edits.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// Being read.
    Loading,
    /// Could not be read: why, in the user's language.
    Failed(String),
    /// Being edited.
    Ready(Box<Editing>),
}

/// An assessment being edited.
#[derive(Debug, Clone)]
pub struct Editing {
    /// The assessment as edited so far.
    pub assessment: Assessment,
    /// Its checklist.
    pub template: Rc<Template>,
    /// The number of edits applied since it was read.
    pub rev: u64,
    /// How the latest edit wants to be written.
    pub edit: Edit,
    /// When the latest edit was made (the page's clock, in ms), to time
    /// its save.
    pub edited_at_ms: f64,
    /// Where the saving of the latest revision stands.
    pub save: SaveState,
    /// On an inspection: the 民主测评 figures the intake published for the
    /// unit's persons in the period (none until it answers, or offline).
    pub figures: Rc<Vec<crate::sync::Figure>>,
}

impl PartialEq for Editing {
    fn eq(&self, other: &Editing) -> bool {
        Rc::ptr_eq(&self.template, &other.template)
            && self.rev == other.rev
            && self.save == other.save
            && Rc::ptr_eq(&self.figures, &other.figures)
            && self.assessment == other.assessment
    }
}

/// What happens to the fill screen.
#[derive(Debug, Clone)]
pub enum FillAction {
    /// The assessment and its checklist were read.
    Loaded(Box<Assessment>, Rc<Template>),
    /// They could not be: why.
    LoadFailed(String),
    /// The user changed something, at `now` (the record's time) and `at_ms`.
    Edit {
        /// The change.
        change: Change,
        /// How it is written.
        edit: Edit,
        /// The time to record as the last change.
        now: String,
        /// The page's clock, for the save's latency.
        at_ms: f64,
    },
    /// 修改（生成新草稿）: a signed assessment becomes a draft again.
    Reopen {
        /// The time to record as the last change.
        now: String,
        /// The page's clock.
        at_ms: f64,
    },
    /// The intake's published 民主测评 figures for the unit arrived.
    Figures(Rc<Vec<crate::sync::Figure>>),
    /// The write of revision `rev` finished: `Err` says why it failed.
    Saved {
        /// The revision written.
        rev: u64,
        /// Its outcome.
        result: Result<(), String>,
    },
}

impl Fill {
    /// The assessment being edited, when it is read.
    pub fn editing(&self) -> Option<&Editing> {
        match self {
            Fill::Ready(e) => Some(e),
            _ => None,
        }
    }
}

impl Reducible for Fill {
    type Action = FillAction;

    fn reduce(self: Rc<Self>, action: FillAction) -> Rc<Self> {
        let editing = match (&*self, action) {
            (_, FillAction::Loaded(assessment, template)) => {
                return Rc::new(Fill::Ready(Box::new(Editing {
                    assessment: *assessment,
                    template,
                    rev: 0,
                    edit: Edit::Now,
                    edited_at_ms: 0.0,
                    save: SaveState::Saved,
                    figures: Rc::default(),
                })));
            }
            (_, FillAction::LoadFailed(why)) => return Rc::new(Fill::Failed(why)),
            (Fill::Ready(e), action) => (e, action),
            // Nothing to edit or save before it is read.
            _ => return self,
        };
        let (current, action) = editing;
        let mut next = (**current).clone();
        match action {
            FillAction::Edit {
                change,
                edit,
                now,
                at_ms,
            } => {
                let a = &mut next.assessment;
                // A signed assessment is locked: it changes only by reopening.
                if a.is_locked() {
                    return self;
                }
                // A prepared but unsigned packet no longer matches the answers.
                a.packet = None;
                a.signers.clear();
                change.apply(a);
                a.updated_at = now;
                next.touched(edit, at_ms);
            }
            FillAction::Reopen { now, at_ms } => {
                next.assessment.reopen();
                next.assessment.updated_at = now;
                next.touched(Edit::Now, at_ms);
            }
            FillAction::Saved { rev, result } => {
                // Only the latest revision's outcome says where saving stands.
                if rev != current.rev {
                    return self;
                }
                next.save = match result {
                    Ok(()) => SaveState::Saved,
                    Err(why) => SaveState::Failed(why),
                };
            }
            // Shown, not saved: not an edit.
            FillAction::Figures(figures) => next.figures = figures,
            FillAction::Loaded(..) | FillAction::LoadFailed(_) => return self,
        }
        Rc::new(Fill::Ready(Box::new(next)))
    }
}

impl Editing {
    fn touched(&mut self, edit: Edit, at_ms: f64) {
        self.rev += 1;
        self.edit = edit;
        self.edited_at_ms = at_ms;
        self.save = SaveState::Saving;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::state::testing;

    fn loaded() -> Rc<Fill> {
        let template = testing::template("jiandu-zeren");
        let assessment = testing::draft("a0", &template, "2026-03-01T09:00:00Z");
        Rc::new(Fill::Loading).reduce(FillAction::Loaded(Box::new(assessment), template))
    }

    fn answer(item: &str, choice: &str) -> FillAction {
        FillAction::Edit {
            change: Change::Input(
                item.into(),
                ItemInput {
                    choice: Some(choice.into()),
                    ..ItemInput::default()
                },
            ),
            edit: Edit::Now,
            now: "2026-03-01T10:00:00Z".into(),
            at_ms: 1.0,
        }
    }

    fn editing(state: &Fill) -> &Editing {
        state.editing().expect("loaded")
    }

    #[test]
    fn two_answers_before_a_save_completes_both_survive() {
        let state = loaded()
            .reduce(answer("a", "done"))
            .reduce(answer("b", "not_done"));
        let e = editing(&state);
        assert_eq!(e.rev, 2);
        assert_eq!(e.save, SaveState::Saving);
        assert_eq!(e.assessment.inputs["a"].choice.as_deref(), Some("done"));
        assert_eq!(e.assessment.inputs["b"].choice.as_deref(), Some("not_done"));
    }

    #[test]
    fn a_late_save_of_an_older_revision_rolls_nothing_back() {
        let state = loaded().reduce(answer("a", "done"));
        let first = editing(&state).rev;
        let state = state.reduce(answer("a", "partial"));
        // The first write completes after the second edit.
        let state = state.reduce(FillAction::Saved {
            rev: first,
            result: Ok(()),
        });
        let e = editing(&state);
        assert_eq!(e.assessment.inputs["a"].choice.as_deref(), Some("partial"));
        assert_eq!(e.save, SaveState::Saving, "the newer edit is not saved yet");
        let rev = e.rev;
        let state = state.reduce(FillAction::Saved {
            rev,
            result: Ok(()),
        });
        assert_eq!(editing(&state).save, SaveState::Saved);
    }

    #[test]
    fn a_failed_save_of_the_latest_revision_says_why() {
        let state = loaded().reduce(answer("a", "done"));
        let rev = editing(&state).rev;
        let state = state.reduce(FillAction::Saved {
            rev: rev - 1,
            result: Err("old".into()),
        });
        assert_eq!(editing(&state).save, SaveState::Saving);
        let state = state.reduce(FillAction::Saved {
            rev,
            result: Err("full".into()),
        });
        assert_eq!(editing(&state).save, SaveState::Failed("full".into()));
    }

    #[test]
    fn a_signed_assessment_refuses_edits_until_reopened() {
        let state = loaded().reduce(answer("a", "done"));
        let mut signed = editing(&state).clone();
        signed.assessment.status = Status::Signed;
        signed.assessment.packet = Some("{}".into());
        let state = Rc::new(Fill::Ready(Box::new(signed)));
        let after = state.clone().reduce(answer("a", "not_done"));
        assert!(Rc::ptr_eq(&state, &after), "nothing changed");
        assert_eq!(
            editing(&after).assessment.inputs["a"].choice.as_deref(),
            Some("done")
        );

        let reopened = after.reduce(FillAction::Reopen {
            now: "2026-03-02T00:00:00Z".into(),
            at_ms: 2.0,
        });
        let e = editing(&reopened);
        assert_eq!(e.assessment.status, Status::Draft);
        assert_eq!(e.save, SaveState::Saving);
        let state = reopened.reduce(answer("a", "not_done"));
        assert_eq!(
            editing(&state).assessment.inputs["a"].choice.as_deref(),
            Some("not_done")
        );
    }

    #[test]
    fn the_overall_note_is_an_edit_like_any_other() {
        let state = loaded().reduce(FillAction::Edit {
            change: Change::Note("全年无新发问题".into()),
            edit: Edit::Typing,
            now: "2026-03-01T10:00:00Z".into(),
            at_ms: 1.0,
        });
        let e = editing(&state);
        assert_eq!(e.assessment.note, "全年无新发问题");
        assert_eq!(
            (e.rev, e.edit, &e.save),
            (1, Edit::Typing, &SaveState::Saving)
        );
    }

    #[test]
    fn a_corrected_unit_and_period_keep_every_answer() {
        let state = loaded()
            .reduce(answer("a", "done"))
            .reduce(answer("b", "partial"));
        let before = editing(&state).assessment.inputs.clone();
        let unit = Unit {
            code: "510824-101".into(),
            name: "某某镇党委".into(),
        };
        let state = state.reduce(FillAction::Edit {
            change: Change::Facts(unit.clone(), "2025".into()),
            edit: Edit::Now,
            now: "2026-03-01T11:00:00Z".into(),
            at_ms: 3.0,
        });
        let e = editing(&state);
        assert_eq!(
            (&e.assessment.unit, e.assessment.period.as_str()),
            (&unit, "2025")
        );
        assert_eq!(e.assessment.inputs, before, "no answer is lost");
        assert_eq!(e.save, SaveState::Saving, "the correction is written");
    }

    #[test]
    fn an_edit_drops_a_prepared_packet() {
        let state = loaded();
        let mut prepared = editing(&state).clone();
        prepared.assessment.packet = Some("{}".into());
        let state = Rc::new(Fill::Ready(Box::new(prepared))).reduce(answer("a", "done"));
        assert_eq!(editing(&state).assessment.packet, None);
    }

    #[test]
    fn nothing_is_edited_before_it_is_read() {
        let state = Rc::new(Fill::Loading);
        let after = state.clone().reduce(answer("a", "done"));
        assert!(Rc::ptr_eq(&state, &after));
    }
}
