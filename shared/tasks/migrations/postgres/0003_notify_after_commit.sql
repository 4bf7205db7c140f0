-- Task writes no longer NOTIFY inside their transactions: PostgreSQL serializes the commits of
-- every transaction that notifies (a database-wide lock held through the WAL flush), which held
-- creates to one commit at a time (make bench: about 1,300 creates/s on 2 cores, almost every
-- backend waiting on that lock). The task store now notifies `outbox` and `task_changes` right
-- after its writes commit, a batch of writes at a time; the relay still polls every second, so a
-- lost wake-up only delays. Other outbox writers (enqueue_postgres) notify in their transaction.
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
