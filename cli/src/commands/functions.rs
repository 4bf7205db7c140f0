//! `todo functions [NAME] [--json]`: the deployable functions as their crates describe them
//! (settings with defaults and secrets, the topics they consume, the events they publish, their
//! periodic work). The manifest checks read `--json`; people read the table.

use anyhow::bail;
use todo_kit::function::{Function, Http};
use todo_kit::settings::Need;

use crate::args::FunctionsArgs;

/// Every deployable function, in the order the platform starts them.
pub(crate) const ALL: [&Function; 11] = [
    &task_api::FUNCTION,
    &session_api::FUNCTION,
    &chat_api::FUNCTION,
    &analytics::FUNCTION,
    &notifier::FUNCTION,
    &scheduler::FUNCTION,
    &outbox_relay::FUNCTION,
    &archiver::FUNCTION,
    &backup::FUNCTION,
    &aiops::FUNCTION,
    &web::FUNCTION,
];

pub(super) fn run(args: &FunctionsArgs) -> anyhow::Result<()> {
    let chosen: Vec<&Function> = match &args.name {
        None => ALL.to_vec(),
        Some(name) => match ALL.iter().find(|f| f.name == name) {
            Some(function) => vec![*function],
            None => bail!(
                "no function called '{name}'; the functions are {}",
                ALL.map(|f| f.name).join(", ")
            ),
        },
    };
    if args.json {
        let described: Vec<serde_json::Value> = chosen.iter().map(|f| f.to_json()).collect();
        println!("{}", serde_json::to_string_pretty(&described)?);
        return Ok(());
    }
    for (i, function) in chosen.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print_function(function);
    }
    Ok(())
}

fn print_function(function: &Function) {
    println!("{}: {}", function.name, function.summary);
    match function.http {
        Http::Public(paths) => println!("  public paths: {}", paths.join(", ")),
        Http::ClusterLocal => println!("  public paths: none (cluster-local)"),
    }
    if !function.consumes.is_empty() {
        let topics: Vec<&str> = function.consumes.iter().map(|t| t.name()).collect();
        println!(
            "  consumes:     {} (consumer group {})",
            topics.join(", "),
            function.name
        );
    }
    if !function.publishes.is_empty() {
        let types: Vec<&str> = function.publishes.iter().map(|t| t.as_str()).collect();
        println!("  publishes:    {}", types.join(", "));
    }
    for periodic in function.periodic {
        println!(
            "  periodic:     POST {} ({}): {}",
            periodic.path(),
            periodic.schedule,
            periodic.about
        );
    }
    println!("  settings:");
    for setting in function.settings() {
        let need = match setting.need {
            Need::Required => "required".to_owned(),
            Need::OneOf(group) => format!("one of {}", group.join("/")),
            Need::Optional => match setting.default {
                Some(default) => format!("default {default}"),
                None => "optional".to_owned(),
            },
        };
        let secret = if setting.secret { ", secret" } else { "" };
        println!("    {:<30} {}{secret}: {}", setting.name, need, setting.about);
    }
}
