//! A consumer process for failure tests: handles every event of `TOPIC` as group `GROUP` on
//! `KAFKA_BROKERS`, recording it in `effects` of `DATABASE_URL` (PostgreSQL) with the kit's
//! idempotent handler wrapper, a few milliseconds per event so a SIGKILL lands mid-batch.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool, Postgres};
use todo_events::DomainEvent;
use todo_kit::handler::{ConsumeSettings, HandlerError, Outcome, consume};
use todo_kit::idempotency::{Idempotent, TransactionalHandler};

struct Counter;

#[async_trait]
impl TransactionalHandler<Postgres> for Counter {
    fn name(&self) -> &str {
        "counting-consumer"
    }

    async fn apply(&self, tx: &mut PgConnection, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        sqlx::query("INSERT INTO effects (event_id) VALUES ($1)")
            .bind(event.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| HandlerError::Retryable(e.to_string()))?;
        tokio::time::sleep(Duration::from_millis(3)).await;
        Ok(Outcome::Done)
    }
}

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow::anyhow!("{name} is not set"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let pool = PgPool::connect(&env("DATABASE_URL")?).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    let bus = todo_kit::bus::connect(&format!("kafka://{}", env("KAFKA_BROKERS")?), 1)?;
    let settings = ConsumeSettings {
        dead_letter_topic: env("DEAD_LETTER_TOPIC")?,
        ..ConsumeSettings::default()
    };
    let handler = Idempotent::new(pool, Counter).await?;
    consume(
        bus.as_ref(),
        &handler,
        &[env("TOPIC")?],
        &settings,
        todo_kit::serve::shutdown_signal(),
    )
    .await?;
    Ok(())
}
