//! What the archive records besides the events: each day's index of objects and each partition's
//! position.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One archived object, as its day's index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedObject {
    /// Its key in the store.
    pub key: String,
    /// The topic its events came from (without a deployment's prefix).
    pub topic: String,
    /// The log its offsets count in.
    pub log: String,
    /// The partition.
    pub partition: i32,
    /// Offset of its first event.
    pub first_offset: i64,
    /// Offset of its last event.
    pub last_offset: i64,
    /// How many events it holds (fewer than the range when records were not events).
    pub count: u64,
    /// Its size in bytes, compressed.
    pub bytes: u64,
    /// SHA-256 of its bytes, in hex.
    pub sha256: String,
    /// The `time` of its first and last events.
    pub first_time: DateTime<Utc>,
    pub last_time: DateTime<Utc>,
}

/// One day's objects of one partition, in offset order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayIndex {
    pub date: Option<NaiveDate>,
    pub objects: Vec<ArchivedObject>,
}

impl DayIndex {
    /// Adds `object` unless it is listed already (the same range archived again has the same key).
    /// Returns whether it was added.
    pub fn add(&mut self, object: ArchivedObject) -> bool {
        if self.objects.iter().any(|o| o.key == object.key) {
            return false;
        }
        self.objects.push(object);
        self.objects.sort_by_key(|o| o.first_offset);
        true
    }
}

/// How far one partition of one log is archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub log: String,
    pub topic: String,
    pub partition: i32,
    /// Every offset up to this one is in the archive (or was not an event).
    pub last_offset: i64,
    /// The object that holds it.
    pub key: String,
}
