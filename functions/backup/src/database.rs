//! Which database a `DATABASE_URL` names. A backup is made and restored differently on each, and
//! its manifest says which it came from (a PostgreSQL backup cannot be restored into SQLite).

use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteConnectOptions;

use crate::{Error, Result};

/// The database engine of a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// PostgreSQL: the cluster.
    Postgres,
    /// SQLite: the embedded `todo serve`.
    Sqlite,
}

impl Engine {
    /// The engine a URL names.
    ///
    /// # Errors
    /// `Config` for any other scheme (only the scheme is repeated: the rest may hold a password).
    pub fn of_url(database_url: &str) -> Result<Self> {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if database_url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            let scheme = database_url.split_once(':').map_or("(none)", |(scheme, _)| scheme);
            Err(Error::Config(format!(
                "the database URL must be postgres://... or sqlite://..., not a '{scheme}' URL"
            )))
        }
    }

    /// `postgres` or `sqlite`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file a `sqlite://` URL names; an in-memory database has none and cannot be backed up.
pub(crate) fn sqlite_file(database_url: &str) -> Result<PathBuf> {
    if todo_tasks::store::sqlite_in_memory(database_url) {
        return Err(Error::Config(
            "an in-memory SQLite database has no file to back up or restore into".to_owned(),
        ));
    }
    let options = SqliteConnectOptions::from_str(database_url)?;
    Ok(options.get_filename().to_path_buf())
}

/// `name` quoted as an SQL identifier (both engines take double quotes).
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_by_scheme_and_no_password_in_errors() {
        assert_eq!(Engine::of_url("postgres://u:p@h/db").ok(), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("postgresql://h/db").ok(), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("sqlite://data/todo.db").ok(), Some(Engine::Sqlite));
        let error = Engine::of_url("mysql://user:secret@h/db").unwrap_err().to_string();
        assert!(error.contains("'mysql'") && !error.contains("secret"), "{error}");
    }

    #[test]
    fn a_sqlite_url_names_its_file() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/todo/todo.db").unwrap(),
            PathBuf::from("/var/lib/todo/todo.db")
        );
        assert_eq!(
            sqlite_file("sqlite://data/todo.db").unwrap(),
            PathBuf::from("data/todo.db")
        );
        assert!(sqlite_file("sqlite::memory:").is_err());
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("tasks"), "\"tasks\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
