//! The analytics binary: [`analytics::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions analytics`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&analytics::FUNCTION, analytics::start).await
}
