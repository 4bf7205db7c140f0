//! `todo serve`: the embedded all-in-one. Every function's Router on one port (the gateway role),
//! over SQLite in the data directory unless `DATABASE_URL` says otherwise, with a development
//! secret and a token for user `local` that the client commands pick up.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use secrecy::SecretString;
use task_api::AppState;
use todo_kit::auth::AuthSettings;
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

    let app = gateway(AppState::new(store, auth));
    let server = Server::bind(args.listen, app).await?;
    let url = format!("http://{}", server.local_addr()?);
    print_banner(&url, &database_url, &data_dir, token.is_some());
    server.run_until_stopped().await
}

/// Every function mounted on one Router. Later functions join here.
fn gateway(state: AppState) -> axum::Router {
    task_api::app(state)
}

/// Prints how to use the server. Write errors are ignored: a server must not stop because the
/// terminal that started it went away.
fn print_banner(url: &str, database_url: &str, data_dir: &Path, dev_token: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    macro_rules! println {
        ($($arg:tt)*) => { let _ = writeln!(out, $($arg)*); };
    }
    let database = database_url.split('@').next_back().unwrap_or(database_url);
    println!("todo serve: listening on {url}");
    println!("  database: {database}");
    println!("  API docs: {url}/api/openapi.json");
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
