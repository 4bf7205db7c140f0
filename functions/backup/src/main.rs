//! The backup binary: [`backup::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its settings are
//! listed in that description (`todo functions backup`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&backup::FUNCTION, backup::start).await
}
