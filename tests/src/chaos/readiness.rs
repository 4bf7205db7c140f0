//! The readiness drill, run once the soak has settled: for each function whose `/readyz` checks a
//! dependency, that dependency is cut off at its proxy (connections reset, new ones refused), and
//! `/readyz` must answer 503 within [`LIMIT`]; then it is let through again, and `/readyz` must
//! answer 200 within [`LIMIT`], with no restart. Kubernetes takes an unready pod out of its
//! service and puts it back on the same probe, so both directions are what keep traffic away
//! from a replica that cannot serve it, and bring it back without anyone's hand.
//!
//! chat-api is not drilled: it holds no connection of its own (each message calls task-api and
//! session-api, and a failed call is that message's error), so it is always ready.

use std::fmt;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::platform::Platform;
use super::proxy::Mode;

/// The functions drilled, each with the dependency its readiness checks (the proxy's target).
pub const DRILLED: [(&str, &str); 6] = [
    ("task-api", "postgres"),
    ("session-api", "redis"),
    ("outbox-relay", "postgres"),
    ("analytics", "postgres"),
    ("notifier", "postgres"),
    ("scheduler", "postgres"),
];

/// How long `/readyz` may take to follow its dependency, either way.
pub const LIMIT: Duration = Duration::from_secs(15);

/// What one function's drill saw.
#[derive(Debug, Clone)]
pub struct Drill {
    /// The function.
    pub function: &'static str,
    /// The dependency cut off.
    pub dependency: &'static str,
    /// From the cut to the first 503 (`None`: it stayed ready for [`LIMIT`]).
    pub unready_after: Option<Duration>,
    /// From letting the dependency through to the first 200 (`None`: not within [`LIMIT`]).
    pub ready_after: Option<Duration>,
}

impl Drill {
    /// Unready while cut off, ready again after.
    pub fn passed(&self) -> bool {
        self.unready_after.is_some() && self.ready_after.is_some()
    }
}

impl fmt::Display for Drill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |d: Option<Duration>| d.map_or_else(|| "never".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
        write!(
            f,
            "| {} without {} | 503 after {} | 200 again after {} |",
            self.function,
            self.dependency,
            show(self.unready_after),
            show(self.ready_after)
        )
    }
}

/// Drills every function in [`DRILLED`], one after another.
pub async fn drill(platform: &Mutex<Platform>) -> Vec<Drill> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let mut drills = Vec::new();
    for (function, dependency) in DRILLED {
        let (url, proxy) = {
            let platform = platform.lock().await;
            (
                format!("{}/readyz", platform.url(function)),
                format!("{function}→{dependency}"),
            )
        };
        platform.lock().await.proxies[&proxy].set(Mode::Reset);
        let unready_after = wait_for(&http, &url, false).await;
        platform.lock().await.proxies[&proxy].set(Mode::Pass);
        let ready_after = wait_for(&http, &url, true).await;
        drills.push(Drill {
            function,
            dependency,
            unready_after,
            ready_after,
        });
    }
    drills
}

/// How long until `/readyz` answers as `ready` says (200, or 503), probing every 100 ms; `None`
/// after [`LIMIT`]. A probe that gets no answer in time counts as neither.
async fn wait_for(http: &reqwest::Client, url: &str, ready: bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < LIMIT {
        if let Ok(response) = http.get(url).send().await {
            let status = response.status();
            if (ready && status.is_success()) || (!ready && status == reqwest::StatusCode::SERVICE_UNAVAILABLE) {
                return Some(started.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
