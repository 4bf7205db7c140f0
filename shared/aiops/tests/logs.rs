//! Log templates and error bursts: Drain merges lines that differ only in values and keeps
//! different messages apart, memory stays bounded, JSON lines parse (and other lines are
//! skipped), and a new error that floods is flagged once, near its start, among steady logs.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use todo_aiops::logs::{BurstSettings, Level, LogBurstDetector, LogLine, MinerSettings, TemplateMiner, tokenize};

fn miner() -> TemplateMiner {
    TemplateMiner::new(MinerSettings::default())
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).unwrap()
}

/// One line as `todo_kit::telemetry::json` writes it.
fn json_line(at: DateTime<Utc>, level: &str, service: &str, message: &str) -> String {
    serde_json::json!({
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "level": level,
        "service": service,
        "target": format!("{}::routes", service.replace('-', "_")),
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "message": message,
    })
    .to_string()
}

#[test]
fn lines_that_differ_only_in_values_share_a_template() {
    // Arrange
    let mut miner = miner();
    let pairs = [
        (
            "task 0192f3a4-7c1e-7d2b-9a61-5f4e3d2c1b0a not found",
            "task 0192f3a5-0000-7d2b-9a61-5f4e3d2c1b0b not found",
            "task <*> not found",
        ),
        (
            "call to task-api failed after 3 attempts in 412ms",
            "call to task-api failed after 5 attempts in 1.2s",
            "call to task-api failed after <*> attempts in <*>",
        ),
        (
            "connection to 10.244.0.17:5432 refused",
            "connection to 10.244.0.23:5432 refused",
            "connection to <*> refused",
        ),
        (
            "outbox batch published rows=50 elapsed=12ms",
            "outbox batch published rows=7 elapsed=3.5ms",
            "outbox batch published rows=<*> elapsed=<*>",
        ),
        (
            r#"no intent recognised in "add milk to my list", asking again"#,
            r#"no intent recognised in "remind me", asking again"#,
            "no intent recognised in <*>, asking again",
        ),
        (
            "span 00f067aa0ba902b7 of trace 4bf92f3577b34da6a3ce929d0e0e4736 dropped",
            "span 00f067aa0ba902b8 of trace 4bf92f3577b34da6a3ce929d0e0e4737 dropped",
            "span <*> of trace <*> dropped",
        ),
        // Not maskable, but Drain generalises the one differing word.
        (
            "webhook delivery to acme failed",
            "webhook delivery to globex failed",
            "webhook delivery to <*> failed",
        ),
    ];

    for (first, second, template) in pairs {
        // Act
        let (a, a_new) = miner.add(first);
        let (b, b_new) = miner.add(second);

        // Assert
        assert!(a_new && !b_new, "{first} / {second}");
        assert_eq!(a, b, "{first} / {second}");
        assert_eq!(miner.template(a), Some(template));
        assert_eq!(miner.count(a), Some(2));
    }
    assert_eq!(miner.len(), pairs.len());
}

#[test]
fn different_messages_keep_different_templates() {
    // Arrange
    let mut miner = miner();
    let messages = [
        "event sent to dead-letter",
        "session expired",
        "database connection lost",
        "webhook delivery failed",
        "outbox row published to task-events",
        "telemetry initialised",
        "request failed with status 503",
    ];

    // Act
    let ids: Vec<_> = messages.iter().map(|m| miner.add(m)).collect();
    let again = miner.add("database connection lost");

    // Assert
    assert!(ids.iter().all(|(_, new)| *new));
    let mut distinct: Vec<_> = ids.iter().map(|(id, _)| *id).collect();
    distinct.dedup();
    assert_eq!(distinct.len(), messages.len());
    assert_eq!(again, (ids[2].0, false));
    assert_eq!(miner.template(ids[0].0), Some("event sent to dead-letter"));
    assert_eq!(miner.find("request failed with status 404"), Some(ids[6].0));
    assert_eq!(miner.find("something else entirely"), None);
}

#[test]
fn masking_covers_numbers_units_hex_uuids_addresses_times_and_quotes() {
    let tokens = tokenize(
        r#"took 12ms (2m30s) at 2026-03-14T12:00:03.512Z from [::1]:8080 id=0x1f user='Jane Doe' size=3MiB v2 task-api"#,
    );
    assert_eq!(
        tokens,
        [
            "took", "<*>", "(<*>)", "at", "<*>", "from", "<*>", "id=<*>", "user=<*>", "size=<*>", "v2", "task-api"
        ]
    );
}

#[test]
fn the_miner_forgets_the_least_recently_used_template_when_full() {
    // Arrange
    let mut miner = TemplateMiner::new(MinerSettings {
        max_clusters: 3,
        ..MinerSettings::default()
    });
    let (alpha, _) = miner.add("alpha happened");
    let (beta, _) = miner.add("beta went wrong here");
    let (gamma, _) = miner.add("gamma is slow");
    miner.add("alpha happened");

    // Act
    let (delta, new) = miner.add("delta broke down completely now");

    // Assert: beta was used least recently.
    assert!(new);
    assert_eq!(miner.len(), 3);
    assert_eq!(miner.evictions(), 1);
    assert_eq!(miner.template(beta), None);
    assert!(miner.template(alpha).is_some() && miner.template(gamma).is_some());
    assert!(delta > gamma, "ids are never reused");
    let (beta_again, new) = miner.add("beta went wrong here");
    assert!(new && beta_again != beta);
}

#[test]
fn json_lines_parse_in_both_formats_and_other_lines_are_skipped() {
    // Arrange
    let ours = json_line(start(), "ERROR", "notifier", "event sent to dead-letter");
    let subscriber = r#"{"timestamp":"2026-03-14T12:00:01.250431Z","level":"WARN","fields":{"message":"retrying publish","attempt":2},"target":"outbox_relay::relay","span":{"batch":17,"name":"publish"},"spans":[{"batch":17,"name":"publish"}]}"#;
    let fields_only = r#"{"timestamp":"2026-03-14T12:00:02+01:00","level":"info","fields":{"rows":3},"target":"x"}"#;
    let not_lines = [
        "thread 'main' panicked at functions/task-api/src/main.rs:12:5:",
        "",
        "{not json",
        r#"["an", "array"]"#,
        r#"{"level":"ERROR","message":"no timestamp"}"#,
        r#"{"timestamp":"yesterday","level":"ERROR","message":"bad time"}"#,
        r#"{"timestamp":"2026-03-14T12:00:00Z","level":"LOUD","message":"bad level"}"#,
    ];

    // Act
    let ours = LogLine::parse(&ours).unwrap();
    let subscriber = LogLine::parse(subscriber).unwrap();
    let fields_only = LogLine::parse(fields_only).unwrap();

    // Assert
    assert_eq!(ours.timestamp, start());
    assert_eq!(ours.level, Level::Error);
    assert_eq!(ours.target, "notifier::routes");
    assert_eq!(ours.message, "event sent to dead-letter");
    assert_eq!(ours.service.as_deref(), Some("notifier"));
    assert_eq!(subscriber.message, "retrying publish");
    assert_eq!(subscriber.level, Level::Warn);
    assert_eq!(subscriber.target, "outbox_relay::relay");
    assert_eq!(subscriber.service, None);
    assert_eq!(
        fields_only.timestamp,
        start() + TimeDelta::seconds(2) - TimeDelta::hours(1)
    );
    assert_eq!(fields_only.level, Level::Info);
    assert_eq!(fields_only.message, "");
    for line in not_lines {
        assert_eq!(LogLine::parse(line), None, "{line}");
    }
    let mut detector = LogBurstDetector::new(BurstSettings::default());
    assert!(not_lines.iter().all(|l| detector.observe_raw(l).is_none()));
    assert!(detector.miner().is_empty());
}

#[test]
fn a_consumer_line_belongs_to_its_consumer_not_to_the_process_that_runs_it() {
    // todo serve runs every consumer in one process whose service is todo-serve.
    let shared = r#"{"timestamp":"2026-03-14T12:00:00Z","level":"ERROR","service":"todo-serve","consumer":"notifier","message":"event sent to dead-letter"}"#;
    let own = r#"{"timestamp":"2026-03-14T12:00:00Z","level":"ERROR","service":"todo-serve","message":"cannot bind"}"#;

    assert_eq!(LogLine::parse(shared).unwrap().service.as_deref(), Some("notifier"));
    assert_eq!(LogLine::parse(own).unwrap().service.as_deref(), Some("todo-serve"));
}

/// A stand-in for random counts: deterministic, spread over `low..=high`.
fn counts(seed: u64, low: u64, high: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        low + (state >> 33) % (high - low + 1)
    }
}

/// `n` lines spread evenly over the minute `minute`, the `i`th saying `message(i)`.
fn minute_of(
    lines: &mut Vec<(DateTime<Utc>, String)>,
    minute: i64,
    n: u64,
    (level, service): (&str, &str),
    message: impl Fn(u64) -> String,
) {
    for i in 0..n {
        let at = start() + TimeDelta::minutes(minute) + TimeDelta::milliseconds((60_000 * i / n) as i64);
        lines.push((at, json_line(at, level, service, &message(i))));
    }
}

#[test]
fn a_new_error_template_that_floods_is_flagged_once_near_its_start_and_steady_rates_are_not() {
    // Arrange: an hour of steady logs (info lines counted too), and from minute 40 to 42 a new
    // error at 25 lines a minute. After it stops, single errors again.
    let mut detector = LogBurstDetector::new(BurstSettings {
        min_level: Level::Info,
        ..BurstSettings::default()
    });
    let mut served = counts(7, 20, 40);
    let mut retries = counts(11, 0, 3);
    let mut lines = Vec::new();
    for minute in 0..60 {
        minute_of(&mut lines, minute, served(), ("INFO", "task-api"), |i| {
            format!("request served in {}ms status={}", 3 + i % 40, 200 + i % 2)
        });
        minute_of(&mut lines, minute, retries(), ("WARN", "outbox-relay"), |_| {
            "publish to task-events failed, retrying in 200ms".to_owned()
        });
        minute_of(&mut lines, minute, 2, ("ERROR", "notifier"), |i| {
            format!("webhook {} answered 500", 40 + i)
        });
        let refused = |_| "connection to 10.244.0.9:5432 refused: pool timed out after 5s".to_owned();
        if (40..42).contains(&minute) {
            minute_of(&mut lines, minute, 25, ("ERROR", "task-api"), refused);
        } else if minute == 50 {
            minute_of(&mut lines, minute, 1, ("ERROR", "task-api"), refused);
        }
    }
    lines.sort_by_key(|(at, _)| *at);

    // Act
    let anomalies: Vec<_> = lines.iter().filter_map(|(_, raw)| detector.observe_raw(raw)).collect();

    // Assert
    assert_eq!(anomalies.len(), 1, "{anomalies:#?}");
    let burst = &anomalies[0];
    assert_eq!(burst.template, "connection to <*> refused: pool timed out after <*>");
    assert_eq!(burst.level, Level::Error);
    assert_eq!(burst.service.as_deref(), Some("task-api"));
    assert_eq!(burst.bucket_start, start() + TimeDelta::minutes(40));
    assert_eq!(burst.count, 5, "flagged at the fifth line, 10 s into the burst");
    assert_eq!(burst.expected, 0.0);
    assert!(burst.score > 5.0, "{burst:?}");
    assert!(detector.miner().len() >= 4);
}

#[test]
fn a_known_template_flagged_when_its_rate_jumps_not_when_it_wobbles() {
    // Arrange: a warning at 1 to 3 a minute for half an hour, then 30 in one minute.
    let mut detector = LogBurstDetector::new(BurstSettings::default());
    let mut wobble = counts(3, 1, 3);
    let mut lines = Vec::new();
    let slow = ("WARN", "session-api");
    for minute in 0..30 {
        minute_of(&mut lines, minute, wobble(), slow, |_| {
            "redis command took 250ms, slower than 100ms".to_owned()
        });
    }
    minute_of(&mut lines, 30, 30, slow, |i| {
        format!("redis command took {}ms, slower than 100ms", 900 + i)
    });
    minute_of(&mut lines, 31, 30, slow, |_| {
        "redis command took 2s, slower than 100ms".to_owned()
    });

    // Act
    let anomalies: Vec<_> = lines.iter().filter_map(|(_, raw)| detector.observe_raw(raw)).collect();

    // Assert
    assert_eq!(anomalies.len(), 1, "{anomalies:#?}");
    let burst = &anomalies[0];
    assert_eq!(burst.bucket_start, start() + TimeDelta::minutes(30));
    assert!(burst.expected > 1.0 && burst.expected < 3.0, "{burst:?}");
    assert!(burst.count < 30, "found before the minute is over: {burst:?}");
    assert_eq!(burst.template, "redis command took <*>, slower than <*>");
}
