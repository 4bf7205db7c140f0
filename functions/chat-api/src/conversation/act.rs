//! From an understood message to task-api calls and a reply. Actions that change several tasks or
//! delete anything are explicit: deletes wait for a "yes", and an ambiguous reference gets a
//! question listing the candidates instead of a guess.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::{Map, Value, json};
use todo_kit::resilience::Forwarded;

use super::reply;
use super::state::{ConversationState, Pending};
use super::time::rfc3339;
use crate::tools::{TaskTools, ToolError};
use todo_nlu::{self as nlu, Candidate, Field, Intent, Resolution, TaskRef, Understanding};

/// One tool call made for a message.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Action {
    /// The tool, e.g. `add_task`.
    pub tool: String,
    /// Its arguments.
    #[schema(value_type = Object)]
    pub arguments: Value,
    /// What it returned, or `{"error": "..."}`.
    #[schema(value_type = Object)]
    pub result: Value,
}

/// What acting on a message produced.
#[derive(Debug, Clone)]
pub(crate) struct Acted {
    pub(crate) reply: String,
    pub(crate) actions: Vec<Action>,
    pub(crate) state: ConversationState,
}

/// Everything one message is handled with.
pub(crate) struct Turn<'a> {
    pub(crate) tools: &'a TaskTools,
    pub(crate) user: &'a str,
    pub(crate) fwd: &'a Forwarded,
    pub(crate) now: DateTime<Utc>,
    pub(crate) tz: Tz,
    pub(crate) state: ConversationState,
    pub(crate) ctx: nlu::Context,
    pub(crate) actions: Vec<Action>,
    tasks: Option<Vec<Value>>,
}

impl<'a> Turn<'a> {
    pub(crate) fn new(
        tools: &'a TaskTools,
        user: &'a str,
        fwd: &'a Forwarded,
        now: DateTime<Utc>,
        tz: Tz,
        state: ConversationState,
    ) -> Self {
        let ctx = nlu::Context::new(now, tz).with_last_listed(state.last_listed.iter().map(ToString::to_string));
        let ctx = match state.last_mentioned {
            Some(id) => ctx.with_last_mentioned(id.to_string()),
            None => ctx,
        };
        Self {
            tools,
            user,
            fwd,
            now,
            tz,
            state,
            ctx,
            actions: Vec::new(),
            tasks: None,
        }
    }

    /// Runs a tool and records it as an action.
    async fn tool(&mut self, name: &str, arguments: Value) -> Result<Value, ToolError> {
        let result = self.tools.call(self.user, name, &arguments, self.fwd).await;
        let shown = match &result {
            Ok(value) => value.clone(),
            Err(error) => json!({ "error": error.to_string() }),
        };
        self.actions.push(Action {
            tool: name.to_owned(),
            arguments,
            result: shown,
        });
        result
    }

    /// The user's tasks (read once per message).
    async fn tasks(&mut self) -> Result<Vec<Value>, ToolError> {
        if let Some(tasks) = &self.tasks {
            return Ok(tasks.clone());
        }
        let tasks = self.tools.all_tasks(self.fwd).await?;
        self.tasks = Some(tasks.clone());
        Ok(tasks)
    }

    fn done(self, reply: String, state: ConversationState) -> Acted {
        Acted {
            reply,
            actions: self.actions,
            state,
        }
    }

    fn keep(self, reply: String) -> Acted {
        let mut state = self.state.clone();
        state.pending = None;
        self.done(reply, state)
    }
}

fn candidate(task: &Value) -> Option<Candidate> {
    let time = |name: &str| {
        task[name]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    // task-api always sends these; a task without them is not guessed at but left out.
    let priority = nlu::Priority::parse(task["priority"].as_str()?)?;
    Some(Candidate {
        id: task["id"].as_i64()?.to_string(),
        title: task["title"].as_str()?.to_owned(),
        status: nlu::Status::parse(task["status"].as_str()?)?,
        due_at: time("due_at"),
        created_at: time("created_at")?,
        tags: task["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        priority,
    })
}

fn tool_error(error: &ToolError) -> String {
    match error {
        ToolError::Unavailable(_) => "I can't reach your task list right now; please try again in a moment.".to_owned(),
        other => format!("That didn't work: {other}."),
    }
}

/// Handles `understanding` for the turn.
pub(crate) async fn act(turn: Turn<'_>, understanding: &Understanding, message: &str) -> Acted {
    let slots = &understanding.slots;
    match understanding.intent {
        Intent::Greeting => {
            turn.keep("Hi! Tell me what to add, or ask what's on your list. Say \"help\" for examples.".into())
        }
        Intent::Help => turn.keep(nlu::help_text().to_owned()),
        Intent::Unknown => turn.keep(reply::not_understood()),
        Intent::Deny => {
            let reply = if turn.state.pending.is_some() {
                "OK, I left everything as it was."
            } else {
                "OK."
            };
            turn.keep(reply.into())
        }
        Intent::Confirm => match turn.state.pending.clone() {
            Some(Pending::ConfirmDelete { task_ids }) => delete(turn, &task_ids).await,
            _ => turn.keep("There's nothing waiting for a yes right now.".into()),
        },
        Intent::Add => add(turn, understanding).await,
        Intent::List | Intent::Search => list(turn, understanding).await,
        Intent::Complete | Intent::Reopen | Intent::Delete | Intent::Update | Intent::SetRecurrence => {
            let Some(target) = understanding.target.clone() else {
                let what = if slots.title.is_some() || slots.due.is_some() {
                    "change"
                } else {
                    "use"
                };
                return turn.keep(format!(
                    "Which task should I {what}? Say its name or number from the list."
                ));
            };
            targeted(turn, understanding, &target, message).await
        }
    }
}

async fn add(mut turn: Turn<'_>, understanding: &Understanding) -> Acted {
    let slots = &understanding.slots;
    let Some(title) = slots.title.clone() else {
        return turn.keep("What should the new task be called?".into());
    };
    let mut args = Map::new();
    args.insert("title".into(), json!(title));
    if let Some(description) = &slots.description {
        args.insert("description".into(), json!(description));
    }
    if let Some(priority) = slots.priority {
        args.insert("priority".into(), json!(priority.as_str()));
    }
    if !slots.tags_add.is_empty() {
        args.insert("tags".into(), json!(slots.tags_add));
    }
    let due = slots.due.as_ref().and_then(|d| d.apply(None, turn.now, turn.tz));
    if let Some(due) = due {
        args.insert("due_at".into(), json!(rfc3339(due, turn.tz)));
        if let Some(minutes) = slots.reminder_minutes {
            args.insert("remind_before_minutes".into(), json!(minutes));
        }
    }
    if let Some(rule) = &slots.recurrence {
        args.insert("recurrence".into(), json!(rule));
    }
    match turn.tool("add_task", Value::Object(args)).await {
        Ok(created) => {
            let id = created["task_id"].as_i64();
            let reply = reply::added(&created, due, slots.recurrence.as_deref(), turn.now, turn.tz);
            let mut state = turn.state.clone();
            state.last_mentioned = id;
            state.pending = None;
            turn.done(reply, state)
        }
        Err(error) => {
            let reply = tool_error(&error);
            turn.keep(reply)
        }
    }
}

async fn list(mut turn: Turn<'_>, understanding: &Understanding) -> Acted {
    let slots = &understanding.slots;
    let mut args = Map::new();
    let filter = slots.filter.clone().unwrap_or_default();
    if let Some(status) = filter.status {
        args.insert(
            "status".into(),
            json!(if status == nlu::Status::Completed {
                "completed"
            } else {
                "pending"
            }),
        );
    }
    if !filter.priorities.is_empty() {
        args.insert(
            "priority".into(),
            json!(filter.priorities.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
        );
    }
    if !filter.tags.is_empty() {
        args.insert("tags".into(), json!(filter.tags));
    }
    if let Some(range) = filter.due {
        if let Some(from) = range.from {
            args.insert("due_after".into(), json!(rfc3339(from, turn.tz)));
        }
        if let Some(to) = range.to {
            args.insert("due_before".into(), json!(rfc3339(to, turn.tz)));
        }
    }
    if filter.overdue {
        args.insert("overdue".into(), json!(true));
    }
    let text = slots.search.clone().or(filter.text.clone());
    let tool = if let Some(text) = text {
        args.insert("query".into(), json!(text));
        "search_tasks"
    } else {
        "list_tasks"
    };
    if understanding.intent == Intent::List && !args.contains_key("due_after") && !args.contains_key("due_before") {
        args.insert("sort".into(), json!("due_at"));
    }
    match turn.tool(tool, Value::Object(args)).await {
        Ok(items) => {
            let items = items.as_array().cloned().unwrap_or_default();
            let reply = reply::listing(&items, &filter, tool == "search_tasks", turn.now, turn.tz);
            let mut state = turn.state.clone();
            state.last_listed = items.iter().filter_map(|t| t["id"].as_i64()).collect();
            if items.len() == 1 {
                state.last_mentioned = items[0]["id"].as_i64();
            }
            state.pending = None;
            turn.done(reply, state)
        }
        Err(error) => {
            let reply = tool_error(&error);
            turn.keep(reply)
        }
    }
}

/// Resolves the target among the user's tasks, then completes, reopens, asks to delete or updates.
async fn targeted(mut turn: Turn<'_>, understanding: &Understanding, target: &TaskRef, message: &str) -> Acted {
    let tasks = match turn.tasks().await {
        Ok(tasks) => tasks,
        Err(error) => {
            let reply = tool_error(&error);
            return turn.keep(reply);
        }
    };
    let pool: Vec<Candidate> = tasks
        .iter()
        .filter_map(candidate)
        .filter(|c| match understanding.intent {
            Intent::Complete => {
                c.status == nlu::Status::Pending || !matches!(target, TaskRef::Title { .. } | TaskRef::Selection { .. })
            }
            Intent::Reopen => {
                c.status == nlu::Status::Completed
                    || !matches!(target, TaskRef::Title { .. } | TaskRef::Selection { .. })
            }
            _ => true,
        })
        .collect();
    let resolution = nlu::resolve(target, &turn.ctx, &pool);
    let ids: Vec<i64> = match resolution {
        Resolution::Unique { id } => id.parse().into_iter().collect(),
        Resolution::Many { ids } => ids.iter().filter_map(|id| id.parse().ok()).collect(),
        Resolution::Ambiguous { candidates, question } => {
            let mut state = turn.state.clone();
            state.last_listed = candidates.iter().filter_map(|c| c.id.parse().ok()).collect();
            state.pending = Some(Pending::Clarify {
                message: message.to_owned(),
            });
            return turn.done(question, state);
        }
        Resolution::NotFound { message } => return turn.keep(message),
    };
    let titled: Vec<(i64, String)> = ids
        .iter()
        .map(|id| {
            let title = tasks
                .iter()
                .find(|t| t["id"].as_i64() == Some(*id))
                .and_then(|t| t["title"].as_str());
            (*id, title.unwrap_or("?").to_owned())
        })
        .collect();
    match understanding.intent {
        Intent::Delete => {
            let mut state = turn.state.clone();
            state.pending = Some(Pending::ConfirmDelete { task_ids: ids.clone() });
            state.last_mentioned = ids.first().copied().filter(|_| ids.len() == 1);
            turn.done(reply::confirm_delete(&titled), state)
        }
        Intent::Complete | Intent::Reopen => {
            let tool = if understanding.intent == Intent::Complete {
                "complete_task"
            } else {
                "reopen_task"
            };
            let mut done = Vec::new();
            let mut failures = Vec::new();
            for (id, title) in &titled {
                match turn.tool(tool, json!({ "task_id": id })).await {
                    Ok(_) => done.push(title.clone()),
                    Err(error) => failures.push(format!("“{title}”: {error}")),
                }
            }
            let reply = reply::status_changed(&done, &failures, understanding.intent == Intent::Complete);
            finish_on(turn, &ids, reply)
        }
        _ => update(turn, understanding, &tasks, &titled).await,
    }
}

async fn update(mut turn: Turn<'_>, understanding: &Understanding, tasks: &[Value], titled: &[(i64, String)]) -> Acted {
    let slots = &understanding.slots;
    let mut changed = Vec::new();
    let mut failures = Vec::new();
    for (id, title) in titled {
        let task = tasks
            .iter()
            .find(|t| t["id"].as_i64() == Some(*id))
            .cloned()
            .unwrap_or(Value::Null);
        let mut args = Map::new();
        args.insert("task_id".into(), json!(id));
        if let Some(new_title) = &slots.title {
            args.insert("title".into(), json!(new_title));
        }
        if let Some(description) = &slots.description {
            args.insert("description".into(), json!(description));
        }
        if let Some(priority) = slots.priority {
            args.insert("priority".into(), json!(priority.as_str()));
        }
        if let Some(due) = &slots.due {
            let current = task["due_at"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            match due.apply(current, turn.now, turn.tz) {
                Some(at) => {
                    args.insert("due_at".into(), json!(rfc3339(at, turn.tz)));
                }
                None => {
                    failures.push(format!("“{title}” has no due date to move"));
                    continue;
                }
            }
        }
        if !slots.tags_add.is_empty() || !slots.tags_remove.is_empty() {
            let mut tags: Vec<String> = task["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            tags.retain(|t| !slots.tags_remove.contains(t));
            for tag in &slots.tags_add {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
            args.insert("tags".into(), json!(tags));
        }
        if let Some(rule) = &slots.recurrence {
            args.insert("recurrence".into(), json!(rule));
        }
        if let Some(minutes) = slots.reminder_minutes {
            args.insert("remind_before_minutes".into(), json!(minutes));
        }
        for field in &slots.clear {
            let name = match field {
                Field::Due => "due_at",
                Field::Description => "description",
                Field::Recurrence => "recurrence",
                Field::Reminder => "remind_before_minutes",
                Field::Tags => "tags",
            };
            args.insert(name.into(), Value::Null);
        }
        if args.len() == 1 {
            return turn.keep(format!("What should I change about “{title}”?"));
        }
        match turn.tool("update_task", Value::Object(args)).await {
            Ok(result) => changed.push(result["title"].as_str().unwrap_or(title).to_owned()),
            Err(error) => failures.push(format!("“{title}”: {error}")),
        }
    }
    let reply = reply::updated(&changed, &failures);
    let ids: Vec<i64> = titled.iter().map(|(id, _)| *id).collect();
    finish_on(turn, &ids, reply)
}

async fn delete(mut turn: Turn<'_>, ids: &[i64]) -> Acted {
    let mut deleted = Vec::new();
    let mut failures = Vec::new();
    for id in ids {
        match turn.tool("delete_task", json!({ "task_id": id })).await {
            Ok(result) => deleted.push(result["title"].as_str().unwrap_or("?").to_owned()),
            Err(ToolError::NotFound(_)) => failures.push(format!("task {id} was already gone")),
            Err(error) => failures.push(error.to_string()),
        }
    }
    let mut state = turn.state.clone();
    state.pending = None;
    state.last_listed.retain(|id| !ids.contains(id));
    if state.last_mentioned.is_some_and(|id| ids.contains(&id)) {
        state.last_mentioned = None;
    }
    turn.done(reply::deleted(&deleted, &failures), state)
}

fn finish_on(turn: Turn<'_>, ids: &[i64], reply: String) -> Acted {
    let mut state = turn.state.clone();
    state.pending = None;
    if ids.len() == 1 {
        state.last_mentioned = Some(ids[0]);
    }
    turn.done(reply, state)
}
