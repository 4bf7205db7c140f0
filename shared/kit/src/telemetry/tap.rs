//! The process's own recent warnings and errors, kept as the JSON lines Loki would store, for a
//! watcher in the same process: `todo serve` runs aiops beside the functions it watches and has
//! no Loki, so aiops reads the lines from here instead of from Loki's query API.
//!
//! Off unless [`enable`] is called before [`super::init`]: a function in the cluster ships its
//! lines to Loki and keeps none. Bounded: past its capacity the oldest line goes. Lines are
//! written by the same [`super::json::JsonLines`] format as the logs themselves, whatever
//! `LOG_FORMAT` says, so that a reader parses one format.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};

/// The tap [`super::init`] writes to, once [`enable`]d.
static TAP: OnceLock<Arc<LogTap>> = OnceLock::new();

/// How many lines the process tap keeps: an hour of a burst of 3 lines a second.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Turns the process tap on (the first call decides its capacity) and returns it; call before
/// [`super::init`], which installs the layer that fills it.
pub fn enable(capacity: usize) -> Arc<LogTap> {
    TAP.get_or_init(|| Arc::new(LogTap::new(capacity))).clone()
}

/// The process tap, if [`enable`] turned it on.
pub fn get() -> Option<Arc<LogTap>> {
    TAP.get().cloned()
}

/// One kept line and its own timestamp.
#[derive(Debug, Clone)]
struct Kept {
    at: DateTime<Utc>,
    line: String,
}

/// A bounded buffer of JSON log lines, oldest first.
#[derive(Debug)]
pub struct LogTap {
    capacity: usize,
    lines: Mutex<VecDeque<Kept>>,
}

impl LogTap {
    /// An empty tap keeping at most `capacity` lines (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            lines: Mutex::new(VecDeque::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Kept>> {
        self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `line` (one JSON object) if it has an RFC 3339 `timestamp`; anything else is dropped.
    pub fn push(&self, line: &str) {
        #[derive(serde::Deserialize)]
        struct Stamped<'a> {
            #[serde(borrow)]
            timestamp: std::borrow::Cow<'a, str>,
        }
        let line = line.trim_end();
        let Some(at) = serde_json::from_str::<Stamped<'_>>(line)
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(&s.timestamp).ok())
        else {
            return;
        };
        let mut lines = self.lock();
        if lines.len() >= self.capacity {
            lines.pop_front();
        }
        lines.push_back(Kept {
            at: at.with_timezone(&Utc),
            line: line.to_owned(),
        });
    }

    /// The lines stamped at or after `start` and before `end`, oldest first.
    pub fn between(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|kept| kept.at >= start && kept.at < end)
            .map(|kept| kept.line.clone())
            .collect()
    }

    /// How many lines it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds no line.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The writer the tap's layer formats each event into: one `write` of the whole line, kept when
/// the writer is dropped.
pub(super) struct TapWriter {
    tap: Arc<LogTap>,
    buffer: Vec<u8>,
}

impl io::Write for TapWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for TapWriter {
    fn drop(&mut self) {
        if let Ok(text) = std::str::from_utf8(&self.buffer) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                self.tap.push(line);
            }
        }
    }
}

/// Makes a [`TapWriter`] per event.
#[derive(Clone)]
pub(super) struct MakeTapWriter(pub(super) Arc<LogTap>);

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for MakeTapWriter {
    type Writer = TapWriter;

    fn make_writer(&'a self) -> Self::Writer {
        TapWriter {
            tap: self.0.clone(),
            buffer: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at: &str, message: &str) -> String {
        serde_json::json!({"timestamp": at, "level": "ERROR", "message": message}).to_string()
    }

    #[test]
    fn keeps_stamped_lines_up_to_its_capacity_and_answers_a_window() {
        let tap = LogTap::new(2);
        tap.push(&line("2026-12-04T10:00:00Z", "first"));
        tap.push("not json");
        tap.push(r#"{"level":"ERROR","message":"no timestamp"}"#);
        tap.push(&line("2026-12-04T10:00:30.5Z", "second"));
        tap.push(&line("2026-12-04T10:01:00Z", "third"));
        assert_eq!(tap.len(), 2, "the oldest went");
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let window = tap.between(at("2026-12-04T10:00:00Z"), at("2026-12-04T10:01:00Z"));
        assert_eq!(window.len(), 1, "the end is excluded: {window:?}");
        assert!(window[0].contains("second"));
    }

    #[test]
    fn a_writer_keeps_each_line_it_was_given_when_dropped() {
        let tap = Arc::new(LogTap::new(10));
        {
            let mut writer = tracing_subscriber::fmt::MakeWriter::make_writer(&MakeTapWriter(tap.clone()));
            io::Write::write_all(&mut writer, line("2026-12-04T10:00:00Z", "a").as_bytes()).unwrap();
            io::Write::write_all(&mut writer, b"\n").unwrap();
            assert!(tap.is_empty(), "nothing is kept before the event is complete");
        }
        assert_eq!(tap.len(), 1);
    }
}
