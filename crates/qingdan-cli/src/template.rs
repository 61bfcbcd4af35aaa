//! `qingdan template …`: check template files, list the bundled ones.

use std::path::PathBuf;

use qingdan_core::{Template, bundled};

use crate::output::{errln, out, outln};
use crate::{Failure, read_text};

/// Checks each file; prints `FILE: ok` or every problem as `FILE: where: what`.
pub fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let mut all_valid = true;
    for file in files {
        let outcome = read_text(file).map(|text| Template::parse(&text));
        match outcome {
            Ok(Ok(template)) => outln!(
                "{}: ok ({} v{}, {} items)",
                file.display(),
                template.id(),
                template.version(),
                template.item_count()
            ),
            Ok(Err(errors)) => {
                all_valid = false;
                for e in &errors.0 {
                    errln!("{}: {e}", file.display());
                }
            }
            Err(e) => {
                all_valid = false;
                errln!("{e:#}");
            }
        }
    }
    if all_valid {
        Ok(())
    } else {
        Err(Failure::Invalid)
    }
}

/// A bundled list by `ID` (its latest version) or `ID@VERSION`.
pub fn find_bundled(named: &str) -> Option<&'static bundled::Bundled> {
    match named.split_once('@') {
        Some((id, version)) => bundled::find_version(id, version.parse().ok()?),
        None => bundled::find(named),
    }
}

/// Lists the bundled templates, or prints the one named.
pub fn bundled(id: Option<&str>) -> Result<(), Failure> {
    match id {
        Some(id) => match find_bundled(id) {
            Some(b) => {
                out!("{}", b.json());
                Ok(())
            }
            None => Err(anyhow::anyhow!(
                "no bundled template {id:?}; `qingdan template bundled` lists them"
            )
            .into()),
        },
        None => {
            // The latest versions by id; earlier ones as ID@VERSION.
            for b in bundled::ALL {
                let title = Template::parse(b.json())
                    .map(|t| t.doc().title.zh.clone())
                    .unwrap_or_else(|e| format!("(invalid: {e})"));
                let latest = bundled::find(b.id).is_some_and(|l| l.version == b.version);
                let name = if latest {
                    b.id.to_owned()
                } else {
                    format!("{}@{}", b.id, b.version)
                };
                outln!("{name}\t{title}\tv{}", b.version);
            }
            Ok(())
        }
    }
}
