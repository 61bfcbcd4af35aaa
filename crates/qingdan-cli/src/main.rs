//! `qingdan`: the command-line shell around qingdan-core. It reads files,
//! calls the core and prints; it decides nothing itself.
//!
//! Exit codes: 0 success, 1 invalid input (every problem is printed on
//! stderr with its location), 2 a usage error.

mod score;
mod template;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use qingdan_core::Lang;

/// Fill, score and check responsibility-list checklists (责任清单).
#[derive(Debug, Parser)]
#[command(name = "qingdan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with checklist templates.
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// Score responses against a template and print the score sheet.
    Score {
        /// The template JSON file.
        #[arg(long, short)]
        template: PathBuf,
        /// The responses JSON file.
        responses: PathBuf,
        /// Print the score sheet as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The language of the table.
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
}

#[derive(Debug, Subcommand)]
enum TemplateCommand {
    /// Check template files; print every problem with its location.
    Check {
        /// Template JSON files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the bundled templates, or write one to stdout.
    Bundled {
        /// The id of the template to print.
        id: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

impl From<LangArg> for Lang {
    fn from(lang: LangArg) -> Lang {
        match lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// A failure that has already been explained on stderr, or one to explain.
#[derive(Debug)]
enum Failure {
    /// The input is invalid; the problems were printed.
    Invalid,
    /// Anything else (a file that cannot be read …).
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Template {
            command: TemplateCommand::Check { files },
        } => template::check(&files),
        Command::Template {
            command: TemplateCommand::Bundled { id },
        } => template::bundled(id.as_deref()),
        Command::Score {
            template,
            responses,
            json,
            lang,
        } => score::run(&template, &responses, json, lang.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Other(e)) => {
            eprintln!("qingdan: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Reads a file as UTF-8 text, naming the file when it cannot.
fn read_text(path: &Path) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}
