-- The analytics read model (versions 2000-2999). IF NOT EXISTS: databases made before the read
-- model had migrations already hold these tables, created at connect by the same statements.
CREATE TABLE IF NOT EXISTS analytics_tasks (
    user_id        TEXT NOT NULL,
    task_id        INTEGER NOT NULL,
    created_at     INTEGER,
    priority       TEXT,
    priority_at    INTEGER,
    tags           TEXT,
    tags_at        INTEGER,
    due_at         INTEGER,
    due_changed_at INTEGER,
    status         TEXT,
    completed_at   INTEGER,
    status_at      INTEGER,
    deleted_at     INTEGER,
    PRIMARY KEY (user_id, task_id)
);
CREATE INDEX IF NOT EXISTS analytics_tasks_created ON analytics_tasks (user_id, created_at);
CREATE INDEX IF NOT EXISTS analytics_tasks_deleted ON analytics_tasks (user_id, deleted_at);
CREATE INDEX IF NOT EXISTS analytics_tasks_open ON analytics_tasks (user_id, due_at)
    WHERE status = 'pending' AND deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS analytics_completions (
    user_id          TEXT NOT NULL,
    task_id          INTEGER NOT NULL,
    completed_at     INTEGER NOT NULL,
    time_to_complete INTEGER,
    counted          INTEGER NOT NULL DEFAULT 0,
    retracted_at     INTEGER,
    PRIMARY KEY (user_id, task_id, completed_at)
);
CREATE INDEX IF NOT EXISTS analytics_completions_at ON analytics_completions (user_id, completed_at);
CREATE TABLE IF NOT EXISTS analytics_counters (
    user_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    metric  TEXT NOT NULL,
    key     TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, metric, key)
);
CREATE TABLE IF NOT EXISTS analytics_audit (
    id          TEXT PRIMARY KEY,
    at          INTEGER NOT NULL,
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
