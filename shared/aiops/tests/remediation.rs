//! Guarded remediation: dry run by default, non-destructive actions run in auto mode, destructive
//! ones wait for approval, the hourly budget, maintenance, verification and rollback, the audit
//! trail, and playbooks and snapshots as JSON.

use chrono::{DateTime, TimeZone, Utc};
use todo_aiops::correlation::{
    Alert, AlertStatus, CorrelationSettings, Correlator, Incident, LabelSet, MaintenanceWindow, Signal, Topology,
};
use todo_aiops::remediation::{
    ALL_TOPICS, Action, ActionStatus, AuditEvent, DEAD_LETTER_RATE, ENGINE, EXECUTOR, Mode, Outcome, Playbook,
    RemediationEngine, RemediationError, RemediationSettings, RootCauseRule, Snapshot, Step,
};

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, h, m, s).unwrap()
}

/// The firing alert `name` on `service`, as the correlator takes it.
fn alert(name: &str, service: &str, starts_at: DateTime<Utc>) -> Signal {
    let labels: LabelSet = [("alertname", name), ("service", service), ("severity", "P2")]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let alert = Alert {
        status: AlertStatus::Firing,
        labels,
        annotations: LabelSet::new(),
        starts_at,
        ends_at: None,
        generator_url: String::new(),
        fingerprint: format!("{name}/{service}/{}", starts_at.timestamp()),
    };
    Signal::from_alert(&alert, starts_at)
}

/// The one open incident these signals make on the platform's topology.
fn incident(signals: Vec<Signal>) -> Incident {
    let mut correlator = Correlator::new(Topology::platform(), CorrelationSettings::default());
    for signal in signals {
        let now = signal.started_at;
        correlator.ingest(signal, now);
    }
    assert_eq!(correlator.open_incidents().len(), 1, "the signals make one incident");
    correlator.open_incidents()[0].clone()
}

/// task-api failing on its own: the restart playbook (destructive).
fn task_api_errors(start: DateTime<Utc>) -> Incident {
    incident(vec![alert("HighErrorRatio", "task-api", start)])
}

/// task-api slow with anomalous CPU: the scale-up playbook (not destructive).
fn task_api_saturated(start: DateTime<Utc>) -> Incident {
    incident(vec![
        alert("HighLatencyP99", "task-api", start),
        Signal::anomaly("task-api", "container_cpu_usage_seconds_total", start, 0.98, 0.95),
    ])
}

fn engine(mode: Mode) -> RemediationEngine {
    let mut engine = RemediationEngine::new(RemediationSettings::default(), Playbook::platform());
    engine.set_mode(mode);
    engine
}

fn statuses(step: &Step) -> Vec<ActionStatus> {
    step.records.iter().map(|r| r.status).collect()
}

#[test]
fn a_new_engine_only_dry_runs_and_never_has_anything_ready() {
    // Arrange
    let mut engine = RemediationEngine::new(RemediationSettings::default(), Playbook::platform());

    // Act
    let proposed = engine.propose(&task_api_saturated(at(12, 0, 0)), at(12, 1, 0));
    let ready = engine.ready(at(12, 1, 0));

    // Assert
    assert_eq!(engine.mode(), Mode::DryRun);
    assert_eq!(statuses(&proposed), [ActionStatus::DryRun]);
    let record = &proposed.records[0];
    assert_eq!(record.id, "act-1");
    assert_eq!(
        record.action,
        Action::ScaleUp {
            function: "task-api".into(),
            from: 1,
            to: 2
        }
    );
    assert!(
        record.reason.contains("dry run: would have run at once"),
        "{}",
        record.reason
    );
    assert_eq!(proposed.events(), [AuditEvent::DryRun]);
    assert!(ready.records.is_empty() && ready.audit.is_empty());
}

#[test]
fn switching_back_to_dry_run_holds_back_what_auto_mode_accepted() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_saturated(at(12, 0, 0)), at(12, 0, 0));

    // Act
    engine.set_mode(Mode::DryRun);
    let held = engine.ready(at(12, 0, 1));
    engine.set_mode(Mode::Auto);
    let released = engine.ready(at(12, 0, 2));

    // Assert
    assert!(held.records.is_empty() && held.audit.is_empty());
    assert_eq!(statuses(&released), [ActionStatus::Executing]);
}

#[test]
fn auto_mode_runs_a_scale_up_from_ready_to_succeeded() {
    // Arrange
    let mut engine = engine(Mode::Auto);

    // Act
    let proposed = engine.propose(&task_api_saturated(at(12, 0, 0)), at(12, 1, 0));
    let ready = engine.ready(at(12, 1, 0));
    let reported = engine
        .report("act-1", Outcome::ok("min-scale 2"), at(12, 1, 5))
        .unwrap();

    // Assert
    assert_eq!(statuses(&proposed), [ActionStatus::Proposed]);
    assert_eq!(proposed.events(), [AuditEvent::Proposed]);
    assert_eq!(statuses(&ready), [ActionStatus::Executing]);
    assert_eq!(ready.records[0].executed_at, Some(at(12, 1, 0)));
    assert_eq!(ready.events(), [AuditEvent::Executing]);
    assert_eq!(statuses(&reported), [ActionStatus::Succeeded]);
    assert_eq!(reported.events(), [AuditEvent::Executed]);
    assert_eq!(reported.audit[0].actor, EXECUTOR);
    assert_eq!(engine.replicas("task-api"), 2, "a succeeded scale sets the replicas");
    assert!(engine.ready(at(12, 2, 0)).records.is_empty(), "handed out once");
    let again = engine.report("act-1", Outcome::ok("twice"), at(12, 2, 0));
    assert!(matches!(again, Err(RemediationError::Conflict { .. })), "{again:?}");
}

#[test]
fn a_restart_waits_for_approval_and_runs_once_approved() {
    // Arrange
    let mut engine = engine(Mode::Auto);

    // Act
    let proposed = engine.propose(&task_api_errors(at(12, 0, 0)), at(12, 5, 0));
    let before = engine.ready(at(12, 5, 0));
    let approved = engine.approve("act-1", "alice", at(12, 7, 0)).unwrap();
    let after = engine.ready(at(12, 7, 1));

    // Assert
    assert_eq!(statuses(&proposed), [ActionStatus::AwaitingApproval]);
    assert_eq!(
        proposed.records[0].action,
        Action::RestartRevision {
            function: "task-api".into()
        }
    );
    assert_eq!(proposed.events(), [AuditEvent::AwaitingApproval]);
    assert!(before.records.is_empty(), "not before approval");
    assert_eq!(statuses(&approved), [ActionStatus::Approved]);
    assert_eq!(approved.records[0].decided_by.as_deref(), Some("alice"));
    assert_eq!(
        (approved.events(), approved.audit[0].actor.as_str()),
        (vec![AuditEvent::Approved], "alice")
    );
    assert_eq!(statuses(&after), [ActionStatus::Executing]);
}

#[test]
fn a_rejected_restart_is_never_ready_and_cannot_be_approved_later() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_errors(at(12, 0, 0)), at(12, 5, 0));

    // Act
    let rejected = engine.reject("act-1", "bob", at(12, 6, 0)).unwrap();
    let ready = engine.ready(at(12, 6, 1));
    let late = engine.approve("act-1", "alice", at(12, 7, 0));
    let anonymous = engine.approve("act-1", " ", at(12, 7, 0));
    let unknown = engine.approve("act-9", "alice", at(12, 7, 0));

    // Assert
    assert_eq!(statuses(&rejected), [ActionStatus::Rejected]);
    assert_eq!(rejected.events(), [AuditEvent::Rejected]);
    assert!(ready.records.is_empty());
    assert!(matches!(
        late,
        Err(RemediationError::Conflict {
            status: ActionStatus::Rejected,
            ..
        })
    ));
    assert_eq!(anonymous.unwrap_err(), RemediationError::Anonymous);
    assert_eq!(unknown.unwrap_err(), RemediationError::UnknownAction("act-9".into()));
}

#[test]
fn the_fourth_action_on_a_function_within_an_hour_is_blocked_until_the_first_leaves_the_hour() {
    // Arrange: four saturation incidents on task-api, 15 minutes apart.
    let mut engine = engine(Mode::Auto);
    let incidents: Vec<Incident> = (0..4).map(|i| task_api_saturated(at(12, 15 * i, 0))).collect();
    for incident in &incidents[..3] {
        let step = engine.propose(incident, incident.opened_at);
        assert_eq!(statuses(&step), [ActionStatus::Proposed]);
    }

    // Act
    let fourth = engine.propose(&incidents[3], at(12, 45, 0));
    let still_within = engine.propose(&incidents[3], at(12, 59, 59));
    let after_the_hour = engine.propose(&incidents[3], at(13, 0, 0));

    // Assert
    assert_eq!(statuses(&fourth), [ActionStatus::Blocked]);
    assert_eq!(fourth.events(), [AuditEvent::Blocked]);
    let reason = &fourth.records[0].reason;
    assert!(
        reason.contains("3 actions on task-api in the last 60 min (act-1, act-2, act-3)"),
        "{reason}"
    );
    assert!(reason.contains("next allowed at 2026-03-14 13:00:00 UTC"), "{reason}");
    assert!(
        still_within.records.is_empty() && still_within.audit.is_empty(),
        "blocked once, not on every call"
    );
    assert_eq!(statuses(&after_the_hour), [ActionStatus::Proposed]);
    assert_eq!(after_the_hour.records[0].id, "act-5");
}

#[test]
fn a_budget_of_other_functions_or_of_rollbacks_does_not_count() {
    // Arrange: a budget of one action per function.
    let settings = RemediationSettings {
        max_actions_per_function: 1,
        ..RemediationSettings::default()
    };
    let mut engine = RemediationEngine::new(settings, Playbook::platform());
    engine.set_mode(Mode::Auto);
    let saturated = task_api_saturated(at(12, 0, 0));
    engine.propose(&saturated, at(12, 0, 0));
    engine.ready(at(12, 0, 0));
    engine.report("act-1", Outcome::ok("scaled"), at(12, 0, 1)).unwrap();

    // Act
    let session = engine.propose(
        &incident(vec![alert("HighErrorRatio", "session-api", at(12, 1, 0))]),
        at(12, 1, 0),
    );
    let rollback = engine.tick(at(12, 10, 1), &[saturated.id.as_str()]);

    // Assert
    assert_eq!(statuses(&session), [ActionStatus::AwaitingApproval]);
    assert_eq!(rollback.records.last().map(|r| r.status), Some(ActionStatus::Proposed));
}

#[test]
fn an_action_still_open_after_verification_is_rolled_back() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    let incident = task_api_saturated(at(12, 0, 0));
    engine.propose(&incident, at(12, 0, 0));
    engine.ready(at(12, 0, 0));
    engine
        .report("act-1", Outcome::ok("min-scale 2"), at(12, 0, 30))
        .unwrap();
    let open = [incident.id.as_str()];

    // Act
    let early = engine.tick(at(12, 10, 29), &open);
    let verified = engine.tick(at(12, 10, 30), &open);
    let ready = engine.ready(at(12, 10, 31));
    let undone = engine
        .report("act-2", Outcome::ok("min-scale 1"), at(12, 10, 40))
        .unwrap();

    // Assert
    assert!(early.records.is_empty(), "not before the verification period");
    assert_eq!(verified.events(), [AuditEvent::Verified, AuditEvent::Proposed]);
    let (original, rollback) = (&verified.records[0], &verified.records[1]);
    assert_eq!(original.verdict.map(|v| v.cleared), Some(false));
    assert_eq!(
        rollback.action,
        Action::ScaleDown {
            function: "task-api".into(),
            from: 2,
            to: 1
        }
    );
    assert_eq!(rollback.rollback_of.as_deref(), Some("act-1"));
    assert_eq!(
        ready.records.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["act-2"]
    );
    assert_eq!(undone.events(), [AuditEvent::Executed, AuditEvent::RolledBack]);
    assert_eq!(undone.audit[1].action_id, "act-1");
    assert_eq!(engine.record("act-1").unwrap().status, ActionStatus::RolledBack);
    assert_eq!(engine.record("act-2").unwrap().status, ActionStatus::Succeeded);
    assert_eq!(engine.replicas("task-api"), 1);
    assert!(
        engine.tick(at(13, 0, 0), &open).records.is_empty(),
        "a rollback is not verified or rolled back"
    );
}

#[test]
fn an_action_whose_incident_cleared_is_verified_and_kept() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_saturated(at(12, 0, 0)), at(12, 0, 0));
    engine.ready(at(12, 0, 0));
    engine
        .report("act-1", Outcome::ok("min-scale 2"), at(12, 0, 30))
        .unwrap();

    // Act
    let verified = engine.tick(at(12, 10, 30), &[] as &[&str]);

    // Assert
    assert_eq!(verified.events(), [AuditEvent::Verified]);
    assert_eq!(verified.records.len(), 1, "no rollback");
    assert_eq!(verified.records[0].verdict.map(|v| v.cleared), Some(true));
    assert_eq!(verified.records[0].status, ActionStatus::Succeeded);
    assert_eq!(engine.replicas("task-api"), 2);
}

#[test]
fn a_restart_that_did_not_help_is_verified_without_a_rollback() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    let incident = task_api_errors(at(12, 0, 0));
    engine.propose(&incident, at(12, 5, 0));
    engine.approve("act-1", "alice", at(12, 6, 0)).unwrap();
    engine.ready(at(12, 6, 0));
    engine
        .report("act-1", Outcome::ok("revision task-api-00042"), at(12, 6, 20))
        .unwrap();

    // Act
    let verified = engine.tick(at(12, 20, 0), &[incident.id.as_str()]);

    // Assert
    assert_eq!(verified.events(), [AuditEvent::Verified]);
    assert!(
        verified.audit[0].detail.contains("no rollback"),
        "{}",
        verified.audit[0].detail
    );
    assert_eq!(engine.records().len(), 1);
}

#[test]
fn nothing_is_done_to_a_component_under_maintenance() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.add_maintenance(MaintenanceWindow::new(
        ["task-api"],
        at(12, 0, 0),
        at(13, 0, 0),
        "PostgreSQL 17 upgrade",
    ));
    let incident = task_api_errors(at(12, 10, 0));

    // Act
    let during = engine.propose(&incident, at(12, 15, 0));
    let ready = engine.ready(at(12, 15, 0));
    let again = engine.propose(&incident, at(12, 30, 0));
    let after = engine.propose(&incident, at(13, 0, 0));

    // Assert
    assert_eq!(statuses(&during), [ActionStatus::Blocked]);
    assert_eq!(during.events(), [AuditEvent::Blocked]);
    let reason = &during.records[0].reason;
    assert!(
        reason.contains("under maintenance until 2026-03-14 13:00:00 UTC (PostgreSQL 17 upgrade)"),
        "{reason}"
    );
    assert!(ready.records.is_empty());
    assert!(again.records.is_empty(), "still blocked: not recorded twice");
    assert_eq!(statuses(&after), [ActionStatus::AwaitingApproval]);
}

#[test]
fn an_approved_action_on_a_component_gone_into_maintenance_is_blocked_instead_of_run() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_errors(at(12, 0, 0)), at(12, 5, 0));
    engine.approve("act-1", "alice", at(12, 6, 0)).unwrap();
    engine.add_maintenance(MaintenanceWindow::new(
        ["task-api"],
        at(12, 6, 30),
        at(13, 0, 0),
        "failover drill",
    ));

    // Act
    let ready = engine.ready(at(12, 7, 0));

    // Assert
    assert!(ready.records.is_empty());
    assert_eq!(ready.events(), [AuditEvent::Blocked]);
    assert_eq!(engine.record("act-1").unwrap().status, ActionStatus::Blocked);
}

#[test]
fn chat_api_failing_because_of_the_model_provider_opens_the_circuit_and_is_not_restarted() {
    // Arrange: the detector flags the provider's latency, then chat-api's error alert fires.
    let mut engine = engine(Mode::Auto);
    let incident = incident(vec![
        Signal::anomaly("model-provider", "llm_request_duration_p99", at(12, 0, 0), 0.99, 8.0),
        alert("HighErrorRatio", "chat-api", at(12, 1, 0)),
    ]);

    // Act
    let step = engine.propose(&incident, at(12, 6, 0));

    // Assert
    assert_eq!(incident.root_cause.component, "model-provider");
    assert_eq!(statuses(&step), [ActionStatus::Proposed]);
    assert_eq!(
        step.records[0].action,
        Action::OpenCircuit {
            function: "chat-api".into(),
            dependency: "model-provider".into()
        }
    );
    assert_eq!(
        step.records[0].playbook.as_deref(),
        Some("open-circuit-to-model-provider")
    );
}

#[test]
fn a_consumer_dead_lettering_in_a_loop_is_paused_after_approval_but_one_dead_letter_is_not() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    let one_poison_event = incident(vec![alert("EventsDeadLettered", "analytics", at(12, 0, 0))]);
    let loop_on_scheduler = incident(vec![
        alert("EventHandlerErrorRatioHigh", "scheduler", at(12, 0, 0)),
        alert("EventsDeadLettered", "scheduler", at(12, 0, 10)),
    ]);
    let loop_on_analytics = incident(vec![
        alert("EventHandlerErrorRatioHigh", "analytics", at(12, 0, 0)),
        alert("EventsDeadLettered", "analytics", at(12, 0, 10)),
    ]);

    // Act
    let poison = engine.propose(&one_poison_event, at(12, 5, 0));
    let scheduler = engine.propose(&loop_on_scheduler, at(12, 5, 0));
    let analytics = engine.propose(&loop_on_analytics, at(12, 5, 0));

    // Assert
    assert!(poison.records.is_empty());
    assert_eq!(statuses(&scheduler), [ActionStatus::AwaitingApproval]);
    let pause = |function: &str, topic: &str| Action::PauseConsumer {
        function: function.into(),
        topic: topic.into(),
    };
    assert_eq!(scheduler.records[0].action, pause("scheduler", "task-events"));
    assert_eq!(analytics.records[0].action, pause("analytics", ALL_TOPICS));
    assert_eq!(
        scheduler.records[0].action.rollback(),
        Some(Action::ResumeConsumer {
            function: "scheduler".into(),
            topic: "task-events".into()
        })
    );
}

#[test]
fn an_anomaly_on_a_consumers_dead_letter_rate_asks_to_pause_it_where_no_alerts_come() {
    // Arrange: the watch of `todo serve` (no Alertmanager) saw notifier start dead-lettering.
    let mut engine = engine(Mode::Auto);
    let loop_on_notifier = incident(vec![Signal::anomaly(
        "notifier",
        DEAD_LETTER_RATE,
        at(12, 0, 0),
        0.9,
        0.6,
    )]);

    // Act
    let step = engine.propose(&loop_on_notifier, at(12, 0, 1));

    // Assert
    assert_eq!(statuses(&step), [ActionStatus::AwaitingApproval]);
    assert_eq!(
        step.records[0].action,
        Action::PauseConsumer {
            function: "notifier".into(),
            topic: ALL_TOPICS.into()
        }
    );
    assert_eq!(
        step.records[0].playbook.as_deref(),
        Some("pause-notifier-dead-letter-loop")
    );
}

#[test]
fn an_incident_is_acted_on_once_per_playbook() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    let incident = task_api_saturated(at(12, 0, 0));
    engine.propose(&incident, at(12, 0, 0));

    // Act
    let again = engine.propose(&incident, at(12, 30, 0));

    // Assert
    assert!(again.records.is_empty() && again.audit.is_empty());
    assert_eq!(engine.records().len(), 1);
}

#[test]
fn an_escalating_playbook_acts_again_once_its_delay_has_passed() {
    // Arrange: the scale-up repeats 15 minutes after its last action finished.
    let mut playbooks = Playbook::platform();
    let scale = playbooks
        .iter_mut()
        .find(|p| p.name == "scale-on-latency-with-cpu")
        .unwrap();
    scale.repeat_after_secs = Some(900);
    let mut engine = RemediationEngine::new(RemediationSettings::default(), playbooks);
    engine.set_mode(Mode::Auto);
    let incident = task_api_saturated(at(12, 0, 0));
    engine.propose(&incident, at(12, 0, 0));
    engine.ready(at(12, 0, 0));
    engine
        .report("act-1", Outcome::ok("min-scale 2"), at(12, 0, 10))
        .unwrap();

    // Act
    let early = engine.propose(&incident, at(12, 15, 9));
    let escalated = engine.propose(&incident, at(12, 15, 10));

    // Assert
    assert!(early.records.is_empty());
    assert_eq!(
        escalated.records[0].action,
        Action::ScaleUp {
            function: "task-api".into(),
            from: 2,
            to: 3
        }
    );
}

#[test]
fn pending_actions_of_a_closed_incident_are_dropped_and_silent_executors_fail() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_errors(at(12, 0, 0)), at(12, 5, 0));
    let saturated = task_api_saturated(at(12, 30, 0));
    engine.propose(&saturated, at(12, 30, 0));
    engine.ready(at(12, 30, 0));

    // Act
    let step = engine.tick(at(12, 45, 0), &[saturated.id.as_str()]);

    // Assert
    assert_eq!(step.events(), [AuditEvent::Rejected, AuditEvent::Failed]);
    assert_eq!(step.audit[0].actor, ENGINE);
    assert_eq!(engine.record("act-1").unwrap().status, ActionStatus::Rejected);
    let silent = engine.record("act-2").unwrap();
    assert_eq!(silent.status, ActionStatus::Failed);
    assert_eq!(silent.outcome, Some(Outcome::failed("no report within 900 s")));
}

#[test]
fn audit_entries_carry_the_cloudevent_types() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    let incident = task_api_errors(at(12, 0, 0));
    let mut trail = engine.propose(&incident, at(12, 5, 0)).audit;

    // Act
    trail.extend(engine.approve("act-1", "alice", at(12, 6, 0)).unwrap().audit);
    trail.extend(engine.ready(at(12, 6, 0)).audit);
    trail.extend(
        engine
            .report("act-1", Outcome::failed("revision not ready"), at(12, 7, 0))
            .unwrap()
            .audit,
    );
    let json = serde_json::to_value(&trail).unwrap();

    // Assert
    let types: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "remediation.awaiting_approval",
            "remediation.approved",
            "remediation.executing",
            "remediation.failed"
        ]
    );
    assert!(
        trail
            .iter()
            .all(|e| e.incident_id == incident.id && e.action_id == "act-1")
    );
    assert_eq!(trail[3].detail, "restart the revision of task-api: revision not ready");
    assert_eq!(AuditEvent::RolledBack.as_str(), "remediation.rolled_back");
}

#[test]
fn playbooks_round_trip_through_json_and_operators_can_write_their_own() {
    // Arrange
    let platform = Playbook::platform();
    let operators = r#"[{
        "name": "open-circuit-to-task-api",
        "trigger": {"signals": ["HighErrorRatio"], "components": ["chat-api"], "root_cause": {"component": "task-api"}},
        "action": {"kind": "open_circuit", "dependency": "task-api"}
    }]"#;

    // Act
    let round_trip = Playbook::parse_list(&serde_json::to_string(&platform).unwrap()).unwrap();
    let written = Playbook::parse_list(operators).unwrap();
    let duplicate = Playbook::parse_list(&serde_json::to_string(&[&platform[0], &platform[0]]).unwrap());

    // Assert
    assert_eq!(round_trip, platform);
    assert_eq!(
        written[0].trigger.root_cause,
        RootCauseRule::Component("task-api".into())
    );
    assert_eq!(written[0].trigger.sustained_secs, 0);
    assert!(matches!(duplicate, Err(RemediationError::Playbooks(reason)) if reason.contains("used twice")));
}

#[test]
fn the_engine_state_round_trips_through_json_and_goes_on_counting() {
    // Arrange
    let mut engine = engine(Mode::Auto);
    engine.propose(&task_api_errors(at(12, 0, 0)), at(12, 5, 0));
    engine.propose(&task_api_saturated(at(12, 30, 0)), at(12, 30, 0));
    engine.add_maintenance(MaintenanceWindow::new(
        ["notifier"],
        at(12, 0, 0),
        at(14, 0, 0),
        "webhook secret rotation",
    ));

    // Act
    let json = serde_json::to_string(&engine.snapshot()).unwrap();
    let snapshot: Snapshot = serde_json::from_str(&json).unwrap();
    let mut restored = RemediationEngine::from_snapshot(RemediationSettings::default(), Playbook::platform(), snapshot);
    let next = restored.propose(
        &incident(vec![alert("HighErrorRatio", "session-api", at(13, 0, 0))]),
        at(13, 0, 0),
    );

    // Assert
    assert_eq!(&restored.records()[..2], engine.records());
    assert_eq!(restored.snapshot().maintenance, engine.snapshot().maintenance);
    assert!(json.contains(r#""status":"awaiting_approval""#), "{json}");
    assert!(json.contains(r#""kind":"restart_revision""#), "{json}");
    assert!(json.contains(r#""mode":"auto""#), "{json}");
    assert_eq!(next.records[0].id, "act-3", "ids go on from the snapshot");
    assert_eq!(restored.mode(), Mode::Auto);
}

#[test]
fn settings_read_from_json_with_defaults_for_what_is_left_out() {
    // Act
    let settings: RemediationSettings = serde_json::from_str(r#"{"max_actions_per_function": 5}"#).unwrap();

    // Assert
    assert_eq!(settings.max_actions_per_function, 5);
    assert_eq!(settings.verify_after_secs, 600);
    assert_eq!(settings.budget_window_secs, 3600);
    assert_eq!(settings.execution_timeout_secs, 900);
}
