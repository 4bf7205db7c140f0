//! The fault injector: picks a fault at random (from the run's seed), applies it, and heals it
//! after a random hold while the next one may already be starting, so outages overlap as real
//! ones do. Every fault is healed by the time [`inject`] returns.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Connection;
use tokio::sync::Mutex;

use super::driver::Recorder;
use super::platform::{FUNCTIONS, Platform};
use super::proxy::Mode;
use super::receiver::{Behaviour, Receiver};

/// One fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL a function; it is started again when the fault heals.
    Kill(&'static str),
    /// SIGKILL the broker; started again (its log kept) when the fault heals. Only with a broker
    /// whose log survives (`CHAOS_BROKER_STORAGE=s3`).
    KillBroker,
    /// SIGSTOP the broker; SIGCONT when the fault heals.
    FreezeBroker,
    /// `pg_terminate_backend` on every connection to the platform's database.
    TerminatePostgres,
    /// SIGKILL Redis; started again from its append-only file when the fault heals.
    KillRedis,
    /// Latency on every chunk through a proxy.
    Latency(String, Duration),
    /// Every connection through a proxy reset, and new ones refused, until healed.
    Reset(String),
    /// The webhook endpoint answers 500.
    WebhookFails,
    /// The webhook endpoint hangs past the notifier's timeout.
    WebhookHangs,
    /// The scheduler's wall clock jumps by this offset (libfaketime syntax), and back when healed.
    ClockJump(&'static str),
}

impl Fault {
    /// The row of the report it counts in.
    pub fn kind(&self) -> String {
        match self {
            Self::Kill(function) => format!("kill -9 {function}"),
            Self::KillBroker => "kill -9 broker".into(),
            Self::FreezeBroker => "broker frozen (SIGSTOP)".into(),
            Self::TerminatePostgres => "pg_terminate_backend".into(),
            Self::KillRedis => "kill -9 redis".into(),
            Self::Latency(proxy, _) => format!("latency {proxy}"),
            Self::Reset(proxy) => format!("reset {proxy}"),
            Self::WebhookFails => "webhook answers 500".into(),
            Self::WebhookHangs => "webhook times out".into(),
            Self::ClockJump(offset) => format!("scheduler clock jumps {offset}"),
        }
    }
}

/// What the injector did.
#[derive(Debug, Default)]
pub struct Injected {
    /// Faults by kind.
    pub counts: BTreeMap<String, u64>,
    /// When the last fault was healed.
    pub last_healed: Option<Instant>,
}

/// What the injector works on.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The platform, shared with the checks.
    pub platform: Arc<Mutex<Platform>>,
    /// The webhook endpoint.
    pub receiver: Receiver,
    /// The driver's record (told when faults start and end).
    pub recorder: Recorder,
}

/// Injects faults of `kinds` (indexes into [`KINDS`]) chosen by `seed` until `until`, then waits
/// for every one to heal.
pub async fn inject(targets: Targets, kinds: &[usize], seed: u64, until: Instant) -> Injected {
    let mut rng = StdRng::seed_from_u64(seed);
    let (proxies, durable) = {
        let platform = targets.platform.lock().await;
        (
            platform.proxies.keys().cloned().collect::<Vec<_>>(),
            platform.broker.durable(),
        )
    };
    let mut injected = Injected::default();
    let mut heals = tokio::task::JoinSet::new();
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(rng.random_range(500..2500))).await;
        if kinds.is_empty() {
            continue;
        }
        let fault = match choose(&mut rng, kinds, &proxies) {
            // A broker whose log survives a kill is killed or frozen, one or the other at random;
            // one in memory is only frozen (a kill would lose what it holds, as no real broker's
            // disk does).
            Fault::KillBroker if !durable || rng.random_bool(0.5) => Fault::FreezeBroker,
            fault => fault,
        };
        let hold = Duration::from_millis(rng.random_range(500..5000));
        *injected.counts.entry(fault.kind()).or_default() += 1;
        targets.recorder.fault_started();
        apply(&targets, &fault).await;
        let targets = targets.clone();
        heals.spawn(async move {
            tokio::time::sleep(hold).await;
            heal(&targets, &fault).await;
            targets.recorder.fault_ended();
        });
    }
    while heals.join_next().await.is_some() {}
    injected.last_healed = Some(Instant::now());
    injected
}

/// The names `CHAOS_FAULTS` takes, in the order [`choose`] numbers them.
pub const KINDS: [&str; 9] = [
    "kill",
    "broker",
    "postgres",
    "redis",
    "latency",
    "reset",
    "webhook-500",
    "webhook-timeout",
    "clock",
];

/// Kinds left out unless `CHAOS_FAULTS` names them (none today). Clock jumps were, for a while:
/// a scheduler whose wall clock steps back stalls its librdkafka threads
/// (confluentinc/librdkafka#2145), and a consumer closed in that state blocked its async worker
/// for good (seed 478629507). Consumers are no longer closed on errors librdkafka recovers from,
/// close off the async workers, and `/healthz` fails for a stalled one, so the kubelet's restart
/// cures what the stall leaves.
pub const NOT_BY_DEFAULT: [&str; 0] = [];

/// The kinds `names` lists (comma-separated [`KINDS`]), as indexes into [`KINDS`].
///
/// # Panics
/// On a name that is not a kind: a typo must not turn into a soak without that fault.
pub fn named(names: &str) -> Vec<usize> {
    names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|name| {
            KINDS
                .iter()
                .position(|k| *k == name)
                .unwrap_or_else(|| panic!("CHAOS_FAULTS: no fault '{name}'; the faults are {}", KINDS.join(", ")))
        })
        .collect()
}

fn choose(rng: &mut StdRng, kinds: &[usize], proxies: &[String]) -> Fault {
    match kinds[rng.random_range(0..kinds.len())] {
        0 => Fault::Kill(FUNCTIONS[rng.random_range(0..FUNCTIONS.len())]),
        1 => Fault::KillBroker,
        2 => Fault::TerminatePostgres,
        3 => Fault::KillRedis,
        4 => Fault::Latency(
            proxies[rng.random_range(0..proxies.len())].clone(),
            Duration::from_millis(rng.random_range(20..400)),
        ),
        5 => Fault::Reset(proxies[rng.random_range(0..proxies.len())].clone()),
        6 => Fault::WebhookFails,
        7 => Fault::WebhookHangs,
        _ => Fault::ClockJump(["+2h", "-1h", "+26h"][rng.random_range(0..3)]),
    }
}

async fn apply(targets: &Targets, fault: &Fault) {
    match fault {
        Fault::Kill(function) => {
            if let Some(f) = targets.platform.lock().await.functions.get_mut(function) {
                f.kill();
            }
        }
        Fault::KillBroker => targets.platform.lock().await.broker.kill(),
        Fault::FreezeBroker => targets.platform.lock().await.broker.freeze(),
        Fault::TerminatePostgres => {
            let database = targets.platform.lock().await.database.url().to_owned();
            terminate_backends(&database).await;
        }
        Fault::KillRedis => targets.platform.lock().await.redis.kill(),
        Fault::Latency(proxy, delay) => targets.platform.lock().await.proxies[proxy].set(Mode::Latency(*delay)),
        Fault::Reset(proxy) => targets.platform.lock().await.proxies[proxy].set(Mode::Reset),
        Fault::WebhookFails => targets.receiver.set(Behaviour::Fail),
        Fault::WebhookHangs => targets.receiver.set(Behaviour::Hang),
        Fault::ClockJump(offset) => targets.platform.lock().await.set_scheduler_clock(offset),
    }
}

async fn heal(targets: &Targets, fault: &Fault) {
    match fault {
        Fault::Kill(function) => {
            if let Some(f) = targets.platform.lock().await.functions.get_mut(function)
                && !f.running()
            {
                f.start();
            }
        }
        Fault::KillBroker | Fault::FreezeBroker => targets.platform.lock().await.broker.ensure_running(),
        Fault::TerminatePostgres => {}
        Fault::KillRedis => targets.platform.lock().await.redis.ensure_running().await,
        Fault::Latency(proxy, _) | Fault::Reset(proxy) => targets.platform.lock().await.proxies[proxy].set(Mode::Pass),
        Fault::WebhookFails | Fault::WebhookHangs => targets.receiver.set(Behaviour::Accept),
        Fault::ClockJump(_) => targets.platform.lock().await.set_scheduler_clock("+0"),
    }
}

/// Ends every session on the platform's database but this one, as a failover or an
/// administrator would.
async fn terminate_backends(database_url: &str) {
    let Some((_, name)) = database_url.rsplit_once('/') else {
        return;
    };
    let Ok(mut admin) = sqlx::PgConnection::connect(&todo_testing::postgres_admin_url()).await else {
        return;
    };
    let _ = sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(name)
    .execute(&mut admin)
    .await;
    let _ = admin.close().await;
}
