//! Checking the body of `POST /api/webhooks` field by field, so one answer lists every problem.
//! No I/O here: whether the host is allowed needs DNS and is checked after ([`crate::target::check`]).

use reqwest::Url;
use serde::Deserialize;
use todo_events::EventType;
use todo_kit::problem::InvalidParam;
use todo_kit::redacted::Redacted;

use crate::signature;
use crate::target;

/// Event types a subscription gets when it names none.
pub(crate) const DEFAULT_EVENT_TYPES: [&str; 4] = ["task.created", "task.due_soon", "task.overdue", "task.reminder"];
/// Longest description.
const MAX_DESCRIPTION: usize = 500;

/// The body of `POST /api/webhooks`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateWebhook {
    /// The endpoint: http(s), at most 2,048 characters, no credentials, a public address.
    #[schema(example = "https://hooks.example.com/todo")]
    pub(crate) url: Option<String>,
    /// Event types to deliver (default `task.created`, `task.due_soon`, `task.overdue`, `task.reminder`).
    /// `notification.*` cannot be subscribed to: they report deliveries, and would loop.
    #[serde(default)]
    pub(crate) event_types: Option<Vec<String>>,
    /// A Standard Webhooks secret (`whsec_` + base64 of 24-64 bytes); generated when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub(crate) secret: Option<Redacted>,
    /// A note for yourself, up to 500 characters.
    #[serde(default)]
    pub(crate) description: Option<String>,
}

/// A body whose fields are all well formed.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) url: Url,
    pub(crate) event_types: Vec<String>,
    pub(crate) secret: Option<Redacted>,
    pub(crate) description: Option<String>,
}

/// The event types a subscription may name.
pub(crate) fn subscribable() -> impl Iterator<Item = EventType> {
    EventType::ALL
        .into_iter()
        .filter(|t| !matches!(t, EventType::NotificationSent | EventType::NotificationFailed))
}

fn invalid(name: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.into(),
        reason: reason.into(),
    }
}

/// Checks every field; the errors name each bad one.
pub(crate) fn check(body: CreateWebhook) -> Result<Checked, Vec<InvalidParam>> {
    let mut errors = Vec::new();
    let url = match body.url.as_deref().map(target::parse_url) {
        None => {
            errors.push(invalid("url", "is required"));
            None
        }
        Some(Err(reason)) => {
            errors.push(invalid("url", reason));
            None
        }
        Some(Ok(url)) => Some(url),
    };
    let event_types = match body.event_types {
        None => DEFAULT_EVENT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        Some(types) => {
            let allowed: Vec<&str> = subscribable().map(EventType::as_str).collect();
            if types.is_empty() {
                errors.push(invalid("event_types", "must name at least one event type"));
            }
            let mut unique: Vec<String> = Vec::new();
            for (i, t) in types.into_iter().enumerate() {
                if !allowed.contains(&t.as_str()) {
                    let why = if t.starts_with("notification.") {
                        "cannot be subscribed to: notification events report webhook deliveries"
                    } else {
                        "is not an event type"
                    };
                    errors.push(invalid(
                        &format!("event_types[{i}]"),
                        format!("'{t}' {why}; allowed: {}", allowed.join(", ")),
                    ));
                } else if !unique.contains(&t) {
                    unique.push(t);
                }
            }
            unique
        }
    };
    if let Some(secret) = &body.secret
        && let Err(reason) = signature::secret_bytes(secret.expose())
    {
        errors.push(invalid("secret", reason));
    }
    let description = body.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        errors.push(invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    match url {
        Some(url) if errors.is_empty() => Ok(Checked {
            url,
            event_types,
            secret: body.secret,
            description,
        }),
        _ => Err(errors),
    }
}
