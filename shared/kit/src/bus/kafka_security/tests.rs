//! The settings as librdkafka properties, and every refusal naming its setting.

use std::collections::HashMap;

use super::*;
use crate::settings::ConfigError;

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
