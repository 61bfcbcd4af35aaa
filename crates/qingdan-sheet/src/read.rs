//! Reading a workbook into a checklist: the sheets by name, the columns by
//! their headers, each row into a section, item, option, signer or band,
//! then the core's template checks, each of their problems put back on the
//! cell it comes from. Every problem is collected, so a person fixes the
//! workbook in one go.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Reader as _, Xlsx};
use qingdan_core::template::{
    Band, ChoiceOption, Item, Location, PeriodKind, Problem, Responsibility, Rule, Section,
    SignerRole, Step, SubjectKind, TEMPLATE_FORMAT, TemplateError, VetoEffect,
};
use qingdan_core::{Template, TemplateDoc, Text};

use crate::cell::{self, Value, cell_name};
use crate::layout::{
    BAND_COLUMNS, BANDS, BandCol, CHECKLIST, Column, EXPLAINS, ITEM_COLUMNS, ITEMS, ItemCol,
    KEY_COLUMNS, KEYS, KIND_SEPARATORS, KINDS, Key, KeyCol, OPTION_COLUMNS, OPTIONS, OptionCol,
    PACKET_KINDS, PERIODS, RESPONSIBILITIES, SIGNER_COLUMNS, SIGNERS, SUBJECTS, SheetName,
    SignerCol, default_bands, default_signers, explain_named, kind_named, kind_zh,
    packet_kind_named, period_named, responsibility_named, subject_named,
};
use crate::syntax::{Effect, parse_condition, parse_due, parse_effect, resolve_band};
use crate::{SheetError, SheetErrors};
use qingdan_core::packet::PacketKind;

/// The largest workbook read; a checklist of a thousand items is far smaller.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most non-empty cells read from one sheet.
const MAX_CELLS: usize = 500_000;
/// The most rows a sheet may span (a checklist has a few thousand).
const MAX_ROWS: u32 = 100_000;
/// The most columns a sheet may span (a checklist has a few dozen).
const MAX_COLUMNS: u32 = 256;
/// The most bytes of text the cells of all sheets may hold together. Each
/// cell keeps a copy of its text, so one long shared string that many cells
/// name would otherwise come to gigabytes.
const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// The most problems listed; past it, one line says how many more there are.
const MAX_PROBLEMS: usize = 200;
/// Where a problem with the file as a whole is reported.
const WORKBOOK: &str = "workbook";

/// Reads a checklist from the bytes of an `.xlsx` workbook and checks it
/// with the template rules. The layout is in this crate's `README.md`.
pub fn read(bytes: &[u8]) -> Result<TemplateDoc, SheetErrors> {
    let mut problems = Problems::default();
    let doc = read_workbook(bytes, &mut problems);
    match doc {
        Some(doc) if problems.0.is_empty() => Ok(doc),
        _ => Err(problems.into_errors()),
    }
}

fn read_workbook(bytes: &[u8], problems: &mut Problems) -> Option<TemplateDoc> {
    if bytes.len() > MAX_BYTES {
        problems.sheet(
            WORKBOOK,
            format!(
                "the file is {} bytes; a checklist workbook may be at most {MAX_BYTES}",
                bytes.len()
            ),
        );
        return None;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        problems.sheet(
            WORKBOOK,
            "this is an old .xls workbook or a password-protected one: save it unprotected as an .xlsx workbook (Excel 工作簿) and import that",
        );
        return None;
    }
    if let Err(limit) = crate::guard::check(bytes) {
        problems.sheet(WORKBOOK, limit);
        return None;
    }
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(e) => {
            problems.sheet(WORKBOOK, format!("not an .xlsx workbook ({e})"));
            return None;
        }
    };
    let names = workbook.sheet_names();
    let mut text_bytes = 0;
    // Whether a sheet was found but not read (its problem says why): the
    // sheets after it are read for their own problems, but what follows
    // from one missing would only mislead.
    let mut unread = false;
    let mut grid = |sheet: SheetName, problems: &mut Problems| {
        let name = find_sheet(&names, sheet, problems)?;
        let grid = load(&mut workbook, &name, &mut text_bytes, problems);
        unread |= grid.is_none();
        grid
    };
    let checklist = grid(CHECKLIST, problems);
    let bands = grid(BANDS, problems);
    let signers = grid(SIGNERS, problems);
    let items = grid(ITEMS, problems);
    let options = grid(OPTIONS, problems);
    for (found, sheet) in [(&checklist, CHECKLIST), (&items, ITEMS)] {
        if found.is_none() && !names.iter().any(|n| is_sheet(n, sheet)) {
            problems.sheet(
                sheet.zh,
                format!(
                    "the workbook has no sheet {} (or {}); its sheets are {}",
                    sheet.zh,
                    sheet.en,
                    names.join(", ")
                ),
            );
        }
    }
    let (Some(checklist), Some(items), false) = (checklist, items, unread) else {
        return None;
    };

    let mut reader = Read::default();
    let head = reader.checklist(checklist, problems);
    let bands = match bands {
        Some(grid) => reader.bands(grid, problems),
        None => default_bands(),
    };
    let signers = match signers {
        Some(grid) => reader.signers(grid, problems),
        None => default_signers(head.responsibility),
    };
    let mut sections = reader.items(items, &bands, problems);
    if let Some(grid) = options {
        reader.options(grid, &mut sections, problems);
    }
    let doc = TemplateDoc {
        format: TEMPLATE_FORMAT.to_owned(),
        id: head.id,
        version: head.version,
        title: head.title,
        description: head.description,
        responsibility: head.responsibility,
        subject: head.subject,
        period: head.period,
        kinds: head.kinds,
        signers,
        bands,
        sections: reader.finish_sections(sections),
    };
    if let Err(errors) = Template::from_doc(doc.clone()) {
        for error in errors.0 {
            if let Some(place) = reader.locate(&error) {
                problems.push(place, error.problem.to_string());
            }
        }
    }
    Some(doc)
}

/// Where a problem is: a sheet, and the cell (row, column from zero) when
/// there is one.
struct Place {
    sheet: String,
    cell: Option<(u32, u32)>,
}

fn cell_place(sheet: &str, row: u32, col: u32) -> Place {
    Place {
        sheet: sheet.to_owned(),
        cell: Some((row, col)),
    }
}

fn sheet_place(sheet: &str) -> Place {
    Place {
        sheet: sheet.to_owned(),
        cell: None,
    }
}

/// The problems found so far.
#[derive(Default)]
struct Problems(Vec<(Place, String)>);

impl Problems {
    fn push(&mut self, place: Place, problem: impl Into<String>) {
        self.0.push((place, problem.into()));
    }

    fn sheet(&mut self, sheet: &str, problem: impl Into<String>) {
        self.push(sheet_place(sheet), problem);
    }

    fn cell(&mut self, sheet: &str, row: u32, col: u32, problem: impl Into<String>) {
        self.push(cell_place(sheet, row, col), problem);
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems in the order a person goes through the workbook: the
    /// file's, then sheet by sheet (in the writer's order), each sheet's own
    /// before its cells', the cells row by row.
    fn into_errors(mut self) -> SheetErrors {
        let rank = |sheet: &str| {
            [CHECKLIST, ITEMS, OPTIONS, SIGNERS, BANDS]
                .iter()
                .position(|s| is_sheet(sheet, *s))
                .map_or(if sheet == WORKBOOK { 0 } else { 6 }, |n| n + 1)
        };
        self.0
            .sort_by_key(|(place, _)| (rank(&place.sheet), place.cell.is_some(), place.cell));
        let total = self.0.len();
        let mut errors: Vec<SheetError> = self
            .0
            .into_iter()
            .take(MAX_PROBLEMS)
            .map(|(place, problem)| SheetError {
                at: match place.cell {
                    Some((row, col)) => at_cell(&place.sheet, row, col),
                    None => place.sheet,
                },
                problem,
            })
            .collect();
        if total > MAX_PROBLEMS {
            errors.push(SheetError {
                at: WORKBOOK.to_owned(),
                problem: format!(
                    "{} more problems are not listed; fix these first",
                    total - MAX_PROBLEMS
                ),
            });
        }
        qingdan_core::Errors(errors)
    }
}

fn at_cell(sheet: &str, row: u32, col: u32) -> String {
    format!("{sheet}!{}", cell_name(row, col))
}

fn is_sheet(name: &str, sheet: SheetName) -> bool {
    let name = crate::layout::normalize(name);
    name == crate::layout::normalize(sheet.zh) || name == crate::layout::normalize(sheet.en)
}

/// The workbook's name for `sheet`, when it has one sheet by either name.
fn find_sheet(names: &[String], sheet: SheetName, problems: &mut Problems) -> Option<String> {
    let found: Vec<&String> = names.iter().filter(|n| is_sheet(n, sheet)).collect();
    match found.as_slice() {
        [] => None,
        [one] => Some((*one).clone()),
        [first, rest @ ..] => {
            problems.sheet(
                first,
                format!(
                    "the workbook has {} sheets for {} ({}); keep one",
                    found.len(),
                    sheet.zh,
                    std::iter::once(*first)
                        .chain(rest.iter().copied())
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            None
        }
    }
}

/// A sheet's non-empty cells, by (row, column) from zero.
struct Grid {
    name: String,
    cells: BTreeMap<(u32, u32), Value>,
}

/// How far a sheet may span, said after a sheet or cell past it.
fn span() -> String {
    format!(
        "a sheet may span at most {MAX_ROWS} rows and {MAX_COLUMNS} columns (A1:{})",
        cell_name(MAX_ROWS - 1, MAX_COLUMNS - 1)
    )
}

/// Reads sheet `name` cell by cell (calamine's cell reader keeps nothing
/// but the cell it reads, so the sheet's dimension and its cells' places
/// reserve no memory), holding its cells to [`MAX_ROWS`] and
/// [`MAX_COLUMNS`], to [`MAX_CELLS`] and, with the sheets read before, to
/// [`MAX_TEXT_BYTES`]. The `<dimension>` a sheet declares is not held to
/// them: nothing is reserved from it, and a program may declare a used
/// range far larger than the cells it wrote.
fn load(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    text_bytes: &mut usize,
    problems: &mut Problems,
) -> Option<Grid> {
    let mut cells = BTreeMap::new();
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(e) => {
            problems.sheet(name, format!("the sheet cannot be read ({e})"));
            return None;
        }
    };
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                let (row, col) = cell.get_position();
                if row >= MAX_ROWS || col >= MAX_COLUMNS {
                    problems.cell(
                        name,
                        row,
                        col,
                        format!("the cell is past the limit: {}", span()),
                    );
                    return None;
                }
                *text_bytes = text_bytes.saturating_add(cell::text_len(cell.get_value()));
                if *text_bytes > MAX_TEXT_BYTES {
                    problems.cell(
                        name,
                        row,
                        col,
                        format!(
                            "the cells' texts come to more than {MAX_TEXT_BYTES} bytes; a workbook's cells may hold at most {MAX_TEXT_BYTES} bytes of text"
                        ),
                    );
                    return None;
                }
                if let Some(value) = Value::from_calamine(cell.get_value()) {
                    if cells.len() >= MAX_CELLS {
                        problems.sheet(
                            name,
                            format!("the sheet has more than {MAX_CELLS} cells with values"),
                        );
                        return None;
                    }
                    cells.insert(cell.get_position(), value);
                }
            }
            Ok(None) => break,
            Err(e) => {
                problems.sheet(name, format!("the sheet cannot be read ({e})"));
                return None;
            }
        }
    }
    Some(Grid {
        name: name.to_owned(),
        cells,
    })
}

/// A sheet as a table: its columns found by their headers in row 1, and
/// its data rows (rows with no value are skipped).
struct Table<F: 'static> {
    sheet: String,
    spec: &'static [Column<F>],
    columns: BTreeMap<F, u32>,
    rows: Vec<Row>,
}

struct Row {
    index: u32,
    cells: BTreeMap<u32, Value>,
}

impl<F: Copy + Ord> Table<F> {
    fn new(grid: Grid, spec: &'static [Column<F>], problems: &mut Problems) -> Table<F> {
        let sheet = grid.name;
        let mut columns: BTreeMap<F, u32> = BTreeMap::new();
        let mut known: BTreeMap<u32, F> = BTreeMap::new();
        let mut headed: BTreeSet<u32> = BTreeSet::new();
        let mut unheaded: BTreeSet<u32> = BTreeSet::new();
        let mut rows: Vec<Row> = Vec::new();
        for ((r, c), value) in grid.cells {
            if r == 0 {
                headed.insert(c);
                let header = match cell::as_text(&value, "the column header") {
                    Ok(header) => header,
                    Err(problem) => {
                        problems.cell(&sheet, r, c, problem);
                        continue;
                    }
                };
                match spec.iter().find(|column| column.matches(&header)) {
                    Some(column) => match columns.get(&column.field) {
                        Some(&first) => problems.cell(
                            &sheet,
                            r,
                            c,
                            format!(
                                "column {header:?} is already at {}",
                                at_cell(&sheet, 0, first)
                            ),
                        ),
                        None => {
                            columns.insert(column.field, c);
                            known.insert(c, column.field);
                        }
                    },
                    None => problems.cell(&sheet, r, c, format!("unknown column {header:?}")),
                }
                continue;
            }
            if !known.contains_key(&c) {
                if !headed.contains(&c) && unheaded.insert(c) {
                    problems.cell(&sheet, r, c, "a value in a column with no header in row 1");
                }
                continue;
            }
            add_cell(&mut rows, r, c, value);
        }
        Table {
            sheet,
            spec,
            columns,
            rows,
        }
    }

    fn column(&self, field: F) -> &'static Column<F> {
        self.spec
            .iter()
            .find(|c| c.field == field)
            .unwrap_or(&self.spec[0])
    }

    /// Reports each of `fields` that has no column; false when any is missing.
    fn require(&self, fields: &[F], problems: &mut Problems) -> bool {
        let mut all = true;
        for &field in fields {
            if !self.columns.contains_key(&field) {
                let column = self.column(field);
                problems.sheet(
                    &self.sheet,
                    format!("no column {} ({}) in row 1", column.zh, column.en),
                );
                all = false;
            }
        }
        all
    }
}

impl Table<KeyCol> {
    /// A checklist sheet without a header row, as a person may type it:
    /// fields in column A, values in column B.
    fn fields_and_values(grid: Grid, problems: &mut Problems) -> Table<KeyCol> {
        let mut rows = Vec::new();
        let mut reported = BTreeSet::new();
        for ((r, c), value) in grid.cells {
            if c > 1 {
                if reported.insert(c) {
                    problems.cell(
                        &grid.name,
                        r,
                        c,
                        "a value beside the table: column A holds the fields, column B their values",
                    );
                }
                continue;
            }
            add_cell(&mut rows, r, c, value);
        }
        Table {
            sheet: grid.name,
            spec: KEY_COLUMNS,
            columns: BTreeMap::from([(KeyCol::Key, 0), (KeyCol::Value, 1)]),
            rows,
        }
    }
}

/// Adds a cell to the last row, or starts a row (cells come row by row).
fn add_cell(rows: &mut Vec<Row>, r: u32, c: u32, value: Value) {
    match rows.last_mut() {
        Some(row) if row.index == r => {
            row.cells.insert(c, value);
        }
        _ => rows.push(Row {
            index: r,
            cells: BTreeMap::from([(c, value)]),
        }),
    }
}

/// Reads the cells of one row, noting each problem at its cell.
struct RowReader<'a, F: 'static> {
    table: &'a Table<F>,
    row: &'a Row,
    problems: &'a mut Problems,
    /// The column a problem is reported at when its own column is missing.
    fallback: F,
    /// Whether any problem was found in this row.
    bad: bool,
}

impl<'a, F: Copy + Ord> RowReader<'a, F> {
    fn new(table: &'a Table<F>, row: &'a Row, problems: &'a mut Problems, fallback: F) -> Self {
        RowReader {
            table,
            row,
            problems,
            fallback,
            bad: false,
        }
    }

    fn value(&self, field: F) -> Option<&'a Value> {
        let col = self.table.columns.get(&field)?;
        self.row.cells.get(col)
    }

    fn at(&self, field: F) -> Place {
        let col = self
            .table
            .columns
            .get(&field)
            .or_else(|| self.table.columns.get(&self.fallback))
            .copied()
            .unwrap_or(0);
        cell_place(&self.table.sheet, self.row.index, col)
    }

    fn fail(&mut self, field: F, problem: impl Into<String>) {
        let place = self.at(field);
        self.problems.push(place, problem);
        self.bad = true;
    }

    fn name(&self, field: F) -> &'static str {
        self.table.column(field).en
    }

    fn read<T>(&mut self, field: F, how: impl Fn(&Value, &str) -> Result<T, String>) -> Option<T> {
        let value = self.value(field)?;
        match how(value, self.name(field)) {
            Ok(v) => Some(v),
            Err(problem) => {
                self.fail(field, problem);
                None
            }
        }
    }

    fn text(&mut self, field: F) -> Option<String> {
        self.read(field, cell::as_text)
    }

    fn fixed(&mut self, field: F) -> Option<qingdan_core::Fixed> {
        self.read(field, cell::as_fixed)
    }

    fn whole(&mut self, field: F, min: i64, max: i64) -> Option<i64> {
        self.read(field, |v, name| cell::as_whole(v, name, min, max))
    }

    fn u32(&mut self, field: F) -> Option<u32> {
        self.whole(field, 0, i64::from(u32::MAX))
            .and_then(|n| u32::try_from(n).ok())
    }

    fn i32(&mut self, field: F) -> Option<i32> {
        self.whole(field, i64::from(i32::MIN), i64::from(i32::MAX))
            .and_then(|n| i32::try_from(n).ok())
    }

    fn boolean(&mut self, field: F) -> Option<bool> {
        self.read(field, cell::as_bool)
    }

    /// `value`, or a problem saying the cell is needed `why` when it is
    /// blank (a value that was there but wrong is already reported).
    fn needed<T>(&mut self, field: F, value: Option<T>, why: &str) -> Option<T> {
        if value.is_none() && self.value(field).is_none() {
            let problem = format!("{} is needed{why}", self.name(field));
            self.fail(field, problem);
        }
        value
    }

    /// A text with its English form; English alone is a problem.
    fn text_pair(&mut self, zh: F, en: F) -> Option<Text> {
        let zh_text = self.text(zh);
        let en_text = self.text(en);
        match (zh_text, en_text) {
            (Some(zh), en) => Some(Text { zh, en }),
            (None, Some(_)) => {
                let problem = format!("{} is given without {}", self.name(en), self.name(zh));
                self.fail(en, problem);
                None
            }
            (None, None) => None,
        }
    }
}

/// The checklist sheet's values.
struct Head {
    id: String,
    version: u32,
    title: Text,
    description: Option<Text>,
    responsibility: Responsibility,
    period: PeriodKind,
    kinds: Option<Vec<PacketKind>>,
    subject: Option<SubjectKind>,
}

/// What was read, and where: enough to put the template checks' problems
/// back on their cells, and to leave out those that only follow from a
/// problem already reported.
#[derive(Default)]
struct Read {
    checklist_sheet: String,
    /// The row of each field of the checklist sheet, and the value column.
    key_rows: BTreeMap<Key, u32>,
    value_col: u32,
    checklist_bad: bool,
    bands_sheet: Option<Table<BandCol>>,
    /// Each band in the document, with its row.
    band_rows: Vec<(String, u32)>,
    bands_bad: bool,
    signers_sheet: Option<Table<SignerCol>>,
    /// Each signer role in the document, with its row.
    signer_rows: Vec<(String, u32)>,
    signers_bad: bool,
    items_sheet: Option<Table<ItemCol>>,
    options_sheet: Option<Table<OptionCol>>,
    items_bad: bool,
    /// Every item id read (also those left out), with where it is.
    item_at: BTreeMap<String, ItemPlace>,
    /// Ids of items left out of the document because of a problem.
    dropped: BTreeSet<String>,
    /// Whether an item row's id could not be read (so any id may be missing).
    unnamed_items: bool,
    /// Sections with an item left out, by id.
    tainted_sections: BTreeSet<String>,
    /// Each section in the document: its id, first row and items' ids.
    section_rows: Vec<(String, u32, Vec<String>)>,
}

/// Where an item is: its row on the items sheet, its section, its kind
/// (when the kind cell was read), and its option rows.
struct ItemPlace {
    row: u32,
    section: usize,
    kind: Option<&'static str>,
    option_rows: Vec<u32>,
}

/// A section as it is read: items are added in row order.
struct SectionRead {
    id: String,
    first_row: u32,
    title: Option<(String, u32)>,
    title_en: Option<(String, u32)>,
    items: Vec<(String, Option<Item>)>,
}

impl Read {
    fn checklist(&mut self, grid: Grid, problems: &mut Problems) -> Head {
        let before = problems.len();
        // Row 1 holds the headers 字段 and 值, unless it already gives a field.
        let headerless = matches!(
            grid.cells.get(&(0, 0)),
            Some(Value::Text(a1)) if KEYS.iter().any(|k| k.matches(a1))
        );
        let table = if headerless {
            Table::fields_and_values(grid, problems)
        } else {
            Table::new(grid, KEY_COLUMNS, problems)
        };
        self.checklist_sheet = table.sheet.clone();
        let mut id = None;
        let mut version = None;
        let mut title = None;
        let mut title_en = None;
        let mut description = None;
        let mut description_en = None;
        let mut responsibility = None;
        let mut period = None;
        let mut kinds = None;
        let mut subject = None;
        if table.require(&[KeyCol::Key, KeyCol::Value], problems) {
            self.value_col = table.columns[&KeyCol::Value];
            for row in &table.rows {
                let mut r = RowReader::new(&table, row, problems, KeyCol::Key);
                let Some(name) = r.text(KeyCol::Key) else {
                    r.needed::<()>(KeyCol::Key, None, " (the field this row gives)");
                    continue;
                };
                let Some(key) = KEYS.iter().find(|k| k.matches(&name)) else {
                    let names: Vec<&str> = KEYS.iter().map(|k| k.zh).collect();
                    r.fail(
                        KeyCol::Key,
                        format!(
                            "unknown field {name:?}; the fields are {}",
                            names.join(", ")
                        ),
                    );
                    continue;
                };
                if let Some(&first) = self.key_rows.get(&key.field) {
                    let problem = format!(
                        "field {name:?} is already given at {}",
                        at_cell(&table.sheet, first, table.columns[&KeyCol::Key])
                    );
                    r.fail(KeyCol::Key, problem);
                    continue;
                }
                self.key_rows.insert(key.field, row.index);
                let field = key.en;
                let value = r.value(KeyCol::Value);
                let text = |r: &mut RowReader<KeyCol>| {
                    r.read(KeyCol::Value, |v, _| cell::as_text(v, field))
                };
                match key.field {
                    Key::Id => id = text(&mut r),
                    Key::Version => {
                        version = r
                            .read(KeyCol::Value, |v, _| {
                                cell::as_whole(v, field, 0, i64::from(u32::MAX))
                            })
                            .and_then(|n| u32::try_from(n).ok());
                    }
                    Key::Title => title = text(&mut r),
                    Key::TitleEn => title_en = text(&mut r),
                    Key::Description => description = text(&mut r),
                    Key::DescriptionEn => description_en = text(&mut r),
                    Key::Responsibility => {
                        responsibility = text(&mut r).and_then(|t| {
                            let found = responsibility_named(&t);
                            if found.is_none() {
                                let names: Vec<&str> = RESPONSIBILITIES
                                    .iter()
                                    .map(|&r| r.label(qingdan_core::Lang::Zh))
                                    .collect();
                                r.fail(
                                    KeyCol::Value,
                                    format!(
                                        "responsibility {t:?} is not one of {}",
                                        names.join(", ")
                                    ),
                                );
                            }
                            found
                        });
                    }
                    Key::Period => {
                        period = text(&mut r).and_then(|t| {
                            let found = period_named(&t);
                            if found.is_none() {
                                let names: Vec<&str> =
                                    PERIODS.iter().map(|&(_, _, zh)| zh).collect();
                                r.fail(
                                    KeyCol::Value,
                                    format!("period {t:?} is not one of {}", names.join(", ")),
                                );
                            }
                            found
                        });
                    }
                    Key::Kinds => {
                        kinds = text(&mut r).and_then(|t| {
                            let read: Vec<Option<PacketKind>> = t
                                .split(KIND_SEPARATORS)
                                .filter(|k| !k.trim().is_empty())
                                .map(packet_kind_named)
                                .collect();
                            if read.iter().any(Option::is_none) {
                                let names: Vec<&str> =
                                    PACKET_KINDS.iter().map(|&(_, zh, _)| zh).collect();
                                r.fail(
                                    KeyCol::Value,
                                    format!(
                                        "kinds {t:?}: each is one of {}, separated by 、",
                                        names.join(", ")
                                    ),
                                );
                                return None;
                            }
                            Some(read.into_iter().flatten().collect())
                        });
                    }
                    Key::Subject => {
                        subject = text(&mut r).and_then(|t| {
                            let found = subject_named(&t);
                            if found.is_none() {
                                let names: Vec<&str> =
                                    SUBJECTS.iter().map(|&(_, _, zh)| zh).collect();
                                r.fail(
                                    KeyCol::Value,
                                    format!(
                                        "subject {t:?} is not one of {} (blank: 单位)",
                                        names.join(", ")
                                    ),
                                );
                            }
                            found
                        });
                    }
                }
                if key.field.is_required() && value.is_none() {
                    r.fail(KeyCol::Value, format!("{field} is needed"));
                }
            }
            for key in KEYS {
                if key.field.is_required() && !self.key_rows.contains_key(&key.field) {
                    problems.sheet(
                        &table.sheet,
                        format!("no row {} ({}): it is needed", key.zh, key.en),
                    );
                }
            }
            for (zh, en, key) in [
                (&title, &title_en, Key::TitleEn),
                (&description, &description_en, Key::DescriptionEn),
            ] {
                if zh.is_none() && en.is_some() {
                    let row = self.key_rows[&key];
                    problems.cell(
                        &table.sheet,
                        row,
                        self.value_col,
                        format!(
                            "{} is given without its Chinese text",
                            KEYS.iter().find(|k| k.field == key).map_or("", |k| k.en)
                        ),
                    );
                }
            }
        }
        self.checklist_bad = problems.len() > before;
        // Placeholders stand in for what could not be read; the problems
        // are reported, so the document is never returned.
        Head {
            id: id.unwrap_or_else(|| "x".to_owned()),
            version: version.unwrap_or(1),
            title: Text {
                zh: title.unwrap_or_else(|| "x".to_owned()),
                en: title_en,
            },
            description: description.map(|zh| Text {
                zh,
                en: description_en,
            }),
            responsibility: responsibility.unwrap_or(Responsibility::Principal),
            period: period.unwrap_or(PeriodKind::Annual),
            kinds,
            subject,
        }
    }

    fn bands(&mut self, grid: Grid, problems: &mut Problems) -> Vec<Band> {
        let before = problems.len();
        let table = Table::new(grid, BAND_COLUMNS, problems);
        let mut bands = Vec::new();
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        if table.require(
            &[BandCol::Id, BandCol::Label, BandCol::Min, BandCol::Max],
            problems,
        ) {
            for row in &table.rows {
                let mut r = RowReader::new(&table, row, problems, BandCol::Id);
                let id = r.text(BandCol::Id);
                let id = r.needed(BandCol::Id, id, "");
                let label = r.text_pair(BandCol::Label, BandCol::LabelEn);
                let label = r.needed(BandCol::Label, label, "");
                let min = r.fixed(BandCol::Min);
                let min = r.needed(BandCol::Min, min, "");
                let max = r.fixed(BandCol::Max);
                let max = r.needed(BandCol::Max, max, "");
                if let Some(id) = &id
                    && let Some(&first) = seen.get(id)
                {
                    let at = at_cell(&table.sheet, first, table.columns[&BandCol::Id]);
                    r.fail(
                        BandCol::Id,
                        format!("band id {id:?} is already used at {at}"),
                    );
                    continue;
                }
                if let (Some(id), Some(label), Some(min), Some(max)) = (id, label, min, max) {
                    if r.bad {
                        continue;
                    }
                    seen.insert(id.clone(), row.index);
                    self.band_rows.push((id.clone(), row.index));
                    bands.push(Band {
                        id,
                        label,
                        min,
                        max,
                    });
                }
            }
        }
        self.bands_bad = problems.len() > before;
        self.bands_sheet = Some(table);
        bands
    }

    fn signers(&mut self, grid: Grid, problems: &mut Problems) -> Vec<SignerRole> {
        let before = problems.len();
        let table = Table::new(grid, SIGNER_COLUMNS, problems);
        let mut signers = Vec::new();
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        if table.require(&[SignerCol::Role, SignerCol::Title], problems) {
            for row in &table.rows {
                let mut r = RowReader::new(&table, row, problems, SignerCol::Role);
                let role = r.text(SignerCol::Role);
                let role = r.needed(SignerCol::Role, role, "");
                let title = r.text_pair(SignerCol::Title, SignerCol::TitleEn);
                let title = r.needed(SignerCol::Title, title, "");
                let multiple = r.boolean(SignerCol::Multiple).unwrap_or(false);
                if let Some(role) = &role
                    && let Some(&first) = seen.get(role)
                {
                    let at = at_cell(&table.sheet, first, table.columns[&SignerCol::Role]);
                    r.fail(SignerCol::Role, format!("role {role:?} is already at {at}"));
                    continue;
                }
                if let (Some(role), Some(title), false) = (role, title, r.bad) {
                    seen.insert(role.clone(), row.index);
                    self.signer_rows.push((role.clone(), row.index));
                    signers.push(SignerRole {
                        role,
                        title,
                        multiple,
                    });
                }
            }
        }
        self.signers_bad = problems.len() > before;
        self.signers_sheet = Some(table);
        signers
    }

    fn items(&mut self, grid: Grid, bands: &[Band], problems: &mut Problems) -> Vec<SectionRead> {
        let before = problems.len();
        let table = Table::new(grid, ITEM_COLUMNS, problems);
        let mut sections: Vec<SectionRead> = Vec::new();
        let required = [
            ItemCol::SectionId,
            ItemCol::Section,
            ItemCol::ItemId,
            ItemCol::Item,
            ItemCol::Kind,
        ];
        if table.require(&required, problems) {
            let mut current: Option<usize> = None;
            for row in &table.rows {
                let mut r = RowReader::new(&table, row, problems, ItemCol::ItemId);
                let section = section_of_row(&mut r, &mut sections, current);
                current = section.or(current);
                let id = r.text(ItemCol::ItemId);
                let id = r.needed(ItemCol::ItemId, id, "");
                let kind = read_kind(&mut r);
                let item = read_item(&mut r, id.as_deref(), kind, bands);
                self.unnamed_items |= id.is_none();
                let Some(id) = id else {
                    continue;
                };
                let Some(section) = section else {
                    self.dropped.insert(id);
                    continue;
                };
                if let Some(first) = self.item_at.get(&id) {
                    let at = at_cell(&table.sheet, first.row, table.columns[&ItemCol::ItemId]);
                    r.fail(
                        ItemCol::ItemId,
                        format!("item id {id:?} is already used at {at}"),
                    );
                    continue;
                }
                let item = item.filter(|_| !r.bad);
                self.item_at.insert(
                    id.clone(),
                    ItemPlace {
                        row: row.index,
                        section,
                        kind,
                        option_rows: Vec::new(),
                    },
                );
                sections[section].items.push((id, item));
            }
            for section in &sections {
                if section.title.is_none() {
                    problems.cell(
                        &table.sheet,
                        section.first_row,
                        table.columns[&ItemCol::Section],
                        format!(
                            "section {:?} has no title: give it in column {}",
                            section.id,
                            table.column(ItemCol::Section).zh
                        ),
                    );
                }
            }
        }
        self.items_bad = problems.len() > before;
        self.items_sheet = Some(table);
        sections
    }

    fn options(&mut self, grid: Grid, sections: &mut [SectionRead], problems: &mut Problems) {
        let before = problems.len();
        let table = Table::new(grid, OPTION_COLUMNS, problems);
        let items_sheet = self
            .items_sheet
            .as_ref()
            .map_or(ITEMS.zh, |t| t.sheet.as_str())
            .to_owned();
        // An options sheet with no rows needs no columns either.
        if !table.rows.is_empty()
            && table.require(
                &[OptionCol::ItemId, OptionCol::Value, OptionCol::Points],
                problems,
            )
        {
            let mut previous: Option<String> = None;
            for row in &table.rows {
                let mut r = RowReader::new(&table, row, problems, OptionCol::ItemId);
                let id = r.text(OptionCol::ItemId).or_else(|| previous.clone());
                let Some(id) = r.needed(OptionCol::ItemId, id, "") else {
                    continue;
                };
                previous = Some(id.clone());
                let Some(place) = self.item_at.get_mut(&id) else {
                    if self.dropped.contains(&id) || self.unnamed_items {
                        // Its row could not be read, which is reported already.
                        continue;
                    }
                    r.fail(
                        OptionCol::ItemId,
                        format!("item {id:?} is not on {items_sheet}"),
                    );
                    continue;
                };
                let label = r.text_pair(OptionCol::Label, OptionCol::LabelEn);
                let points = r.fixed(OptionCol::Points);
                let points = r.needed(OptionCol::Points, points, "");
                let entry = match place.kind {
                    Some("choice") => {
                        let value = r.text(OptionCol::Value);
                        let value = r.needed(OptionCol::Value, value, " (the option's id)");
                        let label = r.needed(OptionCol::Label, label, " for a choice option");
                        match (value, label, points) {
                            (Some(id), Some(label), Some(points)) => {
                                Some(Entry::Option(ChoiceOption { id, label, points }))
                            }
                            _ => None,
                        }
                    }
                    Some("count") => {
                        let at_least = r.u32(OptionCol::Value);
                        let at_least =
                            r.needed(OptionCol::Value, at_least, " (the count the step needs)");
                        for field in [OptionCol::Label, OptionCol::LabelEn] {
                            if r.value(field).is_some() {
                                let problem =
                                    format!("{} does not belong to a count step", r.name(field));
                                r.fail(field, problem);
                            }
                        }
                        match (at_least, points) {
                            (Some(at_least), Some(points)) => {
                                Some(Entry::Step(Step { at_least, points }))
                            }
                            _ => None,
                        }
                    }
                    Some(kind) => {
                        r.fail(
                            OptionCol::ItemId,
                            format!(
                                "item {id:?} is a {kind} ({}) item; rows here are for choice options and count steps",
                                kind_zh(kind)
                            ),
                        );
                        None
                    }
                    // The item's kind is unreadable, which is reported already.
                    None => None,
                };
                let section = &mut sections[place.section];
                let slot = section
                    .items
                    .iter_mut()
                    .find(|(item_id, _)| *item_id == id)
                    .map(|(_, item)| item);
                match (entry, r.bad, slot) {
                    (Some(entry), false, Some(Some(item))) => {
                        place.option_rows.push(row.index);
                        match (&mut item.rule, entry) {
                            (Rule::Choice { options }, Entry::Option(option)) => {
                                options.push(option);
                            }
                            (Rule::Count { steps, .. }, Entry::Step(step)) => {
                                steps.get_or_insert_with(Vec::new).push(step);
                            }
                            _ => {}
                        }
                    }
                    (_, true, Some(slot)) => *slot = None,
                    _ => {}
                }
            }
        }
        if problems.len() > before {
            self.items_bad = true;
        }
        self.options_sheet = Some(table);
    }

    /// The document's sections: those read, without the items that had a
    /// problem (their ids are kept to explain what follows from them).
    fn finish_sections(&mut self, sections: Vec<SectionRead>) -> Vec<Section> {
        sections
            .into_iter()
            .map(|section| {
                let mut items = Vec::new();
                let mut ids = Vec::new();
                for (id, item) in section.items {
                    match item {
                        Some(item) => {
                            ids.push(id);
                            items.push(item);
                        }
                        None => {
                            self.tainted_sections.insert(section.id.clone());
                            self.dropped.insert(id);
                        }
                    }
                }
                if section.title.is_none() {
                    self.tainted_sections.insert(section.id.clone());
                }
                self.section_rows
                    .push((section.id.clone(), section.first_row, ids));
                Section {
                    id: section.id,
                    title: Text {
                        zh: section
                            .title
                            .map_or_else(|| "x".to_owned(), |(title, _)| title),
                        en: section.title_en.map(|(title, _)| title),
                    },
                    items,
                }
            })
            .collect()
    }

    /// The cell a template check's problem is about, or `None` when the
    /// problem only follows from one already reported.
    fn locate(&self, error: &TemplateError) -> Option<Place> {
        let items = self.items_sheet.as_ref()?;
        match (&error.at, &error.problem) {
            (Location::Template, Problem::EmptyText(_)) => {
                if self.checklist_bad {
                    return None;
                }
                let row = self.key_rows.get(&Key::Title)?;
                Some(cell_place(&self.checklist_sheet, *row, self.value_col))
            }
            (Location::Template, Problem::NoItems) if self.items_bad => None,
            (Location::Template, _) => Some(sheet_place(&items.sheet)),
            (Location::Json(path), _) => self.locate_path(path),
            (Location::Section(id), _) => {
                if self.tainted_sections.contains(id) {
                    return None;
                }
                let (_, row, _) = self.section_rows.iter().find(|(s, _, _)| s == id)?;
                Some(cell_place(
                    &items.sheet,
                    *row,
                    *items.columns.get(&ItemCol::SectionId)?,
                ))
            }
            (Location::Band(id), problem) => {
                if self.bands_bad
                    && matches!(
                        problem,
                        Problem::BandGap { .. } | Problem::BandOverlap { .. }
                    )
                {
                    return None;
                }
                let table = self.bands_sheet.as_ref()?;
                let (_, row) = self.band_rows.iter().find(|(b, _)| b == id)?;
                Some(cell_place(
                    &table.sheet,
                    *row,
                    *table.columns.get(&BandCol::Id)?,
                ))
            }
            // The usual signers (no signers sheet) only clash with the kinds.
            (Location::Signer(_), _) if self.signers_sheet.is_none() => self.kinds_cell(),
            (Location::Signer(role), _) => {
                let table = self.signers_sheet.as_ref()?;
                let (_, row) = self.signer_rows.iter().find(|(r, _)| r == role)?;
                Some(cell_place(
                    &table.sheet,
                    *row,
                    *table.columns.get(&SignerCol::Role)?,
                ))
            }
            (Location::Item { id, path }, problem) => {
                match problem {
                    Problem::ConditionTargetMissing(target)
                        if self.unnamed_items || self.dropped.contains(target) =>
                    {
                        return None;
                    }
                    Problem::UnknownBand(_) if self.bands_bad => return None,
                    _ => {}
                }
                self.locate_item(id, path)
                    .or_else(|| self.item_cell(id, ItemCol::ItemId))
                    .or_else(|| Some(sheet_place(&items.sheet)))
            }
        }
    }

    /// The cell of a top-level JSON path the template checks name.
    fn locate_path(&self, path: &str) -> Option<Place> {
        let items = self.items_sheet.as_ref()?;
        let sheet_of = |bad: bool, table: Option<&str>| {
            if bad {
                None
            } else {
                Some(sheet_place(table.unwrap_or(&self.checklist_sheet)))
            }
        };
        if path == "id" {
            if self.checklist_bad {
                return None;
            }
            let row = self.key_rows.get(&Key::Id)?;
            return Some(cell_place(&self.checklist_sheet, *row, self.value_col));
        }
        if path == "kinds" || path.starts_with("kinds[") {
            return self.kinds_cell();
        }
        if path == "signers" {
            return sheet_of(
                self.signers_bad,
                self.signers_sheet.as_ref().map(|t| t.sheet.as_str()),
            );
        }
        if path == "bands" {
            return sheet_of(
                self.bands_bad,
                self.bands_sheet.as_ref().map(|t| t.sheet.as_str()),
            );
        }
        if let Some((n, _)) = index_after(path, "signers[") {
            let table = self.signers_sheet.as_ref()?;
            let (_, row) = self.signer_rows.get(n)?;
            return Some(cell_place(
                &table.sheet,
                *row,
                *table.columns.get(&SignerCol::Role)?,
            ));
        }
        if let Some((s, rest)) = index_after(path, "sections[") {
            let (_, first_row, ids) = self.section_rows.get(s)?;
            if let Some((i, _)) = index_after(rest, ".items[") {
                return self.item_cell(ids.get(i)?, ItemCol::ItemId);
            }
            return Some(cell_place(
                &items.sheet,
                *first_row,
                *items.columns.get(&ItemCol::SectionId)?,
            ));
        }
        Some(sheet_place(&items.sheet))
    }

    /// The value cell of the checklist sheet's 适用类型 (kinds) row.
    fn kinds_cell(&self) -> Option<Place> {
        if self.checklist_bad {
            return None;
        }
        let row = self.key_rows.get(&Key::Kinds)?;
        Some(cell_place(&self.checklist_sheet, *row, self.value_col))
    }

    /// The cell of an item's field, by the JSON path inside the item.
    fn locate_item(&self, id: &str, path: &str) -> Option<Place> {
        for prefix in ["rule.options[", "rule.steps["] {
            if let Some((n, rest)) = index_after(path, prefix) {
                let options = self.options_sheet.as_ref()?;
                let row = *self.item_at.get(id)?.option_rows.get(n)?;
                let field = if rest == ".points" {
                    OptionCol::Points
                } else {
                    OptionCol::Value
                };
                return Some(cell_place(
                    &options.sheet,
                    row,
                    *options.columns.get(&field)?,
                ));
            }
        }
        let field = match path {
            "title.zh" => ItemCol::Item,
            "weight" => ItemCol::Weight,
            "na_allowed" => ItemCol::NaAllowed,
            "show_if" => ItemCol::ShowIf,
            "explain" => ItemCol::Explain,
            "rule.due" => ItemCol::Due,
            "rule.points" => ItemCol::Points,
            "rule.partial" => ItemCol::Partial,
            "rule.target" => ItemCol::Target,
            "rule.late_points" => ItemCol::LatePoints,
            "rule.per" => ItemCol::Per,
            "rule.cap" => ItemCol::Cap,
            "rule.effect.cap_grade" => ItemCol::Effect,
            // A scale whose min is not below its max.
            "rule" => ItemCol::Min,
            _ => ItemCol::ItemId,
        };
        self.item_cell(id, field)
    }

    /// The cell of `field` in the row of item `id`.
    fn item_cell(&self, id: &str, field: ItemCol) -> Option<Place> {
        let items = self.items_sheet.as_ref()?;
        let place = self.item_at.get(id)?;
        let col = items
            .columns
            .get(&field)
            .or_else(|| items.columns.get(&ItemCol::ItemId))?;
        Some(cell_place(&items.sheet, place.row, *col))
    }
}

/// `path` starts with `prefix`, a number and `]`: the number and the rest.
fn index_after<'a>(path: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let (n, rest) = path.strip_prefix(prefix)?.split_once(']')?;
    Some((n.parse().ok()?, rest))
}

/// The section of an item row: named in its section id cell, or (blank) the
/// section of the row above, as when the cells of a section are merged.
/// Its titles are noted; a title that differs from the one given before
/// is a problem.
fn section_of_row(
    r: &mut RowReader<'_, ItemCol>,
    sections: &mut Vec<SectionRead>,
    current: Option<usize>,
) -> Option<usize> {
    let id = r.text(ItemCol::SectionId);
    let index = match id {
        Some(id) => match sections.iter().position(|s| s.id == id) {
            Some(index) => index,
            None => {
                sections.push(SectionRead {
                    id,
                    first_row: r.row.index,
                    title: None,
                    title_en: None,
                    items: Vec::new(),
                });
                sections.len() - 1
            }
        },
        // The cell is there but unreadable: reported already.
        None if r.value(ItemCol::SectionId).is_some() => return None,
        None => match current {
            Some(index) => index,
            None => {
                r.needed::<()>(
                    ItemCol::SectionId,
                    None,
                    " (a blank section id means the section of the row above, and there is none)",
                );
                return None;
            }
        },
    };
    let row = r.row.index;
    for field in [ItemCol::Section, ItemCol::SectionEn] {
        let Some(title) = r.text(field) else {
            continue;
        };
        let section = &mut sections[index];
        let slot = if field == ItemCol::Section {
            &mut section.title
        } else {
            &mut section.title_en
        };
        match slot {
            None => *slot = Some((title, row)),
            Some((first, first_row)) if *first != title => {
                let problem = format!(
                    "section {:?} is titled {first:?} at {}",
                    section.id,
                    at_cell(
                        &r.table.sheet,
                        *first_row,
                        r.table.columns.get(&field).copied().unwrap_or(0)
                    )
                );
                r.fail(field, problem);
            }
            Some(_) => {}
        }
    }
    // English without Chinese on a row is fine when the section's Chinese
    // title is on another row; a section with none is reported once, after
    // all rows.
    Some(index)
}

/// The kind cell, as the kind's JSON name.
fn read_kind(r: &mut RowReader<'_, ItemCol>) -> Option<&'static str> {
    let text = r.text(ItemCol::Kind);
    let text = r.needed(ItemCol::Kind, text, "")?;
    let kind = kind_named(&text);
    if kind.is_none() {
        let zh: Vec<&str> = KINDS.iter().map(|&(zh, _, _)| zh).collect();
        let en: Vec<&str> = KINDS.iter().map(|&(_, en, _)| en).collect();
        r.fail(
            ItemCol::Kind,
            format!(
                "kind {text:?} is not a kind: write one of {} (or {})",
                zh.join(" "),
                en.join(" ")
            ),
        );
    }
    kind
}

/// The columns that belong to some kinds of rule and not to others.
const RULE_COLUMNS: [ItemCol; 13] = [
    ItemCol::Points,
    ItemCol::Partial,
    ItemCol::Target,
    ItemCol::Unit,
    ItemCol::UnitEn,
    ItemCol::Per,
    ItemCol::Cap,
    ItemCol::LatePoints,
    ItemCol::WithinDays,
    ItemCol::Due,
    ItemCol::Min,
    ItemCol::Max,
    ItemCol::Effect,
];

/// The rule columns a kind of item may fill.
fn rule_columns(kind: &str) -> &'static [ItemCol] {
    use ItemCol::*;
    match kind {
        "check" => &[Points, Partial],
        "count" => &[Points, Target, Unit, UnitEn],
        "deadline" => &[Points, LatePoints, WithinDays, Due],
        "scale" => &[Points, Min, Max],
        "deduction" => &[Points, Per, Unit, UnitEn],
        "bonus" => &[Per, Cap, Unit, UnitEn],
        "veto" => &[Effect],
        "number" => &[Unit, UnitEn],
        // choice (its options carry the points), text, date
        _ => &[],
    }
}

/// The item of a row; `None` when something it needs is missing or wrong
/// (each problem is reported).
fn read_item(
    r: &mut RowReader<'_, ItemCol>,
    id: Option<&str>,
    kind: Option<&'static str>,
    bands: &[Band],
) -> Option<Item> {
    let title = r.text_pair(ItemCol::Item, ItemCol::ItemEn);
    let title = r.needed(ItemCol::Item, title, "");
    let indicator = r.text_pair(ItemCol::Indicator, ItemCol::IndicatorEn);
    let standard = r.text_pair(ItemCol::Standard, ItemCol::StandardEn);
    let required = r.boolean(ItemCol::Required);
    let na_allowed = r.boolean(ItemCol::NaAllowed).unwrap_or(false);
    let weight = r.fixed(ItemCol::Weight);
    let show_if = match r.text(ItemCol::ShowIf).map(|t| parse_condition(&t)) {
        Some(Ok(condition)) => Some(condition),
        Some(Err(problem)) => {
            r.fail(ItemCol::ShowIf, problem);
            None
        }
        None => None,
    };
    let explain = r.text(ItemCol::Explain).and_then(|t| {
        let found = explain_named(&t);
        if found.is_none() {
            let names: Vec<&str> = EXPLAINS.iter().map(|&(_, _, zh)| zh).collect();
            r.fail(
                ItemCol::Explain,
                format!(
                    "explain {t:?} is not one of {} (blank: no note is needed)",
                    names.join(", ")
                ),
            );
        }
        found
    });
    let rule = kind.and_then(|kind| read_rule(r, kind, bands));
    Some(Item {
        id: id?.to_owned(),
        title: title?,
        indicator,
        standard,
        rule: rule?,
        required,
        na_allowed,
        weight,
        show_if,
        explain,
    })
}

/// The rule of an item row of `kind`.
fn read_rule(r: &mut RowReader<'_, ItemCol>, kind: &'static str, bands: &[Band]) -> Option<Rule> {
    let allowed = rule_columns(kind);
    for field in RULE_COLUMNS {
        if !allowed.contains(&field) && r.value(field).is_some() {
            let mut problem = format!(
                "{} does not belong to a {kind} ({}) item",
                r.name(field),
                kind_zh(kind)
            );
            if kind == "choice" && field == ItemCol::Points {
                problem.push_str(": a choice's options carry its points");
            }
            r.fail(field, problem);
        }
    }
    let why = format!(" for a {kind} item");
    let needed_fixed = |r: &mut RowReader<'_, ItemCol>, field| {
        let value = r.fixed(field);
        r.needed(field, value, &why)
    };
    let rule = match kind {
        "check" => {
            let points = needed_fixed(r, ItemCol::Points);
            let partial = r.fixed(ItemCol::Partial);
            Rule::Check {
                points: points?,
                partial,
            }
        }
        "count" => {
            let points = needed_fixed(r, ItemCol::Points);
            let target = r.u32(ItemCol::Target);
            let target = r.needed(ItemCol::Target, target, &why);
            let unit = r.text_pair(ItemCol::Unit, ItemCol::UnitEn);
            Rule::Count {
                points: points?,
                target: target?,
                steps: None,
                unit,
            }
        }
        "deadline" => {
            let points = needed_fixed(r, ItemCol::Points);
            let late_points = r.fixed(ItemCol::LatePoints);
            let within_days = r.u32(ItemCol::WithinDays);
            let due = match r.text(ItemCol::Due).map(|t| parse_due(&t)) {
                Some(Ok(due)) => Some(due),
                Some(Err(problem)) => {
                    r.fail(ItemCol::Due, problem);
                    None
                }
                None => None,
            };
            if due.is_some() && r.value(ItemCol::WithinDays).is_some() {
                let problem = format!(
                    "due and within_days are both given: the deadline is fixed by the checklist ({}) or counted from the answer's date ({}), not both",
                    r.table.column(ItemCol::Due).zh,
                    r.table.column(ItemCol::WithinDays).zh
                );
                r.fail(ItemCol::Due, problem);
            }
            Rule::Deadline {
                points: points?,
                late_points,
                within_days,
                due,
            }
        }
        "choice" => Rule::Choice {
            options: Vec::new(),
        },
        "scale" => {
            let points = needed_fixed(r, ItemCol::Points);
            let min = r.i32(ItemCol::Min);
            let min = r.needed(ItemCol::Min, min, &why);
            let max = r.i32(ItemCol::Max);
            let max = r.needed(ItemCol::Max, max, &why);
            Rule::Scale {
                points: points?,
                min: min?,
                max: max?,
            }
        }
        "deduction" => {
            let points = needed_fixed(r, ItemCol::Points);
            let per = needed_fixed(r, ItemCol::Per);
            let unit = r.text_pair(ItemCol::Unit, ItemCol::UnitEn);
            Rule::Deduction {
                points: points?,
                per: per?,
                unit,
            }
        }
        "bonus" => {
            let per = needed_fixed(r, ItemCol::Per);
            let cap = needed_fixed(r, ItemCol::Cap);
            let unit = r.text_pair(ItemCol::Unit, ItemCol::UnitEn);
            Rule::Bonus {
                per: per?,
                cap: cap?,
                unit,
            }
        }
        "veto" => {
            let effect = match r.text(ItemCol::Effect).map(|t| parse_effect(&t)) {
                None => VetoEffect::Fail,
                Some(Ok(Effect::Fail)) => VetoEffect::Fail,
                Some(Ok(Effect::Cap(band))) => VetoEffect::CapGrade(resolve_band(&band, bands)),
                Some(Err(problem)) => {
                    r.fail(ItemCol::Effect, problem);
                    return None;
                }
            };
            Rule::Veto { effect }
        }
        "text" => Rule::Text {},
        "number" => Rule::Number {
            unit: r.text_pair(ItemCol::Unit, ItemCol::UnitEn),
        },
        _ => Rule::Date {},
    };
    Some(rule)
}

/// One row of the options sheet, before it is added to its item.
enum Entry {
    Option(ChoiceOption),
    Step(Step),
}
