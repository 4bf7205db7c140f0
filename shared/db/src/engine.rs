//! Which database a URL names. Every owner dispatches on this one answer, so `postgresql://` or a
//! mistyped scheme is treated the same way everywhere, and the message never repeats the URL (it
//! may hold a password), only its scheme.

use serde::{Deserialize, Serialize};

/// A database engine the platform runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// PostgreSQL: the cluster.
    Postgres,
    /// SQLite: the embedded `todo serve`.
    Sqlite,
}

/// A URL that names neither engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database URL must be postgres://... or sqlite://..., not a '{scheme}' URL")]
pub struct UnsupportedUrl {
    /// The URL's scheme alone, `(none)` without one.
    pub scheme: String,
}

impl Engine {
    /// The engine `url` names: `postgres://` or `postgresql://`, or `sqlite:`.
    ///
    /// # Errors
    /// [`UnsupportedUrl`] for anything else.
    pub fn of_url(url: &str) -> Result<Self, UnsupportedUrl> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            let scheme = url.split_once(':').map_or("(none)", |(scheme, _)| scheme);
            Err(UnsupportedUrl {
                scheme: scheme.to_owned(),
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_names_its_engine_and_others_are_refused_without_the_rest_of_the_url() {
        assert_eq!(Engine::of_url("postgres://u:p@h/db"), Ok(Engine::Postgres));
        assert_eq!(Engine::of_url("postgresql://h/db"), Ok(Engine::Postgres));
        assert_eq!(Engine::of_url("sqlite://data/todo.db"), Ok(Engine::Sqlite));
        assert_eq!(Engine::of_url("sqlite::memory:"), Ok(Engine::Sqlite));
        let refused = Engine::of_url("mysql://root:hunter2@h/db").expect_err("not ours");
        assert_eq!(refused.scheme, "mysql");
        assert!(!refused.to_string().contains("hunter2"), "{refused}");
        assert_eq!(Engine::of_url("todo.db").expect_err("no scheme").scheme, "(none)");
    }
}
