//! How the Kafka clients reach the brokers: plaintext on a laptop, TLS and SASL on managed clusters
//! (DigitalOcean's managed Kafka and Strimzi's TLS listener accept nothing else).
//!
//! The settings (`KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_CA_PEM`) are read and
//! checked once, into one typed value that every client the bus creates (producer, admin,
//! consumers) is configured from, so no client can be left on plaintext. The parsing does not need
//! rdkafka, so it is tested in every build; only [`KafkaSecurity::apply`] is behind the `kafka`
//! feature. The password is a [`SecretString`] and never printed.

use secrecy::SecretString;

use crate::settings::common::{
    KAFKA_SASL_MECHANISM, KAFKA_SASL_PASSWORD, KAFKA_SASL_USERNAME, KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_CA_PEM,
};
use crate::settings::{ConfigError, Setting};

/// librdkafka's `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecurityProtocol {
    /// No TLS, no authentication.
    #[default]
    Plaintext,
    /// TLS.
    Ssl,
    /// SASL authentication without TLS.
    SaslPlaintext,
    /// SASL authentication over TLS (managed clusters).
    SaslSsl,
}

impl SecurityProtocol {
    /// The value librdkafka takes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plaintext => "plaintext",
            Self::Ssl => "ssl",
            Self::SaslPlaintext => "sasl_plaintext",
            Self::SaslSsl => "sasl_ssl",
        }
    }

    /// Whether the connection is encrypted.
    #[must_use]
    pub fn tls(self) -> bool {
        matches!(self, Self::Ssl | Self::SaslSsl)
    }

    /// Whether the client authenticates with SASL.
    #[must_use]
    pub fn sasl(self) -> bool {
        matches!(self, Self::SaslPlaintext | Self::SaslSsl)
    }

    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "plaintext" => Some(Self::Plaintext),
            "ssl" => Some(Self::Ssl),
            "sasl_plaintext" => Some(Self::SaslPlaintext),
            "sasl_ssl" => Some(Self::SaslSsl),
            _ => None,
        }
    }
}

/// librdkafka's `sasl.mechanism`, among those it has without Cyrus SASL (no GSSAPI/Kerberos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaslMechanism {
    /// User name and password in the clear (use it over TLS only).
    Plain,
    /// SCRAM with SHA-256.
    ScramSha256,
    /// SCRAM with SHA-512.
    ScramSha512,
}

impl SaslMechanism {
    /// The value librdkafka takes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "PLAIN",
            Self::ScramSha256 => "SCRAM-SHA-256",
            Self::ScramSha512 => "SCRAM-SHA-512",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().replace('_', "-").as_str() {
            "PLAIN" => Some(Self::Plain),
            "SCRAM-SHA-256" => Some(Self::ScramSha256),
            "SCRAM-SHA-512" => Some(Self::ScramSha512),
            _ => None,
        }
    }
}

/// SASL credentials.
#[derive(Clone)]
pub struct SaslCredentials {
    /// How they are presented.
    pub mechanism: SaslMechanism,
    /// The user.
    pub username: String,
    /// The password.
    pub password: SecretString,
}

impl std::fmt::Debug for SaslCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaslCredentials")
            .field("mechanism", &self.mechanism)
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// The security settings of every Kafka client of the bus. The default is plaintext, as for the
/// local broker.
#[derive(Debug, Clone, Default)]
pub struct KafkaSecurity {
    protocol: SecurityProtocol,
    sasl: Option<SaslCredentials>,
    ca_pem: Option<String>,
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
    fn properties(&self) -> Vec<(&'static str, String)> {
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

    fn parse(vars: &[(&str, &str)]) -> Result<KafkaSecurity, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        KafkaSecurity::from_lookup(|name| vars.get(name).cloned())
    }

    fn properties(security: &KafkaSecurity) -> HashMap<&'static str, String> {
        security.properties().into_iter().collect()
    }

    #[test]
    fn nothing_set_is_plaintext_as_for_the_local_broker() {
        let security = parse(&[]).expect("defaults");
        assert_eq!(security.protocol(), SecurityProtocol::Plaintext);
        assert!(security.sasl().is_none() && security.ca_pem().is_none());
        assert_eq!(
            properties(&security),
            HashMap::from([("security.protocol", "plaintext".to_owned())])
        );
        // An empty value counts as unset, like every setting.
        assert_eq!(
            parse(&[("KAFKA_SASL_USERNAME", "  ")]).expect("empty").protocol(),
            SecurityProtocol::Plaintext
        );
    }

    #[test]
    fn sasl_ssl_with_scram_sets_every_property_librdkafka_needs() {
        let security = parse(&[
            ("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
            ("KAFKA_SASL_MECHANISM", "scram-sha-512"),
            ("KAFKA_SASL_USERNAME", "doadmin"),
            ("KAFKA_SASL_PASSWORD", "hunter2"),
            ("KAFKA_SSL_CA_PEM", CA),
        ])
        .expect("valid");
        assert_eq!(
            properties(&security),
            HashMap::from([
                ("security.protocol", "sasl_ssl".to_owned()),
                ("sasl.mechanism", "SCRAM-SHA-512".to_owned()),
                ("sasl.username", "doadmin".to_owned()),
                ("sasl.password", "hunter2".to_owned()),
                ("ssl.ca.pem", CA.to_owned()),
            ])
        );
        let plain = parse(&[
            ("KAFKA_SECURITY_PROTOCOL", "sasl_plaintext"),
            ("KAFKA_SASL_MECHANISM", "PLAIN"),
            ("KAFKA_SASL_USERNAME", "u"),
            ("KAFKA_SASL_PASSWORD", "p"),
        ])
        .expect("valid");
        assert_eq!(plain.sasl().map(|s| s.mechanism), Some(SaslMechanism::Plain));
        let ssl = parse(&[("KAFKA_SECURITY_PROTOCOL", "ssl")]).expect("system roots");
        assert_eq!(ssl.protocol(), SecurityProtocol::Ssl);
        assert!(ssl.ca_pem().is_none());
    }

    #[test]
    fn the_password_is_never_printed() {
        let security = parse(&[
            ("KAFKA_SECURITY_PROTOCOL", "sasl_ssl"),
            ("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"),
            ("KAFKA_SASL_USERNAME", "doadmin"),
            ("KAFKA_SASL_PASSWORD", "correct-horse-battery"),
        ])
        .expect("valid");
        let printed = format!("{security:?} {security:#?}");
        assert!(!printed.contains("correct-horse-battery"), "{printed}");
        assert!(printed.contains("doadmin") && printed.contains("REDACTED"), "{printed}");
    }

    #[test]
    fn an_unknown_protocol_or_mechanism_is_invalid_and_named() {
        let protocol = parse(&[("KAFKA_SECURITY_PROTOCOL", "tls")]).unwrap_err();
        assert!(
            matches!(&protocol, ConfigError::Invalid { name: "KAFKA_SECURITY_PROTOCOL", value, .. } if value == "tls"),
            "{protocol:?}"
        );
        let mechanism = parse(&[
            ("KAFKA_SECURITY_PROTOCOL", "sasl_ssl"),
            ("KAFKA_SASL_MECHANISM", "GSSAPI"),
            ("KAFKA_SASL_USERNAME", "u"),
            ("KAFKA_SASL_PASSWORD", "p"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                &mechanism,
                ConfigError::Invalid {
                    name: "KAFKA_SASL_MECHANISM",
                    ..
                }
            ),
            "{mechanism:?}"
        );
        assert!(mechanism.to_string().contains("SCRAM-SHA-256"), "{mechanism}");
        let pem = parse(&[("KAFKA_SECURITY_PROTOCOL", "ssl"), ("KAFKA_SSL_CA_PEM", "/etc/ca.crt")]).unwrap_err();
        assert!(
            matches!(
                &pem,
                ConfigError::Invalid {
                    name: "KAFKA_SSL_CA_PEM",
                    ..
                }
            ),
            "{pem:?}"
        );
    }

    #[test]
    fn sasl_without_its_credentials_says_which_is_missing() {
        let base = [
            ("KAFKA_SECURITY_PROTOCOL", "sasl_ssl"),
            ("KAFKA_SASL_MECHANISM", "PLAIN"),
        ];
        let no_user = parse(&[base[0], base[1], ("KAFKA_SASL_PASSWORD", "p")]).unwrap_err();
        assert!(
            matches!(
                no_user,
                ConfigError::Missing {
                    name: "KAFKA_SASL_USERNAME",
                    ..
                }
            ),
            "{no_user:?}"
        );
        let no_password = parse(&[base[0], base[1], ("KAFKA_SASL_USERNAME", "u")]).unwrap_err();
        assert!(
            matches!(
                no_password,
                ConfigError::Missing {
                    name: "KAFKA_SASL_PASSWORD",
                    ..
                }
            ),
            "{no_password:?}"
        );
        let no_mechanism = parse(&[base[0], ("KAFKA_SASL_USERNAME", "u"), ("KAFKA_SASL_PASSWORD", "p")]).unwrap_err();
        assert!(
            matches!(
                no_mechanism,
                ConfigError::Missing {
                    name: "KAFKA_SASL_MECHANISM",
                    ..
                }
            ),
            "{no_mechanism:?}"
        );
    }

    #[test]
    fn settings_the_protocol_would_ignore_are_refused() {
        let mechanism = parse(&[("KAFKA_SECURITY_PROTOCOL", "ssl"), ("KAFKA_SASL_MECHANISM", "PLAIN")]).unwrap_err();
        assert!(
            matches!(&mechanism, ConfigError::Unusable { name: "KAFKA_SASL_MECHANISM", reason } if reason.contains("ssl")),
            "{mechanism:?}"
        );
        let password = parse(&[("KAFKA_SASL_PASSWORD", "p")]).unwrap_err();
        assert!(
            matches!(
                &password,
                ConfigError::Unusable {
                    name: "KAFKA_SASL_PASSWORD",
                    ..
                }
            ),
            "{password:?}"
        );
        assert!(!password.to_string().contains("'p'"), "{password}");
        let ca = parse(&[("KAFKA_SSL_CA_PEM", CA)]).unwrap_err();
        assert!(
            matches!(&ca, ConfigError::Unusable { name: "KAFKA_SSL_CA_PEM", reason } if reason.contains("plaintext")),
            "{ca:?}"
        );
    }
}
