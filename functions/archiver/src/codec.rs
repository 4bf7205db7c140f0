//! An archived object's bytes: structured CloudEvents (JSON), one per line, gzip-compressed. Any
//! tool reads them back (`zcat | jq`). The gzip header carries no time, so the same events always
//! compress to the same bytes and an object archived again is byte-for-byte the one before.

use std::io::{BufRead, Write};

use cloudevents::Event;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

/// Why an object's bytes are not an archive of events.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("not gzip JSON lines: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line} is not a CloudEvent: {error}")]
    Event { line: usize, error: serde_json::Error },
}

/// `events` as gzip JSON lines.
///
/// # Errors
/// Only when an event cannot be serialised (it always can) or compression fails.
pub fn encode<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<Vec<u8>, CodecError> {
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    for event in events {
        serde_json::to_writer(&mut gzip, event).map_err(std::io::Error::other)?;
        gzip.write_all(b"\n")?;
    }
    Ok(gzip.finish()?)
}

/// The events of an archived object, in their order.
///
/// # Errors
/// Bytes that are not gzip, or a line that is not a CloudEvent.
pub fn decode(bytes: &[u8]) -> Result<Vec<Event>, CodecError> {
    let reader = std::io::BufReader::new(MultiGzDecoder::new(bytes));
    let mut events = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        let event = serde_json::from_str(&line).map_err(|error| CodecError::Event { line: index + 1, error })?;
        events.push(event);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudevents::{EventBuilder, EventBuilderV10};

    fn event(id: &str) -> Event {
        EventBuilderV10::new()
            .id(id)
            .source("/tests")
            .ty("task.created")
            .data("application/json", serde_json::json!({"task_id": 1, "title": "x\ny"}))
            .build()
            .expect("event")
    }

    #[test]
    fn events_come_back_whole_and_the_bytes_are_the_same_every_time() {
        let events = vec![event("a"), event("b")];
        let bytes = encode(&events).expect("encode");
        assert_eq!(bytes, encode(&events).expect("again"), "deterministic");
        assert_eq!(decode(&bytes).expect("decode"), events);
        assert!(decode(b"not gzip").is_err());
    }
}
