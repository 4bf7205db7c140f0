//! The cluster shape on this machine: each function a process of its own on PostgreSQL, Redis and
//! a Kafka-protocol broker, every connection between a function and what it talks to through a
//! [`Proxy`] the fault injector can break. Processes are killed with SIGKILL and started again
//! with the same environment and port, as Kubernetes restarts a crashed pod.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::proxy::Proxy;
use super::redis::Redis;
use crate::broker::{Broker, Storage};
use crate::processes::{SECRET, binary, free_port};
use todo_testing::{TestDatabase, TestObjectStore};

/// The functions the soak runs, in start order (the relay and the consumers before the APIs
/// that feed them, chat-api after what it calls).
pub const FUNCTIONS: [&str; 7] = [
    "outbox-relay",
    "analytics",
    "notifier",
    "scheduler",
    "task-api",
    "session-api",
    "chat-api",
];

/// libfaketime for multi-threaded programs (Debian package libfaketime).
pub const FAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

/// Liveness probe failures in a row after which a function is restarted (the manifests'
/// `failureThreshold`).
pub const LIVENESS_FAILURES: u32 = 3;

/// How often the liveness probe asks (the manifests' `periodSeconds`).
pub const LIVENESS_PERIOD: std::time::Duration = std::time::Duration::from_secs(10);

/// One function process, restartable.
#[derive(Debug)]
pub struct Function {
    name: &'static str,
    port: u16,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Option<Child>,
}

impl Function {
    /// Its HTTP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts it (again), its JSON log lines appended to its log file.
    ///
    /// # Panics
    /// When the binary cannot be run.
    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = Command::new(binary(self.name))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", self.port.to_string())
            .env("HOST", "127.0.0.1")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", self.name));
        self.child = Some(child);
    }

    /// Kills it with SIGKILL: no shutdown hook runs, nothing is flushed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether it is running.
    pub fn running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// How it ended, when it exited without being killed.
    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.as_mut().and_then(|c| c.try_wait().ok().flatten())
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Everything the soak runs, and the proxies between.
#[derive(Debug)]
pub struct Platform {
    /// The functions by name.
    pub functions: BTreeMap<&'static str, Function>,
    /// Every proxy, by the pair it stands between (`task-api→postgres`).
    pub proxies: BTreeMap<String, Proxy>,
    /// The broker, behind the `kafka` proxy.
    pub broker: Broker,
    /// Redis, behind the `session-api→redis` proxy.
    pub redis: Redis,
    /// The platform's database (tasks, read model, deliveries).
    pub database: TestDatabase,
    /// The broker's log, emptied when the soak ends.
    _broker_log: TestObjectStore,
    /// Where each process writes its log.
    pub logs: PathBuf,
}

/// A function that exited without being killed, and was started again.
#[derive(Debug, Clone)]
pub struct Exit {
    /// Which.
    pub function: &'static str,
    /// Its exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    /// It did not exit: it failed its liveness probe [`LIVENESS_FAILURES`] times in a row and was
    /// killed and started again, as the kubelet does.
    pub unlive: bool,
}

impl Exit {
    /// Whether it crashed (a panic, a signal) rather than stopping with an error it reported,
    /// as a function does when a dependency is away while it starts.
    pub fn crashed(&self) -> bool {
        !self.unlive && self.code != Some(1)
    }
}

impl Platform {
    /// Starts again every function that exited without being killed, as Kubernetes restarts a
    /// pod whose container stopped; returns how each had ended.
    pub fn restart_exited(&mut self) -> Vec<Exit> {
        let mut exits = Vec::new();
        for (name, function) in &mut self.functions {
            if let Some(status) = function.exited() {
                exits.push(Exit {
                    function: name,
                    code: status.code(),
                    unlive: false,
                });
                function.start();
            }
        }
        exits
    }

    /// Kills and starts again `name`, which failed its liveness probe.
    pub fn restart_unlive(&mut self, name: &'static str) -> Exit {
        if let Some(function) = self.functions.get_mut(name) {
            function.kill();
            function.start();
        }
        Exit {
            function: name,
            code: None,
            unlive: true,
        }
    }

    /// Moves the scheduler's wall clock to `offset` from the system's (libfaketime's syntax:
    /// `+0`, `+2h`, `-30m`), at once and while it runs.
    pub fn set_scheduler_clock(&self, offset: &str) {
        let _ = std::fs::write(self.logs.join("scheduler-clock"), offset);
    }
}

impl Platform {
    /// Starts the services, the proxies and every function, and waits until each is ready.
    ///
    /// # Panics
    /// When a service or function does not come up.
    pub async fn start(logs: &Path) -> Self {
        std::fs::create_dir_all(logs).expect("log folder");
        assert!(
            Path::new(FAKETIME).exists(),
            "{FAKETIME} is missing: install Debian's libfaketime (scripts/build-deps.sh does)"
        );
        let database = TestDatabase::postgres().await;
        let database_address = authority(database.url()).to_owned();
        let cluster_id = format!("chaos-{}", uuid::Uuid::new_v4().simple());
        let broker_log = TestObjectStore::s3_at(&format!("clusters/{cluster_id}/"));
        let broker_port = free_port();
        let kafka = Proxy::start("functions→kafka", format!("127.0.0.1:{broker_port}"))
            .await
            .expect("proxy");
        // Tansu 0.6 keeps its log in memory, in S3 or (compiled with libsql) in SQLite. Its S3
        // engine keeps records and offsets across a kill, but desynchronizes idempotent
        // producers' sequence numbers even without faults (OutOfOrderSequenceNumber). So the
        // default broker is in memory and the broker fault is a freeze; `CHAOS_BROKER_STORAGE=s3`
        // or `=sqlite` (with `TANSU_SQLITE_BIN`) kills it instead.
        let storage = match std::env::var("CHAOS_BROKER_STORAGE").as_deref() {
            Ok("s3") => Storage::TestBucket { cluster_id },
            Ok("sqlite") => {
                let file = logs.join("broker.db");
                // A replayed seed starts from an empty broker, as any run does.
                let _ = std::fs::remove_file(&file);
                Storage::Sqlite { file }
            }
            _ => Storage::Memory,
        };
        let broker = Broker::start_behind(broker_port, kafka.port(), storage);
        let redis = Redis::start(&logs.join("redis")).await;

        let mut proxies = BTreeMap::new();
        proxies.insert(kafka.name().to_owned(), kafka.clone());
        let ports: BTreeMap<&str, u16> = FUNCTIONS.iter().map(|f| (*f, free_port())).collect();
        let mut proxy_to = async |from: &str, to: &str, upstream: String| -> u16 {
            let proxy = Proxy::start(&format!("{from}→{to}"), upstream).await.expect("proxy");
            let port = proxy.port();
            proxies.insert(proxy.name().to_owned(), proxy);
            port
        };
        let mut envs: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for name in ["task-api", "outbox-relay", "analytics", "notifier", "scheduler"] {
            let port = proxy_to(name, "postgres", database_address.clone()).await;
            let url = database
                .url()
                .replacen(&database_address, &format!("127.0.0.1:{port}"), 1);
            envs.entry(name).or_default().push(("DATABASE_URL".into(), url));
        }
        let redis_port = proxy_to("session-api", "redis", format!("127.0.0.1:{}", redis.port())).await;
        envs.entry("session-api").or_default().extend([
            ("SESSION_STORE".into(), format!("redis://127.0.0.1:{redis_port}")),
            (
                "SESSION_KEY_PREFIX".into(),
                format!("chaos-{}:", uuid::Uuid::new_v4().simple()),
            ),
        ]);
        let to_tasks = proxy_to("chat-api", "task-api", format!("127.0.0.1:{}", ports["task-api"])).await;
        let to_sessions = proxy_to("chat-api", "session-api", format!("127.0.0.1:{}", ports["session-api"])).await;
        envs.entry("chat-api").or_default().extend([
            ("TASK_API_URL".into(), format!("http://127.0.0.1:{to_tasks}")),
            ("SESSION_API_URL".into(), format!("http://127.0.0.1:{to_sessions}")),
        ]);
        envs.entry("notifier").or_default().extend([
            ("WEBHOOK_ALLOW_PRIVATE_TARGETS".into(), "true".into()),
            ("WEBHOOK_TIMEOUT_SECONDS".into(), "2".into()),
            // Backoff grows to 10 s, not the production hour: the soak checks that each event is
            // delivered once after the endpoint recovers, which a retry an hour out would only
            // postpone past any patience (the backoff itself has its own tests).
            ("WEBHOOK_BACKOFF_BASE_SECONDS".into(), "1".into()),
            ("WEBHOOK_BACKOFF_CAP_SECONDS".into(), "10".into()),
        ]);
        let clock = logs.join("scheduler-clock");
        std::fs::write(&clock, "+0").expect("clock file");
        envs.entry("scheduler").or_default().extend([
            ("SCHEDULER_TICK_SECONDS".into(), "1".into()),
            // The scheduler's wall clock is the system's plus the offset in `clock`, which the
            // clock-jump fault changes while it runs (libfaketime; monotonic time is left alone,
            // as an NTP step leaves it).
            ("LD_PRELOAD".into(), FAKETIME.into()),
            ("FAKETIME_TIMESTAMP_FILE".into(), clock.to_string_lossy().into_owned()),
            ("FAKETIME_NO_CACHE".into(), "1".into()),
            ("FAKETIME_DONT_FAKE_MONOTONIC".into(), "1".into()),
        ]);

        let brokers = format!("kafka://127.0.0.1:{}", proxies["functions→kafka"].port());
        let mut functions = BTreeMap::new();
        for name in FUNCTIONS {
            let mut env = common_env(&brokers);
            env.extend(envs.remove(name).unwrap_or_default());
            let mut function = Function {
                name,
                port: ports[name],
                env,
                log: logs.join(format!("{name}.log")),
                child: None,
            };
            function.start();
            crate::processes::wait_for(function.port, "/readyz", Duration::from_secs(60)).await;
            functions.insert(name, function);
        }
        Self {
            functions,
            proxies,
            broker,
            redis,
            database,
            _broker_log: broker_log,
            logs: logs.to_owned(),
        }
    }

    /// The base URL of a function, reached directly (the driver is the gateway).
    pub fn url(&self, function: &str) -> String {
        format!("http://127.0.0.1:{}", self.functions[function].port)
    }

    /// Heals every proxy and starts whatever is down, then waits until every function is ready.
    ///
    /// # Panics
    /// When a function is not ready within a minute.
    pub async fn heal(&mut self) {
        for proxy in self.proxies.values() {
            proxy.set(super::proxy::Mode::Pass);
        }
        self.set_scheduler_clock("+0");
        self.broker.ensure_running();
        self.redis.ensure_running().await;
        for function in self.functions.values_mut() {
            if !function.running() {
                function.start();
            }
        }
        for function in self.functions.values() {
            crate::processes::wait_for(function.port, "/readyz", Duration::from_secs(60)).await;
        }
    }
}

/// What every function gets: the broker, the token secret, JSON logs at warn (`CHAOS_LOG` sets
/// another `RUST_LOG`), no request budgets (the driver is one client address).
fn common_env(brokers: &str) -> Vec<(String, String)> {
    let log = std::env::var("CHAOS_LOG").unwrap_or_else(|_| "warn".into());
    [
        ("EVENT_BUS", brokers),
        ("KAFKA_REPLICATION_FACTOR", "1"),
        ("AUTH_JWT_SECRET", SECRET),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", log.as_str()),
        ("DEPLOYMENT_ENVIRONMENT", "development"),
        ("BACKGROUND_WORK", "loop"),
        ("RATE_LIMIT_IP", "off"),
        ("RATE_LIMIT_USER", "off"),
        ("RATE_LIMIT_EXPENSIVE", "off"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The `host:port` of a URL.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split_once('/').map_or(rest, |(authority, _)| authority);
    rest.rsplit_once('@').map_or(rest, |(_, host)| host)
}
