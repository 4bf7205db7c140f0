//! The function binaries as separate processes, the way they run in the cluster: found beside the
//! test executable (`cargo test --workspace`, and so `make test`, builds them all), started with
//! a clean environment on a free port, killed when the test ends.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The HS256 secret every started function verifies tokens with.
pub const SECRET: &str = "process-test-secret-of-at-least-32-bytes";

/// The path of a function binary built beside the running test (or binary of this crate).
///
/// # Panics
/// When it was not built, saying how to build it.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    // A test runs from `target/<profile>/deps`, a binary of this crate from `target/<profile>`.
    let beside = exe.parent().expect("target dir");
    let dir = if beside.ends_with("deps") {
        beside.parent().expect("target dir")
    } else {
        beside
    };
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace` (make test does)",
        path.display()
    );
    path
}

/// A port nobody listens on right now.
///
/// # Panics
/// When the system has none to give.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Running function processes, killed on drop.
#[derive(Debug, Default)]
pub struct Functions(pub Vec<Child>);

impl Functions {
    /// Starts `name` on `port` with only `env` (plus `PATH`, `PORT`, `HOST`, the auth secret and
    /// JSON logs at warn) in its environment.
    ///
    /// # Panics
    /// When the binary cannot be started.
    pub fn start(&mut self, name: &str, port: u16, env: &[(&str, String)]) {
        let mut command = Command::new(binary(name));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("AUTH_JWT_SECRET", SECRET)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        self.0
            .push(command.spawn().unwrap_or_else(|e| panic!("start {name}: {e}")));
    }
}

impl Drop for Functions {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits until `/healthz` on `port` answers 200.
///
/// # Panics
/// After 10 s without.
pub async fn wait_healthy(port: u16) {
    wait_for(port, "/healthz", Duration::from_secs(10)).await;
}

/// Waits until `path` on `port` answers 2xx (a readiness probe, say).
///
/// # Panics
/// After `limit` without.
pub async fn wait_for(port: u16, path: &str, limit: Duration) {
    let url = format!("http://127.0.0.1:{port}{path}");
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if reqwest::get(&url).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing answered {url} within {limit:?}");
}
