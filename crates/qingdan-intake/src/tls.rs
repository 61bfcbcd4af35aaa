//! HTTPS on the office network. Browsers give WebCrypto (the signers' keys)
//! and service workers (offline use) only to secure contexts, so an intake
//! reached at `https://qingdan.office:8443/` must have a certificate the
//! office's devices trust. With `--tls auto` the intake makes its own:
//! once, an office certificate authority (its key 0600 in the data
//! directory), which devices trust once (`/install` says how); at every
//! start, a server certificate for the names and addresses it is told,
//! signed by that authority. With `--tls-cert`/`--tls-key` it serves the
//! office's own.
//!
//! The office authority is limited by name constraints to the names it was
//! made for: a device that trusts it trusts it for the intake and for no
//! other site, so its key, if stolen from the server, cannot be used to
//! impersonate the office's bank or mail.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    NameConstraints,
};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest as _, Sha256};

/// Why HTTPS cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file of the office authority or the office's own certificate
    /// cannot be read or written.
    #[error("{0}: {1}")]
    File(String, std::io::Error),
    /// `--tls auto` with no `--hostname`.
    #[error(
        "--tls auto needs the names and addresses devices use to reach the intake (--hostname NAME, repeatable)"
    )]
    NoNames,
    /// A `--hostname` that is neither a DNS name nor an IP address.
    #[error("--hostname {0}: not a host name or an IP address")]
    BadName(String),
    /// The office authority was made for other names (name constraints
    /// cannot be widened without a new authority).
    #[error(
        "the office certificate authority in {dir} was made for {made_for}; it cannot vouch for {asked}. \
         Serve the names it was made for, or move {dir} away to make a new authority (every device must then trust the new one: /install)"
    )]
    OtherNames {
        /// The folder holding the authority.
        dir: String,
        /// The names it was made for.
        made_for: String,
        /// The names asked for that it does not cover.
        asked: String,
    },
    /// Half an authority: a key without its certificate, or the reverse.
    #[error(
        "{0}: the office authority is incomplete (ca.pem, ca.key and ca-names.txt go together); restore them from a backup, or move the folder away to make a new one"
    )]
    Incomplete(String),
    /// A certificate or key that does not parse, or does not fit.
    #[error("{0}")]
    Certificate(String),
}

/// The HTTPS set-up the server runs with.
#[derive(Clone)]
pub struct Tls {
    /// Accepts TLS connections.
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// The office authority's certificate (served at `/ca.pem`), when the
    /// intake made it (`--tls auto`).
    pub authority: Option<Authority>,
    /// The names and addresses devices use (the QR codes on `/install`,
    /// the redirect from plain HTTP).
    pub names: Vec<String>,
    /// The port devices reach HTTPS on (443 unless set once the server
    /// listens).
    pub port: u16,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("authority", &self.authority)
            .field("names", &self.names)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The office certificate authority as devices see it.
#[derive(Debug, Clone)]
pub struct Authority {
    /// Its certificate, PEM.
    pub pem: String,
    /// SHA-256 of its DER, in the colon-separated upper-case hex that
    /// Windows, Android and Chromium show for a certificate.
    pub fingerprint: String,
}

/// How long a server certificate is made for: under the 398 days browsers
/// accept. The server makes a new one long before (see [`RENEW_AFTER`]).
const SERVER_DAYS: i64 = 397;
/// A running intake issues itself a new server certificate this often.
const RENEW_AFTER: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How long the office authority lasts.
const AUTHORITY_YEARS: i64 = 20;

/// `--tls auto`: the office authority in `dir` (made the first time), and
/// a server certificate for `names` signed by it.
pub fn office(
    dir: &Path,
    names: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Tls, TlsError> {
    if names.is_empty() {
        return Err(TlsError::NoNames);
    }
    let hosts = names
        .iter()
        .map(|name| Host::parse(name))
        .collect::<Result<Vec<_>, _>>()?;
    let (issuer, authority) = load_or_make_authority(dir, &hosts, now)?;
    let resolver = Issuing::new(issuer, hosts, now)?;
    Ok(Tls {
        acceptor: acceptor(Arc::new(resolver))?,
        authority: Some(authority),
        names: names.to_vec(),
        port: 443,
    })
}

/// `--tls-cert FILE --tls-key FILE`: the office's own certificate chain
/// (PEM, the server's first) and its private key (PEM).
pub fn own(cert: &Path, key: &Path, names: &[String]) -> Result<Tls, TlsError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| TlsError::File(path.display().to_string(), e))
    };
    let chain = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Certificate(format!("{}: {e}", cert.display())))?;
    if chain.is_empty() {
        return Err(TlsError::Certificate(format!(
            "{}: no certificate (PEM \"BEGIN CERTIFICATE\") in it",
            cert.display()
        )));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&read(key)?)
        .map_err(|e| TlsError::Certificate(format!("{}: no private key: {e}", key.display())))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key_der)
        .map_err(|e| TlsError::Certificate(format!("{}: {e}", key.display())))?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| {
        TlsError::Certificate(format!(
            "{} does not belong to {}: {e}",
            key.display(),
            cert.display()
        ))
    })?;
    Ok(Tls {
        acceptor: acceptor(Arc::new(Fixed(Arc::new(certified))))?,
        authority: None,
        names: names.to_vec(),
        port: 443,
    })
}

/// A `--hostname`: a DNS name or an IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Name(String),
    Address(IpAddr),
}

impl Host {
    fn parse(text: &str) -> Result<Host, TlsError> {
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Host::Address(ip));
        }
        let name = text.trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
            return Err(TlsError::BadName(text.to_owned()));
        }
        Ok(Host::Name(name))
    }

    fn shown(&self) -> String {
        match self {
            Host::Name(name) => name.clone(),
            Host::Address(ip) => ip.to_string(),
        }
    }
}

/// The authority's fixed parts. Its name carries a digest of its key, so
/// the issuer can be rebuilt from the key alone at every start.
fn authority_params(key: &KeyPair, hosts: &[Host]) -> CertificateParams {
    let id = hex(&Sha256::digest(key.public_key_raw())[..4]);
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "Qingdan");
    name.push(
        DnType::CommonName,
        format!("Qingdan 办公网证书颁发机构 {id}"),
    );
    let mut params = CertificateParams::default();
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.name_constraints = Some(constraints(hosts));
    params
}

/// Only these names and addresses. A kind of name with no permitted
/// subtree would be unconstrained (RFC 5280 §4.2.1.10), so one with none
/// named is shut: no IP address at all, or only the reserved `.invalid`.
fn constraints(hosts: &[Host]) -> NameConstraints {
    let mut permitted = Vec::new();
    let mut excluded = Vec::new();
    for host in hosts {
        permitted.push(match host {
            Host::Name(name) => GeneralSubtree::DnsName(name.clone()),
            Host::Address(ip) => GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
                *ip,
                if ip.is_ipv4() { 32 } else { 128 },
            )),
        });
    }
    if !hosts.iter().any(|h| matches!(h, Host::Name(_))) {
        permitted.push(GeneralSubtree::DnsName("invalid".into()));
    }
    if !hosts.iter().any(|h| matches!(h, Host::Address(_))) {
        excluded.push(GeneralSubtree::IpAddress(CidrSubnet::V4([0; 4], [0; 4])));
        excluded.push(GeneralSubtree::IpAddress(CidrSubnet::V6([0; 16], [0; 16])));
    }
    NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: excluded,
    }
}

/// The authority's files in `dir`.
struct AuthorityFiles {
    dir: PathBuf,
}

impl AuthorityFiles {
    fn cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    fn key(&self) -> PathBuf {
        self.dir.join("ca.key")
    }
    fn names(&self) -> PathBuf {
        self.dir.join("ca-names.txt")
    }
}

fn load_or_make_authority(
    dir: &Path,
    hosts: &[Host],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Issuer<'static, KeyPair>, Authority), TlsError> {
    let files = AuthorityFiles {
        dir: dir.to_path_buf(),
    };
    let shown = |p: &Path| p.display().to_string();
    let present = [files.cert(), files.key(), files.names()].map(|p| p.exists());
    if present.iter().all(|p| !p) {
        make_authority(&files, hosts, now)?;
    } else if !present.iter().all(|p| *p) {
        return Err(TlsError::Incomplete(shown(dir)));
    }
    let read = |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| TlsError::File(shown(&p), e));
    let key_pem = read(files.key())?;
    let cert_pem = read(files.cert())?;
    let made_for: Vec<Host> = read(files.names())?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Host::parse(l.trim()))
        .collect::<Result<_, _>>()?;
    let outside: Vec<String> = hosts
        .iter()
        .filter(|h| !made_for.contains(h))
        .map(Host::shown)
        .collect();
    if !outside.is_empty() {
        return Err(TlsError::OtherNames {
            dir: shown(dir),
            made_for: made_for
                .iter()
                .map(Host::shown)
                .collect::<Vec<_>>()
                .join(", "),
            asked: outside.join(", "),
        });
    }
    let key = KeyPair::from_pem(&key_pem)
        .map_err(|e| TlsError::Certificate(format!("{}: {e}", shown(&files.key()))))?;
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|e| TlsError::Certificate(format!("{}: {e}", shown(&files.cert()))))?;
    let authority = Authority {
        pem: cert_pem,
        fingerprint: fingerprint(&der),
    };
    Ok((
        Issuer::new(authority_params(&key, &made_for), key),
        authority,
    ))
}

fn make_authority(
    files: &AuthorityFiles,
    hosts: &[Host],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), TlsError> {
    let shown = |p: &Path| p.display().to_string();
    std::fs::create_dir_all(&files.dir).map_err(|e| TlsError::File(shown(&files.dir), e))?;
    let key = KeyPair::generate().map_err(|e| TlsError::Certificate(e.to_string()))?;
    let mut params = authority_params(&key, hosts);
    validity(&mut params, now, 365 * AUTHORITY_YEARS);
    let cert = params
        .self_signed(&key)
        .map_err(|e| TlsError::Certificate(e.to_string()))?;
    let names: String = hosts.iter().map(|h| h.shown() + "\n").collect();
    // The key first, private from its first byte; the certificate last, so
    // that a crash in between leaves an incomplete set, refused at start,
    // and never a certificate whose key is gone.
    write_private(&files.key(), key.serialize_pem().as_bytes())?;
    std::fs::write(files.names(), names).map_err(|e| TlsError::File(shown(&files.names()), e))?;
    std::fs::write(files.cert(), cert.pem())
        .map_err(|e| TlsError::File(shown(&files.cert()), e))?;
    Ok(())
}

/// Writes a file only its owner can read (0600 on Unix), never over one
/// that is there.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    use std::io::Write as _;
    let mut file =
        crate::create_private(path).map_err(|e| TlsError::File(path.display().to_string(), e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| TlsError::File(path.display().to_string(), e))
}

/// The server certificate, issued at start and again every
/// [`RENEW_AFTER`] while the intake runs, so it never expires under a
/// long-running server and always names exactly the hosts it was given.
struct Issuing {
    issuer: Issuer<'static, KeyPair>,
    hosts: Vec<Host>,
    current: RwLock<(Instant, Arc<CertifiedKey>)>,
}

impl std::fmt::Debug for Issuing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuing")
            .field("hosts", &self.hosts)
            .finish()
    }
}

impl Issuing {
    fn new(
        issuer: Issuer<'static, KeyPair>,
        hosts: Vec<Host>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Issuing, TlsError> {
        let first = issue(&issuer, &hosts, now)?;
        Ok(Issuing {
            issuer,
            hosts,
            current: RwLock::new((Instant::now(), Arc::new(first))),
        })
    }
}

fn issue(
    issuer: &Issuer<'static, KeyPair>,
    hosts: &[Host],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CertifiedKey, TlsError> {
    let failed = |e: rcgen::Error| TlsError::Certificate(e.to_string());
    let mut params = CertificateParams::new(hosts.iter().map(Host::shown).collect::<Vec<_>>())
        .map_err(failed)?;
    params
        .distinguished_name
        .push(DnType::CommonName, hosts[0].shown());
    validity(&mut params, now, SERVER_DAYS);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let key = KeyPair::generate().map_err(failed)?;
    let cert = params.signed_by(&key, issuer).map_err(failed)?;
    let key_der = PrivateKeyDer::try_from(key.serialize_der())
        .map_err(|e| TlsError::Certificate(e.to_string()))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key_der)
        .map_err(|e| TlsError::Certificate(e.to_string()))?;
    Ok(CertifiedKey::new(vec![cert.der().clone()], signing))
}

impl ResolvesServerCert for Issuing {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let (issued, current) = {
            let guard = self.current.read().ok()?;
            (guard.0, guard.1.clone())
        };
        if issued.elapsed() < RENEW_AFTER {
            return Some(current);
        }
        match issue(&self.issuer, &self.hosts, chrono::Utc::now()) {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                if let Ok(mut guard) = self.current.write() {
                    *guard = (Instant::now(), fresh.clone());
                }
                tracing::info!("issued a new server certificate");
                Some(fresh)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot renew the server certificate; serving the last one");
                Some(current)
            }
        }
    }
}

/// The office's own certificate, as given.
#[derive(Debug)]
struct Fixed(Arc<CertifiedKey>);

impl ResolvesServerCert for Fixed {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn acceptor(resolver: Arc<dyn ResolvesServerCert>) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError::Certificate(e.to_string()))?
    .with_no_client_auth()
    .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Valid from a day before `now` (a device whose clock is a little behind
/// still accepts it) for `days`, whole days in UTC.
fn validity(params: &mut CertificateParams, now: chrono::DateTime<chrono::Utc>, days: i64) {
    use chrono::Datelike as _;
    let day = |t: chrono::DateTime<chrono::Utc>| {
        // Months and days always fit in a u8.
        rcgen::date_time_ymd(t.year(), t.month() as u8, t.day() as u8)
    };
    params.not_before = day(now - chrono::Duration::days(1));
    params.not_after = day(now + chrono::Duration::days(days));
}

/// `https://name:port`, an IPv6 address in brackets, the port left out
/// when it is 443.
pub fn origin(name: &str, port: u16) -> String {
    let host = if name.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{name}]")
    } else {
        name.to_owned()
    };
    if port == 443 {
        format!("https://{host}")
    } else {
        format!("https://{host}:{port}")
    }
}

/// `AB:CD:…`, SHA-256 of a certificate's DER.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_bracket_ipv6_and_leave_out_443() {
        assert_eq!(origin("qingdan.test", 8443), "https://qingdan.test:8443");
        assert_eq!(origin("10.0.0.5", 443), "https://10.0.0.5");
        assert_eq!(origin("fd00::5", 8443), "https://[fd00::5]:8443");
    }

    #[test]
    fn host_names_are_checked() {
        assert_eq!(
            Host::parse("Qingdan.Office.").unwrap(),
            Host::Name("qingdan.office".into())
        );
        assert!(matches!(Host::parse("10.0.0.5").unwrap(), Host::Address(_)));
        for bad in ["", "a..b", "-a.b", "a_b.c", "ex ample", "http://x"] {
            assert!(
                matches!(Host::parse(bad), Err(TlsError::BadName(_))),
                "{bad}"
            );
        }
    }
}
