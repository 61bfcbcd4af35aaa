//! The central intake: receives signed packets over HTTP or from a folder,
//! checks each exactly as the core does, stores it durably (SQLite or
//! PostgreSQL), answers with a signed receipt, and ranks and exports.
//!
//! [`app`] is the whole HTTP application (tests call it without a socket);
//! [`serve`] runs it on a socket until Ctrl-C or SIGTERM, then finishes
//! what is in flight.

mod api;
pub mod backup;
mod errors;
mod headers;
mod intake;
mod limit;
mod metrics;
mod reports;
pub mod secrets;
mod store;

pub use api::problem::Problem;
pub use api::{AppState, Config, app};
pub use errors::{AdminError, PublishError, ReportError, SubmitError};
pub use intake::{Intake, Submitted};
pub use limit::RateLimit;
pub use metrics::Metrics;
pub use reports::{
    FindingsQuery, Format, Rendered, ReportKind, ReportQuery, build_findings, build_report,
};
pub use store::{
    CodeInfo, KeyCursor, KeyEnrollment, KeyInfo, KeyStatus, NewPacket, PacketCursor, PacketFilter,
    PacketInfo, Published, Redeem, Store, StoreError, Stored, TOKEN_ID_LEN, TemplateInfo,
    TokenInfo, UnitInfo,
};

/// The time now, RFC 3339 UTC with milliseconds (`2026-11-23T08:30:00.125Z`).
pub fn now() -> String {
    rfc3339(chrono::Utc::now())
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
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: StopSignal,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;

    let intake = state.intake.clone();
    let (header_timeout, max_connections) = (
        state.config().header_timeout,
        state.config().max_connections,
    );
    let router = app(state);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stopping = stop.wait();
    tokio::pin!(stopping);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait, then go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stopping => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(%addr, max_connections, "refused a connection: too many held at once");
            drop(stream);
            continue;
        };
        let router = router.clone();
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
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = connection.await {
                tracing::debug!(%addr, error = %e, "connection closed");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    tracing::info!("stopping: committing what is queued");
    intake.shutdown().await;
    intake.store().close().await;
    tracing::info!("stopped");
    Ok(())
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
