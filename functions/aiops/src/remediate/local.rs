//! [`LocalExecutor`]: remediation inside `todo serve`, which runs every function in one process.
//! It acts for real on two things: it holds a consumer still and lets it go again, through the
//! [`Pause`] switch `todo serve` puts in front of each consumer's handler (nothing is acknowledged
//! or dead-lettered while paused; the consumer carries on from the event it held); and it holds
//! open (and lets go) the circuit from a function to a dependency through a [`CircuitHold`]
//! (chat-api's to the model providers: the rules answer meanwhile).
//!
//! The rest has no handle here, and says so in a failed outcome rather than pretending: one
//! process has no revision to restart and no replicas to scale.

use std::collections::BTreeMap;

use async_trait::async_trait;
use todo_aiops::remediation::{ALL_TOPICS, Action, Outcome};
use todo_kit::handler::Pause;
use todo_kit::resilience::CircuitHold;

use super::Executor;

/// Acts on the consumers of this process.
#[derive(Debug, Clone, Default)]
pub struct LocalExecutor {
    /// The pause switch of each consumer, by consumer name (`analytics`, `notifier`, `scheduler`).
    pauses: BTreeMap<String, Pause>,
    /// The circuit switches, by (function, dependency): `("chat-api", "model-provider")`.
    circuits: BTreeMap<(String, String), CircuitHold>,
}

impl LocalExecutor {
    /// An executor over these consumers' switches.
    #[must_use]
    pub fn new(pauses: BTreeMap<String, Pause>) -> Self {
        Self {
            pauses,
            circuits: BTreeMap::new(),
        }
    }

    /// The same executor, holding `function`'s circuit to `dependency` open through `hold`.
    #[must_use]
    pub fn with_circuit(mut self, function: &str, dependency: &str, hold: CircuitHold) -> Self {
        self.circuits.insert((function.to_owned(), dependency.to_owned()), hold);
        self
    }

    /// Holds the circuit from `function` to `dependency` open or lets it go.
    fn hold(&self, function: &str, dependency: &str, open: bool) -> Outcome {
        let Some(hold) = self.circuits.get(&(function.to_owned(), dependency.to_owned())) else {
            return Outcome::failed(format!(
                "cannot switch the circuit from {function} to {dependency} under todo serve: no such circuit runs in this process"
            ));
        };
        match (hold.set(open), open) {
            (true, true) => Outcome::ok(format!(
                "the circuit from {function} to {dependency} was already held open"
            )),
            (false, false) => Outcome::ok(format!("the circuit from {function} to {dependency} was not held")),
            (_, true) => Outcome::ok(format!(
                "holding the circuit from {function} to {dependency} open: it is not called until let go"
            )),
            (_, false) => Outcome::ok(format!("let go of the circuit from {function} to {dependency}")),
        }
    }

    /// The switch of `function`'s consumer, or why there is none.
    fn pause_of(&self, function: &str, topic: &str) -> Result<&Pause, Outcome> {
        let Some(pause) = self.pauses.get(function) else {
            let known: Vec<&str> = self.pauses.keys().map(String::as_str).collect();
            return Err(Outcome::failed(format!(
                "no consumer named {function} runs in this process (consumers: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        };
        // A consumer reads all its topics in one loop: it pauses as a whole.
        if topic != ALL_TOPICS {
            tracing::debug!(%function, %topic, "a local consumer pauses on all its topics at once");
        }
        Ok(pause)
    }
}

#[async_trait]
impl Executor for LocalExecutor {
    fn target(&self) -> String {
        "todo serve".to_owned()
    }

    async fn execute(&self, action: &Action) -> Outcome {
        match action {
            Action::PauseConsumer { function, topic } => match self.pause_of(function, topic) {
                Ok(pause) if pause.is_paused() => Outcome::ok(format!("the consumer {function} was already paused")),
                Ok(pause) => {
                    pause.pause();
                    Outcome::ok(format!(
                        "paused the consumer {function}: it holds its next event until resumed"
                    ))
                }
                Err(failed) => failed,
            },
            Action::ResumeConsumer { function, topic } => match self.pause_of(function, topic) {
                Ok(pause) if !pause.is_paused() => Outcome::ok(format!("the consumer {function} was already running")),
                Ok(pause) => {
                    pause.resume();
                    Outcome::ok(format!("resumed the consumer {function}"))
                }
                Err(failed) => failed,
            },
            Action::RestartRevision { function } => Outcome::failed(format!(
                "cannot restart {function} under todo serve: every function runs in this one process, which has no revisions to replace; restart todo serve by hand"
            )),
            Action::ScaleUp { function, .. } | Action::ScaleDown { function, .. } => Outcome::failed(format!(
                "cannot scale {function} under todo serve: every function runs once, in this one process"
            )),
            Action::OpenCircuit { function, dependency } => self.hold(function, dependency, true),
            Action::CloseCircuit { function, dependency } => self.hold(function, dependency, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pause(function: &str) -> Action {
        Action::PauseConsumer {
            function: function.into(),
            topic: ALL_TOPICS.into(),
        }
    }

    #[tokio::test]
    async fn a_pause_holds_the_named_consumer_and_its_rollback_lets_it_go() {
        // Arrange
        let notifier = Pause::default();
        let executor = LocalExecutor::new(BTreeMap::from([("notifier".to_owned(), notifier.clone())]));

        // Act
        let paused = executor.execute(&pause("notifier")).await;
        let again = executor.execute(&pause("notifier")).await;
        let resumed = executor.execute(&pause("notifier").rollback().unwrap()).await;

        // Assert
        assert!(
            paused.ok && paused.detail.contains("paused the consumer notifier"),
            "{paused:?}"
        );
        assert!(again.ok, "pausing a paused consumer succeeds: {again:?}");
        assert!(resumed.ok, "{resumed:?}");
        assert!(!notifier.is_paused());
    }

    #[tokio::test]
    async fn the_circuit_to_the_models_is_held_open_and_its_rollback_lets_it_go() {
        // Arrange
        let hold = CircuitHold::default();
        let executor = LocalExecutor::default().with_circuit("chat-api", "model-provider", hold.clone());
        let open = Action::OpenCircuit {
            function: "chat-api".into(),
            dependency: "model-provider".into(),
        };

        // Act
        let opened = executor.execute(&open).await;
        let held = hold.is_held();
        let closed = executor.execute(&open.rollback().unwrap()).await;

        // Assert
        assert!(opened.ok && opened.detail.contains("open"), "{opened:?}");
        assert!(held);
        assert!(closed.ok, "{closed:?}");
        assert!(!hold.is_held());
    }

    #[tokio::test]
    async fn what_one_process_cannot_do_fails_and_says_why() {
        let executor = LocalExecutor::new(BTreeMap::from([("notifier".to_owned(), Pause::default())]));
        let restart = Action::RestartRevision {
            function: "task-api".into(),
        };
        let scale = Action::ScaleUp {
            function: "task-api".into(),
            from: 1,
            to: 2,
        };
        let circuit = Action::OpenCircuit {
            function: "chat-api".into(),
            dependency: "model-provider".into(),
        };
        for action in [restart, scale, circuit, pause("analytics")] {
            let outcome = executor.execute(&action).await;
            assert!(!outcome.ok, "{action}: {outcome:?}");
            assert!(outcome.detail.starts_with("cannot") || outcome.detail.contains("no consumer named analytics"));
        }
        assert_eq!(executor.target(), "todo serve");
    }
}
