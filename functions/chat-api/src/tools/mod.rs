//! The task tools shared by every way of talking to tasks in natural language: the embedded NLU's
//! actions, a model's tool calls and the MCP server all run these, through task-api.

mod definitions;
mod execute;

pub use definitions::{ToolDefinition, definitions};
pub use execute::{TASK_FIELDS, TaskTools, ToolError};
