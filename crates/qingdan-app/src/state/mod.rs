//! The screens' state as Yew means it: each a [`yew::Reducible`] whose
//! actions are plain data and whose `reduce` is pure, so the rules of
//! editing, saving and signing are tested natively (no DOM, no store).
//! The hooks in [`crate::hooks`] run the effects and dispatch the
//! outcomes back as actions.

pub mod app;
pub mod fill;
pub mod home;
pub mod settings;
pub mod sign;

/// A notice line: an error in red, or a confirmation.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Notice {
    /// Nothing to say.
    #[default]
    None,
    /// Something went through.
    Ok(String),
    /// Something went wrong.
    Error(String),
}

#[cfg(test)]
pub(crate) mod testing {
    use std::rc::Rc;

    use qingdan_core::Template;
    use qingdan_core::packet::{PacketKind, Unit};

    use crate::model::{self, Assessment};

    /// The latest bundled checklists, as the app fetches them.
    pub fn bundled_entries() -> Vec<model::Entry> {
        qingdan_core::bundled::latest()
            .map(|b| {
                let template = Template::parse(b.json()).expect("a bundled checklist reads");
                model::Entry::parsed(Rc::new(template), true)
            })
            .collect()
    }

    /// A bundled checklist.
    pub fn template(id: &str) -> Rc<Template> {
        bundled_entries()
            .into_iter()
            .find(|e| e.head.id == id)
            .and_then(|e| e.template())
            .expect("a bundled checklist")
    }

    /// A fresh draft of `template`.
    pub fn draft(id: &str, template: &Template, updated_at: &str) -> Assessment {
        let facts = model::NewAssessment {
            unit: Unit {
                code: "510001".into(),
                name: "城关镇".into(),
            },
            subject: None,
            period: "2026".into(),
            kind: PacketKind::SelfAssessment,
        };
        Assessment::draft(
            id.into(),
            template.id(),
            template.version(),
            facts,
            updated_at.into(),
        )
    }
}
