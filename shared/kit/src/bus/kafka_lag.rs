//! `kafka_consumer_lag{topic,consumer_group}` from librdkafka's own statistics: every few seconds
//! the consumer reports, per partition it owns, how far its committed offset is behind the end of
//! the partition. Summing per topic costs nothing on the broker (no extra requests), and it is
//! the number KEDA scales on, seen from inside the consumer.

use rdkafka::ClientContext;
use rdkafka::consumer::ConsumerContext;
use rdkafka::statistics::{Partition, Statistics};

use super::kafka_watch::{Membership, Watch};
use crate::metrics::metrics;

/// How often the consumer reports its statistics.
pub(super) const STATISTICS_INTERVAL_MS: &str = "5000";

/// The consumer's client context: turns statistics into the lag gauge of its group, and tells
/// its [`Watch`] that the client is alive and where the member stands in its group.
pub(super) struct LagReporter {
    pub(super) group: String,
    pub(super) watch: std::sync::Arc<Watch>,
}

impl ClientContext for LagReporter {
    fn stats(&self, statistics: Statistics) {
        let a_broker_is_up = statistics
            .brokers
            .values()
            .any(|broker| broker.nodeid >= 0 && broker.state == "UP");
        self.watch.statistics(
            statistics
                .cgrp
                .as_ref()
                .map_or(Membership::OutWithBrokersDown, |group| {
                    Membership::from_statistics(&group.state, &group.join_state, a_broker_is_up)
                }),
        );
        let gauge = &metrics().kafka_consumer_lag;
        for (name, topic) in &statistics.topics {
            let owned: Vec<i64> = topic.partitions.values().filter_map(lag).collect();
            if !owned.is_empty() {
                gauge
                    .with_label_values(&[self.group.as_str(), name, self.group.as_str()])
                    .set(owned.iter().sum());
            }
        }
    }
}

impl ConsumerContext for LagReporter {}

/// The lag of a partition this consumer fetches; `None` for partitions it does not own (and
/// librdkafka's internal partition -1). A group that never committed lags by the whole partition,
/// since it starts from the earliest offset.
fn lag(partition: &Partition) -> Option<i64> {
    if partition.partition < 0 || partition.fetch_state == "none" || partition.hi_offset < 0 {
        return None;
    }
    if partition.consumer_lag >= 0 {
        Some(partition.consumer_lag)
    } else if partition.committed_offset < 0 && partition.lo_offset >= 0 {
        Some(partition.hi_offset - partition.lo_offset)
    } else {
        None
    }
}
