//! `todo aiops`: the anomaly detector on a CSV series, and on the Numenta Anomaly Benchmark with
//! NAB's own scoring, so the detector the platform runs is measured the way published ones were.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, bail};
use todo_aiops::detector;
use todo_aiops::forecast::{Backtest, Capacity, HoltWinters, Smoothing, Trace};
use todo_aiops::nab::{Corpus, NabReport, detect_corpus, read_results};
use todo_aiops::series::Series;

use crate::args::{AiopsCommand, BacktestArgs, DetectArgs, NabArgs};

pub(crate) fn run(command: AiopsCommand) -> anyhow::Result<()> {
    match command {
        AiopsCommand::Detect(args) => detect(&args),
        AiopsCommand::Nab(args) => nab(&args),
        AiopsCommand::Backtest(args) => backtest(&args),
    }
}

fn detect(args: &DetectArgs) -> anyhow::Result<()> {
    let series = Series::read_csv(&args.file)?;
    let scored = series.scored_csv(&detector::detect(&series));
    match &args.output {
        Some(path) => std::fs::write(path, scored).with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(scored.as_bytes())
            .context("cannot write the scores"),
    }
}

fn nab(args: &NabArgs) -> anyhow::Result<()> {
    let mut corpus = Corpus::load(&args.data_dir)?;
    if !args.only.is_empty() {
        corpus
            .files
            .retain(|f| args.only.iter().any(|only| f.name.contains(only.as_str())));
        if corpus.files.is_empty() {
            bail!("no corpus file matches --only {}", args.only.join(", "));
        }
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let started = Instant::now();
    let (scores, busy) = match &args.results {
        Some(dir) => (read_results(&corpus, dir)?, None),
        None => {
            let (scores, busy) = detect_corpus(&corpus, threads);
            (scores, Some(busy))
        }
    };
    let report = NabReport::score(&corpus, &scores);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    print!("{report}");
    match busy {
        Some(busy) => println!(
            "detector: {} rows in {:.2} s of CPU over {threads} threads ({:.0} points/s per core); {:.2} s in all",
            corpus.row_count(),
            busy.as_secs_f64(),
            corpus.row_count() as f64 / busy.as_secs_f64().max(1e-9),
            started.elapsed().as_secs_f64()
        ),
        None => {
            if let Some(dir) = &args.results {
                println!("scored the detector output in {}", dir.display());
            }
        }
    }
    Ok(())
}

fn backtest(args: &BacktestArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let mut trace = Trace::from_series(&Series::read_csv(&args.file)?, &file)?;
    if args.counts {
        let step = f64::from(trace.step_seconds);
        trace = trace.scaled(1.0 / step);
    }
    if !(args.per_replica_rps > 0.0 && args.utilisation > 0.0 && args.utilisation <= 1.0) {
        bail!("--per-replica-rps must be above 0 and --utilisation in (0, 1]");
    }
    let steps_per_day = (86_400 / trace.step_seconds.max(1)) as usize;
    let backtest = Backtest {
        horizon_steps: args.horizon_steps,
        warmup_steps: args.warmup_days as usize * steps_per_day,
        capacity: Capacity {
            per_replica_rps: args.per_replica_rps,
            target_utilisation: args.utilisation,
            min_replicas: 1,
            max_replicas: 1_000,
        },
        mape_floor_rps: 0.01,
    };
    if trace.len() <= backtest.warmup_steps + args.horizon_steps {
        bail!(
            "{file} has {} steps: not enough for {} days of warm-up; pass a smaller --warmup-days",
            trace.len(),
            args.warmup_days
        );
    }
    let forecaster = if args.weekly {
        HoltWinters::weekly(trace.step_seconds, Smoothing::default())
    } else {
        HoltWinters::daily(trace.step_seconds, Smoothing::default())
    };
    let report = backtest.run(&trace, forecaster);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}
