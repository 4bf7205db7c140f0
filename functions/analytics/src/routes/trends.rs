//! `GET /api/analytics/trends`: one metric per day or ISO week, every bucket present.

use axum::extract::State;
use chrono::Utc;
use todo_kit::{AppJson, AuthUser, Problem};

use super::params::{RawParams, invalid, invalid_query, params};
use super::store_problem;
use crate::AppState;
use crate::model::Metric;
use crate::range::TimeRange;
use crate::report::{self, Trend};
use crate::stats::Bucket;

/// A metric over time, zero-filled.
#[utoipa::path(get, path = "/api/analytics/trends", tag = "analytics",
    params(
        ("metric" = String, Query, description = "tasks_created, tasks_completed, tasks_deleted, sessions, messages, intents_recognized, intents_failed, notifications_sent or notifications_failed"),
        ("bucket" = Option<String>, Query, description = "day (default) or week (ISO weeks, starting Monday)"),
        ("from" = Option<String>, Query, description = "Start: an RFC 3339 time or a YYYY-MM-DD date (UTC), widened to its whole day. Default: 29 days before today"),
        ("to" = Option<String>, Query, description = "End, widened to its whole day. Default: now. At most 366 days after from")),
    responses((status = 200, description = "The trend", body = Trend),
        (status = 400, description = "An unknown metric or bucket, or a bad range", body = todo_kit::Problem),
        (status = 401, description = "No valid bearer token", body = todo_kit::Problem)))]
#[tracing::instrument(name = "analytics.trends", skip_all, fields(user_id = %user.user_id))]
pub(crate) async fn analytics_trends(
    State(state): State<AppState>,
    user: AuthUser,
    raw: RawParams,
) -> Result<AppJson<Trend>, Problem> {
    let query = params(raw, &["metric", "bucket", "from", "to"])?;
    let mut errors = Vec::new();
    let allowed_metrics = || Metric::ALL.map(Metric::as_str).join(", ");
    let metric = match query.get("metric") {
        None => {
            errors.push(invalid("metric", format!("required; one of {}", allowed_metrics())));
            None
        }
        Some(name) => Metric::parse(name).or_else(|| {
            errors.push(invalid(
                "metric",
                format!("unknown metric '{name}'; one of {}", allowed_metrics()),
            ));
            None
        }),
    };
    let bucket = match query.get("bucket") {
        None => Some(Bucket::Day),
        Some(name) => Bucket::parse(name).or_else(|| {
            errors.push(invalid(
                "bucket",
                format!("unknown bucket '{name}'; one of {}", Bucket::NAMES.join(", ")),
            ));
            None
        }),
    };
    let range = TimeRange::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        Utc::now(),
    )
    .map_err(|range_errors| errors.extend(range_errors))
    .ok();
    let (Some(metric), Some(bucket), Some(range)) = (metric, bucket, range) else {
        return Err(invalid_query(errors));
    };
    let trend = report::trend(state.model.as_ref(), &user.user_id, metric, bucket, &range)
        .await
        .map_err(|e| store_problem(&e))?;
    Ok(AppJson(trend))
}
