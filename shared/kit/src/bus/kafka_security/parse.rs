//! Reading [`KafkaSecurity`] from `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*` and `KAFKA_SSL_CA_PEM`,
//! refusing combinations librdkafka would silently ignore.

use secrecy::SecretString;

use super::protocol::SecurityProtocol;
use super::sasl::{SaslCredentials, SaslMechanism};
use super::security::KafkaSecurity;
use crate::settings::common::{
    KAFKA_SASL_MECHANISM, KAFKA_SASL_PASSWORD, KAFKA_SASL_USERNAME, KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_CA_PEM,
};
use crate::settings::{ConfigError, Setting};

impl KafkaSecurity {
    /// Reads `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`,
    /// `KAFKA_SASL_PASSWORD` and `KAFKA_SSL_CA_PEM`.
    ///
    /// # Errors
    /// As [`from_lookup`](Self::from_lookup).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(crate::settings::env_var)
    }

    /// The security that the variables `lookup` gives (by name; `None` when unset) describe, with
    /// the settings' defaults for unset ones.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for an unknown protocol or mechanism; [`ConfigError::Missing`] for
    /// a `sasl_*` protocol without a mechanism, user name or password; [`ConfigError::Unusable`]
    /// for SASL settings without a `sasl_*` protocol, or a CA without a TLS one.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |setting: &Setting| {
            lookup(setting.name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .or_else(|| setting.default.map(str::to_owned))
        };
        let missing = |setting: &Setting| ConfigError::Missing {
            name: setting.name,
            about: setting.about,
        };

        let protocol = match value(&KAFKA_SECURITY_PROTOCOL) {
            None => SecurityProtocol::default(),
            Some(text) => SecurityProtocol::parse(&text).ok_or(ConfigError::Invalid {
                name: KAFKA_SECURITY_PROTOCOL.name,
                value: text,
                expected: "plaintext, ssl, sasl_plaintext or sasl_ssl",
            })?,
        };
        let mechanism = value(&KAFKA_SASL_MECHANISM)
            .map(|text| {
                SaslMechanism::parse(&text).ok_or(ConfigError::Invalid {
                    name: KAFKA_SASL_MECHANISM.name,
                    value: text,
                    expected: "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
                })
            })
            .transpose()?;
        let username = value(&KAFKA_SASL_USERNAME);
        let password = value(&KAFKA_SASL_PASSWORD).map(SecretString::from);
        let ca_pem = value(&KAFKA_SSL_CA_PEM);

        let sasl = if protocol.sasl() {
            Some(SaslCredentials {
                mechanism: mechanism.ok_or_else(|| missing(&KAFKA_SASL_MECHANISM))?,
                username: username.ok_or_else(|| missing(&KAFKA_SASL_USERNAME))?,
                password: password.ok_or_else(|| missing(&KAFKA_SASL_PASSWORD))?,
            })
        } else {
            // SASL settings on a protocol without SASL would be silently ignored by librdkafka:
            // most likely the protocol was forgotten, and the brokers would refuse us later.
            let given = [
                (mechanism.is_some(), &KAFKA_SASL_MECHANISM),
                (username.is_some(), &KAFKA_SASL_USERNAME),
                (password.is_some(), &KAFKA_SASL_PASSWORD),
            ];
            if let Some((_, setting)) = given.iter().find(|(set, _)| *set) {
                return Err(ConfigError::Unusable {
                    name: setting.name,
                    reason: format!(
                        "is set, but {} is {} (SASL needs sasl_plaintext or sasl_ssl)",
                        KAFKA_SECURITY_PROTOCOL.name,
                        protocol.as_str()
                    ),
                });
            }
            None
        };
        if ca_pem.is_some() && !protocol.tls() {
            return Err(ConfigError::Unusable {
                name: KAFKA_SSL_CA_PEM.name,
                reason: format!(
                    "is set, but {} is {} (a CA needs ssl or sasl_ssl)",
                    KAFKA_SECURITY_PROTOCOL.name,
                    protocol.as_str()
                ),
            });
        }
        if let Some(pem) = &ca_pem
            && !pem.contains("-----BEGIN CERTIFICATE-----")
        {
            return Err(ConfigError::Invalid {
                name: KAFKA_SSL_CA_PEM.name,
                value: format!("{} characters without a certificate", pem.len()),
                expected: "PEM text with -----BEGIN CERTIFICATE-----",
            });
        }
        Ok(Self { protocol, sasl, ca_pem })
    }
}
