//! `todo topics apply`: make a Kafka cluster's topics match the catalog, idempotently, and say
//! where they differ. Drift is reported, never "fixed" by deleting data; the exit code is non-zero
//! when any topic drifts, so scripts and CI notice.

use anyhow::{anyhow, bail};
use todo_kit::bus::topics::{Environment, TopicOutcome, catalog};

use crate::args::TopicsApplyArgs;

pub(super) async fn apply(args: &TopicsApplyArgs) -> anyhow::Result<()> {
    let environment = Environment::parse(&args.environment)
        .ok_or_else(|| anyhow!("--env must be local or production, got '{}'", args.environment))?;
    let specs = catalog(environment, &args.prefix);
    let replication = specs.first().map_or(1, |s| s.replication_factor);
    let bus = todo_kit::bus::connect(&format!("kafka://{}", args.brokers), replication)?;
    println!(
        "{:<28} {:>10} {:>10} {:>4} {:>4}  status",
        "topic", "partitions", "retention", "rf", "isr"
    );
    let mut drifted = Vec::new();
    for spec in &specs {
        let outcome = bus.apply_topic(spec).await?;
        let status = match &outcome {
            TopicOutcome::Created => "created".to_owned(),
            TopicOutcome::Unchanged => "ok".to_owned(),
            TopicOutcome::Drift(found) => format!("DRIFT: {}", found.join("; ")),
        };
        let days = spec.retention.as_secs() / 86_400;
        println!(
            "{:<28} {:>10} {:>9}d {:>4} {:>4}  {status}",
            spec.name, spec.partitions, days, spec.replication_factor, spec.min_insync_replicas
        );
        if matches!(outcome, TopicOutcome::Drift(_)) {
            drifted.push(spec.name.clone());
        }
    }
    if !drifted.is_empty() {
        bail!(
            "{} topic(s) differ from the catalog: {}",
            drifted.len(),
            drifted.join(", ")
        );
    }
    Ok(())
}
