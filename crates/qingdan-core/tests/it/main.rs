//! Integration tests of qingdan-core: data-driven cases under `tests/data/`
//! at the repository root, the bundled templates, and properties. Native
//! only: they read files (the browser tests are in `tests/browser.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod bundled;
mod cases;
mod compat;
mod evaluation;
mod findings;
#[path = "../../benches/fixtures/mod.rs"]
mod fixtures;
mod packets;
mod properties;
mod rules;
mod trust;
mod vectors;

use std::path::{Path, PathBuf};

/// `tests/data/` at the repository root.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data")
}

/// The entries of a folder, sorted by name, so cases run in a stable order.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// Reads a file of test data.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}
