//! `todo serve`: the embedded all-in-one. Every function's Router on one port (the gateway role),
//! over SQLite in the data directory unless `DATABASE_URL` says otherwise, with a development
//! secret and a token for user `local` that the client commands pick up, and the outbox relay
//! publishing every change to the event bus (in process unless `--bus kafka://...`). Chat sessions
//! live in process (`SESSION_STORE=redis://...` to keep them in Redis).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chat_api::{Chat, ChatSettings};
use outbox_relay::{Relay, RelaySettings};
use secrecy::SecretString;
use session_api::{SessionWorker, WorkerSettings};
use task_api::AppState;
use todo_kit::auth::AuthSettings;
use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::serve::Server;
use todo_kit::settings::env_var;
use todo_kit::{Authenticator, telemetry};

use crate::args::ServeArgs;
use crate::dev_auth;

/// Starts the embedded platform and serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// Fails when the data directory, the database or the port cannot be used.
pub(crate) async fn run(args: ServeArgs, data_dir: &Path) -> anyhow::Result<()> {
    telemetry::init("todo-serve");
    let data_dir = data_dir.to_path_buf();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("Failed to create {}", data_dir.display()))?;

    let database_url =
        env_var("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}", data_dir.join("todo.db").display()));
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the task store")?;

    let mut auth_settings = AuthSettings::from_env();
    let secret = match &auth_settings.jwt_secret {
        Some(_) => None,
        None => {
            let secret = dev_auth::load_or_create_secret(&data_dir)?;
            auth_settings.jwt_secret = Some(SecretString::from(secret.clone()));
            Some(secret)
        }
    };
    let auth = Arc::new(Authenticator::new(&auth_settings)?);
    let token = match &secret {
        Some(secret) => {
            let token = dev_auth::mint(secret, "local", 30)?;
            dev_auth::write_private(&dev_auth::token_path(&data_dir), &token)?;
            Some(token)
        }
        None => None,
    };

    let sessions = session_api::store::connect(
        &env_var("SESSION_STORE").unwrap_or_else(|| "memory://".into()),
        session_api::SessionSettings::default(),
        &env_var("SESSION_KEY_PREFIX").unwrap_or_else(|| "todo:".into()),
    )
    .await
    .context("Failed to open the session store")?;

    let bus = todo_kit::bus::connect(&args.bus, 1)?;
    let topic_prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let relay_settings = RelaySettings {
        topic_prefix: topic_prefix.clone(),
        ..RelaySettings::default()
    };
    let relay = Relay::new(store.clone(), bus.clone(), relay_settings);
    let session_worker = SessionWorker::new(
        sessions.clone(),
        bus,
        WorkerSettings {
            topic_prefix,
            ..WorkerSettings::default()
        },
    );
    let models = chat_api::ProviderChain::from_env().context("Bad LLM_* settings")?;
    let tasks = AppState::new(store, auth.clone());
    let sessions = session_api::AppState {
        store: sessions,
        auth: auth.clone(),
    };
    let server = Server::bind_with(args.listen, |bound| {
        // chat-api reaches task-api and session-api over HTTP, as in the cluster: here at this server.
        let own = format!("http://{}", loopback(bound));
        let peer = |name: &str| PeerClient::new(name, &own, ResilienceSettings::default()).map(Arc::new);
        let chat = match (peer("task-api"), peer("session-api")) {
            (Ok(task_api), Ok(session_api)) => {
                Some(Chat::new(task_api, session_api, ChatSettings::default()).with_models(models))
            }
            (Err(error), _) | (_, Err(error)) => {
                tracing::error!(%error, "cannot build the chat peers; /api/chat is off");
                None
            }
        };
        gateway(
            tasks,
            sessions,
            chat.map(|chat| chat_api::AppState {
                chat: Arc::new(chat),
                auth,
            }),
        )
    })
    .await?;
    let url = format!("http://{}", server.local_addr()?);
    print_banner(&url, &database_url, &args.bus, &data_dir, token.is_some());
    let relay = tokio::spawn(run_relay(relay));
    let sessions = tokio::spawn(async move { session_worker.run(todo_kit::serve::shutdown_signal()).await });
    let served = server.run_until_stopped().await;
    // The workers stop on the same signal; give them a moment to finish their batch.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let _ = relay.await;
        let _ = sessions.await;
    })
    .await;
    served
}

/// Creates the topics (retrying while the bus is unreachable), then relays until shutdown.
async fn run_relay(relay: Relay) {
    let mut wait = std::time::Duration::from_millis(200);
    loop {
        match relay.ensure_topics().await {
            Ok(()) => break,
            Err(error) => {
                tracing::warn!(%error, retry_in_ms = wait.as_millis(), "cannot create the topics yet");
                tokio::select! {
                    () = todo_kit::serve::shutdown_signal() => return,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(std::time::Duration::from_secs(30));
            }
        }
    }
    relay.run(todo_kit::serve::shutdown_signal()).await;
}

/// Every function mounted on one Router, with the standard middleware once. Later functions join here.
fn gateway(tasks: AppState, sessions: session_api::AppState, chat: Option<chat_api::AppState>) -> axum::Router {
    let mut router = task_api::service(tasks).merge(session_api::routes(sessions));
    if let Some(chat) = chat {
        router = router.merge(chat_api::routes(chat));
    }
    todo_kit::layers::standard(router)
}

/// The address to call this server at from the same machine.
fn loopback(bound: std::net::SocketAddr) -> std::net::SocketAddr {
    match bound.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => std::net::SocketAddr::from(([127, 0, 0, 1], bound.port())),
        ip if ip.is_unspecified() => std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, bound.port())),
        _ => bound,
    }
}

/// Prints how to use the server. Write errors are ignored: a server must not stop because the
/// terminal that started it went away.
fn print_banner(url: &str, database_url: &str, bus: &str, data_dir: &Path, dev_token: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    macro_rules! println {
        ($($arg:tt)*) => { let _ = writeln!(out, $($arg)*); };
    }
    let database = database_url.split('@').next_back().unwrap_or(database_url);
    println!("todo serve: listening on {url}");
    println!("  database: {database}");
    println!("  events:   {bus} (outbox relay running)");
    println!("  API docs: {url}/api/openapi.json");
    println!("  metrics:  {url}/metrics");
    if dev_token {
        let token_file = dev_auth::token_path(data_dir);
        println!(
            "  token for user 'local': {} (the todo command uses it automatically)",
            token_file.display()
        );
        println!();
        let todo = command_name();
        println!("Try, in another terminal:");
        println!("  {todo} add \"Buy milk\" --due tomorrow --tag home");
        println!("  {todo} list");
        println!(
            "  curl -H \"Authorization: Bearer $(cat {})\" {url}/api/tasks",
            token_file.display()
        );
    }
    println!("Stop with Ctrl-C.");
}

/// `todo` when this binary is the one on `PATH`, else its full path, so the hints can be pasted.
fn command_name() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "todo".into();
    };
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .any(|dir| dir.join("todo").canonicalize().ok().as_deref() == Some(exe.as_path()))
        })
        .unwrap_or(false);
    if on_path {
        "todo".into()
    } else {
        exe.display().to_string()
    }
}
