//! The session-api binary: [`session_api::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions session-api`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&session_api::FUNCTION, session_api::start).await
}
