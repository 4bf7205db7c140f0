//! The default playbooks, matched to our alert rules (`observability/prometheus/rules/alerts.yml`)
//! and to the anomaly series the detectors watch (named after the recording rules, e.g.
//! `service:http_requests:rate5m`).

use std::collections::BTreeSet;

use super::action::ALL_TOPICS;
use super::playbook::{ActionTemplate, Playbook, RootCauseRule, SignalKind, Trigger};
use crate::correlation::FUNCTIONS;

/// A saturation signal: any series about CPU (cAdvisor's `container_cpu_usage_seconds_total`
/// or a detector's name for it).
const CPU: &str = "*cpu*";

/// The anomaly series of the events a consumer dead-letters per second (the `aiops` function's
/// watch names it so).
pub const DEAD_LETTER_RATE: &str = "dead_letter_rate";
/// The component the topology and the playbooks name chat-api's language models by.
pub const MODEL_PROVIDER: &str = "model-provider";

/// How far the default scale-ups go.
const SCALE_UP: ActionTemplate = ActionTemplate::ScaleUp { step: 1, max: 5 };

impl Playbook {
    /// The platform's playbooks:
    /// - `restart-on-errors-or-latency`: HighErrorRatio or HighLatencyP99 on a function that is
    ///   itself the root cause and shows no CPU signal: restart its revision (destructive, so it
    ///   waits for approval). A saturated function gets the next playbook instead, since a restart
    ///   adds no capacity.
    /// - `scale-on-latency-with-cpu`: HighLatencyP99 with a CPU signal on the same function: scale up.
    /// - `scale-on-request-surge`: an anomaly on the function's request rate that has lasted 10
    ///   minutes: scale up. The function must be the root cause: with PostgreSQL down, more
    ///   task-api replicas would only open more connections to it.
    /// - `pause-<consumer>-dead-letter-loop` for analytics, notifier and scheduler: EventsDeadLettered
    ///   together with EventHandlerErrorRatioHigh (one poison event is dead-lettered by design; a
    ///   loop fails most events), or an anomaly on the consumer's [`DEAD_LETTER_RATE`] series (the
    ///   watch's view where no Alertmanager runs, as under `todo serve`): pause that consumer
    ///   (destructive). The anomaly cannot tell a loop from one poison event on a consumer that
    ///   never dead-letters (both are a change from nothing), which is one more reason the pause
    ///   waits for a person. Whatever the root cause: while PostgreSQL is down a consumer would
    ///   dead-letter everything it reads. Scheduler reads only `task-events`; the others read four
    ///   topics and the alert's `topic` label does not reach the incident, so they pause on all of
    ///   them ([`ALL_TOPICS`]).
    /// - `open-circuit-to-model-provider`: chat-api errors or latency whose root cause is the model
    ///   provider: open chat-api's circuit to it.
    pub fn platform() -> Vec<Playbook> {
        let functions: BTreeSet<String> = FUNCTIONS.iter().map(|f| (*f).to_owned()).collect();
        let mut playbooks = vec![
            Playbook {
                name: "restart-on-errors-or-latency".to_owned(),
                description: "A function failing or slow on its own, without saturation: restart its revision."
                    .to_owned(),
                trigger: Trigger {
                    without: vec![CPU.to_owned()],
                    components: functions.clone(),
                    ..Trigger::on(&["HighErrorRatio", "HighLatencyP99"])
                },
                action: ActionTemplate::RestartRevision,
                repeat_after_secs: None,
            },
            Playbook {
                name: "scale-on-latency-with-cpu".to_owned(),
                description: "A function slow while its CPU is anomalous: one more replica.".to_owned(),
                trigger: Trigger {
                    with: vec![CPU.to_owned()],
                    components: functions.clone(),
                    ..Trigger::on(&["HighLatencyP99"])
                },
                action: SCALE_UP,
                repeat_after_secs: None,
            },
            Playbook {
                name: "scale-on-request-surge".to_owned(),
                description: "A request-rate anomaly that has lasted 10 minutes: one more replica.".to_owned(),
                trigger: Trigger {
                    kind: Some(SignalKind::Anomaly),
                    sustained_secs: 600,
                    components: functions,
                    ..Trigger::on(&["*http_requests*"])
                },
                action: SCALE_UP,
                repeat_after_secs: None,
            },
        ];
        for (consumer, topic) in [
            ("analytics", ALL_TOPICS),
            ("notifier", ALL_TOPICS),
            ("scheduler", "task-events"),
        ] {
            playbooks.push(Playbook {
                name: format!("pause-{consumer}-dead-letter-loop"),
                description: format!("{consumer} dead-letters most of what it reads: pause it until someone looks."),
                trigger: Trigger {
                    components: BTreeSet::from([consumer.to_owned()]),
                    root_cause: RootCauseRule::Any,
                    // The anomaly is its own companion: `with` may be met by the signal itself.
                    with: vec!["EventHandlerErrorRatioHigh".to_owned(), DEAD_LETTER_RATE.to_owned()],
                    ..Trigger::on(&["EventsDeadLettered", DEAD_LETTER_RATE])
                },
                action: ActionTemplate::PauseConsumer {
                    topic: topic.to_owned(),
                },
                repeat_after_secs: None,
            });
        }
        playbooks.push(Playbook {
            name: "open-circuit-to-model-provider".to_owned(),
            description: "chat-api fails because the model provider does: fail fast instead of waiting.".to_owned(),
            trigger: Trigger {
                components: BTreeSet::from(["chat-api".to_owned()]),
                root_cause: RootCauseRule::Component(MODEL_PROVIDER.to_owned()),
                ..Trigger::on(&["HighErrorRatio", "HighLatencyP99"])
            },
            action: ActionTemplate::OpenCircuit {
                dependency: MODEL_PROVIDER.to_owned(),
            },
            repeat_after_secs: None,
        });
        playbooks
    }
}

impl Trigger {
    /// A trigger on any of these signal names, of any kind, on any component that is its own root
    /// cause; refine it with struct update syntax.
    pub fn on(signals: &[&str]) -> Self {
        Self {
            signals: signals.iter().map(|s| (*s).to_owned()).collect(),
            kind: None,
            components: BTreeSet::new(),
            root_cause: RootCauseRule::Itself,
            with: Vec::new(),
            without: Vec::new(),
            sustained_secs: 0,
        }
    }
}
