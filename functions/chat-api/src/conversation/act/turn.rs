//! One message's context ([`Turn`]): the caller, the clock, the conversation so far, and the tool
//! calls made for it ([`Action`]), ending in what acting produced ([`Acted`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::{Value, json};
use todo_kit::resilience::Forwarded;
use todo_nlu as nlu;

use crate::conversation::state::{ConversationState, Pending};
use crate::tools::{TaskTools, ToolError};

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
    /// The intent acted on, when the message was read otherwise than understood (a statement
    /// read as an add that changed the task it names).
    pub(crate) read_as: Option<todo_nlu::Intent>,
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
    pub(super) async fn tool(&mut self, name: &str, arguments: Value) -> Result<Value, ToolError> {
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

    /// Records that the chat narrowed what the last tool returned: the words it matched (under
    /// `note`, e.g. `matched_in_chat`) and the tasks that remained, so the action shows what the
    /// reply shows.
    pub(super) fn narrowed_last_result(&mut self, note: &str, words: &str, remaining: &[Value]) {
        if let Some(action) = self.actions.last_mut() {
            action.arguments[note] = json!(words);
            action.result = Value::Array(remaining.to_vec());
        }
    }

    /// The user's tasks (read once per message).
    pub(super) async fn tasks(&mut self) -> Result<Vec<Value>, ToolError> {
        if let Some(tasks) = &self.tasks {
            return Ok(tasks.clone());
        }
        let tasks = self.tools.all_tasks(self.fwd).await?;
        self.tasks = Some(tasks.clone());
        Ok(tasks)
    }

    pub(super) fn done(self, reply: String, state: ConversationState) -> Acted {
        Acted {
            reply,
            actions: self.actions,
            state,
            read_as: None,
        }
    }

    /// Asks `question` about `message`, whose next answer completes it.
    pub(super) fn ask_for_missing(self, question: String, message: &str) -> Acted {
        let mut state = self.state.clone();
        state.pending = Some(Pending::Missing {
            message: message.to_owned(),
        });
        self.done(question, state)
    }

    pub(super) fn keep(self, reply: String) -> Acted {
        let mut state = self.state.clone();
        state.pending = None;
        self.done(reply, state)
    }
}

/// How a reply names a task: `#12 “fix the sink”`.
pub(super) fn label(id: i64, title: &str) -> String {
    format!("#{id} “{title}”")
}

/// The reply when task-api could not do what was asked.
pub(super) fn tool_error(error: &ToolError) -> String {
    match error {
        ToolError::Unavailable(_) => "I can't reach your task list right now; please try again in a moment.".to_owned(),
        other => format!("That didn't work: {other}."),
    }
}

/// Ends a turn that acted on `ids`: nothing is pending, and a single task becomes "it".
pub(super) fn finish_on(turn: Turn<'_>, ids: &[i64], reply: String) -> Acted {
    let mut state = turn.state.clone();
    state.pending = None;
    if ids.len() == 1 {
        state.last_mentioned = Some(ids[0]);
    }
    turn.done(reply, state)
}
