//! A checklist written as a workbook reads back as the same checklist:
//! every bundled list, and a hand-made one with every kind and every
//! optional field.

use qingdan_core::packet::PacketKind;
use qingdan_core::template::{
    Band, ChoiceOption, Condition, Explain, FixedDue, Item, PeriodKind, Responsibility, Rule,
    Section, SignerRole, Step, SubjectKind, TEMPLATE_FORMAT, VetoEffect,
};
use qingdan_core::{Fixed, Template, TemplateDoc, Text, bundled, canonical};
use serde_json::Value;

use super::{book, checklist_rows, item_rows, option_rows};

fn canonical_of(value: &Value) -> String {
    String::from_utf8(canonical::to_bytes(value)).unwrap()
}

/// The acceptance round trip: bundled JSON → workbook → checklist gives the
/// same canonical JSON, byte for byte, so the same digest: a list taken
/// out to Excel and back unchanged is the same checklist at the intake.
#[test]
fn every_bundled_list_reads_back_as_the_same_canonical_json() {
    for list in bundled::ALL {
        let file: Value = serde_json::from_str(list.json()).unwrap();
        let doc: TemplateDoc = serde_json::from_value(file.clone()).unwrap();
        let bytes = qingdan_sheet::write(&doc).unwrap();
        let back =
            qingdan_sheet::read(&bytes).unwrap_or_else(|errors| panic!("{}:\n{errors}", list.id));
        let back_value = serde_json::to_value(&back).unwrap();
        assert_eq!(
            canonical_of(&back_value),
            canonical_of(&file),
            "{}",
            list.id
        );
        let original = Template::parse(list.json()).unwrap();
        let imported = Template::from_doc(back).unwrap();
        assert_eq!(imported.sha256(), original.sha256(), "{}", list.id);
    }
}

#[test]
fn writing_is_deterministic() {
    let doc: TemplateDoc =
        serde_json::from_str(bundled::find("jiancha-kaohe").unwrap().json()).unwrap();
    let first = qingdan_sheet::write(&doc).unwrap();
    let second = qingdan_sheet::write(&doc).unwrap();
    assert!(first == second, "two writes of one checklist differ");
}

fn text(zh: &str) -> Text {
    Text {
        zh: zh.into(),
        en: None,
    }
}

fn text_en(zh: &str, en: &str) -> Text {
    Text {
        zh: zh.into(),
        en: Some(en.into()),
    }
}

fn fixed(text: &str) -> Fixed {
    text.parse().unwrap()
}

fn item(id: &str, title: Text, rule: Rule) -> Item {
    Item {
        id: id.into(),
        title,
        indicator: None,
        standard: None,
        rule,
        required: None,
        na_allowed: false,
        weight: None,
        show_if: None,
        explain: None,
    }
}

fn show_if(target: &str) -> Condition {
    Condition {
        item: target.into(),
        any_of: None,
        at_least: None,
        triggered: None,
    }
}

/// A checklist with every kind of rule and every optional field.
fn everything() -> TemplateDoc {
    let sections = vec![
        Section {
            id: "1".into(),
            title: text_en("研究部署", "Planning"),
            items: vec![
                Item {
                    indicator: Some(text_en("每年3月底前印发", "By the end of March")),
                    standard: Some(text("按时得3分；\n逾期得1.5分。")),
                    weight: Some(fixed("1.5")),
                    na_allowed: true,
                    explain: Some(Explain::WhenLostOrNa),
                    ..item(
                        "1.1",
                        text_en("制定工作计划", "Work plan"),
                        Rule::Check {
                            points: fixed("3"),
                            partial: Some(fixed("1.25")),
                        },
                    )
                },
                Item {
                    required: Some(false),
                    indicator: Some(text("每季度不少于1次")),
                    standard: Some(text_en("4次得4分", "4 points for 4")),
                    show_if: Some(Condition {
                        any_of: Some(vec!["done".into(), "partial".into()]),
                        ..show_if("1.1")
                    }),
                    ..item(
                        "1.2",
                        text("专题研究"),
                        Rule::Count {
                            points: fixed("4"),
                            target: 4,
                            steps: Some(vec![
                                Step {
                                    at_least: 1,
                                    points: fixed("0.5"),
                                },
                                Step {
                                    at_least: 2,
                                    points: fixed("2"),
                                },
                                Step {
                                    at_least: 4,
                                    points: fixed("4"),
                                },
                            ]),
                            unit: Some(text_en("次", "meetings")),
                        },
                    )
                },
                item(
                    "1.3",
                    text("月度报告"),
                    Rule::Count {
                        points: fixed("2"),
                        target: 10,
                        steps: None,
                        unit: Some(text("份")),
                    },
                ),
                item(
                    "1.4",
                    text("报告上级"),
                    Rule::Deadline {
                        points: fixed("2"),
                        late_points: Some(fixed("0.5")),
                        within_days: Some(7),
                        due: None,
                    },
                ),
                item(
                    "1.5",
                    text("年度报告"),
                    Rule::Deadline {
                        points: fixed("1"),
                        late_points: None,
                        within_days: None,
                        due: None,
                    },
                ),
                item(
                    "1.6",
                    text("报送年度工作总结"),
                    Rule::Deadline {
                        points: fixed("1"),
                        late_points: Some(fixed("0.5")),
                        within_days: None,
                        due: Some(FixedDue {
                            month: Some(3),
                            day: Some(31),
                            days_after_period: None,
                        }),
                    },
                ),
                Item {
                    explain: Some(Explain::WhenLost),
                    ..item(
                        "1.7",
                        text("报送述责述廉报告"),
                        Rule::Deadline {
                            points: fixed("1"),
                            late_points: None,
                            within_days: None,
                            due: Some(FixedDue {
                                month: None,
                                day: None,
                                days_after_period: Some(31),
                            }),
                        },
                    )
                },
            ],
        },
        Section {
            id: "2".into(),
            title: text("监督检查"),
            items: vec![
                Item {
                    show_if: Some(Condition {
                        at_least: Some(2),
                        ..show_if("1.2")
                    }),
                    ..item(
                        "2.1",
                        text_en("检查覆盖面", "Coverage"),
                        Rule::Choice {
                            options: vec![
                                ChoiceOption {
                                    id: "full".into(),
                                    label: text_en("全面覆盖", "All"),
                                    points: fixed("4"),
                                },
                                ChoiceOption {
                                    id: "most".into(),
                                    label: text("大部分"),
                                    points: fixed("2.5"),
                                },
                                ChoiceOption {
                                    id: "0".into(),
                                    label: text("未开展"),
                                    points: fixed("0"),
                                },
                            ],
                        },
                    )
                },
                Item {
                    na_allowed: true,
                    explain: Some(Explain::WhenNa),
                    ..item(
                        "2.2",
                        text("群众满意度"),
                        Rule::Scale {
                            points: fixed("5"),
                            min: -2,
                            max: 3,
                        },
                    )
                },
                Item {
                    explain: Some(Explain::WhenLost),
                    ..item(
                        "2.3",
                        text("违规问题"),
                        Rule::Deduction {
                            points: fixed("10"),
                            per: fixed("0.5"),
                            unit: Some(text_en("起", "cases")),
                        },
                    )
                },
                Item {
                    required: Some(true),
                    show_if: Some(Condition {
                        any_of: Some(vec!["full".into(), "most".into()]),
                        ..show_if("2.1")
                    }),
                    ..item(
                        "2.4",
                        text("创新做法"),
                        Rule::Bonus {
                            per: fixed("0.25"),
                            cap: fixed("2"),
                            unit: Some(text("项")),
                        },
                    )
                },
                item(
                    "2.5",
                    text("一案双查"),
                    Rule::Veto {
                        effect: VetoEffect::Fail,
                    },
                ),
                Item {
                    show_if: Some(Condition {
                        triggered: Some(false),
                        ..show_if("2.5")
                    }),
                    ..item(
                        "2.6",
                        text("约谈"),
                        Rule::Veto {
                            effect: VetoEffect::CapGrade("fair".into()),
                        },
                    )
                },
                Item {
                    show_if: Some(Condition {
                        triggered: Some(true),
                        ..show_if("2.5")
                    }),
                    explain: Some(Explain::Always),
                    ..item("2.7", text("情况说明"), Rule::Text {})
                },
                item(
                    "2.8",
                    text("高风险岗位数"),
                    Rule::Number {
                        unit: Some(text_en("个", "posts")),
                    },
                ),
                item("2.9", text("检查日期"), Rule::Date {}),
            ],
        },
    ];
    TemplateDoc {
        format: TEMPLATE_FORMAT.into(),
        id: "everything".into(),
        version: 3,
        title: text_en("样例清单", "Sample list"),
        description: Some(text_en("每种规则都有", "Every rule kind")),
        responsibility: Responsibility::RiskPrevention,
        subject: Some(SubjectKind::Person),
        period: PeriodKind::Quarterly,
        kinds: Some(vec![PacketKind::Inspection, PacketKind::SelfAssessment]),
        signers: vec![
            SignerRole {
                role: "principal".into(),
                title: text("党委书记"),
                multiple: false,
            },
            SignerRole {
                role: "supervisory".into(),
                title: text("纪委书记"),
                multiple: false,
            },
            SignerRole {
                role: "leader".into(),
                title: text("分管领导"),
                multiple: false,
            },
            SignerRole {
                role: "inspector".into(),
                title: text_en("考核组成员", "Inspector"),
                multiple: true,
            },
        ],
        bands: vec![
            Band {
                id: "good".into(),
                label: text_en("好", "Good"),
                min: fixed("85.5"),
                max: fixed("100"),
            },
            Band {
                id: "fair".into(),
                label: text("较好"),
                min: fixed("70"),
                max: fixed("85.5"),
            },
            Band {
                id: "poor".into(),
                label: text("差"),
                min: fixed("0"),
                max: fixed("70"),
            },
        ],
        sections,
    }
}

#[test]
fn a_list_with_every_kind_and_field_reads_back_as_written() {
    let doc = everything();
    Template::from_doc(doc.clone()).expect("the sample is a valid checklist");
    let back = qingdan_sheet::read(&qingdan_sheet::write(&doc).unwrap())
        .unwrap_or_else(|errors| panic!("{errors}"));
    assert_eq!(back, doc);
}

#[test]
fn each_subject_reads_back_as_written_and_blank_is_none() {
    for subject in [None, Some(SubjectKind::Unit), Some(SubjectKind::Person)] {
        let doc = TemplateDoc {
            subject,
            ..everything()
        };
        let back = qingdan_sheet::read(&qingdan_sheet::write(&doc).unwrap())
            .unwrap_or_else(|errors| panic!("{errors}"));
        assert_eq!(back.subject, subject);
        assert_eq!(back, doc);
    }
}

#[test]
fn a_due_date_the_layout_cannot_say_is_not_written() {
    let mut doc = everything();
    doc.sections[0].items[5].rule = Rule::Deadline {
        points: fixed("1"),
        late_points: None,
        within_days: None,
        due: Some(FixedDue {
            month: Some(3),
            day: None,
            days_after_period: None,
        }),
    };
    let err = qingdan_sheet::write(&doc).unwrap_err();
    assert!(
        matches!(&err, qingdan_sheet::WriteError::Unwritable { item, .. } if item == "1.6"),
        "{err}"
    );
}

#[test]
fn without_signers_and_bands_sheets_the_defaults_apply() {
    let bytes = book(&[
        ("清单", checklist_rows()),
        ("评分细则", item_rows()),
        ("选项", option_rows()),
    ]);
    let doc = qingdan_sheet::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let bundled: TemplateDoc =
        serde_json::from_str(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
    assert_eq!(
        doc.signers, bundled.signers,
        "a self-assessment's two signers"
    );
    assert_eq!(doc.bands, bundled.bands, "the bundled lists' bands");

    let mut inspection = checklist_rows();
    inspection[4][1] = super::C::T("inspection");
    let bytes = book(&[
        ("Checklist", inspection),
        ("Items", item_rows()),
        ("Options", option_rows()),
    ]);
    let doc = qingdan_sheet::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let inspection: TemplateDoc =
        serde_json::from_str(bundled::find("jiancha-kaohe").unwrap().json()).unwrap();
    assert_eq!(doc.signers, inspection.signers, "one or more inspectors");
}

#[test]
fn a_hand_made_workbook_reads_as_a_person_means_it() {
    use super::C::{B, E, N, T};
    let mut items = item_rows();
    // Merged section cells: only the first row of a section names it.
    items[2][0] = E;
    items[2][1] = E;
    // A number typed as text, and a yes/no column as a real boolean.
    items[0].push(T("必答"));
    items[1][5] = T("3");
    items[1].extend([E, B(false)]);
    // An empty row in the middle is skipped.
    items.insert(3, vec![E, E, E]);
    items.insert(3, vec![T("  "), E, E]);
    // The checklist sheet typed without its header row.
    let mut checklist = checklist_rows();
    checklist.remove(0);
    let mut options = option_rows();
    // A numeric option id, and a continuation row with the item id left blank.
    options[1][1] = N(1.0);
    options[2][0] = E;
    let bytes = book(&[("清单", checklist), ("评分细则", items), ("选项", options)]);
    let doc = qingdan_sheet::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.id, "zhen-jiancha");
    assert_eq!(doc.sections.len(), 2);
    assert_eq!(doc.sections[0].items.len(), 2, "1.2 is in section 1");
    let first = &doc.sections[0].items[0];
    assert_eq!(first.required, Some(false));
    assert_eq!(
        first.rule,
        Rule::Check {
            points: fixed("3"),
            partial: Some(fixed("1.5"))
        }
    );
    let Rule::Choice { options } = &doc.sections[1].items[0].rule else {
        panic!("2.1 is a choice");
    };
    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["1", "some"]);
}

#[test]
fn a_workbook_without_the_later_row_and_columns_has_none_of_them() {
    let bytes = book(&[
        ("清单", checklist_rows()),
        ("评分细则", item_rows()),
        ("选项", option_rows()),
    ]);
    let doc = qingdan_sheet::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.subject, None);
    for item in doc.sections.iter().flat_map(|s| &s.items) {
        assert_eq!(item.explain, None, "{}", item.id);
    }
}

#[test]
fn subject_explain_and_due_read_in_chinese_or_json_spellings() {
    use super::C::{E, N, T};
    let mut checklist = checklist_rows();
    checklist.push(vec![T("Subject"), T("person")]);
    let mut items = item_rows();
    items[0].extend([T("explain"), T("Due"), T("可不适用")]);
    items[1].extend([E, T("when-lost-or-na"), E, T("是")]);
    items[2].extend([E, E, T("失分时")]);
    items.push(vec![
        T("3"),
        T("报送"),
        T("3.1"),
        T("报送年度总结"),
        T("期限"),
        N(2.0),
        E,
        E,
        E,
        T("always"),
        T("每年３月３１日前"),
    ]);
    items.push(vec![
        T("3"),
        T("报送"),
        T("3.2"),
        T("报送述责述廉报告"),
        T("期限"),
        N(2.0),
        E,
        E,
        E,
        E,
        T("期末后 31 日内"),
    ]);
    let bytes = book(&[
        ("清单", checklist),
        ("评分细则", items),
        ("选项", option_rows()),
    ]);
    let doc = qingdan_sheet::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.subject, Some(SubjectKind::Person));
    let items: Vec<&Item> = doc.sections.iter().flat_map(|s| &s.items).collect();
    let explains: Vec<Option<Explain>> = items.iter().map(|i| i.explain).collect();
    assert_eq!(
        explains,
        [
            Some(Explain::WhenLostOrNa),
            Some(Explain::WhenLost),
            None,
            Some(Explain::Always),
            None
        ]
    );
    let due = |n: usize| match &items[n].rule {
        Rule::Deadline { due, .. } => due.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        due(3),
        Some(FixedDue {
            month: Some(3),
            day: Some(31),
            days_after_period: None
        })
    );
    assert_eq!(
        due(4),
        Some(FixedDue {
            month: None,
            day: None,
            days_after_period: Some(31)
        })
    );
}
