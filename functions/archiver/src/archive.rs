//! The archive in an object store: writing a batch so that each event is held once however often
//! the same offsets arrive, and reading back what was archived.
//!
//! A batch is written in three steps, each safe to repeat: its object (a key made of its offset
//! range), its day's index, the partition's position; only then does the consumer commit its
//! offsets. A crash between two steps means the same offsets arrive again from the last commit,
//! so the next batch of that partition starts at the same offset as the object already written,
//! whatever its size. Before writing, the archive looks for an object starting there: one found
//! is adopted (indexed, its range skipped) instead of written again under another range.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use cloudevents::{AttributesReader, Event};
use todo_objects::{ObjectInfo, ObjectStore, ObjectStoreError};

use crate::codec::{self, CodecError};
use crate::layout;
use crate::model::{ArchivedObject, DayIndex, Position};

/// Why the archive could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Store(#[from] ObjectStoreError),
    #[error("{key}: {error}")]
    Codec { key: String, error: CodecError },
    #[error("{key} is not valid JSON: {error}")]
    Record { key: String, error: serde_json::Error },
    #[error("{key}: {found} events where the index says {expected}")]
    Count { key: String, expected: u64, found: u64 },
}

/// Consecutive events of one partition of one day, about to be archived.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The topic (without a deployment's prefix).
    pub topic: String,
    pub log: String,
    pub partition: i32,
    pub date: NaiveDate,
    /// The events with their offsets, in offset order.
    pub events: Vec<(i64, Event)>,
}

impl Batch {
    fn last(&self) -> Option<i64> {
        self.events.last().map(|(offset, _)| *offset)
    }
}

/// What writing a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Every offset up to this one is archived.
    pub last_offset: i64,
    /// Events written in new objects.
    pub events: u64,
    /// Objects written.
    pub objects: u64,
    /// Objects found already written and adopted.
    pub adopted: u64,
}

/// The index entry of the object `info` describes, holding `events` of `batch`'s partition at
/// offsets `range`.
fn entry<'a>(
    batch: &Batch,
    info: ObjectInfo,
    range: (i64, i64),
    events: impl Iterator<Item = &'a Event>,
) -> ArchivedObject {
    let (mut count, mut span) = (0, None::<(DateTime<Utc>, DateTime<Utc>)>);
    for event in events {
        count += 1;
        if let Some(&time) = event.time() {
            span = Some(span.map_or((time, time), |(first, last)| (first.min(time), last.max(time))));
        }
    }
    let (first_time, last_time) = span.unwrap_or_else(|| (Utc::now(), Utc::now()));
    ArchivedObject {
        key: info.key,
        topic: batch.topic.clone(),
        log: batch.log.clone(),
        partition: batch.partition,
        first_offset: range.0,
        last_offset: range.1,
        count,
        bytes: info.size,
        sha256: info.sha256,
        first_time,
        last_time,
    }
}

/// An event archive in an object store.
#[derive(Debug, Clone)]
pub struct Archive {
    store: Arc<dyn ObjectStore>,
}

impl Archive {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Where the archive is, for messages.
    pub fn describe(&self) -> String {
        self.store.describe()
    }

    /// The last offset archived of a partition, if any.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub async fn position(&self, log: &str, topic: &str, partition: i32) -> Result<Option<i64>, ArchiveError> {
        let key = layout::position_key(log, topic, partition);
        Ok(self.json::<Position>(&key).await?.map(|p| p.last_offset))
    }

    /// Archives `batch` (see the module documentation) and returns how far its partition is now
    /// archived. Events at or before an adopted object's last offset are not written again.
    ///
    /// # Errors
    /// When the store fails; nothing is then recorded as archived that is not.
    pub async fn write(&self, batch: &Batch) -> Result<Written, ArchiveError> {
        let mut events: &[(i64, Event)] = &batch.events;
        let mut written = Written {
            last_offset: batch.last().unwrap_or(-1),
            ..Written::default()
        };
        while let Some((first, _)) = events.first() {
            let prefix = layout::range_prefix(&batch.topic, batch.date, &batch.log, batch.partition, *first);
            let found = self.store.list(&prefix).await?;
            let adopted = found
                .iter()
                .filter_map(|o| layout::offsets(&o.key).map(|(_, last)| (last, o.key.clone())))
                .max();
            let (object, last) = match adopted {
                Some((last, key)) => {
                    let object = self.describe_existing(batch, &key).await?;
                    written.adopted += 1;
                    (object, last)
                }
                None => {
                    let object = self.put_events(batch, events).await?;
                    written.objects += 1;
                    written.events += object.count;
                    let last = object.last_offset;
                    (object, last)
                }
            };
            self.record(batch.date, &object).await?;
            written.last_offset = written.last_offset.max(last);
            events = &events[events.partition_point(|(offset, _)| *offset <= last)..];
        }
        Ok(written)
    }

    /// Writes `events` as one object and returns its index entry.
    async fn put_events(&self, batch: &Batch, events: &[(i64, Event)]) -> Result<ArchivedObject, ArchiveError> {
        let first = events.first().map_or(0, |(offset, _)| *offset);
        let last = events.last().map_or(first, |(offset, _)| *offset);
        let key = layout::object_key(&batch.topic, batch.date, &batch.log, batch.partition, first, last);
        let bytes = codec::encode(events.iter().map(|(_, event)| event)).map_err(|error| ArchiveError::Codec {
            key: key.clone(),
            error,
        })?;
        let info = self.store.put(&key, Bytes::from(bytes)).await?;
        Ok(entry(batch, info, (first, last), events.iter().map(|(_, e)| e)))
    }

    /// The index entry of an object written before (by a run that stopped before recording it).
    async fn describe_existing(&self, batch: &Batch, key: &str) -> Result<ArchivedObject, ArchiveError> {
        let bytes = self.store.get(key).await?.unwrap_or_default();
        let events = codec::decode(&bytes).map_err(|error| ArchiveError::Codec {
            key: key.to_owned(),
            error,
        })?;
        let info = self.store.head(key).await?.unwrap_or_else(|| ObjectInfo {
            key: key.to_owned(),
            size: bytes.len() as u64,
            sha256: String::new(),
        });
        Ok(entry(
            batch,
            info,
            layout::offsets(key).unwrap_or_default(),
            events.iter(),
        ))
    }

    /// Lists `object` in its day's index and moves its partition's position to it.
    async fn record(&self, date: NaiveDate, object: &ArchivedObject) -> Result<(), ArchiveError> {
        let index_key = layout::index_key(date, &object.topic, &object.log, object.partition);
        let mut index = self.json::<DayIndex>(&index_key).await?.unwrap_or_default();
        index.date = Some(date);
        if index.add(object.clone()) {
            self.put_json(&index_key, &index).await?;
        }
        let position = Position {
            log: object.log.clone(),
            topic: object.topic.clone(),
            partition: object.partition,
            last_offset: object.last_offset,
            key: object.key.clone(),
        };
        let position_key = layout::position_key(&object.log, &object.topic, object.partition);
        let known = self.json::<Position>(&position_key).await?;
        if known.is_none_or(|k| k.last_offset < position.last_offset) {
            self.put_json(&position_key, &position).await?;
        }
        Ok(())
    }

    /// Every archived object whose events may be at or after `since`, in order of topic, log,
    /// partition and offset (the order to replay them in).
    ///
    /// # Errors
    /// When the store cannot be read or holds an index that is not one.
    pub async fn objects_since(&self, since: DateTime<Utc>) -> Result<Vec<ArchivedObject>, ArchiveError> {
        let mut objects = Vec::new();
        for listed in self.store.list(layout::INDEX_PREFIX).await? {
            // An object's day is its first event's; its later events may be a day on.
            let Some(date) = layout::index_date(&listed.key) else {
                continue;
            };
            if date.succ_opt().unwrap_or(date) < since.date_naive() {
                continue;
            }
            if let Some(index) = self.json::<DayIndex>(&listed.key).await? {
                objects.extend(index.objects.into_iter().filter(|o| o.last_time >= since));
            }
        }
        objects.sort_by(|a, b| {
            (&a.topic, &a.log, a.partition, a.first_offset).cmp(&(&b.topic, &b.log, b.partition, b.first_offset))
        });
        Ok(objects)
    }

    /// The events of an archived object, checked against its index entry.
    ///
    /// # Errors
    /// A missing or damaged object, or one holding another number of events than its entry says.
    pub async fn read(&self, object: &ArchivedObject) -> Result<Vec<Event>, ArchiveError> {
        let bytes = self.store.get(&object.key).await?.ok_or_else(|| ArchiveError::Count {
            key: object.key.clone(),
            expected: object.count,
            found: 0,
        })?;
        let events = codec::decode(&bytes).map_err(|error| ArchiveError::Codec {
            key: object.key.clone(),
            error,
        })?;
        if events.len() as u64 != object.count {
            return Err(ArchiveError::Count {
                key: object.key.clone(),
                expected: object.count,
                found: events.len() as u64,
            });
        }
        Ok(events)
    }

    async fn json<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ArchiveError> {
        match self.store.get(key).await? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| ArchiveError::Record {
                    key: key.to_owned(),
                    error,
                }),
        }
    }

    async fn put_json<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<(), ArchiveError> {
        let bytes = serde_json::to_vec_pretty(value).map_err(|error| ArchiveError::Record {
            key: key.to_owned(),
            error,
        })?;
        self.store.put(key, Bytes::from(bytes)).await?;
        Ok(())
    }
}
