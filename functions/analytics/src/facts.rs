//! The facts kept per task, and how a [`TaskChange`] merges into them whatever order events
//! arrive in.
//!
//! Delivery is at least once and only ordered per partition, and a rebuild can interleave with
//! the live consumer, so a `task.completed` may come before its `task.created`, or an old
//! `task.updated` after a newer one. Each group of fields (priority, tags, due date, status with
//! its completion time) therefore carries the event time of the change that set it, and a change
//! only wins over an older stamp. Creation and deletion keep the earliest time seen. Applying the
//! same set of changes in any order gives the same facts.

use chrono::{DateTime, Utc};

use crate::change::{Status, TaskChange};

/// What the read model knows about one task.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TaskFacts {
    pub(crate) created_at: Option<DateTime<Utc>>,
    pub(crate) priority: Option<String>,
    pub(crate) priority_at: Option<DateTime<Utc>>,
    pub(crate) tags: Option<Vec<String>>,
    pub(crate) tags_at: Option<DateTime<Utc>>,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) due_changed_at: Option<DateTime<Utc>>,
    pub(crate) status: Option<Status>,
    pub(crate) completed_at: Option<DateTime<Utc>>,
    pub(crate) status_at: Option<DateTime<Utc>>,
    pub(crate) deleted_at: Option<DateTime<Utc>>,
}

/// Takes the stamp when `at` is newer than it; `true` when the change wins.
fn wins(stamp: &mut Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    if stamp.is_none_or(|s| s < at) {
        *stamp = Some(at);
        true
    } else {
        false
    }
}

fn earliest(slot: &mut Option<DateTime<Utc>>, at: DateTime<Utc>) {
    if slot.is_none_or(|s| at < s) {
        *slot = Some(at);
    }
}

impl TaskFacts {
    /// Merges `change` into the facts: each field group keeps the newest value.
    pub(crate) fn apply(&mut self, change: &TaskChange) {
        let at = change.at;
        if change.created {
            earliest(&mut self.created_at, at);
        }
        if change.deleted {
            earliest(&mut self.deleted_at, at);
        }
        if let Some(priority) = &change.priority
            && wins(&mut self.priority_at, at)
        {
            self.priority = Some(priority.clone());
        }
        if let Some(tags) = &change.tags
            && wins(&mut self.tags_at, at)
        {
            self.tags = Some(tags.clone());
        }
        if let Some(due_at) = change.due_at
            && wins(&mut self.due_changed_at, at)
        {
            self.due_at = due_at;
        }
        if let Some(status) = &change.status
            && wins(&mut self.status_at, at)
        {
            self.status = Some(status.status);
            self.completed_at = status.completed_at;
        }
    }

    /// The tags as the JSON array the stores keep.
    pub(crate) fn tags_json(&self) -> Option<String> {
        self.tags
            .as_ref()
            .map(|tags| serde_json::Value::from(tags.as_slice()).to_string())
    }

    /// Reads back the stored tags.
    pub(crate) fn parse_tags(json: Option<&str>) -> Result<Option<Vec<String>>, String> {
        json.map(|j| serde_json::from_str(j).map_err(|e| format!("tags {j}: {e}")))
            .transpose()
    }

    /// Reads back the stored status.
    pub(crate) fn parse_status(status: Option<&str>) -> Result<Option<Status>, String> {
        status
            .map(|s| Status::parse(s).ok_or_else(|| format!("status {s}")))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::change::StatusChange;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 9, minute, 0)
            .single()
            .unwrap_or_default()
    }

    fn change(minute: u32) -> TaskChange {
        TaskChange::new("u".into(), 1, at(minute))
    }

    #[test]
    fn the_same_changes_in_any_order_give_the_same_facts() {
        let mut created = change(0);
        created.created = true;
        created.priority = Some("low".into());
        created.tags = Some(vec!["a".into()]);
        created.status = Some(StatusChange {
            status: Status::Pending,
            completed_at: None,
        });
        let mut raised = change(5);
        raised.priority = Some("urgent".into());
        let mut done = change(9);
        done.status = Some(StatusChange {
            status: Status::Completed,
            completed_at: Some(at(9)),
        });
        let mut deleted = change(12);
        deleted.deleted = true;
        let all = [created, raised, done, deleted];

        let mut in_order = TaskFacts::default();
        all.iter().for_each(|c| in_order.apply(c));
        let mut reversed = TaskFacts::default();
        all.iter().rev().for_each(|c| reversed.apply(c));

        assert_eq!(in_order, reversed);
        assert_eq!(in_order.priority.as_deref(), Some("urgent"));
        assert_eq!(in_order.status, Some(Status::Completed));
        assert_eq!(in_order.created_at, Some(at(0)));
        assert_eq!(in_order.deleted_at, Some(at(12)));
    }
}
