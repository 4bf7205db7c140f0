//! The HTTP client of the `todo` commands: finds a token, sends requests, and turns problem+json
//! answers into readable errors.

use anyhow::{Context, anyhow, bail};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::args::Global;
use crate::dev_auth;

/// A client for one server and user.
#[derive(Debug)]
pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    /// Its Debug shows `[REDACTED]`.
    token: SecretString,
}

/// A response body and the task version from its ETag.
#[derive(Debug)]
pub(crate) struct Reply<T> {
    pub(crate) body: T,
    pub(crate) version: Option<i64>,
}

impl Client {
    /// A client using `--token`, else a fresh token minted from the local server's secret, else
    /// the token file `todo serve` wrote.
    ///
    /// # Errors
    /// Fails when no token can be found.
    pub(crate) fn new(global: &Global) -> anyhow::Result<Self> {
        let token = match &global.token {
            Some(token) => token.expose_secret().to_owned(),
            None => match dev_auth::existing_secret(&global.data_dir) {
                Some(secret) => dev_auth::mint(&secret, "local", 1, todo_kit::auth::AuthSettings::from_env().stamp())?,
                None => std::fs::read_to_string(dev_auth::token_path(&global.data_dir))
                    .map(|t| t.trim().to_owned())
                    .map_err(|_| {
                        anyhow!(
                            "no token: start the server with `todo serve` (it creates one in {}), or pass --token / set TODO_TOKEN",
                            global.data_dir.display()
                        )
                    })?,
            },
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base: global.api.trim_end_matches('/').to_owned(),
            token: token.into(),
        })
    }

    /// The server's base URL.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The bearer token in use.
    pub(crate) fn token(&self) -> &str {
        self.token.expose_secret()
    }

    /// Sends a request and decodes the JSON answer.
    ///
    /// # Errors
    /// Fails when the server cannot be reached or answers with a problem.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        if_match: Option<i64>,
    ) -> anyhow::Result<Reply<T>> {
        let (status, version, bytes) = self.raw(method, path, query, body, if_match).await?;
        let body = serde_json::from_slice(&bytes)
            .with_context(|| format!("the server answered {status} with a body this client does not understand"))?;
        Ok(Reply { body, version })
    }

    /// Sends a request whose answer has no body (204).
    ///
    /// # Errors
    /// Fails when the server cannot be reached or answers with a problem.
    pub(crate) async fn send_empty(&self, method: Method, path: &str, query: &[(&str, String)]) -> anyhow::Result<()> {
        self.raw(method, path, query, None, None).await.map(|_| ())
    }

    /// Posts `body` with extra headers and returns the status and JSON body as they are, problems
    /// included, for callers that act on particular problems (chat restarts an expired session).
    ///
    /// # Errors
    /// Fails when the server cannot be reached or answers something that is not JSON.
    pub(crate) async fn post_raw(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, String)],
    ) -> anyhow::Result<(StatusCode, Value)> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.post(&url).bearer_auth(self.token()).json(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.map_err(|e| self.unreachable(&url, &e))?;
        let status = response.status();
        let bytes = response.bytes().await.context("the server's answer was cut off")?;
        let body = serde_json::from_slice(&bytes)
            .with_context(|| format!("the server answered {status} with a body this client does not understand"))?;
        Ok((status, body))
    }

    /// The problem's message, for a status and body from [`post_raw`](Self::post_raw).
    pub(crate) fn problem(status: StatusCode, body: &Value) -> String {
        problem_message(status, body.to_string().as_bytes())
    }

    fn unreachable(&self, url: &str, error: &reqwest::Error) -> anyhow::Error {
        if error.is_connect() {
            anyhow!(
                "cannot reach the todo server at {}: is `todo serve` running? (`make run` starts it)",
                self.base
            )
        } else {
            anyhow!("request to {url} failed: {error}")
        }
    }

    async fn raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        if_match: Option<i64>,
    ) -> anyhow::Result<(StatusCode, Option<i64>, Vec<u8>)> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.request(method, &url).bearer_auth(self.token()).query(query);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(version) = if_match {
            request = request.header("If-Match", format!("\"{version}\""));
        }
        let response = request.send().await.map_err(|e| self.unreachable(&url, &e))?;
        let status = response.status();
        let version = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim_start_matches("W/").trim_matches('"').parse().ok());
        let bytes = response
            .bytes()
            .await
            .context("the server's answer was cut off")?
            .to_vec();
        if status.is_success() {
            return Ok((status, version, bytes));
        }
        bail!(problem_message(status, &bytes))
    }
}

/// The detail of a problem+json answer, with one line per invalid field.
fn problem_message(status: StatusCode, body: &[u8]) -> String {
    let Ok(problem) = serde_json::from_slice::<Value>(body) else {
        return format!("the server answered {status}");
    };
    let mut message = problem["detail"]
        .as_str()
        .or(problem["title"].as_str())
        .unwrap_or("request failed")
        .to_owned();
    if let Some(params) = problem["invalid-params"].as_array() {
        message = format!("{} ({status})", problem["title"].as_str().unwrap_or("invalid input"));
        for param in params {
            message.push_str(&format!(
                "\n  {}: {}",
                param["name"].as_str().unwrap_or("?"),
                param["reason"].as_str().unwrap_or("?")
            ));
        }
    }
    message
}
