//! Running a task tool: each call becomes one or two task-api requests made with the caller's own
//! token, so every change goes through task-api's validation, history and outbox, and a tool can
//! never reach another user's tasks.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};
use todo_kit::resilience::{Forwarded, PeerClient, PeerError, PeerResponse};

/// Why a tool call failed; the message is fit to show the user or the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// No tool has this name.
    #[error("unknown tool '{0}'")]
    UnknownTool(String),
    /// The arguments do not fit the tool's schema.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// No such task for this user.
    #[error("task {0} not found")]
    NotFound(i64),
    /// task-api refused the change (validation, a stale version, ...): its problem detail.
    #[error("{0}")]
    Refused(String),
    /// task-api could not be reached.
    #[error("{0}")]
    Unavailable(String),
}

impl From<PeerError> for ToolError {
    fn from(error: PeerError) -> Self {
        ToolError::Unavailable(error.to_string())
    }
}

/// The task tools over one task-api.
#[derive(Debug, Clone)]
pub struct TaskTools {
    task_api: Arc<PeerClient>,
}

fn task_id(args: &Map<String, Value>) -> Result<i64, ToolError> {
    match args.get("task_id") {
        Some(Value::Number(n)) => n.as_i64().filter(|id| *id > 0),
        Some(Value::String(s)) => s.trim().trim_start_matches('#').parse().ok().filter(|id| *id > 0),
        _ => None,
    }
    .ok_or_else(|| ToolError::InvalidArguments("task_id must be a positive whole number".into()))
}

fn summary(task: &Value, status: &str) -> Value {
    json!({ "task_id": task["id"], "status": status, "title": task["title"] })
}

fn strings(value: Option<&Value>, name: &str) -> Result<Vec<String>, ToolError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| ToolError::InvalidArguments(format!("{name} must be strings")))
            })
            .collect(),
        Some(_) => Err(ToolError::InvalidArguments(format!(
            "{name} must be a string or a list of strings"
        ))),
    }
}

/// The query string of `list_tasks` and `search_tasks`.
fn list_query(args: &Map<String, Value>) -> Result<String, ToolError> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in args {
        match name.as_str() {
            "user_id" => {}
            "status" => match value.as_str() {
                Some("all") | None => {}
                Some(status @ ("pending" | "completed")) => {
                    query.append_pair("status", status);
                }
                Some(other) => {
                    return Err(ToolError::InvalidArguments(format!(
                        "status must be all, pending or completed, not '{other}'"
                    )));
                }
            },
            "priority" => {
                for priority in strings(Some(value), "priority")? {
                    query.append_pair("priority", &priority);
                }
            }
            "tags" | "tag" => {
                for tag in strings(Some(value), "tags")? {
                    query.append_pair("tag", &tag);
                }
            }
            "query" => {
                let text = value.as_str().unwrap_or_default().trim();
                if text.is_empty() {
                    return Err(ToolError::InvalidArguments("query must not be empty".into()));
                }
                query.append_pair("q", text);
            }
            "due_before" | "due_after" | "sort" => {
                let text = value
                    .as_str()
                    .ok_or_else(|| ToolError::InvalidArguments(format!("{name} must be a string")))?;
                query.append_pair(name, text);
            }
            "overdue" => {
                if value.as_bool() == Some(true) {
                    query.append_pair("overdue", "true");
                }
            }
            "has_due" => {
                let has = value
                    .as_bool()
                    .ok_or_else(|| ToolError::InvalidArguments("has_due must be true or false".into()))?;
                query.append_pair("has_due", if has { "true" } else { "false" });
            }
            "limit" => {
                let limit = value
                    .as_u64()
                    .ok_or_else(|| ToolError::InvalidArguments("limit must be a whole number".into()))?;
                query.append_pair("limit", &limit.to_string());
            }
            other => return Err(ToolError::InvalidArguments(format!("unknown argument '{other}'"))),
        }
    }
    Ok(query.finish())
}

/// The fields of a task that `add_task` and `update_task` set (and "undo" puts back).
pub const TASK_FIELDS: [&str; 7] = [
    "title",
    "description",
    "priority",
    "tags",
    "due_at",
    "remind_before_minutes",
    "recurrence",
];

/// The body of `add_task` or `update_task`: the task fields, nothing else.
fn task_fields(args: &Map<String, Value>, allowed_extra: &[&str]) -> Result<Value, ToolError> {
    let mut body = Map::new();
    for (name, value) in args {
        if TASK_FIELDS.contains(&name.as_str()) {
            body.insert(name.clone(), value.clone());
        } else if !allowed_extra.contains(&name.as_str()) && name != "user_id" {
            return Err(ToolError::InvalidArguments(format!("unknown argument '{name}'")));
        }
    }
    Ok(Value::Object(body))
}

impl TaskTools {
    /// Tools that call `task_api`.
    pub fn new(task_api: Arc<PeerClient>) -> Self {
        Self { task_api }
    }

    /// Runs tool `name` with `arguments` for `user`, forwarding the caller's token and context.
    ///
    /// # Errors
    /// A [`ToolError`] saying what went wrong.
    pub async fn call(
        &self,
        user: &str,
        name: &str,
        arguments: &Value,
        forwarded: &Forwarded,
    ) -> Result<Value, ToolError> {
        let empty = Map::new();
        let args = match arguments {
            Value::Object(map) => map,
            Value::Null => &empty,
            _ => return Err(ToolError::InvalidArguments("arguments must be a JSON object".into())),
        };
        if args
            .get("user_id")
            .and_then(Value::as_str)
            .is_some_and(|claimed| claimed != user)
        {
            return Err(ToolError::InvalidArguments(
                "user_id must be the signed-in user (or be left out)".into(),
            ));
        }
        match name {
            "add_task" => {
                let body = task_fields(args, &[])?;
                let task = self
                    .send(Method::POST, "/api/tasks", Some(&body), forwarded, None)
                    .await?;
                Ok(summary(&task, "created"))
            }
            "list_tasks" => {
                let query = list_query(args)?;
                if args.contains_key("query") {
                    return Err(ToolError::InvalidArguments("use search_tasks to search".into()));
                }
                self.list(&query, forwarded).await
            }
            "search_tasks" => {
                if !args.contains_key("query") {
                    return Err(ToolError::InvalidArguments("query is required".into()));
                }
                self.list(&list_query(args)?, forwarded).await
            }
            "complete_task" | "reopen_task" => {
                let id = task_id(args)?;
                let (action, status) = if name == "complete_task" {
                    ("complete", "completed")
                } else {
                    ("reopen", "pending")
                };
                let path = format!("/api/tasks/{id}/{action}");
                let task = self.send(Method::POST, &path, None, forwarded, Some(id)).await?;
                Ok(summary(&task, status))
            }
            "delete_task" => {
                let id = task_id(args)?;
                let task = self
                    .send(Method::GET, &format!("/api/tasks/{id}"), None, forwarded, Some(id))
                    .await?;
                let reason = args
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(|r| json!({ "reason": r }));
                self.send(
                    Method::DELETE,
                    &format!("/api/tasks/{id}"),
                    reason.as_ref(),
                    forwarded,
                    Some(id),
                )
                .await?;
                Ok(summary(&task, "deleted"))
            }
            "update_task" => {
                let id = task_id(args)?;
                let body = task_fields(args, &["task_id"])?;
                if body.as_object().is_some_and(Map::is_empty) {
                    return Err(ToolError::InvalidArguments("say what to change".into()));
                }
                let task = self
                    .send(
                        Method::PATCH,
                        &format!("/api/tasks/{id}"),
                        Some(&body),
                        forwarded,
                        Some(id),
                    )
                    .await?;
                Ok(summary(&task, "updated"))
            }
            other => Err(ToolError::UnknownTool(other.to_owned())),
        }
    }

    /// The user's tasks (up to 200, oldest first), for resolving what a message refers to.
    ///
    /// # Errors
    /// When task-api refuses or cannot be reached.
    pub async fn all_tasks(&self, forwarded: &Forwarded) -> Result<Vec<Value>, ToolError> {
        let items = self.list("limit=200&sort=created_at", forwarded).await?;
        Ok(items.as_array().cloned().unwrap_or_default())
    }

    async fn list(&self, query: &str, forwarded: &Forwarded) -> Result<Value, ToolError> {
        let path = if query.is_empty() {
            "/api/tasks".to_owned()
        } else {
            format!("/api/tasks?{query}")
        };
        let page = self.send(Method::GET, &path, None, forwarded, None).await?;
        Ok(page["items"].clone())
    }

    /// One task-api request; a non-2xx answer becomes the matching [`ToolError`].
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        forwarded: &Forwarded,
        task: Option<i64>,
    ) -> Result<Value, ToolError> {
        let PeerResponse { status, body, .. } = self.task_api.call(method, path, body, forwarded).await?;
        match status {
            s if s.is_success() => Ok(body),
            StatusCode::NOT_FOUND => Err(task.map_or_else(
                || ToolError::Refused("task-api has no such route".into()),
                ToolError::NotFound,
            )),
            s if s.is_client_error() => Err(ToolError::Refused(problem_text(&body, s))),
            s => Err(ToolError::Unavailable(format!("task-api answered {s}"))),
        }
    }
}

/// The problem's detail with every invalid parameter, for the user or the model.
fn problem_text(problem: &Value, status: StatusCode) -> String {
    let detail = problem["detail"]
        .as_str()
        .unwrap_or(status.canonical_reason().unwrap_or("refused"));
    let params: Vec<String> = problem["invalid-params"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|p| {
                    format!(
                        "{}: {}",
                        p["name"].as_str().unwrap_or("?"),
                        p["reason"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if params.is_empty() {
        detail.to_owned()
    } else {
        format!("{detail} ({})", params.join("; "))
    }
}
