//! `todo replay`: the event archive put to use again, from a time or from just before a backup.
//!
//! - `--into DATABASE_URL` puts the task changes made since back into a database (after `todo
//!   restore`, this brings it up to the last archived event: the disaster-recovery path). Each
//!   change is written as its event describes it, with no new event; one already there is skipped.
//! - `--bus URL` publishes the events again, each under its original partition key, for
//!   consumers that rebuild from them (they skip events they have seen).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use archiver::{Archive, PARTITION_KEY};
use chrono::{DateTime, Utc};
use cloudevents::AttributesReader;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use todo_kit::bus::{EventBus, Outgoing};
use todo_tasks::store::TaskStore;
use todo_tasks::store::replay::{Replayed, replay_all};

use crate::args::{Global, ReplayArgs};

/// How long before a backup's snapshot replay starts by default: a write whose event is older
/// than the snapshot may have committed after it.
const BEFORE_BACKUP: Duration = Duration::from_secs(600);

/// What a replay did.
#[derive(Debug, Default, Serialize)]
struct Report {
    since: Option<DateTime<Utc>>,
    objects: usize,
    events: u64,
    applied: u64,
    already_there: u64,
    missing: u64,
    not_task_changes: u64,
    published: u64,
    seconds: f64,
    events_per_second: f64,
}

enum Target {
    Store(std::sync::Arc<dyn TaskStore>),
    Bus(std::sync::Arc<dyn EventBus>, String),
}

pub(crate) async fn run(global: &Global, args: &ReplayArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let archive = Archive::new(super::backup::open_objects(global, args.archive.as_deref(), "archive").await?);
    let since = match (&args.since, &args.after_backup) {
        (Some(since), None) => DateTime::parse_from_rfc3339(since)
            .with_context(|| format!("--since {since}: not an RFC 3339 time such as 2026-12-03T10:00:00Z"))?
            .with_timezone(&Utc),
        (None, Some(id)) => {
            let backups = super::backup::open_objects(global, args.backups.as_deref(), "backups").await?;
            let manifest = backup::read_manifest(backups.as_ref(), id).await?;
            manifest.created_at - chrono::Duration::from_std(BEFORE_BACKUP)?
        }
        _ => bail!("say where to start: --since TIME or --after-backup BACKUP_ID"),
    };
    let target = match (&args.into, &args.bus) {
        (Some(url), None) => Target::Store(
            todo_tasks::store::connect(url)
                .await
                .context("Failed to open the database to replay into")?,
        ),
        (None, Some(url)) => Target::Bus(todo_kit::bus::from_env(url)?, args.topic_prefix.clone()),
        _ => bail!("say where the events go: --into DATABASE_URL or --bus URL"),
    };
    let objects = archive
        .objects_since(since)
        .await
        .with_context(|| format!("Failed to read the archive at {}", archive.describe()))?;
    let objects: Vec<_> = match &target {
        // Only task-api's changes go back into a database.
        Target::Store(_) => objects
            .into_iter()
            .filter(|o| o.topic == todo_events::Topic::TaskEvents.name())
            .collect(),
        Target::Bus(..) => objects,
    };
    let bar = progress(args.json, objects.iter().map(|o| o.count).sum());
    let mut report = Report {
        since: Some(since),
        objects: objects.len(),
        ..Report::default()
    };
    match &target {
        Target::Store(store) => {
            let counts = into_store(&archive, store.as_ref(), &objects, since, &bar).await?;
            report.events = counts.events;
            report.applied = counts.applied;
            report.already_there = counts.already_there;
            report.missing = counts.missing;
            report.not_task_changes = counts.not_task_changes;
        }
        Target::Bus(bus, prefix) => {
            for object in &objects {
                let events = since_time(archive.read(object).await?, since);
                report.events += events.len() as u64;
                let topic = format!("{prefix}{}", object.topic);
                bus.ensure_topic(&topic, 1).await?;
                for chunk in events.chunks(500) {
                    let outgoing: Vec<Outgoing> = chunk
                        .iter()
                        .map(|event| {
                            let mut event = event.clone();
                            let key = event.remove_extension(PARTITION_KEY).map(|k| k.to_string());
                            Outgoing {
                                topic: topic.clone(),
                                key,
                                event,
                            }
                        })
                        .collect();
                    bus.publish(&outgoing).await?;
                    report.published += outgoing.len() as u64;
                    bar.inc(outgoing.len() as u64);
                }
            }
        }
    }
    bar.finish_and_clear();
    report.seconds = started.elapsed().as_secs_f64();
    report.events_per_second = report.events as f64 / report.seconds.max(0.001);
    if args.json {
        return super::print_json(&report);
    }
    println!(
        "Replayed {} events from {} archived objects since {} in {:.1} s ({:.0} events/s).",
        report.events, report.objects, since, report.seconds, report.events_per_second
    );
    match target {
        Target::Store(_) => println!(
            "  {} changes put back, {} already there, {} of tasks not in the database.",
            report.applied, report.already_there, report.missing
        ),
        Target::Bus(..) => println!("  {} events published.", report.published),
    }
    Ok(())
}

/// How many partitions are replayed into a database at once. Each partition's events keep their
/// order (a task's events are all in one partition); partitions are independent.
const PARTITIONS_AT_ONCE: usize = 8;

/// What replaying into a database did.
#[derive(Debug, Default)]
struct Counts {
    events: u64,
    applied: u64,
    already_there: u64,
    missing: u64,
    not_task_changes: u64,
}

/// The archived events at or after `since`.
fn since_time(events: Vec<cloudevents::Event>, since: DateTime<Utc>) -> Vec<cloudevents::Event> {
    events
        .into_iter()
        .filter(|e| e.time().is_some_and(|t| *t >= since))
        .collect()
}

/// Puts the task changes of `objects` back into `store`: the objects of each partition in order,
/// several partitions at once.
async fn into_store(
    archive: &Archive,
    store: &dyn TaskStore,
    objects: &[archiver::ArchivedObject],
    since: DateTime<Utc>,
    bar: &ProgressBar,
) -> anyhow::Result<Counts> {
    use futures_util::{StreamExt, TryStreamExt};
    let mut partitions: Vec<Vec<&archiver::ArchivedObject>> = Vec::new();
    for object in objects {
        match partitions.last_mut() {
            Some(group) if group[0].log == object.log && group[0].partition == object.partition => group.push(object),
            _ => partitions.push(vec![object]),
        }
    }
    futures_util::stream::iter(partitions)
        .map(|group| replay_partition(archive, store, group, since, bar))
        .buffer_unordered(PARTITIONS_AT_ONCE)
        .try_fold(Counts::default(), |mut total, counts| async move {
            total.events += counts.events;
            total.applied += counts.applied;
            total.already_there += counts.already_there;
            total.missing += counts.missing;
            total.not_task_changes += counts.not_task_changes;
            Ok(total)
        })
        .await
}

/// One partition's objects, in order.
async fn replay_partition(
    archive: &Archive,
    store: &dyn TaskStore,
    group: Vec<&archiver::ArchivedObject>,
    since: DateTime<Utc>,
    bar: &ProgressBar,
) -> anyhow::Result<Counts> {
    let mut counts = Counts::default();
    for object in group {
        let events = since_time(archive.read(object).await?, since)
            .iter()
            .map(|event| {
                todo_events::DomainEvent::from_cloudevent(event)
                    .with_context(|| format!("{}: event {} is not valid", object.key, event.id()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        for outcome in replay_all(store, &events).await? {
            counts.events += 1;
            match outcome {
                Replayed::Applied => counts.applied += 1,
                Replayed::AlreadyThere => counts.already_there += 1,
                Replayed::Missing => counts.missing += 1,
                Replayed::NotATaskChange => counts.not_task_changes += 1,
            }
        }
        bar.inc(events.len() as u64);
    }
    Ok(counts)
}

fn progress(json: bool, total: u64) -> ProgressBar {
    let target = if json || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) =
        ProgressStyle::with_template("replay [{bar:30}] {human_pos}/{human_len} events {per_sec} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
