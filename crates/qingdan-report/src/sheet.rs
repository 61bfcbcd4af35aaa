//! Reading a stored score sheet (JSON, as `qingdan_core::score` wrote it)
//! once into [`Sheet`], lined up with the template's sections and items, so
//! the reports never look anything up that may be missing. Every problem
//! names the packet and the JSON path.

use std::collections::BTreeMap;

use qingdan_core::score::ItemStatus;
use qingdan_core::template::VetoEffect;
use qingdan_core::{Fixed, Template};
use serde::Deserialize;
use serde_json::Value;

use crate::{Entry, Problem, ReportError};

/// What the reports need of one score sheet.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// `base + bonus`.
    pub total: Fixed,
    /// The maximum.
    pub max: Fixed,
    /// `None` when nothing applicable was left.
    pub percentage: Option<Fixed>,
    /// The grade's Chinese label.
    pub grade: Option<String>,
    /// What each template section adds to the total (its score plus its
    /// bonus), in template order.
    pub sections: Vec<Fixed>,
    /// Each template item's result, in template order.
    pub items: Vec<ItemResult>,
    /// The items whose veto was triggered.
    pub vetoes: Vec<String>,
    /// True when a triggered veto sends the grade to the lowest band.
    pub failed_by_veto: bool,
}

/// One item's result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemResult {
    /// What happened to it.
    pub status: ItemStatus,
    /// Its weighted score.
    pub score: Fixed,
    /// Its weighted maximum.
    pub max: Fixed,
}

impl Sheet {
    /// Reads `entry`'s score sheet, which must score `template`.
    pub fn read(entry: &Entry, template: &Template) -> Result<Sheet, ReportError> {
        let root = At {
            packet: &entry.packet_id,
            value: &entry.score,
            path: "score".to_owned(),
        };
        if let Some(of) = root.nullable("template")? {
            let found = format!(
                "{} v{}",
                of.field("id")?.str()?,
                of.field("version")?.whole()?
            );
            let expected = format!("{} v{}", template.id(), template.version());
            if found != expected {
                return Err(of.error(Problem::OtherTemplate { found, expected }));
            }
        }

        let mut sections = BTreeMap::new();
        let sections_at = root.field("sections")?;
        for section in sections_at.array()? {
            let score = section.field("score")?.fixed()?;
            let bonus = section.field("bonus")?.fixed()?;
            sections.insert(section.field("id")?.str()?.to_owned(), score + bonus);
        }
        let sections = template
            .doc()
            .sections
            .iter()
            .map(|s| sections_at.lookup(&sections, "section", &s.id))
            .collect::<Result<_, _>>()?;

        let mut items = BTreeMap::new();
        let items_at = root.field("items")?;
        for item in items_at.array()? {
            let result = ItemResult {
                status: item.field("status")?.status()?,
                score: item.field("score")?.fixed()?,
                max: item.field("max")?.fixed()?,
            };
            items.insert(item.field("id")?.str()?.to_owned(), result);
        }
        let items = template
            .items()
            .map(|(_, item)| items_at.lookup(&items, "item", &item.id))
            .collect::<Result<_, _>>()?;

        let lowest = &template.lowest_band().id;
        let mut vetoes = Vec::new();
        let mut failed_by_veto = false;
        for veto in root.field("vetoes")?.array()? {
            vetoes.push(veto.field("item")?.str()?.to_owned());
            failed_by_veto |= match veto.field("effect")?.effect()? {
                VetoEffect::Fail => true,
                VetoEffect::CapGrade(band) => &band == lowest,
            };
        }

        Ok(Sheet {
            total: root.field("total")?.fixed()?,
            max: root.field("max")?.fixed()?,
            percentage: root
                .nullable("percentage")?
                .map(|p| p.fixed())
                .transpose()?,
            grade: match root.nullable("grade")? {
                Some(grade) => Some(grade.field("label")?.field("zh")?.str()?.to_owned()),
                None => None,
            },
            sections,
            items,
            vetoes,
            failed_by_veto,
        })
    }
}

/// A value in a sheet with its JSON path, for reading it with errors that
/// say where.
struct At<'a> {
    packet: &'a str,
    value: &'a Value,
    path: String,
}

impl<'a> At<'a> {
    fn error(&self, problem: Problem) -> ReportError {
        ReportError {
            packet: self.packet.to_owned(),
            path: self.path.clone(),
            problem,
        }
    }

    fn invalid(&self, expected: &'static str) -> ReportError {
        self.error(Problem::Invalid {
            found: short(self.value),
            expected,
        })
    }

    /// The field `key`, which must be present (it may be null).
    fn field(&self, key: &str) -> Result<At<'a>, ReportError> {
        let Value::Object(map) = self.value else {
            return Err(self.invalid("an object"));
        };
        let path = format!("{}.{key}", self.path);
        match map.get(key) {
            Some(value) => Ok(At {
                packet: self.packet,
                value,
                path,
            }),
            None => Err(ReportError {
                packet: self.packet.to_owned(),
                path,
                problem: Problem::Missing,
            }),
        }
    }

    /// The field `key`, which must be present; `None` when it is null.
    fn nullable(&self, key: &str) -> Result<Option<At<'a>>, ReportError> {
        let at = self.field(key)?;
        Ok((!at.value.is_null()).then_some(at))
    }

    fn array(&self) -> Result<impl Iterator<Item = At<'a>> + '_, ReportError> {
        let Value::Array(values) = self.value else {
            return Err(self.invalid("an array"));
        };
        Ok(values.iter().enumerate().map(|(i, value)| At {
            packet: self.packet,
            value,
            path: format!("{}[{i}]", self.path),
        }))
    }

    fn str(&self) -> Result<&'a str, ReportError> {
        self.value.as_str().ok_or_else(|| self.invalid("a string"))
    }

    fn whole(&self) -> Result<u64, ReportError> {
        self.value
            .as_u64()
            .ok_or_else(|| self.invalid("a whole number"))
    }

    /// A decimal string such as `"87.50"`, read exactly.
    fn fixed(&self) -> Result<Fixed, ReportError> {
        let text = self
            .value
            .as_str()
            .ok_or_else(|| self.invalid("a decimal string"))?;
        text.parse().map_err(|e| self.error(Problem::Number(e)))
    }

    fn status(&self) -> Result<ItemStatus, ReportError> {
        Ok(match self.str()? {
            "scored" => ItemStatus::Scored,
            "unanswered" => ItemStatus::Unanswered,
            "not_applicable" => ItemStatus::NotApplicable,
            "hidden" => ItemStatus::Hidden,
            "bonus" => ItemStatus::Bonus,
            "veto_clear" => ItemStatus::VetoClear,
            "veto_triggered" => ItemStatus::VetoTriggered,
            "evidence" => ItemStatus::Evidence,
            _ => return Err(self.invalid("an item status")),
        })
    }

    fn effect(&self) -> Result<VetoEffect, ReportError> {
        VetoEffect::deserialize(self.value)
            .map_err(|_| self.invalid("a veto effect (\"fail\" or {\"cap_grade\": …})"))
    }

    /// The entry for template `what` `id` in what was read from this array.
    fn lookup<T: Copy>(
        &self,
        read: &BTreeMap<String, T>,
        what: &'static str,
        id: &str,
    ) -> Result<T, ReportError> {
        read.get(id).copied().ok_or_else(|| {
            self.error(Problem::NotInSheet {
                what,
                id: id.to_owned(),
            })
        })
    }
}

/// A JSON value for an error message, cut to a readable length.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
