//! `todo backup`, `todo restore` and `todo backups list|prune`: the backup function's library run
//! from the command line, against the database and object store named on it (by default the
//! embedded `todo serve`'s: `DATA_DIR/todo.db` and the folder `DATA_DIR/objects/backups`).
//!
//! Output is a table per table (rows, size, time) and a summary with the rate; a progress bar on
//! stderr while it runs, only on a terminal and never with `--json`, which prints the manifest
//! (or the listing, or the prune's report) instead.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use backup::{Manifest, ManifestSummary, Progress, PruneReport, SnapshotSettings};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use todo_objects::ObjectStore;

use crate::args::{BackupArgs, BackupsCommand, BackupsListArgs, BackupsPruneArgs, Global, RestoreArgs};

/// `todo backup`.
///
/// # Errors
/// A database or store that cannot be read or written.
pub(crate) async fn backup(global: &Global, args: &BackupArgs) -> anyhow::Result<()> {
    let database_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", global.data_dir.join("todo.db").display()));
    let store = open_store(global, args.store.as_deref()).await?;
    let settings = SnapshotSettings::from_env()?;
    let meter = Meter::new(args.json, "backing up");
    let started = Instant::now();
    let manifest = backup::snapshot_with_progress(&database_url, store.as_ref(), &settings, &|p| meter.update(p))
        .await
        .with_context(|| format!("Failed to back up {}", redact(&database_url)))?;
    let timings = meter.finish();
    if args.json {
        return super::print_json(&manifest);
    }
    println!(
        "Backup {} of {} ({}, taken {})",
        manifest.id,
        redact(&database_url),
        manifest.engine,
        manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    print_tables(&manifest, &timings);
    print_summary(&manifest, manifest.total_rows(), started.elapsed());
    println!("  in {}", store.describe());
    Ok(())
}

/// `todo restore`.
///
/// # Errors
/// An unknown or damaged backup, a target that is not empty or of another schema version.
pub(crate) async fn restore(global: &Global, args: &RestoreArgs) -> anyhow::Result<()> {
    let store = open_store(global, args.store.as_deref()).await?;
    let meter = Meter::new(args.json, "restoring");
    let started = Instant::now();
    let report = backup::restore(store.as_ref(), &args.backup_id, &args.database_url, &|p| {
        meter.update(p)
    })
    .await
    .with_context(|| {
        format!(
            "Failed to restore backup {} into {}",
            args.backup_id,
            redact(&args.database_url)
        )
    })?;
    let timings = meter.finish();
    if args.json {
        return super::print_json(&report.manifest);
    }
    let manifest = &report.manifest;
    println!(
        "Restored backup {} ({}, taken {}) into {}",
        manifest.id,
        manifest.engine,
        manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        redact(&args.database_url)
    );
    print_tables(manifest, &timings);
    print_summary(manifest, report.rows, started.elapsed());
    Ok(())
}

/// `todo backups list|prune`.
///
/// # Errors
/// A store that cannot be listed or written.
pub(crate) async fn backups(global: &Global, command: BackupsCommand) -> anyhow::Result<()> {
    match command {
        BackupsCommand::List(args) => list(global, &args).await,
        BackupsCommand::Prune(args) => prune(global, &args).await,
    }
}

async fn list(global: &Global, args: &BackupsListArgs) -> anyhow::Result<()> {
    let store = open_store(global, args.store.as_deref()).await?;
    let summaries = backup::list(store.as_ref())
        .await
        .with_context(|| format!("Failed to list the backups in {}", store.describe()))?;
    if args.json {
        return super::print_json(&summaries);
    }
    if summaries.is_empty() {
        println!("No backups in {}", store.describe());
        return Ok(());
    }
    println!("{}", list_table(&summaries));
    Ok(())
}

async fn prune(global: &Global, args: &BackupsPruneArgs) -> anyhow::Result<()> {
    let store = open_store(global, args.store.as_deref()).await?;
    let report = backup::prune(store.as_ref(), args.keep_daily, args.keep_weekly, Utc::now())
        .await
        .with_context(|| format!("Failed to prune the backups in {}", store.describe()))?;
    if args.json {
        return super::print_json(&report);
    }
    println!("{}", prune_text(&report));
    Ok(())
}

/// The store named by `--store` or `BACKUP_STORE_URL`, else the folder `DATA_DIR/objects/backups`.
async fn open_store(global: &Global, url: Option<&str>) -> anyhow::Result<Arc<dyn ObjectStore>> {
    open_objects(global, url, "backups").await
}

/// The object store `url` names, else the data directory's folder `objects/{folder}`.
pub(super) async fn open_objects(
    global: &Global,
    url: Option<&str>,
    folder: &str,
) -> anyhow::Result<Arc<dyn ObjectStore>> {
    crate::object_stores::open(url, &global.data_dir, folder).await
}

/// A URL without its password.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) if !user.contains('/') => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{scheme}://{user}@{host}")
        }
        _ => url.to_owned(),
    }
}

/// How long each table took, by name, as the progress reported it.
type Timings = Vec<(String, Duration)>;

/// A progress bar on stderr (hidden off a terminal and with `--json`) that also records each
/// table's time for the table printed at the end.
struct Meter {
    bar: ProgressBar,
    state: Mutex<MeterState>,
}

#[derive(Default)]
struct MeterState {
    /// Rows of the finished tables (when the bar counts rows).
    done_rows: u64,
    counts_rows: bool,
    timings: Timings,
}

impl Meter {
    fn new(json: bool, what: &'static str) -> Self {
        let target = if json || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_prefix(what);
        bar.enable_steady_tick(Duration::from_millis(200));
        Self {
            bar,
            state: Mutex::new(MeterState::default()),
        }
    }

    fn update(&self, progress: &Progress) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        match progress {
            Progress::Started { tables, rows } => {
                let (length, unit) = match rows {
                    Some(rows) => (*rows, "rows"),
                    None => (*tables as u64, "tables"),
                };
                state.counts_rows = rows.is_some();
                if let Ok(style) = ProgressStyle::with_template(&format!(
                    "{{prefix}} {{msg:24}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} {{per_sec}} {{elapsed}}"
                )) {
                    self.bar.set_style(style.progress_chars("=> "));
                }
                self.bar.set_length(length);
            }
            Progress::Rows { table, rows } => {
                self.bar.set_message(table.clone());
                if state.counts_rows {
                    self.bar.set_position(state.done_rows + rows);
                }
            }
            Progress::TableDone {
                table, rows, elapsed, ..
            } => {
                self.bar.set_message(table.clone());
                if state.counts_rows {
                    state.done_rows += rows;
                    self.bar.set_position(state.done_rows);
                } else {
                    self.bar.inc(1);
                }
                state.timings.push((table.clone(), *elapsed));
            }
        }
    }

    fn finish(self) -> Timings {
        self.bar.finish_and_clear();
        self.state.into_inner().map(|s| s.timings).unwrap_or_default()
    }
}

/// One line per table: rows, and on PostgreSQL its part's size and the time it took.
fn print_tables(manifest: &Manifest, timings: &Timings) {
    println!("  {:<28} {:>10} {:>11} {:>9}", "TABLE", "ROWS", "SIZE", "TIME");
    for table in &manifest.tables {
        let part = manifest
            .parts
            .iter()
            .find(|p| p.key.ends_with(&format!("/{}.copy.gz", table.name)));
        let time = timings.iter().find(|(name, _)| *name == table.name).map(|(_, d)| *d);
        println!(
            "  {:<28} {:>10} {:>11} {:>9}",
            table.name,
            thousands(table.rows),
            part.map_or_else(String::new, |p| size(p.bytes)),
            time.map_or_else(String::new, duration)
        );
    }
    if manifest.engine == backup::Engine::Sqlite {
        // One part: the whole database file.
        let time = timings.last().map(|(_, d)| *d);
        println!(
            "  {:<28} {:>10} {:>11} {:>9}",
            "(database file)",
            thousands(manifest.total_rows()),
            size(manifest.total_bytes()),
            time.map_or_else(String::new, duration)
        );
    }
}

/// Tables, `rows` copied, bytes and the rates.
fn print_summary(manifest: &Manifest, rows: u64, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64().max(0.001);
    println!(
        "  {} tables, {} rows, {} in {} ({} rows/s, {}/s)",
        manifest.tables.len(),
        thousands(rows),
        size(manifest.total_bytes()),
        duration(elapsed),
        thousands((rows as f64 / seconds) as u64),
        size((manifest.total_bytes() as f64 / seconds) as u64)
    );
}

fn list_table(summaries: &[ManifestSummary]) -> String {
    let mut out = format!(
        "{:<22} {:<20} {:<9} {:>6} {:>10} {:>11}",
        "ID", "TAKEN (UTC)", "ENGINE", "TABLES", "ROWS", "SIZE"
    );
    for s in summaries {
        out.push_str(&format!(
            "\n{:<22} {:<20} {:<9} {:>6} {:>10} {:>11}",
            s.id,
            s.created_at.format("%Y-%m-%d %H:%M:%S"),
            s.engine.as_str(),
            s.tables,
            thousands(s.rows),
            size(s.bytes)
        ));
    }
    out
}

fn prune_text(report: &PruneReport) -> String {
    let mut out = format!("Kept {} backup(s)", report.kept.len());
    if report.deleted.is_empty() {
        out.push_str("; none is past retention");
    } else {
        out.push_str(&format!(
            "; deleted {}: {}",
            report.deleted.len(),
            report.deleted.join(", ")
        ));
    }
    if !report.abandoned.is_empty() {
        out.push_str(&format!(
            "; removed the parts of {} interrupted backup(s): {}",
            report.abandoned.len(),
            report.abandoned.join(", ")
        ));
    }
    out
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in B, KiB, MiB or GiB.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sizes_and_urls_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(
            redact("postgres://todo:s3cret@db:5432/todo"),
            "postgres://todo@db:5432/todo"
        );
        assert_eq!(redact("sqlite://data/todo.db"), "sqlite://data/todo.db");
        assert_eq!(duration(Duration::from_millis(42)), "42 ms");
    }

    #[test]
    fn a_prune_report_names_what_went() {
        let report = PruneReport {
            kept: vec!["b".into()],
            deleted: vec!["a".into()],
            abandoned: vec![],
        };
        assert_eq!(prune_text(&report), "Kept 1 backup(s); deleted 1: a");
    }
}
