//! What the engine can ask an executor to do, one function at a time, and how each step is undone.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The `topic` of a consumer action that means every topic the function consumes (the alert's
/// `topic` label does not reach the incident's signals, see [`super::Playbook::platform`]).
pub const ALL_TOPICS: &str = "*";

/// One remediation step on one function. In JSON, `{"kind": "scale_up", "function": "task-api",
/// "from": 1, "to": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Replace the running instances of the function's current revision (Knative: a new revision
    /// with the same spec; `todo serve`: restart the component).
    RestartRevision { function: String },
    /// Raise the function's minimum replicas from `from` to `to`.
    ScaleUp { function: String, from: u32, to: u32 },
    /// Lower the function's minimum replicas from `from` back to `to` (the undo of a scale-up).
    ScaleDown { function: String, from: u32, to: u32 },
    /// Stop the function's consumer reading `topic` ([`ALL_TOPICS`] for all of them); offsets stay
    /// where they are, so nothing is lost, only delayed.
    PauseConsumer { function: String, topic: String },
    /// Let a paused consumer read `topic` again.
    ResumeConsumer { function: String, topic: String },
    /// Hold the function's circuit breaker to `dependency` open: calls fail fast instead of waiting.
    OpenCircuit { function: String, dependency: String },
    /// Give the breaker back to its own rules (it half-opens and closes on success).
    CloseCircuit { function: String, dependency: String },
}

impl Action {
    /// The function the action changes.
    pub fn function(&self) -> &str {
        match self {
            Self::RestartRevision { function }
            | Self::ScaleUp { function, .. }
            | Self::ScaleDown { function, .. }
            | Self::PauseConsumer { function, .. }
            | Self::ResumeConsumer { function, .. }
            | Self::OpenCircuit { function, .. }
            | Self::CloseCircuit { function, .. } => function,
        }
    }

    /// Whether a human must approve it first, even in auto mode. A restart drops in-flight
    /// requests and warm instances, and cannot be undone; a pause stops a read model or deliveries
    /// from moving until someone resumes it. Scaling (either way) and the circuit only change how
    /// much capacity there is or how fast a failing call fails, and the undo is one more action
    /// (the breaker would open on its own after 5 failures anyway).
    pub fn is_destructive(&self) -> bool {
        matches!(self, Self::RestartRevision { .. } | Self::PauseConsumer { .. })
    }

    /// Whether it would change nothing (a scale to the replicas the function already runs).
    pub fn is_noop(&self) -> bool {
        matches!(self, Self::ScaleUp { from, to, .. } | Self::ScaleDown { from, to, .. } if from == to)
    }

    /// The action that undoes this one, when the incident did not clear; a restart has none.
    pub fn rollback(&self) -> Option<Action> {
        match self {
            Self::RestartRevision { .. } => None,
            Self::ScaleUp { function, from, to } => Some(Self::ScaleDown {
                function: function.clone(),
                from: *to,
                to: *from,
            }),
            Self::ScaleDown { function, from, to } => Some(Self::ScaleUp {
                function: function.clone(),
                from: *to,
                to: *from,
            }),
            Self::PauseConsumer { function, topic } => Some(Self::ResumeConsumer {
                function: function.clone(),
                topic: topic.clone(),
            }),
            Self::ResumeConsumer { function, topic } => Some(Self::PauseConsumer {
                function: function.clone(),
                topic: topic.clone(),
            }),
            Self::OpenCircuit { function, dependency } => Some(Self::CloseCircuit {
                function: function.clone(),
                dependency: dependency.clone(),
            }),
            Self::CloseCircuit { function, dependency } => Some(Self::OpenCircuit {
                function: function.clone(),
                dependency: dependency.clone(),
            }),
        }
    }
}

/// `scale task-api up from 1 to 2 replicas`, for reasons and audit details.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let topic_name = |topic: &str| {
            if topic == ALL_TOPICS {
                "all its topics".to_owned()
            } else {
                topic.to_owned()
            }
        };
        match self {
            Self::RestartRevision { function } => write!(f, "restart the revision of {function}"),
            Self::ScaleUp { function, from, to } => write!(f, "scale {function} up from {from} to {to} replicas"),
            Self::ScaleDown { function, from, to } => {
                write!(f, "scale {function} down from {from} to {to} replicas")
            }
            Self::PauseConsumer { function, topic } => {
                write!(f, "pause the consumer of {function} on {}", topic_name(topic))
            }
            Self::ResumeConsumer { function, topic } => {
                write!(f, "resume the consumer of {function} on {}", topic_name(topic))
            }
            Self::OpenCircuit { function, dependency } => {
                write!(f, "open the circuit from {function} to {dependency}")
            }
            Self::CloseCircuit { function, dependency } => {
                write!(f, "close the circuit from {function} to {dependency}")
            }
        }
    }
}
