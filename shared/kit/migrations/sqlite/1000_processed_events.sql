-- The idempotency keys of every consumer that applies events in a transaction (todo_kit::idempotency).
-- IF NOT EXISTS: databases from before these migrations already hold the table.
CREATE TABLE IF NOT EXISTS processed_events (
    consumer     TEXT NOT NULL,
    source       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, source, event_id)
);
