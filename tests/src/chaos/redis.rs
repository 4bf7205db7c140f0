//! A private Redis the soak can restart. It writes every change to its append-only file before
//! answering (`appendfsync always`), as a managed Redis with persistence does, so a restart loses
//! no acknowledged session write; what the platform must survive is the connection going away.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::processes::free_port;

/// A `redis-server` process on a port of its own.
#[derive(Debug)]
pub struct Redis {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Redis {
    /// Starts it with its files in `dir`.
    ///
    /// # Panics
    /// When `redis-server` is missing or does not answer within 10 s.
    pub async fn start(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("redis folder");
        let mut redis = Self {
            port: free_port(),
            dir: dir.to_owned(),
            child: None,
        };
        redis.restart().await;
        redis
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills it with SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills it (if running) and starts it again on the same port and files.
    ///
    /// # Panics
    /// When it does not answer within 10 s.
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--dir", &self.dir.to_string_lossy()])
            .args(["--appendonly", "yes", "--appendfsync", "always", "--save", ""])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server)");
        self.child = Some(child);
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts it unless it is running.
    pub async fn ensure_running(&mut self) {
        let running = self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)));
        if !running {
            self.restart().await;
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}
