//! `qingdan report`: the intake's reports from the command line, from the
//! same code as `/api/v1/reports/…`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;
use qingdan_core::packet::PacketKind;
use qingdan_intake::{FindingsQuery, Format, ReportKind, ReportQuery};

use crate::Failure;

/// `qingdan report`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    report: ReportArg,
    /// The template id (ranking, indicators, gap).
    #[arg(long)]
    template: Option<String>,
    /// The template version (default: the latest published).
    #[arg(long)]
    version: Option<u32>,
    /// The period, e.g. 2026 (ranking, indicators, gap).
    #[arg(long)]
    period: Option<String>,
    /// For findings: one unit's (default every unit's).
    #[arg(long)]
    unit: Option<String>,
    /// The day findings are judged open or overdue on, YYYY-MM-DD (default today).
    #[arg(long)]
    as_of: Option<String>,
    /// For ranking and indicators: which packets.
    #[arg(long, value_enum, default_value_t = KindArg::Inspection)]
    kind: KindArg,
    /// Output format (default: a table, or by the --out file's extension).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportArg {
    /// Units ranked by total; the last-placed flagged (末位).
    Ranking,
    /// Each item's failure rate across units.
    Indicators,
    /// Self-assessment vs inspection per unit.
    Gap,
    /// The inspections' findings: open, overdue and closed, per unit.
    Findings,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    /// Inspections (检查考核).
    Inspection,
    /// Self-assessments (自查自评).
    SelfAssessment,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
    Xlsx,
}

/// Runs the report and writes it.
pub fn run(database: &str, args: ReportArgs) -> Result<(), Failure> {
    let by_extension =
        args.out
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| match e.to_str() {
                Some("json") => Some(FormatArg::Json),
                Some("csv") => Some(FormatArg::Csv),
                Some("xlsx") => Some(FormatArg::Xlsx),
                _ => None,
            });
    let format = match args.format.or(by_extension).unwrap_or(FormatArg::Table) {
        FormatArg::Table => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Xlsx => Format::Xlsx,
    };
    if format == Format::Xlsx && args.out.is_none() {
        return Err(anyhow::anyhow!("an XLSX report needs --out FILE.xlsx").into());
    }
    let report = match args.report {
        ReportArg::Ranking => Some(ReportKind::Ranking),
        ReportArg::Indicators => Some(ReportKind::Indicators),
        ReportArg::Gap => Some(ReportKind::Gap),
        ReportArg::Findings => None,
    };
    let query = match (report, args.template, args.period) {
        (None, _, _) => None,
        (Some(report), Some(template), Some(period)) => Some((
            report,
            ReportQuery {
                template,
                version: args.version,
                period,
                kind: Some(match args.kind {
                    KindArg::Inspection => PacketKind::Inspection,
                    KindArg::SelfAssessment => PacketKind::SelfAssessment,
                }),
                as_of: args.as_of.clone(),
                format,
            },
        )),
        (Some(_), _, _) => {
            return Err(anyhow::anyhow!("this report needs --template and --period").into());
        }
    };
    let findings = FindingsQuery {
        unit: args.unit,
        as_of: args.as_of,
        format,
    };
    crate::intake::with_intake(database, async |intake| {
        let rendered = match &query {
            Some((report, query)) => qingdan_intake::build_report(&intake, *report, query).await,
            None => qingdan_intake::build_findings(&intake, &findings).await,
        }
        .map_err(|p| {
            eprintln!("qingdan: {}", p.detail);
            Failure::Invalid
        })?;
        match &args.out {
            Some(path) => {
                std::fs::write(path, &rendered.bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            None => {
                use std::io::Write as _;
                std::io::stdout()
                    .write_all(&rendered.bytes)
                    .context("cannot write to stdout")?;
            }
        }
        Ok(())
    })
}
