//! 民主测评 from the command line: an evaluation's definition checked; at
//! the intake, an evaluation made, its slips made once, closed; and a
//! published result recounted from its ballots (`ballots verify`), as
//! anyone in the room may do.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use qingdan_core::evaluation::{self, Evaluation};
use qingdan_intake::EvaluationError;
use qingdan_intake::accounts::Actor;

use crate::Failure;
use crate::intake::{Database, with_intake};
use crate::output::{errln, local, outln};

fn refused(e: EvaluationError) -> Failure {
    errln!("qingdan: {e}");
    Failure::Invalid
}

/// `qingdan evaluation create FILE`: prints the new evaluation's id.
pub fn create(database: &Database, path: &Path) -> Result<(), Failure> {
    let text = crate::read_text(path)?;
    with_intake(database, async |intake| {
        let made = intake
            .create_evaluation(&text, &Actor::Cli, chrono::Utc::now())
            .await
            .map_err(refused)?;
        outln!("{}", made.id);
        Ok(())
    })
}

/// `qingdan evaluation list`.
pub fn list(database: &Database) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        for e in intake.evaluations().await.map_err(refused)? {
            let state = match (&e.closed_at, &e.slips_made_at) {
                (Some(at), _) => format!("closed {}", local(at)),
                (None, Some(_)) => format!("open, {} of {} ballots cast", e.ballots_cast, e.slips),
                (None, None) => format!("{} slips to make", e.slips),
            };
            outln!("{}  {}  {state}", e.id, e.title);
        }
        Ok(())
    })
}

/// `evaluation outcomes`: one line a person, the latest evaluation first.
pub fn outcomes(database: &Database, unit: &str, period: Option<&str>) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        let found = intake
            .evaluation_outcomes(unit, period)
            .await
            .map_err(refused)?;
        if found.is_empty() {
            outln!("no closed evaluation has evaluated anyone of unit {unit}");
        }
        for o in found {
            let satisfaction = o
                .satisfaction
                .map_or_else(|| "no rating".to_owned(), |s| format!("{s}%"));
            outln!(
                "{}  {}  {}（{}）  {satisfaction} of {} ballots{}",
                o.evaluation,
                o.period.as_deref().unwrap_or("-"),
                o.name,
                o.post,
                o.ballots,
                if o.talk_due { "  约谈" } else { "" }
            );
        }
        Ok(())
    })
}

/// A new file at `path` (never one that exists).
fn new_file(path: &Path) -> Result<std::fs::File, Failure> {
    Ok(std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create {} (a file that exists is not overwritten)",
                path.display()
            )
        })?)
}

fn write_all(mut file: std::fs::File, path: &Path, text: &str) -> Result<(), Failure> {
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `qingdan evaluation slips ID --codes-json FILE [-o SHEET --base URL]`:
/// the codes, made now, written to new files (never overwriting one) and
/// shown nowhere else.
pub fn slips(
    database: &Database,
    id: &str,
    codes_json: &Path,
    sheet: Option<(&Path, &str)>,
) -> Result<(), Failure> {
    // Opened before the codes are made: a file that cannot be written
    // must not cost the only sight of them.
    let codes_file = new_file(codes_json)?;
    let sheet_file = match sheet.map(|(path, _)| new_file(path)).transpose() {
        Ok(file) => file,
        Err(e) => {
            let _ = std::fs::remove_file(codes_json);
            return Err(e);
        }
    };
    let made = with_intake(database, async |intake| {
        let now = chrono::Utc::now();
        let slips = intake
            .make_slips(id, &Actor::Cli, now)
            .await
            .map_err(refused)?;
        let text = intake.evaluation_text(id).await.map_err(refused)?;
        let e = Evaluation::parse(&text).map_err(|_| Failure::Invalid)?;
        Ok((slips, e, qingdan_intake::rfc3339(now)))
    });
    let (slips, e, made_at) = match made {
        Ok(made) => made,
        Err(err) => {
            let _ = std::fs::remove_file(codes_json);
            if let Some((path, _)) = sheet {
                let _ = std::fs::remove_file(path);
            }
            return Err(err);
        }
    };
    let text = serde_json::to_string_pretty(&serde_json::json!({"evaluation": id, "slips": slips}))
        .context("cannot write the codes")?;
    write_all(codes_file, codes_json, &text)?;
    if let (Some(file), Some((path, base))) = (sheet_file, sheet) {
        let html = qingdan_intake::slips::ballot_sheet(&e, &slips, base, &made_at);
        write_all(file, path, &html)?;
        outln!("the sheet of slips: {}", path.display());
    }
    outln!(
        "{} slips of {id} written to {}",
        slips.len(),
        codes_json.display()
    );
    Ok(())
}

/// `qingdan evaluation close ID [-o FILE]`: the signed result.
pub fn close(database: &Database, id: &str, output: Option<&Path>) -> Result<(), Failure> {
    let result = with_intake(database, async |intake| {
        intake
            .close_evaluation(id, &Actor::Cli, chrono::Utc::now())
            .await
            .map_err(refused)
    })?;
    match output {
        Some(path) => std::fs::write(path, &result)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => outln!("{result}"),
    }
    Ok(())
}

/// Reads and checks an evaluation file; its problems, each by its JSON
/// path, when it has any.
fn load(path: &Path) -> Result<Evaluation, Failure> {
    let text = crate::read_text(path)?;
    Evaluation::parse(&text).map_err(|problems| {
        for p in problems {
            errln!("{}: {p}", path.display());
        }
        Failure::Invalid
    })
}

/// `qingdan evaluation check FILE`: the evaluation's facts, or its problems.
pub fn check(path: &Path) -> Result<(), Failure> {
    let e = load(path)?;
    let doc = e.doc();
    outln!("valid evaluation {} ({})", doc.id, doc.title.zh);
    outln!("  people:     {}", doc.subjects.len());
    outln!("  dimensions: {} and overall", doc.dimensions.len());
    outln!("  slips:      {} in {} groups", e.slips(), doc.groups.len());
    outln!("  open:       {} to {}", doc.opens_at, doc.closes_at);
    outln!("  talk due under {} %", doc.threshold);
    outln!("  sha256:     {}", e.sha256());
    Ok(())
}

/// `qingdan ballots verify RESULT [--intake-key KEY] [--evaluation FILE]`:
/// the intake's signature, and every count recomputed from the ballots.
pub fn verify(
    result: &Path,
    intake_key: Option<&str>,
    evaluation_path: Option<&Path>,
) -> Result<(), Failure> {
    let text = crate::read_text(result)?;
    let evaluation = evaluation_path.map(load).transpose()?;
    let payload = match evaluation::verify_result(&text, intake_key, evaluation.as_ref()) {
        Ok(payload) => payload,
        Err(e) => {
            errln!("{}: invalid: {e}", result.display());
            return Err(Failure::Invalid);
        }
    };
    let t = &payload.tally;
    outln!("valid result of evaluation {}", payload.evaluation);
    outln!("  evaluation sha256: {}", payload.evaluation_sha256);
    outln!("  closed at:         {}", payload.closed_at);
    outln!("  intake key:        {}", payload.intake_key);
    outln!(
        "  slips:             {} issued, {} used, {} unused",
        t.slips.issued,
        t.slips.used,
        t.slips.unused
    );
    for g in &t.groups {
        outln!(
            "  group {}: {} ballots, weight {}",
            g.id,
            g.ballots,
            g.weight
        );
    }
    let names = |id: &str| {
        evaluation
            .as_ref()
            .and_then(|e| e.doc().subjects.iter().find(|s| s.id == id))
            .map(|s| format!(" {}（{}）", s.name, s.post))
            .unwrap_or_default()
    };
    for s in &t.subjects {
        let figure = s
            .satisfaction
            .map_or_else(|| "no ballots".to_owned(), |f| format!("{f} %"));
        let talk = if s.talk_due {
            "  约谈 (talk due)"
        } else {
            ""
        };
        outln!(
            "  {}{}: satisfaction {figure}{talk}",
            s.subject,
            names(&s.subject)
        );
    }
    outln!(
        "  every count is what its {} ballots count to",
        t.ballots.len()
    );
    Ok(())
}
