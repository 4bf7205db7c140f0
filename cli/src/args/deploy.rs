//! `todo topics` and `todo functions`: the Kafka topics of the event catalog and the deployable
//! functions' descriptions, as the cluster's manifests are made and checked from them.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub(crate) struct FunctionsArgs {
    /// One function (default: all).
    pub(crate) name: Option<String>,
    /// Machine-readable output (what the manifest checks read).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TopicsCommand {
    /// Create missing topics and report drift (fewer partitions, other retention or min.insync.replicas).
    Apply(TopicsApplyArgs),
    /// Print the catalog's topics as Strimzi KafkaTopic objects (knative/kafka/*/topics.yaml) or as
    /// JSON (terraform/modules/platform/kafka-topics.json, for a managed Kafka).
    Render(TopicsRenderArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TopicsRenderArgs {
    /// `local` (replication 1, min ISR 1) or `production` (replication 3, min ISR 2).
    #[arg(long = "env", default_value = "local")]
    pub(crate) environment: String,
    /// Put before every topic name.
    #[arg(long, default_value = "")]
    pub(crate) prefix: String,
    /// The Strimzi Kafka cluster the topics belong to.
    #[arg(long, default_value = "todo-kafka")]
    pub(crate) cluster: String,
    /// `strimzi` (KafkaTopic YAML) or `json` (name => partitions, replication, min ISR, retention).
    #[arg(long, default_value = "strimzi", value_parser = ["strimzi", "json"])]
    pub(crate) format: String,
}

#[derive(Debug, Args)]
pub(crate) struct TopicsApplyArgs {
    /// Kafka bootstrap servers.
    #[arg(long, env = "KAFKA_BROKERS", default_value = "127.0.0.1:9092")]
    pub(crate) brokers: String,
    /// `local` (replication 1, min ISR 1) or `production` (replication 3, min ISR 2).
    #[arg(long = "env", default_value = "local")]
    pub(crate) environment: String,
    /// Put before every topic name (`staging.` gives `staging.task-events`).
    #[arg(long, env = "TOPIC_PREFIX", default_value = "")]
    pub(crate) prefix: String,
}
