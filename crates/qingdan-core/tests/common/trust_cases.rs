//! The trust cases in `tests/data/trust/` (see its `regenerate.py`): each a
//! packet, what the intake knows when it arrives, and how the intake
//! answers. Read by qingdan-core's tests (the core's verdict) and
//! qingdan-intake's (the same cases through a real intake).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use qingdan_core::trust::Enrollment;
use serde::Deserialize;

/// One case.
pub struct TrustCase {
    /// The folder's name: what the case is.
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
    /// The packet file's bytes.
    pub packet: Vec<u8>,
    /// The inspection a rectification answers, as stored before it.
    pub inspection: Option<Vec<u8>>,
    /// The bundled checklist answered, and the version the packet names.
    pub template: String,
    pub template_version: u32,
    /// When it arrives.
    pub received_at: DateTime<Utc>,
    /// The enrollments, each key's revocation attached.
    pub enrollments: Vec<Enrollment>,
    /// Revocations: (key, when).
    pub revoked: Vec<(String, String)>,
    /// The intake's answer: status, and the problem's code when refused.
    pub status: u16,
    pub code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Context {
    template: String,
    received_at: String,
    enrollments: Vec<Enrolled>,
    revoked: Vec<Revoked>,
    #[serde(default)]
    inspection: Option<String>,
    http: Http,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enrolled {
    unit: String,
    role: String,
    #[allow(dead_code)]
    key: String,
    public_key: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Revoked {
    #[allow(dead_code)]
    key: String,
    public_key: String,
    at: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Http {
    status: u16,
    code: Option<String>,
}

/// Every case, in name order.
pub fn trust_cases() -> Vec<TrustCase> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/trust");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|dir| read_case(&dir)).collect()
}

fn read_case(dir: &Path) -> TrustCase {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("cannot read {}/{name}: {e}", dir.display()))
    };
    let context: Context = serde_json::from_slice(&read("context.json"))
        .unwrap_or_else(|e| panic!("{}/context.json: {e}", dir.display()));
    let revoked: Vec<(String, String)> = context
        .revoked
        .iter()
        .map(|r| (r.public_key.clone(), r.at.clone()))
        .collect();
    let enrollments = context
        .enrollments
        .into_iter()
        .map(|e| Enrollment {
            revoked_at: revoked
                .iter()
                .find(|(k, _)| *k == e.public_key)
                .map(|(_, at)| at.clone()),
            unit: e.unit,
            role: e.role,
            public_key: e.public_key,
            name: e.name,
        })
        .collect();
    let packet = read("packet.json");
    let named: serde_json::Value = serde_json::from_slice(&packet).unwrap_or_default();
    let template_version = named["payload"]["template"]["version"]
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or_else(|| panic!("{}: the packet names no template version", dir.display()));
    TrustCase {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        template_version,
        dir: dir.to_owned(),
        packet,
        inspection: context.inspection.as_deref().map(read),
        template: context.template,
        received_at: DateTime::parse_from_rfc3339(&context.received_at)
            .unwrap_or_else(|e| panic!("{}: received_at: {e}", dir.display()))
            .with_timezone(&Utc),
        enrollments,
        revoked,
        status: context.http.status,
        code: context.http.code,
    }
}
