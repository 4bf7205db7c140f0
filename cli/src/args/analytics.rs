//! `todo analytics`: the summary of the read model, and rebuilding it.

use clap::{Args, Subcommand};

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
