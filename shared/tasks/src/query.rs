//! List queries: filters, sort and keyset cursors, validated before any SQL is built.
//!
//! The cursor is opaque to callers: base64url of the sort key of the last row, bound to the sort
//! and filters it was issued for, so a cursor replayed with other parameters is refused instead
//! of silently skipping rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Priority, Status, Task, to_stored_precision};
use crate::{Error, FieldErrors, Result};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

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

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key of the last row shown.
    pub key: Vec<KeyValue>,
    /// Id of the last row shown.
    pub id: i64,
    sort: String,
    filters: u64,
}

impl Cursor {
    /// The opaque token for the API.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    fn decode(token: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// A validated list query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Words to find in title and description (all must match, each as a prefix).
    pub search_terms: Vec<String>,
    /// The search text had only stop words, which are not indexed: the list is empty.
    pub search_matches_nothing: bool,
    /// Only tasks with this status.
    pub status: Option<Status>,
    /// Only tasks with one of these priorities.
    pub priorities: Vec<Priority>,
    /// Only tasks with every one of these tags.
    pub tags: Vec<String>,
    /// Only tasks due strictly before this time.
    pub due_before: Option<DateTime<Utc>>,
    /// Only tasks due at or after this time.
    pub due_after: Option<DateTime<Utc>>,
    /// Only pending tasks due before this time (set by `overdue=true` to the request time).
    pub overdue_at: Option<DateTime<Utc>>,
    /// Order.
    pub sort: Sort,
    /// Page size.
    pub limit: u32,
    /// Continue after this row.
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Builds a query from URL query pairs (repeated keys allowed), checking every parameter.
    ///
    /// # Errors
    /// `Error::Validation` listing each bad parameter, or `Error::InvalidQuery` for a cursor
    /// that is malformed or was issued for another sort or other filters.
    pub fn from_pairs(pairs: &[(String, String)], now: DateTime<Utc>) -> Result<Self> {
        let mut errors = FieldErrors::default();
        let mut query = Self {
            limit: DEFAULT_LIMIT,
            ..Self::default()
        };
        let mut cursor = None;
        for (key, value) in pairs {
            match key.as_str() {
                "q" => {
                    let words = search_words(value);
                    query.search_terms = words.iter().filter(|w| !STOP_WORDS.contains(&w.as_str())).cloned().collect();
                    // Only common words ("the", "a"): they are not indexed, so nothing can match.
                    query.search_matches_nothing = query.search_terms.is_empty() && !words.is_empty();
                    if words.is_empty() && !value.trim().is_empty() {
                        errors.add("q", "the search text has no words to look for");
                    }
                }
                "status" => match value.as_str() {
                    "all" | "" => query.status = None,
                    other => match Status::parse(other) {
                        Some(status) => query.status = Some(status),
                        None => errors.add("status", format!("unknown status '{other}': use pending, completed or all")),
                    },
                },
                "priority" => {
                    for name in value.split(',').filter(|n| !n.trim().is_empty()) {
                        match Priority::parse(name) {
                            Some(p) if !query.priorities.contains(&p) => query.priorities.push(p),
                            Some(_) => {}
                            None => errors.add("priority", format!("unknown priority '{name}': use low, medium, high or urgent")),
                        }
                    }
                }
                "tag" => {
                    for tag in value.split(',') {
                        let tag = tag.trim().trim_start_matches('#').to_lowercase();
                        if tag.is_empty() || tag.chars().count() > crate::domain::limits::TAG_MAX {
                            errors.add("tag", "a tag filter has 1 to 50 characters");
                        } else if !query.tags.contains(&tag) {
                            query.tags.push(tag);
                        }
                    }
                }
                "due_before" => query.due_before = time_param("due_before", value, &mut errors),
                "due_after" => query.due_after = time_param("due_after", value, &mut errors),
                "overdue" => match value.as_str() {
                    "true" | "1" => query.overdue_at = Some(now),
                    "false" | "0" => query.overdue_at = None,
                    other => errors.add("overdue", format!("'{other}' is not a boolean: use true or false")),
                },
                "sort" => match Sort::parse(value) {
                    Some(sort) => query.sort = sort,
                    None => errors.add("sort", format!("cannot sort by '{value}': use due_at, priority, created_at, updated_at or title, with '-' for descending")),
                },
                "limit" => match value.parse::<u32>() {
                    Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => query.limit = limit,
                    _ => errors.add("limit", format!("limit must be a whole number from 1 to {MAX_LIMIT}, got '{value}'")),
                },
                "cursor" => cursor = Some(value.clone()),
                other => errors.add(other, "unknown query parameter: use q, status, priority, tag, due_before, due_after, overdue, sort, limit or cursor"),
            }
        }
        let mut query = errors.into_result(query)?;
        if let Some(token) = cursor.filter(|c| !c.is_empty()) {
            let decoded = Cursor::decode(&token)
                .ok_or_else(|| Error::InvalidQuery("the cursor is not one this API issued".into()))?;
            if decoded.sort != query.sort.spec()
                || decoded.filters != query.fingerprint()
                || !query.sort.accepts_key(&decoded.key)
            {
                return Err(Error::InvalidQuery(
                    "the cursor belongs to a list with other filters or another sort; start again without a cursor"
                        .into(),
                ));
            }
            query.after = Some(decoded);
        }
        Ok(query)
    }

    /// The cursor that continues after `last`.
    pub fn cursor_after(&self, last: &Task) -> Cursor {
        Cursor {
            key: self.sort.key_of(last),
            id: last.id,
            sort: self.sort.spec(),
            filters: self.fingerprint(),
        }
    }

    /// A stable hash of the filters, binding a cursor to them (FNV-1a, stable across builds).
    fn fingerprint(&self) -> u64 {
        let canonical = format!(
            "{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{}",
            self.search_terms,
            self.search_matches_nothing,
            self.status,
            self.priorities,
            self.tags,
            self.due_before.map(|t| t.timestamp_micros()),
            self.due_after.map(|t| t.timestamp_micros()),
            self.overdue_at.is_some(),
        );
        canonical.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }
}

impl Sort {
    /// True when `key` has the shape `key_of` gives for this sort, so a tampered cursor is
    /// refused before its values reach SQL.
    fn accepts_key(&self, key: &[KeyValue]) -> bool {
        match (self.field, key) {
            (SortField::DueAt, [KeyValue::Int(0), KeyValue::Time(_)] | [KeyValue::Int(1), KeyValue::Null]) => true,
            (SortField::Priority, [KeyValue::Int(rank)]) => Priority::from_rank(*rank).is_some(),
            (SortField::CreatedAt | SortField::UpdatedAt, [KeyValue::Time(_)]) => true,
            (SortField::Title, [KeyValue::Text(_)]) => true,
            _ => false,
        }
    }
}

/// English stop words (the Snowball list PostgreSQL's `english` configuration drops). Both
/// stores leave them out of searches, so a search means the same on both.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// The words of a search text: letters and digits only, lower-cased, so nothing a user types
/// can change the meaning of the database's search syntax.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

fn time_param(name: &str, value: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(value.trim()) {
        Ok(time) => Some(to_stored_precision(time.with_timezone(&Utc))),
        Err(_) => {
            errors.add(name, format!("'{value}' is not an RFC 3339 time with an offset"));
            None
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Page {
    /// The tasks of this page.
    pub items: Vec<Task>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
