-- The notifier's subscriptions and deliveries (functions/notifier/src/store), beside the task store's
-- outbox. IF NOT EXISTS: databases from before these migrations already hold the tables.
CREATE TABLE IF NOT EXISTS notifier_subscriptions (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    event_types     TEXT NOT NULL CHECK (json_valid(event_types)),
    secret          TEXT NOT NULL,
    description     TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifier_subscriptions_owner_idx ON notifier_subscriptions (owner_id, created_at);
CREATE TABLE IF NOT EXISTS notifier_deliveries (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES notifier_subscriptions (id) ON DELETE CASCADE,
    event_source     TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    correlation_id   TEXT,
    traceparent      TEXT,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT,
    next_attempt_at  INTEGER,
    first_attempt_at INTEGER,
    lease_token      TEXT,
    leased_until     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    UNIQUE (subscription_id, event_source, event_id)
);
CREATE INDEX IF NOT EXISTS notifier_deliveries_due_idx ON notifier_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notifier_deliveries_log_idx ON notifier_deliveries (subscription_id, id);
