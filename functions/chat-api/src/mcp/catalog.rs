//! The MCP view of the task tools: [`definitions`] as MCP tools, and a tool's outcome as an MCP
//! tool result. Free of I/O, so both transports share it.

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use serde_json::Value;

use crate::tools::{ToolDefinition, ToolError, definitions};

/// Every task tool, in the order of [`definitions`].
pub(super) fn tools() -> Vec<Tool> {
    definitions().into_iter().map(tool).collect()
}

fn tool(definition: ToolDefinition) -> Tool {
    let schema = match definition.input_schema {
        Value::Object(schema) => schema,
        // Every definition is an object schema; this keeps a wrong one callable rather than hidden.
        _ => JsonObject::from_iter([("type".to_owned(), Value::from("object"))]),
    };
    Tool::new(definition.name, definition.description, schema).with_annotations(annotations(definition.name))
}

/// Hints for clients that ask before running tools that change things. They are only hints:
/// task-api decides what a call may do.
fn annotations(name: &str) -> ToolAnnotations {
    let hints = ToolAnnotations::new().open_world(false);
    match name {
        "list_tasks" | "search_tasks" => hints.read_only(true),
        "add_task" => hints.read_only(false).destructive(false).idempotent(false),
        "complete_task" | "reopen_task" => hints.read_only(false).destructive(false).idempotent(true),
        "delete_task" => hints.read_only(false).destructive(true).idempotent(true),
        _ => hints.read_only(false).destructive(true).idempotent(false),
    }
}

/// A tool's answer: the JSON as text for every client, and as structured content too. rmcp drops
/// the structured copy of an array (list and search) for peers older than MCP 2026-07-28, which
/// only allow objects there.
pub(super) fn success(value: Value) -> CallToolResult {
    CallToolResult::structured(value)
}

/// A failed call as a tool result with `isError: true`, so the agent reads why and can correct
/// itself; protocol errors are for requests that cannot be routed at all.
pub(super) fn failure(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.to_string())])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_definition_becomes_a_tool_with_its_name_description_and_schema() {
        let tools = tools();
        let definitions = definitions();
        assert_eq!(tools.len(), definitions.len());
        for (tool, definition) in tools.iter().zip(&definitions) {
            assert_eq!(tool.name, definition.name);
            assert_eq!(tool.description.as_deref(), Some(definition.description));
            assert_eq!(Value::Object((*tool.input_schema).clone()), definition.input_schema);
        }
    }

    #[test]
    fn only_list_and_search_are_read_only() {
        let read_only: Vec<_> = tools()
            .into_iter()
            .filter(|tool| tool.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true))
            .map(|tool| tool.name)
            .collect();
        assert_eq!(read_only, ["list_tasks", "search_tasks"]);
    }

    #[test]
    fn a_failure_is_an_error_result_with_a_readable_message() {
        let result = failure(&ToolError::NotFound(42));
        assert_eq!(result.is_error, Some(true));
        assert_eq!(
            result.content[0].as_text().map(|t| t.text.as_str()),
            Some("task 42 not found")
        );
    }

    #[test]
    fn a_success_carries_the_json_as_text_and_structured_content() {
        let value = json!({ "task_id": 1, "status": "created", "title": "Buy milk" });
        let result = success(value.clone());
        assert_eq!(result.is_error, Some(false));
        assert_eq!(result.structured_content, Some(value.clone()));
        let text = result.content[0].as_text().map(|t| t.text.clone()).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(value));
    }
}
