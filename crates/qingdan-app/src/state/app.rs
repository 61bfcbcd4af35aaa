//! The app's boot state: opening the store, then the settings and every
//! checklist, the language switch, and the checklists read again after an
//! import. `R` is what the browser opened (the store and the outbox); the
//! tests use `()`.

use std::rc::Rc;

use yew::Reducible;

use crate::i18n::{self, Lang};
use crate::model::{Assessment, Entry, Settings};

/// Where the app stands.
#[derive(Debug, Clone)]
pub enum Boot<R> {
    /// Opening the store.
    Loading,
    /// The store could not be opened: why.
    Failed(String),
    /// Running.
    Ready(Ready<R>),
}

/// A running app.
#[derive(Debug, Clone)]
pub struct Ready<R> {
    /// What the browser opened.
    pub res: R,
    /// Every checklist: the bundled ones, then the imported ones.
    pub entries: Rc<Vec<Entry>>,
    /// The settings.
    pub settings: Settings,
    /// The assessments read at start-up, until Home has shown them.
    pub preloaded: Option<Rc<Vec<Assessment>>>,
}

impl<R> Ready<R> {
    /// The language shown.
    pub fn lang(&self) -> Lang {
        i18n::lang_from_code(&self.settings.lang)
    }
}

/// What happens to the app.
#[derive(Debug, Clone)]
pub enum BootAction<R> {
    /// The store is open.
    Opened {
        /// What the browser opened.
        res: R,
        /// Every checklist.
        entries: Vec<Entry>,
        /// The settings.
        settings: Settings,
        /// The assessments.
        assessments: Vec<Assessment>,
    },
    /// It could not be opened: why.
    Failed(String),
    /// The language switched.
    SetLang(Lang),
    /// The imported checklists, read again (the bundled ones stay).
    Imported(Vec<Entry>),
    /// Home has read the assessments itself.
    PreloadUsed,
}

impl<R: Clone> Reducible for Boot<R> {
    type Action = BootAction<R>;

    fn reduce(self: Rc<Self>, action: BootAction<R>) -> Rc<Self> {
        let ready = match (&*self, action) {
            (
                _,
                BootAction::Opened {
                    res,
                    entries,
                    settings,
                    assessments,
                },
            ) => {
                return Rc::new(Boot::Ready(Ready {
                    res,
                    entries: Rc::new(entries),
                    settings,
                    preloaded: Some(Rc::new(assessments)),
                }));
            }
            (_, BootAction::Failed(why)) => return Rc::new(Boot::Failed(why)),
            (Boot::Ready(ready), action) => (ready, action),
            _ => return self,
        };
        let (current, action) = ready;
        let mut next = current.clone();
        match action {
            BootAction::SetLang(lang) => {
                next.settings.lang = i18n::lang_code(lang).into();
                next.preloaded = None;
            }
            BootAction::Imported(imported) => {
                let mut entries: Vec<Entry> = current
                    .entries
                    .iter()
                    .filter(|e| e.bundled)
                    .cloned()
                    .collect();
                entries.extend(imported);
                next.entries = Rc::new(entries);
                next.preloaded = None;
            }
            BootAction::PreloadUsed => {
                if next.preloaded.is_none() {
                    return self;
                }
                next.preloaded = None;
            }
            BootAction::Opened { .. } | BootAction::Failed(_) => return self,
        }
        Rc::new(Boot::Ready(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing;

    fn opened() -> Rc<Boot<()>> {
        Rc::new(Boot::Loading).reduce(BootAction::Opened {
            res: (),
            entries: testing::bundled_entries(),
            settings: Settings::default(),
            assessments: Vec::new(),
        })
    }

    fn ready(boot: &Boot<()>) -> &Ready<()> {
        match boot {
            Boot::Ready(r) => r,
            _ => panic!("not ready"),
        }
    }

    #[test]
    fn the_app_starts_in_chinese_with_the_assessments_read_at_start() {
        let boot = opened();
        assert_eq!(ready(&boot).lang(), Lang::Zh);
        assert!(ready(&boot).preloaded.is_some());
        let boot = boot.reduce(BootAction::PreloadUsed);
        assert!(ready(&boot).preloaded.is_none());
    }

    #[test]
    fn switching_the_language_keeps_the_checklists() {
        let boot = opened();
        let entries = ready(&boot).entries.clone();
        let boot = boot.reduce(BootAction::SetLang(Lang::En));
        assert_eq!(ready(&boot).lang(), Lang::En);
        assert_eq!(ready(&boot).settings.lang, "en");
        assert!(Rc::ptr_eq(&entries, &ready(&boot).entries));
    }

    #[test]
    fn imported_checklists_replace_the_ones_read_before_and_the_bundled_stay() {
        let boot = opened();
        let bundled = ready(&boot).entries.len();
        let imported = Entry::parsed(testing::template("jiandu-zeren"), false);
        let boot = boot
            .reduce(BootAction::Imported(vec![imported.clone()]))
            .reduce(BootAction::Imported(vec![imported]));
        assert_eq!(ready(&boot).entries.len(), bundled + 1);
    }

    #[test]
    fn a_store_that_cannot_be_opened_says_why_and_nothing_else_happens() {
        let boot = Rc::new(Boot::<()>::Loading).reduce(BootAction::Failed("no".into()));
        assert!(matches!(&*boot, Boot::Failed(m) if m == "no"));
        let after = boot.clone().reduce(BootAction::SetLang(Lang::En));
        assert!(Rc::ptr_eq(&boot, &after));
    }
}
