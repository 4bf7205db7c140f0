//! `todo add`: create a task from a title and optional human-friendly fields.

use reqwest::Method;
use serde_json::{Map, Value, json};
use todo_domain::Task;

use super::{due, every, print_json, remind_minutes, set};
use crate::args::AddArgs;
use crate::client::Client;
use crate::render;

pub(super) async fn run(client: &Client, args: AddArgs) -> anyhow::Result<()> {
    let mut body = Map::new();
    body.insert("title".into(), json!(args.title));
    set(&mut body, "description", args.description.map(Value::from));
    set(&mut body, "priority", args.priority.map(Value::from));
    if !args.tag.is_empty() {
        body.insert("tags".into(), json!(args.tag));
    }
    let repeat = args.every.as_deref().map(every).transpose()?;
    // A repeating task needs a due time: without --due it starts on the phrase's first occurrence.
    let due_at = match (args.due.as_deref(), &repeat) {
        (Some(text), _) => Some(due(text)?),
        (None, Some(repeat)) => Some(repeat.first_due.to_rfc3339()),
        (None, None) => None,
    };
    set(&mut body, "due_at", due_at.map(Value::from));
    set(
        &mut body,
        "remind_before_minutes",
        args.remind.as_deref().map(remind_minutes).transpose()?.map(Value::from),
    );
    set(
        &mut body,
        "recurrence",
        repeat.map(|repeat| Value::from(repeat.recurrence.to_string())),
    );
    let reply = client
        .send::<Task>(Method::POST, "/api/tasks", &[], Some(&Value::Object(body)), None)
        .await?;
    if args.json {
        print_json(&reply.body)
    } else {
        println!("{}", render::summary("Added", &reply.body));
        Ok(())
    }
}
