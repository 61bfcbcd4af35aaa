//! Home's state: my assessments (newest first), the notice line, the
//! problems of a checklist that was refused, and what a new device lacks
//! (a key, an intake) before its packets can be signed and sent.

use std::rc::Rc;

use yew::Reducible;

use super::Notice;
use crate::i18n::T;
use crate::model::{Assessment, Status};

/// One problem of a refused checklist: where it is, in the user's
/// language, and the reader's own words about it when they are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// What the user reads.
    pub text: String,
    /// The reader's original message, shown folded.
    pub detail: Option<String>,
}

/// What Home shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Home {
    /// My assessments, newest first (`None` until read).
    pub assessments: Option<Vec<Assessment>>,
    /// The notice line.
    pub notice: Notice,
    /// Why the last checklist chosen was refused.
    pub import_problems: Vec<ImportProblem>,
    /// The keys on this device and whether it is enrolled with an intake
    /// (`None` until read).
    pub device: Option<Device>,
}

/// What this device has for signing and sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    /// How many signing keys it holds.
    pub keys: usize,
    /// Whether it is enrolled with an intake.
    pub enrolled: bool,
}

/// What happens on Home.
#[derive(Debug, Clone)]
pub enum HomeAction {
    /// The assessments were read.
    Listed(Vec<Assessment>),
    /// They could not be: why.
    ListFailed(String),
    /// A checklist was imported: the confirmation.
    Imported(String),
    /// A checklist was refused: the notice and its problems.
    Refused(String, Vec<ImportProblem>),
    /// Something else went wrong: why.
    Failed(String),
    /// The device's keys and enrollment were read.
    Device(Device),
}

impl Home {
    /// Home before the store is read; `preloaded` are the assessments read
    /// at start-up, if still at hand.
    pub fn new(preloaded: Option<Vec<Assessment>>) -> Home {
        Home {
            assessments: preloaded.map(newest_first),
            notice: Notice::None,
            import_problems: Vec::new(),
            device: None,
        }
    }

    /// What a device still lacks, as the hint that points to Settings:
    /// a key first, then an intake (`enrolled_now`: the outbox has a link,
    /// made since the device was read). Nothing until the device is read.
    pub fn first_step(&self, enrolled_now: bool) -> Option<T> {
        let device = self.device?;
        if device.keys == 0 {
            Some(T::FirstRunNoKey)
        } else if !(device.enrolled || enrolled_now) {
            Some(T::FirstRunNotEnrolled)
        } else {
            None
        }
    }
}

/// How many of `list` exist only on this device: every draft, and every
/// signed assessment neither exported nor held by the intake (`held`: its
/// packet's receipt is here).
pub fn only_here(list: &[Assessment], held: impl Fn(&Assessment) -> bool) -> usize {
    list.iter()
        .filter(|a| match a.status {
            Status::Draft => true,
            Status::Signed => !held(a),
            Status::Exported => false,
        })
        .count()
}

fn newest_first(mut list: Vec<Assessment>) -> Vec<Assessment> {
    list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    list
}

impl Reducible for Home {
    type Action = HomeAction;

    fn reduce(self: Rc<Self>, action: HomeAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            HomeAction::Listed(list) => next.assessments = Some(newest_first(list)),
            HomeAction::ListFailed(why) => {
                next.notice = Notice::Error(why);
                next.assessments.get_or_insert_with(Vec::new);
            }
            HomeAction::Imported(done) => {
                next.notice = Notice::Ok(done);
                next.import_problems.clear();
            }
            HomeAction::Refused(why, problems) => {
                next.notice = Notice::Error(why);
                next.import_problems = problems;
            }
            HomeAction::Failed(why) => next.notice = Notice::Error(why),
            HomeAction::Device(device) => next.device = Some(device),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing;

    fn problem(text: &str) -> ImportProblem {
        ImportProblem {
            text: text.into(),
            detail: None,
        }
    }

    #[test]
    fn assessments_are_listed_newest_first() {
        let t = testing::template("jiandu-zeren");
        let old = testing::draft("old", &t, "2026-01-01T00:00:00Z");
        let new = testing::draft("new", &t, "2026-02-01T00:00:00Z");
        let home = Rc::new(Home::new(None)).reduce(HomeAction::Listed(vec![old, new]));
        let ids: Vec<&str> = home
            .assessments
            .iter()
            .flatten()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["new", "old"]);
    }

    #[test]
    fn a_list_that_cannot_be_read_is_empty_and_says_why() {
        let home = Rc::new(Home::new(None)).reduce(HomeAction::ListFailed("no".into()));
        assert_eq!(home.assessments, Some(Vec::new()));
        assert_eq!(home.notice, Notice::Error("no".into()));
    }

    #[test]
    fn a_new_device_is_pointed_to_a_key_first_then_to_an_intake() {
        let home = Rc::new(Home::new(Some(Vec::new())));
        assert_eq!(
            home.first_step(false),
            None,
            "nothing until the device is read"
        );
        let device = |keys, enrolled| HomeAction::Device(Device { keys, enrolled });
        let fresh = home.clone().reduce(device(0, false));
        assert_eq!(fresh.first_step(false), Some(T::FirstRunNoKey));
        let keyed = home.clone().reduce(device(2, false));
        assert_eq!(keyed.first_step(false), Some(T::FirstRunNotEnrolled));
        assert_eq!(keyed.first_step(true), None, "enrolled since it was read");
        assert_eq!(home.reduce(device(2, true)).first_step(false), None);
    }

    #[test]
    fn an_assessment_the_intake_holds_is_not_only_on_this_device() {
        let t = testing::template("jiandu-zeren");
        let draft = testing::draft("draft", &t, "2026-01-01T00:00:00Z");
        let mut sent = testing::draft("sent", &t, "2026-01-02T00:00:00Z");
        sent.status = Status::Signed;
        let mut waiting = testing::draft("waiting", &t, "2026-01-03T00:00:00Z");
        waiting.status = Status::Signed;
        let mut exported = testing::draft("exported", &t, "2026-01-04T00:00:00Z");
        exported.status = Status::Exported;
        let list = [draft, sent, waiting, exported];
        assert_eq!(only_here(&list, |_| false), 3);
        assert_eq!(only_here(&list, |a| a.id == "sent"), 2);
        // A draft made again from a received packet holds changes the
        // intake does not have.
        assert_eq!(only_here(&list, |a| a.id == "draft"), 3);
    }

    #[test]
    fn an_import_clears_the_problems_of_the_one_refused_before() {
        let home = Rc::new(Home::new(Some(Vec::new())))
            .reduce(HomeAction::Refused("bad".into(), vec![problem("x")]));
        assert_eq!(home.import_problems.len(), 1);
        let home = home.reduce(HomeAction::Imported("ok".into()));
        assert!(home.import_problems.is_empty());
        assert_eq!(home.notice, Notice::Ok("ok".into()));
    }
}
