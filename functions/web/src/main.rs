//! The web binary: [`web::FUNCTION`] served by the kit (`$PORT` or a Lambda). Its settings are
//! listed in that description (`todo functions web`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&web::FUNCTION, web::start).await
}
