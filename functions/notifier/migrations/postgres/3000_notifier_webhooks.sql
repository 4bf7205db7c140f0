-- The notifier's subscriptions and deliveries (functions/notifier/src/store), beside the task store's
-- outbox. IF NOT EXISTS: databases from before these migrations already hold the tables.
CREATE TABLE IF NOT EXISTS notifier_subscriptions (
    id              UUID PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    event_types     TEXT[] NOT NULL,
    secret          TEXT NOT NULL,
    description     TEXT,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS notifier_subscriptions_owner_idx ON notifier_subscriptions (owner_id, created_at);
CREATE TABLE IF NOT EXISTS notifier_deliveries (
    id               UUID PRIMARY KEY,
    subscription_id  UUID NOT NULL REFERENCES notifier_subscriptions (id) ON DELETE CASCADE,
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
    next_attempt_at  TIMESTAMPTZ,
    first_attempt_at TIMESTAMPTZ,
    lease_token      UUID,
    leased_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    UNIQUE (subscription_id, event_source, event_id)
);
CREATE INDEX IF NOT EXISTS notifier_deliveries_due_idx ON notifier_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notifier_deliveries_log_idx ON notifier_deliveries (subscription_id, id DESC);
