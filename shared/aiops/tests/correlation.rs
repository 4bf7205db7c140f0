//! Alert correlation: outages grouped into one incident that names the upstream component,
//! unrelated alerts kept apart, the time window, merges, resolution by fingerprint, maintenance
//! windows and the Alertmanager webhook body.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use todo_aiops::correlation::{
    Alert, AlertStatus, Change, CorrelationSettings, Correlator, IncidentStatus, LabelSet, MaintenanceWindow, Signal,
    Topology, WebhookPayload,
};

/// A notification as Alertmanager 0.25 posts it to the aiops receiver, PostgreSQL down and
/// task-api failing, grouped by severity.
const WEBHOOK: &str = r#"{
  "receiver": "aiops",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "PostgresDown",
        "cluster": "todo-doks",
        "instance": "postgres-exporter.observability.svc:9187",
        "job": "postgres-exporter",
        "pg_cluster": "todo-postgres",
        "severity": "P1"
      },
      "annotations": {
        "description": "postgres_exporter has not been able to connect to PostgreSQL for a minute. task-api cannot read or write tasks, and the outbox relay cannot publish.",
        "runbook_url": "https://example.invalid/evolution-of-todo/blob/main/observability/runbooks.md#postgresdown",
        "summary": "PostgreSQL todo-postgres is unreachable"
      },
      "startsAt": "2026-03-14T12:00:03.512Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.observability.svc:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1",
      "fingerprint": "7c2b1e0a5d3f9c41"
    },
    {
      "status": "firing",
      "labels": {
        "alertname": "HighErrorRatio",
        "cluster": "todo-doks",
        "service": "task-api",
        "severity": "P2"
      },
      "annotations": {
        "summary": "task-api answers 37.5% of requests with 5xx",
        "runbook_url": "https://example.invalid/evolution-of-todo/blob/main/observability/runbooks.md#higherrorratio"
      },
      "startsAt": "2026-03-14T12:00:44.120Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.observability.svc:9090/graph?g0.expr=service%3Ahttp_request_error_ratio%3Aratio_rate5m+%3E+0.05&g0.tab=1",
      "fingerprint": "e41f09b2c77a3d18"
    }
  ],
  "groupLabels": { "cluster": "todo-doks" },
  "commonLabels": { "cluster": "todo-doks" },
  "commonAnnotations": {},
  "externalURL": "http://alertmanager.observability.svc:9093",
  "version": "4",
  "groupKey": "{}/{}:{cluster=\"todo-doks\"}",
  "truncatedAlerts": 0
}"#;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, h, m, s).unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A firing alert named `name` with `extra` labels; its fingerprint is `fp`.
fn firing(name: &str, extra: &[(&str, &str)], fp: &str, starts_at: DateTime<Utc>) -> Alert {
    let mut labels = labels(extra);
    labels.insert("alertname".into(), name.into());
    labels.insert("severity".into(), "P2".into());
    Alert {
        status: AlertStatus::Firing,
        labels,
        annotations: LabelSet::new(),
        starts_at,
        ends_at: None,
        generator_url: String::new(),
        fingerprint: fp.to_owned(),
    }
}

fn resolved(alert: &Alert, ends_at: DateTime<Utc>) -> Alert {
    Alert {
        status: AlertStatus::Resolved,
        ends_at: Some(ends_at),
        ..alert.clone()
    }
}

fn platform() -> Correlator {
    Correlator::new(Topology::platform(), CorrelationSettings::default())
}

fn feed(correlator: &mut Correlator, alert: &Alert, now: DateTime<Utc>) -> Vec<Change> {
    correlator.ingest(Signal::from_alert(alert, now), now)
}

#[test]
fn an_alertmanager_v4_webhook_parses_with_components_and_open_ends() {
    // Act
    let payload: WebhookPayload = serde_json::from_str(WEBHOOK).unwrap();
    let signals = Signal::from_webhook(&payload, at(12, 1, 0));

    // Assert
    assert_eq!(payload.version, "4");
    assert_eq!(payload.status, AlertStatus::Firing);
    assert_eq!(payload.external_url, "http://alertmanager.observability.svc:9093");
    assert_eq!(payload.alerts[0].ends_at, None, "the zero time means no end");
    assert_eq!(payload.alerts[0].fingerprint, "7c2b1e0a5d3f9c41");
    assert!(payload.alerts[1].generator_url.starts_with("http://prometheus"));
    let components: Vec<&str> = signals.iter().map(|s| s.component.as_str()).collect();
    assert_eq!(components, ["postgresql", "task-api"]);
    assert_eq!(
        signals[0].started_at.timestamp_millis(),
        at(12, 0, 3).timestamp_millis() + 512
    );
    // Written back, the zero time is what Alertmanager would send.
    let json = serde_json::to_value(&payload).unwrap();
    assert_eq!(json["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z");
    assert_eq!(json["externalURL"], "http://alertmanager.observability.svc:9093");
}

#[test]
fn the_webhook_makes_one_incident_that_names_postgresql() {
    // Arrange
    let payload: WebhookPayload = serde_json::from_str(WEBHOOK).unwrap();
    let mut correlator = platform();

    // Act
    let changes = correlator.ingest_webhook(&payload, at(12, 1, 0));

    // Assert
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(matches!(&changes[0], Change::Opened { incident } if incident == "inc-1773489603-postgresql"));
    let incident = &correlator.open_incidents()[0];
    assert_eq!(incident.root_cause.component, "postgresql");
    assert!(
        incident.root_cause.evidence[0].starts_with(
            "postgresql alert PostgresDown started 12:00:03, 41 s before task-api alert HighErrorRatio; \
             task-api depends on postgresql"
        ),
        "{:?}",
        incident.root_cause.evidence
    );
}

#[test]
fn a_postgresql_outage_reaching_task_api_then_chat_api_is_one_incident_naming_postgresql() {
    // Arrange: the effects arrive first (HighErrorRatio of chat-api reaches the receiver before
    // PostgresDown), as group_wait and evaluation order allow.
    let mut correlator = platform();
    let chat = firing("HighErrorRatio", &[("service", "chat-api")], "chat", at(12, 1, 30));
    let task = firing("HighErrorRatio", &[("service", "task-api")], "task", at(12, 0, 44));
    let pg = firing("PostgresDown", &[("pg_cluster", "todo-postgres")], "pg", at(12, 0, 3));
    let relay = firing(
        "OutboxPublishStalled",
        &[("service", "outbox-relay")],
        "relay",
        at(12, 9, 0),
    );
    let pod = firing(
        "PodRestartingFrequently",
        &[
            ("namespace", "todo"),
            ("pod", "task-api-00007-deployment-5d8f7c9b4-x2x9q"),
            ("container", "task-api"),
        ],
        "pod",
        at(12, 3, 0),
    );

    // Act
    let mut changes = feed(&mut correlator, &chat, at(12, 2, 0));
    changes.extend(feed(&mut correlator, &pg, at(12, 2, 10)));
    changes.extend(feed(&mut correlator, &task, at(12, 2, 20)));
    changes.extend(feed(&mut correlator, &pod, at(12, 3, 30)));
    changes.extend(feed(&mut correlator, &relay, at(12, 9, 30)));

    // Assert
    assert_eq!(correlator.open_incidents().len(), 1, "{changes:?}");
    let incident = &correlator.open_incidents()[0];
    assert_eq!(
        incident.id, "inc-1773489690-chat-api",
        "named after the signal that opened it"
    );
    assert_eq!(incident.opened_at, at(12, 0, 3), "the outage began with PostgreSQL");
    let components: Vec<&str> = incident.components.iter().map(String::as_str).collect();
    assert_eq!(components, ["chat-api", "outbox-relay", "postgresql", "task-api"]);
    assert_eq!(incident.signals.len(), 5);
    assert_eq!(incident.root_cause.component, "postgresql");
    assert!(incident.root_cause.confidence >= 0.9, "{:?}", incident.root_cause);
    let evidence = incident.root_cause.evidence.join("\n");
    assert!(
        evidence.contains("87 s before chat-api alert HighErrorRatio; chat-api depends on postgresql via task-api"),
        "{evidence}"
    );
    assert!(
        incident
            .summary
            .starts_with("postgresql (alert PostgresDown) is the probable root cause"),
        "{}",
        incident.summary
    );
}

#[test]
fn alerts_on_unrelated_components_or_far_apart_in_time_make_separate_incidents() {
    // Arrange
    let mut correlator = platform();
    let notifier = firing(
        "EventHandlerErrorRatioHigh",
        &[("service", "notifier")],
        "n",
        at(9, 0, 0),
    );
    let disk = firing(
        "KafkaBrokerDiskUsageHigh",
        &[("namespace", "kafka"), ("persistentvolumeclaim", "data-todo-kafka-0")],
        "k",
        at(15, 0, 0),
    );
    // Same minute as the disk alert, but neither depends on Kafka nor on the other (backup and
    // task-api only share PostgreSQL).
    let backup = firing(
        "PodRestartingFrequently",
        &[("pod", "backup-00002-deployment-7f9c-abcde")],
        "b",
        at(15, 0, 30),
    );
    let tasks = firing("HighLatencyP99", &[("service", "task-api")], "t", at(15, 0, 40));

    // Act
    feed(&mut correlator, &notifier, at(9, 0, 30));
    // Still firing: Alertmanager repeats it hourly on aiops' route.
    for hour in 10..=14 {
        feed(&mut correlator, &notifier, at(hour, 0, 30));
    }
    feed(&mut correlator, &disk, at(15, 0, 30));
    feed(&mut correlator, &backup, at(15, 1, 0));
    feed(&mut correlator, &tasks, at(15, 1, 0));

    // Assert
    let causes: Vec<&str> = correlator
        .open_incidents()
        .iter()
        .map(|i| i.root_cause.component.as_str())
        .collect();
    assert_eq!(causes, ["notifier", "kafka", "backup", "task-api"]);
    assert_eq!(correlator.incidents().count(), 4, "the repeats opened nothing new");
}

#[test]
fn a_related_alert_joins_only_within_the_window() {
    // Arrange
    let task = firing("HighErrorRatio", &[("service", "task-api")], "task", at(12, 0, 0));
    let late_pg = firing("PostgresDown", &[], "pg", at(12, 10, 1));

    // Act: 10 min 1 s after the incident's latest signal, with the default 10 min window.
    let mut strict = platform();
    feed(&mut strict, &task, at(12, 0, 30));
    let changes = feed(&mut strict, &late_pg, at(12, 10, 30));
    // And with a 15 min window.
    let settings = CorrelationSettings {
        window: TimeDelta::minutes(15),
        ..CorrelationSettings::default()
    };
    let mut loose = Correlator::new(Topology::platform(), settings);
    feed(&mut loose, &task, at(12, 0, 30));
    let joined = feed(&mut loose, &late_pg, at(12, 10, 30));

    // Assert
    assert!(matches!(&changes[..], [Change::Opened { .. }]), "{changes:?}");
    assert_eq!(strict.open_incidents().len(), 2);
    assert!(matches!(&joined[..], [Change::Updated { .. }]), "{joined:?}");
    assert_eq!(loose.open_incidents().len(), 1);
    // The upstream one started ten minutes after its dependant: still named, less surely.
    let cause = &loose.open_incidents()[0].root_cause;
    assert_eq!(cause.component, "postgresql");
    assert!(cause.confidence < 0.7, "{cause:?}");
    assert!(cause.evidence.iter().any(|e| e.contains("started later")), "{cause:?}");
}

#[test]
fn a_dependency_alert_related_to_two_incidents_merges_them() {
    // Arrange: task-api and the outbox relay only share PostgreSQL, so apart they are two incidents.
    let mut correlator = platform();
    let task = firing("HighErrorRatio", &[("service", "task-api")], "task", at(12, 0, 0));
    let relay = firing(
        "OutboxPublishStalled",
        &[("service", "outbox-relay")],
        "relay",
        at(12, 2, 0),
    );
    let pg = firing("PostgresDown", &[], "pg", at(12, 3, 0));
    feed(&mut correlator, &task, at(12, 0, 30));
    feed(&mut correlator, &relay, at(12, 2, 30));
    assert_eq!(correlator.open_incidents().len(), 2);

    // Act
    let changes = feed(&mut correlator, &pg, at(12, 3, 30));

    // Assert
    let task_id = "inc-1773489600-task-api".to_owned();
    let relay_id = "inc-1773489720-outbox-relay".to_owned();
    assert_eq!(
        changes,
        [
            Change::Merged {
                incident: relay_id.clone(),
                into: task_id.clone()
            },
            Change::Updated {
                incident: task_id.clone()
            },
        ]
    );
    assert_eq!(correlator.open_incidents().len(), 1);
    let incident = correlator.incident(&task_id).unwrap();
    assert_eq!(incident.signals.len(), 3);
    assert_eq!(incident.root_cause.component, "postgresql");
    let merged = correlator.incident(&relay_id).unwrap();
    assert_eq!(merged.status, IncidentStatus::Merged);
    assert_eq!(merged.merged_into.as_deref(), Some(task_id.as_str()));
}

#[test]
fn an_incident_resolves_when_all_its_alerts_resolve_by_fingerprint() {
    // Arrange
    let mut correlator = platform();
    let pg = firing("PostgresDown", &[], "pg", at(12, 0, 0));
    let task = firing("HighErrorRatio", &[("service", "task-api")], "task", at(12, 1, 0));
    feed(&mut correlator, &pg, at(12, 1, 0));
    feed(&mut correlator, &task, at(12, 1, 30));
    // Alertmanager re-sends firing alerts; that adds nothing.
    let repeat = feed(&mut correlator, &pg, at(12, 6, 0));
    let id = correlator.open_incidents()[0].id.clone();

    // Act
    let first = feed(&mut correlator, &resolved(&pg, at(12, 20, 0)), at(12, 20, 30));
    let unknown = feed(
        &mut correlator,
        &resolved(&firing("HighErrorRatio", &[], "other", at(12, 0, 0)), at(12, 21, 0)),
        at(12, 21, 0),
    );
    let second = feed(&mut correlator, &resolved(&task, at(12, 24, 0)), at(12, 24, 30));

    // Assert
    assert!(repeat.is_empty(), "{repeat:?}");
    assert_eq!(first, [Change::Updated { incident: id.clone() }]);
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(second, [Change::Resolved { incident: id.clone() }]);
    assert!(correlator.open_incidents().is_empty());
    let incident = correlator.incident(&id).unwrap();
    assert_eq!(incident.status, IncidentStatus::Resolved);
    assert_eq!(incident.resolved_at, Some(at(12, 24, 0)));
    assert_eq!(incident.signals.len(), 2);
}

#[test]
fn a_firing_alert_alertmanager_stops_repeating_ends_at_its_last_notification() {
    // Arrange: PostgresDown fires, is repeated an hour later, and its resolve is lost.
    let mut correlator = platform();
    let pg = firing("PostgresDown", &[], "pg", at(12, 0, 0));
    feed(&mut correlator, &pg, at(12, 0, 30));
    feed(&mut correlator, &pg, at(13, 0, 30));
    let stale = CorrelationSettings::default().alert_stale;

    // Act
    let repeated_in_time = correlator.tick(at(13, 0, 30) + stale - TimeDelta::seconds(1));
    let gone_quiet = correlator.tick(at(13, 0, 30) + stale);

    // Assert
    assert!(repeated_in_time.is_empty(), "{repeated_in_time:?}");
    assert!(matches!(&gone_quiet[..], [Change::Resolved { .. }]), "{gone_quiet:?}");
    let incident = correlator.incidents().next().unwrap();
    assert_eq!(incident.resolved_at, Some(at(13, 0, 30)), "at its last notification");
}

#[test]
fn anomalies_join_alerts_and_end_after_a_quiet_period() {
    // Arrange
    let mut correlator = platform();
    let pg = firing("PostgresDown", &[], "pg", at(12, 0, 0));
    feed(&mut correlator, &pg, at(12, 1, 0));

    // Act
    let anomaly = Signal::anomaly("task-api", "http_request_duration_p99", at(12, 0, 30), 0.97, 2.4);
    let joined = correlator.ingest(anomaly.clone(), at(12, 1, 0));
    let mut again = anomaly.clone();
    again.last_seen = at(12, 5, 0);
    correlator.ingest(again, at(12, 5, 0));
    correlator.ingest(
        Signal::from_alert(&resolved(&pg, at(12, 10, 0)), at(12, 10, 0)),
        at(12, 10, 0),
    );
    let still_open = correlator.tick(at(12, 19, 59));
    let quiet = correlator.tick(at(12, 20, 0));

    // Assert
    assert!(matches!(&joined[..], [Change::Updated { .. }]), "{joined:?}");
    assert!(still_open.is_empty(), "{still_open:?}");
    assert!(matches!(&quiet[..], [Change::Resolved { .. }]), "{quiet:?}");
    let incident = correlator.incidents().next().unwrap();
    assert_eq!(incident.resolved_at, Some(at(12, 10, 0)), "PostgresDown ended last");
    let ended = incident.signals.iter().find(|s| s.is_anomaly()).unwrap().ended_at;
    assert_eq!(ended, Some(at(12, 5, 0)));
}

#[test]
fn maintenance_silences_its_components_only_while_it_lasts() {
    // Arrange
    let mut correlator = platform();
    correlator.add_maintenance(MaintenanceWindow::new(
        ["postgresql"],
        at(2, 0, 0),
        at(3, 0, 0),
        "PostgreSQL 17.4 minor upgrade",
    ));
    let during = firing("PostgresDown", &[], "pg", at(2, 10, 0));
    let other = firing("HighErrorRatio", &[("service", "notifier")], "n", at(2, 11, 0));
    let after = firing("PostgresDown", &[], "pg2", at(3, 30, 0));

    // Act
    let silenced = feed(&mut correlator, &during, at(2, 11, 0));
    let not_silenced = feed(&mut correlator, &other, at(2, 12, 0));
    let later = feed(&mut correlator, &after, at(3, 30, 30));

    // Assert
    assert_eq!(
        silenced,
        [Change::Silenced {
            component: "postgresql".into(),
            reason: "PostgreSQL 17.4 minor upgrade".into()
        }]
    );
    assert!(matches!(&not_silenced[..], [Change::Opened { .. }]));
    assert!(matches!(&later[..], [Change::Opened { incident }] if incident.ends_with("postgresql")));
    assert!(correlator.maintenance().is_empty(), "the window is over");
    assert!(
        correlator
            .incidents()
            .all(|i| i.signals.iter().all(|s| s.started_at != at(2, 10, 0)))
    );
}

#[test]
fn a_small_topology_relates_components_within_the_hop_limit() {
    // Arrange: a -> b -> c -> d
    use todo_aiops::correlation::ComponentKind::Function;
    let topology = Topology::new()
        .with("a", Function, &["b"])
        .with("b", Function, &["c"])
        .with("c", Function, &["d"]);
    let mut correlator = Correlator::new(topology.clone(), CorrelationSettings::default());

    // Act
    correlator.ingest(Signal::anomaly("a", "errors", at(1, 0, 0), 1.0, 1.0), at(1, 0, 0));
    correlator.ingest(Signal::anomaly("d", "errors", at(1, 0, 5), 1.0, 1.0), at(1, 0, 5));
    correlator.ingest(Signal::anomaly("c", "errors", at(1, 0, 9), 1.0, 1.0), at(1, 0, 9));

    // Assert: d is three hops from a, so it opened its own incident; c joined the first one and
    // merged d's into it.
    assert_eq!(topology.hops("a", "d"), Some(3));
    assert_eq!(topology.hops("d", "b"), Some(2));
    assert_eq!(topology.dependency_path("a", "d").unwrap(), ["a", "b", "c", "d"]);
    assert_eq!(correlator.open_incidents().len(), 1);
    assert_eq!(correlator.open_incidents()[0].root_cause.component, "d");
    assert_eq!(
        correlator.incident("inc-1773450005-d").unwrap().status,
        IncidentStatus::Merged
    );
}
