//! The probable root cause of an incident: the most upstream affected component.
//!
//! Candidates are the affected components none of whose (direct or indirect) dependencies is
//! affected: if task-api and PostgreSQL both signal, task-api depends on PostgreSQL, so PostgreSQL
//! is the candidate. Among several candidates the one whose first signal started earliest wins.
//!
//! Confidence (0.05 to 0.95) adds up what supports the choice:
//! - 0.4 to start with;
//! - up to 0.4 for the share of the other affected components that depend on it (a lone
//!   component gets 0.3: nothing contradicts it, but nothing corroborates it either);
//! - 0.2 when it started first (within a tolerance, 60 s by default);
//! - minus 0.15 for each other candidate, an affected component that it does not explain.
//!
//! When the upstream component started clearly later than something that depends on it we still
//! name it, because the order of alert starts is weak evidence: Prometheus stamps an alert when
//! its `for` duration has passed (PostgresDown waits 1 minute, HighErrorRatio 5, KafkaConsumerLagHigh
//! 10), so a cause can be reported after its effect. It loses the 0.2 and 0.25 more, and the
//! evidence says so.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::signal::Signal;
use super::topology::Topology;

/// The component most probably at fault, how sure we are, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RootCause {
    pub component: String,
    /// 0.05 to 0.95, see the module notes.
    pub confidence: f64,
    /// One sentence per fact that went into the choice.
    pub evidence: Vec<String>,
}

/// The root cause of an incident with these signals.
pub(crate) fn analyse(signals: &[Signal], topology: &Topology, tolerance: TimeDelta) -> RootCause {
    let mut first: BTreeMap<&str, &Signal> = BTreeMap::new();
    for signal in signals {
        let earliest = first.entry(signal.component.as_str()).or_insert(signal);
        if signal.started_at < earliest.started_at {
            *earliest = signal;
        }
    }
    let components: Vec<&str> = first.keys().copied().collect();
    let by_start = |a: &&str, b: &&str| (first[a].started_at, *a).cmp(&(first[b].started_at, *b));
    let mut candidates: Vec<&str> = components
        .iter()
        .copied()
        .filter(|c| !components.iter().any(|d| topology.depends_on(c, d)))
        .collect();
    if candidates.is_empty() {
        // Only a dependency cycle leaves no candidate; then order alone decides.
        candidates = components.clone();
    }
    candidates.sort_by(by_start);
    let Some(&chosen) = candidates.first() else {
        return RootCause::default();
    };
    let cause = first[chosen];
    let mut others: Vec<&str> = components.iter().copied().filter(|c| *c != chosen).collect();
    others.sort_by(by_start);
    let explained: Vec<&str> = others
        .iter()
        .copied()
        .filter(|o| topology.depends_on(o, chosen))
        .collect();

    let mut evidence = Vec::new();
    let mut confidence = 0.4;
    if others.is_empty() {
        confidence += 0.3;
        evidence.push(format!(
            "{chosen} {} started {}; no other component is affected",
            cause.describe(),
            clock(cause)
        ));
    } else {
        confidence += 0.4 * explained.len() as f64 / others.len() as f64;
    }
    for other in &explained {
        evidence.push(dependent_line(chosen, cause, other, first[other], topology));
    }
    let earlier: Vec<&str> = explained
        .iter()
        .copied()
        .filter(|o| first[o].started_at + tolerance < cause.started_at)
        .collect();
    if earlier.is_empty() {
        if !others.is_empty() {
            confidence += 0.2;
        }
    } else {
        confidence -= 0.25;
        evidence.push(format!(
            "{chosen} is upstream of {} but its first signal started later; alert `for` durations can \
             delay an upstream alert, so it is still named, with lower confidence",
            earlier.join(", ")
        ));
    }
    for other in candidates.iter().skip(1) {
        confidence -= 0.15;
        evidence.push(format!(
            "{other} {} started {} and none of its dependencies is affected: it may be a second cause",
            first[other].describe(),
            clock(first[other])
        ));
    }
    RootCause {
        component: chosen.to_owned(),
        confidence: (confidence.clamp(0.05, 0.95) * 100.0).round() / 100.0,
        evidence,
    }
}

/// `postgresql alert PostgresDown started 12:00:03, 41 s before task-api alert HighErrorRatio;
/// task-api depends on postgresql`.
fn dependent_line(chosen: &str, cause: &Signal, other: &str, effect: &Signal, topology: &Topology) -> String {
    let gap = ((effect.started_at - cause.started_at).num_milliseconds() as f64 / 1000.0).round() as i64;
    let order = match gap {
        0 => "at the same time as".to_owned(),
        g if g > 0 => format!("{g} s before"),
        g => format!("{} s after", -g),
    };
    let path = topology.dependency_path(other, chosen).unwrap_or_default();
    let via = if path.len() > 2 {
        format!(" via {}", path[1..path.len() - 1].join(", "))
    } else {
        String::new()
    };
    format!(
        "{chosen} {} started {}, {order} {other} {}; {other} depends on {chosen}{via}",
        cause.describe(),
        clock(cause),
        effect.describe()
    )
}

/// The start time of a signal as `HH:MM:SS` (UTC).
fn clock(signal: &Signal) -> String {
    signal.started_at.format("%H:%M:%S").to_string()
}
