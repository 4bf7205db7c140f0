//! What the database says about its own tables, from `pg_catalog`, restricted to
//! `current_schema()` (where the platform's code creates everything): the base tables and their
//! copyable columns, the foreign keys that order a restore, the identity and serial sequences to
//! move past the restored ids, and the migration versions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::database::quote_ident;
use crate::{Error, NewestEvent, Result};

/// The migrations table of `sqlx::migrate!`: backed up, but created (not copied) by a restore.
pub(super) const MIGRATIONS: &str = "_sqlx_migrations";

/// Every base table of the current schema and its columns without generated ones (`COPY` cannot
/// write those; PostgreSQL computes them again), by name, columns in table order.
pub(super) async fn tables(conn: &mut PgConnection) -> Result<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attribute a
           ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         WHERE n.nspname = current_schema() AND c.relkind = 'r'
         ORDER BY c.relname, a.attnum",
    )
    .fetch_all(conn)
    .await?;
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        let columns = tables.entry(table).or_default();
        columns.extend(column);
    }
    Ok(tables)
}

/// The tables among `names` that hold at least one row (`_sqlx_migrations` does not count).
pub(super) async fn tables_with_rows(
    conn: &mut PgConnection,
    names: impl Iterator<Item = &String>,
) -> Result<Vec<String>> {
    let mut full = Vec::new();
    for name in names.filter(|n| *n != MIGRATIONS) {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quote_ident(name));
        let any: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        if any {
            full.push(name.clone());
        }
    }
    Ok(full)
}

/// `tables` ordered so that every table comes after the tables its foreign keys point to.
pub(super) async fn foreign_key_order(conn: &mut PgConnection, tables: &BTreeSet<String>) -> Result<Vec<String>> {
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT child.relname::text, parent.relname::text
         FROM pg_constraint k
         JOIN pg_class child ON child.oid = k.conrelid
         JOIN pg_class parent ON parent.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = child.relnamespace
         WHERE k.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(conn)
    .await?;
    topological(tables, &edges)
}

/// Kahn's algorithm, alphabetical among the tables that are ready, so the order is stable.
fn topological(tables: &BTreeSet<String>, edges: &[(String, String)]) -> Result<Vec<String>> {
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = tables.iter().map(|t| (t.as_str(), BTreeSet::new())).collect();
    for (child, parent) in edges {
        if child != parent
            && tables.contains(parent)
            && let Some(parents) = needs.get_mut(child.as_str())
        {
            parents.insert(parent.as_str());
        }
    }
    let mut order = Vec::with_capacity(tables.len());
    while !needs.is_empty() {
        let ready: Vec<&str> = needs.iter().filter(|(_, p)| p.is_empty()).map(|(t, _)| *t).collect();
        if ready.is_empty() {
            let stuck: Vec<&str> = needs.keys().copied().collect();
            return Err(Error::SchemaMismatch(format!(
                "the foreign keys between {} form a cycle; no restore order exists",
                stuck.join(", ")
            )));
        }
        for table in ready {
            needs.remove(table);
            for parents in needs.values_mut() {
                parents.remove(table);
            }
            order.push(table.to_owned());
        }
    }
    Ok(order)
}

/// Moves every identity or serial sequence of the current schema just past the largest value in
/// its column, so the next insert does not collide with a restored row.
pub(super) async fn reset_sequences(conn: &mut PgConnection) -> Result<usize> {
    let sequences: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.relname::text, a.attname::text, s.seq
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         CROSS JOIN LATERAL (
             SELECT pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) AS seq
         ) s
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND s.seq IS NOT NULL
         ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, column, sequence) in &sequences {
        let sql = format!(
            "SELECT setval($1::regclass, COALESCE((SELECT max({}) FROM {}), 0) + 1, false)",
            quote_ident(column),
            quote_ident(table)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(sequence)
            .execute(&mut *conn)
            .await?;
    }
    Ok(sequences.len())
}

/// The successful migrations' versions, oldest first (none when the table does not exist).
pub(super) async fn schema_versions(
    conn: &mut PgConnection,
    tables: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<i64>> {
    if !tables.contains_key(MIGRATIONS) {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(conn)
            .await?,
    )
}

/// The outbox's newest event and newest published id (none without an outbox).
pub(super) async fn outbox_position(
    conn: &mut PgConnection,
    tables: &BTreeMap<String, Vec<String>>,
) -> Result<(Option<NewestEvent>, Option<i64>)> {
    if !tables.contains_key("outbox") {
        return Ok((None, None));
    }
    let newest: Option<(String, DateTime<Utc>)> =
        sqlx::query_as("SELECT event_id::text, created_at FROM outbox ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let published: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM outbox WHERE published_at IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok((
        newest.map(|(event_id, created_at)| NewestEvent { event_id, created_at }),
        published,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn edge(child: &str, parent: &str) -> (String, String) {
        (child.to_owned(), parent.to_owned())
    }

    #[test]
    fn parents_come_before_their_children() {
        let tables = set(&[
            "notifier_deliveries",
            "notifier_subscriptions",
            "task_history",
            "tasks",
            "outbox",
        ]);
        let edges = [
            edge("task_history", "tasks"),
            edge("notifier_deliveries", "notifier_subscriptions"),
            edge("tasks", "tasks"),
            edge("other_schema_child", "tasks"),
        ];
        let order = topological(&tables, &edges).unwrap();
        let at = |name: &str| order.iter().position(|t| t == name).unwrap();
        assert!(at("tasks") < at("task_history"));
        assert!(at("notifier_subscriptions") < at("notifier_deliveries"));
        assert_eq!(order.len(), 5);
    }

    #[test]
    fn a_cycle_is_named() {
        let error = topological(&set(&["a", "b"]), &[edge("a", "b"), edge("b", "a")]).unwrap_err();
        assert!(error.to_string().contains("cycle"), "{error}");
    }
}
