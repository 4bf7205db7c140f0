//! One `run` that serves any function from its [`Function`] description and the [`Parts`] it
//! starts: its routes on `$PORT` (or as a Lambda), its event handler behind HTTP push (Knative,
//! Dapr) and, with `EVENT_BUS=kafka://...`, behind a consumer group on exactly the topics the
//! description names; each unit of periodic work at `POST /work/{name}`, and in a loop only when
//! `BACKGROUND_WORK=loop`. A function's `main` is then one line.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;

use super::{EventDelivery, Function, Work, work_router};
use crate::handler::{EventHandler, push, spawn_kafka_consumer};
use crate::settings::{BackgroundWork, ServerSettings, common};

/// A loop of a long-running deployment: it runs until the future it is given resolves.
pub type Loop = Box<dyn FnOnce(Pin<Box<dyn Future<Output = ()> + Send>>) -> tokio::task::JoinHandle<()> + Send>;

/// What a function starts with its settings read and its backends open.
#[derive(Default)]
pub struct Parts {
    /// Its routes, probes and metrics, without the standard middleware (added once, here).
    pub routes: Router,
    /// Its event handler, for the topics its description consumes.
    pub handler: Option<Arc<dyn EventHandler>>,
    /// Its units of periodic work, by the names of its description's `periodic`.
    pub work: Vec<(&'static str, Arc<dyn Work>)>,
    /// Loops that run only with `BACKGROUND_WORK=loop`.
    pub loops: Vec<Loop>,
    /// Tasks that run whatever the mode (a live feed's consumer, say), awaited on shutdown.
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("handler", &self.handler.as_ref().map(|h| h.name().to_owned()))
            .field("work", &self.work.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("loops", &self.loops.len())
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

/// The function's router as served: its routes, the push routes of its handler and its work
/// routes, under the standard middleware. Separate from [`run`] so tests can call it.
///
/// # Errors
/// When the parts disagree with the description: a handler without topics or topics without a
/// handler, a unit of work it does not describe, or described work without a unit.
pub fn router(
    function: &Function,
    parts_routes: Router,
    handler: Option<&Arc<dyn EventHandler>>,
    work: Vec<(&'static str, Arc<dyn Work>)>,
) -> anyhow::Result<Router> {
    check_work(function, &work)?;
    check_handler(function, handler.is_some())?;
    let mut router = parts_routes;
    // A handler exists exactly when the function takes its topics one event at a time.
    if let Some(handler) = handler {
        let prefix = common::TOPIC_PREFIX.value().unwrap_or_default();
        let topics = function.consumed_topics(&prefix);
        router = router.merge(crate::metrics::track_http(
            function.name,
            push::router(handler.clone(), topics, "pubsub"),
        ));
    }
    if !work.is_empty() {
        router = router.merge(crate::metrics::track_http(function.name, work_router(work)));
    }
    let edge = crate::limits::EdgeSettings::from_env()?;
    Ok(crate::layers::standard_with(router, &edge))
}

/// Checks that a function has an event handler exactly when its description consumes topics one
/// event at a time (one that reads batches has none).
///
/// # Errors
/// Says which of the two is missing.
pub fn check_handler(function: &Function, has_handler: bool) -> anyhow::Result<()> {
    if function.delivery == EventDelivery::Batches {
        anyhow::ensure!(
            !has_handler,
            "{} reads its topics in batches and takes no event handler",
            function.name
        );
        anyhow::ensure!(
            !function.consumes.is_empty(),
            "{} reads batches but consumes no topic",
            function.name
        );
        return Ok(());
    }
    match (has_handler, function.consumes.is_empty()) {
        (true, true) => anyhow::bail!("{} has an event handler but consumes no topic", function.name),
        (false, false) => anyhow::bail!("{} consumes topics but has no event handler", function.name),
        _ => Ok(()),
    }
}

/// Checks that `work` holds exactly one unit for each unit of periodic work `function` describes.
///
/// # Errors
/// Names the unit that is missing or not described.
pub fn check_work(function: &Function, work: &[(&'static str, Arc<dyn Work>)]) -> anyhow::Result<()> {
    for periodic in function.periodic {
        anyhow::ensure!(
            work.iter().any(|(name, _)| *name == periodic.name),
            "{} describes periodic work '{}' but starts no unit for it",
            function.name,
            periodic.name
        );
    }
    for (name, _) in work {
        anyhow::ensure!(
            function.periodic.iter().any(|p| p.name == *name),
            "{} starts work '{name}' that its description does not list",
            function.name
        );
    }
    Ok(())
}

/// Serves `function`: reads the kit's settings, starts the parts with `start` (again and again
/// while a dependency does not answer, answering probes meanwhile: see `starting`), and runs
/// until SIGTERM or Ctrl-C, then lets the consumer, the loops and the requests in flight finish.
///
/// # Errors
/// A bad setting, a backend that cannot be opened, or a server that cannot listen.
pub async fn run<F, Fut>(function: &'static Function, start: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<Parts>>,
{
    crate::telemetry::init(function.name);
    let result = serve(function, start).await;
    if let Err(error) = &result {
        tracing::error!(function = function.name, error = %format!("{error:#}"), "stopped");
    }
    crate::telemetry::shutdown();
    result
}

async fn serve<F, Fut>(function: &'static Function, start: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<Parts>>,
{
    let server = ServerSettings::from_env()?;
    let background = BackgroundWork::from_env()?;
    // Probes answer while a dependency keeps it from starting; a Lambda has none.
    let probes = std::env::var_os("AWS_LAMBDA_RUNTIME_API")
        .is_none()
        .then_some(server.addr);
    let parts = super::starting::start_when_dependencies_answer(function.name, probes, start)
        .await
        .with_context(|| format!("{} could not start", function.name))?;
    let app = router(function, parts.routes, parts.handler.as_ref(), parts.work)?;
    let mut tasks = parts.tasks;
    // The audit trail goes to the bus too when the function has one (its log lines stay either way).
    let has_bus = function.settings().any(|s| s.name == common::EVENT_BUS.name);
    if let Some(url) = common::EVENT_BUS.value().filter(|_| has_bus) {
        let bus = crate::bus::from_env(&url).map_err(anyhow::Error::msg)?;
        let prefix = common::TOPIC_PREFIX.value().unwrap_or_default();
        // Detached: it waits for records as long as the process lives; a batch in flight at
        // shutdown is in the log.
        drop(crate::audit::publish_to(bus, function.name, &prefix));
    }
    if let Some(handler) = parts.handler {
        let topics: Vec<&str> = function.consumes.iter().map(|t| t.name()).collect();
        if let Some(consumer) =
            spawn_kafka_consumer(handler, &topics, crate::bus::Start::Beginning).map_err(anyhow::Error::msg)?
        {
            tasks.push(consumer);
        }
    }
    if background.loops() {
        tasks.extend(
            parts
                .loops
                .into_iter()
                .map(|start_loop| start_loop(Box::pin(crate::serve::shutdown_signal()))),
        );
    }
    tracing::info!(
        function = function.name,
        background = ?background,
        "starting"
    );
    let served = crate::serve::serve(app, server.addr).await;
    // Everything got the same signal: the consumer commits the event in hand, loops finish
    // their step.
    let finished = async {
        for task in tasks {
            let _ = task.await;
        }
    };
    if tokio::time::timeout(Duration::from_secs(15), finished).await.is_err() {
        tracing::warn!(function = function.name, "background work did not stop within 15 s");
    }
    served
}
