//! `qingdan report`: the intake's reports from the command line, from the
//! same code as `/api/v1/reports/…`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::ValueEnum;
use qingdan_core::packet::PacketKind;
use qingdan_intake::{FindingsQuery, Format, Intake, ReportKind, ReportQuery};

use crate::Failure;
use crate::intake::Database;
use crate::output::errln;

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
    /// Write to this file instead of stdout (an XLSX report without it goes
    /// to a file named after the report, checklist, period and kind).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The ranking, the gap or the findings as JSON, one page of it (from
    /// 1), as the API gives it (default: the whole report).
    #[arg(long)]
    page: Option<u64>,
    /// Rows (for the findings: units) a page with --page (default 100, at
    /// most 1000).
    #[arg(long, requires = "page")]
    per_page: Option<u64>,
    /// The ranking of the units under this unit only (its children,
    /// theirs, …: a county's townships and departments), ranked among
    /// themselves.
    #[arg(long)]
    under: Option<String>,
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
pub fn run(database: &Database, args: ReportArgs) -> Result<(), Failure> {
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
    let report = match args.report {
        ReportArg::Ranking => Some(ReportKind::Ranking),
        ReportArg::Indicators => Some(ReportKind::Indicators),
        ReportArg::Gap => Some(ReportKind::Gap),
        ReportArg::Findings => None,
    };
    if args.page.is_some()
        && (matches!(report, Some(ReportKind::Indicators)) || format != Format::Json)
    {
        return Err(anyhow::anyhow!(
            "--page pages the ranking, the gap or the findings as JSON: \
             qingdan report ranking|gap|findings --format json --page N"
        )
        .into());
    }
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
                page: args.page,
                per_page: args.per_page,
                under: args.under.clone(),
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
        page: args.page,
        per_page: args.per_page,
    };
    crate::intake::with_intake(database, async |intake| {
        let rendered = match &query {
            Some((report, query)) => qingdan_intake::build_report(&intake, *report, query).await,
            None => qingdan_intake::build_findings(&intake, &findings).await,
        }
        .map_err(|e| {
            errln!("qingdan: {e}");
            Failure::Invalid
        })?;
        if let Some((report, query)) = &query {
            explain(&intake, *report, query).await?;
        }
        let failed = |e: qingdan_intake::ReportError| {
            errln!("qingdan: {e}");
            Failure::Invalid
        };
        // A download comes as it is written: each piece goes to the file
        // or stdout as it arrives, and a file left unfinished by an error
        // is removed.
        let mut body = rendered.body;
        let file = match (&args.out, format) {
            (Some(path), _) => Some((
                path.clone(),
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            )),
            (None, Format::Xlsx) => {
                let path = PathBuf::from(&rendered.file_name);
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .with_context(|| {
                        format!(
                            "cannot write {} (name another file with --out)",
                            path.display()
                        )
                    })?;
                Some((path, file))
            }
            (None, _) => None,
        };
        let Some((path, mut file)) = file else {
            while let Some(bytes) = next(&mut body).await {
                crate::output::write_bytes(&bytes.map_err(failed)?);
            }
            return Ok(());
        };
        let written: Result<(), Failure> = async {
            use std::io::Write as _;
            while let Some(bytes) = next(&mut body).await {
                file.write_all(&bytes.map_err(failed)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok(())
        }
        .await;
        if written.is_err() {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return written;
        }
        errln!("wrote {}", path.display());
        Ok(())
    })
}

/// A report's next piece of bytes (a whole report is one piece).
async fn next(
    body: &mut qingdan_intake::Body,
) -> Option<Result<Vec<u8>, qingdan_intake::ReportError>> {
    match body {
        qingdan_intake::Body::Whole(bytes) if !bytes.is_empty() => Some(Ok(std::mem::take(bytes))),
        qingdan_intake::Body::Whole(_) => None,
        qingdan_intake::Body::Chunks(chunks) => chunks.recv().await,
    }
}

/// Says on stderr which checklist, period and kind of packets a report
/// shows; and when it finds none of that kind, says so and whether the
/// other kind has packets for the period.
async fn explain(intake: &Intake, report: ReportKind, query: &ReportQuery) -> anyhow::Result<()> {
    let store = intake.store();
    let version = match query.version {
        Some(version) => version,
        None => store
            .templates()
            .await
            .context("cannot read the published templates")?
            .iter()
            .filter(|t| t.id == query.template)
            .filter_map(|t| u32::try_from(t.version).ok())
            .max()
            .unwrap_or_default(),
    };
    let counts = store
        .packet_kinds(&query.template, version, &query.period)
        .await
        .context("cannot count the packets")?;
    let count = |kind: PacketKind| {
        counts
            .iter()
            .find(|(k, _)| k == kind.as_str())
            .map_or(0, |(_, n)| *n)
    };
    let what = format!("{} v{version}, period {}", query.template, query.period);
    let kind = query.kind.unwrap_or(PacketKind::Inspection);
    if report == ReportKind::Gap {
        errln!(
            "qingdan: {what}: {} {} against {} {}",
            kind_label(PacketKind::SelfAssessment),
            packets(count(PacketKind::SelfAssessment)),
            kind_label(PacketKind::Inspection),
            packets(count(PacketKind::Inspection)),
        );
        return Ok(());
    }
    let other = match kind {
        PacketKind::Inspection => PacketKind::SelfAssessment,
        _ => PacketKind::Inspection,
    };
    errln!("qingdan: {what}: {}", kind_label(kind));
    if count(kind) == 0 {
        let others = count(other);
        if others > 0 {
            errln!(
                "qingdan: no {} packet for this period, but {} of {}: add --kind {}",
                kind_label(kind),
                packets(others),
                kind_label(other),
                other.as_str()
            );
        } else {
            errln!(
                "qingdan: no {} packet for this period, nor any of {}",
                kind_label(kind),
                kind_label(other)
            );
        }
    }
    Ok(())
}

/// A kind as a clerk names it, in Chinese and as `--kind` takes it.
fn kind_label(kind: PacketKind) -> String {
    let zh = match kind {
        PacketKind::SelfAssessment => "自查自评",
        PacketKind::Inspection => "检查考核",
        PacketKind::Rectification => "整改反馈",
    };
    format!("{zh} ({})", kind.as_str())
}

fn packets(n: i64) -> String {
    if n == 1 {
        "1 packet".to_owned()
    } else {
        format!("{n} packets")
    }
}
