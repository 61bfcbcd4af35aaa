//! The bundled responsibility lists: valid, matching the JSON Schema, and
//! scoring 100 points each.

use qingdan_core::template::TemplateHead;
use qingdan_core::{Fixed, Responses, Template, bundled, score};

use crate::{data_dir, read, sorted_entries};

fn schema() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema/qingdan.template-1.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is itself valid")
}

#[test]
fn every_bundled_template_is_valid_and_has_one_hundred_points() {
    assert!(
        bundled::ALL.len() >= 6,
        "the six bundled lists are required"
    );
    for b in bundled::ALL {
        let template = Template::parse(b.json()).unwrap_or_else(|e| panic!("{}:\n{e}", b.file));
        assert_eq!(
            (template.id(), template.version()),
            (b.id, b.version),
            "{}: id or version differs from where it is bundled",
            b.file
        );
        let empty = score(&template, &Responses::new(), None);
        assert_eq!(
            empty.max,
            Fixed::from_int(100),
            "{}: the base items must add up to 100",
            b.file
        );
        assert_eq!(empty.total, Fixed::ZERO, "{}", b.file);
        assert!(!empty.completeness.is_complete(), "{}", b.file);
        for (_, item) in template.items() {
            if item.rule.is_scored() {
                assert!(
                    item.indicator.is_some() && item.standard.is_some(),
                    "{} item {}: a scoring item needs an indicator and a scoring standard",
                    b.file,
                    item.id
                );
            }
        }
    }
}

/// Every valid template the tests hold, named: the bundled lists and the
/// scoring cases' own (a case on a bundled list has a `template.ref`).
fn valid_templates() -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = bundled::ALL
        .iter()
        .map(|b| (b.file.to_owned(), b.json().to_owned()))
        .collect();
    for case in sorted_entries(&data_dir().join("scoring")) {
        let path = case.join("template.json");
        if path.exists() {
            texts.push((path.display().to_string(), read(&path)));
        }
    }
    texts
}

/// A list of checklists shows each one's head, read without checking the
/// rest: it must say what the checked template says, for every template the
/// tests hold (the bundled lists and the scoring cases).
#[test]
fn the_head_of_a_template_is_what_the_checked_template_says() {
    let texts = valid_templates();
    assert!(texts.len() > bundled::ALL.len());
    for (name, text) in texts {
        let template = Template::parse(&text).unwrap_or_else(|e| panic!("{name}:\n{e}"));
        let head = TemplateHead::read(&text).unwrap_or_else(|| panic!("{name}: no head"));
        assert_eq!(head, template.head(), "{name}");
        assert!(head.items > 0, "{name}");
    }
    // Text that is no template has no head.
    assert_eq!(TemplateHead::read("{\"id\": \"x\"}"), None);
    assert_eq!(TemplateHead::read("[1, 2]"), None);
}

#[test]
fn the_schema_accepts_every_valid_template() {
    let validator = schema();
    for (name, text) in valid_templates() {
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects_by_shape() {
    let validator = schema();
    for case in [
        "float-points",
        "too-precise-points",
        "unknown-field",
        "unknown-kind",
        "unknown-format",
        "bad-item-id",
        "no-signers",
        "empty-section",
        "condition-two-tests",
        "choice-one-option",
        "kinds-empty",
        "kinds-rectification-and-twice",
    ] {
        let path = data_dir().join(format!("templates/invalid/{case}.json"));
        let value: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
        assert!(
            !validator.is_valid(&value),
            "the schema accepts {case}.json"
        );
        assert!(Template::parse(&read(&path)).is_err());
    }
}
