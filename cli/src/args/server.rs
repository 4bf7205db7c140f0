//! `todo serve` and the credentials for it: a development token (`todo token`) and a sign-in link
//! for its web page (`todo web`).

use std::net::SocketAddr;

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TODO_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,
    /// Event bus: `memory://` (in process) or `kafka://host:port[,host:port]`.
    #[arg(long, env = "EVENT_BUS", default_value = "memory://")]
    pub(crate) bus: String,
    /// Export traces over OTLP/HTTP to this collector (e.g. `http://127.0.0.1:4318`).
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub(crate) otlp: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct WebArgs {
    /// The user the link signs in.
    #[arg(long, default_value = "local")]
    pub(crate) user: String,
}

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// The user id (`sub`) of the token.
    #[arg(long, default_value = "local")]
    pub(crate) user: String,
    /// Validity in days.
    #[arg(long, default_value_t = 30)]
    pub(crate) days: u64,
}
