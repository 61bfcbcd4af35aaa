//! `--config qingdan.toml`: the intake's settings from a file. Every
//! setting is a flag, a `QINGDAN_*` variable and a key of the file, named
//! alike (`--rate-limit`, `QINGDAN_RATE_LIMIT`, `rate-limit`); a flag wins
//! over the variable, the variable over the file, the file over the
//! default. README's table of settings lists them all (a test holds it to
//! this file and to `qingdan serve --help`).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use serde::Deserialize;

use crate::intake::{LogFormat, TlsMode};

/// The settings a `--config` file may hold; a key it does not know is an
/// error (a misspelt key must not silently leave a default in force).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSettings {
    pub database: Option<String>,
    pub addr: Option<SocketAddr>,
    pub web: Option<PathBuf>,
    pub max_packet_bytes: Option<usize>,
    pub max_file_bytes: Option<u64>,
    pub max_packet_files_bytes: Option<u64>,
    pub rate_limit: Option<u32>,
    pub burst: Option<u32>,
    pub timeout: Option<u64>,
    pub header_timeout: Option<u64>,
    /// `--session-idle`.
    pub session_idle: Option<u64>,
    pub max_connections: Option<usize>,
    pub trusted_proxy: Option<IpAddr>,
    pub log_format: Option<LogFormat>,
    pub tls: Option<TlsMode>,
    pub hostname: Option<Vec<String>>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub http_port: Option<u16>,
    pub data_dir: Option<PathBuf>,
}

impl FileSettings {
    /// Reads `path`; a problem names the file, the line and the key.
    pub fn read(path: &Path) -> anyhow::Result<FileSettings> {
        let text = crate::read_text(path)?;
        toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_is_named_with_its_line() {
        let e = toml::from_str::<FileSettings>("addr = \"0.0.0.0:8443\"\nrate_limt = 5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("rate_limt") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn every_key_in_readmes_table_is_one_the_file_takes() {
        let readme = include_str!("../../../README.md");
        let table = readme.split("<!-- settings -->").nth(1).unwrap();
        let keys: Vec<&str> = table
            .lines()
            .skip(3)
            .take_while(|l| l.starts_with('|'))
            .map(|row| row.split('|').nth(3).unwrap().trim().trim_matches('`'))
            .filter(|key| *key != "—")
            .collect();
        assert!(keys.len() > 10, "{keys:?}");
        for key in keys {
            // A wrong type, but never an unknown key.
            let e = toml::from_str::<FileSettings>(&format!("{key} = {{}}"))
                .unwrap_err()
                .to_string();
            assert!(!e.contains("unknown field"), "{key}: {e}");
        }
    }

    #[test]
    fn the_example_settings_file_is_read() {
        let example = include_str!("../dist/qingdan.toml");
        let settings: FileSettings = toml::from_str(example).unwrap();
        assert_eq!(settings.tls, Some(TlsMode::Auto));
        assert!(settings.hostname.is_some_and(|h| !h.is_empty()));
    }

    #[test]
    fn a_wrong_value_is_named_with_its_key() {
        let e = toml::from_str::<FileSettings>("tls = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("tls") && e.contains("auto"), "{e}");
    }
}
