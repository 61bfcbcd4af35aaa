//! Reports over accepted packets: ranking, indicator failure rates, the
//! gap between self-assessment and inspection, and the inspections'
//! findings with their rectification. Pure: rows in, tables out.
//!
//! The intake reads its stored packets back as [`Entry`] values (one
//! template id and version, one period) and calls [`ranking`],
//! [`indicators`] or [`gap`]. Each returns a plain `Serialize` struct (that
//! is the JSON output) which also implements [`Report`]: its
//! [`Report::table`] is a [`Table`] of Chinese headers and typed cells, and
//! the table is written once for every format — [`Table::to_csv`],
//! [`Table::to_xlsx`] and [`Table::to_text`].
//!
//! Every number is a [`Fixed`] from the typed score sheet (read once, in
//! whatever format the packet carries, by `qingdan_core::sheet`); the only
//! float is the one an Excel cell needs, made at the XLSX edge.
//!
//! This crate does no I/O and reads no clock: the caller passes the entries
//! in and writes the bytes out.

mod entry;
mod error;
mod findings;
mod gap;
mod indicators;
mod ranking;
mod sheet;
mod summary;
mod table;

pub use entry::{Entry, Latest, latest_of};
pub use error::{Problem, ReportError};
pub use findings::{FindingCounts, FindingRow, FindingTally, Findings, UnitFindings, findings};
pub use gap::{Gap, GapRow, GapSide, gap, gap_of, gap_page, gap_row};
pub use indicators::{
    IndicatorRow, Indicators, ItemTally, indicators, indicators_of, indicators_of_tally,
};
pub use ranking::{
    Ranking, RankingRow, SectionColumn, Standing, Talk, ranking, ranking_of, ranking_page,
};
pub use rust_xlsxwriter::XlsxError;
pub use summary::{Mark, Summary, marks_text, subject_key};
pub use table::{Cell, Row, Table, WorkbookWriter, csv_rows, titled_workbook, workbook};

use qingdan_core::Template;
use qingdan_core::packet::PacketKind;
use serde::Serialize;

/// A report: serialized as JSON by serde, and shown as a [`Table`] for CSV,
/// XLSX and the terminal.
pub trait Report: Serialize {
    /// The report as a table with Chinese headers.
    fn table(&self) -> Table;
}

/// Which checklist a report is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateInfo {
    /// The template id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Its title (Chinese).
    pub title: String,
}

impl TemplateInfo {
    fn of(template: &Template) -> TemplateInfo {
        let doc = template.doc();
        TemplateInfo {
            id: doc.id.clone(),
            version: doc.version,
            title: doc.title.zh.clone(),
        }
    }
}

/// What a kind of packet is called in a report heading.
fn kind_label(kind: PacketKind) -> &'static str {
    match kind {
        PacketKind::SelfAssessment => "自查自评",
        PacketKind::Inspection => "检查考核",
        PacketKind::Rectification => "整改反馈",
    }
}
