//! Helpers the end-to-end tests under `tests/` share. Run the tests with `cargo test -p todo-tests`
//! (PostgreSQL must answer on 127.0.0.1:5432).

pub mod broker;
pub mod chaos;
pub mod limits;
pub mod processes;

use std::sync::Arc;
use std::time::Duration;

use outbox_relay::Relay;
use task_api::AppState;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::serve::Server;
use todo_tasks::store::TaskStore;

pub use todo_testing::kafka_brokers;

/// task-api over `store`, served in this process on a free port and taking HS256 tokens signed
/// with `secret`; its base URL.
pub async fn serve_task_api(store: Arc<dyn TaskStore>, secret: &str) -> String {
    let settings = AuthSettings {
        jwt_secret: Some(secret.to_owned().into()),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&settings).expect("auth"));
    let server = Server::bind(
        "127.0.0.1:0".parse().expect("addr"),
        // No budgets: the drills write as fast as they can; the budgets have tests of their own.
        todo_kit::layers::standard_with(task_api::service(AppState::new(store, auth)), &unlimited()),
    )
    .await
    .expect("bind");
    let api = format!("http://{}", server.local_addr().expect("addr"));
    tokio::spawn(server.run_until_stopped());
    api
}

/// Edge settings without budgets.
fn unlimited() -> todo_kit::limits::EdgeSettings {
    todo_kit::limits::EdgeSettings {
        limits: todo_kit::limits::LimitSettings {
            per_ip: None,
            per_user: None,
            expensive: None,
            ..todo_kit::limits::LimitSettings::default()
        },
        ..todo_kit::limits::EdgeSettings::default()
    }
}

/// Relays running in the background until [`RunningRelays::stop`].
#[derive(Debug)]
pub struct RunningRelays {
    stop: tokio::sync::watch::Sender<bool>,
    relays: Vec<tokio::task::JoinHandle<()>>,
}

impl RunningRelays {
    /// Runs each of `relays` on a task of its own.
    pub fn start(relays: Vec<Relay>) -> Self {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let relays = relays
            .into_iter()
            .map(|relay| {
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    relay
                        .run(async move {
                            let _ = stopped.changed().await;
                        })
                        .await
                })
            })
            .collect();
        Self { stop, relays }
    }

    /// Asks every relay to stop; true when each did within 10 s, without panicking.
    pub async fn stop(self) -> bool {
        let _ = self.stop.send(true);
        let mut stopped = true;
        for relay in self.relays {
            stopped &= matches!(tokio::time::timeout(Duration::from_secs(10), relay).await, Ok(Ok(())));
        }
        stopped
    }
}
