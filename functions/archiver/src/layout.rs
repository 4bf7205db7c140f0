//! Where the archive keeps what, in one place: the writer, the reader (replay) and the tests all
//! build keys here.
//!
//! ```text
//! events/{topic}/{date}/{log}/p{partition}-{first}-{last}.jsonl.gz   the events, gzip JSON lines
//! index/{date}/{topic}/{log}-p{partition}.json                       that day's objects, with counts and checksums
//! positions/{log}/{topic}/p{partition}.json                          the last offset archived
//! ```
//!
//! `{log}` names the log the offsets count in (the Kafka cluster's id, or a memory bus of one
//! `todo serve` run): a new cluster starts again at offset 0 and must not be mistaken for what was
//! archived already. Offsets are zero-padded to 20 digits so keys sort in offset order, and a
//! batch's key depends only on its range: archiving the same range again writes the same key.

use chrono::NaiveDate;

/// The key of the object holding offsets `first..=last` of one partition.
pub fn object_key(topic: &str, date: NaiveDate, log: &str, partition: i32, first: i64, last: i64) -> String {
    format!(
        "{}{last:020}.jsonl.gz",
        range_prefix(topic, date, log, partition, first)
    )
}

/// The start of the key of every object of one partition whose range begins at `first`.
pub fn range_prefix(topic: &str, date: NaiveDate, log: &str, partition: i32, first: i64) -> String {
    format!("events/{topic}/{date}/{log}/p{partition:03}-{first:020}-")
}

/// The first and last offsets of an object, read from its key.
pub fn offsets(key: &str) -> Option<(i64, i64)> {
    let name = key.strip_suffix(".jsonl.gz")?.rsplit('/').next()?;
    let mut parts = name.strip_prefix('p')?.split('-').skip(1);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The index of one day's objects of one partition.
pub fn index_key(date: NaiveDate, topic: &str, log: &str, partition: i32) -> String {
    format!("index/{date}/{topic}/{log}-p{partition:03}.json")
}

/// Where every index lives.
pub const INDEX_PREFIX: &str = "index/";

/// The day an index key is about.
pub fn index_date(key: &str) -> Option<NaiveDate> {
    key.strip_prefix(INDEX_PREFIX)?.split('/').next()?.parse().ok()
}

/// The record of how far one partition is archived.
pub fn position_key(log: &str, topic: &str, partition: i32) -> String {
    format!("positions/{log}/{topic}/p{partition:03}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_by_offset_and_give_their_range_back() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
        let a = object_key("task-events", day, "kafka-x", 2, 9, 99);
        let b = object_key("task-events", day, "kafka-x", 2, 100, 120);
        assert_eq!(
            a,
            "events/task-events/2026-12-03/kafka-x/p002-00000000000000000009-00000000000000000099.jsonl.gz"
        );
        assert!(a < b);
        assert!(a.starts_with(&range_prefix("task-events", day, "kafka-x", 2, 9)));
        assert_eq!(offsets(&a), Some((9, 99)));
        let index = index_key(day, "task-events", "kafka-x", 2);
        assert_eq!(index_date(&index), Some(day));
    }
}
