//! `limits http`: the framework's ceiling on this machine. An HTTP server on task-api's stack
//! (the workspace's axum, hyper and tokio, served by the kit's `Server` as task-api is, on the
//! same multi-threaded runtime) that does no work: no middleware, no authentication, no database.
//! `GET /api/tasks` answers a fixed body (by default the list page task-api served in the same
//! run, `LIMITS_GET_BODY`), `POST /api/tasks` reads the request body and answers 201 with a fixed
//! body (`LIMITS_POST_BODY`, task-api's create response). wrk loads it as it loads task-api, so
//! reads and creates can be set against what the framework alone does with the same bytes.
//!
//! Listens on `127.0.0.1:$PORT` (0: any free port) until SIGTERM or Ctrl-C; prints its line
//! first, with the port and the body sizes.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use todo_kit::serve::Server;

use super::env_or;

/// What the server answers when no body file is named: a small JSON page and a small task.
const SMALL_PAGE: &str = r#"{"items":[],"next_cursor":null}"#;
const SMALL_TASK: &str = r#"{"id":1,"title":"bench task","priority":"high","status":"pending","version":1}"#;

/// Serves until stopped.
///
/// # Errors
/// When a body file cannot be read or the port cannot be bound.
pub async fn run() -> anyhow::Result<()> {
    let page = body("LIMITS_GET_BODY", SMALL_PAGE)?;
    let task = body("LIMITS_POST_BODY", SMALL_TASK)?;
    let port: u16 = env_or("PORT", 0);
    let (page_len, task_len) = (page.len(), task.len());
    let router = Router::new()
        .route(
            "/api/tasks",
            get(move || std::future::ready(json(StatusCode::OK, page.clone())))
                .post(move |_request: Bytes| std::future::ready(json(StatusCode::CREATED, task.clone()))),
        )
        .route("/readyz", get(|| async { "ready" }));
    let server = Server::bind(SocketAddr::from(([127, 0, 0, 1], port)), router).await?;
    println!(
        "limits http listening={} get_bytes={page_len} post_bytes={task_len}",
        server.local_addr()?
    );
    server.run_until_stopped().await
}

/// `body` as a JSON response with `status`.
fn json(status: StatusCode, body: Bytes) -> impl IntoResponse {
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}

/// The bytes of the file `variable` names, or `default`.
fn body(variable: &str, default: &'static str) -> anyhow::Result<Bytes> {
    match std::env::var(variable) {
        Ok(path) if !path.is_empty() => Ok(Bytes::from(
            std::fs::read(&path).with_context(|| format!("Failed to read {variable}={path}"))?,
        )),
        _ => Ok(Bytes::from_static(default.as_bytes())),
    }
}
