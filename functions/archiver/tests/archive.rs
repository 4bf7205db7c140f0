//! The archiver against real parts: the memory bus and Kafka (Tansu), a folder and an S3 server
//! (s3s-fs). Each event must be in the archive exactly once, also when the archiver stops between
//! writing an object and recording it, and starts again with other batch sizes.

use std::sync::Arc;
use std::time::Duration;

use archiver::{Archive, BatchSettings};
use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use cloudevents::AttributesReader;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskDeleted, Topic};
use todo_kit::bus::{EventBus, Outgoing};
use todo_objects::{ListedObject, ObjectInfo, ObjectStore, ObjectStoreError};
use todo_testing::TestObjectStore;

fn event(task_id: i64, time: DateTime<Utc>) -> cloudevents::Event {
    DomainEvent::new(
        "/tests/archiver",
        time,
        EventMetadata::default(),
        EventPayload::TaskDeleted(TaskDeleted {
            task_id,
            deletion_reason: None,
        }),
    )
    .to_cloudevent()
}

/// `count` events spread over two topics and many keys, the last ones on the next day.
async fn publish(bus: &dyn EventBus, prefix: &str, count: i64) -> Vec<String> {
    let today = Utc::now();
    let topics = [Topic::TaskEvents, Topic::NotificationEvents];
    for topic in topics {
        bus.ensure_topic(&format!("{prefix}{}", topic.name()), 3)
            .await
            .expect("topic");
    }
    let mut ids = Vec::new();
    let events: Vec<Outgoing> = (1..=count)
        .map(|n| {
            let time = if n > count - 20 {
                today + chrono::Duration::days(1)
            } else {
                today
            };
            let event = event(n, time);
            ids.push(event.id().to_owned());
            Outgoing {
                topic: format!("{prefix}{}", topics[(n % 2) as usize].name()),
                key: Some((n % 7).to_string()),
                event,
            }
        })
        .collect();
    for chunk in events.chunks(100) {
        bus.publish(chunk).await.expect("publish");
    }
    ids.sort();
    ids
}

fn topics(prefix: &str) -> Vec<String> {
    [Topic::TaskEvents, Topic::NotificationEvents]
        .iter()
        .map(|t| format!("{prefix}{}", t.name()))
        .collect()
}

/// Every event id in the archive's indexes (sorted, repeats kept), and the objects under
/// `events/` overlapping another of their partition.
async fn archived(store: &Arc<dyn ObjectStore>) -> (Vec<String>, usize) {
    let archive = Archive::new(store.clone());
    let objects = archive.objects_since(DateTime::UNIX_EPOCH).await.expect("index");
    let mut ids = Vec::new();
    for object in &objects {
        for event in archive.read(object).await.expect("object") {
            ids.push(event.id().to_owned());
        }
    }
    ids.sort();
    let mut ranges: Vec<(String, i64, i64)> = store
        .list("events/")
        .await
        .expect("list")
        .iter()
        .filter_map(|o| {
            let (first, last) = archiver::layout::offsets(&o.key)?;
            let partition = o.key.rsplit_once('/')?.0.to_owned() + &o.key.rsplit('/').next()?[..4];
            Some((partition, first, last))
        })
        .collect();
    ranges.sort();
    let overlaps = ranges
        .windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[1].1 <= w[0].2)
        .count();
    (ids, overlaps)
}

async fn archive_until(
    bus: Arc<dyn EventBus>,
    store: Arc<dyn ObjectStore>,
    prefix: &str,
    settings: BatchSettings,
    expected: usize,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let topics = topics(prefix);
    let running = {
        let store = store.clone();
        tokio::spawn(async move {
            let archive = Archive::new(store);
            archiver::archive(bus.as_ref(), &archive, &topics, &settings, async {
                let _ = stopped.await;
            })
            .await
        })
    };
    let started = std::time::Instant::now();
    loop {
        let (ids, _) = archived(&store).await;
        if ids.len() >= expected || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = stop.send(());
    running.await.expect("archiver task").expect("archiver");
}

fn settings(prefix: &str, max_events: usize) -> BatchSettings {
    BatchSettings {
        max_events,
        max_wait: Duration::from_millis(300),
        topic_prefix: prefix.to_owned(),
        // Its own group: tests of other prefixes on the shared broker never rebalance with it.
        group: format!("archiver-{prefix}"),
        ..BatchSettings::default()
    }
}

async fn every_event_archived_once(bus: Arc<dyn EventBus>, store: Arc<dyn ObjectStore>, prefix: &str) {
    let ids = publish(bus.as_ref(), prefix, 300).await;
    archive_until(bus.clone(), store.clone(), prefix, settings(prefix, 40), ids.len()).await;
    let (found, overlaps) = archived(&store).await;
    assert_eq!(found, ids, "every event once");
    assert_eq!(overlaps, 0);
    // Each day's index lists its objects with counts and checksums that match them.
    let archive = Archive::new(store.clone());
    let objects = archive.objects_since(DateTime::UNIX_EPOCH).await.expect("index");
    assert!(
        objects
            .iter()
            .any(|o| o.first_time.date_naive() > Utc::now().date_naive()),
        "a second day"
    );
    for object in &objects {
        let head = store.head(&object.key).await.expect("head").expect("object");
        assert_eq!(head.sha256, object.sha256);
        assert!(
            object.topic == "task-events" || object.topic == "notification-events",
            "{}",
            object.topic
        );
    }
    assert!(
        todo_kit::metrics::metrics()
            .render()
            .contains("archived_events_total{service=\"archiver\",topic=\"task-events\"}"),
        "archived_events_total is exported"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_lands_once_on_memory_bus_and_folder() {
    let store = TestObjectStore::folder();
    let bus: Arc<dyn EventBus> = Arc::new(todo_kit::bus::MemoryBus::new());
    every_event_archived_once(bus, store.store(), "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_lands_once_on_kafka_and_s3() {
    let bus = todo_kit::bus::connect(&format!("kafka://{}", todo_testing::kafka_brokers()), 1).expect("kafka");
    let prefix = format!("ar{}.", uuid::Uuid::new_v4().simple());
    let store = TestObjectStore::s3();
    every_event_archived_once(bus, store.store(), &prefix).await;
}

/// A store that stops answering (forever) when asked to write its `stall_at`-th index: the archiver
/// is then stuck between writing an object and recording it, where the test kills it.
#[derive(Debug)]
struct StallingStore {
    inner: Arc<dyn ObjectStore>,
    index_writes: std::sync::atomic::AtomicUsize,
    stall_at: usize,
    stalled: tokio::sync::Notify,
}

#[async_trait]
impl ObjectStore for StallingStore {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<ObjectInfo, ObjectStoreError> {
        if key.starts_with("index/") {
            let n = self.index_writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            if n >= self.stall_at {
                self.stalled.notify_one();
                std::future::pending::<()>().await;
            }
        }
        self.inner.put(key, bytes).await
    }
    async fn get(&self, key: &str) -> Result<Option<Bytes>, ObjectStoreError> {
        self.inner.get(key).await
    }
    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectStoreError> {
        self.inner.head(key).await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<ListedObject>, ObjectStoreError> {
        self.inner.list(prefix).await
    }
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        self.inner.delete(key).await
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

async fn a_crash_between_object_and_index_archives_nothing_twice(bus: Arc<dyn EventBus>, prefix: &str) {
    let test_store = TestObjectStore::folder();
    let store = test_store.store();
    let ids = publish(bus.as_ref(), prefix, 300).await;
    // First run: batches of 50, stuck (and then killed) after its third object is written.
    let stalling = Arc::new(StallingStore {
        inner: store.clone(),
        index_writes: Default::default(),
        stall_at: 3,
        stalled: tokio::sync::Notify::new(),
    });
    let first = {
        let (bus, stalling, topics, settings) = (bus.clone(), stalling.clone(), topics(prefix), settings(prefix, 50));
        tokio::spawn(async move {
            let archive = Archive::new(stalling);
            archiver::archive(bus.as_ref(), &archive, &topics, &settings, std::future::pending()).await
        })
    };
    tokio::time::timeout(Duration::from_secs(60), stalling.stalled.notified())
        .await
        .expect("the archiver reached its third index write");
    first.abort();
    let _ = first.await;
    let orphans = store.list("events/").await.expect("list").len();
    assert!(orphans >= 3, "objects written before the crash: {orphans}");
    // Second run: other batch sizes, from the last commit.
    archive_until(bus, store.clone(), prefix, settings(prefix, 17), ids.len()).await;
    let (found, overlaps) = archived(&store).await;
    assert_eq!(found, ids, "every event exactly once in the indexes");
    assert_eq!(overlaps, 0, "no object repeats another's offsets");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_batch_archives_each_event_once_on_memory_bus() {
    let bus: Arc<dyn EventBus> = Arc::new(todo_kit::bus::MemoryBus::new());
    a_crash_between_object_and_index_archives_nothing_twice(bus, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_batch_archives_each_event_once_on_kafka() {
    let bus = todo_kit::bus::connect(&format!("kafka://{}", todo_testing::kafka_brokers()), 1).expect("kafka");
    let prefix = format!("ac{}.", uuid::Uuid::new_v4().simple());
    a_crash_between_object_and_index_archives_nothing_twice(bus, &prefix).await;
}
