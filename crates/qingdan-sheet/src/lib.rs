//! Checklists as spreadsheets: [`read`] turns an `.xlsx` workbook that
//! office staff keep (one row per item, 评分细则) into a checked
//! [`TemplateDoc`], and `write` (feature `write`) makes such a workbook
//! from a checklist. The layout, sheet by sheet and column by column, is
//! in this crate's `README.md`.
//!
//! Pure like `qingdan-core`: bytes in, bytes out, no files; what `write`
//! makes depends on the checklist alone (the workbook's creation time is
//! fixed). The reading side builds for `wasm32-unknown-unknown`, so the
//! browser app can import a workbook; the writer (rust_xlsxwriter) is left
//! out unless the `write` feature asks for it.
//!
//! Every problem in a workbook is reported at once, each naming its sheet
//! and cell:
//!
//! ```
//! let errors = qingdan_sheet::read(b"not a workbook").unwrap_err();
//! assert!(errors.0[0].to_string().starts_with("workbook: not an .xlsx workbook"));
//! ```

mod cell;
mod guard;
mod layout;
mod read;
mod syntax;
mod units;
#[cfg(feature = "write")]
mod write;

pub use qingdan_core::TemplateDoc;
pub use read::read;
pub use units::{MAX_UNITS, UnitRow, read_units};
#[cfg(feature = "write")]
pub use write::{WriteError, write};

/// One problem in a workbook: where, and what.
///
/// `at` is a sheet and cell as Excel names them (`评分细则!E7`), a sheet
/// alone (`评分细则`) when the problem is the sheet's, or `workbook` when it
/// is the file's. It names the sheet as the workbook does, so a sheet
/// called `Items` is named `Items`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct SheetError {
    /// The sheet and cell, e.g. `评分细则!E7`.
    pub at: String,
    /// What is wrong, e.g. `points "五" is not a number`.
    pub problem: String,
}

/// Every problem found in a workbook (at least one), in the order of the
/// sheets and rows; shown one a line.
pub type SheetErrors = qingdan_core::Errors<SheetError>;
