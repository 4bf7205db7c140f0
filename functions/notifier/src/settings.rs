//! The notifier's settings, read from the environment once at startup ([`Settings::from_env`]) or
//! built in code (tests set `allow_private_targets` here, never through the environment).

use std::time::Duration;

use todo_kit::settings::env_var;

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
    /// A readable message naming the variable that cannot be parsed.
    pub fn from_env() -> Result<Self, String> {
        let mut settings = Self::default();
        if let Some(v) = env_var("WEBHOOK_ALLOW_PRIVATE_TARGETS") {
            settings.allow_private_targets = match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => {
                    return Err(format!(
                        "WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false, got '{v}'"
                    ));
                }
            };
        }
        let seconds = |name: &str, default: Duration| -> Result<Duration, String> {
            match env_var(name) {
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Duration::from_secs(n)),
                    _ => Err(format!("{name} must be a positive number of seconds, got '{v}'")),
                },
                None => Ok(default),
            }
        };
        let count = |name: &str, default: usize| -> Result<usize, String> {
            match env_var(name) {
                Some(v) => match v.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{name} must be a positive whole number, got '{v}'")),
                },
                None => Ok(default),
            }
        };
        settings.timeout = seconds("WEBHOOK_TIMEOUT_SECONDS", settings.timeout)?;
        settings.retry_horizon = seconds("WEBHOOK_RETRY_HORIZON_SECONDS", settings.retry_horizon)?;
        settings.backoff_base = seconds("WEBHOOK_BACKOFF_BASE_SECONDS", settings.backoff_base)?;
        settings.backoff_cap = seconds("WEBHOOK_BACKOFF_CAP_SECONDS", settings.backoff_cap)?;
        settings.max_in_flight = count("WEBHOOK_MAX_IN_FLIGHT", settings.max_in_flight)?;
        settings.max_subscriptions = count("WEBHOOK_MAX_SUBSCRIPTIONS", settings.max_subscriptions)?;
        Ok(settings)
    }
}
