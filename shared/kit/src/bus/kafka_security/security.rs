//! [`KafkaSecurity`]: the checked security settings, and the librdkafka properties they set on
//! every client of the bus.

use super::{SaslCredentials, SecurityProtocol};

/// The security settings of every Kafka client of the bus. The default is plaintext, as for the
/// local broker.
#[derive(Debug, Clone, Default)]
pub struct KafkaSecurity {
    pub(super) protocol: SecurityProtocol,
    pub(super) sasl: Option<SaslCredentials>,
    pub(super) ca_pem: Option<String>,
}

impl KafkaSecurity {
    /// Plaintext, no authentication.
    #[must_use]
    pub fn plaintext() -> Self {
        Self::default()
    }

    /// TLS, trusting the brokers' certificates when `ca_pem` (PEM text) signed them, or when the
    /// system's roots do (`None`).
    #[must_use]
    pub fn ssl(ca_pem: Option<String>) -> Self {
        Self {
            protocol: SecurityProtocol::Ssl,
            sasl: None,
            ca_pem,
        }
    }

    /// The protocol.
    #[must_use]
    pub fn protocol(&self) -> SecurityProtocol {
        self.protocol
    }

    /// The SASL credentials, for a `sasl_*` protocol.
    #[must_use]
    pub fn sasl(&self) -> Option<&SaslCredentials> {
        self.sasl.as_ref()
    }

    /// The brokers' CA, PEM text, when one was given.
    #[must_use]
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The librdkafka properties this sets, as (name, value). The password's value is in it:
    /// hand it to librdkafka only.
    #[cfg_attr(not(feature = "kafka"), allow(dead_code))]
    pub(super) fn properties(&self) -> Vec<(&'static str, String)> {
        use secrecy::ExposeSecret;
        let mut properties = vec![("security.protocol", self.protocol.as_str().to_owned())];
        if let Some(sasl) = &self.sasl {
            properties.push(("sasl.mechanism", sasl.mechanism.as_str().to_owned()));
            properties.push(("sasl.username", sasl.username.clone()));
            properties.push(("sasl.password", sasl.password.expose_secret().to_owned()));
        }
        if let Some(pem) = &self.ca_pem {
            properties.push(("ssl.ca.pem", pem.clone()));
        }
        properties
    }

    /// Sets `security.protocol` and, as they apply, `sasl.mechanism`, `sasl.username`,
    /// `sasl.password` and `ssl.ca.pem` on a client's configuration.
    #[cfg(feature = "kafka")]
    pub fn apply(&self, config: &mut rdkafka::ClientConfig) {
        for (name, value) in self.properties() {
            config.set(name, value);
        }
    }
}
