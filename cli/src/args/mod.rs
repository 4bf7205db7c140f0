//! The command line: every command, its options and their help text. [`Cli`] is the whole line
//! (global options and the [`Command`]); each command group's options are in a module of their own,
//! as the commands are in `commands/`.

mod aiops;
mod analytics;
mod backup;
mod chat;
mod cli;
mod deploy;
mod server;
mod tasks;

pub(crate) use aiops::{AiopsCommand, BacktestArgs, DetectArgs, NabArgs};
pub(crate) use analytics::{AnalyticsCommand, RebuildArgs, SummaryArgs};
pub(crate) use backup::{BackupArgs, BackupsCommand, BackupsListArgs, BackupsPruneArgs, ReplayArgs, RestoreArgs};
pub(crate) use chat::ChatArgs;
pub(crate) use cli::{Cli, Command, Global};
pub(crate) use deploy::{FunctionsArgs, TopicsApplyArgs, TopicsCommand, TopicsRenderArgs};
pub(crate) use server::{ServeArgs, TokenArgs, WebArgs};
pub(crate) use tasks::{AddArgs, EditArgs, IdArg, ListArgs, RmArgs, SearchArgs, WatchArgs};
