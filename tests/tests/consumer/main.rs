//! The handler runner on a consumer group: every valid event handled once and committed, retries
//! with backoff, poison and invalid events to `dead-letter` without blocking their partition.
//! Runs on the in-memory bus and on a Kafka-protocol broker (`scripts/tansu.sh`).

mod cases;

use std::sync::Arc;

use todo_kit::bus::{EventBus, MemoryBus};

// The cases each_backend! runs, by name.
use cases::*;

pub(crate) fn memory() -> Arc<dyn EventBus> {
    Arc::new(MemoryBus::new())
}

pub(crate) fn kafka() -> Arc<dyn EventBus> {
    let brokers = todo_tests::kafka_brokers();
    todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka")
}

todo_testing::each_backend! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    backends {
        on_memory => |case| case(memory()).await,
        on_kafka => |case| case(kafka()).await,
    }
    cases {
        every_valid_event_is_handled_once_and_committed,
        a_failing_handler_is_retried_until_it_succeeds,
        poison_and_invalid_events_go_to_dead_letter_without_blocking_their_key,
        an_event_that_keeps_failing_is_dead_lettered_after_the_last_attempt,
    }
}
