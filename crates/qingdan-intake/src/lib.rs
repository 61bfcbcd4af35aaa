//! The central intake: receives signed packets over HTTP or from a folder,
//! checks each exactly as the core does, stores it durably (SQLite or
//! PostgreSQL), answers with a signed receipt, and ranks and exports.
//!
//! [`app`] is the whole HTTP application (tests call it without a socket);
//! [`serve`] runs it on a socket until Ctrl-C or SIGTERM, then finishes
//! what is in flight.

pub mod accounts;
mod api;
pub mod backup;
mod errors;
pub mod evaluations;
pub mod files;
mod headers;
mod install;
mod intake;
mod limit;
mod metrics;
mod plain;
mod reports;
pub mod rounds;
pub mod secrets;
pub mod sheet;
pub mod slips;
mod store;
pub mod tls;
pub mod units;
mod web;

pub use api::problem::Problem;
pub use api::{AppState, Config, app};
pub use errors::{AdminError, EvaluationError, FileError, PublishError, ReportError, SubmitError};
pub use intake::{Intake, Submitted};
pub use limit::RateLimit;
pub use metrics::Metrics;
pub use reports::{
    Body, FindingsQuery, Format, Rendered, ReportKind, ReportQuery, build_findings, build_report,
};
pub use store::{
    AdminInfo, AuditEntry, CODE_ID_LEN, CodeInfo, CodeListed, KeyCursor, KeyEnrollment, KeyInfo,
    KeyStatus, NewPacket, PacketCursor, PacketFilter, PacketInfo, PacketSummary, Published,
    RankingScope, Redeem, Store, StoreError, Stored, TOKEN_ID_LEN, TemplateInfo, TokenInfo,
    UnitInfo,
};
pub use web::WebApp;

/// Makes a new file only its owner can read (0600 on Unix), from its first
/// byte: the intake's copies and keys are never readable by others, not
/// even for a moment. A file already there is an error (`AlreadyExists`),
/// never overwritten.
pub(crate) fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The time now, RFC 3339 UTC with milliseconds (`2026-11-23T08:30:00.125Z`).
pub fn now() -> String {
    rfc3339(chrono::Utc::now())
}

/// Whether `url` is an http:// or https:// address with a host.
pub fn web_url(url: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// A moment as the office reads it: local time, to the minute.
pub fn output_time(time: chrono::DateTime<chrono::Utc>) -> String {
    time.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A time as the intake writes it.
pub fn rfc3339(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Serves `state` on `listener` until Ctrl-C or SIGTERM; then stops
/// accepting, lets requests in flight finish, commits every packet already
/// queued, and closes the store.
///
/// Each connection is HTTP/1.1 with a header-read timeout (a client that
/// trickles its request head is cut off) and counts against a cap on
/// connections held at once: one over the cap is closed on accepting, and
/// logged, without harming the others.
///
/// With TLS (`Config::tls`), a connection whose first byte opens a TLS
/// handshake is served over HTTPS; one that speaks plain HTTP on the same
/// port gets [`plain`]'s answers (the way to trust the office authority,
/// and a redirect to HTTPS for everything else), as does every connection
/// to `redirect`, the `--http-port` listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    redirect: Option<tokio::net::TcpListener>,
    state: AppState,
    stop: StopSignal,
) -> std::io::Result<()> {
    let intake = state.intake.clone();
    let config = state.config().clone();
    let plain_router = config.tls.as_ref().map(|tls| plain::router(tls.clone()));
    let served = Served {
        router: app(state),
        plain: plain_router.clone(),
        acceptor: config.tls.as_ref().map(|tls| tls.acceptor.clone()),
        header_timeout: config.header_timeout,
        slots: std::sync::Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1))),
        max_connections: config.max_connections.max(1),
    };
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stopping = stop.wait();
    tokio::pin!(stopping);
    // The redirect listener, if any, serves only the plain answers.
    let redirect_served = redirect.as_ref().and(plain_router).map(|plain| Served {
        router: plain.clone(),
        plain: Some(plain),
        acceptor: None,
        header_timeout: served.header_timeout,
        slots: served.slots.clone(),
        max_connections: served.max_connections,
    });
    loop {
        let (accepted, on) = tokio::select! {
            accepted = listener.accept() => (accepted, &served),
            accepted = accept_on(redirect.as_ref()) => match &redirect_served {
                Some(plain) => (accepted, plain),
                None => continue,
            },
            () = &mut stopping => break,
        };
        let (stream, addr) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, say: wait, then go on.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        on.spawn(stream, addr, graceful.watcher());
    }
    drop(listener);
    drop(redirect);
    graceful.shutdown().await;
    tracing::info!("stopping: committing what is queued");
    intake.shutdown().await;
    intake.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Accepts on `listener`, or waits forever when there is none.
async fn accept_on(
    listener: Option<&tokio::net::TcpListener>,
) -> std::io::Result<(tokio::net::TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// What serves one accepted connection.
struct Served {
    router: axum::Router,
    /// The answers over plain HTTP when the server speaks TLS.
    plain: Option<axum::Router>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    header_timeout: std::time::Duration,
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    max_connections: usize,
}

impl Served {
    fn spawn(
        &self,
        stream: tokio::net::TcpStream,
        addr: std::net::SocketAddr,
        watcher: hyper_util::server::graceful::Watcher,
    ) {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            tracing::warn!(%addr, max_connections = self.max_connections, "refused a connection: too many held at once");
            return;
        };
        let (router, plain, acceptor, timeout) = (
            self.router.clone(),
            self.plain.clone(),
            self.acceptor.clone(),
            self.header_timeout,
        );
        tokio::spawn(async move {
            let _slot = slot;
            let result = match (acceptor, plain) {
                (Some(acceptor), Some(plain)) => {
                    // The first byte of a TLS connection is a handshake
                    // record (22); anything else is plain HTTP. A client
                    // that sends nothing is cut off as a slow one is.
                    let mut first = [0u8; 1];
                    match tokio::time::timeout(timeout, stream.peek(&mut first)).await {
                        Ok(Ok(1)) if first[0] == 22 => {
                            match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
                                Ok(Ok(tls)) => http1(tls, addr, router, timeout, watcher).await,
                                Ok(Err(e)) => {
                                    tracing::debug!(%addr, error = %e, "TLS handshake failed");
                                    return;
                                }
                                Err(_) => return,
                            }
                        }
                        Ok(Ok(_)) => http1(stream, addr, plain, timeout, watcher).await,
                        _ => return,
                    }
                }
                _ => http1(stream, addr, router, timeout, watcher).await,
            };
            if let Err(e) = result {
                tracing::debug!(%addr, error = %e, "connection closed");
            }
        });
    }
}

/// Serves HTTP/1.1 on `io` until the client or the shutdown ends it.
async fn http1<I>(
    io: I,
    addr: std::net::SocketAddr,
    router: axum::Router,
    header_timeout: std::time::Duration,
    watcher: hyper_util::server::graceful::Watcher,
) -> Result<(), hyper::Error>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let service = hyper::service::service_fn(
        move |mut request: axum::extract::Request<hyper::body::Incoming>| {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
            router.clone().oneshot(request)
        },
    );
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(io), service);
    watcher.watch(connection).await
}

/// Ctrl-C and SIGTERM, caught from the moment [`StopSignal::install`] is
/// called: make it before telling anyone the server listens, so that a
/// stop that comes at once is still a graceful one.
pub struct StopSignal {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    /// Starts catching the signals (inside the runtime).
    pub fn install() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignal {
                signals: signal(SignalKind::interrupt())
                    .and_then(|i| Ok((i, signal(SignalKind::terminate())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    /// Waits for either signal.
    async fn wait(self) {
        #[cfg(unix)]
        match self.signals {
            Some((mut interrupt, mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
