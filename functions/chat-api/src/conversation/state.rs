//! What a conversation remembers between messages, kept in the metadata of each assistant message
//! in session-api: the tasks shown last, the task talked about last, and a question waiting for an
//! answer. chat-api itself keeps nothing, so any instance can take the next message.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The conversation's memory after an assistant reply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationState {
    /// Ids of the tasks of the last list shown, in order ("the second one", "task 2").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub last_listed: Vec<i64>,
    /// The task talked about last ("it").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_mentioned: Option<i64>,
    /// A question the user's next message may answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The last change the chat made, for "undo".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change: Option<Change>,
}

/// A change the chat made, with what it takes to reverse it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Tasks were added: undo deletes them.
    Added { task_ids: Vec<i64> },
    /// Tasks were completed: undo reopens them.
    Completed { task_ids: Vec<i64> },
    /// Tasks were reopened: undo completes them.
    Reopened { task_ids: Vec<i64> },
    /// Tasks were changed; `before` holds them as they were, and undo puts those values back.
    Updated { before: Vec<Value> },
    /// Tasks were deleted; `tasks` holds them as they were, and undo adds them again (task-api
    /// has no restore, so they come back as new tasks with new ids).
    Deleted { tasks: Vec<Value> },
}

/// A question the assistant asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// "Delete these? yes / no".
    ConfirmDelete {
        /// The tasks to delete on "yes".
        task_ids: Vec<i64>,
    },
    /// "Which one do you mean?": the candidates are `last_listed`; the answer completes `message`.
    Clarify {
        /// The message that was ambiguous.
        message: String,
    },
    /// "Which task should I delete?", "What should I remind you about?": `message` said what to do
    /// but not to which task or what task; the answer is read as its continuation.
    Missing {
        /// The command that lacked its task or title.
        message: String,
    },
}

impl ConversationState {
    /// The state kept in an assistant message's metadata (`metadata.state`); default when absent.
    pub fn from_metadata(metadata: Option<&Value>) -> Self {
        metadata
            .and_then(|m| m.get("state"))
            .and_then(|s| serde_json::from_value(s.clone()).ok())
            .unwrap_or_default()
    }
}
