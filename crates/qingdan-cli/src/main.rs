//! `qingdan`: the command-line shell around qingdan-core. It reads files,
//! calls the core and prints; it decides nothing itself.
//!
//! Exit codes: 0 success, 1 invalid input (every problem is printed on
//! stderr with its location), 2 a usage error. A reader of the output that
//! goes away early (`| head -1`) is not an error.

mod backup;
mod ballots;
mod config;
mod console;
mod intake;
mod lists;
mod output;
mod packet;
mod report;
mod score;
mod sheet;
mod template;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use qingdan_core::{Lang, Template};

use crate::lists::ListFormat;
use crate::output::errln;

/// Fill, score and check responsibility-list checklists (责任清单).
#[derive(Debug, Parser)]
#[command(name = "qingdan", version, about)]
struct Cli {
    /// The intake's database (serve, import and the admin commands)
    /// [default: sqlite://data/qingdan.db].
    #[arg(long, global = true, env = "QINGDAN_DATABASE")]
    database: Option<String>,
    /// The intake's settings file (TOML; README lists its keys): serve's
    /// settings and the database, under the flags and QINGDAN_* variables.
    #[arg(long, global = true, env = "QINGDAN_CONFIG")]
    config: Option<PathBuf>,
    /// Make the intake's database if it does not exist (without it, one that
    /// is not there is refused).
    ///
    /// A mistyped --database, or a command run in another folder than
    /// usual, then starts no new, empty intake.
    #[arg(long, global = true)]
    create: bool,
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
        /// The period assessed (2026, 2026-H2, 2026-Q3, 2026-10): needed when the checklist fixes due dates from it.
        #[arg(long)]
        period: Option<String>,
        /// Print the score sheet as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The language of the table.
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
    /// Make an Ed25519 key pair: a PKCS#8 PEM private key and an SPKI PEM public key.
    Keygen {
        /// Where to write the private key (never overwritten); the public key goes beside it as NAME.pub.pem.
        #[arg(long)]
        out: PathBuf,
    },
    /// Make signed packets; list those the intake holds.
    Packet {
        #[command(subcommand)]
        command: PacketCommand,
    },
    /// Add your signature to a packet; refuses a key that is not listed as a signer.
    Sign {
        /// Your private key (PKCS#8 PEM).
        #[arg(long)]
        key: PathBuf,
        /// The packet.
        packet: PathBuf,
        /// Where to write the signed packet (may be the packet itself); default stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Check a packet: every signature, the roles, and (with its template) the digest and the score.
    Verify {
        /// The packet.
        packet: PathBuf,
        /// The template; default: the bundled one with the packet's id and version, if any.
        #[arg(long, short)]
        template: Option<PathBuf>,
        /// For a rectification: the inspection packet it answers, checked to be of the same unit, period and checklist and to have the findings answered.
        #[arg(long)]
        inspection: Option<PathBuf>,
    },
    /// Run the central intake: the API under /api/v1 and the web app at /.
    Serve(intake::ServeArgs),
    /// Copy the intake's database while it runs (--to FILE), or check a copy (verify FILE).
    Backup(backup::BackupArgs),
    /// Check and store packet files from folders (a USB stick), as if uploaded.
    Import {
        /// Folders (searched for *.json) or packet files.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// Register and list units at the intake.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Enroll, list and revoke signers' keys at the intake, and issue codes for devices.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// The enrollment codes the intake issued (`key code` issues one).
    Code {
        #[command(subcommand)]
        command: CodeCommand,
    },
    /// The intake's own signing key: show it, or rotate it.
    Intake {
        #[command(subcommand)]
        command: IntakeCommand,
    },
    /// Assessment rounds (考核批次): make one, list them, and see which units have submitted.
    Round {
        #[command(subcommand)]
        command: console::RoundCommand,
    },
    /// What administrators did (who, what, when), newest first.
    Audit {
        /// How many entries.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// The intake's administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Reports over the packets the intake holds.
    Report(report::ReportArgs),
    /// 民主测评: an evaluation's definition (`qingdan.evaluation/1`).
    Evaluation {
        #[command(subcommand)]
        command: EvaluationCommand,
    },
    /// 民主测评: a published result, recounted from its ballots.
    Ballots {
        #[command(subcommand)]
        command: BallotsCommand,
    },
    /// Print the RFC 8785 canonical form of a JSON file.
    Canonical {
        /// The JSON file.
        file: PathBuf,
        /// The file is a packet: print its canonical payload, the bytes that are signed.
        #[arg(long)]
        payload: bool,
    },
}

#[derive(Debug, Subcommand)]
enum EvaluationCommand {
    /// Check an evaluation file: every problem with its JSON path.
    Check {
        /// The evaluation (JSON).
        file: PathBuf,
    },
    /// Make an evaluation at the intake from its file; prints its id.
    Create {
        /// The evaluation (JSON, `qingdan.evaluation/1`).
        file: PathBuf,
    },
    /// The intake's evaluations, the latest made first.
    List,
    /// Make an evaluation's slips, once: their codes are written to FILE
    /// and never shown again.
    Slips {
        /// The evaluation's id.
        id: String,
        /// Where the codes go (JSON: each slip's group and code); a file
        /// that exists is not overwritten.
        #[arg(long)]
        codes_json: PathBuf,
        /// Also the A4 sheet of slips, each with a QR code of its ballot
        /// page (`<base>/ballot.html#<id>/<code>`); needs --base.
        #[arg(short, long, requires = "base")]
        output: Option<PathBuf>,
        /// The intake's address as the raters' phones reach it, e.g.
        /// https://qingdan.office:8443.
        #[arg(long)]
        base: Option<String>,
    },
    /// Close an evaluation: no ballot is taken after; its result is counted
    /// and signed, and printed (or written to -o FILE).
    Close {
        /// The evaluation's id.
        id: String,
        /// Write the result here instead of printing it.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// What the closed evaluations found for the persons of a unit: each
    /// one's weighted satisfaction, ballots counted, and 约谈 when due.
    Outcomes {
        /// The unit's code.
        #[arg(long)]
        unit: String,
        /// Only the evaluations of this period (e.g. 2026).
        #[arg(long)]
        period: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum BallotsCommand {
    /// Check a published result: the intake's signature, and every count,
    /// satisfaction and talk due recomputed from its list of ballots.
    Verify {
        /// The result (`GET /api/v1/evaluations/{id}/result`).
        result: PathBuf,
        /// The intake's public key (base64url) that must have signed it.
        #[arg(long, allow_hyphen_values = true)]
        intake_key: Option<String>,
        /// The evaluation it must be the result of (its digest is compared).
        #[arg(long)]
        evaluation: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PacketCommand {
    /// Make an unsigned packet from a template and responses.
    New(packet::NewArgs),
    /// Make an unsigned rectification packet answering an inspection's findings.
    Rectify(packet::RectifyArgs),
    /// List the packets the intake holds, in the order it received them.
    List(PacketListArgs),
}

/// `qingdan packet list`'s filters.
#[derive(Debug, clap::Args)]
struct PacketListArgs {
    /// One unit's packets.
    #[arg(long)]
    unit: Option<String>,
    /// One period's, e.g. 2026.
    #[arg(long)]
    period: Option<String>,
    /// Those answering one checklist (its id).
    #[arg(long)]
    template: Option<String>,
    /// One kind's.
    #[arg(long, value_enum)]
    kind: Option<PacketKindArg>,
    /// How to write the list.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PacketKindArg {
    /// 自查自评
    SelfAssessment,
    /// 检查考核
    Inspection,
    /// 整改反馈
    Rectification,
}

impl PacketKindArg {
    fn as_str(self) -> &'static str {
        use qingdan_core::packet::PacketKind;
        match self {
            PacketKindArg::SelfAssessment => PacketKind::SelfAssessment,
            PacketKindArg::Inspection => PacketKind::Inspection,
            PacketKindArg::Rectification => PacketKind::Rectification,
        }
        .as_str()
    }
}

/// The role a key signs as.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    /// 主体责任人, the party secretary: signs the unit's own packets.
    Principal,
    /// 监督责任人, the discipline secretary: signs the unit's own packets.
    Supervisory,
    /// 考核组成员, an inspector: signs inspections, of one unit or of every unit (--unit '*').
    Inspector,
    /// 被考核班子成员, a leadership member a list about a person assesses.
    Member,
}

impl RoleArg {
    fn as_str(self) -> &'static str {
        use qingdan_core::packet::roles;
        match self {
            RoleArg::Principal => roles::PRINCIPAL,
            RoleArg::Supervisory => roles::SUPERVISORY,
            RoleArg::Inspector => roles::INSPECTOR,
            RoleArg::Member => "member",
        }
    }
}

#[derive(Debug, Subcommand)]
enum CodeCommand {
    /// List the enrollment codes issued (never the codes themselves): unit, role, used, expired.
    List {
        /// How to write the list.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Withdraw an unused enrollment code by its id (编号, as `code list` shows it): it never enrolls a key.
    Withdraw {
        /// The code's id (12 hex digits).
        id: String,
    },
    /// Issue a code for each unit and role and write them as a printable A4 sheet of slips, each with a QR code that opens the field app at its enrollment screen with the code filled in (the codes are shown this once).
    Sheet {
        /// A unit (repeatable; default every registered unit; `*` for inspectors).
        #[arg(long = "unit")]
        units: Vec<String>,
        /// A role (repeatable).
        #[arg(long = "role", value_enum, required = true)]
        roles: Vec<RoleArg>,
        /// The address devices reach the intake at, e.g. https://qingdan.office:8443.
        #[arg(long)]
        base: String,
        /// The sheet's file (HTML; never overwritten).
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UnitCommand {
    /// Register a unit (or rename one).
    Add {
        /// The unit's code, as packets name it.
        #[arg(long)]
        code: String,
        /// Its name, e.g. 某某镇党委.
        #[arg(long)]
        name: String,
    },
    /// List the registered units.
    List {
        /// How to write the list.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Register (or rename and move) every unit of an .xlsx workbook: a header row 单位编码, 单位名称, 上级单位编码 (optional), one unit a row; all or none, every problem named by its cell.
    Import {
        /// The workbook.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Enroll a signer's public key for a unit and role.
    Enroll {
        /// The unit's code; `*` enrolls the key for every unit (an inspector's).
        #[arg(long)]
        unit: String,
        /// The role the key signs as.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The name of the person who signs with it; packets must carry this name.
        #[arg(long)]
        name: String,
        /// The public key: base64url (which may begin with `-`), or a PEM file.
        #[arg(allow_hyphen_values = true)]
        public_key: String,
    },
    /// Revoke a key: nothing it signs is accepted from now on (what the intake already holds stays valid).
    Revoke {
        /// The public key: base64url (which may begin with `-`), or a PEM file.
        #[arg(allow_hyphen_values = true)]
        public_key: String,
        /// Why (a person left, a tablet was lost …).
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Issue a one-time code a device redeems to enroll its key (valid 14 days).
    Code {
        /// The unit's code; `*` for an inspector's key, valid for every unit.
        #[arg(long)]
        unit: String,
        /// The role the key will sign as.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// List the enrolled keys: unit, role, name, fingerprint, revocation.
    List {
        /// How to write the list.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Subcommand)]
enum IntakeCommand {
    /// Print the key the intake signs receipts and checklists with, and its earlier keys.
    Key,
    /// Make a new signing key, handed over to by the key in use (which still vouches for the receipts it signed); takes effect when `qingdan serve` next starts.
    RotateKey,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make an admin token for the intake's admin API (printed once, stored hashed); or list or revoke them.
    Token(intake::TokenArgs),
    /// Add an administrator who signs in to the console (/console/) with a password (asked for, or --password-stdin).
    Add(console::AddAdminArgs),
    /// Make the first administrator, `admin`, with a one-time password (printed) that must be changed at first sign-in; nothing when there is one.
    First {
        /// The console's address, printed with the password.
        #[arg(long, default_value = "http://127.0.0.1:8080/console/")]
        console: String,
    },
    /// List the administrators.
    List,
}

#[derive(Debug, Subcommand)]
enum TemplateCommand {
    /// Publish templates at the intake, so packets answering them are accepted.
    Publish {
        /// Template JSON files.
        files: Vec<PathBuf>,
        /// Also publish every bundled template.
        #[arg(long)]
        bundled: bool,
    },
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
    /// Read a checklist from an .xlsx workbook (layout: crates/qingdan-sheet/README.md) and write it as template JSON.
    Import {
        /// The workbook (.xlsx).
        file: PathBuf,
        /// Where to write the template JSON; default stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a checklist as an .xlsx workbook that office staff can edit and import again.
    Export {
        /// The template JSON file.
        #[arg(required_unless_present = "bundled")]
        file: Option<PathBuf>,
        /// Export this bundled template instead of a file.
        #[arg(long, value_name = "ID", conflicts_with = "file")]
        bundled: Option<String>,
        /// Where to write the workbook (.xlsx).
        #[arg(short, long)]
        output: PathBuf,
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
    let result = match &cli.config {
        Some(path) => config::FileSettings::read(path),
        None => Ok(config::FileSettings::default()),
    }
    .map_err(Failure::from)
    .and_then(|mut file| {
        let database = intake::Database {
            url: cli
                .database
                .or(file.database.take())
                .unwrap_or_else(|| "sqlite://data/qingdan.db".to_owned()),
            create: cli.create,
        };
        run(cli.command, &database, file)
    });
    match result {
        Ok(()) if output::failed() => ExitCode::from(1),
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Other(e)) => {
            errln!("qingdan: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Runs one command.
fn run(
    command: Command,
    database: &intake::Database,
    file: config::FileSettings,
) -> Result<(), Failure> {
    match command {
        Command::Template {
            command: TemplateCommand::Publish { files, bundled },
        } => intake::publish(database, &files, bundled),
        Command::Serve(args) => intake::serve(database, args, file),
        Command::Import { dirs } => intake::import(database, &dirs),
        Command::Backup(args) => backup::run(database, args),
        Command::Unit {
            command: UnitCommand::Add { code, name },
        } => intake::add_unit(database, &code, &name),
        Command::Unit {
            command: UnitCommand::List { format },
        } => lists::units(database, format),
        Command::Unit {
            command: UnitCommand::Import { file },
        } => console::import_units(database, &file),
        Command::Key {
            command: KeyCommand::List { format },
        } => lists::keys(database, format),
        Command::Code {
            command: CodeCommand::List { format },
        } => lists::codes(database, format),
        Command::Code {
            command: CodeCommand::Withdraw { id },
        } => console::withdraw_code(database, &id),
        Command::Code {
            command:
                CodeCommand::Sheet {
                    units,
                    roles,
                    base,
                    out,
                },
        } => {
            let roles: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
            console::code_sheet(database, &units, &roles, &base, &out)
        }
        Command::Packet {
            command: PacketCommand::List(args),
        } => lists::packets(
            database,
            qingdan_intake::PacketFilter {
                unit: args.unit,
                period: args.period,
                template: args.template,
                kind: args.kind.map(|k| k.as_str().to_owned()),
            },
            args.format,
        ),
        Command::Key {
            command:
                KeyCommand::Enroll {
                    unit,
                    role,
                    name,
                    public_key,
                },
        } => intake::enroll(database, &unit, role.as_str(), &name, &public_key),
        Command::Key {
            command: KeyCommand::Revoke { public_key, reason },
        } => intake::revoke(database, &public_key, &reason),
        Command::Key {
            command: KeyCommand::Code { unit, role },
        } => intake::issue_code(database, &unit, role.as_str()),
        Command::Admin {
            command: AdminCommand::Token(args),
        } => intake::admin_token(database, args),
        Command::Admin {
            command: AdminCommand::Add(args),
        } => console::add_admin(database, args),
        Command::Admin {
            command: AdminCommand::First { console },
        } => console::first_admin(database, &console),
        Command::Admin {
            command: AdminCommand::List,
        } => console::list_admins(database),
        Command::Round { command } => console::round(database, command),
        Command::Audit { limit } => console::audit(database, limit),
        Command::Intake {
            command: IntakeCommand::Key,
        } => intake::show_key(database),
        Command::Intake {
            command: IntakeCommand::RotateKey,
        } => intake::rotate_key(database),
        Command::Report(args) => report::run(database, args),
        Command::Template {
            command: TemplateCommand::Check { files },
        } => template::check(&files),
        Command::Template {
            command: TemplateCommand::Bundled { id },
        } => template::bundled(id.as_deref()),
        Command::Template {
            command: TemplateCommand::Import { file, output },
        } => sheet::import(&file, output.as_deref()),
        Command::Template {
            command:
                TemplateCommand::Export {
                    file,
                    bundled,
                    output,
                },
        } => sheet::export(file.as_deref(), bundled.as_deref(), &output),
        Command::Score {
            template,
            responses,
            period,
            json,
            lang,
        } => score::run(&template, &responses, period.as_deref(), json, lang.into()),
        Command::Keygen { out } => packet::keygen(&out),
        Command::Packet {
            command: PacketCommand::New(args),
        } => packet::new(args),
        Command::Packet {
            command: PacketCommand::Rectify(args),
        } => packet::rectify(args),
        Command::Sign { key, packet, out } => packet::sign(&key, &packet, out.as_deref()),
        Command::Verify {
            packet,
            template,
            inspection,
        } => packet::verify(&packet, template.as_deref(), inspection.as_deref()),
        Command::Canonical { file, payload } => packet::canonical(&file, payload),
        Command::Evaluation {
            command: EvaluationCommand::Check { file },
        } => ballots::check(&file),
        Command::Evaluation {
            command: EvaluationCommand::Create { file },
        } => ballots::create(database, &file),
        Command::Evaluation {
            command: EvaluationCommand::List,
        } => ballots::list(database),
        Command::Evaluation {
            command:
                EvaluationCommand::Slips {
                    id,
                    codes_json,
                    output,
                    base,
                },
        } => ballots::slips(
            database,
            &id,
            &codes_json,
            output.as_deref().zip(base.as_deref()),
        ),
        Command::Evaluation {
            command: EvaluationCommand::Close { id, output },
        } => ballots::close(database, &id, output.as_deref()),
        Command::Evaluation {
            command: EvaluationCommand::Outcomes { unit, period },
        } => ballots::outcomes(database, &unit, period.as_deref()),
        Command::Ballots {
            command:
                BallotsCommand::Verify {
                    result,
                    intake_key,
                    evaluation,
                },
        } => ballots::verify(&result, intake_key.as_deref(), evaluation.as_deref()),
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

/// Reads and checks a template file; prints every problem when it is invalid.
fn load_template(path: &Path) -> Result<Template, Failure> {
    let text = read_text(path)?;
    Template::parse(&text).map_err(|errors| {
        for e in &errors.0 {
            eprintln!("{}: {e}", path.display());
        }
        Failure::Invalid
    })
}
