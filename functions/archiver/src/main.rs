//! The archiver binary: [`archiver::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its settings are
//! listed in that description (`todo functions archiver`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&archiver::FUNCTION, archiver::start).await
}
