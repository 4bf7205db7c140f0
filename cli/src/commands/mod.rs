//! The client commands. Each turns its arguments into API calls and prints the result.

mod add;
mod aiops;
mod analytics;
mod backup;
mod chat;
mod edit;
mod functions;

#[cfg(test)]
pub(crate) use functions::ALL as ALL_FUNCTIONS;
mod list;
mod mcp;
mod replay;
mod status;
mod token;
mod topics;
mod watch;

use anyhow::{Context, anyhow};
use chrono::Utc;
use serde_json::Value;
use todo_nlu::{RepeatPhrase, parse_due, parse_repeat};

use crate::args::{AnalyticsCommand, Command, Global, TopicsCommand};
use crate::client::Client;
use crate::time_zone::user_zone;

/// Runs a client command.
///
/// # Errors
/// Whatever the command fails with, as a message for the user.
pub(crate) async fn run(global: &Global, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Token(args) => return token::run(global, &args),
        Command::Web(args) => return token::web(global, &args),
        Command::Topics(TopicsCommand::Apply(args)) => return topics::apply(&args).await,
        Command::Topics(TopicsCommand::Render(args)) => return topics::render(&args),
        Command::Functions(args) => return functions::run(&args),
        Command::Backup(args) => return backup::backup(global, &args).await,
        Command::Restore(args) => return backup::restore(global, &args).await,
        Command::Backups(command) => return backup::backups(global, command).await,
        Command::Replay(args) => return replay::run(global, &args).await,
        Command::Aiops(command) => return aiops::run(command),
        Command::Analytics(AnalyticsCommand::Rebuild(args))
            if args.bus.as_deref().is_some_and(|b| b.starts_with("kafka://")) =>
        {
            return analytics::run(None, AnalyticsCommand::Rebuild(args)).await;
        }
        Command::Serve(_) => unreachable!("serve is dispatched in main"),
        _ => {}
    }
    let client = Client::new(global)?;
    match command {
        Command::Add(args) => add::run(&client, args).await,
        Command::List(args) => list::list(&client, args).await,
        Command::Search(args) => list::search(&client, args).await,
        Command::Show(args) => status::show(&client, &args).await,
        Command::Edit(args) => edit::run(&client, args).await,
        Command::Done(args) => status::done(&client, &args).await,
        Command::Reopen(args) => status::reopen(&client, &args).await,
        Command::Rm(args) => status::remove(&client, &args).await,
        Command::Chat(args) => chat::run(&client, &global.data_dir, args).await,
        Command::Mcp => mcp::run(&client).await,
        Command::Watch(args) => watch::run(&client, args).await,
        Command::Analytics(command) => analytics::run(Some(&client), command).await,
        Command::Serve(_) | Command::Token(_) | Command::Web(_) | Command::Topics(_) | Command::Functions(_) => Ok(()),
        Command::Backup(_) | Command::Restore(_) | Command::Backups(_) | Command::Replay(_) => Ok(()),
        Command::Aiops(_) => Ok(()),
    }
}

/// A typed due date (read as the chat reads it) as RFC 3339 in the user's zone.
fn due(input: &str) -> anyhow::Result<String> {
    let tz = user_zone().map_err(|e| anyhow!("--due: {e}"))?;
    parse_due(input, Utc::now(), tz)
        .map(|at| at.with_timezone(&tz).to_rfc3339())
        .map_err(|e| anyhow!("--due: {e}"))
}

/// An `--every` phrase (read as the chat reads it): the rule, and where its first occurrence
/// falls for a task given no due date.
fn every(input: &str) -> anyhow::Result<RepeatPhrase> {
    let tz = user_zone().map_err(|e| anyhow!("--every: {e}"))?;
    parse_repeat(input, Utc::now(), tz).map_err(|e| anyhow!("--every: {e}"))
}

/// A reminder offset like `30m`, `2h`, `1d` or `45` (minutes) in minutes.
fn remind_minutes(input: &str) -> anyhow::Result<i64> {
    let text = input.trim().to_lowercase();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .with_context(|| format!("--remind: '{input}' is not like 30m, 2h or 1d"))?;
    let factor = match unit.trim() {
        "" | "m" | "min" | "mins" | "minutes" => 1,
        "h" | "hour" | "hours" => 60,
        "d" | "day" | "days" => 1440,
        other => return Err(anyhow!("--remind: unknown unit '{other}': use m, h or d")),
    };
    Ok(number * factor)
}

/// Prints JSON nicely.
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Inserts `value` under `key` when present.
fn set(body: &mut serde_json::Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        body.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_offsets_accept_minutes_hours_and_days() {
        assert_eq!(remind_minutes("30m").ok(), Some(30));
        assert_eq!(remind_minutes("2h").ok(), Some(120));
        assert_eq!(remind_minutes("1d").ok(), Some(1440));
        assert_eq!(remind_minutes("45").ok(), Some(45));
        assert!(remind_minutes("soon").is_err());
        assert!(remind_minutes("3 weeks").is_err());
    }
}
