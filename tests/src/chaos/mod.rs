//! The chaos soak (`make chaos`): the cluster shape on this machine under steady load while a
//! fault injector breaks processes, the broker, PostgreSQL sessions, Redis, the connections
//! between them and the webhook endpoint, at random from a seed printed at the start. When the
//! faults stop and the queues drain, every acknowledged write and every event effect is checked
//! against the driver's record ([`verify`]), then each function's readiness is drilled against
//! its dependency ([`readiness`]); [`Report`] prints the table.
//!
//! A run is replayable in its faults (`CHAOS_SEED`): the same faults in the same order with the
//! same holds. Timing between processes is not, so a failure a seed found may need a few runs.

pub mod driver;
pub mod faults;
pub mod platform;
pub mod poison;
pub mod proxy;
pub mod readiness;
pub mod receiver;
pub mod redis;
pub mod report;
pub mod sessions;
pub mod topic;
pub mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::Mutex;

use crate::processes::SECRET;
pub use report::Report;

/// How a soak runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long faults are injected (the load runs as long).
    pub duration: Duration,
    /// Chooses the faults and the driver's requests.
    pub seed: u64,
    /// Users, each with a worker of its own.
    pub users: usize,
    /// Requests per second, all users together.
    pub rate: u64,
    /// The kinds of fault injected (indexes into [`faults::KINDS`]).
    pub faults: Vec<usize>,
    /// Where processes write their logs.
    pub logs: PathBuf,
}

impl Config {
    /// `CHAOS_SECS` (default `default_secs`), `CHAOS_SEED` (default: from the clock),
    /// `CHAOS_USERS` (default 6), `CHAOS_RATE` (requests per second, default 40) and
    /// `CHAOS_FAULTS` (comma-separated [`faults::KINDS`], default all but
    /// [`faults::NOT_BY_DEFAULT`]); logs under `target/chaos/<seed>/`.
    ///
    /// # Panics
    /// When a variable is set but cannot be read, saying what it takes.
    pub fn from_env(default_secs: u64) -> Self {
        let number = |name: &str| {
            std::env::var(name).ok().map(|v| {
                v.parse::<u64>()
                    .unwrap_or_else(|_| panic!("{name} must be a whole number, not '{v}'"))
            })
        };
        let seed = number("CHAOS_SEED").unwrap_or_else(|| {
            u64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_micros()
                    % 1_000_000_000,
            )
            .unwrap_or_default()
        });
        let faults = std::env::var("CHAOS_FAULTS").map_or_else(
            |_| {
                (0..faults::KINDS.len())
                    .filter(|k| !faults::NOT_BY_DEFAULT.contains(&faults::KINDS[*k]))
                    .collect()
            },
            |names| faults::named(&names),
        );
        Self {
            faults,
            rate: number("CHAOS_RATE").unwrap_or(40).max(1),
            duration: Duration::from_secs(number("CHAOS_SECS").unwrap_or(default_secs)),
            seed,
            users: usize::try_from(number("CHAOS_USERS").unwrap_or(6)).unwrap_or(6),
            logs: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
                .join("chaos")
                .join(seed.to_string()),
        }
    }
}

/// Runs one soak and reports what it found.
///
/// # Panics
/// When the platform cannot be started or read (a broken machine, not a finding).
pub async fn run(config: &Config) -> Report {
    eprintln!(
        "chaos: seed {} for {} s, {} users sending {} requests/s (CHAOS_SEED={} replays the faults); logs in {}",
        config.seed,
        config.duration.as_secs(),
        config.users,
        config.rate,
        config.seed,
        config.logs.display()
    );
    let platform = platform::Platform::start(&config.logs).await;
    let receiver = receiver::Receiver::start(Duration::from_secs(3))
        .await
        .expect("receiver");
    let tokens: BTreeMap<String, String> = (0..config.users)
        .map(|i| {
            let user = format!("chaos-user-{i}");
            let token =
                todo_kit::auth::mint_hs256(SECRET.as_bytes(), &user, Duration::from_secs(24 * 3600)).expect("token");
            (user, token)
        })
        .collect();
    subscribe(&platform.url("notifier"), receiver.url(), &tokens).await;
    let targets = driver::Targets {
        tasks: platform.url("task-api"),
        chat: platform.url("chat-api"),
        sessions: platform.url("session-api"),
    };
    let analytics = platform.url("analytics");
    let database = platform.database.url().to_owned();
    let brokers = format!("127.0.0.1:{}", platform.proxies["functions→kafka"].port());
    let platform = Arc::new(Mutex::new(platform));

    // Load and faults for the duration.
    let recorder = driver::Recorder::default();
    let until = Instant::now() + config.duration;
    let workers: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(i, (user, token))| {
            tokio::spawn(driver::work(
                user.clone(),
                token.clone(),
                targets.clone(),
                recorder.clone(),
                driver::Pace {
                    seed: config.seed.wrapping_add(1 + i as u64),
                    interval: Duration::from_secs_f64(config.users as f64 / config.rate as f64),
                    until,
                },
            ))
        })
        .collect();
    let poisoner = {
        let (brokers, seed, duration) = (brokers.clone(), config.seed, config.duration);
        tokio::spawn(async move {
            let started = Instant::now();
            for n in 0..poison::COUNT {
                let at = started + duration * u32::try_from(n).unwrap_or(0) / u32::try_from(poison::COUNT).unwrap_or(1);
                tokio::time::sleep_until(at.into()).await;
                poison::publish(&brokers, seed, n).await;
            }
            poison::COUNT
        })
    };
    let exits = Arc::new(std::sync::Mutex::new(Vec::new()));
    let supervisor = tokio::spawn(supervise(platform.clone(), exits.clone()));
    let injected = faults::inject(
        faults::Targets {
            platform: platform.clone(),
            receiver: receiver.clone(),
            recorder: recorder.clone(),
        },
        &config.faults,
        config.seed,
        until,
    )
    .await;
    for worker in workers {
        let _ = worker.await;
    }

    // Recovery: everything up again, a write answered, then the queues drained. The supervisor
    // stays on, as the kubelet does.
    let healed = Instant::now();
    {
        let mut platform = platform.lock().await;
        let restarted = platform.restart_exited();
        exits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(restarted);
        platform.heal().await;
    }
    let (user, token) = tokens.iter().next().expect("a user");
    let first_write = first_write(&targets.tasks, user, token, &recorder).await;
    let pool = sqlx::PgPool::connect(&database).await.expect("database");
    let acks = recorder.read(|r| r.acks.clone());
    let (mut findings, caught_up) =
        // Patience as long as the soak: a backlog built while the broker was frozen drains at
        // what the consumers do beyond the load (analytics: ~140 events/s here against the
        // default load's ~95), and the 10-minute soak drained in under a minute.
        verify::settle(&pool, &acks, &receiver, &analytics, &tokens, config.duration.max(Duration::from_secs(180)))
            .await;
    // Task events drained: the figure of the table. Session events are checked after it, as
    // reading their topic to the end takes a few idle seconds.
    let drained = caught_up.then(|| healed.elapsed());
    let session_acks = recorder.read(|r| r.session_acks.clone());
    sessions::settle(
        &brokers,
        &pool,
        &analytics,
        &tokens,
        &session_acks,
        Duration::from_secs(120),
        &mut findings,
    )
    .await;
    let poisoned = poisoner.await.expect("poison");
    poison::check(
        &topic::read(&brokers, todo_events::Topic::DeadLetter.name()).await,
        config.seed,
        poisoned,
        &mut findings,
    );
    pool.close().await;
    let readiness = readiness::drill(&platform).await;
    supervisor.abort();
    let _ = supervisor.await;
    let exits = std::mem::take(&mut *exits.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let report = Report::new(
        config,
        &injected,
        &recorder,
        findings,
        report::Recovery {
            first_write: first_write.map(|at| at.duration_since(healed)),
            drained,
            exits,
            readiness,
        },
    );
    drop(platform);
    report
}

/// Does what the kubelet does for the soak's functions, until aborted: starts again a function
/// that exits on its own (checking twice a second), and kills and starts again one that fails its
/// liveness probe (`/healthz`, every [`platform::LIVENESS_PERIOD`], 2 s to answer)
/// [`platform::LIVENESS_FAILURES`] times in a row. A function the injector killed is not probed.
/// Records each restart in `exits`.
async fn supervise(platform: Arc<Mutex<platform::Platform>>, exits: Arc<std::sync::Mutex<Vec<platform::Exit>>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let mut failures: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut next_probe = Instant::now() + platform::LIVENESS_PERIOD;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut restarted = platform.lock().await.restart_exited();
        if Instant::now() >= next_probe {
            next_probe += platform::LIVENESS_PERIOD;
            let mut running: Vec<(&'static str, String)> = Vec::new();
            {
                let mut platform = platform.lock().await;
                let names: Vec<&'static str> = platform.functions.keys().copied().collect();
                for name in names {
                    if platform
                        .functions
                        .get_mut(name)
                        .is_some_and(platform::Function::running)
                    {
                        running.push((name, platform.url(name)));
                    }
                }
            }
            for (name, url) in running {
                let live = http
                    .get(format!("{url}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                let count = failures.entry(name).or_default();
                *count = if live { 0 } else { *count + 1 };
                if *count >= platform::LIVENESS_FAILURES {
                    *count = 0;
                    restarted.push(platform.lock().await.restart_unlive(name));
                }
            }
        }
        exits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(restarted);
    }
}

/// Subscribes every user's webhook to the task events the checks follow.
async fn subscribe(notifier: &str, endpoint: &str, tokens: &BTreeMap<String, String>) {
    let http = reqwest::Client::new();
    for token in tokens.values() {
        let response = http
            .post(format!("{notifier}/api/webhooks"))
            .bearer_auth(token)
            .json(&json!({ "url": endpoint, "event_types": verify::SUBSCRIBED }))
            .send()
            .await
            .expect("subscribe");
        assert!(response.status().is_success(), "subscribe: {}", response.status());
    }
}

/// When a create first succeeds after the faults ended (`None` if none did within a minute);
/// the task it writes is acknowledged like the driver's.
async fn first_write(tasks: &str, user: &str, token: &str, recorder: &driver::Recorder) -> Option<Instant> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let response = http
            .post(format!("{tasks}/api/tasks"))
            .bearer_auth(token)
            .json(&json!({ "title": "written after the faults" }))
            .send()
            .await;
        if let Ok(response) = response
            && response.status().is_success()
            && let Ok(task) = response.json::<serde_json::Value>().await
        {
            recorder.ack(driver::Ack {
                owner: user.to_owned(),
                task_id: task["id"].as_i64().unwrap_or_default(),
                version: task["version"].as_i64().unwrap_or_default(),
                action: driver::Action::Created,
                recurring: false,
            });
            return Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
