//! The HTTP client of the query APIs the watch reads (Prometheus', Loki's): one place for the URL
//! check, the timeout and the user agent.

use std::time::Duration;

use crate::{Error, Result};

/// The base URL (trimmed, without a trailing `/`) and an HTTP client for the API of `setting`
/// (`PROMETHEUS_URL`, `LOKI_URL`), each query cut off after `timeout`.
///
/// # Errors
/// [`Error::Malformed`] for a URL that is not http(s), or a client that cannot be built.
pub(crate) fn api_client(setting: &str, base_url: &str, timeout: Duration) -> Result<(String, reqwest::Client)> {
    let base_url = base_url.trim().trim_end_matches('/').to_owned();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(Error::Malformed(format!(
            "{setting} must be an http(s) URL, got '{base_url}'"
        )));
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("todo-aiops/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Malformed(format!("cannot build the HTTP client: {e}")))?;
    Ok((base_url, client))
}
