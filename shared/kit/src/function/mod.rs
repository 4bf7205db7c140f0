//! The function contract: every function crate describes itself once, as a [`Function`] value
//! (its HTTP side, the topics its event handler consumes, the events it publishes, the settings
//! it reads and the periodic work it needs). The function's `main`, `todo functions` and the tests
//! that check `knative/` and `keda/` read that one description, so the manifests cannot drift from
//! the code: a renamed setting, a new topic or a new unit of periodic work changes the description,
//! and the checks fail until the manifests follow.

mod run;
mod starting;
mod work;

use serde::Serialize;
use todo_events::{EventType, Topic};

use crate::settings::{Need, Setting};

pub use run::{Loop, Parts, check_handler, check_work, router, run};
pub use work::{Work, WorkError, WorkReport, rounds_until_idle, run_loop, work_router};

/// One deployable function.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    /// Its name: the crate, the binary, the Knative Service, the consumer group.
    pub name: &'static str,
    /// What it does, in one line.
    pub summary: &'static str,
    /// Who reaches its HTTP routes.
    pub http: Http,
    /// The topics it consumes (names without a prefix); empty when it has none.
    pub consumes: &'static [Topic],
    /// How events of those topics reach it.
    pub delivery: EventDelivery,
    /// The event types it publishes (directly or through an outbox).
    pub publishes: &'static [EventType],
    /// The settings it reads, in groups (the kit's common groups and its own).
    pub settings: &'static [&'static [Setting]],
    /// The periodic work it needs, each reachable at `POST /work/{name}`.
    pub periodic: &'static [Periodic],
}

/// Who reaches a function's HTTP routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Http {
    /// Behind the public gateway, at these path prefixes (a prefix that starts with `^` is a
    /// regular expression).
    Public(&'static [&'static str]),
    /// Only inside the cluster (event delivery, periodic triggers, probes, metrics).
    ClusterLocal,
}

/// How a function that consumes topics receives their events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventDelivery {
    /// One event at a time to its event handler: by HTTP push (a Knative KafkaSource) or by the
    /// kit's consumer group (Kafka pull, KEDA).
    Events,
    /// In batches it reads itself as one Kafka consumer group member (the archiver: an object per
    /// batch). It has no handler and no push endpoint, so it runs as a single long-lived puller
    /// in both deployment variants.
    Batches,
}

/// A unit of periodic work and the schedule its trigger fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periodic {
    /// Its name; the trigger posts to `/work/{name}`.
    pub name: &'static str,
    /// A cron schedule (five fields, UTC), as a Knative PingSource takes it.
    pub schedule: &'static str,
    /// What one run does.
    pub about: &'static str,
}

impl Periodic {
    /// The path its trigger posts to.
    #[must_use]
    pub fn path(&self) -> String {
        format!("/work/{}", self.name)
    }
}

impl Function {
    /// Every setting it reads, each once, in the order of its groups.
    pub fn settings(&self) -> impl Iterator<Item = &'static Setting> {
        let mut seen = std::collections::HashSet::new();
        self.settings
            .iter()
            .flat_map(|group| group.iter())
            .filter(move |s| seen.insert(s.name))
    }

    /// The names of the topics it consumes, each after `prefix` (a deployment's `TOPIC_PREFIX`).
    #[must_use]
    pub fn consumed_topics(&self, prefix: &str) -> Vec<String> {
        self.consumes.iter().map(|t| format!("{prefix}{}", t.name())).collect()
    }

    /// The setting called `name`, if it reads one.
    #[must_use]
    pub fn setting(&self, name: &str) -> Option<&'static Setting> {
        self.settings().find(|s| s.name == name)
    }

    /// The description as JSON, for `todo functions --json` and the manifest checks.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(Described::from(self)).unwrap_or_default()
    }
}

/// The serialisable form of a [`Function`].
#[derive(Serialize)]
struct Described {
    name: &'static str,
    summary: &'static str,
    public_paths: Vec<&'static str>,
    consumes: Vec<&'static str>,
    delivery: EventDelivery,
    publishes: Vec<&'static str>,
    settings: Vec<DescribedSetting>,
    periodic: Vec<DescribedPeriodic>,
}

#[derive(Serialize)]
struct DescribedSetting {
    name: &'static str,
    about: &'static str,
    default: Option<&'static str>,
    required: bool,
    one_of: Vec<&'static str>,
    secret: bool,
}

#[derive(Serialize)]
struct DescribedPeriodic {
    name: &'static str,
    path: String,
    schedule: &'static str,
    about: &'static str,
}

impl From<&Function> for Described {
    fn from(f: &Function) -> Self {
        Self {
            name: f.name,
            summary: f.summary,
            public_paths: match f.http {
                Http::Public(paths) => paths.to_vec(),
                Http::ClusterLocal => Vec::new(),
            },
            consumes: f.consumes.iter().map(|t| t.name()).collect(),
            delivery: f.delivery,
            publishes: f.publishes.iter().map(|t| t.as_str()).collect(),
            settings: f
                .settings()
                .map(|s| DescribedSetting {
                    name: s.name,
                    about: s.about,
                    default: s.default,
                    required: s.need == Need::Required,
                    one_of: match s.need {
                        Need::OneOf(group) => group.to_vec(),
                        _ => Vec::new(),
                    },
                    secret: s.secret,
                })
                .collect(),
            periodic: f
                .periodic
                .iter()
                .map(|p| DescribedPeriodic {
                    name: p.name,
                    path: p.path(),
                    schedule: p.schedule,
                    about: p.about,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::common;

    const OWN: &[Setting] = &[Setting::optional("PORT", "again")];
    const EXAMPLE: Function = Function {
        name: "example",
        summary: "an example",
        http: Http::ClusterLocal,
        consumes: &[Topic::TaskEvents],
        delivery: EventDelivery::Events,
        publishes: &[EventType::TaskDueSoon],
        settings: &[common::SERVER, OWN, common::AUTH],
        periodic: &[Periodic {
            name: "tick",
            schedule: "* * * * *",
            about: "ticks",
        }],
    };

    #[test]
    fn a_setting_listed_twice_is_described_once_with_what_the_first_group_says() {
        let names: Vec<&str> = EXAMPLE.settings().map(|s| s.name).collect();
        assert_eq!(
            names,
            [
                "PORT",
                "HOST",
                "RATE_LIMIT_IP",
                "RATE_LIMIT_USER",
                "RATE_LIMIT_EXPENSIVE",
                "TRUSTED_PROXIES",
                "REQUEST_TIMEOUT_SECONDS",
                "CORS_ALLOWED_ORIGINS",
                "AUTH_JWT_SECRET",
                "AUTH_JWKS_URL",
                "AUTH_ISSUER",
                "AUTH_AUDIENCE"
            ]
        );
        assert_eq!(EXAMPLE.setting("PORT").map(|s| s.about), Some("the port to listen on"));
    }

    #[test]
    fn the_json_description_names_topics_events_secrets_and_work_paths() {
        let json = EXAMPLE.to_json();
        assert_eq!(json["consumes"], serde_json::json!(["task-events"]));
        assert_eq!(json["publishes"], serde_json::json!(["task.due_soon"]));
        assert_eq!(json["periodic"][0]["path"], "/work/tick");
        let secret = json["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "AUTH_JWT_SECRET")
            .unwrap();
        assert_eq!(secret["secret"], true);
        assert_eq!(
            secret["one_of"],
            serde_json::json!(["AUTH_JWT_SECRET", "AUTH_JWKS_URL"])
        );
    }
}
