//! `todo show`, `todo done`, `todo reopen` and `todo rm`.

use reqwest::Method;
use serde::Deserialize;
use todo_domain::{HistoryEntry, Task};

use super::print_json;
use crate::args::{IdArg, RmArgs};
use crate::client::Client;
use crate::render;

#[derive(Debug, Deserialize)]
struct History {
    items: Vec<HistoryEntry>,
}

pub(super) async fn show(client: &Client, args: &IdArg) -> anyhow::Result<()> {
    let task = client
        .send::<Task>(Method::GET, &format!("/api/tasks/{}", args.id), &[], None, None)
        .await?
        .body;
    if args.json {
        return print_json(&task);
    }
    let history = client
        .send::<History>(Method::GET, &format!("/api/tasks/{}/history", args.id), &[], None, None)
        .await?;
    println!("{}", render::details(&task, &history.body.items));
    Ok(())
}

async fn transition(client: &Client, args: &IdArg, action: &str, verb: &str) -> anyhow::Result<()> {
    let path = format!("/api/tasks/{}/{action}", args.id);
    let task = client.send::<Task>(Method::POST, &path, &[], None, None).await?.body;
    if args.json {
        print_json(&task)
    } else {
        println!("{}", render::summary(verb, &task));
        Ok(())
    }
}

pub(super) async fn done(client: &Client, args: &IdArg) -> anyhow::Result<()> {
    transition(client, args, "complete", "Completed").await
}

pub(super) async fn reopen(client: &Client, args: &IdArg) -> anyhow::Result<()> {
    transition(client, args, "reopen", "Reopened").await
}

pub(super) async fn remove(client: &Client, args: &RmArgs) -> anyhow::Result<()> {
    let query: Vec<(&str, String)> = args.reason.iter().map(|r| ("reason", r.clone())).collect();
    client
        .send_empty(Method::DELETE, &format!("/api/tasks/{}", args.id), &query)
        .await?;
    println!("Deleted task {}", args.id);
    Ok(())
}
