//! `todo aiops`: anomaly detection on a series, NAB scoring and the scaling backtest.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
