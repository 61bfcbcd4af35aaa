//! Home's state: my assessments (newest first), the notice line, and the
//! problems of a checklist that was refused.

use std::rc::Rc;

use yew::Reducible;

use super::Notice;
use crate::model::Assessment;

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
}

impl Home {
    /// Home before the store is read; `preloaded` are the assessments read
    /// at start-up, if still at hand.
    pub fn new(preloaded: Option<Vec<Assessment>>) -> Home {
        Home {
            assessments: preloaded.map(newest_first),
            notice: Notice::None,
            import_problems: Vec::new(),
        }
    }
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
    fn an_import_clears_the_problems_of_the_one_refused_before() {
        let home = Rc::new(Home::new(Some(Vec::new())))
            .reduce(HomeAction::Refused("bad".into(), vec![problem("x")]));
        assert_eq!(home.import_problems.len(), 1);
        let home = home.reduce(HomeAction::Imported("ok".into()));
        assert!(home.import_problems.is_empty());
        assert_eq!(home.notice, Notice::Ok("ok".into()));
    }
}
