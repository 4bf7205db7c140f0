//! The Kafka event bus on rdkafka: an idempotent producer (`acks=all`, lz4) whose publish returns
//! only after every record was acknowledged, and consumer groups that store each handled record's
//! offset and commit what is stored every second and when the member closes.
//! Keys are hashed with murmur2 like Kafka's Java clients, so every client agrees on partitions.
//! Every client it creates takes the same [`KafkaSecurity`] (TLS, SASL), so none is left on
//! plaintext against a managed cluster.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, Producer};

use super::kafka_lag::{LagReporter, STATISTICS_INTERVAL_MS};
use super::kafka_member::KafkaSubscription;
use super::kafka_producer::ProducerSlot;
use super::kafka_security::KafkaSecurity;
use super::kafka_watch::Watch;
use super::topics::{TopicOutcome, TopicSpec, drift};
use super::{Acknowledgements, BusError, EventBus, Outgoing, Start, Subscription};

/// How long a publish waits for acknowledgements before it reports the broker unavailable.
pub(super) const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// An event bus on a Kafka cluster.
pub struct KafkaBus {
    brokers: String,
    producer: Arc<ProducerSlot>,
    admin: AdminClient<DefaultClientContext>,
    replication_factor: i32,
    /// Consumers' `fetch.wait.max.ms`.
    fetch_wait: Duration,
    /// How every client reaches the brokers (consumers are created later, on subscribe).
    security: KafkaSecurity,
}

/// How long a consumer's fetch may wait for records by default. A broker answers as soon as
/// records arrive; one that holds fetches until their wait ends (Tansu) adds up to this much latency.
/// A shorter wait means more fetches while idle: `todo serve` on Tansu costs the broker 7 % of a
/// core at rest with 50 ms, 25 % with 15 ms and 31 % with 5 ms, so latency-bound consumers ask
/// for less (`kafka://...?fetch_wait_ms=15`) and the default stays frugal.
pub(super) const DEFAULT_FETCH_WAIT: Duration = Duration::from_millis(50);

impl std::fmt::Debug for KafkaBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaBus")
            .field("brokers", &self.brokers)
            .field("security", &self.security.protocol())
            .finish_non_exhaustive()
    }
}

/// How often a consumer commits the offsets it stored. A crash redoes at most this much work;
/// a shorter interval costs the broker a commit request per member per interval.
const COMMIT_INTERVAL_MS: &str = "1000";

pub(super) fn unavailable(error: &KafkaError) -> BusError {
    BusError::Unavailable(error.to_string())
}

impl KafkaBus {
    /// Connects to `brokers` (`host:port,...`) in plaintext; topics it creates get
    /// `replication_factor` replicas.
    ///
    /// # Errors
    /// `Rejected` when the client configuration is invalid.
    pub fn connect(brokers: &str, replication_factor: i32) -> Result<Self, BusError> {
        Self::connect_with_timeout(brokers, replication_factor, DELIVERY_TIMEOUT)
    }

    /// Like [`connect`](Self::connect), with how long a publish may wait for acknowledgements.
    ///
    /// # Errors
    /// `Rejected` when the client configuration is invalid.
    pub fn connect_with_timeout(
        brokers: &str,
        replication_factor: i32,
        delivery_timeout: Duration,
    ) -> Result<Self, BusError> {
        Self::connect_secured(
            brokers,
            replication_factor,
            delivery_timeout,
            KafkaSecurity::plaintext(),
        )
    }

    /// Like [`connect_with_timeout`](Self::connect_with_timeout), with every client (producer,
    /// admin, consumers) reaching the brokers as `security` says (TLS, SASL).
    ///
    /// # Errors
    /// `Rejected` when the client configuration is invalid (librdkafka checks the properties
    /// here, before any connection).
    pub fn connect_secured(
        brokers: &str,
        replication_factor: i32,
        delivery_timeout: Duration,
        security: KafkaSecurity,
    ) -> Result<Self, BusError> {
        let producer_config = Self::producer_config(brokers, delivery_timeout, &security);
        let producer: FutureProducer = producer_config
            .create()
            .map_err(|e| BusError::Rejected(e.to_string()))?;
        let mut admin_config = ClientConfig::new();
        security.apply(&mut admin_config);
        let admin: AdminClient<DefaultClientContext> = admin_config
            .set("bootstrap.servers", brokers)
            .create()
            .map_err(|e| BusError::Rejected(e.to_string()))?;
        Ok(Self {
            brokers: brokers.to_owned(),
            producer: Arc::new(ProducerSlot::new(producer, producer_config)),
            admin,
            replication_factor,
            fetch_wait: DEFAULT_FETCH_WAIT,
            security,
        })
    }

    /// The configuration of the bus's producer, which every publish (the outbox relay's too) goes
    /// through. Public so that `make bench` measures a bare producer with exactly these settings
    /// (`limits produce` in todo-tests), the relay's ceiling on the same broker.
    #[must_use]
    pub fn producer_config(brokers: &str, delivery_timeout: Duration, security: &KafkaSecurity) -> ClientConfig {
        let mut config = ClientConfig::new();
        security.apply(&mut config);
        config
            .set("bootstrap.servers", brokers)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("compression.type", "lz4")
            // The relay hands over whole batches at once, so waiting for more records only adds
            // to every acknowledgement (relay_bench, write to ack p50: 4.4-7.0 ms, 6.7-9.7 at 1 ms).
            .set("linger.ms", "0")
            .set("partitioner", "murmur2_random")
            .set("message.timeout.ms", delivery_timeout.as_millis().to_string());
        config
    }

    /// Sets how long consumers' fetches may wait for records (`fetch.wait.max.ms`).
    #[must_use]
    pub fn with_fetch_wait(mut self, wait: Duration) -> Self {
        self.fetch_wait = wait;
        self
    }
}

#[async_trait]
impl EventBus for KafkaBus {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> Result<(), BusError> {
        let new = NewTopic::new(topic, partitions, TopicReplication::Fixed(self.replication_factor));
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
        let results = self
            .admin
            .create_topics([&new], &options)
            .await
            .map_err(|e| unavailable(&e))?;
        for result in results {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((name, code)) => return Err(BusError::Rejected(format!("cannot create topic {name}: {code}"))),
            }
        }
        Ok(())
    }

    async fn apply_topic(&self, spec: &TopicSpec) -> Result<TopicOutcome, BusError> {
        let retention = spec.retention.as_millis().to_string();
        let min_insync = spec.min_insync_replicas.to_string();
        let new = NewTopic::new(
            &spec.name,
            spec.partitions,
            TopicReplication::Fixed(spec.replication_factor),
        )
        .set("retention.ms", &retention)
        .set("min.insync.replicas", &min_insync);
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
        let created = self
            .admin
            .create_topics([&new], &options)
            .await
            .map_err(|e| unavailable(&e))?;
        match created.into_iter().next() {
            Some(Ok(_)) => return Ok(TopicOutcome::Created),
            Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => {}
            Some(Err((name, code))) => return Err(BusError::Rejected(format!("cannot create topic {name}: {code}"))),
            None => return Err(BusError::Unavailable("no answer to create_topics".into())),
        }
        let metadata = self
            .admin
            .inner()
            .fetch_metadata(Some(&spec.name), Duration::from_secs(10))
            .map_err(|e| unavailable(&e))?;
        let topic = metadata.topics().first();
        let partitions = topic.map_or(0, |t| i32::try_from(t.partitions().len()).unwrap_or(i32::MAX));
        let replication = topic
            .and_then(|t| t.partitions().first())
            .map(|p| i32::try_from(p.replicas().len()).unwrap_or(i32::MAX));
        let resource = ResourceSpecifier::Topic(&spec.name);
        let configs = self
            .admin
            .describe_configs([&resource], &options)
            .await
            .map_err(|e| unavailable(&e))?;
        let config = configs.into_iter().next().and_then(Result::ok);
        let value = |name: &str| config.as_ref().and_then(|c| c.get(name)).and_then(|e| e.value.clone());
        let found = drift(
            spec,
            partitions,
            replication,
            value("retention.ms").and_then(|v| v.parse().ok()),
            value("min.insync.replicas").and_then(|v| v.parse().ok()),
        );
        Ok(if found.is_empty() {
            TopicOutcome::Unchanged
        } else {
            TopicOutcome::Drift(found)
        })
    }

    async fn log_id(&self) -> Result<String, BusError> {
        let producer = self.producer.get();
        // A metadata request that blocks until the broker answers: off the async workers.
        tokio::task::spawn_blocking(move || producer.client().fetch_cluster_id(Duration::from_secs(10)))
            .await
            .map_err(|e| BusError::Unavailable(e.to_string()))?
            .map(|id| format!("kafka-{id}"))
            .ok_or_else(|| BusError::Unavailable("the brokers did not tell their cluster id".into()))
    }

    fn send(&self, events: &[Outgoing]) -> Result<Acknowledgements, BusError> {
        self.producer.send(events)
    }

    async fn subscribe_from(
        &self,
        group: &str,
        topics: &[String],
        start: Start,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let mut consumer_config = ClientConfig::new();
        self.security.apply(&mut consumer_config);
        let watch = Watch::register(group);
        let consumer: StreamConsumer<LagReporter> = consumer_config
            .set("bootstrap.servers", &self.brokers)
            .set("group.id", group)
            // Only offsets `commit` stored are committed: a record is never marked done before its
            // handler finished. They go to the broker in the background, so a consumer pays no
            // round trip per record; a crash redelivers what was stored but not yet committed,
            // which the handlers' idempotency records turn into no second effect.
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", COMMIT_INTERVAL_MS)
            .set("enable.auto.offset.store", "false")
            .set(
                "auto.offset.reset",
                match start {
                    Start::Beginning => "earliest",
                    Start::End => "latest",
                },
            )
            .set("session.timeout.ms", "6000")
            // Answer a fetch as soon as records arrive, at most `fetch_wait` later when the broker
            // holds fetches until their wait ends (librdkafka's default 500 ms shows up as latency).
            .set("fetch.wait.max.ms", self.fetch_wait.as_millis().to_string())
            .set("partition.assignment.strategy", "cooperative-sticky")
            .set("statistics.interval.ms", STATISTICS_INTERVAL_MS)
            .create_with_context(LagReporter {
                group: group.to_owned(),
                watch: watch.clone(),
            })
            .map_err(|e| BusError::Rejected(e.to_string()))?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&names)
            .map_err(|e| BusError::Rejected(e.to_string()))?;
        Ok(Box::new(KafkaSubscription::new(consumer, watch)))
    }
}
