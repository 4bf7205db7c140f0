//! The topic catalog as code: DESIGN §6's topics with partitions and retention from the event
//! catalog, and the replication settings of each environment. `apply` creates what is missing and
//! reports drift (too few partitions, other retention or min.insync.replicas) instead of hiding it.

use std::time::Duration;

use todo_events::Topic;

/// Where the topics live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// One local broker: replication factor 1, min.insync.replicas 1.
    Local,
    /// The production cluster of three brokers: replication factor 3, min.insync.replicas 2.
    Production,
}

impl Environment {
    /// Parses `local` or `production`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "local" | "dev" | "development" => Some(Self::Local),
            "production" | "prod" => Some(Self::Production),
            _ => None,
        }
    }

    fn replication(self) -> (i32, i32) {
        match self {
            Self::Local => (1, 1),
            Self::Production => (3, 2),
        }
    }
}

/// How one topic should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    /// Full name, with any prefix.
    pub name: String,
    /// Partition count (the minimum: more is fine, fewer is drift).
    pub partitions: i32,
    /// How long records are kept.
    pub retention: Duration,
    /// Copies of each partition.
    pub replication_factor: i32,
    /// Replicas that must acknowledge an `acks=all` write.
    pub min_insync_replicas: i32,
}

/// What applying a spec found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicOutcome {
    /// The topic did not exist and was created.
    Created,
    /// The topic exists as specified.
    Unchanged,
    /// The topic exists but differs; each entry says how.
    Drift(Vec<String>),
}

/// The topics of the catalog for `environment`, each name prefixed by `prefix`.
pub fn catalog(environment: Environment, prefix: &str) -> Vec<TopicSpec> {
    let (replication_factor, min_insync_replicas) = environment.replication();
    Topic::ALL
        .into_iter()
        .map(|topic| TopicSpec {
            name: format!("{prefix}{}", topic.name()),
            partitions: topic.partitions(),
            retention: topic.retention(),
            replication_factor,
            min_insync_replicas,
        })
        .collect()
}

/// Compares what a broker reports with a spec; empty when they agree.
pub fn drift(
    spec: &TopicSpec,
    partitions: i32,
    replication: Option<i32>,
    retention_ms: Option<i64>,
    min_insync: Option<i32>,
) -> Vec<String> {
    let mut found = Vec::new();
    if partitions < spec.partitions {
        found.push(format!(
            "{partitions} partitions, expected at least {}",
            spec.partitions
        ));
    }
    if let Some(rf) = replication.filter(|rf| *rf != spec.replication_factor) {
        found.push(format!("replication factor {rf}, expected {}", spec.replication_factor));
    }
    let expected_ms = i64::try_from(spec.retention.as_millis()).unwrap_or(i64::MAX);
    if let Some(ms) = retention_ms.filter(|ms| *ms != expected_ms) {
        found.push(format!("retention.ms {ms}, expected {expected_ms}"));
    }
    if let Some(isr) = min_insync.filter(|isr| *isr != spec.min_insync_replicas) {
        found.push(format!(
            "min.insync.replicas {isr}, expected {}",
            spec.min_insync_replicas
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_follows_the_design_per_environment() {
        let local = catalog(Environment::Local, "");
        let names: Vec<&str> = local.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "task-events",
                "session-events",
                "intent-events",
                "notification-events",
                "dead-letter",
                "ops-events",
                "audit-events"
            ]
        );
        assert_eq!(local[0].partitions, 6);
        assert_eq!((local[0].replication_factor, local[0].min_insync_replicas), (1, 1));
        let production = catalog(Environment::Production, "prod.");
        assert_eq!(production[4].name, "prod.dead-letter");
        assert_eq!(
            (production[4].replication_factor, production[4].min_insync_replicas),
            (3, 2)
        );
        assert_eq!(production[4].retention, Duration::from_secs(30 * 24 * 3600));
        // ops-events: one partition (no key, so no order to spread), kept as long as dead letters.
        assert_eq!(production[5].name, "prod.ops-events");
        assert_eq!(production[5].partitions, 1);
        assert_eq!(production[5].retention, Duration::from_secs(30 * 24 * 3600));
        // audit-events: keyed by actor, kept a year.
        assert_eq!(production[6].name, "prod.audit-events");
        assert_eq!(production[6].retention, Duration::from_secs(365 * 24 * 3600));
    }

    #[test]
    fn drift_names_every_difference() {
        let spec = &catalog(Environment::Production, "")[0];
        assert!(drift(spec, 6, Some(3), Some(7 * 24 * 3600 * 1000), Some(2)).is_empty());
        assert!(drift(spec, 12, None, None, None).is_empty(), "more partitions is fine");
        let found = drift(spec, 3, Some(1), Some(1000), Some(1));
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].starts_with("3 partitions"));
    }
}
