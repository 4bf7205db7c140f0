//! [`LocalExecutor`]: remediation inside `todo serve`, which runs every function in one process.
//! It can do one thing for real: hold a consumer still and let it go again, through the [`Pause`]
//! switch `todo serve` puts in front of each consumer's handler (nothing is acknowledged or
//! dead-lettered while paused; the consumer carries on from the event it held).
//!
//! The rest has no handle here, and says so in a failed outcome rather than pretending: one
//! process has no revision to restart and no replicas to scale, and chat-api's call to the model
//! provider has no breaker that can be held open (the kit's `CircuitBreaker` guards the peer
//! calls to task-api and session-api and has no switch to force it; the provider chain falls back
//! to the rules on its own).

use std::collections::BTreeMap;

use async_trait::async_trait;
use todo_aiops::remediation::{ALL_TOPICS, Action, Outcome};
use todo_kit::handler::Pause;

use super::Executor;

/// Acts on the consumers of this process.
#[derive(Debug, Clone, Default)]
pub struct LocalExecutor {
    /// The pause switch of each consumer, by consumer name (`analytics`, `notifier`, `scheduler`).
    pauses: BTreeMap<String, Pause>,
}

impl LocalExecutor {
    /// An executor over these consumers' switches.
    #[must_use]
    pub fn new(pauses: BTreeMap<String, Pause>) -> Self {
        Self { pauses }
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
            Action::OpenCircuit { function, dependency } | Action::CloseCircuit { function, dependency } => {
                Outcome::failed(format!(
                    "cannot switch the circuit from {function} to {dependency} under todo serve: it has no breaker that can be held open or closed"
                ))
            }
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
