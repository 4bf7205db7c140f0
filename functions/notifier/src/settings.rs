//! The notifier's settings, read from the environment once at startup ([`Settings::from_env`]) or
//! built in code (tests set `allow_private_targets` here, never through the environment).

use std::time::Duration;

use todo_kit::settings::{ConfigError, Setting};

/// How subscriptions are checked and deliveries are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Accept targets on private, loopback and link-local networks (`WEBHOOK_ALLOW_PRIVATE_TARGETS`).
    /// Off by default: a webhook must not become a way into our own network (SSRF).
    pub allow_private_targets: bool,
    /// Longest wait for one endpoint's answer (`WEBHOOK_TIMEOUT_SECONDS`, default 10).
    pub timeout: Duration,
    /// How long after its first attempt a delivery is retried before it fails
    /// (`WEBHOOK_RETRY_HORIZON_SECONDS`, default 24 h).
    pub retry_horizon: Duration,
    /// Backoff before the first retry; it doubles per attempt (`WEBHOOK_BACKOFF_BASE_SECONDS`, default 5).
    pub backoff_base: Duration,
    /// Longest backoff (`WEBHOOK_BACKOFF_CAP_SECONDS`, default 1 h).
    pub backoff_cap: Duration,
    /// Deliveries in flight at once per worker (`WEBHOOK_MAX_IN_FLIGHT`, default 32).
    pub max_in_flight: usize,
    /// Subscriptions one user may have (`WEBHOOK_MAX_SUBSCRIPTIONS`, default 25).
    pub max_subscriptions: usize,
    /// Longest sleep of the worker when nothing wakes it (1 s).
    pub poll_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            timeout: Duration::from_secs(10),
            retry_horizon: Duration::from_secs(24 * 60 * 60),
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(60 * 60),
            max_in_flight: 32,
            max_subscriptions: 25,
            poll_interval: Duration::from_secs(1),
        }
    }
}

impl Settings {
    /// How long a claimed delivery stays with its worker: the request timeout plus a margin for
    /// resolving the host and recording the result. No other worker can claim it meanwhile.
    pub fn lease(&self) -> Duration {
        self.timeout + Duration::from_secs(30)
    }

    /// The defaults, overridden by the `WEBHOOK_*` variables that are set.
    ///
    /// # Errors
    /// Names the variable that cannot be parsed.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        if let Some(allow) = WEBHOOK_ALLOW_PRIVATE_TARGETS.value() {
            settings.allow_private_targets = match allow.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: WEBHOOK_ALLOW_PRIVATE_TARGETS.name,
                        value: allow,
                        expected: "true or false",
                    });
                }
            };
        }
        let seconds = |setting: &Setting| -> Result<Duration, ConfigError> {
            positive(setting, "a positive number of seconds").map(Duration::from_secs)
        };
        settings.timeout = seconds(&WEBHOOK_TIMEOUT_SECONDS)?;
        settings.retry_horizon = seconds(&WEBHOOK_RETRY_HORIZON_SECONDS)?;
        settings.backoff_base = seconds(&WEBHOOK_BACKOFF_BASE_SECONDS)?;
        settings.backoff_cap = seconds(&WEBHOOK_BACKOFF_CAP_SECONDS)?;
        let count = |setting: &Setting| positive(setting, "a positive whole number");
        settings.max_in_flight = usize::try_from(count(&WEBHOOK_MAX_IN_FLIGHT)?).unwrap_or(usize::MAX);
        settings.max_subscriptions = usize::try_from(count(&WEBHOOK_MAX_SUBSCRIPTIONS)?).unwrap_or(usize::MAX);
        Ok(settings)
    }
}

/// A setting that must be a whole number above zero.
fn positive(setting: &Setting, expected: &'static str) -> Result<u64, ConfigError> {
    match setting.parse_required::<u64>(expected)? {
        0 => Err(ConfigError::Invalid {
            name: setting.name,
            value: "0".into(),
            expected,
        }),
        n => Ok(n),
    }
}

/// `WEBHOOK_ALLOW_PRIVATE_TARGETS`.
pub const WEBHOOK_ALLOW_PRIVATE_TARGETS: Setting = Setting::optional(
    "WEBHOOK_ALLOW_PRIVATE_TARGETS",
    "accept webhook targets on private, loopback and link-local addresses (true or false)",
)
.default_value("false");
/// `WEBHOOK_TIMEOUT_SECONDS`.
pub const WEBHOOK_TIMEOUT_SECONDS: Setting =
    Setting::optional("WEBHOOK_TIMEOUT_SECONDS", "the longest wait for one endpoint's answer").default_value("10");
/// `WEBHOOK_RETRY_HORIZON_SECONDS`.
pub const WEBHOOK_RETRY_HORIZON_SECONDS: Setting = Setting::optional(
    "WEBHOOK_RETRY_HORIZON_SECONDS",
    "how long after its first attempt a delivery is retried",
)
.default_value("86400");
/// `WEBHOOK_BACKOFF_BASE_SECONDS`.
pub const WEBHOOK_BACKOFF_BASE_SECONDS: Setting = Setting::optional(
    "WEBHOOK_BACKOFF_BASE_SECONDS",
    "the backoff before the first retry; it doubles per attempt",
)
.default_value("5");
/// `WEBHOOK_BACKOFF_CAP_SECONDS`.
pub const WEBHOOK_BACKOFF_CAP_SECONDS: Setting =
    Setting::optional("WEBHOOK_BACKOFF_CAP_SECONDS", "the longest backoff").default_value("3600");
/// `WEBHOOK_MAX_IN_FLIGHT`.
pub const WEBHOOK_MAX_IN_FLIGHT: Setting =
    Setting::optional("WEBHOOK_MAX_IN_FLIGHT", "deliveries in flight at once per worker").default_value("32");
/// `WEBHOOK_MAX_SUBSCRIPTIONS`.
pub const WEBHOOK_MAX_SUBSCRIPTIONS: Setting =
    Setting::optional("WEBHOOK_MAX_SUBSCRIPTIONS", "subscriptions one user may have").default_value("25");

/// The notifier's own settings.
pub const SETTINGS: &[Setting] = &[
    WEBHOOK_ALLOW_PRIVATE_TARGETS,
    WEBHOOK_TIMEOUT_SECONDS,
    WEBHOOK_RETRY_HORIZON_SECONDS,
    WEBHOOK_BACKOFF_BASE_SECONDS,
    WEBHOOK_BACKOFF_CAP_SECONDS,
    WEBHOOK_MAX_IN_FLIGHT,
    WEBHOOK_MAX_SUBSCRIPTIONS,
];
