//! `qingdan admin add|first|list`, `qingdan audit` and `qingdan round`:
//! the console's administrators, the record of what was done, and
//! assessment rounds with their tracker — the same as the console and the
//! API, from the intake's machine.

use std::io::Read as _;

use anyhow::Context as _;
use clap::Subcommand;
use qingdan_intake::accounts::Actor;
use qingdan_intake::rounds::{NewRound, UnitStatus};

use crate::Failure;
use crate::intake::{Database, with_intake};
use crate::output::{errln, local, outln};

/// `qingdan admin add`'s arguments.
#[derive(Debug, clap::Args)]
pub struct AddAdminArgs {
    /// The name they sign in to the console with.
    name: String,
    /// Read the password from stdin (one line) instead of asking for it.
    #[arg(long)]
    password_stdin: bool,
    /// They must choose a new password at first sign-in.
    #[arg(long)]
    must_change: bool,
}

/// `qingdan round`.
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Make an assessment round (考核批次); prints its id.
    Create {
        /// The checklist's id.
        #[arg(long)]
        template: String,
        /// Its version (default: the latest published).
        #[arg(long)]
        version: Option<u32>,
        /// The period, e.g. 2026.
        #[arg(long)]
        period: String,
        /// Which packets it collects.
        #[arg(long, value_parser = ["self-assessment", "inspection"])]
        kind: String,
        /// The last day packets are due, YYYY-MM-DD.
        #[arg(long)]
        deadline: String,
        /// A unit it covers (repeatable; default every registered unit).
        #[arg(long = "unit")]
        units: Vec<String>,
    },
    /// List the rounds, the latest made first.
    List,
    /// Every unit of a round and where it stands: 未提交, 已提交, 被拒绝, 逾期未提交.
    Status {
        /// The round's id.
        id: String,
        /// The day the deadline is judged on, YYYY-MM-DD (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Print JSON (as GET /api/v1/rounds/{id}/status) instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `qingdan admin add`.
pub fn add_admin(database: &Database, args: AddAdminArgs) -> Result<(), Failure> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .take(4096)
            .read_to_string(&mut line)
            .context("cannot read the password from stdin")?;
        line.lines().next().unwrap_or_default().to_owned()
    } else {
        let first = rpassword::prompt_password(format!("password for {}: ", args.name))
            .context("cannot read the password (no terminal? use --password-stdin)")?;
        let again = rpassword::prompt_password("again: ").context("cannot read the password")?;
        if first != again {
            errln!("qingdan: the two passwords differ; nothing was changed");
            return Err(Failure::Invalid);
        }
        first
    };
    with_intake(database, async |intake| {
        intake
            .add_admin(
                &args.name,
                &password,
                args.must_change,
                &Actor::Cli,
                chrono::Utc::now(),
            )
            .await
            .map_err(problem)?;
        outln!("administrator {} added", args.name);
        Ok(())
    })
}

/// `qingdan unit import FILE.xlsx`.
pub fn import_units(database: &Database, file: &std::path::Path) -> Result<(), Failure> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = match qingdan_sheet::read_units(&bytes) {
        Ok(rows) => rows,
        Err(errors) => {
            for error in &errors.0 {
                errln!("{}: {error}", file.display());
            }
            return Err(Failure::Invalid);
        }
    };
    with_intake(database, async |intake| {
        let done = intake
            .import_units(&rows, &Actor::Cli, chrono::Utc::now())
            .await
            .map_err(problem)?;
        outln!(
            "{} units: {} new, {} registered before",
            done.units,
            done.added,
            done.updated
        );
        Ok(())
    })
}

/// `qingdan code withdraw ID`: an unused code withdrawn.
pub fn withdraw_code(database: &Database, id: &str) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        intake
            .withdraw_code(id, &Actor::Cli, chrono::Utc::now())
            .await
            .map_err(problem)?;
        outln!("withdrawn: {id}");
        Ok(())
    })
}

/// `qingdan code sheet`: codes issued and written as a sheet of slips.
pub fn code_sheet(
    database: &Database,
    units: &[String],
    roles: &[String],
    base: &str,
    out: &std::path::Path,
) -> Result<(), Failure> {
    if !qingdan_intake::web_url(base) {
        errln!("qingdan: --base {base:?} is not an http:// or https:// address");
        return Err(Failure::Invalid);
    }
    // Made before any code is issued: a file in the way loses no code.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .with_context(|| format!("cannot write {} (name a new file)", out.display()))?;
    let written = with_intake(database, async |intake| {
        let now = chrono::Utc::now();
        let slips = intake
            .issue_slips(units, roles, base, &Actor::Cli, now)
            .await
            .map_err(problem)?;
        use std::io::Write as _;
        file.write_all(
            qingdan_intake::slips::sheet(&slips, &qingdan_intake::output_time(now)).as_bytes(),
        )
        .with_context(|| format!("cannot write {}", out.display()))?;
        outln!("{} codes on {}", slips.len(), out.display());
        Ok(())
    });
    if written.is_err() {
        let _ = std::fs::remove_file(out);
    }
    written
}

/// `qingdan admin first`: the first administrator, once.
pub fn first_admin(database: &Database, console: &str) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        match intake
            .first_admin(chrono::Utc::now())
            .await
            .map_err(problem)?
        {
            Some(password) => {
                outln!("the console: {console}");
                outln!("sign in as admin with the one-time password {password}");
                outln!("(you choose your own password at first sign-in)");
            }
            None => outln!("the console: {console} (an administrator exists already)"),
        }
        Ok(())
    })
}

/// `qingdan admin list`.
pub fn list_admins(database: &Database) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        for admin in intake.admins().await.map_err(problem)? {
            outln!(
                "{}  added {}{}",
                admin.name,
                local(&admin.created_at),
                if admin.must_change {
                    "  (must change the one-time password)"
                } else {
                    ""
                }
            );
        }
        Ok(())
    })
}

/// `qingdan audit`: what administrators did, newest first.
pub fn audit(database: &Database, limit: i64) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        for entry in intake
            .audit_log(None, limit.clamp(1, 10_000))
            .await
            .map_err(problem)?
        {
            outln!(
                "{}  {}  {}  {}",
                local(&entry.at),
                entry.actor,
                entry.action,
                entry.detail
            );
        }
        Ok(())
    })
}

/// `qingdan round …`.
pub fn round(database: &Database, command: RoundCommand) -> Result<(), Failure> {
    with_intake(database, async |intake| match command {
        RoundCommand::Create {
            template,
            version,
            period,
            kind,
            deadline,
            units,
        } => {
            let round = NewRound {
                template,
                version,
                period,
                kind,
                deadline,
                units,
            };
            let made = intake
                .create_round(&round, &Actor::Cli, chrono::Utc::now())
                .await
                .map_err(problem)?;
            outln!("{}", made.id);
            Ok(())
        }
        RoundCommand::List => {
            for round in intake.rounds().await.map_err(problem)? {
                outln!(
                    "{}  {} v{}  {}  {}  due {}  {} units",
                    round.id,
                    round.template_id,
                    round.template_version,
                    round.period,
                    round.kind,
                    round.deadline,
                    round.units
                );
            }
            Ok(())
        }
        RoundCommand::Status { id, as_of, json } => {
            let as_of = match as_of.as_deref() {
                None => chrono::Local::now().date_naive(),
                Some(day) => qingdan_core::findings::parse_date(day).ok_or_else(|| {
                    errln!("qingdan: --as-of {day:?} is not a day YYYY-MM-DD");
                    Failure::Invalid
                })?,
            };
            let mut page = 1;
            loop {
                let Some(tracked) = intake
                    .round_status(&id, as_of, None, page, 1000)
                    .await
                    .map_err(problem)?
                else {
                    errln!("qingdan: no round {id:?}");
                    return Err(Failure::Invalid);
                };
                if json {
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&tracked)
                            .context("cannot write the status as JSON")?
                    );
                    return Ok(());
                }
                if page == 1 {
                    let c = tracked.counts;
                    outln!(
                        "{} units: {} 已提交, {} 未提交, {} 被拒绝, {} 逾期未提交 (due {}, as of {})",
                        c.units,
                        c.submitted,
                        c.missing,
                        c.refused,
                        c.overdue,
                        tracked.round.deadline,
                        tracked.as_of
                    );
                }
                for unit in &tracked.units {
                    let label = match unit.status {
                        UnitStatus::Missing => "未提交",
                        UnitStatus::Submitted => "已提交",
                        UnitStatus::Refused => "被拒绝",
                        UnitStatus::Overdue => "逾期未提交",
                    };
                    let more = match unit.status {
                        UnitStatus::Submitted => format!(
                            "{}  {}",
                            unit.received_at.as_deref().map(local).unwrap_or_default(),
                            unit.total.map(|t| t.to_string()).unwrap_or_default()
                        ),
                        UnitStatus::Refused => unit.refused_detail.clone().unwrap_or_default(),
                        _ => String::new(),
                    };
                    outln!("{}  {}  {label}  {more}", unit.code, unit.name);
                }
                if page >= tracked.pages {
                    return Ok(());
                }
                page += 1;
            }
        }
    })
}

fn problem(e: qingdan_intake::AdminError) -> Failure {
    errln!("qingdan: {e}");
    Failure::Invalid
}
