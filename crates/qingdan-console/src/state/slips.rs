//! Slips of enrollment codes from the units page: the units chosen (none:
//! every registered unit), the roles, and the sheets made — each an HTML
//! page held in the browser (a `blob:` address) that the administrator
//! opens and prints. The codes are on those sheets only: the intake keeps
//! their hashes.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::Reducible;

use super::Notice;
use crate::messages::Message;

/// A sheet of slips made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Where the browser holds it (`blob:…`).
    pub url: String,
    /// How many slips it holds.
    pub slips: usize,
}

/// The slips' part of the units page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slips {
    /// The units chosen, by code.
    pub units: BTreeSet<String>,
    /// The roles chosen.
    pub roles: BTreeSet<String>,
    /// The sheets last made.
    pub sheets: Vec<Sheet>,
    /// Sheets are being made.
    pub busy: bool,
    /// Why they could not be.
    pub notice: Notice,
}

impl Default for Slips {
    fn default() -> Self {
        Slips {
            units: BTreeSet::new(),
            // A unit's two signers, as most rounds need them.
            roles: ["principal", "supervisory"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            sheets: Vec::new(),
            busy: false,
            notice: Notice::None,
        }
    }
}

/// What happens to the slips.
#[derive(Debug, Clone)]
pub enum SlipsAction {
    /// A unit chosen or no longer.
    Unit(String, bool),
    /// These units (a page's) chosen, or none of them.
    Units(Vec<String>, bool),
    /// A role chosen or no longer.
    Role(String, bool),
    /// Sheets are asked for.
    Making,
    /// They were made.
    Made(Vec<Sheet>),
    /// They could not be.
    Failed(Message),
}

impl Reducible for Slips {
    type Action = SlipsAction;

    fn reduce(self: Rc<Self>, action: SlipsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let set = |set: &mut BTreeSet<String>, item: String, on: bool| {
            if on {
                set.insert(item);
            } else {
                set.remove(&item);
            }
        };
        match action {
            SlipsAction::Unit(code, on) => set(&mut next.units, code, on),
            SlipsAction::Units(codes, on) => {
                for code in codes {
                    set(&mut next.units, code, on);
                }
            }
            SlipsAction::Role(role, on) => set(&mut next.roles, role, on),
            SlipsAction::Making => {
                next.busy = true;
                next.notice = Notice::None;
            }
            SlipsAction::Made(sheets) => {
                next.busy = false;
                next.sheets = sheets;
            }
            SlipsAction::Failed(why) => {
                next.busy = false;
                next.notice = Notice::Error(why);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_chosen_one_by_one_or_a_page_at_a_time_and_a_new_sheet_replaces_the_last() {
        let page = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let slips = Rc::new(Slips::default())
            .reduce(SlipsAction::Units(page.clone(), true))
            .reduce(SlipsAction::Unit("b".into(), false))
            .reduce(SlipsAction::Role("principal".into(), false));
        assert_eq!(slips.units.iter().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(slips.roles.iter().collect::<Vec<_>>(), ["supervisory"]);
        let sheet = |url: &str| Sheet {
            url: url.into(),
            slips: 2,
        };
        let made = slips
            .reduce(SlipsAction::Making)
            .reduce(SlipsAction::Made(vec![sheet("blob:1")]))
            .reduce(SlipsAction::Making)
            .reduce(SlipsAction::Made(vec![sheet("blob:2")]));
        assert_eq!(made.sheets, vec![sheet("blob:2")]);
        assert!(!made.busy);
        let none = made.reduce(SlipsAction::Units(page, false));
        assert!(none.units.is_empty());
    }
}
