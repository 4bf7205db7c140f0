//! Settings from the environment (12-factor), typed and checked once at startup. Each variable
//! is a [`Setting`] constant read through it; [`common`] holds the ones the kit reads for every
//! function.

pub mod common;
mod setting;

use std::net::{IpAddr, SocketAddr};

pub use setting::{ConfigError, Need, Setting};

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
    pub fn from_env() -> Result<Self, ConfigError> {
        let port: u16 = common::PORT.parse_required("a port number")?;
        let host: IpAddr = common::HOST.parse_required("an IP address")?;
        Ok(Self {
            addr: SocketAddr::new(host, port),
        })
    }
}

/// Where periodic work runs ([`common::BACKGROUND_WORK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackgroundWork {
    /// In loops of the process, and also when a trigger posts to `/work/{name}`.
    Loop,
    /// Only when a trigger posts to `/work/{name}`: a function that scales to zero runs no loop.
    Trigger,
}

impl BackgroundWork {
    /// Reads `BACKGROUND_WORK` (`loop` by default).
    ///
    /// # Errors
    /// When it is neither `loop` nor `trigger`.
    pub fn from_env() -> Result<Self, ConfigError> {
        match common::BACKGROUND_WORK.require()?.to_ascii_lowercase().as_str() {
            "loop" => Ok(Self::Loop),
            "trigger" => Ok(Self::Trigger),
            other => Err(ConfigError::Invalid {
                name: common::BACKGROUND_WORK.name,
                value: other.to_owned(),
                expected: "loop or trigger",
            }),
        }
    }

    /// Whether loops run.
    #[must_use]
    pub fn loops(self) -> bool {
        self == Self::Loop
    }
}
