//! The Kafka bus's TLS and SASL against librdkafka itself: every combination the settings allow
//! is accepted by the librdkafka we link (so the `ssl` feature, and SCRAM with it, are built in),
//! a bad CA is refused before any connection, and a bus speaking TLS to a plaintext broker (Tansu,
//! `scripts/tansu.sh`, `KAFKA_BROKERS` or 127.0.0.1:19092) reports an error within its delivery
//! timeout instead of waiting forever. Without the broker that case fails, never skips.
#![cfg(feature = "kafka")]

use std::time::{Duration, Instant};

use cloudevents::event::AttributesWriter;
use todo_kit::bus::{BusError, EventBus, KafkaBus, KafkaSecurity, Outgoing};

/// A self-signed certificate, only for librdkafka to parse (its key was never kept).
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBoDCCAUegAwIBAgIUErYW5oAkBu4iSD1Cj5jvsmHw2gAwCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwadG9kbyB0ZXN0IENBIChubyBrZXkga2VwdCkwIBcNMjYxMjAz
MTIxMzUwWhgPMjEyNjExMDkxMjEzNTBaMCUxIzAhBgNVBAMMGnRvZG8gdGVzdCBD
QSAobm8ga2V5IGtlcHQpMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEVIjyQxrR
qk8sxuNN6nEKJYAxn12M1J/ttlACE3Zy4v6cnOoTFa6leQVgxFDuWXRSvJ+1xBzm
qijj9M8PUG3vaaNTMFEwHQYDVR0OBBYEFPQIiYsztlrs1I6R3MYjwffyFMNtMB8G
A1UdIwQYMBaAFPQIiYsztlrs1I6R3MYjwffyFMNtMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDRwAwRAIgNOCvL2qvDJJN69KPh2Nug562O50h9WiaIqqbFlK5
k4MCIBMu84rXptLIQIqVqgyUvisG8IbjJhCEV15QU5ChwSDq
-----END CERTIFICATE-----";

fn security(vars: &[(&str, &str)]) -> KafkaSecurity {
    KafkaSecurity::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
        .expect("valid settings")
}

fn connect(security: KafkaSecurity, timeout: Duration) -> Result<KafkaBus, BusError> {
    // Nothing listens on port 1: creating the clients must not need a broker.
    KafkaBus::connect_secured("127.0.0.1:1", 1, timeout, security)
}

#[tokio::test]
async fn librdkafka_takes_every_protocol_and_mechanism_the_settings_allow() {
    for protocol in ["plaintext", "ssl"] {
        let ca = if protocol == "ssl" { CA_PEM } else { "" };
        let bus = connect(
            security(&[("KAFKA_SECURITY_PROTOCOL", protocol), ("KAFKA_SSL_CA_PEM", ca)]),
            Duration::from_secs(1),
        );
        assert!(bus.is_ok(), "{protocol}: {bus:?}");
    }
    for protocol in ["sasl_plaintext", "sasl_ssl"] {
        for mechanism in ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] {
            let bus = connect(
                security(&[
                    ("KAFKA_SECURITY_PROTOCOL", protocol),
                    ("KAFKA_SASL_MECHANISM", mechanism),
                    ("KAFKA_SASL_USERNAME", "doadmin"),
                    ("KAFKA_SASL_PASSWORD", "secret"),
                ]),
                Duration::from_secs(1),
            )
            .unwrap_or_else(|e| panic!("{protocol} with {mechanism}: librdkafka refused it: {e}"));
            // Consumers are created on subscribe: they take the same security.
            let consumer = bus.subscribe("kafka-security-test", &["t".to_owned()]).await;
            assert!(consumer.is_ok(), "{protocol} with {mechanism}: consumer refused");
            assert!(!format!("{bus:?}").contains("secret"));
        }
    }
}

#[tokio::test]
async fn a_ca_librdkafka_cannot_read_is_refused_before_any_connection() {
    let broken = CA_PEM.replace("MIIBoDCC", "MIIBoDXX");
    let refused = connect(
        security(&[("KAFKA_SECURITY_PROTOCOL", "ssl"), ("KAFKA_SSL_CA_PEM", &broken)]),
        Duration::from_secs(1),
    );
    assert!(matches!(refused, Err(BusError::Rejected(_))), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_to_a_plaintext_broker_fails_within_the_delivery_timeout() {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    assert!(
        brokers
            .split(',')
            .any(|b| std::net::TcpStream::connect(b.trim()).is_ok()),
        "no Kafka-protocol broker answers at {brokers}: start one with `bash scripts/tansu.sh`"
    );
    let timeout = Duration::from_secs(3);
    let bus = KafkaBus::connect_secured(&brokers, 1, timeout, KafkaSecurity::ssl(None)).expect("clients");
    let mut event = cloudevents::Event::default();
    event.set_id("kafka-security-1");
    event.set_source("/tests/kafka-security");
    event.set_type("test.tls");
    let started = Instant::now();
    let published = tokio::time::timeout(
        Duration::from_secs(30),
        bus.publish(&[Outgoing {
            topic: "kafka-security-test".into(),
            key: None,
            event,
        }]),
    )
    .await
    .expect("the publish must give up on its own, not hang");
    assert!(
        matches!(published, Err(BusError::Unavailable(_))),
        "a TLS client cannot publish to a plaintext listener: {published:?}"
    );
    assert!(
        started.elapsed() < timeout * 4,
        "gave up after {:?}, delivery timeout {timeout:?}",
        started.elapsed()
    );
}
