//! "What's due …" and "find …": the filter as `list_tasks` arguments, or `search_tasks` when the
//! message names words to look for. The tasks shown become "the first one", "task 2".

use serde_json::{Map, Value, json};
use todo_nlu::{self as nlu, Intent, Understanding};

use super::turn::{Acted, Turn, tool_error};
use crate::conversation::reply;
use crate::conversation::time::rfc3339;

/// Words that ask for done tasks too: "show me all my tasks", "everything on my list", "including
/// the checked-off items".
const EVERYTHING: &[&str] = &[
    "all",
    "every",
    "everything",
    "both",
    "entire",
    "whole",
    "history",
    "including",
    "include",
    "includes",
];

pub(super) async fn list(mut turn: Turn<'_>, understanding: &Understanding, message: &str) -> Acted {
    let slots = &understanding.slots;
    let mut args = Map::new();
    let mut filter = slots.filter.clone().unwrap_or_default();
    // Like a to-do app, a list shows what is still to do unless done tasks are asked for.
    // "everything marked urgent" only says "whatever is urgent": done tasks come with "all" when
    // nothing narrows the list.
    let narrowed = !filter.priorities.is_empty() || !filter.tags.is_empty() || filter.due.is_some();
    let everything = message.split(|c: char| !c.is_alphanumeric()).any(|word| {
        EVERYTHING
            .iter()
            .any(|all| word.eq_ignore_ascii_case(all) && (!narrowed || all.starts_with("incl") || *all == "history"))
    });
    if understanding.intent == Intent::List && filter.status.is_none() && !everything {
        filter.status = Some(nlu::Status::Pending);
    }
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
    if let Some(has_due) = filter.has_due {
        args.insert("has_due".into(), json!(has_due));
    }
    // Overdue by the chat's clock, the one "today" and "friday" were read by, not task-api's.
    if filter.overdue {
        args.insert("status".into(), json!("pending"));
        if !args.contains_key("due_before") {
            args.insert("due_before".into(), json!(rfc3339(turn.now, turn.tz)));
        }
    }
    let text = slots.search.clone().or(filter.text.clone());
    let tool = if let Some(text) = text {
        args.insert("query".into(), json!(text));
        "search_tasks"
    } else {
        "list_tasks"
    };
    // The order asked for; else a list shows what is due soonest first, unless it is a range.
    if let Some(order) = slots.order {
        args.insert("sort".into(), json!(order.spec()));
    } else if understanding.intent == Intent::List
        && !args.contains_key("due_after")
        && !args.contains_key("due_before")
    {
        args.insert("sort".into(), json!("due_at"));
    }
    if let Some(limit) = slots.limit {
        args.insert("limit".into(), json!(limit));
    }
    let query = args.get("query").and_then(Value::as_str).map(str::to_owned);
    let mut found = turn.tool(tool, Value::Object(args.clone())).await;
    // The store matches words as typed; when that finds nothing, the words in any of their forms
    // ("cutting the grass" for "cut the grass") among the same tasks.
    if let (Some(query), Ok(items)) = (&query, &found)
        && items.as_array().is_none_or(Vec::is_empty)
    {
        args.remove("query");
        args.insert("limit".into(), json!(200));
        found = turn.tool("list_tasks", Value::Object(args)).await.map(|all| {
            let matching: Vec<Value> = all
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    // By its words, or by a tag the words name ("my work tasks").
                    t["title"].as_str().is_some_and(|title| nlu::text_matches(query, title))
                        || t["tags"].as_array().is_some_and(|tags| {
                            tags.iter()
                                .filter_map(Value::as_str)
                                .any(|tag| query.split_whitespace().any(|word| word.eq_ignore_ascii_case(tag)))
                        })
                })
                .take(slots.limit.and_then(|n| usize::try_from(n).ok()).unwrap_or(usize::MAX))
                .cloned()
                .collect();
            Value::Array(matching)
        });
        // The action shows what was read and what of it matched, as the reply does.
        if let Ok(matching) = &found {
            let matching = matching.as_array().map_or(&[][..], Vec::as_slice);
            turn.narrowed_last_result("matched_in_chat", query, matching);
        }
    }
    match found {
        Ok(items) => {
            let mut items = items.as_array().cloned().unwrap_or_default();
            // "what meetings do i have today": the meetings, if any task says so; else all.
            if let Some(kind) = &filter.kind {
                let said: Vec<Value> = items
                    .iter()
                    .filter(|t| t["title"].as_str().is_some_and(|title| nlu::text_matches(kind, title)))
                    .cloned()
                    .collect();
                if !said.is_empty() {
                    items = said;
                    turn.narrowed_last_result("kind_in_chat", kind, &items);
                }
            }
            let reply = reply::listing(&items, &filter, slots.order, tool == "search_tasks", turn.now, turn.tz);
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
