//! The whole command line: the options every command shares and the list of commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use super::{
    AddArgs, AiopsCommand, AnalyticsCommand, BackupArgs, BackupsCommand, ChatArgs, EditArgs, FunctionsArgs, IdArg,
    ListArgs, ReplayArgs, RestoreArgs, RmArgs, SearchArgs, ServeArgs, TokenArgs, TopicsCommand, WatchArgs, WebArgs,
};

/// Evolution of Todo: tasks with priorities, tags, due dates and recurrence.
#[derive(Debug, Parser)]
#[command(name = "todo", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every client command shares.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Base URL of the server.
    #[arg(long, global = true, env = "TODO_API", default_value = "http://127.0.0.1:8080")]
    pub(crate) api: String,
    /// Bearer token; by default the one `todo serve` keeps in the data directory.
    #[arg(long, global = true, env = "TODO_TOKEN", hide_env_values = true, value_parser = secret)]
    pub(crate) token: Option<SecretString>,
    /// Where `todo serve` keeps its database, secret and token.
    #[arg(long, global = true, env = "TODO_DATA_DIR", default_value = "data")]
    pub(crate) data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole platform in one process (SQLite in the data directory by default).
    Serve(ServeArgs),
    /// Add a task.
    Add(AddArgs),
    /// List tasks.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Search titles and descriptions.
    Search(SearchArgs),
    /// Show one task with its history.
    Show(IdArg),
    /// Change a task.
    Edit(EditArgs),
    /// Mark a task completed.
    Done(IdArg),
    /// Mark a completed task pending again.
    Reopen(IdArg),
    /// Delete a task.
    #[command(alias = "delete")]
    Rm(RmArgs),
    /// Chat in plain English: `todo chat "what's due this week?"`, or `todo chat` for a conversation.
    Chat(ChatArgs),
    /// Serve the task tools to an AI agent over MCP on stdin/stdout (e.g. `todo mcp --api URL`).
    Mcp,
    /// Your numbers (`todo analytics summary`), or recompute them from the event history (`rebuild`).
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
    /// Print your task events live as they happen (Ctrl-C to stop).
    Watch(WatchArgs),
    /// Mint a development token (needs the server's secret).
    Token(TokenArgs),
    /// Print a new one-time link that signs you in to the web page of `todo serve`.
    Web(WebArgs),
    /// Manage the Kafka topics of the event catalog.
    #[command(subcommand)]
    Topics(TopicsCommand),
    /// Describe the deployable functions: settings, topics, events, periodic work.
    Functions(FunctionsArgs),
    /// Back up the platform's database to the object store.
    Backup(BackupArgs),
    /// Restore a backup into an empty database (`todo backups list` shows the ids).
    Restore(RestoreArgs),
    /// The backups in the object store: list them, or delete those past retention.
    #[command(subcommand)]
    Backups(BackupsCommand),
    /// Use the event archive again: put task changes back into a restored database (`--into`),
    /// or publish events again (`--bus`).
    Replay(ReplayArgs),
    /// Anomaly detection: score a metric series, or the detector on the Numenta Anomaly Benchmark.
    #[command(subcommand)]
    Aiops(AiopsCommand),
}

/// A secret argument, kept out of the arguments' Debug output.
fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}
