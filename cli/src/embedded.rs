//! The functions as `todo serve` runs them in one process, paired with the descriptions their
//! crates export: their routes are mounted side by side (the gateway role), the consumers are fed
//! the topics each description names, and every unit of periodic work is reachable at
//! `POST /work/{name}` as in the cluster (the loops run too). So `todo serve` and a function's own
//! `main` read the same description, and adding a topic or a unit of work to a function reaches
//! both. What differs is only how each function's parts are built: here on one shared store, bus
//! and secret.

use std::sync::Arc;

use anyhow::ensure;
use todo_kit::function::{Function, Work, check_handler, check_work, work_router};
use todo_kit::handler::EventHandler;

use crate::background::Consumer;

/// One function's API routes, event handler and units of work, with its description.
pub(crate) struct Embedded {
    pub(crate) function: &'static Function,
    /// Its API routes, without middleware (added once, for all).
    pub(crate) routes: axum::Router,
    pub(crate) handler: Option<Arc<dyn EventHandler>>,
    pub(crate) work: Vec<(&'static str, Arc<dyn Work>)>,
}

impl Embedded {
    /// A function that only serves HTTP.
    pub(crate) fn http(function: &'static Function, routes: axum::Router) -> Self {
        Self {
            function,
            routes,
            handler: None,
            work: Vec::new(),
        }
    }
}

/// The consumers of the functions that have a handler, each on the topics its description names.
///
/// # Errors
/// When a handler and a description disagree (one without the other).
pub(crate) fn consumers(functions: &[Embedded], topic_prefix: &str) -> anyhow::Result<Vec<Consumer>> {
    let mut consumers = Vec::new();
    for embedded in functions {
        let function = embedded.function;
        check_handler(function, embedded.handler.is_some())?;
        if let Some(handler) = &embedded.handler {
            consumers.push(Consumer {
                handler: handler.clone(),
                topics: function.consumed_topics(topic_prefix),
            });
        }
    }
    Ok(consumers)
}

/// Every function's routes side by side, with `POST /work/{name}` for every unit of work.
///
/// # Errors
/// When a function's units differ from its description, or two functions name a unit alike.
pub(crate) fn routes(functions: Vec<Embedded>) -> anyhow::Result<axum::Router> {
    let work = work_routes(&functions)?;
    Ok(functions
        .into_iter()
        .fold(work, |router, embedded| router.merge(embedded.routes)))
}

fn work_routes(functions: &[Embedded]) -> anyhow::Result<axum::Router> {
    let mut all: Vec<(&'static str, Arc<dyn Work>)> = Vec::new();
    for embedded in functions {
        check_work(embedded.function, &embedded.work)?;
        for (name, unit) in &embedded.work {
            ensure!(
                all.iter().all(|(other, _)| other != name),
                "two functions have periodic work called '{name}'"
            );
            all.push((name, unit.clone()));
        }
    }
    Ok(work_router(all))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_function_is_served_and_no_two_units_of_work_share_a_path() {
        let names: Vec<&str> = crate::commands::ALL_FUNCTIONS.iter().map(|f| f.name).collect();
        let mut paths: Vec<String> = crate::commands::ALL_FUNCTIONS
            .iter()
            .flat_map(|f| f.periodic.iter().map(|p| p.path()))
            .collect();
        let count = paths.len();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), count, "{paths:?}");
        assert_eq!(names.len(), 11);
    }
}
