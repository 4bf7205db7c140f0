//! Builds the SQL of a list query once for both databases.
//!
//! Filters and the keyset are written with `?` placeholders and a list of typed values; each store
//! renumbers the placeholders for its driver and binds the values. Only the text search and the
//! tag filter differ between PostgreSQL and SQLite. Nothing a caller sends is spliced into SQL.

use chrono::{DateTime, Utc};

use todo_domain::query::{KeyValue, ListQuery, SortField};

/// The columns every task query selects (table alias `t`), as a literal so queries built with
/// `concat!` stay static SQL.
macro_rules! task_columns {
    () => {
        "t.id, t.owner_id, t.title, t.description, t.priority, t.tags, t.due_at, \
         t.remind_before_minutes, t.recurrence, t.status, t.completed_at, t.created_at, \
         t.updated_at, t.version, t.series_id, t.occurrence"
    };
}
pub(crate) use task_columns;

/// The same columns without the alias, for `RETURNING` clauses.
macro_rules! task_columns_bare {
    () => {
        "id, owner_id, title, description, priority, tags, due_at, remind_before_minutes, \
         recurrence, status, completed_at, created_at, updated_at, version, series_id, occurrence"
    };
}
pub(crate) use task_columns_bare;

/// The database the SQL is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Postgres,
    Sqlite,
}

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
    TextList(Vec<String>),
}

/// SQL with `?` placeholders and the values for them, in order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) values: Vec<SqlValue>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, value: SqlValue) {
        self.text.push('?');
        self.values.push(value);
    }

    /// The text with `$1`, `$2`, ... placeholders, for PostgreSQL.
    pub(crate) fn numbered(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 8);
        let mut n = 0;
        for c in self.text.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The sort expressions of a query, most significant first, without the id tie-breaker.
fn sort_exprs(field: SortField, descending: bool) -> Vec<(&'static str, bool)> {
    match field {
        SortField::DueAt => vec![
            ("(CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END)", false),
            ("t.due_at", descending),
        ],
        SortField::Priority => vec![("t.priority", descending)],
        SortField::CreatedAt => vec![("t.created_at", descending)],
        SortField::UpdatedAt => vec![("t.updated_at", descending)],
        SortField::Title => vec![("t.title_key", descending)],
    }
}

/// The SELECT for one page of `owner`'s tasks: `limit + 1` rows, so the caller can tell whether
/// another page follows.
pub(crate) fn list_sql(dialect: Dialect, owner: &str, query: &ListQuery) -> Sql {
    let mut sql = Sql::default();
    sql.push(concat!("SELECT ", task_columns!(), " FROM tasks t WHERE t.owner_id = "));
    sql.bind(SqlValue::Text(owner.to_owned()));
    sql.push(" AND t.deleted_at IS NULL");

    if query.search_matches_nothing {
        sql.push(" AND 1 = 0");
    }
    if !query.search_terms.is_empty() {
        match dialect {
            Dialect::Postgres => {
                let tsquery: Vec<String> = query.search_terms.iter().map(|t| format!("{t}:*")).collect();
                sql.push(" AND t.search @@ to_tsquery('english', ");
                sql.bind(SqlValue::Text(tsquery.join(" & ")));
                sql.push(")");
            }
            Dialect::Sqlite => {
                let fts: Vec<String> = query.search_terms.iter().map(|t| format!("\"{t}\"*")).collect();
                sql.push(" AND t.id IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ");
                sql.bind(SqlValue::Text(fts.join(" ")));
                sql.push(")");
            }
        }
    }
    if let Some(status) = query.status {
        sql.push(" AND t.status = ");
        sql.bind(SqlValue::Text(status.as_str().to_owned()));
    }
    if !query.priorities.is_empty() {
        sql.push(" AND t.priority IN (");
        for (i, p) in query.priorities.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(SqlValue::Int(i64::from(p.rank())));
        }
        sql.push(")");
    }
    if !query.tags.is_empty() {
        match dialect {
            Dialect::Postgres => {
                sql.push(" AND t.tags @> ");
                sql.bind(SqlValue::TextList(query.tags.clone()));
            }
            Dialect::Sqlite => {
                for tag in &query.tags {
                    sql.push(" AND EXISTS (SELECT 1 FROM json_each(t.tags) WHERE json_each.value = ");
                    sql.bind(SqlValue::Text(tag.clone()));
                    sql.push(")");
                }
            }
        }
    }
    if let Some(before) = query.due_before {
        sql.push(" AND t.due_at < ");
        sql.bind(SqlValue::Time(before));
    }
    if let Some(after) = query.due_after {
        sql.push(" AND t.due_at >= ");
        sql.bind(SqlValue::Time(after));
    }
    if let Some(now) = query.overdue_at {
        sql.push(" AND t.status = 'pending' AND t.due_at < ");
        sql.bind(SqlValue::Time(now));
    }
    match query.has_due {
        Some(true) => sql.push(" AND t.due_at IS NOT NULL"),
        Some(false) => sql.push(" AND t.due_at IS NULL"),
        None => {}
    }

    let mut exprs = sort_exprs(query.sort.field, query.sort.descending);
    exprs.push(("t.id", query.sort.descending));
    if let Some(cursor) = &query.after {
        push_keyset(&mut sql, &exprs, &cursor.key, cursor.id);
    }
    sql.push(" ORDER BY ");
    let order: Vec<String> = exprs
        .iter()
        .map(|(expr, desc)| format!("{expr} {}", if *desc { "DESC" } else { "ASC" }))
        .collect();
    sql.push(&order.join(", "));
    sql.push(" LIMIT ");
    sql.bind(SqlValue::Int(i64::from(query.limit) + 1));
    sql
}

/// Rows strictly after the cursor in sort order, as `(k1 > v1) OR (k1 = v1 AND k2 > v2) ...`.
/// A null key value only occurs for tasks without due time, which all share it; it is skipped,
/// so such rows are ordered by the keys after it.
fn push_keyset(sql: &mut Sql, exprs: &[(&'static str, bool)], key: &[KeyValue], id: i64) {
    let values: Vec<(&str, bool, SqlValue)> = exprs
        .iter()
        .zip(key.iter().cloned().chain(std::iter::once(KeyValue::Int(id))))
        .filter_map(|(&(expr, desc), value)| {
            let value = match value {
                KeyValue::Null => return None,
                KeyValue::Int(i) => SqlValue::Int(i),
                KeyValue::Text(s) => SqlValue::Text(s),
                KeyValue::Time(t) => SqlValue::Time(t),
            };
            Some((expr, desc, value))
        })
        .collect();
    sql.push(" AND (");
    for (i, (expr, desc, value)) in values.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push("(");
        for (eq_expr, _, eq_value) in &values[..i] {
            sql.push(&format!("{eq_expr} = "));
            sql.bind(eq_value.clone());
            sql.push(" AND ");
        }
        sql.push(&format!("{expr} {} ", if *desc { "<" } else { ">" }));
        sql.bind(value.clone());
        sql.push(")");
    }
    sql.push(")");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        let sql = Sql {
            text: "a = ? AND b = ?".into(),
            values: vec![],
        };
        assert_eq!(sql.numbered(), "a = $1 AND b = $2");
    }

    #[test]
    fn every_placeholder_has_a_value() {
        let pairs: Vec<(String, String)> = [
            ("q", "milk bread"),
            ("tag", "home"),
            ("priority", "high,low"),
            ("sort", "-due_at"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let query = ListQuery::from_pairs(&pairs, Utc::now()).expect("valid query");
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let sql = list_sql(dialect, "alice", &query);
            assert_eq!(
                sql.text.matches('?').count(),
                sql.values.len(),
                "{dialect:?}: {}",
                sql.text
            );
            assert!(!sql.text.contains("milk"), "search text must be bound, not spliced");
        }
    }
}
