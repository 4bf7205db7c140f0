//! List queries: filters, sort and keyset cursors, validated before any SQL is built.
//!
//! The cursor is opaque to callers: base64url of the sort key of the last row, bound to the sort
//! and filters it was issued for, so a cursor replayed with other parameters is refused instead
//! of silently skipping rows.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Error, FieldErrors, Result};
use crate::{Priority, Status, Task, to_stored_precision};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 200;

mod cursor;
mod search;
mod sort;

pub use cursor::Cursor;
pub use search::search_words;
pub use sort::{KeyValue, Sort, SortField, title_key};

use search::STOP_WORDS;

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
    /// Only tasks with a due time (`true`) or without one (`false`): "tasks with no due date".
    pub has_due: Option<bool>,
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
                        if tag.is_empty() || tag.chars().count() > crate::limits::TAG_MAX {
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
                "has_due" => match value.as_str() {
                    "true" | "1" => query.has_due = Some(true),
                    "false" | "0" => query.has_due = Some(false),
                    other => errors.add("has_due", format!("'{other}' is not a boolean: use true or false")),
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
                other => errors.add(other, "unknown query parameter: use q, status, priority, tag, due_before, due_after, overdue, has_due, sort, limit or cursor"),
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
            "{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
            self.search_terms,
            self.search_matches_nothing,
            self.status,
            self.priorities,
            self.tags,
            self.due_before.map(|t| t.timestamp_micros()),
            self.due_after.map(|t| t.timestamp_micros()),
            self.overdue_at.is_some(),
            self.has_due,
        );
        canonical.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }
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
