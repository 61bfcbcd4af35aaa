//! Units as the console manages them: registered many at once from a
//! workbook (单位编码, 单位名称, 上级单位编码), renamed, placed in the
//! hierarchy (a county's townships and departments) that reports can group
//! by. A parent must be registered or listed with it, and no unit may be
//! its own ancestor.

use std::collections::{BTreeMap, HashMap};

use qingdan_sheet::UnitRow;

use crate::accounts::Actor;
use crate::errors::AdminError;
use crate::intake::Intake;
use crate::store::UnitInfo;

/// The deepest hierarchy followed (a province, its cities, counties,
/// townships: far fewer).
const MAX_DEPTH: usize = 32;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// Units read from the workbook.
    pub units: usize,
    /// Of those, new.
    pub added: i64,
    /// Of those, registered before (renamed or moved when they differ).
    pub updated: i64,
}

/// Why `code` cannot be a unit's code, if it cannot (one rule for a unit
/// added by hand and for a workbook's).
pub fn code_problem(code: &str) -> Option<String> {
    (code.is_empty() || code == "*" || code.contains(char::is_whitespace))
        .then(|| format!("code: {code:?} is not a unit code (not empty, no spaces, not \"*\")"))
}

impl Intake {
    /// Registers (or renames and moves) every unit of a workbook's rows at
    /// once, or none: every problem is said with its cell.
    pub async fn import_units(
        &self,
        rows: &[UnitRow],
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Imported, AdminError> {
        let mut problems = Vec::new();
        for row in rows {
            if let Some(problem) = code_problem(&row.code) {
                problems.push(format!("{}: {problem}", row.at));
            }
        }
        let listed: HashMap<&str, Option<&str>> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.parent.as_deref()))
            .collect();
        let outside: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.parent.as_deref())
            .filter(|p| !listed.contains_key(p))
            .collect();
        let known = self.store().registered(&outside).await?;
        for row in rows {
            if let Some(parent) = row.parent.as_deref()
                && !listed.contains_key(parent)
                && !known.iter().any(|k| k == parent)
            {
                problems.push(format!(
                    "{}: 上级单位编码 (parent code) {parent} is neither listed nor registered",
                    row.at
                ));
            }
        }
        let stored: HashMap<String, String> =
            self.store().unit_parents().await?.into_iter().collect();
        let parent_of = |code: &str| -> Option<String> {
            match listed.get(code) {
                Some(parent) => parent.map(str::to_owned),
                None => stored.get(code).cloned(),
            }
        };
        for row in rows {
            if let Some(problem) = cycle(&row.code, &parent_of) {
                problems.push(format!("{}: {problem}", row.at));
            }
        }
        if !problems.is_empty() {
            return Err(AdminError::Invalid(problems.join("\n")));
        }
        let units: Vec<(String, String, Option<String>)> = rows
            .iter()
            .map(|r| (r.code.clone(), r.name.clone(), r.parent.clone()))
            .collect();
        let added = self.store().put_units(&units, &crate::rfc3339(now)).await?;
        let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        self.record(
            actor,
            "unit.import",
            &format!("{count} units, {added} new"),
            now,
        )
        .await?;
        Ok(Imported {
            units: rows.len(),
            added,
            updated: count - added,
        })
    }

    /// Renames a registered unit and sets its parent (none: a top unit).
    pub async fn edit_unit(
        &self,
        code: &str,
        name: &str,
        parent: Option<&str>,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<UnitInfo, AdminError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AdminError::Invalid("name: 1 to 200 characters".into()));
        }
        let Some(before) = self.store().unit_info(code).await? else {
            return Err(AdminError::UnitNotRegistered(code.to_owned()));
        };
        if let Some(parent) = parent {
            if self.store().registered(&[parent]).await?.is_empty() {
                return Err(AdminError::Invalid(format!(
                    "parent_code: {parent} is not registered"
                )));
            }
            let mut stored: BTreeMap<String, String> =
                self.store().unit_parents().await?.into_iter().collect();
            stored.insert(code.to_owned(), parent.to_owned());
            if let Some(problem) = cycle(code, &|c: &str| stored.get(c).cloned()) {
                return Err(AdminError::Invalid(format!("parent_code: {problem}")));
            }
        }
        let unit = (code.to_owned(), name.to_owned(), parent.map(str::to_owned));
        self.store()
            .put_units(std::slice::from_ref(&unit), &crate::rfc3339(now))
            .await?;
        self.record(actor, "unit.edit", code, now).await?;
        Ok(UnitInfo {
            code: unit.0,
            name: unit.1,
            created_at: before.created_at,
            parent_code: unit.2,
        })
    }

    /// A page of the registered units, by code (of those with units under
    /// them when `parents_only`: the groups a ranking can be read for), and
    /// how many there are.
    pub async fn units_page(
        &self,
        page: u64,
        per_page: u64,
        parents_only: bool,
    ) -> Result<(Vec<UnitInfo>, i64), AdminError> {
        let offset = i64::try_from(page.max(1).saturating_sub(1).saturating_mul(per_page))
            .unwrap_or(i64::MAX);
        let limit = i64::try_from(per_page).unwrap_or(i64::MAX);
        Ok(if parents_only {
            self.store().parents_page(offset, limit).await?
        } else {
            self.store().units_page(offset, limit).await?
        })
    }
}

/// Whether following `code`'s parents comes back to it (or goes deeper
/// than [`MAX_DEPTH`]).
fn cycle(code: &str, parent_of: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut at = code.to_owned();
    for _ in 0..MAX_DEPTH {
        match parent_of(&at) {
            None => return None,
            Some(parent) if parent == code => {
                return Some(format!("{code} would be its own ancestor (through {at})"));
            }
            Some(parent) => at = parent,
        }
    }
    Some(format!(
        "{code}'s parents go more than {MAX_DEPTH} levels deep"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_above_itself_is_found_and_a_tree_is_not() {
        let parents: HashMap<&str, &str> = [("a", "b"), ("b", "c"), ("x", "y"), ("y", "x")].into();
        let of = |c: &str| parents.get(c).map(|p| (*p).to_owned());
        assert_eq!(cycle("a", &of), None);
        assert!(cycle("x", &of).unwrap().contains("own ancestor"));
        assert_eq!(cycle("c", &of), None);
    }
}
