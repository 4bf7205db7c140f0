//! One conformance suite for every `EventBus`: each case runs against the in-memory bus and
//! against a real Kafka-protocol broker (Tansu, started by `scripts/tansu.sh`; its address is
//! `KAFKA_BROKERS`, default `127.0.0.1:19092`). Without a broker the Kafka cases fail, never skip.

mod cases;

use std::sync::Arc;

use todo_kit::bus::{EventBus, KafkaBus, MemoryBus};

// The cases each_backend! runs, by name.
use cases::*;

pub(crate) fn memory() -> Arc<dyn EventBus> {
    Arc::new(MemoryBus::new())
}

pub(crate) fn kafka() -> Arc<dyn EventBus> {
    let brokers = todo_testing::kafka_brokers();
    Arc::new(KafkaBus::connect(&brokers, 1).expect("kafka client"))
}

todo_testing::each_backend! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    backends {
        on_memory => |case| case(memory()).await,
        on_kafka => |case| case(kafka()).await,
    }
    cases {
        a_published_event_reaches_a_new_group_unchanged,
        events_of_one_key_arrive_in_publish_order,
        sends_on_the_way_at_once_keep_each_keys_order,
        many_keys_published_in_parallel_all_arrive_once,
        a_restarted_member_resumes_after_the_last_commit,
        a_new_group_from_the_end_reads_only_what_comes_after_it_joined,
        groups_do_not_share_offsets,
        applying_the_catalog_creates_then_reports_drift,
        the_log_has_a_stable_name,
    }
}

#[tokio::test]
async fn two_memory_buses_are_two_logs() {
    let (a, b) = (memory(), memory());
    assert_ne!(a.log_id().await.expect("a"), b.log_id().await.expect("b"));
}
