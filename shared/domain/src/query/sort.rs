//! Sort orders and the sort keys a keyset cursor compares.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Priority, Task};

/// The field a list is sorted by; ties are always broken by id in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Due time; tasks without one come last in both directions.
    DueAt,
    /// Priority rank.
    Priority,
    /// Creation time (the default).
    CreatedAt,
    /// Last change.
    UpdatedAt,
    /// Title, case-insensitively.
    Title,
}

/// A sort field and direction, written `due_at` or `-due_at` in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// What to sort by.
    pub field: SortField,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            field: SortField::CreatedAt,
            descending: false,
        }
    }
}

impl Sort {
    /// Parses `field` or `-field`.
    pub fn parse(spec: &str) -> Option<Self> {
        let (descending, name) = match spec.trim().strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, spec.trim()),
        };
        let field = match name {
            "due_at" => SortField::DueAt,
            "priority" => SortField::Priority,
            "created_at" => SortField::CreatedAt,
            "updated_at" => SortField::UpdatedAt,
            "title" => SortField::Title,
            _ => return None,
        };
        Some(Self { field, descending })
    }

    /// The spec as the API writes it.
    pub fn spec(&self) -> String {
        let name = match self.field {
            SortField::DueAt => "due_at",
            SortField::Priority => "priority",
            SortField::CreatedAt => "created_at",
            SortField::UpdatedAt => "updated_at",
            SortField::Title => "title",
        };
        if self.descending {
            format!("-{name}")
        } else {
            name.to_owned()
        }
    }

    /// The sort key of a task, before its id: the values the keyset compares.
    pub fn key_of(&self, task: &Task) -> Vec<KeyValue> {
        match self.field {
            SortField::DueAt => vec![
                KeyValue::Int(i64::from(task.due_at.is_none())),
                task.due_at.map_or(KeyValue::Null, KeyValue::Time),
            ],
            SortField::Priority => vec![KeyValue::Int(i64::from(task.priority.rank()))],
            SortField::CreatedAt => vec![KeyValue::Time(task.created_at)],
            SortField::UpdatedAt => vec![KeyValue::Time(task.updated_at)],
            SortField::Title => vec![KeyValue::Text(title_key(&task.title))],
        }
    }
}

/// The case-folded title that title sorting compares, stored beside the title.
pub fn title_key(title: &str) -> String {
    title.to_lowercase()
}

/// One value of a sort key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum KeyValue {
    /// No value (a task without due time).
    Null,
    /// A number.
    Int(i64),
    /// A string.
    Text(String),
    /// A time.
    Time(DateTime<Utc>),
}

impl Sort {
    /// True when `key` has the shape `key_of` gives for this sort, so a tampered cursor is
    /// refused before its values reach SQL.
    pub(crate) fn accepts_key(&self, key: &[KeyValue]) -> bool {
        match (self.field, key) {
            (SortField::DueAt, [KeyValue::Int(0), KeyValue::Time(_)] | [KeyValue::Int(1), KeyValue::Null]) => true,
            (SortField::Priority, [KeyValue::Int(rank)]) => Priority::from_rank(*rank).is_some(),
            (SortField::CreatedAt | SortField::UpdatedAt, [KeyValue::Time(_)]) => true,
            (SortField::Title, [KeyValue::Text(_)]) => true,
            _ => false,
        }
    }
}
