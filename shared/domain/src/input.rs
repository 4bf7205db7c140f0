//! Input as callers send it (drafts) and as the domain accepts it (validated values).
//!
//! Drafts keep dates and enums as strings so that every bad field is reported together with the
//! others, instead of serde stopping at the first one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::limits::{DESCRIPTION_MAX, REMINDER_MAX_MINUTES, TITLE_MAX};
use crate::recurrence::Recurrence;
use crate::tags::normalise_tags;
use crate::{FieldErrors, Result};
use crate::{Priority, to_stored_precision};

/// A field of a partial update: left out, set to null (cleared), or set to a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PatchField<T> {
    /// Not in the request: keep the stored value.
    #[default]
    Missing,
    /// `null` in the request: clear the stored value.
    Null,
    /// A new value.
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PatchField<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}

/// A new task as a caller sends it (`POST`, and `PUT` as a full replacement).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDraft {
    /// 1 to 200 characters after trimming.
    pub title: String,
    /// Up to 4,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// low, medium (default), high or urgent.
    #[serde(default)]
    pub priority: Option<String>,
    /// Up to 20 tags of 1 to 50 characters.
    #[serde(default)]
    pub tags: Vec<String>,
    /// RFC 3339 with an offset, e.g. `2026-12-01T17:00:00+01:00`.
    #[serde(default)]
    pub due_at: Option<String>,
    /// Minutes before `due_at` to remind; needs `due_at`.
    #[serde(default)]
    pub remind_before_minutes: Option<i64>,
    /// RRULE subset, e.g. `FREQ=WEEKLY;BYDAY=MO,WE`; needs `due_at`.
    #[serde(default)]
    pub recurrence: Option<String>,
}

/// A partial update as a caller sends it (`PATCH`). Absent fields stay as they are; `null` clears.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatchDraft {
    /// New title; cannot be cleared.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: PatchField<String>,
    /// New description, or null to clear.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub description: PatchField<String>,
    /// New priority; null resets to medium.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub priority: PatchField<String>,
    /// The complete new tag list; null clears.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: PatchField<Vec<String>>,
    /// New due time (RFC 3339 with offset), or null to clear.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub due_at: PatchField<String>,
    /// New reminder offset in minutes, or null to clear.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub remind_before_minutes: PatchField<i64>,
    /// New RRULE, or null to stop repeating.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub recurrence: PatchField<String>,
}

/// A validated new task.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    /// Trimmed title.
    pub title: String,
    /// Description, `None` when empty.
    pub description: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// Due time in UTC.
    pub due_at: Option<DateTime<Utc>>,
    /// Reminder offset in minutes.
    pub remind_before_minutes: Option<i64>,
    /// Canonical RRULE.
    pub recurrence: Option<String>,
}

impl NewTask {
    /// The task this becomes once stored with `id` by `owner_id` at `now`.
    pub fn into_task(self, id: i64, owner_id: &str, now: DateTime<Utc>) -> crate::Task {
        let recurring = self.recurrence.is_some();
        crate::Task {
            id,
            owner_id: owner_id.to_owned(),
            title: self.title,
            description: self.description,
            priority: self.priority,
            tags: self.tags,
            due_at: self.due_at,
            remind_before_minutes: self.remind_before_minutes,
            recurrence: self.recurrence,
            status: crate::Status::Pending,
            completed_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
            series_id: recurring.then_some(id),
            occurrence: recurring.then_some(1),
        }
    }
}

/// A validated partial update: `None` keeps a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskPatch {
    /// New title.
    pub title: Option<String>,
    /// New or cleared description.
    pub description: Option<Option<String>>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New tag list.
    pub tags: Option<Vec<String>>,
    /// New or cleared due time.
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// New or cleared reminder offset.
    pub remind_before_minutes: Option<Option<i64>>,
    /// New or cleared recurrence.
    pub recurrence: Option<Option<String>>,
}

impl TaskDraft {
    /// Validates every field and reports all errors at once.
    ///
    /// # Errors
    /// `Error::Validation` listing each invalid field.
    pub fn validate(&self) -> Result<NewTask> {
        let mut errors = FieldErrors::default();
        let title = title(&self.title, &mut errors);
        let description = self.description.as_deref().and_then(|d| description(d, &mut errors));
        let priority = match &self.priority {
            Some(name) => priority(name, &mut errors),
            None => Priority::default(),
        };
        let tags = normalise_tags(&self.tags, "tags", &mut errors);
        let due_at = self.due_at.as_deref().and_then(|d| due_at(d, &mut errors));
        let remind = self.remind_before_minutes.and_then(|m| reminder(m, &mut errors));
        let recurrence = self.recurrence.as_deref().and_then(|r| recurrence(r, &mut errors));
        let task = NewTask {
            title,
            description,
            priority,
            tags,
            due_at,
            remind_before_minutes: remind,
            recurrence,
        };
        check_needs_due(
            task.due_at.is_some(),
            task.remind_before_minutes.is_some(),
            task.recurrence.is_some(),
            &mut errors,
        );
        errors.into_result(task)
    }

    /// Validates the draft as a full replacement of a task (`PUT`): fields left out are cleared.
    ///
    /// # Errors
    /// `Error::Validation` listing each invalid field.
    pub fn validate_as_replacement(&self) -> Result<TaskPatch> {
        let task = self.validate()?;
        Ok(TaskPatch {
            title: Some(task.title),
            description: Some(task.description),
            priority: Some(task.priority),
            tags: Some(task.tags),
            due_at: Some(task.due_at),
            remind_before_minutes: Some(task.remind_before_minutes),
            recurrence: Some(task.recurrence),
        })
    }
}

impl TaskPatchDraft {
    /// Validates every present field and reports all errors at once. Rules that span fields
    /// (a reminder needs a due date) are checked when the patch is applied to a task.
    ///
    /// # Errors
    /// `Error::Validation` listing each invalid field.
    pub fn validate(&self) -> Result<TaskPatch> {
        let mut errors = FieldErrors::default();
        let patch = TaskPatch {
            title: match &self.title {
                PatchField::Missing => None,
                PatchField::Null => {
                    errors.add("title", "a title is required and cannot be null");
                    None
                }
                PatchField::Value(t) => Some(title(t, &mut errors)),
            },
            description: optional(&self.description, |d, e| description(d, e), &mut errors),
            priority: match &self.priority {
                PatchField::Missing => None,
                PatchField::Null => Some(Priority::default()),
                PatchField::Value(name) => Some(priority(name, &mut errors)),
            },
            tags: match &self.tags {
                PatchField::Missing => None,
                PatchField::Null => Some(Vec::new()),
                PatchField::Value(tags) => Some(normalise_tags(tags, "tags", &mut errors)),
            },
            due_at: optional(&self.due_at, |d, e| due_at(d, e), &mut errors),
            remind_before_minutes: optional(&self.remind_before_minutes, |m, e| reminder(*m, e), &mut errors),
            recurrence: optional(&self.recurrence, |r, e| recurrence(r, e), &mut errors),
        };
        errors.into_result(patch)
    }
}

fn optional<T, U>(
    field: &PatchField<T>,
    parse: impl FnOnce(&T, &mut FieldErrors) -> Option<U>,
    errors: &mut FieldErrors,
) -> Option<Option<U>> {
    match field {
        PatchField::Missing => None,
        PatchField::Null => Some(None),
        PatchField::Value(value) => Some(parse(value, errors)),
    }
}

/// Records an error for a reminder or recurrence on a task without a due date.
pub(crate) fn check_needs_due(has_due: bool, has_reminder: bool, has_recurrence: bool, errors: &mut FieldErrors) {
    if !has_due && has_reminder {
        errors.add("remind_before_minutes", "a reminder needs a due date (set due_at)");
    }
    if !has_due && has_recurrence {
        errors.add(
            "recurrence",
            "a recurring task needs a due date for its first occurrence (set due_at)",
        );
    }
}

fn title(raw: &str, errors: &mut FieldErrors) -> String {
    let title = raw.trim();
    let length = title.chars().count();
    if length == 0 {
        errors.add("title", "a title is required and cannot be blank");
    } else if length > TITLE_MAX {
        errors.add(
            "title",
            format!("a title has at most {TITLE_MAX} characters, got {length}"),
        );
    } else if title.chars().any(char::is_control) {
        errors.add("title", "a title cannot contain line breaks or control characters");
    }
    title.to_owned()
}

fn description(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    let length = raw.chars().count();
    if length > DESCRIPTION_MAX {
        errors.add(
            "description",
            format!("a description has at most {DESCRIPTION_MAX} characters, got {length}"),
        );
    }
    (!raw.trim().is_empty()).then(|| raw.to_owned())
}

fn priority(name: &str, errors: &mut FieldErrors) -> Priority {
    Priority::parse(name).unwrap_or_else(|| {
        errors.add(
            "priority",
            format!("unknown priority '{name}': use low, medium, high or urgent"),
        );
        Priority::default()
    })
}

fn due_at(raw: &str, errors: &mut FieldErrors) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(time) => Some(to_stored_precision(time.with_timezone(&Utc))),
        Err(_) => {
            errors.add(
                "due_at",
                format!("'{raw}' is not an RFC 3339 time with an offset, e.g. 2026-12-01T17:00:00+01:00"),
            );
            None
        }
    }
}

fn reminder(minutes: i64, errors: &mut FieldErrors) -> Option<i64> {
    if (0..=REMINDER_MAX_MINUTES).contains(&minutes) {
        Some(minutes)
    } else {
        errors.add(
            "remind_before_minutes",
            format!("must be between 0 and {REMINDER_MAX_MINUTES} minutes, got {minutes}"),
        );
        None
    }
}

fn recurrence(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    match raw.parse::<Recurrence>() {
        Ok(rule) => Some(rule.to_string()),
        Err(error) => {
            errors.add("recurrence", error.to_string());
            None
        }
    }
}
