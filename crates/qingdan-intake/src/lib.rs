//! The central intake: receives signed packets over HTTP or from a folder,
//! checks each exactly as the core does, stores it durably (SQLite or
//! PostgreSQL), answers with a signed receipt, and ranks and exports.
//!
//! [`app`] is the whole HTTP application (tests call it without a socket);
//! [`serve`] runs it on a socket until Ctrl-C or SIGTERM, then finishes
//! what is in flight.

mod api;
mod intake;
mod limit;
mod problem;
mod reports;
pub mod secrets;
mod store;

use std::net::SocketAddr;

pub use api::{AppState, Config, app};
pub use intake::{Intake, PublishError, Submitted};
pub use limit::RateLimit;
pub use problem::Problem;
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
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: StopSignal,
) -> std::io::Result<()> {
    let intake = state.intake.clone();
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(stop.wait())
        .await?;
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
