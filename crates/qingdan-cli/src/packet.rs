//! `qingdan keygen | packet new | sign | verify | canonical`: keys and
//! signed packets, plain (`.qingdan.json`) or with their files as a bundle
//! (`.qingdan.zip`). The clock and the random numbers come from here;
//! every rule is in qingdan-core and qingdan-bundle.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use qingdan_core::attachments::{self, Attachment};
use qingdan_core::keys::{self, SigningKey, VerifyingKey, pem};
use qingdan_core::packet::{
    self, Packet, PacketKind, PacketMeta, RectificationMeta, Signer, Subject, Unit,
};
use qingdan_core::{Responses, Template, bundled};

use crate::output::{errln, outln};
use crate::{Failure, read_text};

/// Makes a key pair: the private key as PKCS#8 PEM in `out` (never
/// overwritten), the public key as SPKI PEM beside it (`.pub.pem`); prints
/// the public key and its fingerprint.
pub fn keygen(out: &Path) -> Result<(), Failure> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no random numbers from the system: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    let public_path = public_path_for(out);
    write_new(out, pem::signing_key_to_pem(&key).as_bytes(), true)?;
    write_new(
        &public_path,
        pem::verifying_key_to_pem(&key.verifying_key()).as_bytes(),
        false,
    )?;
    let public = key.verifying_key();
    outln!("public key:  {}", keys::encode_public_key(&public));
    outln!("fingerprint: {}", keys::fingerprint(&public));
    outln!("private key: {} (keep it secret)", out.display());
    outln!("public key:  {}", public_path.display());
    Ok(())
}

fn public_path_for(private: &Path) -> PathBuf {
    let stem = private
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key".into());
    private.with_file_name(format!("{stem}.pub.pem"))
}

/// Creates a file that must not exist yet (a key is never overwritten).
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A public key given as base64url, or as a PEM file (public, or private
/// from which the public half is taken).
pub(crate) fn public_key_arg(text: &str) -> anyhow::Result<VerifyingKey> {
    if let Ok(key) = keys::decode_public_key(text) {
        return Ok(key);
    }
    let path = Path::new(text);
    if !path.exists() {
        return keys::decode_public_key(text)
            .map_err(|e| anyhow!("{text:?}: not a public key ({e}) nor a PEM file"));
    }
    let pem_text = read_text(path)?;
    pem::verifying_key_from_pem(&pem_text)
        .or_else(|_| pem::signing_key_from_pem(&pem_text).map(|k| k.verifying_key()))
        .map_err(|_| {
            anyhow!(
                "{}: not an Ed25519 public or private key in PEM",
                path.display()
            )
        })
}

/// `ROLE:NAME:PUBKEY`; the name may itself contain colons.
fn signer_arg(text: &str) -> anyhow::Result<Signer> {
    let (role, rest) = text
        .split_once(':')
        .ok_or_else(|| anyhow!("--signer {text:?}: expected ROLE:NAME:PUBKEY"))?;
    let (name, key) = rest
        .rsplit_once(':')
        .ok_or_else(|| anyhow!("--signer {text:?}: expected ROLE:NAME:PUBKEY"))?;
    if role.is_empty() || name.trim().is_empty() {
        bail!("--signer {text:?}: the role and the name must not be empty");
    }
    let key = public_key_arg(key).with_context(|| format!("--signer {text:?}"))?;
    Ok(Signer {
        role: role.to_owned(),
        name: name.to_owned(),
        public_key: keys::encode_public_key(&key),
    })
}

/// The arguments of `packet new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The template JSON file.
    #[arg(long, short)]
    pub template: PathBuf,
    /// The responses JSON file.
    #[arg(long, short)]
    pub responses: PathBuf,
    /// self-assessment or inspection.
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// The unit's code.
    #[arg(long)]
    pub unit: String,
    /// The unit's name.
    #[arg(long)]
    pub unit_name: String,
    /// The period: 2026, 2026-H2, 2026-Q3 or 2026-10.
    #[arg(long)]
    pub period: String,
    /// On a checklist about a person (一岗双责, 第一责任人): their name,
    /// which must be a signer's of their self-assessment.
    #[arg(long, requires = "subject_post")]
    pub subject_name: Option<String>,
    /// Their post, e.g. 党委副书记.
    #[arg(long, requires = "subject_name")]
    pub subject_post: Option<String>,
    /// ROLE:NAME:PUBKEY, once per signer; PUBKEY is base64url or a PEM file.
    #[arg(long = "signer", required = true)]
    pub signers: Vec<String>,
    /// For an inspection: the id of the self-assessment packet it answers.
    #[arg(long)]
    pub refers_to: Option<String>,
    /// For an inspection: a JSON file with the problems found, a list of
    /// {id, item, problem, deadline (YYYY-MM-DD), responsible}.
    #[arg(long)]
    pub findings: Option<PathBuf>,
    /// ITEM=FILE: a file attached to an item (a JPEG, PNG or WebP photo, or
    /// a PDF), or finding:ID=FILE to a finding of --findings; repeatable. With files, the packet is written as a bundle
    /// (a .qingdan.zip holding the packet and its files) and -o is needed.
    #[arg(long = "attach", value_name = "ITEM=FILE")]
    pub attach: Vec<String>,
    /// Where to write the packet; default stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// The arguments of `packet rectify`.
#[derive(Debug, clap::Args)]
pub struct RectifyArgs {
    /// The inspection packet whose findings this answers.
    #[arg(long)]
    pub inspection: PathBuf,
    /// A JSON file: a list of {finding, status (done | in-progress), action,
    /// completed_on (YYYY-MM-DD, when done)}.
    #[arg(long)]
    pub rectifications: PathBuf,
    /// ROLE:NAME:PUBKEY for the unit's principal and supervisory.
    #[arg(long = "signer", required = true)]
    pub signers: Vec<String>,
    /// Where to write the packet; default stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// The packet kinds, as the command line spells them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// 自查自评
    SelfAssessment,
    /// 检查考核
    Inspection,
}

impl From<KindArg> for PacketKind {
    fn from(kind: KindArg) -> PacketKind {
        match kind {
            KindArg::SelfAssessment => PacketKind::SelfAssessment,
            KindArg::Inspection => PacketKind::Inspection,
        }
    }
}

/// Makes an unsigned packet.
pub fn new(args: NewArgs) -> Result<(), Failure> {
    let template = crate::load_template(&args.template)?;
    let responses_text = read_text(&args.responses)?;
    let responses = Responses::parse(&template, &responses_text).map_err(|errors| {
        for e in &errors.0 {
            errln!("{}: {e}", args.responses.display());
        }
        Failure::Invalid
    })?;
    let signers = signers_arg(&args.signers)?;
    let findings = match &args.findings {
        Some(path) => json_file(path)?,
        None => Vec::new(),
    };
    let files = attach_args(&args.attach, &findings)?;
    if !files.is_empty() && args.out.is_none() {
        errln!("qingdan: --attach writes a bundle (a zip): name its file with -o FILE.qingdan.zip");
        return Err(Failure::Invalid);
    }
    let meta = PacketMeta {
        id: uuid::Uuid::new_v4().to_string(),
        kind: args.kind.into(),
        created_at: now(),
        unit: Unit {
            code: args.unit,
            name: args.unit_name,
        },
        subject: args
            .subject_name
            .zip(args.subject_post)
            .map(|(name, post)| Subject { name, post }),
        period: args.period,
        signers,
        generator: Some(generator()),
        refers_to: args.refers_to,
        findings,
        attachments: files.iter().map(|(entry, _)| entry.clone()).collect(),
    };
    let packet = packet::new_packet(&template, &responses, meta).map_err(|e| anyhow!("{e}"))?;
    write_packet(
        args.out.as_deref(),
        &packet,
        files.iter().map(|(_, bytes)| bytes.as_slice()),
    )?;
    let summary = packet.score_summary(Some(&template));
    if !summary.missing.is_empty() {
        errln!(
            "note: incomplete — {}/{} required items answered; missing: {}",
            summary.answered,
            summary.required,
            summary.missing.join(", ")
        );
    }
    Ok(())
}

/// Makes an unsigned rectification packet.
pub fn rectify(args: RectifyArgs) -> Result<(), Failure> {
    let (inspection, _) = read_packet_or_bundle(&args.inspection)?;
    let rectifications = json_file(&args.rectifications)?;
    let meta = RectificationMeta {
        id: uuid::Uuid::new_v4().to_string(),
        created_at: now(),
        signers: signers_arg(&args.signers)?,
        generator: Some(generator()),
    };
    let packet = packet::new_rectification(inspection.payload(), meta, rectifications)
        .map_err(|e| anyhow!("{e}"))?;
    output(args.out.as_deref(), &packet::to_file_text(&packet))?;
    Ok(())
}

/// The files of `--attach ITEM=FILE`, each with its entry (numbered from
/// 1, named by the file's name, its type read from its first bytes).
fn attach_args(
    args: &[String],
    findings: &[qingdan_core::findings::Finding],
) -> Result<Vec<(Attachment, Vec<u8>)>, Failure> {
    let mut files = Vec::new();
    for (n, arg) in args.iter().enumerate() {
        let Some((on, path)) = arg.split_once('=') else {
            errln!(
                "qingdan: --attach {arg:?}: expected ITEM=FILE or finding:ID=FILE, e.g. --attach 1.1=谈话记录.jpg"
            );
            return Err(Failure::Invalid);
        };
        // On a finding: its item is the finding's.
        let (item, finding) = match on.trim().strip_prefix("finding:") {
            Some(id) => match findings.iter().find(|f| f.id == id) {
                Some(f) => (f.item.clone(), Some(f.id.clone())),
                None => {
                    errln!("qingdan: --attach {arg}: no finding {id:?} in --findings");
                    return Err(Failure::Invalid);
                }
            },
            None => (on.trim().to_owned(), None),
        };
        let path = Path::new(path);
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let Some(media_type) = attachments::sniff(&bytes) else {
            errln!(
                "qingdan: --attach {arg}: {} is not a JPEG, PNG or WebP photo, nor a PDF",
                path.display()
            );
            return Err(Failure::Invalid);
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("file{}", n + 1));
        let entry = Attachment {
            id: (n + 1).to_string(),
            item,
            finding,
            name,
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            sha256: attachments::digest(&bytes),
        };
        files.push((entry, bytes));
    }
    Ok(files)
}

fn signers_arg(args: &[String]) -> anyhow::Result<Vec<Signer>> {
    args.iter().map(|s| signer_arg(s)).collect()
}

/// Reads a JSON file into `T`, naming the file and the JSON path of a problem.
fn json_file<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = read_text(path)?;
    let mut reader = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| anyhow!("{}: {}: {}", path.display(), e.path(), e.inner()))
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn generator() -> String {
    format!("qingdan-cli {}", env!("CARGO_PKG_VERSION"))
}

/// Adds the signature of the key's owner.
pub fn sign(key_path: &Path, packet_path: &Path, out: Option<&Path>) -> Result<(), Failure> {
    let key = pem::signing_key_from_pem(&read_text(key_path)?)
        .map_err(|e| anyhow!("{}: {e}", key_path.display()))?;
    let (mut packet, files) = read_packet_or_bundle(packet_path)?;
    let signer = packet
        .sign(&key)
        .map_err(|e| anyhow!("{}: {e}", packet_path.display()))?
        .clone();
    match files {
        // A bundle stays one, with the same files.
        Some(bundle) => write_bundle(out, &packet, bundle.files.values().map(Vec::as_slice))?,
        None => output(out, &packet::to_file_text(&packet))?,
    }
    errln!(
        "signed by {} {} ({})",
        signer.role,
        signer.name,
        keys::fingerprint(&key.verifying_key())
    );
    Ok(())
}

/// Verifies a packet; with no template given, a bundled one with the same
/// id and version is used when there is one.
pub fn verify(
    packet_path: &Path,
    template_path: Option<&Path>,
    inspection_path: Option<&Path>,
) -> Result<(), Failure> {
    let (packet, files) = read_packet_or_bundle(packet_path)?;
    let template = match template_path {
        Some(path) => Some(crate::load_template(path)?),
        None => bundled_template_for(&packet),
    };
    let inspection = match inspection_path {
        Some(path) => {
            let (inspection, _) = read_packet_or_bundle(path)?;
            if let Err(e) = inspection.verify(bundled_template_for(&inspection).as_ref()) {
                errln!("{}: invalid: {e}", path.display());
                return Err(Failure::Invalid);
            }
            Some(inspection)
        }
        None => None,
    };
    let answered = |verified| match &inspection {
        Some(i) => qingdan_core::trust::answers(packet.payload(), i.payload()).map(|()| verified),
        None => Ok(verified),
    };
    match packet.verify(template.as_ref()).and_then(answered) {
        Ok(verified) => {
            let p = &verified.payload;
            let s = &verified.summary;
            outln!("valid packet {}", p.id);
            outln!("  unit:     {} {}", p.unit.code, p.unit.name);
            if let Some(subject) = &p.subject {
                outln!("  person:   {} ({})", subject.name, subject.post);
            }
            outln!("  kind:     {}, period {}", p.kind.as_str(), p.period);
            outln!("  template: {} v{}", p.template.id, p.template.version);
            outln!("  made:     {}", crate::output::local(&p.created_at));
            outln!(
                "  score:    {} / {} ({}%), grade {}",
                s.total,
                s.max,
                s.percentage,
                s.grade
            );
            if s.vetoes > 0 {
                outln!("  vetoes:   {} triggered", s.vetoes);
            }
            if s.missing.is_empty() {
                outln!(
                    "  complete: {}/{} required items answered",
                    s.answered,
                    s.required
                );
            } else {
                outln!(
                    "  INCOMPLETE: {}/{} required items answered; missing: {}",
                    s.answered,
                    s.required,
                    s.missing.join(", ")
                );
            }
            if files.is_some() {
                outln!(
                    "  files:    {} checked against their digests",
                    p.attachments.len()
                );
            }
            for file in &p.attachments {
                let finding = file
                    .finding
                    .as_ref()
                    .map(|f| format!(", finding {f}"))
                    .unwrap_or_default();
                outln!(
                    "  file:     {} ({}, {} bytes) on item {}{finding}",
                    file.name,
                    file.media_type,
                    file.size,
                    file.item
                );
            }
            if files.is_none() && !p.attachments.is_empty() {
                outln!(
                    "  note:     the files are not at hand, so they were not checked (verify the bundle)"
                );
            }
            for signer in &p.signers {
                let key = keys::decode_public_key(&signer.public_key)
                    .map(|k| keys::fingerprint(&k))
                    .unwrap_or_default();
                outln!("  signed:   {} {} ({key})", signer.role, signer.name);
            }
            if !verified.rescored {
                outln!(
                    "  note:     the template is not at hand, so the score was not recomputed (--template)"
                );
            }
            if p.kind == PacketKind::Rectification {
                match &inspection {
                    Some(i) => outln!("  answers:  inspection {}", i.payload().id),
                    None => outln!(
                        "  note:     the inspection it answers is not at hand, so its findings were not checked (--inspection)"
                    ),
                }
            }
            Ok(())
        }
        Err(e) => {
            errln!("{}: invalid: {e}", packet_path.display());
            Err(Failure::Invalid)
        }
    }
}

/// Prints the RFC 8785 canonical form of a JSON file (of a packet: its
/// payload, the bytes that are signed).
pub fn canonical(path: &Path, payload: bool) -> Result<(), Failure> {
    let bytes = if payload {
        read_packet(path)?.signed_bytes().to_vec()
    } else {
        let value = qingdan_core::json::parse_strict(&read_text(path)?)
            .map_err(|e| anyhow!("{}: {}: {}", path.display(), e.at, e.message))?;
        qingdan_core::canonical::to_bytes(&value)
    };
    crate::output::write_bytes(&bytes);
    Ok(())
}

fn bundled_template_for(packet: &Packet) -> Option<Template> {
    let named = &packet.payload().template;
    let b = bundled::find_version(&named.id, named.version)?;
    Template::parse(b.json()).ok()
}

/// The largest packet read from a bundle.
const MAX_BUNDLED_PACKET: u64 = 16 * 1024 * 1024;

/// A packet from `path`: a plain packet, or a bundle checked whole (every
/// file it names there and that file), with its parts.
pub fn read_packet_or_bundle(
    path: &Path,
) -> Result<(Packet, Option<qingdan_bundle::Bundle>), Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !qingdan_bundle::is_bundle(&bytes) {
        return Packet::parse(&bytes).map(|p| (p, None)).map_err(|e| {
            errln!("{}: invalid: {e}", path.display());
            Failure::Invalid
        });
    }
    qingdan_bundle::open(&bytes, MAX_BUNDLED_PACKET, attachments::Limits::default())
        .map(|(packet, bundle)| (packet, Some(bundle)))
        .map_err(|e| {
            errln!("{}: invalid: {e}", path.display());
            Failure::Invalid
        })
}

/// Writes `packet` to `out`: plain when it names no file, else as a bundle
/// with `files`.
fn write_packet<'a>(
    out: Option<&Path>,
    packet: &Packet,
    files: impl IntoIterator<Item = &'a [u8]>,
) -> anyhow::Result<()> {
    if packet.payload().attachments.is_empty() {
        output(out, &packet::to_file_text(packet))
    } else {
        write_bundle(out, packet, files)
    }
}

/// Writes `packet` and `files` as a bundle to `out` (atomically) or stdout.
fn write_bundle<'a>(
    out: Option<&Path>,
    packet: &Packet,
    files: impl IntoIterator<Item = &'a [u8]>,
) -> anyhow::Result<()> {
    let zip = qingdan_bundle::write(packet::to_file_text(packet).as_bytes(), files)
        .map_err(|e| anyhow!("{e}"))?;
    output_bytes(out, &zip)
}

fn read_packet(path: &Path) -> Result<Packet, Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Packet::parse(&bytes).map_err(|e| {
        errln!("{}: invalid: {e}", path.display());
        Failure::Invalid
    })
}

/// Writes to `out` (atomically: a temporary file renamed over it) or stdout.
fn output(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    output_bytes(out, text.as_bytes())
}

/// The same, of bytes.
fn output_bytes(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        None => {
            crate::output::write_bytes(bytes);
            Ok(())
        }
        Some(path) => {
            let tmp = path.with_extension("tmp-qingdan");
            std::fs::write(&tmp, bytes)
                .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
                .and_then(|()| std::fs::rename(&tmp, path))
                .with_context(|| format!("cannot write {}", path.display()))
        }
    }
}
