-- Recurring series and the scheduler's due-date marks (see the PostgreSQL migration of the same
-- name for why). Times are microseconds since the Unix epoch.
ALTER TABLE tasks ADD COLUMN series_id INTEGER;
ALTER TABLE tasks ADD COLUMN occurrence INTEGER CHECK (occurrence >= 1);
CREATE UNIQUE INDEX tasks_series_occurrence_idx ON tasks (series_id, occurrence) WHERE series_id IS NOT NULL;

CREATE INDEX tasks_pending_due_idx ON tasks (due_at) WHERE status = 'pending' AND deleted_at IS NULL AND due_at IS NOT NULL;

CREATE TABLE task_due_marks (
    task_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'reminder')),
    due_at    INTEGER NOT NULL,
    marked_at INTEGER NOT NULL,
    PRIMARY KEY (task_id, kind, due_at)
);
