//! The command line: every command, its options and their help text.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

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

#[derive(Debug, Subcommand)]
pub(crate) enum AiopsCommand {
    /// Score every row of a `timestamp,value` CSV; writes `timestamp,value,anomaly_score`
    /// (score in [0, 1], each from the rows before and at it only).
    Detect(DetectArgs),
    /// Run the detector over a NAB corpus (the `combined_windows.json`, `profiles.json` and data
    /// folders of numenta/NAB) and print NAB's scores per profile and category.
    Nab(NabArgs),
    /// Replay a request-rate trace through the forecaster and both scaling policies (reactive,
    /// predictive) and print the forecast's error and the minutes each was under-provisioned.
    Backtest(BacktestArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BacktestArgs {
    /// The trace: CSV with `timestamp` and `value` columns at a fixed step.
    pub(crate) file: PathBuf,
    /// The values are counts per step (requests per bucket), not requests per second.
    #[arg(long)]
    pub(crate) counts: bool,
    /// Requests per second one replica serves at full load.
    #[arg(long, default_value_t = 2.0)]
    pub(crate) per_replica_rps: f64,
    /// The share of full load the scaler aims at.
    #[arg(long, default_value_t = 0.7)]
    pub(crate) utilisation: f64,
    /// Steps between a scaling decision and the step it serves (scaler lag plus pod start).
    #[arg(long, default_value_t = 1)]
    pub(crate) horizon_steps: usize,
    /// Leading days the forecaster learns from before it is scored.
    #[arg(long, default_value_t = 7)]
    pub(crate) warmup_days: u32,
    /// A weekly season instead of a daily one (needs a week of history).
    #[arg(long)]
    pub(crate) weekly: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DetectArgs {
    /// The series: CSV with `timestamp` and `value` columns.
    pub(crate) file: PathBuf,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct NabArgs {
    /// The corpus folder.
    pub(crate) data_dir: PathBuf,
    /// Score another detector's output instead, from a NAB results folder
    /// (`results/<detector>` of numenta/NAB).
    #[arg(long)]
    pub(crate) results: Option<PathBuf>,
    /// Only the files whose path contains one of these (normalised over those files).
    #[arg(long = "only")]
    pub(crate) only: Vec<String>,
    /// Worker threads for detection (default: the machine's cores).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// Replay events at or after this time (RFC 3339).
    #[arg(long)]
    pub(crate) since: Option<String>,
    /// Replay what happened after this backup was taken (from ten minutes before it: writes in
    /// flight then may have committed after it).
    #[arg(long, conflicts_with = "since")]
    pub(crate) after_backup: Option<String>,
    /// Put the task changes back into this database (after `todo restore`).
    #[arg(long, conflicts_with = "bus")]
    pub(crate) into: Option<String>,
    /// Publish the events again on this bus (`kafka://host:port` or `memory://`).
    #[arg(long)]
    pub(crate) bus: Option<String>,
    /// Put before each topic's name when publishing.
    #[arg(long, env = "TOPIC_PREFIX", default_value = "")]
    pub(crate) topic_prefix: String,
    /// Where the archive is (default: `ARCHIVE_STORE_URL`, else the data directory's objects/archive).
    #[arg(long, env = "ARCHIVE_STORE_URL", hide_env_values = true)]
    pub(crate) archive: Option<String>,
    /// Where backups are, for `--after-backup` (default: `BACKUP_STORE_URL`, else the data
    /// directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) backups: Option<String>,
    /// Print what was replayed as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The database to back up (default: `DATABASE_URL`, else the data directory's todo.db).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub(crate) database_url: Option<String>,
    /// Where backups go: `s3://bucket/prefix?endpoint=...` or `file:///path` (default: the data
    /// directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print the backup's manifest as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup, e.g. 20261203T061500Z-3fa2.
    pub(crate) backup_id: String,
    /// The empty database to restore into (never taken from `DATABASE_URL`: name it).
    #[arg(long)]
    pub(crate) database_url: String,
    /// Where the backup is (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print the restored backup's manifest as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BackupsCommand {
    /// The backups, newest first.
    #[command(alias = "ls")]
    List(BackupsListArgs),
    /// Delete the backups past retention (every backup of the last 24 h is kept).
    Prune(BackupsPruneArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BackupsListArgs {
    /// Where backups are (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackupsPruneArgs {
    /// Keep the newest backup of this many days (that have backups).
    #[arg(long, env = "BACKUP_KEEP_DAILY", default_value_t = 7)]
    pub(crate) keep_daily: usize,
    /// Keep the newest backup of this many ISO weeks (that have backups).
    #[arg(long, env = "BACKUP_KEEP_WEEKLY", default_value_t = 4)]
    pub(crate) keep_weekly: usize,
    /// Where backups are (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print what was kept and deleted as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FunctionsArgs {
    /// One function (default: all).
    pub(crate) name: Option<String>,
    /// Machine-readable output (what the manifest checks read).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AnalyticsCommand {
    /// Tasks created and completed, completion rate and times, open and overdue, chat and webhooks.
    Summary(SummaryArgs),
    /// Recompute the read model from the event history, showing progress.
    Rebuild(RebuildArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SummaryArgs {
    /// Start of the period (RFC 3339 or YYYY-MM-DD; default 30 days ago).
    #[arg(long)]
    pub(crate) from: Option<String>,
    /// End of the period (default now).
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// Print the JSON the API answers.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RebuildArgs {
    /// Replay this Kafka cluster directly (`kafka://host:port`) instead of asking `todo serve`.
    #[arg(long, env = "EVENT_BUS")]
    pub(crate) bus: Option<String>,
    /// The read model's database, with `--bus kafka://...`.
    #[arg(long, env = "DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// Prefix of the topic names, with `--bus kafka://...`.
    #[arg(long, env = "TOPIC_PREFIX", default_value = "")]
    pub(crate) topic_prefix: String,
    /// The history is read once no event arrived for this long.
    #[arg(long, default_value_t = 3000)]
    pub(crate) idle_ms: u64,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Print each event as its CloudEvent JSON, one per line.
    #[arg(long)]
    pub(crate) json: bool,
    /// Stop after this many events.
    #[arg(long)]
    pub(crate) count: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TopicsCommand {
    /// Create missing topics and report drift (fewer partitions, other retention or min.insync.replicas).
    Apply(TopicsApplyArgs),
    /// Print the catalog's topics as Strimzi KafkaTopic objects (knative/kafka/*/topics.yaml) or as
    /// JSON (terraform/modules/platform/kafka-topics.json, for a managed Kafka).
    Render(TopicsRenderArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TopicsRenderArgs {
    /// `local` (replication 1, min ISR 1) or `production` (replication 3, min ISR 2).
    #[arg(long = "env", default_value = "local")]
    pub(crate) environment: String,
    /// Put before every topic name.
    #[arg(long, default_value = "")]
    pub(crate) prefix: String,
    /// The Strimzi Kafka cluster the topics belong to.
    #[arg(long, default_value = "todo-kafka")]
    pub(crate) cluster: String,
    /// `strimzi` (KafkaTopic YAML) or `json` (name => partitions, replication, min ISR, retention).
    #[arg(long, default_value = "strimzi", value_parser = ["strimzi", "json"])]
    pub(crate) format: String,
}

#[derive(Debug, Args)]
pub(crate) struct TopicsApplyArgs {
    /// Kafka bootstrap servers.
    #[arg(long, env = "KAFKA_BROKERS", default_value = "127.0.0.1:9092")]
    pub(crate) brokers: String,
    /// `local` (replication 1, min ISR 1) or `production` (replication 3, min ISR 2).
    #[arg(long = "env", default_value = "local")]
    pub(crate) environment: String,
    /// Put before every topic name (`staging.` gives `staging.task-events`).
    #[arg(long, env = "TOPIC_PREFIX", default_value = "")]
    pub(crate) prefix: String,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TODO_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,
    /// Event bus: `memory://` (in process) or `kafka://host:port[,host:port]`.
    #[arg(long, env = "EVENT_BUS", default_value = "memory://")]
    pub(crate) bus: String,
    /// Export traces over OTLP/HTTP to this collector (e.g. `http://127.0.0.1:4318`).
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub(crate) otlp: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// What to do.
    pub(crate) title: String,
    /// Longer notes.
    #[arg(long, short = 'd')]
    pub(crate) description: Option<String>,
    /// low, medium, high or urgent.
    #[arg(long, short = 'p')]
    pub(crate) priority: Option<String>,
    /// A tag (repeat for more).
    #[arg(long, short = 't')]
    pub(crate) tag: Vec<String>,
    /// Due date, read as the chat reads it: `tomorrow 17:00`, `2026-12-01`, `in 3 days`, `friday`,
    /// `end of the week`, RFC 3339... (in the zone TZ names)
    #[arg(long)]
    pub(crate) due: Option<String>,
    /// Remind this long before the due date: `30m`, `2h`, `1d`.
    #[arg(long)]
    pub(crate) remind: Option<String>,
    /// Repeat: `day`, `2 weeks`, `mon,wed`, `weekdays`, `every evening`, `monthly until dec 31`,
    /// `daily for 10 times`, or an RRULE; without --due the task is due on the first occurrence.
    #[arg(long)]
    pub(crate) every: Option<String>,
    /// Print the created task as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// pending, completed or all.
    #[arg(long, short = 's', default_value = "all")]
    pub(crate) status: String,
    /// Only these priorities (repeat for more).
    #[arg(long, short = 'p')]
    pub(crate) priority: Vec<String>,
    /// Only tasks with all these tags (repeat for more).
    #[arg(long, short = 't')]
    pub(crate) tag: Vec<String>,
    /// Only pending tasks past their due date.
    #[arg(long)]
    pub(crate) overdue: bool,
    /// Only tasks due before this (human dates accepted).
    #[arg(long)]
    pub(crate) due_before: Option<String>,
    /// Only tasks due at or after this (human dates accepted).
    #[arg(long)]
    pub(crate) due_after: Option<String>,
    /// due_at, priority, created_at, updated_at or title; prefix `-` for descending.
    #[arg(long, default_value = "due_at", allow_hyphen_values = true)]
    pub(crate) sort: String,
    /// Show at most this many tasks.
    #[arg(long, short = 'n', default_value_t = 100)]
    pub(crate) limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Words to look for (each matches as a prefix).
    #[arg(required = true, num_args = 1..)]
    pub(crate) words: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The message; without one, an interactive chat starts (Ctrl-D or "exit" to leave).
    #[arg(num_args = 0..)]
    pub(crate) message: Vec<String>,
    /// Start a new conversation instead of continuing the last one.
    #[arg(long)]
    pub(crate) new: bool,
    /// Print the whole JSON answer (intent, confidence, actions) instead of the reply.
    #[arg(long)]
    pub(crate) json: bool,
    /// Your IANA time zone for dates (default: the system's).
    #[arg(long, env = "TODO_TIMEZONE")]
    pub(crate) timezone: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct IdArg {
    /// Task id.
    pub(crate) id: i64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RmArgs {
    /// Task id.
    pub(crate) id: i64,
    /// Why it is deleted.
    #[arg(long)]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// Task id.
    pub(crate) id: i64,
    /// New title.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// New description (empty clears it).
    #[arg(long, short = 'd')]
    pub(crate) description: Option<String>,
    /// New priority.
    #[arg(long, short = 'p')]
    pub(crate) priority: Option<String>,
    /// Replace all tags with these (repeat for more).
    #[arg(long, short = 't', conflicts_with_all = ["add_tag", "remove_tag"])]
    pub(crate) tag: Vec<String>,
    /// Add a tag.
    #[arg(long)]
    pub(crate) add_tag: Vec<String>,
    /// Remove a tag.
    #[arg(long)]
    pub(crate) remove_tag: Vec<String>,
    /// New due date (human dates accepted).
    #[arg(long, conflicts_with = "no_due")]
    pub(crate) due: Option<String>,
    /// Remove the due date (and reminder and recurrence).
    #[arg(long)]
    pub(crate) no_due: bool,
    /// New reminder: `30m`, `2h`, `1d`.
    #[arg(long, conflicts_with = "no_remind")]
    pub(crate) remind: Option<String>,
    /// Remove the reminder.
    #[arg(long)]
    pub(crate) no_remind: bool,
    /// New recurrence.
    #[arg(long, conflicts_with = "no_repeat")]
    pub(crate) every: Option<String>,
    /// Stop repeating.
    #[arg(long)]
    pub(crate) no_repeat: bool,
    /// Print the task as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WebArgs {
    /// The user the link signs in.
    #[arg(long, default_value = "local")]
    pub(crate) user: String,
}

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// The user id (`sub`) of the token.
    #[arg(long, default_value = "local")]
    pub(crate) user: String,
    /// Validity in days.
    #[arg(long, default_value_t = 30)]
    pub(crate) days: u64,
}

/// A secret argument, kept out of the arguments' Debug output.
fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}
