//! Limits at the edge of every HTTP function (OWASP API4, unrestricted resource consumption):
//! token buckets per client address and per user, a stricter one per user on the costly routes,
//! a cap on header size, a deadline per request, the security headers, and CORS for configured
//! origins only.
//!
//! Where each budget is checked:
//! - per client address ([`client`]), in the edge middleware ([`edge`]), before routing or any
//!   token check: a flood of forged tokens costs the flooder its own address's budget;
//! - per user, where the user is known: when [`crate::auth::AuthUser`] has verified the token
//!   (keying by an unverified `sub` would let anyone spend someone else's budget), with the
//!   route's [`Expensive`] budget on top for routes that opted in with [`expensive`], or charged
//!   by a handler through [`Budgets`] when only some of its requests are costly.
//!
//! A refused request is a `429` problem+json with `Retry-After` and `RateLimit-Limit`,
//! `RateLimit-Remaining`, `RateLimit-Reset`, and counts in `http_requests_rate_limited_total`.
//! The buckets ([`governor`]'s GCRA) live in memory per replica: a client spread over N replicas
//! gets up to N times its budget, which the per-replica figures allow for.

mod budget;
mod client;
mod edge;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use governor::RateLimiter;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;

pub use budget::{Budget, parse_budget};
pub use client::TrustedProxies;
pub(crate) use client::client_ip;
pub(crate) use edge::{Edge, edge};
pub use edge::{EdgeSettings, MAX_HEADER_BYTES, MAX_HEADERS, expensive};

use crate::metrics::metrics;
use crate::problem::Problem;
use crate::settings::ConfigError;
use crate::settings::common::{RATE_LIMIT_EXPENSIVE, RATE_LIMIT_IP, RATE_LIMIT_USER, TRUSTED_PROXIES};

/// Checks of keyed budgets between two sweeps of idle keys.
const SWEEP_EVERY: u64 = 4_096;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// The budgets, from `RATE_LIMIT_IP`, `RATE_LIMIT_USER`, `RATE_LIMIT_EXPENSIVE` and
/// `TRUSTED_PROXIES`; `None` turns one off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitSettings {
    /// Per client address, every request.
    pub per_ip: Option<Budget>,
    /// Per user, every authenticated request.
    pub per_user: Option<Budget>,
    /// Per user, on the routes marked [`expensive`] (on top of `per_user`).
    pub expensive: Option<Budget>,
    /// Whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            per_ip: Some(Budget::per_second(200, 400)),
            per_user: Some(Budget::per_second(50, 200)),
            expensive: Some(Budget::per_minute(60, 20)),
            trusted_proxies: TrustedProxies::Private,
        }
    }
}

impl LimitSettings {
    /// The settings of the environment, the defaults where unset.
    ///
    /// # Errors
    /// A budget that does not parse, or `TRUSTED_PROXIES` other than `private` or `none`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let budget = |setting: crate::settings::Setting| -> Result<Option<Budget>, ConfigError> {
            match setting.value() {
                None => Ok(setting.default.and_then(|d| parse_budget(d).ok().flatten())),
                Some(text) => parse_budget(&text).map_err(|_| ConfigError::Invalid {
                    name: setting.name,
                    value: text,
                    expected: "RATE/s,BURST or RATE/min,BURST (e.g. 50/s,200), or off",
                }),
            }
        };
        let trusted_proxies = match TRUSTED_PROXIES.value().as_deref().map(str::trim) {
            None | Some("" | "private") => TrustedProxies::Private,
            Some("none") => TrustedProxies::None,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: TRUSTED_PROXIES.name,
                    value: other.to_owned(),
                    expected: "private (loopback and private peers are our proxies) or none",
                });
            }
        };
        Ok(Self {
            per_ip: budget(RATE_LIMIT_IP)?,
            per_user: budget(RATE_LIMIT_USER)?,
            expensive: budget(RATE_LIMIT_EXPENSIVE)?,
            trusted_proxies,
        })
    }
}

/// Which budget refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The client address's.
    Ip,
    /// The user's.
    User,
    /// The user's on a costly route.
    Expensive,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::User => "user",
            Self::Expensive => "expensive",
        }
    }
}

/// One keyed budget.
struct Bucket<K: std::hash::Hash + Eq + Clone> {
    budget: Budget,
    limiter: Keyed<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Bucket<K> {
    fn new(budget: Option<Budget>) -> Option<Self> {
        let budget = budget?;
        let limiter = RateLimiter::keyed(budget.quota()?).with_middleware::<StateInformationMiddleware>();
        Some(Self { budget, limiter })
    }
}

/// A refusal: which budget, and how long until one more request fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The budget that ran out.
    pub scope: Scope,
    /// Its burst.
    pub limit: u32,
    /// The wait until the next request would pass.
    pub retry_after: Duration,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        metrics()
            .http_rate_limited
            .with_label_values(&[self.scope.name()])
            .inc();
        // Whole seconds, at least one: `Retry-After: 0` invites an immediate retry.
        let seconds = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        let seconds = seconds.max(1);
        let who = match self.scope {
            Scope::Ip => "from this address",
            Scope::User => "for this user",
            Scope::Expensive => "for this user on this costly route",
        };
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("Too many requests {who}; retry in {seconds} s."),
        )
        .into_response();
        let headers = response.headers_mut();
        headers.insert("retry-after", HeaderValue::from(seconds));
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("ratelimit-reset", HeaderValue::from(seconds));
        response
    }
}

/// Marks a request to a costly route (see [`expensive`]).
#[derive(Debug, Clone, Copy)]
pub struct Expensive;

/// The budgets of one process, shared by the edge middleware and [`crate::auth::AuthUser`].
pub struct Limits {
    per_ip: Option<Bucket<IpAddr>>,
    per_user: Option<Bucket<String>>,
    expensive: Option<Bucket<String>>,
    trusted_proxies: TrustedProxies,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("per_ip", &self.per_ip.as_ref().map(|b| b.budget))
            .field("per_user", &self.per_user.as_ref().map(|b| b.budget))
            .field("expensive", &self.expensive.as_ref().map(|b| b.budget))
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl Limits {
    /// Fresh buckets for `settings`.
    pub fn new(settings: &LimitSettings) -> Arc<Self> {
        Arc::new(Self {
            per_ip: Bucket::new(settings.per_ip),
            per_user: Bucket::new(settings.per_user),
            expensive: Bucket::new(settings.expensive),
            trusted_proxies: settings.trusted_proxies,
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        })
    }

    /// Spends one request of `ip`'s budget.
    ///
    /// # Errors
    /// [`Refused`] when it is spent.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        self.check(self.per_ip.as_ref(), &ip, Scope::Ip)
    }

    /// Spends one request of `user`'s budget, and of its costly-route budget when `expensive`.
    ///
    /// # Errors
    /// [`Refused`] when one is spent.
    pub fn check_user(&self, user: &str, expensive: bool) -> Result<(), Refused> {
        if self.per_user.is_none() && !(expensive && self.expensive.is_some()) {
            return Ok(());
        }
        // The buckets are keyed by String: one allocation, only when a budget applies.
        let user = user.to_owned();
        if expensive {
            self.check(self.expensive.as_ref(), &user, Scope::Expensive)?;
        }
        self.check(self.per_user.as_ref(), &user, Scope::User)
    }

    /// Spends one request of `user`'s costly-route budget (for [`Budgets::charge_costly`]).
    ///
    /// # Errors
    /// [`Refused`] when it is spent.
    pub fn check_costly(&self, user: &str) -> Result<(), Refused> {
        match &self.expensive {
            Some(bucket) => self.check(Some(bucket), &user.to_owned(), Scope::Expensive),
            None => Ok(()),
        }
    }

    fn check<K: std::hash::Hash + Eq + Clone>(
        &self,
        bucket: Option<&Bucket<K>>,
        key: &K,
        scope: Scope,
    ) -> Result<(), Refused> {
        let Some(bucket) = bucket else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        bucket.limiter.check_key(key).map(|_| ()).map_err(|not_until| Refused {
            scope,
            limit: bucket.budget.burst,
            retry_after: not_until.wait_time_from(self.clock.now()),
        })
    }

    /// Forgets the keys whose buckets are full again: memory stays bounded by recent clients.
    fn sweep(&self) {
        if let Some(b) = &self.per_ip {
            b.limiter.retain_recent();
        }
        if let Some(b) = &self.per_user {
            b.limiter.retain_recent();
        }
        if let Some(b) = &self.expensive {
            b.limiter.retain_recent();
        }
    }

    /// Whose `X-Forwarded-For` is believed.
    pub(crate) fn trusted_proxies(&self) -> TrustedProxies {
        self.trusted_proxies
    }
}

/// The budgets of the request being served, for a handler that tells by itself whether its
/// request is costly (a list that searches, where paging through cached pages is not): it calls
/// [`charge_costly`](Self::charge_costly) then. Routes that are always costly use [`expensive`].
#[derive(Debug, Clone, Default)]
pub struct Budgets(Option<Arc<Limits>>);

impl Budgets {
    /// Spends one request of `user`'s costly-route budget; nothing when the edge set no limits.
    ///
    /// # Errors
    /// [`Refused`] (a 429 response) when it is spent.
    pub fn charge_costly(&self, user: &str) -> Result<(), Refused> {
        self.0.as_ref().map_or(Ok(()), |limits| limits.check_costly(user))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Budgets {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<Arc<Limits>>().cloned()))
    }
}

/// The per-user check of a request whose user was just verified: nothing when the edge set no
/// limits (a router without [`crate::layers::standard`], as in unit tests).
pub(crate) fn check_request_user(extensions: &axum::http::Extensions, user: &str) -> Result<(), Refused> {
    let Some(limits) = extensions.get::<Arc<Limits>>() else {
        return Ok(());
    };
    let expensive = extensions.get::<Expensive>().is_some();
    limits.check_user(user, expensive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_the_burst_then_429s_that_say_when_to_come_back_and_others_are_unaffected() {
        let limits = Limits::new(&LimitSettings {
            per_user: Some(Budget::per_minute(6, 3)),
            ..LimitSettings::default()
        });
        for _ in 0..3 {
            assert!(limits.check_user("alice", false).is_ok());
        }
        let refused = limits.check_user("alice", false).unwrap_err();
        assert_eq!(refused.scope, Scope::User);
        assert_eq!(refused.limit, 3);
        assert!(
            refused.retry_after > Duration::from_secs(8) && refused.retry_after <= Duration::from_secs(10),
            "one request every 10 s: {:?}",
            refused.retry_after
        );
        assert!(limits.check_user("bob", false).is_ok(), "bob has his own bucket");
        let response = refused.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "10");
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(response.headers()["ratelimit-remaining"], "0");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }

    #[test]
    fn costly_routes_spend_their_own_smaller_budget_first() {
        let limits = Limits::new(&LimitSettings {
            per_user: Some(Budget::per_second(100, 100)),
            expensive: Some(Budget::per_minute(1, 2)),
            ..LimitSettings::default()
        });
        assert!(limits.check_user("alice", true).is_ok());
        assert!(limits.check_user("alice", true).is_ok());
        assert_eq!(limits.check_user("alice", true).unwrap_err().scope, Scope::Expensive);
        assert!(limits.check_user("alice", false).is_ok(), "cheap routes still pass");
    }

    #[test]
    fn a_budget_turned_off_never_refuses() {
        let limits = Limits::new(&LimitSettings {
            per_ip: None,
            ..LimitSettings::default()
        });
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        assert!((0..10_000).all(|_| limits.check_ip(ip).is_ok()));
    }
}
