//! The notifier binary: [`notifier::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions notifier`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&notifier::FUNCTION, notifier::start).await
}
