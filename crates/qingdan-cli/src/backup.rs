//! `qingdan backup --to FILE`: a consistent copy of the intake's database,
//! made while it runs; `qingdan backup verify COPY`: every packet in a
//! copy checked, without changing it. qingdan-intake does both; this
//! prints.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use qingdan_intake::backup::{self, Backup, BackupInfo};
use qingdan_intake::{Store, StoreError};

use crate::Failure;
use crate::intake::{Database, with_intake};
use crate::output::{errln, outln};

/// `qingdan backup`'s options.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BackupArgs {
    /// The new file to write the copy to (never overwritten): of a SQLite
    /// database, a SQLite file; of a PostgreSQL one, a pg_dump archive
    /// (custom format).
    #[arg(long, value_name = "FILE", required = true)]
    to: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<BackupCommand>,
}

#[derive(Debug, clap::Subcommand)]
enum BackupCommand {
    /// Check a copy without changing it: every packet's digest, size,
    /// signatures and receipt; exit 1 when any is damaged.
    Verify {
        /// The copy: a SQLite file, or postgres://… (a pg_dump archive
        /// restored into a scratch database).
        copy: String,
    },
}

/// `qingdan backup`.
pub fn run(database: &Database, args: BackupArgs) -> Result<(), Failure> {
    match (args.command, args.to) {
        (Some(BackupCommand::Verify { copy }), _) => verify(&copy),
        (None, Some(to)) => make(database, &to),
        (None, None) => Err(anyhow!("name the new file: qingdan backup --to FILE").into()),
    }
}

/// `qingdan backup --to FILE`.
fn make(database: &Database, to: &Path) -> Result<(), Failure> {
    // Refused before the database is opened: nothing is done for a
    // backup that would be refused at the end.
    if to.symlink_metadata().is_ok() {
        return Err(anyhow::Error::new(StoreError::Exists(to.to_owned())).into());
    }
    let url = &database.url;
    let info = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        errln!(
            "qingdan: using pg_dump --format=custom --file {} {}",
            to.display(),
            database.shown()
        );
        backup::pg_dump(url, to).with_context(|| format!("cannot back up {}", database.shown()))?
    } else if let Ok(Some(file)) = Store::sqlite_file(url) {
        // Never --create: a backup of a database that is not there is a
        // mistake to say, not an empty intake to make.
        if !file.exists() {
            return Err(anyhow!(
                "there is no intake database at {}: check --database (or QINGDAN_DATABASE)",
                database.shown()
            )
            .into());
        }
        let database = Database {
            url: url.clone(),
            create: false,
        };
        with_intake(&database, async |intake| {
            Ok(intake
                .store()
                .backup_to(to)
                .await
                .with_context(|| format!("cannot back up {}", database.shown()))?)
        })?
    } else {
        return Err(anyhow!(
            "--database {}: only a SQLite file or a PostgreSQL database is backed up",
            database.shown()
        )
        .into());
    };
    show(&info);
    Ok(())
}

/// What the office notes down about a backup.
fn show(info: &BackupInfo) {
    outln!("backup:  {}", info.path.display());
    if let Some(packets) = info.packets {
        outln!("packets: {packets}");
    }
    outln!("size:    {} bytes", info.size);
    outln!("SHA-256: {}", info.sha256);
    if info.packets.is_some() {
        errln!(
            "qingdan: check it with: qingdan backup verify {}",
            info.path.display()
        );
    } else {
        errln!(
            "qingdan: check it by restoring it into an empty database (pg_restore --dbname postgres://…/scratch {}) and running qingdan backup verify postgres://…/scratch",
            info.path.display()
        );
    }
}

/// `qingdan backup verify COPY`.
fn verify(copy: &str) -> Result<(), Failure> {
    let shown = if copy.contains("://") || copy.starts_with("sqlite:") {
        Database {
            url: copy.to_owned(),
            create: false,
        }
        .shown()
    } else {
        std::path::absolute(copy).map_or_else(|_| copy.to_owned(), |p| p.display().to_string())
    };
    errln!("qingdan: checking {shown}");
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let backup = Backup::open(copy)
            .await
            .with_context(|| format!("cannot check {shown}"))?;
        let inventory = backup.inventory();
        let bar = ProgressBar::new(u64::try_from(inventory.packets).unwrap_or(0)).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} packets checked")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let tally = backup
            .check(|checked| {
                if !checked.damage.is_empty() {
                    let what: Vec<String> =
                        checked.damage.iter().map(ToString::to_string).collect();
                    bar.suspend(|| outln!("damaged {}: {}", checked.id, what.join("; ")));
                }
                bar.inc(1);
            })
            .await;
        bar.finish_and_clear();
        backup.close().await;
        let tally = tally.with_context(|| format!("cannot check {shown}"))?;
        outln!(
            "packets checked: {}, good: {}, damaged: {}",
            tally.checked,
            tally.good,
            tally.damaged
        );
        outln!(
            "templates: {}, units: {}, enrolled keys: {} (schema version {})",
            inventory.templates,
            inventory.units,
            inventory.keys,
            backup.schema_version()
        );
        if tally.damaged > 0 {
            errln!(
                "qingdan: {shown} is damaged: {} of {} packets (listed above)",
                tally.damaged,
                tally.checked
            );
            Err(Failure::Invalid)
        } else {
            Ok(())
        }
    })
}
