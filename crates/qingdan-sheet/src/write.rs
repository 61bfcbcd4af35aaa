//! Writing a checklist as a workbook (feature `write`), in the layout the
//! reader reads, for office staff to edit: Chinese headers in a bold frozen
//! row, columns wide enough to read, long texts wrapped, id columns
//! formatted as text (so that Excel keeps `1.10` as typed, and `3月31日`
//! in 规定期限), and drop-down lists for the kind, 须说明 and the yes/no
//! columns.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use qingdan_core::template::{Band, Item, Rule};
use qingdan_core::{Fixed, TemplateDoc, Text};

use crate::layout::{
    BAND_COLUMNS, BANDS, BandCol, CHECKLIST, Column, EXPLAINS, ITEM_COLUMNS, ITEMS, ItemCol,
    KEY_COLUMNS, KEYS, KINDS, Key, KeyCol, NO_ZH, OPTION_COLUMNS, OPTIONS, OptionCol, PERIODS,
    RESPONSIBILITIES, SIGNER_COLUMNS, SIGNERS, SUBJECTS, SignerCol, YES_ZH, explain_zh, kind_zh,
    packet_kind_zh, period_zh, subject_zh,
};
use crate::syntax::{write_condition, write_due, write_effect};

/// Why a checklist could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A part of the checklist the layout cannot hold (only an invalid
    /// checklist has one, e.g. a condition with two tests).
    #[error("item {item}: {problem}")]
    Unwritable {
        /// The item.
        item: String,
        /// What cannot be written.
        problem: String,
    },
    /// The workbook could not be made (e.g. a text longer than the 32,767
    /// characters a cell holds).
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The last row (from zero) a drop-down list covers.
const LAST_ROW: u32 = 9_999;

/// Writes a checklist as an `.xlsx` workbook in the layout [`crate::read`]
/// reads; reading it back gives the same document. The same checklist
/// always gives the same bytes: the document's creation time is fixed.
pub fn write(doc: &TemplateDoc) -> Result<Vec<u8>, WriteError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    // A fixed time, not the clock's: the bytes depend only on the checklist.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(doc.title.zh.as_str())
            .set_creation_datetime(&created),
    );
    checklist_sheet(workbook.add_worksheet(), doc, &styles)?;
    items_sheet(workbook.add_worksheet(), doc, &styles)?;
    options_sheet(workbook.add_worksheet(), doc, &styles)?;
    signers_sheet(workbook.add_worksheet(), doc, &styles)?;
    bands_sheet(workbook.add_worksheet(), doc, &styles)?;
    Ok(workbook.save_to_buffer()?)
}

struct Styles {
    header: Format,
    text: Format,
    wrapped: Format,
    id: Format,
    number: Format,
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDD_EB_F7))
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            // Text, so that an id typed later (1.10) is not taken for a number.
            id: top.clone().set_num_format("@"),
            number: top,
        }
    }

    fn of(&self, style: Style) -> &Format {
        match style {
            Style::Text => &self.text,
            Style::Wrapped => &self.wrapped,
            Style::Id => &self.id,
            Style::Number => &self.number,
        }
    }
}

/// How a column's cells look.
#[derive(Clone, Copy)]
enum Style {
    Text,
    Wrapped,
    Id,
    Number,
}

/// A cell to write.
enum Out<'a> {
    Text(&'a str),
    Number(f64),
    Blank,
}

/// A sheet being written: its columns in the layout's order.
struct SheetOut<'w, F: 'static> {
    sheet: &'w mut Worksheet,
    columns: &'static [Column<F>],
    styles: &'w Styles,
    style: fn(F) -> (Style, f64),
}

impl<'w, F: Copy + PartialEq> SheetOut<'w, F> {
    /// Names the sheet and writes its header row, widths and column formats.
    fn new(
        sheet: &'w mut Worksheet,
        name: &str,
        columns: &'static [Column<F>],
        styles: &'w Styles,
        style: fn(F) -> (Style, f64),
    ) -> Result<Self, XlsxError> {
        sheet.set_name(name)?;
        for (c, column) in columns.iter().enumerate() {
            let c = col(c)?;
            let (kind, width) = style(column.field);
            // Room for the header: a CJK character is two columns wide.
            let header_width = column.zh.chars().count() as f64 * 2.0 + 2.0;
            sheet.set_column_width(c, width.max(header_width))?;
            sheet.set_column_format(c, styles.of(kind))?;
            sheet.write_string_with_format(0, c, column.zh, &styles.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(SheetOut {
            sheet,
            columns,
            styles,
            style,
        })
    }

    fn index(&self, field: F) -> Result<u16, XlsxError> {
        let c = self
            .columns
            .iter()
            .position(|c| c.field == field)
            .ok_or(XlsxError::RowColumnLimitError)?;
        col(c)
    }

    fn put(&mut self, row: u32, field: F, value: Out<'_>) -> Result<(), XlsxError> {
        let c = self.index(field)?;
        let format = self.styles.of((self.style)(field).0);
        match value {
            Out::Text(text) if !text.is_empty() => {
                self.sheet.write_string_with_format(row, c, text, format)?;
            }
            Out::Number(n) => {
                self.sheet.write_number_with_format(row, c, n, format)?;
            }
            Out::Text(_) | Out::Blank => {}
        }
        Ok(())
    }

    fn text(&mut self, row: u32, zh: F, en: F, text: Option<&Text>) -> Result<(), XlsxError> {
        if let Some(text) = text {
            self.put(row, zh, Out::Text(&text.zh))?;
            self.put(row, en, en_of(text))?;
        }
        Ok(())
    }

    /// A drop-down list over the column's data rows.
    fn list(&mut self, field: F, values: &[&str], strict: bool) -> Result<(), XlsxError> {
        let c = self.index(field)?;
        let style = if strict {
            DataValidationErrorStyle::Stop
        } else {
            DataValidationErrorStyle::Warning
        };
        let validation = DataValidation::new()
            .allow_list_strings(values)?
            .set_error_style(style);
        self.sheet
            .add_data_validation(1, c, LAST_ROW, c, &validation)?;
        Ok(())
    }
}

fn col(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

fn en_of(text: &Text) -> Out<'_> {
    text.en.as_deref().map_or(Out::Blank, Out::Text)
}

/// The double nearest to an exact decimal: dividing the count of
/// hundredths by 100 is correctly rounded, so its shortest form (what the
/// reader reads) is the decimal itself.
fn number(value: Fixed) -> Out<'static> {
    Out::Number(value.hundredths() as f64 / 100.0)
}

fn whole(value: impl Into<f64>) -> Out<'static> {
    Out::Number(value.into())
}

fn checklist_sheet(
    sheet: &mut Worksheet,
    doc: &TemplateDoc,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let mut out = SheetOut::new(sheet, CHECKLIST.zh, KEY_COLUMNS, styles, |c| match c {
        KeyCol::Key => (Style::Text, 14.0),
        KeyCol::Value => (Style::Wrapped, 90.0),
    })?;
    let kinds = doc.kinds.as_ref().map(|kinds| {
        kinds
            .iter()
            .map(|&k| packet_kind_zh(k))
            .collect::<Vec<_>>()
            .join("、")
    });
    for (n, key) in KEYS.iter().enumerate() {
        let row = n as u32 + 1;
        out.put(row, KeyCol::Key, Out::Text(key.zh))?;
        let value = match key.field {
            Key::Id => Out::Text(&doc.id),
            Key::Version => whole(doc.version),
            Key::Title => Out::Text(&doc.title.zh),
            Key::TitleEn => en_of(&doc.title),
            Key::Description => doc
                .description
                .as_ref()
                .map_or(Out::Blank, |d| Out::Text(&d.zh)),
            Key::DescriptionEn => doc.description.as_ref().map_or(Out::Blank, en_of),
            Key::Responsibility => Out::Text(doc.responsibility.label(qingdan_core::Lang::Zh)),
            Key::Period => Out::Text(period_zh(doc.period)),
            Key::Kinds => kinds.as_deref().map_or(Out::Blank, Out::Text),
            Key::Subject => doc.subject.map_or(Out::Blank, |s| Out::Text(subject_zh(s))),
        };
        out.put(row, KeyCol::Value, value)?;
        let choices: Vec<&str> = match key.field {
            Key::Responsibility => RESPONSIBILITIES
                .iter()
                .map(|r| r.label(qingdan_core::Lang::Zh))
                .collect(),
            Key::Period => PERIODS.iter().map(|&(_, _, zh)| zh).collect(),
            Key::Subject => SUBJECTS.iter().map(|&(_, _, zh)| zh).collect(),
            _ => continue,
        };
        let validation = DataValidation::new().allow_list_strings(&choices)?;
        out.sheet.add_data_validation(row, 1, row, 1, &validation)?;
    }
    Ok(())
}

fn item_style(column: ItemCol) -> (Style, f64) {
    use ItemCol::*;
    match column {
        SectionId | ItemId => (Style::Id, 9.0),
        Section | SectionEn => (Style::Wrapped, 16.0),
        Item | ItemEn => (Style::Wrapped, 30.0),
        Indicator | IndicatorEn => (Style::Wrapped, 32.0),
        Standard | StandardEn => (Style::Wrapped, 40.0),
        Kind | Unit | UnitEn | Required | NaAllowed => (Style::Text, 8.0),
        // Text, so that Excel keeps 3月31日 as typed, not as a date.
        Due => (Style::Id, 12.0),
        Explain => (Style::Text, 14.0),
        Effect => (Style::Text, 12.0),
        ShowIf => (Style::Text, 22.0),
        Points | Partial | Target | Per | Cap | LatePoints | WithinDays | Min | Max | Weight => {
            (Style::Number, 8.0)
        }
    }
}

fn items_sheet(
    sheet: &mut Worksheet,
    doc: &TemplateDoc,
    styles: &Styles,
) -> Result<(), WriteError> {
    use ItemCol as C;
    let mut out = SheetOut::new(sheet, ITEMS.zh, ITEM_COLUMNS, styles, item_style)?;
    let mut row = 0;
    for section in &doc.sections {
        for item in &section.items {
            row += 1;
            out.put(row, C::SectionId, Out::Text(&section.id))?;
            out.text(row, C::Section, C::SectionEn, Some(&section.title))?;
            out.put(row, C::ItemId, Out::Text(&item.id))?;
            out.text(row, C::Item, C::ItemEn, Some(&item.title))?;
            out.text(row, C::Indicator, C::IndicatorEn, item.indicator.as_ref())?;
            out.text(row, C::Standard, C::StandardEn, item.standard.as_ref())?;
            out.put(row, C::Kind, Out::Text(kind_zh(item.rule.kind_name())))?;
            write_rule(&mut out, row, item, &doc.bands)?;
            let required = match item.required {
                Some(true) => Out::Text(YES_ZH),
                Some(false) => Out::Text(NO_ZH),
                None => Out::Blank,
            };
            out.put(row, C::Required, required)?;
            if item.na_allowed {
                out.put(row, C::NaAllowed, Out::Text(YES_ZH))?;
            }
            if let Some(weight) = item.weight {
                out.put(row, C::Weight, number(weight))?;
            }
            if let Some(condition) = &item.show_if {
                let text = write_condition(condition).ok_or_else(|| WriteError::Unwritable {
                    item: item.id.clone(),
                    problem: "its show_if needs exactly one test, with at least one answer and ids without spaces or commas".into(),
                })?;
                out.put(row, C::ShowIf, Out::Text(&text))?;
            }
            if let Some(explain) = item.explain {
                out.put(row, C::Explain, Out::Text(explain_zh(explain)))?;
            }
            if let Rule::Count {
                steps: Some(steps), ..
            } = &item.rule
                && steps.is_empty()
            {
                return Err(WriteError::Unwritable {
                    item: item.id.clone(),
                    problem: "an empty list of steps cannot be told from no steps".into(),
                });
            }
        }
    }
    let kinds: Vec<&str> = KINDS.iter().map(|&(zh, _, _)| zh).collect();
    out.list(C::Kind, &kinds, false)?;
    out.list(C::Required, &[YES_ZH, NO_ZH], false)?;
    out.list(C::NaAllowed, &[YES_ZH, NO_ZH], false)?;
    let explains: Vec<&str> = EXPLAINS.iter().map(|&(_, _, zh)| zh).collect();
    out.list(C::Explain, &explains, false)?;
    Ok(())
}

fn write_rule(
    out: &mut SheetOut<'_, ItemCol>,
    row: u32,
    item: &Item,
    bands: &[Band],
) -> Result<(), WriteError> {
    use ItemCol as C;
    let optional = |value: Option<Fixed>| value.map_or(Out::Blank, number);
    match &item.rule {
        Rule::Check { points, partial } => {
            out.put(row, C::Points, number(*points))?;
            out.put(row, C::Partial, optional(*partial))?;
        }
        Rule::Count {
            points,
            target,
            unit,
            steps: _,
        } => {
            out.put(row, C::Points, number(*points))?;
            out.put(row, C::Target, whole(*target))?;
            out.text(row, C::Unit, C::UnitEn, unit.as_ref())?;
        }
        Rule::Deadline {
            points,
            late_points,
            within_days,
            due,
        } => {
            out.put(row, C::Points, number(*points))?;
            out.put(row, C::LatePoints, optional(*late_points))?;
            out.put(row, C::WithinDays, within_days.map_or(Out::Blank, whole))?;
            if let Some(due) = due {
                let text = write_due(due).ok_or_else(|| WriteError::Unwritable {
                    item: item.id.clone(),
                    problem: "its due is neither a month and day every year has nor days after the period".into(),
                })?;
                out.put(row, C::Due, Out::Text(&text))?;
            }
        }
        Rule::Choice { .. } | Rule::Text {} | Rule::Date {} => {}
        Rule::Scale { points, min, max } => {
            out.put(row, C::Points, number(*points))?;
            out.put(row, C::Min, whole(*min))?;
            out.put(row, C::Max, whole(*max))?;
        }
        Rule::Deduction { points, per, unit } => {
            out.put(row, C::Points, number(*points))?;
            out.put(row, C::Per, number(*per))?;
            out.text(row, C::Unit, C::UnitEn, unit.as_ref())?;
        }
        Rule::Bonus { per, cap, unit } => {
            out.put(row, C::Per, number(*per))?;
            out.put(row, C::Cap, number(*cap))?;
            out.text(row, C::Unit, C::UnitEn, unit.as_ref())?;
        }
        Rule::Veto { effect } => {
            out.put(row, C::Effect, Out::Text(&write_effect(effect, bands)))?;
        }
        Rule::Number { unit } => {
            out.text(row, C::Unit, C::UnitEn, unit.as_ref())?;
        }
    }
    Ok(())
}

fn options_sheet(
    sheet: &mut Worksheet,
    doc: &TemplateDoc,
    styles: &Styles,
) -> Result<(), XlsxError> {
    use OptionCol as C;
    let mut out = SheetOut::new(sheet, OPTIONS.zh, OPTION_COLUMNS, styles, |c| match c {
        C::ItemId => (Style::Id, 9.0),
        C::Value => (Style::Id, 12.0),
        C::Label | C::LabelEn => (Style::Wrapped, 30.0),
        C::Points => (Style::Number, 8.0),
    })?;
    let mut row = 0;
    for item in doc.sections.iter().flat_map(|s| &s.items) {
        match &item.rule {
            Rule::Choice { options } => {
                for option in options {
                    row += 1;
                    out.put(row, C::ItemId, Out::Text(&item.id))?;
                    out.put(row, C::Value, Out::Text(&option.id))?;
                    out.text(row, C::Label, C::LabelEn, Some(&option.label))?;
                    out.put(row, C::Points, number(option.points))?;
                }
            }
            Rule::Count {
                steps: Some(steps), ..
            } => {
                for step in steps {
                    row += 1;
                    out.put(row, C::ItemId, Out::Text(&item.id))?;
                    out.put(row, C::Value, whole(step.at_least))?;
                    out.put(row, C::Points, number(step.points))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn signers_sheet(
    sheet: &mut Worksheet,
    doc: &TemplateDoc,
    styles: &Styles,
) -> Result<(), XlsxError> {
    use SignerCol as C;
    let mut out = SheetOut::new(sheet, SIGNERS.zh, SIGNER_COLUMNS, styles, |c| match c {
        C::Role => (Style::Id, 14.0),
        C::Title | C::TitleEn => (Style::Wrapped, 40.0),
        C::Multiple => (Style::Text, 8.0),
    })?;
    for (n, signer) in doc.signers.iter().enumerate() {
        let row = n as u32 + 1;
        out.put(row, C::Role, Out::Text(&signer.role))?;
        out.text(row, C::Title, C::TitleEn, Some(&signer.title))?;
        if signer.multiple {
            out.put(row, C::Multiple, Out::Text(YES_ZH))?;
        }
    }
    out.list(C::Multiple, &[YES_ZH, NO_ZH], false)?;
    Ok(())
}

fn bands_sheet(sheet: &mut Worksheet, doc: &TemplateDoc, styles: &Styles) -> Result<(), XlsxError> {
    use BandCol as C;
    let mut out = SheetOut::new(sheet, BANDS.zh, BAND_COLUMNS, styles, |c| match c {
        C::Id => (Style::Id, 12.0),
        C::Label | C::LabelEn => (Style::Text, 14.0),
        C::Min | C::Max => (Style::Number, 8.0),
    })?;
    for (n, band) in doc.bands.iter().enumerate() {
        let row = n as u32 + 1;
        out.put(row, C::Id, Out::Text(&band.id))?;
        out.text(row, C::Label, C::LabelEn, Some(&band.label))?;
        out.put(row, C::Min, number(band.min))?;
        out.put(row, C::Max, number(band.max))?;
    }
    Ok(())
}
