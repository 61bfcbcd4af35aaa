//! [`Table`]: the one shape every report becomes, and the three ways it is
//! written — CSV for any program, XLSX for the offices (every one of them
//! works in Excel), and a text table for the terminal.

use qingdan_core::Fixed;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

/// A report as a table: Chinese headers, then rows of typed cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// A heading for the terminal, e.g. `监督责任清单（v1）2026 自查自评排名`.
    pub title: String,
    /// The worksheet's name in the XLSX (at most 31 characters, none of
    /// `[]:*?/\`).
    pub sheet: String,
    /// The column headers.
    pub headers: Vec<String>,
    /// The rows, each with one cell per header.
    pub rows: Vec<Row>,
}

/// A row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One cell per header.
    pub cells: Vec<Cell>,
    /// Shown highlighted in the XLSX (a 末位 unit).
    pub highlight: bool,
}

/// A cell of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// An exact decimal: a score, a percentage, a difference.
    Number(Fixed),
    /// A whole number: a rank, a count of units.
    Count(usize),
    /// Nothing (no percentage, no grade, a side of a gap that is missing).
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Fixed> for Cell {
    fn from(value: Fixed) -> Cell {
        Cell::Number(value)
    }
}

impl From<Option<Fixed>> for Cell {
    fn from(value: Option<Fixed>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

impl Cell {
    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Number(_) | Cell::Count(_))
    }

    /// The cell as text: numbers exactly as the score sheet writes them.
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(value) => value.to_string(),
            Cell::Count(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// The columns its text takes (as [`display_width`]), without writing
    /// it out.
    fn width(&self) -> usize {
        fn digits(mut n: u64) -> usize {
            let mut digits = 1;
            while n >= 10 {
                n /= 10;
                digits += 1;
            }
            digits
        }
        match self {
            Cell::Text(text) => display_width(text),
            Cell::Number(value) => {
                let hundredths = value.hundredths();
                // A sign, the whole part, the point and two places.
                usize::from(hundredths < 0) + digits(hundredths.unsigned_abs() / 100) + 3
            }
            Cell::Count(n) => digits(*n as u64),
            Cell::Empty => 0,
        }
    }
}

impl Table {
    /// Adds columns after the others: `headers`, and under them each row's
    /// cells in turn (empty where a row has none). Nothing is added when no
    /// row has any, so a report without them keeps its shape.
    pub(crate) fn add_columns<const N: usize>(
        &mut self,
        headers: [&str; N],
        cells: impl IntoIterator<Item = Option<[Cell; N]>>,
    ) {
        let cells: Vec<Option<[Cell; N]>> = cells.into_iter().collect();
        if cells.iter().all(Option::is_none) {
            return;
        }
        self.headers.extend(headers.map(String::from));
        for (row, cells) in self.rows.iter_mut().zip(cells) {
            match cells {
                Some(cells) => row.cells.extend(cells),
                None => row.cells.extend(std::iter::repeat_n(Cell::Empty, N)),
            }
        }
    }

    /// The table as CSV (RFC 4180): UTF-8 with a byte-order mark, so that
    /// Excel opens the Chinese as Chinese, and CRLF line ends.
    ///
    /// A text cell that begins with `=`, `+`, `-` or `@` gets a leading `'`,
    /// so that a unit name cannot become a spreadsheet formula when the file
    /// is opened; numbers are written as they are.
    pub fn to_csv(&self) -> String {
        let mut out = self.csv_head();
        out.push_str(&csv_rows(&self.rows));
        out
    }

    /// The CSV's start: the byte-order mark and the header line; the rows
    /// follow with [`csv_rows`], a stretch at a time if need be.
    pub fn csv_head(&self) -> String {
        let mut out = String::from('\u{feff}');
        let headers = self.headers.iter().map(|h| Cell::Text(h.clone()));
        write_record(&mut out, headers);
        out
    }

    /// The table as an XLSX workbook of one sheet: a bold, frozen header
    /// row, numbers as numbers with two places, highlighted rows (末位)
    /// filled, and columns wide enough for their contents.
    ///
    /// This is the one place a number becomes a float: an Excel cell holds
    /// an IEEE double, so each exact decimal is handed to it as the double
    /// nearest to it (what Excel itself would read from `87.50`). Every sum
    /// and comparison has already been made exactly.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        workbook(std::slice::from_ref(self))
    }

    /// The table for the terminal: its title, then a table with numbers
    /// aligned right and `—` where a cell is empty.
    pub fn to_text(&self) -> String {
        use comfy_table::{CellAlignment, presets::UTF8_FULL_CONDENSED};
        let mut table = comfy_table::Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        table.set_header(self.headers.iter().map(comfy_table::Cell::new));
        for row in &self.rows {
            table.add_row(row.cells.iter().map(|cell| match cell {
                Cell::Empty => comfy_table::Cell::new("—").set_alignment(CellAlignment::Center),
                cell if cell.is_numeric() => {
                    comfy_table::Cell::new(cell.text()).set_alignment(CellAlignment::Right)
                }
                cell => comfy_table::Cell::new(cell.text()),
            }));
        }
        format!("{}\n{table}\n", self.title)
    }
}

/// Rows as CSV lines, as [`Table::to_csv`] writes them.
pub fn csv_rows(rows: &[Row]) -> String {
    let mut out = String::new();
    for row in rows {
        write_record(&mut out, row.cells.iter().cloned());
    }
    out
}

/// Several tables as one XLSX workbook, a sheet each, in order (a report
/// and its findings), each written as [`Table::to_xlsx`] writes one.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    write_workbook(tables, false)
}

/// Several tables as one XLSX workbook, as [`workbook`] writes them, but
/// each sheet headed by a row holding its table's title (the checklist,
/// the period and the kind of packets), so that a sheet printed or passed
/// on says what it shows. The column headers are on the second row.
pub fn titled_workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    write_workbook(tables, true)
}

fn write_workbook(tables: &[Table], titled: bool) -> Result<Vec<u8>, XlsxError> {
    let mut book = WorkbookWriter::new(titled);
    for table in tables {
        book.sheet(table)?;
        book.rows(&table.rows)?;
    }
    book.finish()
}

/// An XLSX workbook written a sheet at a time and each sheet a stretch of
/// rows at a time, in rust_xlsxwriter's constant-memory mode: a report of
/// any size is never held whole, in cells or in rows. Sheets and rows go
/// in order, each once.
pub struct WorkbookWriter {
    workbook: Workbook,
    titled: bool,
    /// The sheet being written: its index, next row, and each column's
    /// width so far.
    current: Option<(usize, u32, Vec<usize>)>,
    /// Widths of the sheets done, set when the workbook is finished.
    done: Vec<(usize, u32, Vec<usize>)>,
    formats: Formats,
}

/// Text, decimals and counts; plain, and filled for highlighted rows.
struct Formats {
    plain: [Format; 3],
    filled: [Format; 3],
}

impl WorkbookWriter {
    /// A new workbook; with `titled`, each sheet starts with its table's
    /// title (as [`titled_workbook`]).
    pub fn new(titled: bool) -> WorkbookWriter {
        let plain = [
            Format::new(),
            Format::new().set_num_format("0.00"),
            Format::new().set_num_format("0"),
        ];
        let filled = plain
            .clone()
            .map(|f| f.set_background_color(Color::RGB(0xFC_E4_D6)));
        WorkbookWriter {
            workbook: {
                let mut workbook = Workbook::new();
                workbook.set_zip_compression_level(2);
                workbook
            },
            titled,
            current: None,
            done: Vec::new(),
            formats: Formats { plain, filled },
        }
    }

    /// Starts a sheet for `table` (its name, title and headers; its rows
    /// are not written: give them to [`WorkbookWriter::rows`]).
    pub fn sheet(&mut self, table: &Table) -> Result<(), XlsxError> {
        self.done.extend(self.current.take());
        let index = self.done.len();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(&table.sheet)?;
        let top = u32::from(self.titled);
        if self.titled {
            let title = Format::new().set_bold().set_font_size(14);
            let last = column(table.headers.len().saturating_sub(1))?;
            if last > 0 {
                sheet.merge_range(0, 0, 0, last, &table.title, &title)?;
            } else {
                sheet.write_string_with_format(0, 0, &table.title, &title)?;
            }
        }
        let header = Format::new()
            .set_bold()
            .set_border_bottom(FormatBorder::Thin);
        for (c, title) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(top, column(c)?, title, &header)?;
        }
        sheet.set_freeze_panes(top + 1, 0)?;
        let widths = table.headers.iter().map(|h| display_width(h)).collect();
        self.current = Some((index, top + 1, widths));
        Ok(())
    }

    /// Writes `rows` under those already written on the current sheet.
    pub fn rows(&mut self, rows: &[Row]) -> Result<(), XlsxError> {
        let Some((index, next, widths)) = self.current.as_mut() else {
            return Err(XlsxError::ParameterError("no sheet started".into()));
        };
        let sheet = self.workbook.worksheet_from_index(*index)?;
        for row in rows {
            let r = *next;
            *next = next.checked_add(1).ok_or(XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.cells.iter().enumerate() {
                if let Some(width) = widths.get_mut(c) {
                    *width = (*width).max(cell.width());
                }
                let c = column(c)?;
                // Unhighlighted text, whole numbers and blanks take the
                // default format (General shows a whole number as "0"
                // does): no format to look up, and a blank is not written.
                if !row.highlight {
                    match cell {
                        Cell::Text(value) => {
                            sheet.write_string(r, c, value)?;
                            continue;
                        }
                        // Exact: counts of units are far below 2^53.
                        Cell::Count(n) => {
                            sheet.write_number(r, c, *n as f64)?;
                            continue;
                        }
                        Cell::Empty => continue,
                        Cell::Number(_) => {}
                    }
                }
                let formats = if row.highlight {
                    &self.formats.filled
                } else {
                    &self.formats.plain
                };
                let format = &formats[match cell {
                    Cell::Text(_) | Cell::Empty => 0,
                    Cell::Number(_) => 1,
                    Cell::Count(_) => 2,
                }];
                match cell {
                    Cell::Text(value) => sheet.write_string_with_format(r, c, value, format)?,
                    Cell::Number(value) => {
                        sheet.write_number_with_format(r, c, to_f64(*value), format)?
                    }
                    // Exact: counts of units are far below 2^53.
                    Cell::Count(n) => sheet.write_number_with_format(r, c, *n as f64, format)?,
                    Cell::Empty => sheet.write_blank(r, c, format)?,
                };
            }
        }
        Ok(())
    }

    /// The workbook's bytes, each sheet's columns wide enough for their
    /// contents.
    pub fn finish(self) -> Result<Vec<u8>, XlsxError> {
        let mut bytes = Vec::new();
        self.finish_to(&mut bytes)?;
        Ok(bytes)
    }

    /// The workbook written to `to` as it is packed, never whole in
    /// memory; each sheet's columns wide enough for their contents.
    pub fn finish_to(mut self, to: impl std::io::Write + Send) -> Result<(), XlsxError> {
        self.done.extend(self.current.take());
        for (index, _, widths) in &self.done {
            let sheet = self.workbook.worksheet_from_index(*index)?;
            for (c, width) in widths.iter().enumerate() {
                // Two characters of margin, and no column too narrow to click.
                sheet.set_column_width(column(c)?, (width + 2).clamp(6, 60) as f64)?;
            }
        }
        self.workbook.save_to_writer(to)
    }
}

/// The double nearest to an exact decimal. Dividing the count of hundredths
/// by 100 is correctly rounded, so it is the same double as parsing the
/// decimal text.
fn to_f64(value: Fixed) -> f64 {
    // Exact: a `Fixed` read from input is at most 10^11 hundredths, < 2^53.
    value.hundredths() as f64 / 100.0
}

fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Columns on a screen or in a spreadsheet: Chinese (and other East Asian
/// wide) characters take two, the rest one. An estimate, for widths only.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if u32::from(c) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// One CSV line, quoting a field only when it holds a comma, a quote or a
/// line break (RFC 4180 §2).
fn write_record(out: &mut String, cells: impl Iterator<Item = Cell>) {
    for (n, cell) in cells.enumerate() {
        if n > 0 {
            out.push(',');
        }
        let mut field = cell.text();
        if matches!(cell, Cell::Text(_)) && field.starts_with(['=', '+', '-', '@']) {
            field.insert(0, '\'');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}
