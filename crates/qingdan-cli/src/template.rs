//! `qingdan template …`: check template files, list the bundled ones.

use std::path::PathBuf;

use qingdan_core::{Template, bundled};

use crate::{Failure, read_text};

/// Checks each file; prints `FILE: ok` or every problem as `FILE: where: what`.
pub fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let mut all_valid = true;
    for file in files {
        let outcome = read_text(file).map(|text| Template::parse(&text));
        match outcome {
            Ok(Ok(template)) => println!(
                "{}: ok ({} v{}, {} items)",
                file.display(),
                template.id(),
                template.version(),
                template.item_count()
            ),
            Ok(Err(errors)) => {
                all_valid = false;
                for e in &errors.0 {
                    eprintln!("{}: {e}", file.display());
                }
            }
            Err(e) => {
                all_valid = false;
                eprintln!("{e:#}");
            }
        }
    }
    if all_valid {
        Ok(())
    } else {
        Err(Failure::Invalid)
    }
}

/// Lists the bundled templates, or prints the one named.
pub fn bundled(id: Option<&str>) -> Result<(), Failure> {
    match id {
        Some(id) => match bundled::find(id) {
            Some(b) => {
                print!("{}", b.json);
                Ok(())
            }
            None => Err(anyhow::anyhow!(
                "no bundled template {id:?}; `qingdan template bundled` lists them"
            )
            .into()),
        },
        None => {
            for b in bundled::ALL {
                let title = Template::parse(b.json)
                    .map(|t| t.doc().title.zh.clone())
                    .unwrap_or_else(|e| format!("(invalid: {e})"));
                println!("{}\t{}", b.id, title);
            }
            Ok(())
        }
    }
}
