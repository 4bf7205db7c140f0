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
use todo_kit::live::{FeedHandler, LiveFeed};
use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::serve::Server;
use todo_kit::settings::env_var;
use todo_kit::{Authenticator, telemetry};

use crate::args::ServeArgs;
use crate::background::{Background, Consumer};
use crate::dev_auth;
use crate::embedded::Embedded;

/// Starts the embedded platform and serves until Ctrl-C or SIGTERM.
///
/// # Errors
/// Fails when the data directory, the database or the port cannot be used.
pub(crate) async fn run(args: ServeArgs, data_dir: &Path) -> anyhow::Result<()> {
    let mut traces = telemetry::TraceSettings::from_env();
    traces.endpoint.clone_from(&args.otlp);
    traces.ids_without_export = true;
    // aiops' log watch reads this process's warnings and errors from the tap (there is no Loki).
    telemetry::tap::enable(telemetry::tap::DEFAULT_CAPACITY);
    telemetry::init_with("todo-serve", &traces);
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
            let token = dev_auth::mint(secret, LOCAL_USER, 30, auth_settings.stamp())?;
            dev_auth::write_private(&dev_auth::token_path(&data_dir), &token)?;
            Some(token)
        }
        None => None,
    };

    let sessions = session_api::store::connect_from_settings(session_api::SessionSettings::default())
        .await
        .context("Failed to open the session store")?;

    let bus = todo_kit::bus::from_env(&args.bus)?;
    let topic_prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let topic = |t: todo_events::Topic| format!("{topic_prefix}{}", t.name());
    let relay = Arc::new(Relay::new(
        store.clone(),
        bus.clone(),
        RelaySettings {
            topic_prefix: topic_prefix.clone(),
            ..RelaySettings::default()
        },
    ));
    let session_worker = Arc::new(SessionWorker::new(
        sessions.clone(),
        bus.clone(),
        WorkerSettings {
            topic_prefix: topic_prefix.clone(),
            ..WorkerSettings::default()
        },
    ));
    let analytics = analytics::connect(&database_url)
        .await
        .context("Failed to open the analytics read model")?;
    let notifier_settings = notifier::Settings::from_env()?;
    let notifier = notifier::connect(&database_url, notifier_settings, auth.clone())
        .await
        .context("Failed to open the notifier's tables")?;
    let clock = scheduler::system_clock();
    let scheduler_tick: u64 =
        scheduler::function::SCHEDULER_TICK_SECONDS.parse_required("a positive number of seconds")?;
    anyhow::ensure!(
        scheduler_tick > 0,
        "SCHEDULER_TICK_SECONDS must be a positive number of seconds"
    );
    let announce = scheduler::AnnounceWork {
        announcer: Arc::new(scheduler::Announcer::new(store.clone())),
        clock: clock.clone(),
    };
    // `POST /work/snapshot` backs the database up to the data directory's objects/backups (or
    // BACKUP_STORE_URL), as the cluster's PingSource does; `todo backup` does the same by hand.
    let backup_store = crate::object_stores::open(env_var("BACKUP_STORE_URL").as_deref(), &data_dir, "backups").await?;
    let backup_work: Arc<dyn todo_kit::function::Work> = Arc::new(backup::BackupWork::new(
        database_url.clone(),
        backup_store,
        backup::SnapshotSettings::from_env()?,
        backup::function::BACKUP_KEEP_DAILY.parse_required("a number of days")?,
        backup::function::BACKUP_KEEP_WEEKLY.parse_required("a number of weeks")?,
    ));
    // Every function with its routes, handler and units of work, paired with its description.
    // (chat-api's routes need this server's address, so the gateway adds them once it is bound.)
    let mut embedded = vec![
        Embedded::http(
            &task_api::FUNCTION,
            task_api::service(AppState::new(store.clone(), auth.clone())),
        ),
        Embedded {
            function: &session_api::FUNCTION,
            routes: session_api::routes(session_api::AppState {
                store: sessions,
                auth: auth.clone(),
            }),
            handler: None,
            work: vec![("sessions", session_worker.clone())],
        },
        Embedded::http(&chat_api::FUNCTION, axum::Router::new()),
        Embedded {
            function: &analytics::FUNCTION,
            routes: analytics::routes(analytics.state(auth.clone())),
            handler: Some(analytics.handler.clone()),
            work: Vec::new(),
        },
        Embedded {
            function: &notifier::FUNCTION,
            routes: notifier::routes(notifier.state.clone()),
            handler: Some(notifier.handler.clone()),
            work: vec![("deliveries", notifier.worker.clone())],
        },
        Embedded {
            function: &scheduler::FUNCTION,
            routes: axum::Router::new(),
            handler: Some(Arc::new(scheduler::NextOccurrence::new(store.clone(), clock.clone()))),
            work: vec![("announce", Arc::new(announce.clone()))],
        },
        Embedded {
            function: &outbox_relay::FUNCTION,
            routes: axum::Router::new(),
            handler: None,
            work: vec![("drain", relay.clone())],
        },
        // Reads its topics in batches in the background (see Background).
        Embedded::http(&archiver::FUNCTION, axum::Router::new()),
        Embedded {
            function: &backup::FUNCTION,
            routes: axum::Router::new(),
            handler: None,
            work: vec![("snapshot", backup_work)],
        },
    ];
    // Every data request and refusal also goes to audit-events on this bus (analytics serves it).
    drop(todo_kit::audit::publish_to(bus.clone(), "todo-serve", &topic_prefix));
    let live = LiveFeed::new(LIVE_EVENTS_KEPT);
    let mut consumers = crate::embedded::consumers(&embedded, &topic_prefix)?;
    consumers.push(Consumer {
        // Its own group per process: every instance shows every event.
        handler: Arc::new(FeedHandler::new(format!("live-{}", uuid::Uuid::new_v4()), live.clone())),
        topics: vec![topic(todo_events::Topic::TaskEvents)],
    });
    let consumers = crate::fault::inject(consumers, env_var(crate::fault::TODO_FAULT_FAILING_CONSUMER).as_deref())?;
    let (consumers, pauses) = crate::background::pausable(consumers);
    // aiops watches this process's own metrics (no Prometheus here, unless PROMETHEUS_URL names
    // one), publishes what it finds to ops-events on the same bus, and remediates through the
    // consumers' pause switches (AIOPS_REMEDIATION=auto; dry run by default).
    let models = chat_api::ProviderChain::from_env().context("Bad LLM_* settings")?;
    let edge = todo_kit::limits::EdgeSettings::from_env().context("Bad edge limit settings")?;
    let aiops_settings = aiops::Settings::from_env()?;
    let aiops = aiops::Aiops::new(
        &aiops_settings,
        aiops_settings.sources("todo-serve")?,
        aiops::Publisher::new(bus.clone(), &topic_prefix),
        auth.clone(),
        Arc::new(todo_kit::clock::SystemClock),
        Arc::new(aiops::LocalExecutor::new(pauses).with_circuit(
            "chat-api",
            todo_aiops::remediation::MODEL_PROVIDER,
            models.circuit(),
        )),
    );
    embedded.push(Embedded {
        function: &aiops::FUNCTION,
        routes: aiops::routes(aiops.state.clone()),
        handler: None,
        work: vec![("watch", aiops.watch.clone())],
    });
    // The page signs people in through the identity provider when one is configured
    // (OIDC_CLIENT_ID), else the local user by one-time links signed with the platform's secret
    // (no secret and no provider: no page).
    let sign_in = web::SignIn::from_env(&auth_settings)?;
    let page = sign_in.clone().map(|sign_in| {
        web::routes(web::WebState {
            sign_in,
            auth: auth.clone(),
        })
    });
    embedded.push(Embedded::http(&web::FUNCTION, page.unwrap_or_default()));
    let functions = crate::embedded::routes(embedded)?;
    let rebuild = crate::rebuild_route::Rebuild {
        bus: bus.clone(),
        model: analytics.model.clone(),
        topics: Arc::new(analytics::prefixed_topics(&topic_prefix)),
        auth: auth.clone(),
        admins: Arc::new(
            env_var("TODO_ADMIN_USERS")
                .unwrap_or_else(|| "local".into())
                .split(',')
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty())
                .collect(),
        ),
        running: Arc::default(),
    };
    let archive_store =
        crate::object_stores::open(env_var("ARCHIVE_STORE_URL").as_deref(), &data_dir, "archive").await?;
    let background = Background {
        archive: archiver::Archive::new(archive_store),
        archive_batches: archiver::BatchSettings {
            topic_prefix: topic_prefix.clone(),
            ..archiver::function::batch_settings()?
        },
        bus,
        relay,
        sessions: session_worker,
        consumers,
        deliveries: notifier.worker.clone(),
        announce,
        tick: std::time::Duration::from_secs(scheduler_tick),
        dead_letter_topic: topic(todo_events::Topic::DeadLetter),
    };
    let mounted = Mounted {
        functions,
        live,
        rebuild,
        auth: auth.clone(),
        edge,
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
            mounted,
            chat.map(|chat| chat_api::AppState {
                chat: Arc::new(chat),
                auth,
            }),
        )
    })
    .await?;
    let url = format!("http://{}", loopback(server.local_addr()?));
    let sign_in = match &sign_in {
        Some(web::SignIn::Links(links)) => Some(links.link(LOCAL_USER, &url)?),
        _ => None,
    };
    print_banner(
        &url,
        &database_url,
        &args.bus,
        &data_dir,
        token.is_some(),
        sign_in.as_deref(),
    );
    let background = background.start();
    // The watch loop, as the cluster's PingSource would fire it (every AIOPS_WATCH_INTERVAL_SECONDS).
    let watching = tokio::spawn(todo_kit::function::run_loop(
        "watch",
        aiops.watch.clone(),
        aiops_settings.watch.step,
        todo_kit::serve::shutdown_signal(),
    ));
    let served = server.run_until_stopped().await;
    // The workers stop on the same signal; give them a moment to finish what they are doing.
    let stopped = async {
        background.join_all().await;
        let _ = watching.await;
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), stopped).await;
    telemetry::shutdown();
    served
}

/// The user `todo serve` signs its own token and the page's links for.
pub(crate) const LOCAL_USER: &str = "local";

/// How many recent events the live feed keeps for clients resuming with `Last-Event-ID`.
const LIVE_EVENTS_KEPT: usize = 2000;

/// The state of every function mounted on the gateway (chat-api's needs the bound address).
struct Mounted {
    /// Every function's routes and `POST /work/{name}` ([`crate::embedded::routes`]).
    functions: axum::Router,
    live: Arc<LiveFeed>,
    rebuild: crate::rebuild_route::Rebuild,
    auth: Arc<Authenticator>,
    /// The limits at the edge.
    edge: todo_kit::limits::EdgeSettings,
}

/// Every function mounted on one Router, with the standard middleware once. Later functions join here.
fn gateway(mounted: Mounted, chat: Option<chat_api::AppState>) -> axum::Router {
    let mut router = mounted
        .functions
        .merge(todo_kit::live::router(mounted.live, mounted.auth))
        .merge(crate::rebuild_route::router(mounted.rebuild));
    if let Some(chat) = chat {
        router = router.merge(chat_api::routes(chat));
    }
    todo_kit::layers::standard_with(router, &mounted.edge)
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
fn print_banner(url: &str, database_url: &str, bus: &str, data_dir: &Path, dev_token: bool, sign_in: Option<&str>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    macro_rules! println {
        ($($arg:tt)*) => { let _ = writeln!(out, $($arg)*); };
    }
    let database = database_url.split('@').next_back().unwrap_or(database_url);
    println!("todo serve: listening on {url}");
    println!("  database: {database}");
    println!("  events:   {bus} (outbox relay, analytics, webhooks, scheduler, aiops and live stream running)");
    println!("  API docs: {url}/api/openapi.json");
    println!("  metrics:  {url}/metrics");
    if let Some(link) = sign_in {
        println!();
        println!("Open the web page (this link signs you in once; `todo web` prints a new one):");
        println!("  {link}");
        println!();
    }
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
        println!("  {todo} add \"Call the dentist\" --due \"in 30 minutes\" --remind 10m");
        println!("  {todo} list");
        println!("  {todo} watch                 # changes, due dates and reminders, live");
        println!("  {todo} analytics summary");
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
