-- Recurring series and the scheduler's due-date marks.
--
-- A recurring task's next occurrence is a new task in the same series; (series_id, occurrence) is
-- unique, so a repeated or concurrent task.completed creates the next occurrence once. The first
-- task of a series is its occurrence 1 (series_id = its own id).
ALTER TABLE tasks ADD COLUMN series_id BIGINT, ADD COLUMN occurrence BIGINT CHECK (occurrence >= 1);
CREATE UNIQUE INDEX tasks_series_occurrence_idx ON tasks (series_id, occurrence) WHERE series_id IS NOT NULL;

-- What the scheduler scans: pending, live tasks by due time.
CREATE INDEX tasks_pending_due_idx ON tasks (due_at) WHERE status = 'pending' AND deleted_at IS NULL AND due_at IS NOT NULL;

-- One row per announcement made (due_soon, overdue, reminder) for one due time of one task,
-- written in the transaction that enqueues the event: never twice for the same due time, even
-- with two schedulers; a new due time re-arms them.
CREATE TABLE task_due_marks (
    task_id   BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'reminder')),
    due_at    TIMESTAMPTZ NOT NULL,
    marked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task_id, kind, due_at)
);
