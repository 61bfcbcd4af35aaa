//! The workbook layout: sheet names, column headers, the names of kinds,
//! responsibilities and periods, the words read as yes and no, and the
//! signers and bands a workbook gets when it has none. The reader and the
//! writer both take their names from here, so the two cannot drift apart.
//! `README.md` beside this crate documents the same layout for people.

use qingdan_core::packet::PacketKind;
use qingdan_core::template::{Band, Explain, PeriodKind, Responsibility, SignerRole, SubjectKind};
use qingdan_core::{Fixed, Lang, Text};

/// A sheet, found by its Chinese or English name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SheetName {
    /// The name the writer gives it.
    pub zh: &'static str,
    /// The other name the reader accepts.
    pub en: &'static str,
}

pub(crate) const CHECKLIST: SheetName = SheetName {
    zh: "清单",
    en: "Checklist",
};
pub(crate) const ITEMS: SheetName = SheetName {
    zh: "评分细则",
    en: "Items",
};
pub(crate) const OPTIONS: SheetName = SheetName {
    zh: "选项",
    en: "Options",
};
pub(crate) const SIGNERS: SheetName = SheetName {
    zh: "签字人",
    en: "Signers",
};
pub(crate) const BANDS: SheetName = SheetName {
    zh: "等级",
    en: "Bands",
};

/// A column (or, on the checklist sheet, a field), found by its header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column<F> {
    /// Which field it holds.
    pub field: F,
    /// The Chinese header, which the writer uses.
    pub zh: &'static str,
    /// The English header, also the field's name in error messages.
    pub en: &'static str,
    /// Other headers accepted for it.
    pub also: &'static [&'static str],
}

impl<F: Copy> Column<F> {
    /// Whether `header` names this column: case, spaces, `_`, `-` and the
    /// width of brackets do not matter, and `xxx (English)` is `xxx_en`.
    pub fn matches(&self, header: &str) -> bool {
        let header = normalize(header);
        let english = self
            .en
            .strip_suffix("_en")
            .map(|base| normalize(&format!("{base}(english)")));
        [self.zh, self.en]
            .iter()
            .chain(self.also)
            .any(|name| normalize(name) == header)
            || english.is_some_and(|e| e == header)
    }
}

/// Lower case, without spaces, `_` and `-`, with full-width brackets made
/// half-width: the form in which headers and keys are compared.
pub(crate) fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The fields of the checklist sheet, one row each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Id,
    Version,
    Title,
    TitleEn,
    Description,
    DescriptionEn,
    Responsibility,
    Period,
    Kinds,
    Subject,
}

impl Key {
    /// Whether a checklist needs this field.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Key::Id | Key::Version | Key::Title | Key::Responsibility | Key::Period
        )
    }
}

/// The checklist sheet's fields, in the writer's order.
pub(crate) const KEYS: &[Column<Key>] = &[
    col(Key::Id, "编号", "id"),
    col(Key::Version, "版本", "version"),
    col(Key::Title, "名称", "title"),
    col(Key::TitleEn, "名称（英文）", "title_en"),
    col(Key::Description, "说明", "description"),
    col(Key::DescriptionEn, "说明（英文）", "description_en"),
    col(Key::Responsibility, "责任", "responsibility"),
    col(Key::Period, "周期", "period"),
    col(Key::Kinds, "适用类型", "kinds"),
    col(Key::Subject, "考核对象", "subject"),
];

/// The two columns of the checklist sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyCol {
    Key,
    Value,
}

pub(crate) const KEY_COLUMNS: &[Column<KeyCol>] = &[
    col(KeyCol::Key, "字段", "field"),
    col(KeyCol::Value, "值", "value"),
];

/// The columns of the items sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ItemCol {
    SectionId,
    Section,
    SectionEn,
    ItemId,
    Item,
    ItemEn,
    Indicator,
    IndicatorEn,
    Standard,
    StandardEn,
    Kind,
    Points,
    Partial,
    Target,
    Unit,
    UnitEn,
    Per,
    Cap,
    LatePoints,
    WithinDays,
    Min,
    Max,
    Effect,
    Required,
    NaAllowed,
    Weight,
    ShowIf,
    Due,
    Explain,
}

/// The items sheet's columns, in the writer's order: the Chinese texts and
/// the rule first, the English texts last. 规定期限 and 须说明 came later
/// than the others and follow 显示条件, so the columns before stay where
/// they were.
pub(crate) const ITEM_COLUMNS: &[Column<ItemCol>] = &[
    col(ItemCol::SectionId, "大项编号", "section_id"),
    col(ItemCol::Section, "大项", "section"),
    col(ItemCol::ItemId, "小项编号", "item_id"),
    col(ItemCol::Item, "小项", "item"),
    col(ItemCol::Indicator, "指标", "indicator"),
    col(ItemCol::Standard, "评分标准", "standard"),
    col(ItemCol::Kind, "类型", "kind"),
    col(ItemCol::Points, "分值", "points"),
    col(ItemCol::Partial, "部分完成得分", "partial"),
    col(ItemCol::Target, "目标", "target"),
    col(ItemCol::Unit, "单位", "unit"),
    Column {
        field: ItemCol::Per,
        zh: "每次分值",
        en: "per",
        also: &["每次扣分", "每次加分", "每次扣分/加分"],
    },
    col(ItemCol::Cap, "上限", "cap"),
    col(ItemCol::LatePoints, "逾期得分", "late_points"),
    col(ItemCol::WithinDays, "期限天数", "within_days"),
    col(ItemCol::Min, "最低", "min"),
    col(ItemCol::Max, "最高", "max"),
    col(ItemCol::Effect, "否决效果", "effect"),
    col(ItemCol::Required, "必答", "required"),
    col(ItemCol::NaAllowed, "可不适用", "na_allowed"),
    col(ItemCol::Weight, "权重", "weight"),
    col(ItemCol::ShowIf, "显示条件", "show_if"),
    col(ItemCol::Due, "规定期限", "due"),
    col(ItemCol::Explain, "须说明", "explain"),
    col(ItemCol::SectionEn, "大项（英文）", "section_en"),
    col(ItemCol::ItemEn, "小项（英文）", "item_en"),
    col(ItemCol::IndicatorEn, "指标（英文）", "indicator_en"),
    col(ItemCol::StandardEn, "评分标准（英文）", "standard_en"),
    col(ItemCol::UnitEn, "单位（英文）", "unit_en"),
];

/// The columns of the options sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum OptionCol {
    ItemId,
    Value,
    Label,
    Points,
    LabelEn,
}

pub(crate) const OPTION_COLUMNS: &[Column<OptionCol>] = &[
    col(OptionCol::ItemId, "小项编号", "item_id"),
    col(OptionCol::Value, "值", "value"),
    col(OptionCol::Label, "名称", "label"),
    col(OptionCol::Points, "分值", "points"),
    col(OptionCol::LabelEn, "名称（英文）", "label_en"),
];

/// The columns of the signers sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SignerCol {
    Role,
    Title,
    Multiple,
    TitleEn,
}

pub(crate) const SIGNER_COLUMNS: &[Column<SignerCol>] = &[
    col(SignerCol::Role, "角色", "role"),
    col(SignerCol::Title, "名称", "title"),
    col(SignerCol::Multiple, "多人", "multiple"),
    col(SignerCol::TitleEn, "名称（英文）", "title_en"),
];

/// The columns of the bands sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum BandCol {
    Id,
    Label,
    Min,
    Max,
    LabelEn,
}

pub(crate) const BAND_COLUMNS: &[Column<BandCol>] = &[
    col(BandCol::Id, "编号", "id"),
    col(BandCol::Label, "名称", "label"),
    col(BandCol::Min, "最低", "min"),
    col(BandCol::Max, "最高", "max"),
    col(BandCol::LabelEn, "名称（英文）", "label_en"),
];

const fn col<F>(field: F, zh: &'static str, en: &'static str) -> Column<F> {
    Column {
        field,
        zh,
        en,
        also: &[],
    }
}

/// The kinds of rule, as the kind column names them: the writer's Chinese
/// name, the JSON name, and other accepted names.
pub(crate) const KINDS: &[(&str, &str, &[&str])] = &[
    ("完成", "check", &["检查"]),
    ("计数", "count", &[]),
    ("期限", "deadline", &[]),
    ("选择", "choice", &[]),
    ("量表", "scale", &[]),
    ("扣分", "deduction", &[]),
    ("加分", "bonus", &[]),
    ("否决", "veto", &["一票否决"]),
    ("文本", "text", &[]),
    ("数字", "number", &[]),
    ("日期", "date", &[]),
];

/// The kind's JSON name for a kind cell's text, when it names one.
pub(crate) fn kind_named(text: &str) -> Option<&'static str> {
    let text = normalize(text);
    KINDS
        .iter()
        .find(|(zh, en, also)| {
            normalize(zh) == text || *en == text || also.iter().any(|a| normalize(a) == text)
        })
        .map(|&(_, en, _)| en)
}

/// The Chinese name of a kind, by its JSON name.
pub(crate) fn kind_zh(json_name: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(_, en, _)| *en == json_name)
        .map_or("", |&(zh, _, _)| zh)
}

pub(crate) const RESPONSIBILITIES: [Responsibility; 6] = [
    Responsibility::Principal,
    Responsibility::FirstResponsible,
    Responsibility::DualDuty,
    Responsibility::Supervisory,
    Responsibility::Inspection,
    Responsibility::RiskPrevention,
];

/// The JSON name of a responsibility.
pub(crate) fn responsibility_name(r: Responsibility) -> &'static str {
    match r {
        Responsibility::Principal => "principal",
        Responsibility::FirstResponsible => "first_responsible",
        Responsibility::DualDuty => "dual_duty",
        Responsibility::Supervisory => "supervisory",
        Responsibility::Inspection => "inspection",
        Responsibility::RiskPrevention => "risk_prevention",
    }
}

/// A responsibility by its JSON name or its Chinese or English label.
pub(crate) fn responsibility_named(text: &str) -> Option<Responsibility> {
    let text = normalize(text);
    RESPONSIBILITIES.into_iter().find(|&r| {
        [responsibility_name(r), r.label(Lang::Zh), r.label(Lang::En)]
            .iter()
            .any(|name| normalize(name) == text)
    })
}

/// The periods: the JSON name and the Chinese name.
pub(crate) const PERIODS: [(PeriodKind, &str, &str); 4] = [
    (PeriodKind::Annual, "annual", "年度"),
    (PeriodKind::HalfYear, "half_year", "半年"),
    (PeriodKind::Quarterly, "quarterly", "季度"),
    (PeriodKind::Monthly, "monthly", "月度"),
];

/// A period by its JSON or Chinese name.
pub(crate) fn period_named(text: &str) -> Option<PeriodKind> {
    let text = normalize(text);
    PERIODS
        .iter()
        .find(|(_, en, zh)| normalize(en) == text || normalize(zh) == text)
        .map(|&(p, _, _)| p)
}

/// The Chinese name of a period.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn period_zh(period: PeriodKind) -> &'static str {
    PERIODS
        .iter()
        .find(|(p, _, _)| *p == period)
        .map_or("", |&(_, _, zh)| zh)
}

/// Whom a checklist assesses: the JSON name and the Chinese name the
/// writer writes. A blank cell is no subject (the unit, by default).
pub(crate) const SUBJECTS: [(SubjectKind, &str, &str); 2] = [
    (SubjectKind::Unit, "unit", "单位"),
    (SubjectKind::Person, "person", "个人"),
];

/// A subject by its JSON or Chinese name.
pub(crate) fn subject_named(text: &str) -> Option<SubjectKind> {
    let text = normalize(text);
    SUBJECTS
        .iter()
        .find(|(_, en, zh)| normalize(en) == text || normalize(zh) == text)
        .map(|&(s, _, _)| s)
}

/// The Chinese name of a subject.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn subject_zh(subject: SubjectKind) -> &'static str {
    SUBJECTS
        .iter()
        .find(|(s, _, _)| *s == subject)
        .map_or("", |&(_, _, zh)| zh)
}

/// When an item's answer needs a note (须说明): the JSON name and the
/// Chinese name the writer writes. A blank cell is never.
pub(crate) const EXPLAINS: [(Explain, &str, &str); 4] = [
    (Explain::WhenLost, "when-lost", "失分时"),
    (Explain::WhenNa, "when-na", "不适用时"),
    (Explain::WhenLostOrNa, "when-lost-or-na", "失分或不适用时"),
    (Explain::Always, "always", "总是"),
];

/// An explain value by its JSON or Chinese name.
pub(crate) fn explain_named(text: &str) -> Option<Explain> {
    let text = normalize(text);
    EXPLAINS
        .iter()
        .find(|(_, en, zh)| normalize(en) == text || normalize(zh) == text)
        .map(|&(e, _, _)| e)
}

/// The Chinese name of an explain value.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn explain_zh(explain: Explain) -> &'static str {
    EXPLAINS
        .iter()
        .find(|(e, _, _)| *e == explain)
        .map_or("", |&(_, _, zh)| zh)
}

/// The words of a fixed due date (规定期限): `3月31日`, a day of the
/// period's year, or `期末后31天`, days after the period's last day, as
/// the writer writes them. The reader also takes 每年 or 当年 before a
/// day, 号 for 日, and 前 after it (`每年3月31日前`); 期满后 or 周期结束后
/// for 期末后, 日 for 天, and 内 after the days (`期末后31日内`).
pub(crate) const DUE_MONTH: &str = "月";
pub(crate) const DUE_DAY: &str = "日";
pub(crate) const DUE_YEAR_ALSO: &[&str] = &["每年", "当年"];
pub(crate) const DUE_DAY_ALSO: &[&str] = &["号"];
pub(crate) const DUE_BEFORE_ALSO: &[&str] = &["之前", "以前", "前"];
pub(crate) const DUE_AFTER: &str = "期末后";
pub(crate) const DUE_AFTER_ALSO: &[&str] = &["周期结束后", "期满后"];
pub(crate) const DUE_DAYS: &str = "天";
pub(crate) const DUE_DAYS_ALSO: &[&str] = &["日"];
pub(crate) const DUE_WITHIN_ALSO: &[&str] = &["以内", "之内", "内"];

/// The kinds of packet a checklist may serve: the JSON name, the Chinese
/// name the writer writes, and the other names accepted.
pub(crate) const PACKET_KINDS: [(PacketKind, &str, &[&str]); 2] = [
    (
        PacketKind::SelfAssessment,
        "自查自评",
        &["自评", "self-assessment", "self_assessment"],
    ),
    (PacketKind::Inspection, "检查考核", &["考核", "inspection"]),
];

/// What separates the kinds in a cell: `自查自评、检查考核`.
pub(crate) const KIND_SEPARATORS: &[char] = &['、', ',', '，', ';', '；', ' ', '/'];

/// A packet kind by its Chinese or JSON name.
pub(crate) fn packet_kind_named(text: &str) -> Option<PacketKind> {
    let text = normalize(text);
    PACKET_KINDS
        .iter()
        .find(|(kind, zh, also)| {
            normalize(zh) == text
                || kind.as_str() == text
                || also.iter().any(|a| normalize(a) == text)
        })
        .map(|&(kind, _, _)| kind)
}

/// The Chinese name of a packet kind.
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) fn packet_kind_zh(kind: PacketKind) -> &'static str {
    PACKET_KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(kind.as_str(), |&(_, zh, _)| zh)
}

/// Texts read as yes and as no (compared in lower case).
pub(crate) const YES: &[&str] = &["是", "yes", "y", "true", "1", "√", "✓"];
pub(crate) const NO: &[&str] = &["否", "no", "n", "false", "0", "×", "✗"];

/// What the writer puts in a yes/no cell that is yes (a no is left blank,
/// except for `required`, where blank means the kind's default).
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) const YES_ZH: &str = "是";
#[cfg_attr(not(feature = "write"), allow(dead_code))]
pub(crate) const NO_ZH: &str = "否";

/// The veto effect that fails the assessment, as the writer writes it, and
/// the other words accepted for it.
pub(crate) const FAIL_ZH: &str = "否决";
pub(crate) const FAIL_ALSO: &[&str] = &["fail", "一票否决"];
/// The prefix of a veto effect that caps the grade (`至多 pass`), as the
/// writer writes it, and the other prefixes accepted.
pub(crate) const CAP_ZH: &str = "至多";
pub(crate) const CAP_ALSO: &[&str] = &["cap_grade:", "cap_grade", "cap", "at most"];

/// The signers of a checklist whose workbook has no signers sheet: the
/// inspectors for an inspection checklist, otherwise the holders of the
/// two responsibilities (as every bundled self-assessment list has them).
pub(crate) fn default_signers(responsibility: Responsibility) -> Vec<SignerRole> {
    let role = |role: &str, zh: &str, en: &str, multiple: bool| SignerRole {
        role: role.to_owned(),
        title: text(zh, en),
        multiple,
    };
    if responsibility == Responsibility::Inspection {
        vec![role("inspector", "考核组成员", "Inspector", true)]
    } else {
        vec![
            role(
                "principal",
                "党委（党组）书记（主体责任人）",
                "Party secretary (principal responsibility)",
                false,
            ),
            role(
                "supervisory",
                "纪委书记（纪检组长）（监督责任人）",
                "Discipline secretary (supervisory responsibility)",
                false,
            ),
        ]
    }
}

/// The bands of a checklist whose workbook has no bands sheet: those of
/// every bundled list.
pub(crate) fn default_bands() -> Vec<Band> {
    let band = |id: &str, zh: &str, en: &str, min: i64, max: i64| Band {
        id: id.to_owned(),
        label: text(zh, en),
        min: Fixed::from_int(min),
        max: Fixed::from_int(max),
    };
    vec![
        band("excellent", "优秀", "Excellent", 90, 100),
        band("good", "良好", "Good", 80, 90),
        band("pass", "合格", "Pass", 60, 80),
        band("fail", "不合格", "Fail", 0, 60),
    ]
}

fn text(zh: &str, en: &str) -> Text {
    Text {
        zh: zh.to_owned(),
        en: Some(en.to_owned()),
    }
}
