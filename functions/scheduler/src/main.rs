//! The scheduler binary: [`scheduler::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions scheduler`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&scheduler::FUNCTION, scheduler::start).await
}
