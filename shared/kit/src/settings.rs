//! Settings from the environment (12-factor), typed and checked once at startup.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Reads a variable, treating an empty value as unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Where an HTTP function listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerSettings {
    /// Address and port.
    pub addr: SocketAddr,
}

impl ServerSettings {
    /// `$PORT` (Knative sets it; default 8080) on `$HOST` (default all interfaces, as containers need).
    ///
    /// # Errors
    /// Fails with a readable message when `PORT` or `HOST` cannot be parsed.
    pub fn from_env() -> Result<Self, String> {
        let port = match env_var("PORT") {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| format!("PORT must be a port number, got '{p}'"))?,
            None => 8080,
        };
        let host = match env_var("HOST") {
            Some(h) => h
                .parse::<IpAddr>()
                .map_err(|_| format!("HOST must be an IP address, got '{h}'"))?,
            None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        Ok(Self {
            addr: SocketAddr::new(host, port),
        })
    }
}
