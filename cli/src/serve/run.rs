//! Starting `todo serve`: the task store, the credentials, the functions on one bus, their
//! consumers and loops, then serving the gateway until Ctrl-C or SIGTERM and letting the workers
//! finish.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use task_api::live::{FeedHandler, LiveFeed};
use todo_kit::serve::Server;
use todo_kit::settings::env_var;
use todo_kit::telemetry;

use super::banner::print_banner;
use super::credentials::{self, Credentials, LOCAL_USER};
use super::functions::Platform;
use super::gateway::{Mounted, chat, gateway, loopback};
use crate::args::ServeArgs;
use crate::background::{Background, Consumer};
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

    let Credentials {
        settings: auth_settings,
        auth,
        token,
    } = credentials::load(&data_dir)?;

    let sessions = session_api::store::connect_from_settings(session_api::SessionSettings::default())
        .await
        .context("Failed to open the session store")?;

    let bus = todo_kit::bus::from_env(&args.bus)?;
    let topic_prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let topic = |t: todo_events::Topic| format!("{topic_prefix}{}", t.name());
    let platform = Platform::open(&store, &sessions, &bus, &topic_prefix, &database_url, &data_dir, &auth).await?;
    let mut embedded = platform.embedded(&store, sessions, &auth);
    // Every data request and refusal also goes to audit-events on this bus (analytics serves it).
    drop(todo_kit::audit::publish_to(bus.clone(), "todo-serve", &topic_prefix));
    let live = LiveFeed::new(task_api::live::EVENTS_KEPT);
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
    let rebuild = analytics::RebuildState::new(
        bus.clone(),
        platform.analytics.model.clone(),
        analytics::prefixed_topics(&topic_prefix),
        auth.clone(),
        admin_users(),
    );
    let archive_store =
        crate::object_stores::open(env_var("ARCHIVE_STORE_URL").as_deref(), &data_dir, "archive").await?;
    let background = Background {
        archive: archiver::Archive::new(archive_store),
        archive_batches: archiver::BatchSettings {
            topic_prefix: topic_prefix.clone(),
            ..archiver::function::batch_settings()?
        },
        bus,
        relay: platform.relay,
        sessions: platform.session_worker,
        consumers,
        deliveries: platform.notifier.worker.clone(),
        announce: platform.announce,
        tick: platform.tick,
        dead_letter_topic: topic(todo_events::Topic::DeadLetter),
    };
    let mounted = Mounted {
        functions,
        live,
        rebuild,
        auth: auth.clone(),
        edge,
    };
    let server = Server::bind_with(args.listen, |bound| gateway(mounted, chat(bound, models, auth))).await?;
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

/// The users allowed to rebuild the analytics read model: `TODO_ADMIN_USERS`, comma-separated
/// (default `local`, the development user).
fn admin_users() -> Vec<String> {
    env_var("TODO_ADMIN_USERS")
        .unwrap_or_else(|| LOCAL_USER.into())
        .split(',')
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}
