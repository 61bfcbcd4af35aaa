//! Units from a workbook: the first sheet, a header row with 单位编码
//! (unit code), 单位名称 (unit name) and, optionally, 上级单位编码 (the
//! parent unit's code: a township's or department's county), then one
//! unit a row. Every problem is reported at once with its cell.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Reader as _, Xlsx};

use crate::cell::{Value, as_text, cell_name};
use crate::{SheetError, SheetErrors};

/// One unit read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// Where it was read from, e.g. `单位!A7`.
    pub at: String,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its parent's code, when given.
    pub parent: Option<String>,
}

/// The most units one workbook may list (a province has tens of
/// thousands).
pub const MAX_UNITS: usize = 100_000;
/// The largest workbook read.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most columns read.
const MAX_COLUMNS: u32 = 64;
/// The most problems listed.
const MAX_PROBLEMS: usize = 200;
/// The longest code and name.
const MAX_CODE_CHARS: usize = 64;
const MAX_NAME_CHARS: usize = 200;

/// The columns, by their headers in Chinese or English.
const CODE: [&str; 3] = ["单位编码", "单位代码", "code"];
const NAME: [&str; 2] = ["单位名称", "name"];
const PARENT: [&str; 3] = ["上级单位编码", "上级单位代码", "parent"];

/// Reads the units of a workbook's first sheet, each checked: a code and a
/// name, no code twice, a parent that is listed or (left to the caller)
/// registered already.
pub fn read_units(bytes: &[u8]) -> Result<Vec<UnitRow>, SheetErrors> {
    let mut problems: Vec<SheetError> = Vec::new();
    let fail = |at: &str, problem: String| {
        qingdan_core::Errors(vec![SheetError {
            at: at.into(),
            problem,
        }])
    };
    if bytes.len() > MAX_BYTES {
        return Err(fail(
            "workbook",
            format!(
                "the file is {} bytes; a units workbook may be at most {MAX_BYTES}",
                bytes.len()
            ),
        ));
    }
    if let Err(limit) = crate::guard::check(bytes) {
        return Err(fail("workbook", limit));
    }
    let mut workbook = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| fail("workbook", format!("not an .xlsx workbook ({e})")))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(fail("workbook", "the workbook has no sheet".into()));
    };
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| fail(&sheet, format!("the sheet cannot be read ({e})")))?;
    let mut cells: BTreeMap<(u32, u32), Value> = BTreeMap::new();
    let max_row = u32::try_from(MAX_UNITS).unwrap_or(u32::MAX);
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                let (row, col) = cell.get_position();
                if row > max_row {
                    return Err(fail(
                        &format!("{sheet}!{}", cell_name(row, col)),
                        format!("a workbook may list at most {MAX_UNITS} units"),
                    ));
                }
                if col >= MAX_COLUMNS {
                    continue;
                }
                if let Some(value) = Value::from_calamine(cell.get_value()) {
                    cells.insert((row, col), value);
                }
            }
            Ok(None) => break,
            Err(e) => return Err(fail(&sheet, format!("the sheet cannot be read ({e})"))),
        }
    }
    drop(reader);
    let at = |row: u32, col: u32| format!("{sheet}!{}", cell_name(row, col));
    // The header: the first row with a value.
    let Some(header_row) = cells.keys().next().map(|(row, _)| *row) else {
        return Err(fail(
            &sheet,
            "the sheet is empty: a header row 单位编码, 单位名称 (上级单位编码) and one unit a row"
                .into(),
        ));
    };
    let mut columns: [Option<u32>; 3] = [None; 3];
    for ((_, col), value) in cells.range((header_row, 0)..(header_row + 1, 0)) {
        let Value::Text(header) = value else { continue };
        let header = header.trim().to_lowercase();
        for (slot, names) in columns.iter_mut().zip([&CODE[..], &NAME[..], &PARENT[..]]) {
            if names.iter().any(|n| n.to_lowercase() == header) {
                *slot = Some(*col);
            }
        }
    }
    let (Some(code_col), Some(name_col)) = (columns[0], columns[1]) else {
        return Err(fail(
            &at(header_row, 0),
            "the header row needs 单位编码 and 单位名称 (上级单位编码 optional)".into(),
        ));
    };
    let parent_col = columns[2];
    let last_row = cells.keys().next_back().map_or(header_row, |(row, _)| *row);
    let mut units: Vec<UnitRow> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for row in header_row + 1..=last_row {
        let value = |col: u32| cells.get(&(row, col));
        if [Some(code_col), Some(name_col), parent_col]
            .into_iter()
            .flatten()
            .all(|col| value(col).is_none())
        {
            continue;
        }
        let mut text = |col: u32, field: &str, max: usize, required: bool| -> Option<String> {
            match value(col) {
                None if required => {
                    problems.push(SheetError {
                        at: at(row, col),
                        problem: format!("{field} is empty"),
                    });
                    None
                }
                None => None,
                Some(v) => match as_text(v, field) {
                    Ok(t) if t.chars().count() > max => {
                        problems.push(SheetError {
                            at: at(row, col),
                            problem: format!("{field}: at most {max} characters"),
                        });
                        None
                    }
                    Ok(t) if t.chars().any(char::is_control) => {
                        problems.push(SheetError {
                            at: at(row, col),
                            problem: format!("{field}: a control character"),
                        });
                        None
                    }
                    Ok(t) => Some(t),
                    Err(problem) => {
                        problems.push(SheetError {
                            at: at(row, col),
                            problem,
                        });
                        None
                    }
                },
            }
        };
        let code = text(code_col, "单位编码 (unit code)", MAX_CODE_CHARS, true);
        let name = text(name_col, "单位名称 (unit name)", MAX_NAME_CHARS, true);
        let parent = parent_col
            .and_then(|col| text(col, "上级单位编码 (parent code)", MAX_CODE_CHARS, false));
        let (Some(code), Some(name)) = (code, name) else {
            continue;
        };
        if code == "*" {
            problems.push(SheetError {
                at: at(row, code_col),
                problem: "单位编码 (unit code): * is not a unit".into(),
            });
            continue;
        }
        if let Some(first) = seen.get(&code) {
            problems.push(SheetError {
                at: at(row, code_col),
                problem: format!("单位编码 (unit code) {code} is listed twice (first at {first})"),
            });
            continue;
        }
        if parent.as_deref() == Some(code.as_str()) {
            problems.push(SheetError {
                at: at(row, parent_col.unwrap_or(code_col)),
                problem: "上级单位编码 (parent code): a unit is not its own parent".into(),
            });
            continue;
        }
        seen.insert(code.clone(), at(row, code_col));
        units.push(UnitRow {
            at: at(row, code_col),
            code,
            name,
            parent,
        });
    }
    if units.is_empty() && problems.is_empty() {
        problems.push(SheetError {
            at: sheet.clone(),
            problem: "no unit is listed under the header row".into(),
        });
    }
    if problems.is_empty() {
        return Ok(units);
    }
    let total = problems.len();
    problems.truncate(MAX_PROBLEMS);
    if total > MAX_PROBLEMS {
        problems.push(SheetError {
            at: "workbook".into(),
            problem: format!(
                "{} more problems are not listed; fix these first",
                total - MAX_PROBLEMS
            ),
        });
    }
    Err(qingdan_core::Errors(problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(write: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        write(book.add_worksheet().set_name("单位").unwrap());
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn codes_typed_as_numbers_are_read_as_excel_shows_them_and_headers_in_any_column() {
        let bytes = book(|s| {
            s.write_string(0, 0, "上级单位编码").unwrap();
            s.write_string(0, 1, "单位名称").unwrap();
            s.write_string(0, 2, "单位编码").unwrap();
            s.write_string(1, 1, "某某县").unwrap();
            s.write_number(1, 2, 510824).unwrap();
            s.write_number(2, 0, 510824).unwrap();
            s.write_string(2, 1, "城关镇").unwrap();
            s.write_string(2, 2, "510824-101").unwrap();
        });
        let units = read_units(&bytes).unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].code, "510824");
        assert_eq!(units[0].parent, None);
        assert_eq!(units[1].parent.as_deref(), Some("510824"));
        assert_eq!(units[1].at, "单位!C3");
    }

    #[test]
    fn a_sheet_without_the_headers_says_which_it_needs() {
        let bytes = book(|s| {
            s.write_string(0, 0, "编码").unwrap();
            s.write_string(1, 0, "510824").unwrap();
        });
        let errors = read_units(&bytes).unwrap_err();
        assert_eq!(errors.0[0].at, "单位!A1");
        assert!(errors.0[0].problem.contains("单位编码"));
        assert!(read_units(b"not a workbook").is_err());
    }
}
