//! The reports the API answers, assembled from a [`ReadModel`]'s raw numbers: the summary, the
//! intent breakdown and trends. The arithmetic is in [`crate::stats`], so every store reports the
//! same numbers for the same events.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Result;
use crate::change::{Counter, PRIORITIES};
use crate::model::{CounterTotal, Metric, ReadModel};
use crate::range::TimeRange;
use crate::stats::{Bucket, buckets, rate};
use todo_kit::percentile::Sorted;

/// Intent numbers of a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntentTotals {
    /// `intent.recognized` events.
    pub recognized: i64,
    /// `intent.failed` events.
    pub failed: i64,
    /// failed / (recognized + failed); null when there were none.
    pub failure_rate: Option<f64>,
}

/// Notification numbers of a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NotificationTotals {
    /// `notification.sent` events.
    pub sent: i64,
    /// `notification.failed` events (each failed attempt).
    pub failed: i64,
    /// sent / (sent + failed); null when there were none.
    pub success_rate: Option<f64>,
}

/// `GET /api/analytics/summary`: the caller's numbers for a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Summary {
    /// Start of the range (inclusive).
    pub from: DateTime<Utc>,
    /// End of the range (exclusive).
    pub to: DateTime<Utc>,
    /// Tasks created in the range.
    pub created: i64,
    /// Completions in the range that were not taken back by reopening the task.
    pub completed: i64,
    /// Tasks deleted in the range.
    pub deleted: i64,
    /// Of the tasks created in the range, the share completed now; null when none were created.
    pub completion_rate: Option<f64>,
    /// Median seconds from creation to completion, of the completions in the range.
    pub median_time_to_complete_seconds: Option<f64>,
    /// 90th percentile of the same (linear interpolation).
    pub p90_time_to_complete_seconds: Option<f64>,
    /// Tasks pending now (not deleted).
    pub open: i64,
    /// Open tasks whose due time has passed.
    pub overdue: i64,
    /// Open tasks by priority; every priority is present.
    pub by_priority: BTreeMap<String, i64>,
    /// Open tasks by tag.
    pub by_tag: BTreeMap<String, i64>,
    /// Chat sessions opened (per UTC day touched by the range).
    pub sessions: i64,
    /// Chat messages received (per UTC day touched by the range).
    pub messages: i64,
    /// Intent recognition.
    pub intents: IntentTotals,
    /// Notification delivery.
    pub notifications: NotificationTotals,
}

/// One intent's share of the recognized messages.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntentShare {
    /// The intent, e.g. `create_task`.
    pub intent: String,
    /// Times it was recognized.
    pub count: i64,
    /// count / recognized.
    pub share: f64,
}

/// `GET /api/analytics/intents`: what the chat understood.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IntentReport {
    /// Start of the range (inclusive).
    pub from: DateTime<Utc>,
    /// End of the range (exclusive).
    pub to: DateTime<Utc>,
    /// Recognized intents, most frequent first (ties by name).
    pub intents: Vec<IntentShare>,
    /// `intent.recognized` events.
    pub recognized: i64,
    /// `intent.failed` events.
    pub failed: i64,
    /// failed / (recognized + failed); null when there were none.
    pub failure_rate: Option<f64>,
}

/// One bucket of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Point {
    /// The bucket's first day (a Monday for weeks).
    pub start: NaiveDate,
    /// The metric's count in the bucket.
    pub value: i64,
}

/// `GET /api/analytics/trends`: a metric over time.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Trend {
    /// The metric.
    pub metric: Metric,
    /// The bucket size.
    pub bucket: Bucket,
    /// Start of the range, widened to whole UTC days.
    pub from: DateTime<Utc>,
    /// End of the range, widened to whole UTC days.
    pub to: DateTime<Utc>,
    /// Every bucket of the range, zero when nothing happened.
    pub points: Vec<Point>,
}

fn total(counters: &[CounterTotal], counter: Counter) -> i64 {
    counters
        .iter()
        .filter(|c| c.metric == counter.as_str())
        .map(|c| c.count)
        .sum()
}

/// The summary of `user_id`'s activity in `range`; "now" numbers (open, overdue) at `now`.
///
/// # Errors
/// When the store fails.
pub async fn summary(model: &dyn ReadModel, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<Summary> {
    let tasks = model.task_totals(user_id, range, now).await?;
    let times = model.completion_times(user_id, range).await?;
    let counters = model.counters(user_id, &range.days()).await?;
    let mut by_priority: BTreeMap<String, i64> = PRIORITIES.iter().map(|p| ((*p).to_owned(), 0)).collect();
    by_priority.extend(tasks.by_priority);
    let (recognized, failed) = (
        total(&counters, Counter::IntentRecognized),
        total(&counters, Counter::IntentFailed),
    );
    let (sent, undelivered) = (
        total(&counters, Counter::NotificationSent),
        total(&counters, Counter::NotificationFailed),
    );
    let completion_times = Sorted::of_integers(&times);
    Ok(Summary {
        from: range.from,
        to: range.to,
        created: tasks.created,
        completed: i64::try_from(times.len()).unwrap_or(i64::MAX),
        deleted: tasks.deleted,
        completion_rate: rate(tasks.created_and_completed, tasks.created),
        median_time_to_complete_seconds: completion_times.percentile(0.5),
        p90_time_to_complete_seconds: completion_times.percentile(0.9),
        open: tasks.open,
        overdue: tasks.overdue,
        by_priority,
        by_tag: tasks.by_tag.into_iter().collect(),
        sessions: total(&counters, Counter::Sessions),
        messages: total(&counters, Counter::Messages),
        intents: IntentTotals {
            recognized,
            failed,
            failure_rate: rate(failed, recognized + failed),
        },
        notifications: NotificationTotals {
            sent,
            failed: undelivered,
            success_rate: rate(sent, sent + undelivered),
        },
    })
}

/// The intents `user_id`'s messages were understood as in `range`.
///
/// # Errors
/// When the store fails.
pub async fn intents(model: &dyn ReadModel, user_id: &str, range: &TimeRange) -> Result<IntentReport> {
    let counters = model.counters(user_id, &range.days()).await?;
    let (recognized, failed) = (
        total(&counters, Counter::IntentRecognized),
        total(&counters, Counter::IntentFailed),
    );
    let mut shares: Vec<IntentShare> = counters
        .into_iter()
        .filter(|c| c.metric == Counter::IntentRecognized.as_str())
        .map(|c| IntentShare {
            share: rate(c.count, recognized).unwrap_or(0.0),
            intent: c.key,
            count: c.count,
        })
        .collect();
    shares.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.intent.cmp(&b.intent)));
    Ok(IntentReport {
        from: range.from,
        to: range.to,
        intents: shares,
        recognized,
        failed,
        failure_rate: rate(failed, recognized + failed),
    })
}

/// `metric` of `user_id` per `bucket` over the whole UTC days of `range`.
///
/// # Errors
/// When the store fails.
pub async fn trend(
    model: &dyn ReadModel,
    user_id: &str,
    metric: Metric,
    bucket: Bucket,
    range: &TimeRange,
) -> Result<Trend> {
    let days = range.days();
    let daily = model.daily(user_id, metric, &days).await?;
    let whole = range.whole_days();
    Ok(Trend {
        metric,
        bucket,
        from: whole.from,
        to: whole.to,
        points: buckets(&days, bucket, &daily)
            .into_iter()
            .map(|(start, value)| Point { start, value })
            .collect(),
    })
}
