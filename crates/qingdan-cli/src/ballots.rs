//! 民主测评 from the command line: an evaluation's definition checked, and
//! a published result recounted from its ballots (`ballots verify`), as
//! anyone in the room may do.

use std::path::Path;

use qingdan_core::evaluation::{self, Evaluation};

use crate::Failure;
use crate::output::{errln, outln};

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
