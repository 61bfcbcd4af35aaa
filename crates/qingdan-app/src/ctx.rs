//! What every screen shares ([`Ctx`], provided by [`crate::ui::App`]) and
//! reads with [`use_ctx`].

use std::rc::Rc;

use qingdan_core::Template;
use yew::prelude::*;

use crate::i18n::{Lang, T};
use crate::messages;
use crate::model::{Assessment, Entry};
use crate::outbox::Outbox;
use crate::store::{Store, StoreError};

/// What every screen shares.
#[derive(Clone)]
pub struct Ctx {
    /// The open database.
    pub store: Rc<Store>,
    /// The language shown.
    pub lang: Lang,
    /// Every checklist: the bundled ones, then the imported ones.
    pub entries: Rc<Vec<Entry>>,
    /// Switches the language (and saves the choice).
    pub set_lang: Callback<Lang>,
    /// Reads the imported checklists again (after an import).
    pub reload: Callback<()>,
    /// The assessments read at start-up, for Home's first showing.
    pub preloaded: Option<Rc<Vec<Assessment>>>,
    /// Home has read the assessments itself: the preloaded ones go.
    pub preload_used: Callback<()>,
    /// Packets on their way to the intake.
    pub outbox: Rc<Outbox>,
    /// Changes whenever the outbox has news, so that screens showing it
    /// are drawn again.
    pub outbox_rev: usize,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        Rc::ptr_eq(&self.store, &other.store)
            && self.lang == other.lang
            && Rc::ptr_eq(&self.entries, &other.entries)
            && self.outbox_rev == other.outbox_rev
            && self.preloaded.is_some() == other.preloaded.is_some()
    }
}

impl Ctx {
    /// The message `key` in the current language.
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang)
    }

    /// The checklist `id` at `version`: one of the entries, or an earlier
    /// bundled version.
    pub fn template(&self, id: &str, version: u32) -> Option<Rc<Template>> {
        self.entries
            .iter()
            .find(|e| e.is(id, version))
            .and_then(Entry::template)
            .or_else(|| crate::lists::earlier(id, version))
    }

    /// The checklist named by `key`: `<id>@<version>`, or `<id>` for its
    /// latest version.
    pub fn template_by_key(&self, key: &str) -> Option<Rc<Template>> {
        match key.split_once('@') {
            Some((id, version)) => self.template(id, version.parse().ok()?),
            None => self
                .entries
                .iter()
                .filter(|e| e.head.id == key)
                .max_by_key(|e| e.head.version)
                .and_then(Entry::template),
        }
    }

    /// A store error as the user should read it.
    pub fn store_error(&self, e: &StoreError) -> String {
        messages::store_error(self.lang, e)
    }
}

/// The shared context; every screen is inside [`crate::ui::App`]'s provider.
#[hook]
pub fn use_ctx() -> Ctx {
    match use_context::<Ctx>() {
        Some(ctx) => ctx,
        None => unreachable!("every screen is rendered inside App's ContextProvider"),
    }
}
