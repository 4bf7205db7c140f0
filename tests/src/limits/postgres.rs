//! A batch of creates into PostgreSQL in one transaction, two ways the issue allows: multi-row
//! `INSERT ... VALUES` (prepared, one statement per table) or `COPY ... FROM STDIN` (text format).
//! Either way the list versions are bumped last, once per owner in one order, so their row locks
//! are held only through the commit.

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::rows::owner_counts;
use todo_tasks::store::CreateRow;

/// How a batch goes into PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Multi-row `INSERT ... VALUES` with bound parameters.
    Values,
    /// `COPY ... FROM STDIN` for tasks, history and outbox.
    Copy,
}

impl Method {
    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Values => "values",
            Self::Copy => "copy",
        }
    }
}

const TASK_COLUMNS: &str = "id, owner_id, title, title_key, description, priority, tags, due_at, \
    remind_before_minutes, recurrence, status, created_at, updated_at, version, series_id, occurrence";
const HISTORY_COLUMNS: &str = "task_id, owner_id, actor_id, action, changes, version, at";
const OUTBOX_COLUMNS: &str = "event_id, event_type, topic, partition_key, event_data, created_at";

/// Writes `batch` (tasks, history, outbox, list versions) in one transaction.
///
/// # Errors
/// What PostgreSQL answers.
pub async fn write(conn: &mut PgConnection, batch: &[&CreateRow], method: Method) -> sqlx::Result<()> {
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await?;
    match method {
        Method::Values => insert_values(conn, batch).await?,
        Method::Copy => copy(conn, batch).await?,
    }
    let mut versions = QueryBuilder::<Postgres>::new("INSERT INTO task_list_versions (owner_id, version) ");
    versions.push_values(owner_counts(batch), |mut row, (owner, count)| {
        row.push_bind(owner).push_bind(count);
    });
    versions.push(" ON CONFLICT (owner_id) DO UPDATE SET version = task_list_versions.version + EXCLUDED.version");
    versions.build().execute(&mut *conn).await?;
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
    Ok(())
}

async fn insert_values(conn: &mut PgConnection, batch: &[&CreateRow]) -> sqlx::Result<()> {
    let mut tasks = QueryBuilder::<Postgres>::new(format!("INSERT INTO tasks ({TASK_COLUMNS}) "));
    tasks.push_values(batch, |mut row, c| {
        row.push_bind(c.id)
            .push_bind(&c.owner_id)
            .push_bind(&c.title)
            .push_bind(&c.title_key)
            .push_bind(&c.description)
            .push_bind(c.priority)
            .push_bind(&c.tags)
            .push_bind(c.due_at)
            .push_bind(c.remind)
            .push_bind(&c.recurrence)
            .push("'pending'")
            .push_bind(c.at)
            .push_bind(c.at)
            .push("1")
            .push_bind(c.series_id)
            .push_bind(c.occurrence);
    });
    tasks.build().execute(&mut *conn).await?;
    let mut history = QueryBuilder::<Postgres>::new(format!("INSERT INTO task_history ({HISTORY_COLUMNS}) "));
    history.push_values(batch, |mut row, c| {
        row.push_bind(c.id)
            .push_bind(&c.owner_id)
            .push_bind(&c.owner_id)
            .push("'created'")
            .push_bind(&c.changes)
            .push_unseparated("::jsonb")
            .push("1")
            .push_bind(c.at);
    });
    history.build().execute(&mut *conn).await?;
    let mut outbox = QueryBuilder::<Postgres>::new(format!("INSERT INTO outbox ({OUTBOX_COLUMNS}) "));
    outbox.push_values(batch.iter().flat_map(|c| &c.events), |mut row, e| {
        row.push_bind(&e.event_id)
            .push_unseparated("::uuid")
            .push_bind(e.event_type)
            .push_bind(e.topic)
            .push_bind(&e.partition_key)
            .push_bind(&e.data)
            .push_unseparated("::jsonb")
            .push_bind(e.at);
    });
    outbox.build().execute(&mut *conn).await?;
    Ok(())
}

async fn copy(conn: &mut PgConnection, batch: &[&CreateRow]) -> sqlx::Result<()> {
    let mut tasks = String::new();
    let mut history = String::new();
    let mut outbox = String::new();
    for c in batch {
        let at = c.at.to_rfc3339();
        let tags = format!(
            "{{{}}}",
            c.tags.iter().map(|t| array_element(t)).collect::<Vec<_>>().join(",")
        );
        let fields = [
            Some(c.id.to_string()),
            Some(c.owner_id.clone()),
            Some(c.title.clone()),
            Some(c.title_key.clone()),
            c.description.clone(),
            Some(c.priority.to_string()),
            Some(tags),
            c.due_at.map(|d| d.to_rfc3339()),
            c.remind.map(|r| r.to_string()),
            c.recurrence.clone(),
            Some("pending".into()),
            Some(at.clone()),
            Some(at.clone()),
            Some("1".into()),
            c.series_id.map(|s| s.to_string()),
            c.occurrence.map(|o| o.to_string()),
        ];
        line(&mut tasks, &fields);
        let id = c.id.to_string();
        let fields = [&id, &c.owner_id, &c.owner_id, "created", &c.changes, "1", &at].map(|f| Some(f.to_owned()));
        line(&mut history, &fields);
        for e in &c.events {
            let fields = [
                Some(e.event_id.clone()),
                Some(e.event_type.to_owned()),
                Some(e.topic.to_owned()),
                e.partition_key.clone(),
                Some(e.data.clone()),
                Some(e.at.to_rfc3339()),
            ];
            line(&mut outbox, &fields);
        }
    }
    for (table, columns, data) in [
        ("tasks", TASK_COLUMNS, tasks),
        ("task_history", HISTORY_COLUMNS, history),
        ("outbox", OUTBOX_COLUMNS, outbox),
    ] {
        let mut copy = conn
            .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN"))
            .await?;
        copy.send(data.into_bytes()).await?;
        copy.finish().await?;
    }
    Ok(())
}

/// One row of COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
fn line(out: &mut String, fields: &[Option<String>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match field {
            None => out.push_str("\\N"),
            Some(value) => {
                for ch in value.chars() {
                    match ch {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        other => out.push(other),
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// A text[] element, quoted.
fn array_element(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_lines_escape_what_the_text_format_reserves() {
        let mut out = String::new();
        line(&mut out, &[Some("a\tb\\c\nd".into()), None]);
        assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\n");
        assert_eq!(array_element(r#"x"y\z"#), r#""x\"y\\z""#);
    }
}
