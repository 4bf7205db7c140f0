-- Tells every task-api instance which owner's list version a write committed, so that list
-- reads served from memory need no round trip here (shared/tasks/src/store/postgres/list_versions.rs).
CREATE FUNCTION task_list_version_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('task_list_versions', NEW.version || ':' || NEW.owner_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER task_list_version_notify AFTER INSERT OR UPDATE ON task_list_versions
    FOR EACH ROW EXECUTE FUNCTION task_list_version_notify();
