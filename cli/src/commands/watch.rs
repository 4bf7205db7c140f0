//! `todo watch`: prints the user's task events as they happen, from the server's Server-Sent
//! Events stream (`GET /api/stream`). A dropped connection is resumed with `Last-Event-ID`, so a
//! server restart or a network blip loses nothing the server still holds.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Local, Utc};
use serde_json::Value;

use crate::args::WatchArgs;
use crate::client::Client;

/// Pause before reconnecting after the stream ended.
const RECONNECT: Duration = Duration::from_secs(1);

/// One Server-Sent Event.
#[derive(Debug, Default, PartialEq)]
struct SseEvent {
    id: Option<String>,
    event: String,
    data: String,
}

/// Accumulates stream bytes into events (the SSE line format: `field: value`, blank line ends).
#[derive(Debug, Default)]
struct SseParser {
    buffer: String,
    current: SseEvent,
}

impl SseParser {
    fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buffer.push_str(&String::from_utf8_lossy(chunk));
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find('\n') {
            let line: String = self.buffer.drain(..=end).collect();
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                let event = std::mem::take(&mut self.current);
                if !event.data.is_empty() || !event.event.is_empty() {
                    events.push(event);
                }
                continue;
            }
            if line.starts_with(':') {
                continue; // keep-alive comment
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => self.current.id = Some(value.to_owned()),
                "event" => value.clone_into(&mut self.current.event),
                "data" => {
                    if !self.current.data.is_empty() {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(value);
                }
                _ => {}
            }
        }
        events
    }
}

/// Runs until interrupted (or, with `--count N`, after N events).
///
/// # Errors
/// When the server refuses the stream (e.g. a bad token) or cannot be reached at the start.
pub(crate) async fn run(client: &Client, args: WatchArgs) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()?;
    let url = format!("{}/api/stream", client.base());
    let mut last_id: Option<String> = None;
    let mut seen = 0usize;
    let mut connected_once = false;
    if !args.json {
        eprintln!("Watching {url} (Ctrl-C to stop)");
    }
    loop {
        let mut request = http
            .get(&url)
            .bearer_auth(client.token())
            .header("accept", "text/event-stream");
        if let Some(id) = &last_id {
            request = request.header("last-event-id", id);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) if connected_once => {
                tracing::debug!(%error, "stream reconnect failed");
                tokio::time::sleep(RECONNECT).await;
                continue;
            }
            Err(error) => bail!(
                "cannot reach the todo server at {}: {error}; is `todo serve` running?",
                client.base()
            ),
        };
        if !response.status().is_success() {
            let status = response.status();
            let body: Value = response.json().await.unwrap_or_default();
            bail!("{}", Client::problem(status, &body));
        }
        connected_once = true;
        let mut parser = SseParser::default();
        while let Some(chunk) = response.chunk().await.unwrap_or(None) {
            for event in parser.feed(&chunk) {
                if event.id.is_some() {
                    last_id.clone_from(&event.id);
                }
                print_event(&event, args.json)?;
                seen += 1;
                if args.count.is_some_and(|count| seen >= count) {
                    return Ok(());
                }
            }
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

fn print_event(event: &SseEvent, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", event.data).context("stdout closed")?;
        return out.flush().context("stdout closed");
    }
    if event.event == "gap" {
        writeln!(out, "(some events were missed; run `todo list` to catch up)").context("stdout closed")?;
        return Ok(());
    }
    let cloudevent: Value = serde_json::from_str(&event.data).unwrap_or_default();
    writeln!(out, "{}", describe(&event.event, &cloudevent)).context("stdout closed")?;
    out.flush().context("stdout closed")
}

/// One line for people: local time, event type, task number and what changed.
fn describe(event_type: &str, cloudevent: &Value) -> String {
    let data = &cloudevent["data"];
    let time = cloudevent["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Local).format("%H:%M:%S").to_string())
        .unwrap_or_default();
    let task = data["task_id"].as_i64().map(|id| format!("#{id}")).unwrap_or_default();
    let detail = match event_type {
        "task.created" => format!("\"{}\"", data["title"].as_str().unwrap_or_default()),
        "task.updated" => {
            let fields: Vec<&str> = data["changed_fields"]
                .as_array()
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!("changed {}", fields.join(", "))
        }
        "task.deleted" => data["deletion_reason"]
            .as_str()
            .map(|r| format!("reason: {r}"))
            .unwrap_or_default(),
        "task.due_soon" => format!("due in {} h", data["hours_remaining"]),
        "task.overdue" => format!("overdue by {} day(s)", data["days_overdue"]),
        "task.reminder" => format!(
            "reminder: \"{}\" due {}",
            data["title"].as_str().unwrap_or_default(),
            local_time(data["due_at"].as_str())
        ),
        _ => String::new(),
    };
    format!("{time}  {event_type:<15} {task:<6} {detail}")
        .trim_end()
        .to_owned()
}

fn local_time(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|t| t.parse::<DateTime<Utc>>().ok())
        .map(|t| t.with_timezone(&Local).format("%a %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_comments_are_parsed() {
        let mut parser = SseParser::default();
        assert!(parser.feed(b": keep-alive\n\nid: 1\nevent: task.cre").is_empty());
        let events = parser.feed(b"ated\ndata: {\"a\":1}\n\nid: 2\r\nevent: gap\r\ndata: x\r\ndata: y\r\n\r\n");
        assert_eq!(
            events,
            [
                SseEvent {
                    id: Some("1".into()),
                    event: "task.created".into(),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    id: Some("2".into()),
                    event: "gap".into(),
                    data: "x\ny".into()
                },
            ]
        );
    }

    #[test]
    fn a_line_names_the_task_and_what_happened() {
        let event = serde_json::json!({
            "time": "2026-01-05T10:00:00Z",
            "data": {"task_id": 7, "changed_fields": ["title", "priority"]}
        });
        let line = describe("task.updated", &event);
        assert!(
            line.ends_with("task.updated    #7     changed title, priority"),
            "{line}"
        );
    }
}
