-- Tasks, their history, and the transactional outbox (seed FR-56), in one database so that a
-- change and the events announcing it commit together.

CREATE TABLE tasks (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id              TEXT NOT NULL,
    title                 TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    -- Case-folded title in byte order, so title sorting and its cursor match SQLite's.
    title_key             TEXT COLLATE "C" NOT NULL,
    description           TEXT CHECK (char_length(description) <= 4000),
    priority              SMALLINT NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
    tags                  TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    due_at                TIMESTAMPTZ,
    remind_before_minutes BIGINT CHECK (remind_before_minutes >= 0),
    recurrence            TEXT,
    status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    completed_at          TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    deleted_at            TIMESTAMPTZ,
    version               BIGINT NOT NULL DEFAULT 1,
    search                TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'B')
    ) STORED
);

CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_owner_due_idx ON tasks (owner_id, due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_owner_updated_idx ON tasks (owner_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_search_idx ON tasks USING GIN (search);
CREATE INDEX tasks_tags_idx ON tasks USING GIN (tags);

CREATE TABLE task_history (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id   BIGINT NOT NULL REFERENCES tasks (id),
    owner_id  TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    changes   JSONB NOT NULL,
    version   BIGINT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);

CREATE INDEX task_history_task_idx ON task_history (task_id, id);

CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      UUID NOT NULL UNIQUE,
    event_type    TEXT NOT NULL,
    topic         TEXT NOT NULL,
    partition_key TEXT,
    -- The whole CloudEvent in structured JSON form: the relay needs nothing else to publish it.
    event_data    JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    published_at  TIMESTAMPTZ
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- Wakes a relay waiting on LISTEN outbox as soon as a write commits, instead of at its next poll.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
