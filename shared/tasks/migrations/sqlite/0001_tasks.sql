-- Tasks, their history, and the transactional outbox, for the embedded default.
-- Times are microseconds since the Unix epoch (UTC), so they compare and sort exactly.

CREATE TABLE tasks (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id              TEXT NOT NULL,
    title                 TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_key             TEXT NOT NULL,
    description           TEXT CHECK (length(description) <= 4000),
    priority              INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 0 AND 3),
    tags                  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_array_length(tags) <= 20),
    due_at                INTEGER,
    remind_before_minutes INTEGER CHECK (remind_before_minutes >= 0),
    recurrence            TEXT,
    status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    completed_at          INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    deleted_at            INTEGER,
    version               INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_owner_due_idx ON tasks (owner_id, due_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tasks_owner_updated_idx ON tasks (owner_id, updated_at, id) WHERE deleted_at IS NULL;

CREATE VIRTUAL TABLE tasks_fts USING fts5(
    title, description, content = 'tasks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
END;

CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, coalesce(old.description, ''));
END;

CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, coalesce(old.description, ''));
    INSERT INTO tasks_fts (rowid, title, description) VALUES (new.id, new.title, coalesce(new.description, ''));
END;

CREATE TABLE task_history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id   INTEGER NOT NULL REFERENCES tasks (id),
    owner_id  TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    changes   TEXT NOT NULL CHECK (json_valid(changes)),
    version   INTEGER NOT NULL,
    at        INTEGER NOT NULL
);

CREATE INDEX task_history_task_idx ON task_history (task_id, id);

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT NOT NULL UNIQUE,
    event_type    TEXT NOT NULL,
    topic         TEXT NOT NULL,
    partition_key TEXT,
    event_data    TEXT NOT NULL CHECK (json_valid(event_data)),
    created_at    INTEGER NOT NULL,
    published_at  INTEGER
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- One counter per owner, bumped by every write that changes one of their tasks, in the same
-- transaction: the list's ETag and the key of task-api's list cache.
CREATE TABLE task_list_versions (
    owner_id TEXT PRIMARY KEY,
    version  INTEGER NOT NULL
);
