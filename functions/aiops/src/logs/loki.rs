//! [`LokiSource`]: the platform's warnings and errors through Loki's HTTP API, one or more `GET
//! /loki/api/v1/query_range` per watch (forward, a page at a time).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{LogSource, parse_streams};
use crate::http_api::api_client;
use crate::{Error, Result};

/// The query of every watch when `AIOPS_LOG_QUERY` does not say: the warnings and errors of the
/// `todo` namespace (Alloy labels each line with its `level`, lower-cased, and `namespace`).
pub const DEFAULT_QUERY: &str = r#"{namespace="todo", level=~"warn|error"}"#;
/// Lines per page (Loki's default `max_entries_limit_per_query` is 5,000).
const PAGE: usize = 5_000;
/// Pages per fetch at most: beyond 100,000 lines in a minute the watch reads what it has and says so.
const MAX_PAGES: usize = 20;
/// How long one query may take (a watch runs every minute).
const QUERY_TIMEOUT: Duration = Duration::from_secs(20);

/// Reads log lines from Loki (or anything that speaks its query API).
#[derive(Debug, Clone)]
pub struct LokiSource {
    base_url: String,
    query: String,
    client: reqwest::Client,
}

impl LokiSource {
    /// A source at `base_url` asking `query` (a LogQL log query, no metric query).
    ///
    /// # Errors
    /// [`Error::Malformed`] for a URL that is not http(s), or an HTTP client that cannot be built.
    pub fn new(base_url: &str, query: &str) -> Result<Self> {
        let (base_url, client) = api_client("LOKI_URL", base_url, QUERY_TIMEOUT)?;
        Ok(Self {
            base_url,
            query: query.trim().to_owned(),
            client,
        })
    }

    async fn page(&self, start: i128, end: i128) -> Result<Vec<(i128, String)>> {
        let response = self
            .client
            .get(format!("{}/loki/api/v1/query_range", self.base_url))
            .query(&[
                ("query", self.query.clone()),
                ("start", start.to_string()),
                ("end", end.to_string()),
                ("limit", PAGE.to_string()),
                ("direction", "forward".to_owned()),
            ])
            .send()
            .await
            .map_err(Error::Unreachable)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(Error::Unreachable)?;
        parse_streams(status, &body)
    }
}

fn nanos(at: DateTime<Utc>) -> i128 {
    i128::from(at.timestamp()) * 1_000_000_000 + i128::from(at.timestamp_subsec_nanos())
}

#[async_trait]
impl LogSource for LokiSource {
    #[tracing::instrument(skip(self))]
    async fn fetch(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<String>> {
        // The last nanosecond before `end`: the next fetch starts at `end`, whichever way Loki
        // treats the bound.
        let end = nanos(end) - 1;
        let mut lines = Vec::new();
        // Each page starts at the last line's time; the lines already taken at that time come
        // again and are skipped once each.
        let mut last_at = nanos(start);
        let mut taken_at_last: Vec<String> = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.page(last_at, end).await?;
            let full = page.len() >= PAGE;
            let mut repeated = taken_at_last.clone();
            let mut fresh = 0;
            for (at, line) in page {
                if at == last_at
                    && let Some(seen) = repeated.iter().position(|l| *l == line)
                {
                    repeated.swap_remove(seen);
                    continue;
                }
                if at != last_at {
                    last_at = at;
                    taken_at_last.clear();
                }
                taken_at_last.push(line.clone());
                lines.push(line);
                fresh += 1;
            }
            if !full || fresh == 0 {
                return Ok(lines);
            }
        }
        tracing::warn!(
            lines = lines.len(),
            "more warning and error lines than the log watch reads in one run; the rest of the minute is skipped"
        );
        Ok(lines)
    }
}
