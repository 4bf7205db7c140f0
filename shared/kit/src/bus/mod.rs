//! The event bus: CloudEvents published to topics with a partition key, and consumer groups that
//! read them back and commit what they finished.
//!
//! Two implementations share this contract and one conformance suite: [`MemoryBus`] for the
//! embedded mode, and (feature `kafka`) `KafkaBus` on rdkafka for the cluster. Both carry events
//! in the CloudEvents Kafka protocol binding (binary content mode), so what a consumer sees does
//! not depend on the bus.

pub mod binding;
#[cfg(feature = "kafka")]
mod kafka;
#[cfg(feature = "kafka")]
mod kafka_lag;
#[cfg(feature = "kafka")]
mod kafka_member;
#[cfg(feature = "kafka")]
mod kafka_producer;
mod kafka_security;
#[cfg(feature = "kafka")]
mod kafka_watch;
mod memory;
pub mod structured;
pub mod topics;

use async_trait::async_trait;
use cloudevents::Event;

#[cfg(feature = "kafka")]
pub use kafka::KafkaBus;
pub use kafka_security::{KafkaSecurity, SaslCredentials, SaslMechanism, SecurityProtocol};
pub use memory::MemoryBus;

/// Why each Kafka consumer of this process is stalled (its client stopped while it waits for
/// records; see `kafka_watch`); empty when none is, and always without the `kafka` feature. The
/// liveness probe fails while this is not empty, so the kubelet restarts the process.
pub fn stalled_consumers() -> Vec<String> {
    #[cfg(feature = "kafka")]
    return kafka_watch::stalled();
    #[cfg(not(feature = "kafka"))]
    Vec::new()
}

/// An event to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Topic name.
    pub topic: String,
    /// Partition key: events with the same key keep their order. `None` spreads them.
    pub key: Option<String>,
    /// The event.
    pub event: Event,
}

/// An event delivered to a consumer group.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Topic it came from.
    pub topic: String,
    /// Partition within the topic.
    pub partition: i32,
    /// Position within the partition.
    pub offset: i64,
    /// Partition key it was published with.
    pub key: Option<String>,
    /// Bytes of the record's value, as the broker holds it (what a batch of them weighs).
    pub size: usize,
    /// The event, or why the record is not a readable CloudEvent (a poison record).
    pub event: Result<Event, String>,
}

/// Why the bus could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The broker cannot be reached or did not acknowledge in time: worth retrying.
    #[error("event bus unavailable: {0}")]
    Unavailable(String),
    /// The request cannot succeed as made (unknown topic, invalid configuration).
    #[error("event bus refused the request: {0}")]
    Rejected(String),
}

/// The broker's answer to one [`EventBus::send`]: resolves once every event of it was
/// acknowledged, or with the first failure after none of them is in flight any more.
pub type Acknowledgements = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), BusError>> + Send>>;

/// Publishing and consuming events.
#[async_trait]
pub trait EventBus: Send + Sync + std::fmt::Debug {
    /// Creates a topic with `partitions` partitions unless it exists.
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> Result<(), BusError>;

    /// Creates a topic as `spec` says, or reports how the existing one differs from it.
    async fn apply_topic(&self, spec: &topics::TopicSpec) -> Result<topics::TopicOutcome, BusError>;

    /// Publishes events in order and returns once the broker acknowledged every one of them.
    /// Events with the same key land in the same partition, in this order.
    async fn publish(&self, events: &[Outgoing]) -> Result<(), BusError> {
        self.send(events)?.await
    }

    /// Queues events for publishing, in order, before it returns; the result says when the broker
    /// acknowledged them. Events of a later `send` go out after these (per key), so a caller may
    /// keep several sends on the way at once.
    ///
    /// # Errors
    /// When the events cannot even be queued (an unknown topic, a full queue); nothing of them
    /// is then on the way.
    fn send(&self, events: &[Outgoing]) -> Result<Acknowledgements, BusError>;

    /// Names the log that offsets count in: the Kafka cluster's id, or an id of this memory bus.
    /// An offset means something only within one log (a new cluster, or a new process's memory
    /// bus, counts from zero again), so what remembers offsets outside the bus (the archiver)
    /// keeps them under this name.
    async fn log_id(&self) -> Result<String, BusError>;

    /// Joins consumer group `group` on `topics`. A new member resumes after the group's last
    /// commit (or from the beginning when the group never committed).
    async fn subscribe(&self, group: &str, topics: &[String]) -> Result<Box<dyn Subscription>, BusError> {
        self.subscribe_from(group, topics, Start::Beginning).await
    }

    /// Like [`EventBus::subscribe`], with `start` saying where a group that never committed
    /// begins.
    async fn subscribe_from(
        &self,
        group: &str,
        topics: &[String],
        start: Start,
    ) -> Result<Box<dyn Subscription>, BusError>;
}

/// Where a consumer group that never committed begins reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Start {
    /// At the beginning of what the topics keep: a consumer whose state is built from every
    /// event (a read model, a scheduler).
    #[default]
    Beginning,
    /// At the end: only what arrives from now on, for a group of one process that wants no
    /// history (task-api's live feed). Events published while it joins may be missed.
    End,
}

/// A consumer group member.
#[async_trait]
pub trait Subscription: Send {
    /// The next event, waiting until one arrives.
    async fn next(&mut self) -> Result<Delivery, BusError>;

    /// Records that `delivery` (and everything before it in its partition) is done.
    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError>;
}

/// Opens the bus a URL names: `memory://` (a new in-process bus) or `kafka://host:port[,host:port]`
/// (feature `kafka`, in plaintext; topics it creates get `replication_factor` replicas), optionally
/// with `?fetch_wait_ms=N` for consumers' `fetch.wait.max.ms` (default 50).
///
/// # Errors
/// `Rejected` for another scheme, or a Kafka URL in a build without the `kafka` feature.
pub fn connect(url: &str, replication_factor: i32) -> Result<std::sync::Arc<dyn EventBus>, BusError> {
    connect_secured(url, replication_factor, KafkaSecurity::plaintext())
}

/// Like [`connect`], with a Kafka bus's clients reaching the brokers as `security` says (TLS,
/// SASL); `memory://` ignores it.
///
/// # Errors
/// As [`connect`].
pub fn connect_secured(
    url: &str,
    replication_factor: i32,
    security: KafkaSecurity,
) -> Result<std::sync::Arc<dyn EventBus>, BusError> {
    if url.starts_with("memory:") {
        return Ok(std::sync::Arc::new(MemoryBus::new()));
    }
    if let Some(rest) = url.strip_prefix("kafka://") {
        let (brokers, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut fetch_wait_ms = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match (key.as_ref(), value.parse::<u64>()) {
                ("fetch_wait_ms", Ok(ms)) => fetch_wait_ms = Some(ms),
                _ => {
                    return Err(BusError::Rejected(format!(
                        "EVENT_BUS: unknown or invalid option '{key}={value}' (known: fetch_wait_ms=N)"
                    )));
                }
            }
        }
        #[cfg(feature = "kafka")]
        {
            let mut bus = KafkaBus::connect_secured(
                brokers.trim_end_matches('/'),
                replication_factor,
                kafka::DELIVERY_TIMEOUT,
                security,
            )?;
            if let Some(ms) = fetch_wait_ms {
                bus = bus.with_fetch_wait(std::time::Duration::from_millis(ms));
            }
            return Ok(std::sync::Arc::new(bus));
        }
        #[cfg(not(feature = "kafka"))]
        return Err(BusError::Rejected(format!(
            "this build has no Kafka support (brokers {brokers}, rf {replication_factor}, fetch wait {fetch_wait_ms:?}, {:?})",
            security.protocol()
        )));
    }
    Err(BusError::Rejected(format!(
        "EVENT_BUS must be memory:// or kafka://host:port, got '{url}'"
    )))
}

/// The bus `url` names, with the replication factor of `KAFKA_REPLICATION_FACTOR` for the topics
/// it creates and, for Kafka, the security of `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*` and
/// `KAFKA_SSL_CA_PEM` ([`KafkaSecurity::from_env`]): how a function's `main` connects.
///
/// # Errors
/// `Rejected` for a bad URL or a bad setting.
pub fn from_env(url: &str) -> Result<std::sync::Arc<dyn EventBus>, BusError> {
    let rejected = |e: crate::settings::ConfigError| BusError::Rejected(e.to_string());
    let replication = crate::settings::common::KAFKA_REPLICATION_FACTOR
        .parse_required::<i32>("a whole number of replicas")
        .map_err(rejected)?;
    // The in-process bus has no brokers to secure: only a Kafka URL reads (and checks) these.
    let security = if url.starts_with("kafka://") {
        KafkaSecurity::from_env().map_err(rejected)?
    } else {
        KafkaSecurity::plaintext()
    };
    connect_secured(url, replication, security)
}

/// The partition of `key` among `partitions`: Kafka's default partitioner (murmur2 of the key,
/// positive, modulo the partition count), so our keys land where Java clients would put them.
pub fn partition_for_key(key: &str, partitions: i32) -> i32 {
    let hash = murmur2(key.as_bytes()) & 0x7fff_ffff;
    i32::try_from(hash % u32::try_from(partitions.max(1)).unwrap_or(1)).unwrap_or(0)
}

/// Kafka's murmur2 (seed 0x9747b28c), as in its Java client.
fn murmur2(data: &[u8]) -> u32 {
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let mut h: u32 = 0x9747_b28c ^ length;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= u32::from(rest[2]) << 16;
    }
    if rest.len() >= 2 {
        h ^= u32::from(rest[1]) << 8;
    }
    if !rest.is_empty() {
        h ^= u32::from(rest[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_land_where_the_java_client_puts_them() {
        // Values from Kafka's Java client (Utils.murmur2 / DefaultPartitioner).
        assert_eq!(murmur2(b"21") as i32, -973_932_308);
        assert_eq!(murmur2(b"foobar") as i32, -790_332_482);
        assert_eq!(murmur2(b"a-little-bit-long-string") as i32, -985_981_536);
        assert_eq!(murmur2(b"a-little-bit-longer-string") as i32, -1_486_304_829);
        assert_eq!(
            murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") as i32,
            -58_897_971
        );
        assert_eq!(murmur2(b"abc") as i32, 479_470_107);
        for key in ["1", "42", "task-7"] {
            assert!((0..6).contains(&partition_for_key(key, 6)));
        }
    }

    #[test]
    fn a_bus_url_names_the_bus_and_its_options() {
        assert!(connect("memory://", 1).is_ok());
        assert!(matches!(connect("nats://x", 1), Err(BusError::Rejected(_))));
        let unknown = connect("kafka://127.0.0.1:1?linger=5", 1);
        assert!(
            matches!(&unknown, Err(BusError::Rejected(m)) if m.contains("linger=5")),
            "{unknown:?}"
        );
        let bad = connect("kafka://127.0.0.1:1?fetch_wait_ms=soon", 1);
        assert!(matches!(bad, Err(BusError::Rejected(_))));
        #[cfg(feature = "kafka")]
        assert!(connect("kafka://127.0.0.1:1?fetch_wait_ms=5", 1).is_ok());
    }
}
