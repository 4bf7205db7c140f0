//! Serving a function's Router: on `$PORT` as a Knative service, or as an AWS Lambda when
//! `AWS_LAMBDA_RUNTIME_API` is set. Both stop gracefully on SIGTERM or Ctrl-C: the listener
//! closes and in-flight requests finish.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

/// A bound listener with its router, so callers (and tests) learn the real port before serving.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    router: Router,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port).
    ///
    /// # Errors
    /// Fails when the address cannot be bound.
    pub async fn bind(addr: SocketAddr, router: Router) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("Failed to listen on {addr}"))?;
        Ok(Self { listener, router })
    }

    /// Binds `addr`, then builds the router knowing the bound address: a gateway whose functions
    /// call each other over HTTP (as `todo serve` does) needs its own URL.
    ///
    /// # Errors
    /// Fails when the address cannot be bound.
    pub async fn bind_with(addr: SocketAddr, make: impl FnOnce(SocketAddr) -> Router) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("Failed to listen on {addr}"))?;
        let bound = listener.local_addr().context("Failed to read the bound address")?;
        Ok(Self {
            listener,
            router: make(bound),
        })
    }

    /// The address actually bound.
    ///
    /// # Errors
    /// Fails if the OS cannot report it.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener.local_addr().context("Failed to read the bound address")
    }

    /// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
    ///
    /// # Errors
    /// Fails when the server stops on an I/O error.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        // The peer's address reaches the handlers (`ConnectInfo`): the edge's per-address budget.
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("HTTP server failed")
    }
}

/// Serves `router` the way the environment asks: Lambda when `AWS_LAMBDA_RUNTIME_API` is set,
/// else HTTP on `addr`.
///
/// # Errors
/// Fails when binding or serving fails.
pub async fn serve(router: Router, addr: SocketAddr) -> anyhow::Result<()> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        tracing::info!("serving as an AWS Lambda function");
        return lambda_http::run(router)
            .await
            .map_err(|e| anyhow::anyhow!("Lambda runtime failed: {e}"));
    }
    let server = Server::bind(addr, router).await?;
    tracing::info!(addr = %server.local_addr()?, "listening");
    server.run_until_stopped().await
}

/// Resolves on the first of Ctrl-C and SIGTERM (Knative sends SIGTERM when scaling down).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
