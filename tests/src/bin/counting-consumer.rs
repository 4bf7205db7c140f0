//! A consumer process for failure tests: handles every event of `TOPIC` as group `GROUP` on
//! `KAFKA_BROKERS`, recording it in `effects` of `DATABASE_URL` (PostgreSQL) with the kit's
//! idempotency helper, a few milliseconds per event so a SIGKILL lands mid-batch.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgPool;
use todo_events::DomainEvent;
use todo_kit::handler::{ConsumeSettings, EventHandler, HandlerError, Outcome, consume};
use todo_kit::idempotency::{claim_postgres, ensure_table_postgres};

struct Counter {
    pool: PgPool,
}

#[async_trait]
impl EventHandler for Counter {
    fn name(&self) -> &str {
        "counting-consumer"
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let retry = |e: sqlx::Error| HandlerError::Retryable(e.to_string());
        let mut tx = self.pool.begin().await.map_err(retry)?;
        if !claim_postgres(&mut tx, self.name(), event).await.map_err(retry)? {
            return Ok(Outcome::Skipped);
        }
        sqlx::query("INSERT INTO effects (event_id) VALUES ($1)")
            .bind(event.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(retry)?;
        tokio::time::sleep(Duration::from_millis(3)).await;
        tx.commit().await.map_err(retry)?;
        Ok(Outcome::Done)
    }
}

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow::anyhow!("{name} is not set"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let pool = PgPool::connect(&env("DATABASE_URL")?).await?;
    ensure_table_postgres(&mut *pool.acquire().await?).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    let bus = todo_kit::bus::connect(&format!("kafka://{}", env("KAFKA_BROKERS")?), 1)?;
    let settings = ConsumeSettings {
        dead_letter_topic: env("DEAD_LETTER_TOPIC")?,
        ..ConsumeSettings::default()
    };
    let handler = Counter { pool };
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
