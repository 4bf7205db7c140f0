//! The audit trail of remediation: each [`AuditEntry`] as a structured log line (target `audit`)
//! and as a `remediation.*` CloudEvent whose type is the entry's event.

use todo_aiops::remediation::{Action, ActionRecord, AuditEntry, AuditEvent};
use todo_events::{DomainEvent, EventMetadata, EventPayload, EventType, Remediation};

use crate::EVENT_SOURCE;

/// One entry as a log line at info under target `audit`, its fields as fields.
pub(super) fn log(entry: &AuditEntry) {
    tracing::info!(
        target: "audit",
        action_id = %entry.action_id,
        incident_id = %entry.incident_id,
        event = %entry.event,
        actor = %entry.actor,
        detail = %entry.detail,
        "remediation audit"
    );
}

/// The `remediation.*` event of one audit `entry` about `record` (its type is the entry's event);
/// `None` if the catalog had no such type.
pub(super) fn event(entry: &AuditEntry, record: &ActionRecord) -> Option<DomainEvent> {
    let event_type = EventType::parse(entry.event.as_str())?;
    let payload = Remediation {
        action_id: entry.action_id.clone(),
        incident_id: entry.incident_id.clone(),
        action: action_kind(&record.action).to_owned(),
        function: record.action.function().to_owned(),
        description: record.action.to_string(),
        status: status_after(entry.event).to_owned(),
        actor: entry.actor.clone(),
        // The schema's bound; reasons and executor messages are far shorter.
        detail: entry.detail.chars().take(4000).collect(),
        at: entry.at,
    };
    let payload = EventPayload::shared(event_type, payload)?;
    Some(DomainEvent::new(
        EVENT_SOURCE,
        entry.at,
        EventMetadata::default(),
        payload,
    ))
}

/// The `kind` of `action` as it is serialised.
fn action_kind(action: &Action) -> &'static str {
    match action {
        Action::RestartRevision { .. } => "restart_revision",
        Action::ScaleUp { .. } => "scale_up",
        Action::ScaleDown { .. } => "scale_down",
        Action::PauseConsumer { .. } => "pause_consumer",
        Action::ResumeConsumer { .. } => "resume_consumer",
        Action::OpenCircuit { .. } => "open_circuit",
        Action::CloseCircuit { .. } => "close_circuit",
    }
}

/// The status an action has right after `event` (verification leaves a succeeded action succeeded).
fn status_after(event: AuditEvent) -> &'static str {
    match event {
        AuditEvent::Proposed => "proposed",
        AuditEvent::DryRun => "dry_run",
        AuditEvent::AwaitingApproval => "awaiting_approval",
        AuditEvent::Approved => "approved",
        AuditEvent::Rejected => "rejected",
        AuditEvent::Blocked => "blocked",
        AuditEvent::Executing => "executing",
        AuditEvent::Executed | AuditEvent::Verified => "succeeded",
        AuditEvent::Failed => "failed",
        AuditEvent::RolledBack => "rolled_back",
    }
}
