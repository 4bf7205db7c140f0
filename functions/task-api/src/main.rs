//! The task-api binary: settings from the environment, then serve `task_api::app` on `$PORT` or
//! as a Lambda. Needs `DATABASE_URL` and `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`.

use std::sync::Arc;

use anyhow::Context;
use task_api::AppState;
use todo_kit::auth::AuthSettings;
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL is not set (postgres://... or sqlite://...)")?;
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the task store")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    serve::serve(task_api::app(AppState::new(store, auth)), server.addr).await
}
