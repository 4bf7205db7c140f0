//! The aiops binary: [`aiops::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its settings are
//! listed in that description (`todo functions aiops`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&aiops::FUNCTION, aiops::start).await
}
