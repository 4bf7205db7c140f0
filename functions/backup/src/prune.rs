//! Retention: which backups to keep, as a pure function of their times ([`retained`], tested
//! with made-up dates), and [`prune()`], which deletes the others from the store.
//!
//! Kept: every backup of the last 24 hours; the newest backup of each of the last `keep_daily`
//! days that have backups; the newest of each of the last `keep_weekly` ISO weeks that have
//! backups (days and weeks in UTC; a day or week without backups does not use up a slot, as in
//! restic's `--keep-daily`); and always the newest backup, whatever the settings. A deleted
//! backup loses its manifest first, so it stops being listed before its parts go. Parts left by
//! an interrupted backup (no manifest) are deleted once their id is more than a day old. A backup
//! whose manifest does not read (a failed checksum) is left alone, for a person to look at.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;
use todo_objects::ObjectStore;

use crate::manifest::{id_time, manifest_key};
use crate::{BACKUPS_PREFIX, Result, list};

/// What a prune did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    /// Backups kept, newest first.
    pub kept: Vec<String>,
    /// Backups deleted, newest first.
    pub deleted: Vec<String>,
    /// Ids of interrupted backups (parts without a manifest) whose parts were deleted.
    pub abandoned: Vec<String>,
}

/// The ids among `backups` (id and time) to keep at `now` (see the module documentation).
#[must_use]
pub fn retained(
    backups: &[(String, DateTime<Utc>)],
    keep_daily: usize,
    keep_weekly: usize,
    now: DateTime<Utc>,
) -> BTreeSet<String> {
    let mut newest_first: Vec<&(String, DateTime<Utc>)> = backups.iter().collect();
    newest_first.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
    let mut keep = BTreeSet::new();
    if let Some((id, _)) = newest_first.first() {
        keep.insert(id.clone());
    }
    let recent = now - Duration::hours(24);
    let mut days = BTreeSet::new();
    let mut weeks = BTreeSet::new();
    for (id, at) in newest_first {
        if *at > recent {
            keep.insert(id.clone());
        }
        if days.len() < keep_daily && days.insert(at.date_naive()) {
            keep.insert(id.clone());
        }
        let week = at.iso_week();
        if weeks.len() < keep_weekly && weeks.insert((week.year(), week.week())) {
            keep.insert(id.clone());
        }
    }
    keep
}

/// Deletes the backups of `store` that [`retained`] does not keep at `now`, and the parts of
/// interrupted backups older than a day.
///
/// # Errors
/// When the store fails; what was deleted before stays deleted, and the next prune goes on.
#[tracing::instrument(name = "backup.prune", skip(store))]
pub async fn prune(
    store: &dyn ObjectStore,
    keep_daily: usize,
    keep_weekly: usize,
    now: DateTime<Utc>,
) -> Result<PruneReport> {
    let summaries = list(store).await?;
    let times: Vec<(String, DateTime<Utc>)> = summaries.iter().map(|s| (s.id.clone(), s.created_at)).collect();
    let keep = retained(&times, keep_daily, keep_weekly, now);

    // Every object under backups/, by backup id.
    let mut objects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for object in store.list(BACKUPS_PREFIX).await? {
        if let Some((id, _)) = object.key.strip_prefix(BACKUPS_PREFIX).and_then(|k| k.split_once('/')) {
            objects.entry(id.to_owned()).or_default().push(object.key.clone());
        }
    }

    let mut report = PruneReport::default();
    for summary in &summaries {
        if keep.contains(&summary.id) {
            report.kept.push(summary.id.clone());
            continue;
        }
        let manifest = manifest_key(&summary.id);
        store.delete(&manifest).await?;
        for key in objects
            .get(&summary.id)
            .into_iter()
            .flatten()
            .filter(|k| **k != manifest)
        {
            store.delete(key).await?;
        }
        tracing::info!(backup_id = %summary.id, created_at = %summary.created_at, "backup past retention deleted");
        report.deleted.push(summary.id.clone());
    }

    let manifests: BTreeSet<&str> = objects
        .iter()
        .filter(|(id, keys)| keys.contains(&manifest_key(id)))
        .map(|(id, _)| id.as_str())
        .collect();
    for (id, keys) in objects.iter().rev() {
        let old = id_time(id).is_some_and(|at| at < now - Duration::hours(24));
        if manifests.contains(id.as_str()) || !old {
            continue;
        }
        for key in keys {
            store.delete(key).await?;
        }
        tracing::info!(backup_id = %id, "parts of an interrupted backup deleted");
        report.abandoned.push(id.clone());
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn backups(times: &[&str]) -> Vec<(String, DateTime<Utc>)> {
        times.iter().map(|t| ((*t).to_owned(), at(t))).collect()
    }

    fn kept(times: &[&str], daily: usize, weekly: usize, now: &str) -> Vec<String> {
        retained(&backups(times), daily, weekly, at(now)).into_iter().collect()
    }

    #[test]
    fn everything_of_the_last_24_hours_is_kept() {
        let times = [
            "2026-12-03T06:00:00Z",
            "2026-12-03T00:00:00Z",
            "2026-12-02T18:00:00Z",
            "2026-12-02T12:00:00Z",
            "2026-12-02T06:00:00Z",
        ];
        // 2026-12-02T06:00 is exactly 24 h old: past the window, and not its day's newest.
        assert_eq!(
            kept(&times, 0, 0, "2026-12-03T06:00:00Z"),
            [
                "2026-12-02T12:00:00Z",
                "2026-12-02T18:00:00Z",
                "2026-12-03T00:00:00Z",
                "2026-12-03T06:00:00Z"
            ]
        );
    }

    #[test]
    fn the_newest_of_each_day_for_the_days_that_have_backups() {
        let times = [
            "2026-12-10T18:00:00Z",
            "2026-12-10T06:00:00Z",
            "2026-12-09T23:59:59Z",
            "2026-12-09T00:00:00Z",
            // No backup on the 8th: it does not use up a day.
            "2026-12-07T12:00:00Z",
            "2026-12-06T12:00:00Z",
        ];
        assert_eq!(
            kept(&times, 3, 0, "2026-12-20T00:00:00Z"),
            ["2026-12-07T12:00:00Z", "2026-12-09T23:59:59Z", "2026-12-10T18:00:00Z"]
        );
    }

    #[test]
    fn the_newest_of_each_iso_week() {
        // 2026-12-07 is a Monday; 2026-12-06 a Sunday (the week before); 2026-11-24 two weeks before.
        let times = [
            "2026-12-09T12:00:00Z",
            "2026-12-07T00:00:00Z",
            "2026-12-06T23:00:00Z",
            "2026-12-01T12:00:00Z",
            "2026-11-24T12:00:00Z",
            "2026-11-17T12:00:00Z",
        ];
        assert_eq!(
            kept(&times, 0, 3, "2026-12-30T00:00:00Z"),
            ["2026-11-24T12:00:00Z", "2026-12-06T23:00:00Z", "2026-12-09T12:00:00Z"]
        );
    }

    #[test]
    fn daily_and_weekly_add_up_and_the_newest_always_stays() {
        let times = [
            "2026-12-20T06:00:00Z",
            "2026-12-19T06:00:00Z",
            "2026-12-12T06:00:00Z",
            "2026-12-05T06:00:00Z",
        ];
        assert_eq!(
            kept(&times, 2, 2, "2026-12-25T00:00:00Z"),
            ["2026-12-12T06:00:00Z", "2026-12-19T06:00:00Z", "2026-12-20T06:00:00Z"]
        );
        assert_eq!(kept(&times, 0, 0, "2027-06-01T00:00:00Z"), ["2026-12-20T06:00:00Z"]);
        assert!(kept(&[], 7, 4, "2027-06-01T00:00:00Z").is_empty());
    }

    #[test]
    fn iso_weeks_cross_the_year() {
        // 2026-12-31 (Thursday) and 2027-01-01 (Friday) are both in ISO week 2026-W53.
        let times = ["2027-01-01T06:00:00Z", "2026-12-31T06:00:00Z", "2026-12-27T06:00:00Z"];
        assert_eq!(
            kept(&times, 0, 2, "2027-02-01T00:00:00Z"),
            ["2026-12-27T06:00:00Z", "2027-01-01T06:00:00Z"]
        );
    }
}
