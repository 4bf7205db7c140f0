//! Starting a function while a dependency is away. A function opens its backends before it
//! serves (its migrations, its pools); when the database does not answer yet (restarting, a
//! network cut, a pod scheduled before the database is up), exiting has the kubelet restart the
//! pod with a growing pause (CrashLoopBackOff, up to 5 minutes), so the function comes back
//! minutes after its dependency. The chaos soak saw notifier exit 11 times in 10 minutes that way.
//! Instead it tries again, with growing pauses, for as long as the failure is a dependency that
//! does not answer; a bad setting or a refused login still ends the process at once, with the
//! error. Meanwhile it answers its probes: alive (`/healthz` 200), not ready (`/readyz` 503,
//! saying what it waits for), so the kubelet neither restarts it nor sends it traffic.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::problem::Problem;

/// How long a function keeps trying before it gives up (and exits with the last error).
const PATIENCE: Duration = Duration::from_secs(15 * 60);
/// The first pause between attempts; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const LONGEST_PAUSE: Duration = Duration::from_secs(10);

/// Runs `start` until it succeeds, fails for a reason other than a dependency that does not
/// answer, or [`PATIENCE`] ran out. While it waits, probes are answered on `addr` (none when
/// `addr` is `None`: a Lambda has no probes).
///
/// # Errors
/// The error of the last attempt.
pub(super) async fn start_when_dependencies_answer<T, F, Fut>(
    name: &str,
    addr: Option<SocketAddr>,
    start: F,
) -> anyhow::Result<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let first = start().await;
    let error = match first {
        Err(error) if dependency_away(&error) => error,
        done => return done,
    };
    let waiting_for = Arc::new(Mutex::new(format!("{error:#}")));
    let probes = match addr {
        Some(addr) => Some(Probes::serve(addr, waiting_for.clone()).await?),
        None => None,
    };
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut last = error;
    let outcome = loop {
        tracing::warn!(function = name, error = %format!("{last:#}"), retry_in_ms = pause.as_millis(), "a dependency does not answer; starting again");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
        match start().await {
            Err(error) if dependency_away(&error) && started.elapsed() < PATIENCE => {
                *waiting_for.lock().unwrap_or_else(PoisonError::into_inner) = format!("{error:#}");
                last = error;
            }
            done => break done,
        }
    };
    if let Some(probes) = probes {
        probes.stop().await;
    }
    outcome
}

/// Whether `error` says a dependency did not answer (connection refused, reset or timed out, a
/// database shutting down or not accepting connections yet, a broker out of reach), rather than
/// a bad setting.
pub(super) fn dependency_away(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return io_away(io);
        }
        if let Some(bus) = cause.downcast_ref::<crate::bus::BusError>() {
            return matches!(bus, crate::bus::BusError::Unavailable(_));
        }
        match cause.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::Io(io)) => io_away(io),
            Some(sqlx::Error::PoolTimedOut) => true,
            Some(sqlx::Error::Database(database)) => database
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        }
    })
}

fn io_away(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{
        BrokenPipe, ConnectionAborted, ConnectionRefused, ConnectionReset, HostUnreachable, NetworkUnreachable,
        NotConnected, TimedOut, UnexpectedEof,
    };
    matches!(
        error.kind(),
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | TimedOut
            | BrokenPipe
            | UnexpectedEof
            | HostUnreachable
            | NetworkUnreachable
    )
}

/// The probes a starting function answers, until stopped.
struct Probes {
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

impl Probes {
    async fn serve(addr: SocketAddr, waiting_for: Arc<Mutex<String>>) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("Failed to listen on {addr}: {e}"))?;
        let router = probes_router(waiting_for);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "the starting function's probes stopped");
            }
        });
        Ok(Self { stop, server })
    }

    /// Stops answering and frees the address for the function's own server.
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}

/// `/healthz` 200, `/readyz` and everything else 503 with what the function waits for.
fn probes_router(waiting_for: Arc<Mutex<String>>) -> Router {
    let unready = move || {
        let waiting_for = waiting_for.lock().unwrap_or_else(PoisonError::into_inner).clone();
        async move {
            let mut response =
                Problem::unavailable(format!("starting: waiting for a dependency ({waiting_for})")).into_response();
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
            response
        }
    };
    Router::new()
        .route("/healthz", get(|| async { (StatusCode::OK, "starting") }))
        .route("/readyz", get(unready.clone()))
        .fallback(unready)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn refused() -> anyhow::Error {
        anyhow::Error::new(sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )))
        .context("Failed to open the notifier's database")
    }

    #[test]
    fn a_dependency_that_does_not_answer_is_waited_for_and_a_bad_setting_is_not() {
        assert!(dependency_away(&refused()));
        assert!(dependency_away(&anyhow::Error::new(sqlx::Error::PoolTimedOut)));
        assert!(dependency_away(&anyhow::Error::new(std::io::Error::from(
            std::io::ErrorKind::TimedOut
        ))));
        assert!(dependency_away(
            &anyhow::Error::new(crate::bus::BusError::Unavailable("BrokerTransportFailure".into()))
                .context("Failed to create the topics")
        ));
        assert!(!dependency_away(&anyhow::Error::new(crate::bus::BusError::Rejected(
            "bad config".into()
        ))));
        assert!(!dependency_away(&anyhow::anyhow!(
            "DATABASE_URL: unsupported scheme 'mysql'"
        )));
        assert!(!dependency_away(&anyhow::Error::new(sqlx::Error::Configuration(
            "bad port".into()
        ))));
        assert!(!dependency_away(&anyhow::Error::new(std::io::Error::from(
            std::io::ErrorKind::PermissionDenied
        ))));
    }

    #[tokio::test]
    async fn it_starts_once_the_dependency_answers_and_is_alive_but_unready_meanwhile() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let attempts = Arc::new(AtomicU32::new(0));
        let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<(u16, u16)>();
        let seen_tx = Arc::new(Mutex::new(Some(seen_tx)));
        let start = {
            let attempts = attempts.clone();
            move || {
                let attempts = attempts.clone();
                let seen_tx = seen_tx.clone();
                async move {
                    match attempts.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(refused()),
                        1 => {
                            // The probes answer while it waits.
                            let http = reqwest::Client::new();
                            let live = http.get(format!("http://{addr}/healthz")).send().await?.status();
                            let ready = http.get(format!("http://{addr}/readyz")).send().await?.status();
                            if let Some(tx) = seen_tx.lock().unwrap_or_else(PoisonError::into_inner).take() {
                                let _ = tx.send((live.as_u16(), ready.as_u16()));
                            }
                            Err(refused())
                        }
                        _ => Ok("started"),
                    }
                }
            }
        };
        let started = start_when_dependencies_answer("test", Some(addr), start)
            .await
            .expect("started");
        assert_eq!(started, "started");
        assert_eq!(attempts.load(Ordering::SeqCst), 3);
        assert_eq!(seen_rx.await.expect("probed"), (200, 503));
        // The address is free again for the function's own server.
        tokio::net::TcpListener::bind(addr).await.expect("address released");
    }

    #[tokio::test]
    async fn a_bad_setting_ends_the_start_at_once() {
        let attempts = AtomicU32::new(0);
        let result: anyhow::Result<()> = start_when_dependencies_answer("test", None, || {
            attempts.fetch_add(1, Ordering::SeqCst);
            async { Err(anyhow::anyhow!("DATABASE_URL is not set")) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(attempts.load(Ordering::SeqCst), 1);
    }
}
