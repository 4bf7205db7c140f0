//! Opening the connection: plain `redis://`, or `rediss://` (TLS) trusting the public roots or
//! the provider's own CA, with an untrusted certificate named as such instead of retried.

use redis::Script;
use redis::aio::ConnectionManager;

use super::{RedisSessionStore, unavailable};
use crate::model::SessionError;
use crate::store::{Result, SessionSettings};

impl RedisSessionStore {
    /// Connects to `url`; every key starts with `key_prefix` (e.g. `todo:`), so environments and
    /// tests can share a server. A `rediss://` server must have a certificate from a public root.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn connect(url: &str, settings: SessionSettings, key_prefix: &str) -> Result<Self> {
        Self::connect_with_ca(url, settings, key_prefix, None).await
    }

    /// Like [`connect`](Self::connect), trusting only `ca_pem` (PEM text) for a `rediss://`
    /// server's certificate when it is given.
    ///
    /// # Errors
    /// `Invalid` for a CA with a `redis://` URL or without a certificate in it; `Unavailable`
    /// when Redis cannot be reached or its certificate is not trusted.
    pub async fn connect_with_ca(
        url: &str,
        settings: SessionSettings,
        key_prefix: &str,
        ca_pem: Option<&str>,
    ) -> Result<Self> {
        let tls = url.starts_with("rediss://");
        let client = match ca_pem {
            None => redis::Client::open(url),
            Some(_) if !tls => {
                return Err(SessionError::Invalid(
                    "SESSION_STORE_CA_PEM is set, but SESSION_STORE is not a rediss:// URL (TLS)".into(),
                ));
            }
            Some(pem) if !pem.contains("-----BEGIN CERTIFICATE-----") => {
                return Err(SessionError::Invalid(
                    "SESSION_STORE_CA_PEM must be PEM text with -----BEGIN CERTIFICATE-----".into(),
                ));
            }
            Some(pem) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.as_bytes().to_vec()),
                },
            ),
        }
        .map_err(|e| SessionError::Invalid(format!("SESSION_STORE: {e}")))?;
        let not_trusted = |e: redis::RedisError| {
            SessionError::Unavailable(format!(
                "the Redis server's TLS certificate is not trusted ({e}); set SESSION_STORE_CA_PEM to the PEM \
                 of the CA that signed it"
            ))
        };
        if tls {
            install_crypto_provider();
            // One attempt first: a certificate that is not trusted stays so, and the manager
            // would retry it for seconds before saying so.
            if let Err(e) = client.get_multiplexed_async_connection().await
                && untrusted(&e)
            {
                return Err(not_trusted(e));
            }
        }
        let redis = ConnectionManager::new(client).await.map_err(|e| {
            if tls && untrusted(&e) {
                not_trusted(e)
            } else {
                unavailable(e)
            }
        })?;
        Ok(Self {
            redis,
            settings,
            prefix: key_prefix.to_owned(),
            token: uuid::Uuid::new_v4().to_string(),
            append: Script::new(include_str!("../lua/append.lua")),
            close: Script::new(include_str!("../lua/close.lua")),
            claim_expired: Script::new(include_str!("../lua/claim_expired.lua")),
            finish_expired: Script::new(include_str!("../lua/finish_expired.lua")),
            claim_outbox: Script::new(include_str!("../lua/claim_outbox.lua")),
        })
    }
}

/// Installs rustls' crypto provider (ring) for the process unless one is. The redis crate builds
/// its TLS configuration with the process default, and none is chosen on its own when several
/// providers are linked in (reqwest brings aws-lc-rs, sqlx ring).
fn install_crypto_provider() {
    // An error means a provider is installed already: that one serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether a connection failed because the server's certificate chain is not trusted.
fn untrusted(error: &redis::RedisError) -> bool {
    let text = format!("{error:?} {error}");
    ["UnknownIssuer", "invalid peer certificate", "certificate verify failed"]
        .iter()
        .any(|sign| text.contains(sign))
}
