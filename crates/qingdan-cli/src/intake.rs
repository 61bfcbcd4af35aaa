//! The intake's commands: `serve`, `import`, and the admin's (publish
//! templates, register units, enroll keys, issue codes and tokens). Each
//! opens the database named by `--database`, which must exist unless
//! `--create` is given, says on stderr which it is, and calls
//! qingdan-intake.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use qingdan_core::keys;
use qingdan_intake::{AppState, Config, Intake, Published, RateLimit, Store, Submitted, WebApp};

use crate::config::FileSettings;

use crate::Failure;
use crate::output::{errln, outln};

/// The database the intake's commands work on.
#[derive(Debug, Clone)]
pub struct Database {
    /// `--database`: `sqlite://FILE` or `postgres://…`.
    pub url: String,
    /// `--create`: a SQLite file that is not there may be made.
    pub create: bool,
}

impl Database {
    /// Connects and brings the schema up to date, and says on stderr which
    /// database it is. A SQLite file that is not there is refused unless
    /// `--create` was given: a mistyped `--database`, or a command run in
    /// another folder than usual, must not start a new, empty intake.
    async fn open(&self) -> anyhow::Result<Store> {
        let (store, new) = self.connect().await?;
        if new {
            errln!("qingdan: created the database {}", self.shown());
        } else {
            errln!("qingdan: database {}", self.shown());
        }
        Ok(store)
    }

    /// As [`Database::open`], saying nothing (`serve` logs which database
    /// it is, in its log's format); whether the database is new.
    async fn connect(&self) -> anyhow::Result<(Store, bool)> {
        let file = Store::sqlite_file(&self.url).map_err(|e| anyhow!("--database: {e}"))?;
        let new = file.as_ref().is_some_and(|f| !f.exists());
        if new && !self.create {
            return Err(anyhow!(
                "there is no intake database at {}: check --database (or QINGDAN_DATABASE), or add --create to make a new one",
                self.shown()
            ));
        }
        let store = Store::connect(&self.url)
            .await
            .with_context(|| format!("cannot open the database {}", self.shown()))?;
        Ok((store, new))
    }

    /// The folder of the intake's own files (its office certificate
    /// authority): the SQLite database's, or `data` with PostgreSQL.
    pub fn data_dir(&self) -> PathBuf {
        match Store::sqlite_file(&self.url) {
            Ok(Some(file)) => file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            _ => PathBuf::from("data"),
        }
    }

    /// The database as people should see it: a SQLite file's full path,
    /// any other URL without its password.
    pub fn shown(&self) -> String {
        if let Ok(Some(file)) = Store::sqlite_file(&self.url) {
            return std::path::absolute(&file)
                .unwrap_or(file)
                .display()
                .to_string();
        }
        without_password(&self.url)
    }
}

/// A URL with the password in its user part, if any, replaced by `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}

/// `qingdan serve`'s settings. Each is also a `QINGDAN_*` variable and a
/// key of the `--config` file (`config.rs`); the defaults are applied after
/// all three, in [`Settings::resolve`].
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on [default: 127.0.0.1:8080]. On the office
    /// network, 0.0.0.0:8443 with --tls auto.
    #[arg(long, env = "QINGDAN_ADDR")]
    addr: Option<SocketAddr>,
    /// The built web app to serve at / (`cargo xtask build-web` makes
    /// web/dist) [default: the app built into this binary, if any].
    #[arg(long, env = "QINGDAN_WEB")]
    web: Option<PathBuf>,
    /// The largest packet accepted, in bytes [default: 2097152].
    #[arg(long, env = "QINGDAN_MAX_PACKET_BYTES")]
    max_packet_bytes: Option<usize>,
    /// The largest file attached to a packet (a photo, a PDF), in bytes
    /// [default: 10485760].
    #[arg(long, env = "QINGDAN_MAX_FILE_BYTES")]
    max_file_bytes: Option<u64>,
    /// The most bytes of files one packet may carry [default: 52428800].
    #[arg(long, env = "QINGDAN_MAX_PACKET_FILES_BYTES")]
    max_packet_files_bytes: Option<u64>,
    /// Requests per second allowed to one client address, 0 for no limit
    /// [default: 20].
    #[arg(long, env = "QINGDAN_RATE_LIMIT")]
    rate_limit: Option<u32>,
    /// Requests one client may make at once after a quiet spell [default: 200].
    #[arg(long, env = "QINGDAN_BURST")]
    burst: Option<u32>,
    /// Seconds before a request is answered 408 [default: 30].
    #[arg(long, env = "QINGDAN_TIMEOUT")]
    timeout: Option<u64>,
    /// Seconds a connection may take to send a whole request head before
    /// it is closed (clients that trickle bytes to hold connections)
    /// [default: 10].
    #[arg(long, env = "QINGDAN_HEADER_TIMEOUT")]
    header_timeout: Option<u64>,
    /// Minutes a console session may go unused before it ends [default: 30].
    #[arg(long, env = "QINGDAN_SESSION_IDLE")]
    session_idle: Option<u64>,
    /// Connections held at once; more are closed on arrival [default: 1024].
    #[arg(long, env = "QINGDAN_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// The address of a TLS proxy in front of this server: the rate limit
    /// counts the client its X-Forwarded-For names (believed from it only).
    #[arg(long, env = "QINGDAN_TRUSTED_PROXY")]
    trusted_proxy: Option<std::net::IpAddr>,
    /// The log on stderr: lines for people, or one JSON object a line for
    /// a log collector [default: text].
    #[arg(long, value_enum, env = "QINGDAN_LOG_FORMAT")]
    log_format: Option<LogFormat>,
    /// HTTPS: `auto` makes an office certificate authority (once, in
    /// --data-dir) and a certificate for each --hostname; `off` serves
    /// plain HTTP [default: off, or on with --tls-cert].
    #[arg(long, value_enum, env = "QINGDAN_TLS")]
    tls: Option<TlsMode>,
    /// A name or IP address devices use to reach the intake (repeatable,
    /// or comma-separated in QINGDAN_HOSTNAME): the certificate names them.
    #[arg(long, env = "QINGDAN_HOSTNAME", value_delimiter = ',')]
    hostname: Vec<String>,
    /// The office's own certificate chain (PEM), instead of --tls auto.
    #[arg(long, env = "QINGDAN_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "QINGDAN_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// With HTTPS, also listen for plain HTTP on this port (80, say) and
    /// send browsers to HTTPS; plain HTTP on the HTTPS port is always sent
    /// on.
    #[arg(long, env = "QINGDAN_HTTP_PORT")]
    http_port: Option<u16>,
    /// Where the intake keeps its office certificate authority (tls/)
    /// [default: the SQLite database's folder; ./data with PostgreSQL].
    #[arg(long, env = "QINGDAN_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    /// Lines for people (colours only on a terminal).
    Text,
    /// One JSON object a line: time, level, target, message and fields.
    Json,
}

/// `--tls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// Plain HTTP (on 127.0.0.1, or behind the office's own TLS proxy).
    Off,
    /// HTTPS with an office certificate authority the intake makes.
    Auto,
}

/// `serve`'s settings once flags, variables, the file and the defaults are
/// merged.
struct Settings {
    addr: SocketAddr,
    web: Option<PathBuf>,
    config: Config,
    file_limits: qingdan_core::attachments::Limits,
    log_format: LogFormat,
    tls: Option<TlsSource>,
    http_port: Option<u16>,
}

/// Where the certificate comes from.
enum TlsSource {
    Auto {
        dir: PathBuf,
        names: Vec<String>,
    },
    Own {
        cert: PathBuf,
        key: PathBuf,
        names: Vec<String>,
    },
}

impl Settings {
    /// Flags and variables (`args`) over the file over the defaults.
    fn resolve(
        args: ServeArgs,
        file: FileSettings,
        database: &Database,
    ) -> anyhow::Result<Settings> {
        let rate_limit = args.rate_limit.or(file.rate_limit).unwrap_or(20);
        let rate_limit = NonZeroU32::new(rate_limit).map(|per_second| RateLimit {
            per_second,
            burst: NonZeroU32::new(args.burst.or(file.burst).unwrap_or(200)).unwrap_or(per_second),
        });
        let names = if args.hostname.is_empty() {
            file.hostname.unwrap_or_default()
        } else {
            args.hostname
        };
        let cert = args.tls_cert.or(file.tls_cert);
        let key = args.tls_key.or(file.tls_key);
        let mode = args.tls.or(file.tls);
        let tls = match (mode, cert, key) {
            (Some(TlsMode::Auto), None, None) => Some(TlsSource::Auto {
                dir: args
                    .data_dir
                    .or(file.data_dir)
                    .unwrap_or_else(|| database.data_dir())
                    .join("tls"),
                names,
            }),
            (Some(TlsMode::Auto), _, _) => {
                return Err(anyhow!(
                    "--tls auto makes its own certificate: leave out --tls-cert and --tls-key, or leave out --tls auto to serve them"
                ));
            }
            (Some(TlsMode::Off), Some(_), _) | (Some(TlsMode::Off), _, Some(_)) => {
                return Err(anyhow!(
                    "--tls off and a --tls-cert or --tls-key: choose one"
                ));
            }
            (_, Some(cert), Some(key)) => Some(TlsSource::Own { cert, key, names }),
            (_, Some(_), None) => return Err(anyhow!("--tls-cert needs --tls-key")),
            (_, None, Some(_)) => return Err(anyhow!("--tls-key needs --tls-cert")),
            (_, None, None) => None,
        };
        let http_port = args.http_port.or(file.http_port);
        if http_port.is_some() && tls.is_none() {
            return Err(anyhow!(
                "--http-port sends browsers from plain HTTP to HTTPS: it needs --tls auto or --tls-cert"
            ));
        }
        Ok(Settings {
            addr: args
                .addr
                .or(file.addr)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            web: args.web.or(file.web),
            file_limits: {
                let default = qingdan_core::attachments::Limits::default();
                qingdan_core::attachments::Limits {
                    per_file: args
                        .max_file_bytes
                        .or(file.max_file_bytes)
                        .unwrap_or(default.per_file)
                        .max(1),
                    per_packet: args
                        .max_packet_files_bytes
                        .or(file.max_packet_files_bytes)
                        .unwrap_or(default.per_packet)
                        .max(1),
                }
            },
            config: Config {
                max_packet_bytes: args
                    .max_packet_bytes
                    .or(file.max_packet_bytes)
                    .unwrap_or(2 * 1024 * 1024),
                rate_limit,
                request_timeout: Duration::from_secs(args.timeout.or(file.timeout).unwrap_or(30)),
                web: WebApp::Absent,
                header_timeout: Duration::from_secs(
                    args.header_timeout
                        .or(file.header_timeout)
                        .unwrap_or(10)
                        .max(1),
                ),
                max_connections: args
                    .max_connections
                    .or(file.max_connections)
                    .unwrap_or(1024)
                    .max(1),
                trusted_proxy: args.trusted_proxy.or(file.trusted_proxy),
                tls: None,
                session_idle: Duration::from_secs(
                    60 * args.session_idle.or(file.session_idle).unwrap_or(30).max(1),
                ),
            },
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            tls,
            http_port,
        })
    }
}

/// Runs `f` on a Tokio runtime with the intake opened on `database`.
pub(crate) fn with_intake<T>(
    database: &Database,
    f: impl AsyncFnOnce(Arc<Intake>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = database.open().await?;
        let intake = Arc::new(
            Intake::open(store, &qingdan_intake::now())
                .await
                .context("cannot open the intake")?,
        );
        let result = f(intake.clone()).await;
        intake.shutdown().await;
        intake.store().close().await;
        result
    })
}

/// `qingdan serve`.
pub fn serve(database: &Database, args: ServeArgs, file: FileSettings) -> Result<(), Failure> {
    let settings = Settings::resolve(args, file, database)?;
    start_log(settings.log_format);
    let mut config = settings.config;
    config.web = match settings.web {
        Some(web) if !web.join("index.html").exists() => {
            return Err(anyhow!(
                "{}: no index.html; build the web app first (cargo xtask build-web)",
                web.display()
            )
            .into());
        }
        Some(web) => WebApp::Dir(web),
        None => WebApp::embedded().unwrap_or(WebApp::Absent),
    };
    let serves_app = !matches!(config.web, WebApp::Absent);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        let addr = listener.local_addr().context("no local address")?;
        config.tls = match settings.tls {
            None => None,
            Some(source) => {
                let mut tls = match source {
                    TlsSource::Auto { dir, names } => {
                        qingdan_intake::tls::office(&dir, &names, chrono::Utc::now())
                    }
                    TlsSource::Own { cert, key, names } => {
                        qingdan_intake::tls::own(&cert, &key, &names)
                    }
                }
                .context("HTTPS")?;
                tls.port = addr.port();
                Some(tls)
            }
        };
        let redirect = match settings.http_port {
            Some(port) => {
                let at = SocketAddr::new(settings.addr.ip(), port);
                Some(
                    tokio::net::TcpListener::bind(at)
                        .await
                        .with_context(|| format!("cannot listen on {at} (--http-port)"))?,
                )
            }
            None => None,
        };
        let (store, new) = database.connect().await?;
        let intake = Intake::open(store, &qingdan_intake::now())
            .await
            .context("cannot open the intake")?
            .with_file_limits(settings.file_limits);
        // The fingerprint in the form the app shows for the intake it pinned.
        let fingerprint = keys::decode_public_key(intake.public_key())
            .map(|k| keys::fingerprint(&k))
            .context("the intake's own key")?;
        tracing::info!(
            database = %database.shown(),
            created = new,
            intake_key = %fingerprint,
            public_key = intake.public_key(),
            "intake ready"
        );
        let stop = qingdan_intake::StopSignal::install();
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        // Tests and scripts read the port from this first line.
        outln!("qingdan serve: listening on {scheme}://{addr}");
        let base = match &config.tls {
            Some(tls) => tls
                .names
                .first()
                .map(|name| qingdan_intake::tls::origin(name, addr.port()))
                .unwrap_or_else(|| format!("https://{addr}")),
            None => format!("http://{addr}"),
        };
        if serves_app {
            outln!("  the app:       {base}/");
            outln!(
                "  the console:   {base}/console/ (qingdan admin first: the first administrator)"
            );
            outln!("  the reports:   {base}/console/#/reports");
        } else {
            outln!("  the app:       not served here (qingdan serve --web web/dist serves it)");
        }
        outln!("  the API:       {base}/api/v1 (GET /api/v1/intake: its key)");
        outln!("  intake key:    {fingerprint} (devices pin it when they enroll)");
        if let Some(tls) = &config.tls {
            outln!("  devices:       {base}/install (how to trust this intake's certificate)");
            if let Some(authority) = &tls.authority {
                outln!("  office CA:     {} (SHA-256)", authority.fingerprint);
            }
            if let Some(redirect) = &redirect {
                let port = redirect.local_addr().map(|a| a.port()).unwrap_or_default();
                outln!("  plain HTTP:    port {port} sends browsers to HTTPS");
            }
        }
        qingdan_intake::serve(
            listener,
            redirect,
            AppState::new(Arc::new(intake), config),
            stop,
        )
        .await
        .context("the server failed")?;
        Ok(())
    })
}

/// The log on stderr. Colour codes only for a terminal, never in a log
/// file. RUST_LOG filters by target and level (`info`,
/// `qingdan::security=info,warn`); the default is everything at info. The
/// security log's lines (admin requests, enrollments, every refusal by its
/// code) carry the target `qingdan::security`.
fn start_log(format: LogFormat) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter: tracing_subscriber::filter::Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO)
        });
    let log = tracing_subscriber::fmt().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log
            .with_ansi(std::io::stderr().is_terminal())
            .finish()
            .with(filter)
            .init(),
        LogFormat::Json => log.json().flatten_event(true).finish().with(filter).init(),
    }
}

/// `qingdan import DIR...`: every `*.json` packet and `*.qingdan.zip`
/// bundle under the folders, checked and stored as if uploaded (a bundle's
/// files first, then its packet); one line per file, and a progress bar.
pub fn import(database: &Database, dirs: &[PathBuf]) -> Result<(), Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_json(dir, &mut files)?;
    }
    files.sort();
    with_intake(database, async |intake| {
        let bar = ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut tally = Tally::default();
        // A rectification read before the inspection it answers waits for
        // the second round, when every other file is in.
        let mut later = Vec::new();
        let mut tasks = tokio::task::JoinSet::new();
        let mut pending = files.into_iter();
        loop {
            while tasks.len() < 32
                && let Some(path) = pending.next()
            {
                let intake = intake.clone();
                tasks.spawn(async move {
                    let outcome = submit_file(&intake, &path).await;
                    (path, outcome)
                });
            }
            let Some(done) = tasks.join_next().await else {
                break;
            };
            let (path, outcome) = done.map_err(|e| anyhow!("an import task failed: {e}"))?;
            if matches!(&outcome, Err((_, code)) if code == "unknown-inspection") {
                later.push(path);
                continue;
            }
            let line = tally.add(&path, outcome);
            bar.suspend(|| outln!("{line}"));
            bar.inc(1);
        }
        later.sort();
        for path in later {
            let outcome = submit_file(&intake, &path).await;
            let line = tally.add(&path, outcome);
            bar.suspend(|| outln!("{line}"));
            bar.inc(1);
        }
        bar.finish_and_clear();
        let Tally {
            accepted,
            duplicates,
            rejected,
        } = tally;
        outln!("{accepted} accepted, {duplicates} already here, {rejected} rejected");
        if rejected > 0 {
            Err(Failure::Invalid)
        } else {
            Ok(())
        }
    })
}

/// How an import went so far.
#[derive(Default)]
struct Tally {
    accepted: usize,
    duplicates: usize,
    rejected: usize,
}

impl Tally {
    /// Counts one file's outcome and says it in a line.
    fn add(&mut self, path: &Path, outcome: Result<Submitted, (String, String)>) -> String {
        match outcome {
            Ok(Submitted::Created(_)) => {
                self.accepted += 1;
                format!("accepted   {}", path.display())
            }
            Ok(Submitted::Duplicate(_)) => {
                self.duplicates += 1;
                format!("duplicate  {}", path.display())
            }
            Err((reason, code)) => {
                self.rejected += 1;
                format!("rejected   {}: {reason} ({code})", path.display())
            }
        }
    }
}

/// Submits one file: its outcome, or the reason and problem code.
async fn submit_file(
    intake: &qingdan_intake::Intake,
    path: &Path,
) -> Result<Submitted, (String, String)> {
    let bytes =
        std::fs::read(path).map_err(|e| (format!("cannot read: {e}"), "unreadable".into()))?;
    let bytes = if qingdan_bundle::is_bundle(&bytes) {
        // The bundle whole first (every file the one its packet names),
        // then its files kept, then the packet.
        let limits = intake.file_limits();
        let (_, bundle) = qingdan_bundle::open(&bytes, MAX_BUNDLED_PACKET, limits)
            .map_err(|e| (e.to_string(), "invalid".to_owned()))?;
        for (sha256, file) in &bundle.files {
            intake
                .put_file(sha256, file, chrono::Utc::now())
                .await
                .map_err(|e| (e.to_string(), e.code().as_str().to_owned()))?;
        }
        bundle.packet
    } else {
        bytes
    };
    intake
        .submit(bytes, chrono::Utc::now())
        .await
        .map_err(|e| (e.to_string(), e.code().as_str().to_owned()))
}

/// The largest packet a bundle may hold.
const MAX_BUNDLED_PACKET: u64 = 16 * 1024 * 1024;

fn collect_json(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if dir.is_file() {
        files.push(dir.to_owned());
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot read {}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_json(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "json")
            || path.to_string_lossy().ends_with(qingdan_bundle::EXTENSION)
        {
            files.push(path);
        }
    }
    Ok(())
}

/// `qingdan template publish`.
pub fn publish(database: &Database, files: &[PathBuf], bundled: bool) -> Result<(), Failure> {
    let mut sources: Vec<(String, String)> = Vec::new();
    for path in files {
        sources.push((path.display().to_string(), crate::read_text(path)?));
    }
    if bundled {
        for b in qingdan_core::bundled::ALL {
            sources.push((
                format!("bundled {} v{}", b.id, b.version),
                b.json().to_owned(),
            ));
        }
    }
    if sources.is_empty() {
        return Err(anyhow!("nothing to publish: name template files, or --bundled").into());
    }
    with_intake(database, async |intake| {
        let mut failed = false;
        for (name, text) in &sources {
            match intake.publish(text, &qingdan_intake::now()).await {
                Ok((done, t)) => {
                    let what = if done == Published::New {
                        "published"
                    } else {
                        "already published"
                    };
                    outln!(
                        "{name}: {what} {} v{} ({})",
                        t.id(),
                        t.version(),
                        t.sha256()
                    );
                }
                Err(e) => {
                    failed = true;
                    for line in e.to_string().lines() {
                        errln!("{name}: {line}");
                    }
                }
            }
        }
        if failed {
            Err(Failure::Invalid)
        } else {
            Ok(())
        }
    })
}

/// `qingdan unit add`.
pub fn add_unit(database: &Database, code: &str, name: &str) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        let (code, name) = intake
            .add_unit(code, name, &qingdan_intake::now())
            .await
            .map_err(problem)?;
        outln!("unit {code} {name}");
        Ok(())
    })
}

/// `qingdan key enroll`.
pub fn enroll(
    database: &Database,
    unit: &str,
    role: &str,
    name: &str,
    key: &str,
) -> Result<(), Failure> {
    let key = crate::packet::public_key_arg(key)?;
    let public = keys::encode_public_key(&key);
    with_intake(database, async |intake| {
        intake
            .enroll(unit, role, &public, name, &qingdan_intake::now())
            .await
            .map_err(problem)?;
        outln!(
            "enrolled {} for unit {unit} as {role}",
            keys::fingerprint(&key)
        );
        Ok(())
    })
}

/// `qingdan key code`.
pub fn issue_code(database: &Database, unit: &str, role: &str) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        let (code, expires_at) = intake
            .issue_code(unit, role, chrono::Utc::now())
            .await
            .map_err(problem)?;
        outln!("{code}");
        let whom = if unit == qingdan_core::trust::ALL_UNITS {
            "every unit".to_owned()
        } else {
            format!("unit {unit}")
        };
        errln!(
            "one-time code for {whom} as {role}; valid until {}",
            crate::output::local(&expires_at)
        );
        Ok(())
    })
}

/// `qingdan key revoke`.
pub fn revoke(database: &Database, key: &str, reason: &str) -> Result<(), Failure> {
    let key = crate::packet::public_key_arg(key)?;
    let public = keys::encode_public_key(&key);
    with_intake(database, async |intake| {
        let (revoked_at, new) = intake
            .revoke_key(&public, reason, &qingdan_intake::now())
            .await
            .map_err(problem)?;
        let fingerprint = keys::fingerprint(&key);
        let revoked_at = crate::output::local(&revoked_at);
        if new {
            outln!("revoked {fingerprint} at {revoked_at}");
        } else {
            outln!("{fingerprint} was revoked already, at {revoked_at}");
        }
        Ok(())
    })
}

/// `qingdan intake key`: the key in use on stdout, then the earlier ones.
pub fn show_key(database: &Database) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        outln!("{}", intake.public_key());
        for key in intake.earlier_keys().iter().rev() {
            outln!("{key} (earlier)");
        }
        Ok(())
    })
}

/// `qingdan intake rotate-key`.
pub fn rotate_key(database: &Database) -> Result<(), Failure> {
    with_intake(database, async |intake| {
        let (earlier, next) = intake
            .rotate_key(&qingdan_intake::now())
            .await
            .context("cannot rotate the intake's key")?;
        outln!("{next}");
        errln!(
            "the intake's key is now {next}; {earlier} handed over to it and still vouches for the receipts it signed"
        );
        errln!(
            "a running `qingdan serve` signs with the new key once it is started again; enrolled devices follow at their next sync"
        );
        Ok(())
    })
}

/// `qingdan admin token`'s options.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// What the token is for, e.g. a person's name.
    #[arg(long, default_value = "admin")]
    label: String,
    /// How long the token works: 90d, 12h, 30m (default: until revoked).
    #[arg(long, value_parser = parse_lifetime, conflicts_with_all = ["revoke", "list"])]
    expires: Option<chrono::Duration>,
    /// Revoke the tokens with this label, or the token with this id, instead of making one.
    #[arg(long, value_name = "LABEL|ID", conflicts_with = "list")]
    revoke: Option<String>,
    /// List the tokens (id, label, made, expiry, revocation), never the tokens themselves.
    #[arg(long)]
    list: bool,
}

/// A lifetime such as `90d`, `12h` or `30m`.
fn parse_lifetime(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let split = text.len().saturating_sub(1);
    let (number, unit) = text.split_at(split);
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0 && *n <= 100_000)
        .ok_or_else(|| {
            format!("{text:?}: expected a number of days, hours or minutes: 90d, 12h, 30m")
        })?;
    match unit {
        "d" => Ok(chrono::Duration::days(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        _ => Err(format!(
            "{text:?}: expected a number of days, hours or minutes: 90d, 12h, 30m"
        )),
    }
}

/// `qingdan admin token`.
pub fn admin_token(database: &Database, args: TokenArgs) -> Result<(), Failure> {
    use crate::output::local;
    with_intake(database, async |intake| {
        let show = |t: &qingdan_intake::TokenInfo| {
            format!(
                "{}  {}  made {}  expires {}  {}",
                t.id(),
                t.label,
                local(&t.created_at),
                t.expires_at.as_deref().map_or("never".to_owned(), local),
                t.revoked_at
                    .as_deref()
                    .map_or(String::new(), |at| format!("revoked {}", local(at))),
            )
        };
        if args.list {
            for token in intake
                .store()
                .admin_tokens()
                .await
                .context("cannot read the tokens")?
            {
                outln!("{}", show(&token).trim_end());
            }
            return Ok(());
        }
        if let Some(which) = &args.revoke {
            let revoked = intake
                .store()
                .revoke_admin_tokens(which.trim(), &qingdan_intake::now())
                .await
                .context("cannot revoke")?;
            if revoked.is_empty() {
                errln!(
                    "qingdan: no token in use has the label or id {which:?} (qingdan admin token --list)"
                );
                return Err(Failure::Invalid);
            }
            for token in &revoked {
                outln!("{}", show(token));
            }
            return Ok(());
        }
        let (token, info) = intake
            .new_admin_token(&args.label, args.expires, chrono::Utc::now())
            .await
            .map_err(problem)?;
        outln!("{token}");
        errln!(
            "admin token {} {:?}{}: shown this once; the intake keeps only its hash",
            info.id(),
            info.label,
            info.expires_at
                .as_deref()
                .map_or(String::new(), |at| format!(", works until {}", local(at))),
        );
        Ok(())
    })
}

/// Prints why the intake refused; the input was invalid.
fn problem(e: qingdan_intake::AdminError) -> Failure {
    errln!("qingdan: {e}");
    Failure::Invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_shown_without_its_password() {
        assert_eq!(
            without_password("postgres://qingdan:secret@db.example:5432/intake?sslmode=require"),
            "postgres://qingdan:***@db.example:5432/intake?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://qingdan@db.example/intake"),
            "postgres://qingdan@db.example/intake"
        );
        assert_eq!(
            without_password("postgres://db.example/a@b"),
            "postgres://db.example/a@b"
        );
    }
}
