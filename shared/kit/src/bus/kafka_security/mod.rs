//! How the Kafka clients reach the brokers: plaintext on a laptop, TLS and SASL on managed clusters
//! (DigitalOcean's managed Kafka and Strimzi's TLS listener accept nothing else).
//!
//! The settings (`KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_CA_PEM`) are read and
//! checked once, into one typed value that every client the bus creates (producer, admin,
//! consumers) is configured from, so no client can be left on plaintext. The parsing does not need
//! rdkafka, so it is tested in every build; only [`KafkaSecurity::apply`] is behind the `kafka`
//! feature. The password is a [`secrecy::SecretString`] and never printed.
//!
//! The names librdkafka takes are in [`protocol`] and [`sasl`]; [`KafkaSecurity`] is the checked
//! value ([`security`]), read from the settings in [`parse`].

mod parse;
mod protocol;
mod sasl;
mod security;
#[cfg(test)]
mod tests;

pub use protocol::SecurityProtocol;
pub use sasl::{SaslCredentials, SaslMechanism};
pub use security::KafkaSecurity;
