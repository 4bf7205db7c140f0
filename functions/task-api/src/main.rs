//! The task-api binary: [`task_api::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions task-api`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&task_api::FUNCTION, task_api::start).await
}
