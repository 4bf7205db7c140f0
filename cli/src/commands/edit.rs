//! `todo edit`: change some fields of a task. Adding or removing single tags reads the task first
//! and sends its version in `If-Match`, so a concurrent edit is reported rather than lost.

use anyhow::bail;
use reqwest::Method;
use serde_json::{Map, Value, json};
use todo_domain::Task;

use super::{due, every, print_json, remind_minutes, set};
use crate::args::EditArgs;
use crate::client::Client;
use crate::render;

pub(super) async fn run(client: &Client, args: EditArgs) -> anyhow::Result<()> {
    let path = format!("/api/tasks/{}", args.id);
    let mut body = Map::new();
    let mut if_match = None;
    set(&mut body, "title", args.title.map(Value::from));
    set(
        &mut body,
        "description",
        args.description
            .map(|d| if d.is_empty() { Value::Null } else { Value::from(d) }),
    );
    set(&mut body, "priority", args.priority.map(Value::from));
    if !args.tag.is_empty() {
        body.insert("tags".into(), json!(args.tag));
    }
    if !args.add_tag.is_empty() || !args.remove_tag.is_empty() {
        let current = client.send::<Task>(Method::GET, &path, &[], None, None).await?;
        let remove: Vec<String> = args
            .remove_tag
            .iter()
            .map(|t| t.trim_start_matches('#').to_lowercase())
            .collect();
        let mut tags: Vec<String> = current.body.tags.into_iter().filter(|t| !remove.contains(t)).collect();
        tags.extend(args.add_tag);
        body.insert("tags".into(), json!(tags));
        if_match = current.version;
    }
    if args.no_due {
        body.extend([
            ("due_at".into(), Value::Null),
            ("remind_before_minutes".into(), Value::Null),
            ("recurrence".into(), Value::Null),
        ]);
    }
    set(
        &mut body,
        "due_at",
        args.due.as_deref().map(due).transpose()?.map(Value::from),
    );
    if args.no_remind {
        body.insert("remind_before_minutes".into(), Value::Null);
    }
    set(
        &mut body,
        "remind_before_minutes",
        args.remind.as_deref().map(remind_minutes).transpose()?.map(Value::from),
    );
    if args.no_repeat {
        body.insert("recurrence".into(), Value::Null);
    }
    set(
        &mut body,
        "recurrence",
        args.every
            .as_deref()
            .map(every)
            .transpose()?
            .map(|repeat| Value::from(repeat.recurrence.to_string())),
    );
    if body.is_empty() {
        bail!(
            "nothing to change: give at least one of --title, --description, --priority, --tag, --due, --remind, --every"
        );
    }
    let task = client
        .send::<Task>(Method::PATCH, &path, &[], Some(&Value::Object(body)), if_match)
        .await?
        .body;
    if args.json {
        print_json(&task)
    } else {
        println!("{}", render::summary("Updated", &task));
        Ok(())
    }
}
