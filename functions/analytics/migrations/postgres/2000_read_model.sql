-- The analytics read model (versions 2000-2999). IF NOT EXISTS: databases made before the read
-- model had migrations already hold these tables, created at connect by the same statements.
CREATE TABLE IF NOT EXISTS analytics_tasks (
    user_id        TEXT NOT NULL,
    task_id        BIGINT NOT NULL,
    created_at     TIMESTAMPTZ,
    priority       TEXT,
    priority_at    TIMESTAMPTZ,
    tags           TEXT,
    tags_at        TIMESTAMPTZ,
    due_at         TIMESTAMPTZ,
    due_changed_at TIMESTAMPTZ,
    status         TEXT,
    completed_at   TIMESTAMPTZ,
    status_at      TIMESTAMPTZ,
    deleted_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, task_id)
);
CREATE INDEX IF NOT EXISTS analytics_tasks_created ON analytics_tasks (user_id, created_at);
CREATE INDEX IF NOT EXISTS analytics_tasks_deleted ON analytics_tasks (user_id, deleted_at);
CREATE INDEX IF NOT EXISTS analytics_tasks_open ON analytics_tasks (user_id, due_at)
    WHERE status = 'pending' AND deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS analytics_completions (
    user_id          TEXT NOT NULL,
    task_id          BIGINT NOT NULL,
    completed_at     TIMESTAMPTZ NOT NULL,
    time_to_complete BIGINT,
    counted          BOOLEAN NOT NULL DEFAULT FALSE,
    retracted_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, task_id, completed_at)
);
CREATE INDEX IF NOT EXISTS analytics_completions_at ON analytics_completions (user_id, completed_at);
CREATE TABLE IF NOT EXISTS analytics_counters (
    user_id TEXT NOT NULL,
    day     DATE NOT NULL,
    metric  TEXT NOT NULL,
    key     TEXT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (user_id, day, metric, key)
);
CREATE TABLE IF NOT EXISTS analytics_audit (
    id          TEXT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    event       TEXT NOT NULL,
    service     TEXT NOT NULL,
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,
    resource_id TEXT,
    outcome     TEXT NOT NULL,
    status      INTEGER NOT NULL,
    trace_id    TEXT,
    request_id  TEXT,
    client      TEXT
);
CREATE INDEX IF NOT EXISTS analytics_audit_actor ON analytics_audit (actor, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS analytics_audit_at ON analytics_audit (at DESC, id DESC);
