//! The chat-api binary: [`chat_api::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its
//! settings are listed in that description (`todo functions chat-api`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&chat_api::FUNCTION, chat_api::start).await
}
