//! `qingdan template import | export`: checklists as spreadsheets. The
//! layout and every check are qingdan-sheet's and the core's; this module
//! reads and writes the files.

use std::path::Path;

use anyhow::{Context as _, anyhow};
use qingdan_core::Template;

use crate::output::{errln, out, outln};
use crate::{Failure, load_template};

/// Reads a checklist from a workbook and writes it as template JSON (to
/// `output`, or stdout); prints every problem as `FILE: 评分细则!E7: …`.
pub fn import(file: &Path, output: Option<&Path>) -> Result<(), Failure> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let doc = qingdan_sheet::read(&bytes).map_err(|errors| {
        for e in &errors.0 {
            errln!("{}: {e}", file.display());
        }
        Failure::Invalid
    })?;
    let mut json = serde_json::to_string_pretty(&doc).context("cannot write the template")?;
    json.push('\n');
    match output {
        Some(path) => {
            std::fs::write(path, json)
                .with_context(|| format!("cannot write {}", path.display()))?;
            outln!(
                "{}: {} v{}, {} items",
                path.display(),
                doc.id,
                doc.version,
                doc.sections.iter().map(|s| s.items.len()).sum::<usize>()
            );
        }
        None => out!("{json}"),
    }
    Ok(())
}

/// Writes a template (a checked file, or a bundled one by id) as a workbook.
pub fn export(file: Option<&Path>, bundled_id: Option<&str>, output: &Path) -> Result<(), Failure> {
    let template = match (file, bundled_id) {
        (Some(file), None) => load_template(file)?,
        (None, Some(id)) => {
            let list = crate::template::find_bundled(id).ok_or_else(|| {
                anyhow!("no bundled template {id:?}; `qingdan template bundled` lists them")
            })?;
            Template::parse(list.json()).map_err(|e| anyhow!("bundled template {id}: {e}"))?
        }
        _ => return Err(anyhow!("give a template file or --bundled ID, not both").into()),
    };
    let bytes = qingdan_sheet::write(template.doc())
        .with_context(|| format!("cannot export {}", template.id()))?;
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    outln!(
        "{}: {} v{}, {} items",
        output.display(),
        template.id(),
        template.version(),
        template.item_count()
    );
    Ok(())
}
