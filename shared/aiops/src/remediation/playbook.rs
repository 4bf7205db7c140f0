//! Playbooks: which incidents call for which action. A playbook fires on an incident when one of
//! its open signals matches the trigger; the action is then built for that signal's component.
//! Playbooks are data (JSON) so operators can change them without a release; the defaults are in
//! `platform.rs`.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::action::Action;
use super::error::RemediationError;
use crate::correlation::{Incident, Signal, SignalSource};

/// One rule: a trigger and the action it calls for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playbook {
    /// Unique among the playbooks in use; records name the playbook that proposed them.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub trigger: Trigger,
    pub action: ActionTemplate,
    /// Escalation: act on the same incident again this long after this playbook's last action on
    /// it finished, if the incident is still open. `None` (the default): once per incident.
    #[serde(default)]
    pub repeat_after_secs: Option<u64>,
}

/// What an incident must show for a playbook to fire. Names are alert names (`HighErrorRatio`) or
/// anomaly series (`service:http_requests:rate5m`); `*` in a name matches any run of characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// One open signal must have one of these names; its component is the one acted on.
    pub signals: Vec<String>,
    /// Only alerts or only anomalies; either when unset.
    #[serde(default)]
    pub kind: Option<SignalKind>,
    /// The components the signal may be on; any when empty.
    #[serde(default)]
    pub components: BTreeSet<String>,
    #[serde(default)]
    pub root_cause: RootCauseRule,
    /// Another open signal on the same component must have one of these names (none needed when empty).
    #[serde(default)]
    pub with: Vec<String>,
    /// No open signal on the same component may have one of these names.
    #[serde(default)]
    pub without: Vec<String>,
    /// The signal must have started at least this long ago (a sustained anomaly, not a blip).
    #[serde(default)]
    pub sustained_secs: u64,
}

/// The kind of signal a trigger accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Alert,
    Anomaly,
}

/// What the incident's root cause must be. In JSON `"itself"`, `"any"` or `{"component": "model-provider"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RootCauseRule {
    /// The signal's own component is the root cause: restarting task-api does not help when
    /// PostgreSQL is down.
    #[default]
    Itself,
    /// Whatever the root cause is.
    Any,
    /// The root cause is this component (the signal is on one that depends on it).
    Component(String),
}

/// The action a playbook calls for, before it knows the function. In JSON
/// `{"kind": "scale_up", "step": 1, "max": 5}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActionTemplate {
    RestartRevision,
    /// `step` more replicas than now, but not above `max`.
    ScaleUp {
        step: u32,
        max: u32,
    },
    PauseConsumer {
        topic: String,
    },
    OpenCircuit {
        dependency: String,
    },
}

impl Playbook {
    /// Playbooks from a JSON array, checked: unique names, at least one signal name, a scale-up
    /// that scales.
    ///
    /// # Errors
    /// [`RemediationError::Playbooks`] when the JSON does not parse or a playbook is unusable.
    pub fn parse_list(json: &str) -> Result<Vec<Playbook>, RemediationError> {
        let playbooks: Vec<Playbook> =
            serde_json::from_str(json).map_err(|e| RemediationError::Playbooks(e.to_string()))?;
        let mut names = BTreeSet::new();
        for playbook in &playbooks {
            let problem = if !names.insert(playbook.name.as_str()) {
                Some("the name is used twice")
            } else if playbook.trigger.signals.is_empty() {
                Some("the trigger names no signal")
            } else if matches!(playbook.action, ActionTemplate::ScaleUp { step: 0, .. }) {
                Some("a scale-up needs a step of at least 1")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(RemediationError::Playbooks(format!(
                    "playbook {:?}: {problem}",
                    playbook.name
                )));
            }
        }
        Ok(playbooks)
    }

    /// The open signal of `incident` that fires this playbook at `now`, if any (the earliest).
    pub fn matching_signal<'a>(&self, incident: &'a Incident, now: DateTime<Utc>) -> Option<&'a Signal> {
        let trigger = &self.trigger;
        let open = || incident.signals.iter().filter(|s| s.ended_at.is_none());
        let on_component = |component: &str, names: &[String]| {
            open().any(|s| s.component == component && names.iter().any(|n| glob(n, &s.name)))
        };
        open().find(|signal| {
            trigger.signals.iter().any(|n| glob(n, &signal.name))
                && trigger.kind.is_none_or(|kind| kind == SignalKind::of(signal))
                && (trigger.components.is_empty() || trigger.components.contains(&signal.component))
                && trigger
                    .root_cause
                    .allows(&incident.root_cause.component, &signal.component)
                && (trigger.with.is_empty() || on_component(&signal.component, &trigger.with))
                && !on_component(&signal.component, &trigger.without)
                && now - signal.started_at >= secs(trigger.sustained_secs)
        })
    }
}

impl SignalKind {
    fn of(signal: &Signal) -> Self {
        match signal.source {
            SignalSource::Alert { .. } => Self::Alert,
            SignalSource::Anomaly { .. } => Self::Anomaly,
        }
    }
}

impl RootCauseRule {
    fn allows(&self, root_cause: &str, component: &str) -> bool {
        match self {
            Self::Itself => root_cause == component,
            Self::Any => true,
            Self::Component(name) => root_cause == name,
        }
    }
}

impl ActionTemplate {
    /// The action on `function`, which runs `replicas` now. A scale-up of a function already at
    /// the maximum scales from `replicas` to `replicas` ([`Action::is_noop`]).
    pub fn action(&self, function: &str, replicas: u32) -> Action {
        let function = function.to_owned();
        match self {
            Self::RestartRevision => Action::RestartRevision { function },
            Self::ScaleUp { step, max } => Action::ScaleUp {
                function,
                from: replicas,
                to: replicas.saturating_add(*step).min(*max).max(replicas),
            },
            Self::PauseConsumer { topic } => Action::PauseConsumer {
                function,
                topic: topic.clone(),
            },
            Self::OpenCircuit { dependency } => Action::OpenCircuit {
                function,
                dependency: dependency.clone(),
            },
        }
    }
}

/// Seconds as a duration, saturating (settings and playbooks are data from operators).
pub(crate) fn secs(seconds: u64) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(seconds).unwrap_or(i64::MAX / 1000).min(i64::MAX / 1000))
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters (empty included).
fn glob(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, middle)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_stars_anywhere_and_exact_names_exactly() {
        assert!(glob("HighErrorRatio", "HighErrorRatio"));
        assert!(!glob("HighErrorRatio", "HighErrorRatio2"));
        assert!(glob("*cpu*", "container_cpu_usage_seconds_total"));
        assert!(glob("*cpu*", "cpu"));
        assert!(!glob("*cpu*", "memory"));
        assert!(glob("*http_requests*", "service:http_requests:rate5m"));
        assert!(glob("a*b*c", "abc"));
        assert!(!glob("a*b*c", "acb"));
        assert!(!glob("ab*ba", "aba"));
    }
}
