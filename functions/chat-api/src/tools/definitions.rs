//! The task tools as a model or an MCP client sees them: names, descriptions and JSON Schemas of
//! the arguments. The hackathon's five tools keep their parameters and results (`task_id`,
//! `status`, `title`); they gain priority, tags, due dates, recurrence, search and sort, and
//! `reopen_task` and `search_tasks` join them.

use serde::Serialize;
use serde_json::{Value, json};

/// One tool.
#[derive(Debug, Clone, Serialize)]
pub struct ToolDefinition {
    /// The tool's name, e.g. `add_task`.
    pub name: &'static str,
    /// What it does, for the model.
    pub description: &'static str,
    /// JSON Schema of its arguments.
    pub input_schema: Value,
}

fn task_id() -> Value {
    json!({ "type": "integer", "minimum": 1, "description": "The task's id, as list_tasks shows it." })
}

fn user_id() -> Value {
    json!({ "type": "string", "description": "Optional; the caller's own id (the bearer token decides the user)." })
}

fn fields() -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("description".into(), json!({ "type": "string", "maxLength": 4000 }));
    map.insert(
        "priority".into(),
        json!({ "type": "string", "enum": ["low", "medium", "high", "urgent"] }),
    );
    map.insert(
        "tags".into(),
        json!({ "type": "array", "items": { "type": "string", "maxLength": 50 }, "maxItems": 20 }),
    );
    map.insert(
        "due_at".into(),
        json!({ "type": "string", "format": "date-time", "description": "RFC 3339 with an offset, e.g. 2026-12-01T17:00:00+01:00" }),
    );
    map.insert(
        "remind_before_minutes".into(),
        json!({ "type": "integer", "minimum": 0, "description": "Remind this many minutes before due_at." }),
    );
    map.insert(
        "recurrence".into(),
        json!({ "type": "string", "description": "An RFC 5545 RRULE subset, e.g. FREQ=WEEKLY;BYDAY=MO" }),
    );
    map
}

fn object(properties: serde_json::Map<String, Value>, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

fn list_filters() -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("user_id".into(), user_id());
    map.insert(
        "status".into(),
        json!({ "type": "string", "enum": ["all", "pending", "completed"], "default": "all" }),
    );
    map.insert(
        "priority".into(),
        json!({ "type": "array", "items": { "type": "string", "enum": ["low", "medium", "high", "urgent"] } }),
    );
    map.insert(
        "tags".into(),
        json!({ "type": "array", "items": { "type": "string" }, "description": "All must match." }),
    );
    map.insert("due_before".into(), json!({ "type": "string", "format": "date-time" }));
    map.insert("due_after".into(), json!({ "type": "string", "format": "date-time" }));
    map.insert("overdue".into(), json!({ "type": "boolean" }));
    map.insert(
        "has_due".into(),
        json!({ "type": "boolean", "description": "Only tasks with (true) or without (false) a due time." }),
    );
    map.insert(
        "sort".into(),
        json!({ "type": "string", "enum": ["due_at", "-due_at", "priority", "-priority", "created_at", "-created_at", "updated_at", "-updated_at", "title", "-title"] }),
    );
    map.insert(
        "limit".into(),
        json!({ "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }),
    );
    map
}

/// Every tool, in a stable order.
pub fn definitions() -> Vec<ToolDefinition> {
    let mut add = fields();
    add.insert("user_id".into(), user_id());
    add.insert(
        "title".into(),
        json!({ "type": "string", "minLength": 1, "maxLength": 200 }),
    );
    let mut update = fields();
    update.insert("user_id".into(), user_id());
    update.insert("task_id".into(), task_id());
    update.insert(
        "title".into(),
        json!({ "type": "string", "minLength": 1, "maxLength": 200 }),
    );
    let one = |extra: &[(&str, Value)]| {
        let mut map = serde_json::Map::new();
        map.insert("user_id".into(), user_id());
        map.insert("task_id".into(), task_id());
        for (name, schema) in extra {
            map.insert((*name).into(), schema.clone());
        }
        object(map, &["task_id"])
    };
    let mut search = list_filters();
    search.insert(
        "query".into(),
        json!({ "type": "string", "minLength": 1, "description": "Words to find in titles and descriptions." }),
    );
    vec![
        ToolDefinition {
            name: "add_task",
            description: "Create a task. Returns {task_id, status: \"created\", title}.",
            input_schema: object(add, &["title"]),
        },
        ToolDefinition {
            name: "list_tasks",
            description: "List the user's tasks, filtered and sorted. Returns an array of tasks.",
            input_schema: object(list_filters(), &[]),
        },
        ToolDefinition {
            name: "search_tasks",
            description: "Full-text search over titles and descriptions, with the list filters. Returns an array of tasks.",
            input_schema: object(search, &["query"]),
        },
        ToolDefinition {
            name: "complete_task",
            description: "Mark a task completed. Returns {task_id, status: \"completed\", title}.",
            input_schema: one(&[]),
        },
        ToolDefinition {
            name: "reopen_task",
            description: "Mark a completed task pending again. Returns {task_id, status: \"pending\", title}.",
            input_schema: one(&[]),
        },
        ToolDefinition {
            name: "delete_task",
            description: "Delete a task. Returns {task_id, status: \"deleted\", title}.",
            input_schema: one(&[("reason", json!({ "type": "string", "maxLength": 500 }))]),
        },
        ToolDefinition {
            name: "update_task",
            description: "Change a task's title, description, priority, tags, due date, reminder or recurrence; null clears a field. Returns {task_id, status: \"updated\", title}.",
            input_schema: object(update, &["task_id"]),
        },
    ]
}
