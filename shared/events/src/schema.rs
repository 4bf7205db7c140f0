//! The JSON Schema (draft 2020-12) of every event type and version, and the validator that applies them.
//!
//! Consumers validate event data before decoding it, so a producer's bug is reported with every
//! violation and its JSON pointer instead of a single serde message. The documents live in
//! `shared/events/schemas/<type>.v<N>.json` so that people and other tools can read them; they are
//! embedded here and compiled once, on first use.

use std::sync::LazyLock;

use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;

use crate::catalog::EventType;
use crate::error::{Error, Result};

/// Every schema document: type, version, text. Its `$id` is `event_type.dataschema(version)`.
const DOCUMENTS: [(EventType, u32, &str); 29] = [
    (
        EventType::TaskCreated,
        1,
        include_str!("../schemas/task.created.v1.json"),
    ),
    (
        EventType::TaskUpdated,
        1,
        include_str!("../schemas/task.updated.v1.json"),
    ),
    (
        EventType::TaskDeleted,
        1,
        include_str!("../schemas/task.deleted.v1.json"),
    ),
    (
        EventType::TaskCompleted,
        1,
        include_str!("../schemas/task.completed.v1.json"),
    ),
    (
        EventType::TaskDueSoon,
        1,
        include_str!("../schemas/task.due_soon.v1.json"),
    ),
    (
        EventType::TaskOverdue,
        1,
        include_str!("../schemas/task.overdue.v1.json"),
    ),
    (
        EventType::TaskReminder,
        1,
        include_str!("../schemas/task.reminder.v1.json"),
    ),
    (
        EventType::SessionCreated,
        1,
        include_str!("../schemas/session.created.v1.json"),
    ),
    (
        EventType::SessionMessageReceived,
        1,
        include_str!("../schemas/session.message_received.v1.json"),
    ),
    (
        EventType::SessionExpired,
        1,
        include_str!("../schemas/session.expired.v1.json"),
    ),
    (
        EventType::IntentRecognized,
        1,
        include_str!("../schemas/intent.recognized.v1.json"),
    ),
    (
        EventType::IntentFailed,
        1,
        include_str!("../schemas/intent.failed.v1.json"),
    ),
    (
        EventType::NotificationSent,
        1,
        include_str!("../schemas/notification.sent.v1.json"),
    ),
    (
        EventType::NotificationFailed,
        1,
        include_str!("../schemas/notification.failed.v1.json"),
    ),
    (
        EventType::AnomalyDetected,
        1,
        include_str!("../schemas/anomaly.detected.v1.json"),
    ),
    (
        EventType::IncidentOpened,
        1,
        include_str!("../schemas/incident.opened.v1.json"),
    ),
    (
        EventType::IncidentResolved,
        1,
        include_str!("../schemas/incident.resolved.v1.json"),
    ),
    (
        EventType::RemediationProposed,
        1,
        include_str!("../schemas/remediation.proposed.v1.json"),
    ),
    (
        EventType::RemediationDryRun,
        1,
        include_str!("../schemas/remediation.dry_run.v1.json"),
    ),
    (
        EventType::RemediationAwaitingApproval,
        1,
        include_str!("../schemas/remediation.awaiting_approval.v1.json"),
    ),
    (
        EventType::RemediationApproved,
        1,
        include_str!("../schemas/remediation.approved.v1.json"),
    ),
    (
        EventType::RemediationRejected,
        1,
        include_str!("../schemas/remediation.rejected.v1.json"),
    ),
    (
        EventType::RemediationBlocked,
        1,
        include_str!("../schemas/remediation.blocked.v1.json"),
    ),
    (
        EventType::RemediationExecuting,
        1,
        include_str!("../schemas/remediation.executing.v1.json"),
    ),
    (
        EventType::RemediationExecuted,
        1,
        include_str!("../schemas/remediation.executed.v1.json"),
    ),
    (
        EventType::RemediationFailed,
        1,
        include_str!("../schemas/remediation.failed.v1.json"),
    ),
    (
        EventType::RemediationVerified,
        1,
        include_str!("../schemas/remediation.verified.v1.json"),
    ),
    (
        EventType::RemediationRolledBack,
        1,
        include_str!("../schemas/remediation.rolled_back.v1.json"),
    ),
    (
        EventType::AuditRecorded,
        1,
        include_str!("../schemas/audit.recorded.v1.json"),
    ),
];

/// One compiled validator per entry of [`DOCUMENTS`], same order. A document that does not compile is
/// kept as its error message, so that only events of that type fail rather than the whole process.
static VALIDATORS: LazyLock<Vec<Result<Validator, String>>> =
    LazyLock::new(|| DOCUMENTS.iter().map(|(_, _, text)| compile(text)).collect());

/// The text of the JSON Schema of `version` of `event_type`, or `None` if there is no such version.
#[must_use]
pub fn schema_document(event_type: EventType, version: u32) -> Option<&'static str> {
    position(event_type, version).map(|i| DOCUMENTS[i].2)
}

/// Checks `data` against the JSON Schema of `version` of `event_type`, formats included.
///
/// # Errors
///
/// - [`Error::UnknownVersion`] when there is no schema for that version.
/// - [`Error::SchemaViolation`] listing every violation as `<JSON pointer>: <message>`.
/// - [`Error::InvalidSchema`] if the embedded schema itself does not compile (a bug in this crate).
pub fn validate(event_type: EventType, version: u32, data: &Value) -> Result<()> {
    let index = position(event_type, version).ok_or(Error::UnknownVersion { event_type, version })?;
    let validator = VALIDATORS[index].as_ref().map_err(|reason| Error::InvalidSchema {
        event_type,
        version,
        reason: reason.clone(),
    })?;
    let errors: Vec<String> = validator.iter_errors(data).map(|e| describe(&e)).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::SchemaViolation { event_type, errors })
    }
}

fn position(event_type: EventType, version: u32) -> Option<usize> {
    DOCUMENTS.iter().position(|&(t, v, _)| t == event_type && v == version)
}

fn compile(text: &str) -> Result<Validator, String> {
    let schema: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        // `format` is only an annotation in 2020-12 unless asked for; we want bad dates rejected.
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .build(&schema)
        .map_err(|e| e.to_string())
}

fn describe(error: &ValidationError<'_>) -> String {
    let pointer = error.instance_path().as_str();
    let pointer = if pointer.is_empty() { "/" } else { pointer };
    format!("{pointer}: {error}")
}
