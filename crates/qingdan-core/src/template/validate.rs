//! The checks that turn a [`TemplateDoc`] into a [`Template`]. Every problem
//! is collected, not just the first, so an author can fix them all at once.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Band, Compiled, Explain, Item, Location, Problem, Rule, TEMPLATE_FORMAT, Template, TemplateDoc,
    TemplateError, TemplateErrors, Test, VetoEffect,
};
use crate::Fixed;
use crate::packet::{PacketKind, roles};
use crate::trust;

const MAX_ITEMS: usize = 10_000;

/// Problems found so far.
#[derive(Default)]
struct Found(Vec<TemplateError>);

impl Found {
    fn add(&mut self, at: Location, problem: Problem) {
        self.0.push(TemplateError { at, problem });
    }
}

fn item_at(id: &str, path: &str) -> Location {
    Location::Item {
        id: id.to_owned(),
        path: path.to_owned(),
    }
}

/// Checks `doc` and builds the indexes scoring needs.
pub(super) fn check(doc: TemplateDoc) -> Result<Template, TemplateErrors> {
    let mut found = Found::default();

    if doc.format != TEMPLATE_FORMAT {
        found.add(
            Location::Json("format".into()),
            Problem::UnknownFormat(doc.format.clone()),
        );
    }
    if !is_good_id(&doc.id) {
        found.add(Location::Json("id".into()), Problem::BadId(doc.id.clone()));
    }
    if doc.title.zh.trim().is_empty() {
        found.add(Location::Template, Problem::EmptyText("title.zh"));
    }
    check_signers(&doc, &mut found);
    check_bands(&doc.bands, &mut found);

    let mut flat = Vec::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut section_ids = BTreeSet::new();
    if doc.sections.is_empty() {
        found.add(Location::Template, Problem::NoItems);
    }
    for (s, section) in doc.sections.iter().enumerate() {
        if !is_good_id(&section.id) {
            found.add(
                Location::Json(format!("sections[{s}].id")),
                Problem::BadId(section.id.clone()),
            );
        } else if !section_ids.insert(section.id.as_str()) {
            found.add(
                Location::Section(section.id.clone()),
                Problem::DuplicateSection,
            );
        }
        if section.items.is_empty() {
            found.add(Location::Section(section.id.clone()), Problem::NoItems);
        }
        for (i, item) in section.items.iter().enumerate() {
            if !is_good_id(&item.id) {
                found.add(
                    Location::Json(format!("sections[{s}].items[{i}].id")),
                    Problem::BadId(item.id.clone()),
                );
            }
            if let Some(&first) = by_id.get(&item.id) {
                let (first_section, _): (usize, usize) = flat[first];
                found.add(
                    item_at(&item.id, ""),
                    Problem::DuplicateItem {
                        first_section: doc.sections[first_section].id.clone(),
                    },
                );
                continue;
            }
            by_id.insert(item.id.clone(), flat.len());
            flat.push((s, i));
            check_item(item, &doc, &mut found);
        }
    }
    if flat.len() > MAX_ITEMS {
        found.add(Location::Template, Problem::TooManyItems(flat.len()));
    }

    let items: Vec<&Item> = flat
        .iter()
        .map(|&(s, i)| &doc.sections[s].items[i])
        .collect();
    let conditions = compile_conditions(&items, &by_id, &mut found);
    let visibility_order = order_conditions(&items, &conditions, &mut found);

    if !found.0.is_empty() {
        return Err(crate::Errors(found.0));
    }
    let mut bands_ascending: Vec<usize> = (0..doc.bands.len()).collect();
    bands_ascending.sort_by_key(|&b| doc.bands[b].min);
    Ok(Template {
        sha256: String::new(),
        doc,
        flat,
        by_id,
        conditions,
        visibility_order,
        bands_ascending,
    })
}

/// 1 to 64 of `[A-Za-z0-9._-]`: safe in file names, URLs and spreadsheet cells.
fn is_good_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn check_signers(doc: &TemplateDoc, found: &mut Found) {
    if doc.signers.is_empty() {
        found.add(Location::Json("signers".into()), Problem::NoSigners);
    }
    if let Some(kinds) = &doc.kinds {
        if kinds.is_empty() {
            found.add(Location::Json("kinds".into()), Problem::NoKinds);
        }
        let mut seen = BTreeSet::new();
        for (n, kind) in kinds.iter().enumerate() {
            let at = Location::Json(format!("kinds[{n}]"));
            if *kind == PacketKind::Rectification {
                found.add(at, Problem::RectificationKind);
            } else if !seen.insert(*kind) {
                found.add(at, Problem::DuplicateKind(kind.as_str()));
            }
        }
    }
    let kinds = doc
        .kinds
        .clone()
        .unwrap_or_else(|| trust::usual_kinds(doc.responsibility));
    let mut seen = BTreeSet::new();
    for (n, signer) in doc.signers.iter().enumerate() {
        if !is_good_id(&signer.role) {
            found.add(
                Location::Json(format!("signers[{n}].role")),
                Problem::BadId(signer.role.clone()),
            );
        } else if !seen.insert(signer.role.as_str()) {
            found.add(
                Location::Signer(signer.role.clone()),
                Problem::DuplicateSigner,
            );
        } else if trust::signs_inspections(&signer.role) && !kinds.contains(&PacketKind::Inspection)
        {
            found.add(
                Location::Signer(signer.role.clone()),
                Problem::InspectorWithoutInspections,
            );
        }
    }
    // The unit's own packets are signed by both responsibility holders,
    // whatever else a checklist adds.
    let unit_roles: Vec<&str> = doc
        .signers
        .iter()
        .map(|s| s.role.as_str())
        .filter(|r| !trust::signs_inspections(r))
        .collect();
    if !unit_roles.is_empty() {
        for needed in [roles::PRINCIPAL, roles::SUPERVISORY] {
            if !unit_roles.contains(&needed) {
                found.add(
                    Location::Json("signers".into()),
                    Problem::UnitSignerMissing(needed),
                );
            }
        }
    }
}

fn check_bands(bands: &[Band], found: &mut Found) {
    if bands.is_empty() {
        found.add(Location::Json("bands".into()), Problem::NoBands);
        return;
    }
    let mut ids = BTreeSet::new();
    for band in bands {
        if !is_good_id(&band.id) {
            found.add(
                Location::Band(band.id.clone()),
                Problem::BadId(band.id.clone()),
            );
        } else if !ids.insert(band.id.as_str()) {
            found.add(Location::Band(band.id.clone()), Problem::DuplicateBand);
        }
        if band.label.zh.trim().is_empty() {
            found.add(
                Location::Band(band.id.clone()),
                Problem::EmptyText("label.zh"),
            );
        }
        if band.min < Fixed::ZERO || band.max > Fixed::HUNDRED {
            found.add(
                Location::Band(band.id.clone()),
                Problem::BandOutOfRange {
                    min: band.min.to_string(),
                    max: band.max.to_string(),
                },
            );
        }
        if band.min >= band.max {
            found.add(
                Location::Band(band.id.clone()),
                Problem::EmptyBand {
                    min: band.min.to_string(),
                    max: band.max.to_string(),
                },
            );
        }
    }
    let mut sorted: Vec<&Band> = bands.iter().filter(|b| b.min < b.max).collect();
    sorted.sort_by_key(|b| (b.min, b.max));
    let mut covered_to = Fixed::ZERO;
    let mut last: Option<&Band> = None;
    for band in sorted {
        if band.min > covered_to {
            found.add(
                Location::Band(band.id.clone()),
                Problem::BandGap {
                    from: covered_to.to_string(),
                    to: band.min.to_string(),
                },
            );
        } else if let Some(prev) = last.filter(|_| band.min < covered_to) {
            found.add(
                Location::Band(band.id.clone()),
                Problem::BandOverlap {
                    other: prev.id.clone(),
                    from: band.min.to_string(),
                    to: band.max.min(covered_to).to_string(),
                },
            );
        }
        if band.max > covered_to {
            covered_to = band.max;
            last = Some(band);
        }
    }
    if covered_to < Fixed::HUNDRED {
        found.add(
            Location::Json("bands".into()),
            Problem::BandGap {
                from: covered_to.to_string(),
                to: Fixed::HUNDRED.to_string(),
            },
        );
    }
}

fn check_item(item: &Item, doc: &TemplateDoc, found: &mut Found) {
    let at = |path: &str| item_at(&item.id, path);
    if item.title.zh.trim().is_empty() {
        found.add(at("title.zh"), Problem::EmptyText("title.zh"));
    }
    let kind = item.rule.kind_name();
    if let Some(weight) = item.weight {
        if !item.rule.is_scored() {
            found.add(at("weight"), Problem::WeightOnUnscored(kind));
        } else if !weight.is_positive() {
            found.add(at("weight"), Problem::NotPositive("weight"));
        }
    }
    if item.na_allowed && !item.rule.is_scored() && !matches!(item.rule, Rule::Bonus { .. }) {
        found.add(at("na_allowed"), Problem::NaOnUnscored(kind));
    }
    match item.explain {
        Some(Explain::WhenLost | Explain::WhenLostOrNa)
            if !item.rule.is_scored() && !matches!(item.rule, Rule::Veto { .. }) =>
        {
            found.add(at("explain"), Problem::ExplainNeverLost(kind));
        }
        Some(Explain::WhenNa) if !item.na_allowed => {
            found.add(at("explain"), Problem::ExplainWithoutNa);
        }
        _ => {}
    }
    let positive = |found: &mut Found, field: &'static str, value: Fixed| {
        if !value.is_positive() {
            found.add(at(&format!("rule.{field}")), Problem::NotPositive(field));
        }
    };
    let not_above = |found: &mut Found, field: &'static str, value: Fixed, points: Fixed| {
        if value < Fixed::ZERO {
            found.add(at(&format!("rule.{field}")), Problem::Negative(field));
        } else if value > points {
            found.add(
                at(&format!("rule.{field}")),
                Problem::AbovePoints {
                    field,
                    value: value.to_string(),
                    points: points.to_string(),
                },
            );
        }
    };
    match &item.rule {
        Rule::Check { points, partial } => {
            positive(found, "points", *points);
            if let Some(partial) = partial {
                not_above(found, "partial", *partial, *points);
            }
        }
        Rule::Count {
            points,
            target,
            steps,
            ..
        } => {
            positive(found, "points", *points);
            if *target == 0 {
                found.add(at("rule.target"), Problem::ZeroTarget);
            }
            if let Some(steps) = steps {
                check_steps(steps, *points, *target, &at, found);
            }
        }
        Rule::Deadline {
            points,
            late_points,
            within_days,
            due,
        } => {
            positive(found, "points", *points);
            if let Some(late) = late_points {
                not_above(found, "late_points", *late, *points);
            }
            if let Some(due) = due {
                if within_days.is_some() {
                    found.add(at("rule.due"), Problem::DueAndWithinDays);
                } else if !crate::period::is_valid_due(due) {
                    found.add(at("rule.due"), Problem::BadDue);
                }
            }
        }
        Rule::Choice { options } => {
            if options.len() < 2 {
                found.add(at("rule.options"), Problem::TooFewOptions);
            }
            let mut ids = BTreeSet::new();
            for (n, option) in options.iter().enumerate() {
                if !is_good_id(&option.id) {
                    found.add(
                        at(&format!("rule.options[{n}].id")),
                        Problem::BadId(option.id.clone()),
                    );
                } else if !ids.insert(option.id.as_str()) {
                    found.add(
                        at(&format!("rule.options[{n}].id")),
                        Problem::DuplicateOption(option.id.clone()),
                    );
                }
                if option.points < Fixed::ZERO {
                    found.add(
                        at(&format!("rule.options[{n}].points")),
                        Problem::Negative("points"),
                    );
                }
            }
            if !options.is_empty() && !item.rule.max_points().is_positive() {
                found.add(
                    at("rule.options"),
                    Problem::NotPositive("the best option's points"),
                );
            }
        }
        Rule::Scale { points, min, max } => {
            positive(found, "points", *points);
            if min >= max {
                found.add(
                    at("rule"),
                    Problem::ScaleRange {
                        min: *min,
                        max: *max,
                    },
                );
            }
        }
        Rule::Deduction { points, per, .. } => {
            positive(found, "points", *points);
            positive(found, "per", *per);
        }
        Rule::Bonus { per, cap, .. } => {
            positive(found, "per", *per);
            positive(found, "cap", *cap);
        }
        Rule::Veto { effect } => {
            if let VetoEffect::CapGrade(band) = effect
                && !doc.bands.iter().any(|b| &b.id == band)
            {
                found.add(
                    at("rule.effect.cap_grade"),
                    Problem::UnknownBand(band.clone()),
                );
            }
        }
        Rule::Text {} | Rule::Number { .. } | Rule::Date {} => {}
    }
}

fn check_steps(
    steps: &[super::Step],
    points: Fixed,
    target: u32,
    at: &dyn Fn(&str) -> Location,
    found: &mut Found,
) {
    let mut previous: Option<&super::Step> = None;
    for (n, step) in steps.iter().enumerate() {
        let path = format!("rule.steps[{n}]");
        if step.points < Fixed::ZERO {
            found.add(at(&path), Problem::Negative("step points"));
        }
        if step.at_least > target {
            found.add(at(&path), Problem::StepBeyondTarget(n));
        }
        if let Some(prev) = previous
            && (step.at_least <= prev.at_least || step.points < prev.points)
        {
            found.add(at(&path), Problem::StepsNotRising(n));
        }
        previous = Some(step);
    }
    match steps.last() {
        Some(last) if last.at_least == target && last.points == points => {}
        _ => found.add(at("rule.steps"), Problem::StepsEndShort),
    }
}

fn compile_conditions(
    items: &[&Item],
    by_id: &BTreeMap<String, usize>,
    found: &mut Found,
) -> Vec<Option<Compiled>> {
    items
        .iter()
        .map(|item| {
            let condition = item.show_if.as_ref()?;
            let at = || item_at(&item.id, "show_if");
            let Some(&target) = by_id.get(&condition.item) else {
                found.add(
                    at(),
                    Problem::ConditionTargetMissing(condition.item.clone()),
                );
                return None;
            };
            let test = match (&condition.any_of, condition.at_least, condition.triggered) {
                (Some(values), None, None) => Test::AnyOf(values.clone()),
                (None, Some(n), None) => Test::AtLeast(n),
                (None, None, Some(t)) => Test::Triggered(t),
                _ => {
                    found.add(at(), Problem::ConditionShape);
                    return None;
                }
            };
            let tested = items[target];
            match check_test(&test, tested) {
                Ok(()) => Some(Compiled { target, test }),
                Err(problem) => {
                    found.add(at(), problem);
                    None
                }
            }
        })
        .collect()
}

/// Whether `test` can be applied to the answers of `tested`.
fn check_test(test: &Test, tested: &Item) -> Result<(), Problem> {
    let kind_problem = |test: &'static str, hint: &'static str| Problem::ConditionKind {
        target: tested.id.clone(),
        test,
        kind: tested.rule.kind_name(),
        hint,
    };
    match (test, &tested.rule) {
        (Test::AnyOf(values), Rule::Check { partial, .. }) => {
            let allowed: &[&str] = if partial.is_some() {
                &["done", "partial", "not_done"]
            } else {
                &["done", "not_done"]
            };
            check_values(values, allowed, tested)
        }
        (Test::AnyOf(values), Rule::Choice { options }) => {
            let allowed: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
            check_values(values, &allowed, tested)
        }
        (Test::AnyOf(_), _) => Err(kind_problem(
            "any_of",
            "any_of is for check and choice items",
        )),
        (
            Test::AtLeast(_),
            Rule::Count { .. } | Rule::Deduction { .. } | Rule::Bonus { .. } | Rule::Scale { .. },
        ) => Ok(()),
        (Test::AtLeast(_), _) => Err(kind_problem(
            "at_least",
            "at_least is for count, deduction, bonus and scale items",
        )),
        (Test::Triggered(_), Rule::Veto { .. }) => Ok(()),
        (Test::Triggered(_), _) => Err(kind_problem("triggered", "triggered is for veto items")),
    }
}

fn check_values(values: &[String], allowed: &[&str], tested: &Item) -> Result<(), Problem> {
    match values.iter().find(|v| !allowed.contains(&v.as_str())) {
        Some(value) => Err(Problem::ConditionValue {
            target: tested.id.clone(),
            value: value.clone(),
            allowed: allowed.join(", "),
        }),
        None => Ok(()),
    }
}

/// Orders items so that each comes after the item its condition tests, and
/// reports every cycle once. Each item has at most one condition, so the
/// conditions form a forest unless there is a cycle.
fn order_conditions(
    items: &[&Item],
    conditions: &[Option<Compiled>],
    found: &mut Found,
) -> Vec<usize> {
    let n = items.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, c) in conditions.iter().enumerate() {
        if let Some(c) = c {
            children[c.target].push(i);
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| conditions[i].is_none()).collect();
    let mut next = 0;
    while next < order.len() {
        let parent = order[next];
        order.extend(children[parent].iter().copied());
        next += 1;
    }
    if order.len() < n {
        let mut placed = vec![false; n];
        for &i in &order {
            placed[i] = true;
        }
        for start in 0..n {
            if placed[start] {
                continue;
            }
            // Walk up the conditions from `start` until an item repeats; the
            // repeated part is the cycle.
            let mut path = vec![start];
            let mut at = start;
            while let Some(c) = &conditions[at] {
                at = c.target;
                if let Some(pos) = path.iter().position(|&p| p == at) {
                    let cycle: Vec<usize> = path[pos..].to_vec();
                    for &member in &cycle {
                        placed[member] = true;
                    }
                    let mut names: Vec<String> =
                        cycle.iter().map(|&m| items[m].id.clone()).collect();
                    names.push(items[cycle[0]].id.clone());
                    found.add(
                        item_at(&items[cycle[0]].id, "show_if"),
                        Problem::ConditionCycle(names),
                    );
                    break;
                }
                if placed[at] {
                    break;
                }
                path.push(at);
            }
            for &p in &path {
                placed[p] = true;
            }
        }
    }
    order
}
