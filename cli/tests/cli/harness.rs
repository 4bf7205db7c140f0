//! Starts `todo serve` on a free port in its own data directory and runs client commands.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub(crate) const TODO: &str = env!("CARGO_BIN_EXE_todo");

pub(crate) fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("todo-cli-test-{}-{}", std::process::id(), uuid_like()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A command's outcome with its output as text.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) status: std::process::ExitStatus,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `todo ARGS` with the data directory and API URL of a platform.
pub(crate) fn todo(data_dir: &Path, api: &str, args: &[&str]) -> Run {
    Command::new(TODO)
        .args(args)
        .env("TODO_DATA_DIR", data_dir)
        .env("TODO_API", api)
        .env_remove("TODO_TOKEN")
        .env_remove("AUTH_JWT_SECRET")
        .env("NO_COLOR", "1")
        .output()
        .expect("run todo")
        .into()
}

/// The file in the data directory that [`Platform::start_logging`] writes the server's log to.
const LOG_FILE: &str = "serve.log";

/// A running `todo serve`, stopped (SIGKILL) and cleaned up on drop.
pub(crate) struct Platform {
    child: Child,
    pub(crate) data_dir: PathBuf,
    pub(crate) url: String,
}

impl Platform {
    /// The token `todo serve` minted for the local user.
    pub(crate) fn local_token(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("local.token"))
            .expect("dev token")
            .trim()
            .to_owned()
    }

    /// A token for `user` with `roles`, signed with the server's development secret.
    pub(crate) fn token_for(&self, user: &str, roles: &[&str]) -> String {
        let secret = std::fs::read_to_string(self.data_dir.join("dev-secret")).expect("dev secret");
        todo_kit::auth::mint_hs256_with_roles(
            secret.trim().as_bytes(),
            user,
            roles,
            std::time::Duration::from_secs(600),
        )
        .expect("token")
    }

    pub(crate) fn start(database_url: Option<&str>) -> Self {
        Self::start_with(database_url, &[])
    }

    /// Starts `todo serve` with extra arguments and environment (`("--bus", ...)`, `("TOPIC_PREFIX", ...)`).
    pub(crate) fn start_with(database_url: Option<&str>, env: &[(&str, &str)]) -> Self {
        Self::spawn(database_url, env, temp_dir(), Stdio::inherit())
    }

    /// Like [`start_with`](Self::start_with), with the server's log (stderr) written to
    /// [`log_path`](Self::log_path) instead of the test's output.
    pub(crate) fn start_logging(database_url: Option<&str>, env: &[(&str, &str)]) -> Self {
        let data_dir = temp_dir();
        let log = std::fs::File::create(data_dir.join(LOG_FILE)).expect("log file");
        Self::spawn(database_url, env, data_dir, Stdio::from(log))
    }

    /// Where [`start_logging`](Self::start_logging) writes the server's log.
    pub(crate) fn log_path(&self) -> PathBuf {
        self.data_dir.join(LOG_FILE)
    }

    fn spawn(database_url: Option<&str>, env: &[(&str, &str)], data_dir: PathBuf, stderr: Stdio) -> Self {
        let mut command = Command::new(TODO);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("TODO_DATA_DIR", &data_dir)
            .env_remove("AUTH_JWT_SECRET")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(stderr);
        match database_url {
            Some(url) => command.env("DATABASE_URL", url),
            None => command.env_remove("DATABASE_URL"),
        };
        command.env_remove("EVENT_BUS").env_remove("TOPIC_PREFIX");
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start todo serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).expect("banner");
        // Keep reading so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let url = first
            .trim()
            .strip_prefix("todo serve: listening on ")
            .unwrap_or_else(|| panic!("unexpected banner: {first:?}"))
            .to_owned();
        Self { child, data_dir, url }
    }

    pub(crate) fn todo(&self, args: &[&str]) -> Run {
        todo(&self.data_dir, &self.url, args)
    }

    /// Runs a command that must succeed and returns its stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let run = self.todo(args);
        assert!(run.status.success(), "todo {args:?} failed: {}", run.stderr);
        run.stdout
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
