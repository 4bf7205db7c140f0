//! Which database a `DATABASE_URL` names. A backup is made and restored differently on each, and
//! its manifest says which it came from (a PostgreSQL backup cannot be restored into SQLite).

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

use crate::{Error, Result};

/// The database engine of a backup: the platform's one answer to which database a URL names.
pub use todo_db::Engine;

/// The file a `sqlite://` URL names; an in-memory database has none and cannot be backed up.
pub(crate) fn sqlite_file(database_url: &str) -> Result<PathBuf> {
    if todo_db::sqlite::in_memory(database_url) {
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
