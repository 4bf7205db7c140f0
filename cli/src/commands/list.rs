//! `todo list` and `todo search`: fetch pages until the limit and print a table or JSON.

use reqwest::Method;
use todo_domain::Task;

use super::{due, print_json};
use crate::args::{ListArgs, SearchArgs};
use crate::client::Client;
use crate::render;

#[derive(Debug, serde::Deserialize)]
struct Page {
    items: Vec<Task>,
    next_cursor: Option<String>,
}

async fn fetch(client: &Client, mut query: Vec<(&'static str, String)>, limit: usize) -> anyhow::Result<Vec<Task>> {
    let mut tasks = Vec::new();
    query.push(("limit", limit.clamp(1, 200).to_string()));
    loop {
        let page = client
            .send::<Page>(Method::GET, "/api/tasks", &query, None, None)
            .await?
            .body;
        tasks.extend(page.items);
        match page.next_cursor {
            Some(cursor) if tasks.len() < limit => {
                query.retain(|(k, _)| *k != "cursor");
                query.push(("cursor", cursor));
            }
            _ => break,
        }
    }
    tasks.truncate(limit);
    Ok(tasks)
}

pub(super) async fn list(client: &Client, args: ListArgs) -> anyhow::Result<()> {
    let mut query: Vec<(&'static str, String)> = vec![("status", args.status), ("sort", args.sort)];
    query.extend(args.priority.into_iter().map(|p| ("priority", p)));
    query.extend(args.tag.into_iter().map(|t| ("tag", t)));
    if args.overdue {
        query.push(("overdue", "true".into()));
    }
    if let Some(before) = &args.due_before {
        query.push(("due_before", due(before)?));
    }
    if let Some(after) = &args.due_after {
        query.push(("due_after", due(after)?));
    }
    let tasks = fetch(client, query, args.limit).await?;
    if args.json {
        print_json(&tasks)
    } else {
        print_table(&tasks)
    }
}

pub(super) async fn search(client: &Client, args: SearchArgs) -> anyhow::Result<()> {
    let tasks = fetch(client, vec![("q", args.words.join(" "))], 100).await?;
    if args.json {
        print_json(&tasks)
    } else {
        print_table(&tasks)
    }
}

fn print_table(tasks: &[Task]) -> anyhow::Result<()> {
    println!("{}", render::table(tasks));
    Ok(())
}
