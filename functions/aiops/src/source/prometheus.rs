//! [`PrometheusSource`]: the cluster's figures through Prometheus' HTTP API, one
//! `GET /api/v1/query_range` per series and watch.

use std::time::Duration;

use async_trait::async_trait;

use super::{MetricSource, Samples, Series, Window, query_range};
use crate::http_api::api_client;
use crate::{Error, Result};

/// How long one query may take before the watch moves on (Prometheus' own default query timeout
/// is 2 minutes; a watch runs every minute).
const QUERY_TIMEOUT: Duration = Duration::from_secs(20);

/// Reads series from a Prometheus server (or anything that speaks its query API: Thanos, Mimir,
/// VictoriaMetrics).
#[derive(Debug, Clone)]
pub struct PrometheusSource {
    /// The API's base URL, without a trailing `/` (`http://prometheus.observability.svc:9090`).
    base_url: String,
    client: reqwest::Client,
}

impl PrometheusSource {
    /// A source at `base_url`.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a URL that is not http(s), or an HTTP client that cannot be built.
    pub fn new(base_url: &str) -> Result<Self> {
        let (base_url, client) = api_client("PROMETHEUS_URL", base_url, QUERY_TIMEOUT)?;
        Ok(Self { base_url, client })
    }
}

#[async_trait]
impl MetricSource for PrometheusSource {
    #[tracing::instrument(skip(self), fields(series = series.name()))]
    async fn fetch(&self, series: Series, window: Window) -> Result<Samples> {
        let response = self
            .client
            .get(format!("{}/api/v1/query_range", self.base_url))
            .query(&[
                ("query", series.promql().to_owned()),
                ("start", unix_seconds(window.start)),
                ("end", unix_seconds(window.end)),
                ("step", step(window.step)),
            ])
            .send()
            .await
            .map_err(Error::Unreachable)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(Error::Unreachable)?;
        query_range::parse_matrix(series, status, &body)
    }
}

/// A time as the API takes it: unix seconds, with milliseconds only when there are any.
fn unix_seconds(at: chrono::DateTime<chrono::Utc>) -> String {
    match at.timestamp_subsec_millis() {
        0 => at.timestamp().to_string(),
        millis => format!("{}.{millis:03}", at.timestamp()),
    }
}

/// A step as the API takes it: `60s`, or `200ms` for a step faster than a second.
fn step(step: Duration) -> String {
    if step.subsec_millis() == 0 && step.as_secs() > 0 {
        format!("{}s", step.as_secs())
    } else {
        format!("{}ms", step.as_millis().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_steps_are_whole_seconds_unless_they_have_milliseconds() {
        let at = chrono::DateTime::from_timestamp_millis(1_700_000_000_250).unwrap();
        assert_eq!(unix_seconds(at), "1700000000.250");
        assert_eq!(unix_seconds(at - chrono::Duration::milliseconds(250)), "1700000000");
        assert_eq!(step(Duration::from_secs(60)), "60s");
        assert_eq!(step(Duration::from_millis(200)), "200ms");
        assert_eq!(step(Duration::from_millis(1500)), "1500ms");
    }
}
