//! The sign screen's state: the assessment and the keys on this device,
//! the key chosen for each signer's place, how many extra places a role
//! that takes several has, and the notice line (shown at the signer's
//! place when it is about one signer's signature).

use std::collections::BTreeMap;
use std::rc::Rc;

use qingdan_core::Template;
use yew::Reducible;

use super::Notice;
use crate::model::Assessment;
use crate::vault::SealedKey;

/// An assessment with its checklist, or why it could not be read.
pub type Loaded = Result<(Assessment, Rc<Template>), String>;

/// What the sign screen shows.
#[derive(Debug, Clone, Default)]
pub struct Sign {
    /// The assessment (`None` until read).
    pub loaded: Option<Loaded>,
    /// The keys on this device (`None` until read).
    pub keys: Option<Vec<SealedKey>>,
    /// The key chosen for each place (by place id).
    pub choice: BTreeMap<String, String>,
    /// How many signers a role that takes several has beyond the first.
    pub extra: BTreeMap<String, usize>,
    /// The notice line.
    pub notice: Notice,
    /// The place the notice is about (a signature refused there).
    pub notice_at: Option<String>,
    /// A signature is being made.
    pub busy: bool,
}

/// What happens on the sign screen.
#[derive(Debug, Clone)]
pub enum SignAction {
    /// The assessment was read (or not).
    Loaded(Loaded),
    /// The keys were read.
    Keys(Vec<SealedKey>),
    /// A key chosen for a place.
    Choose {
        /// The place's id.
        place: String,
        /// The key's fingerprint.
        key: String,
    },
    /// Another place for `role`, which has `count` now.
    AddSigner {
        /// The role.
        role: String,
        /// The places it has now.
        count: usize,
    },
    /// The place `place` of `role` taken away.
    RemoveSigner {
        /// The role.
        role: String,
        /// The place's id.
        place: String,
    },
    /// A signature is being made.
    Busy,
    /// Something was refused: why.
    Refused(String),
    /// A signature at a place was refused (a wrong PIN, say): why.
    RefusedAt {
        /// The place's id.
        place: String,
        /// Why.
        why: String,
    },
    /// The assessment as saved after a step, and what to say.
    Done(Assessment, Notice),
}

impl Sign {
    /// The assessment and its checklist, once both they and the keys are read.
    pub fn ready(&self) -> Option<(&Assessment, &Rc<Template>)> {
        match (&self.loaded, &self.keys) {
            (Some(Ok((a, t))), Some(_)) => Some((a, t)),
            _ => None,
        }
    }
}

impl Reducible for Sign {
    type Action = SignAction;

    fn reduce(self: Rc<Self>, action: SignAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.notice_at = None;
        if matches!(
            action,
            SignAction::Choose { .. }
                | SignAction::AddSigner { .. }
                | SignAction::RemoveSigner { .. }
        ) && matches!(next.notice, Notice::Error(_))
        {
            // A refusal was about the signers as they were chosen.
            next.notice = Notice::None;
        }
        match action {
            SignAction::Loaded(loaded) => next.loaded = Some(loaded),
            SignAction::Keys(keys) => next.keys = Some(keys),
            SignAction::Choose { place, key } => {
                next.choice.insert(place, key);
            }
            SignAction::AddSigner { role, count } => {
                next.extra.insert(role, count);
            }
            SignAction::RemoveSigner { role, place } => {
                if let Some(n) = next.extra.get_mut(&role) {
                    *n = n.saturating_sub(1);
                }
                next.choice.remove(&place);
            }
            SignAction::Busy => {
                next.busy = true;
                next.notice = Notice::None;
            }
            SignAction::Refused(why) => {
                next.busy = false;
                next.notice = Notice::Error(why);
            }
            SignAction::RefusedAt { place, why } => {
                next.busy = false;
                next.notice = Notice::Error(why);
                next.notice_at = Some(place);
            }
            SignAction::Done(assessment, notice) => {
                next.busy = false;
                next.notice = notice;
                if let Some(Ok((a, _))) = &mut next.loaded {
                    *a = assessment;
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::state::testing;

    fn loaded() -> Rc<Sign> {
        let t = testing::template("jiancha-kaohe");
        let a = testing::draft("a1", &t, "2026-03-01T00:00:00Z");
        Rc::new(Sign::default())
            .reduce(SignAction::Loaded(Ok((a, t))))
            .reduce(SignAction::Keys(Vec::new()))
    }

    #[test]
    fn ready_once_the_assessment_and_the_keys_are_read() {
        let t = testing::template("jiancha-kaohe");
        let a = testing::draft("a1", &t, "2026-03-01T00:00:00Z");
        let state = Rc::new(Sign::default()).reduce(SignAction::Loaded(Ok((a, t))));
        assert!(state.ready().is_none());
        assert!(loaded().ready().is_some());
    }

    #[test]
    fn a_removed_place_forgets_its_key() {
        let state = loaded()
            .reduce(SignAction::AddSigner {
                role: "inspector".into(),
                count: 1,
            })
            .reduce(SignAction::Choose {
                place: "inspector-2".into(),
                key: "k2".into(),
            })
            .reduce(SignAction::RemoveSigner {
                role: "inspector".into(),
                place: "inspector-2".into(),
            });
        assert_eq!(state.extra["inspector"], 0);
        assert!(state.choice.is_empty());
    }

    #[test]
    fn a_refusal_ends_the_busy_state_and_keeps_the_assessment() {
        let state = loaded().reduce(SignAction::Busy);
        assert!(state.busy);
        let state = state.reduce(SignAction::Refused("PIN".into()));
        assert!(!state.busy);
        assert_eq!(state.notice, Notice::Error("PIN".into()));
        assert_eq!(state.ready().unwrap().0.status, Status::Draft);
    }

    #[test]
    fn a_refused_signature_is_told_at_its_place_until_the_next_step() {
        let state = loaded()
            .reduce(SignAction::Busy)
            .reduce(SignAction::RefusedAt {
                place: "principal".into(),
                why: "李清廉 的 PIN 码不对".into(),
            });
        assert!(!state.busy);
        assert_eq!(state.notice_at.as_deref(), Some("principal"));
        assert_eq!(state.notice, Notice::Error("李清廉 的 PIN 码不对".into()));
        let state = state.reduce(SignAction::Busy);
        assert_eq!(state.notice_at, None);
        assert_eq!(state.notice, Notice::None);
        let state = state.reduce(SignAction::Refused("later".into()));
        assert_eq!(
            state.notice_at, None,
            "a refusal of the whole is told below"
        );
    }

    #[test]
    fn a_refusal_goes_once_the_signers_are_chosen_again() {
        let refused = loaded().reduce(SignAction::Refused("王五 须签字".into()));
        let state = refused.clone().reduce(SignAction::Choose {
            place: "member".into(),
            key: "k3".into(),
        });
        assert_eq!(state.notice, Notice::None);
        let state = refused.reduce(SignAction::AddSigner {
            role: "inspector".into(),
            count: 1,
        });
        assert_eq!(state.notice, Notice::None);
        let done = loaded()
            .reduce(SignAction::Refused("x".into()))
            .reduce(SignAction::Keys(Vec::new()));
        assert_eq!(
            done.notice,
            Notice::Error("x".into()),
            "reading the keys again keeps it"
        );
    }

    #[test]
    fn a_step_done_shows_the_assessment_saved() {
        let state = loaded();
        let mut signed = state.ready().unwrap().0.clone();
        signed.status = Status::Signed;
        let state = state.reduce(SignAction::Done(signed, Notice::Ok("ok".into())));
        assert_eq!(state.ready().unwrap().0.status, Status::Signed);
        assert_eq!(state.notice, Notice::Ok("ok".into()));
    }
}
