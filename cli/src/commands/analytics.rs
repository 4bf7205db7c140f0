//! `todo analytics`: the numbers of the analytics read model (`summary`), and `rebuild`, which
//! recomputes it from the event history: through the running `todo serve` (its in-process bus),
//! or straight from Kafka with `--bus kafka://...` and the read model's `--database-url`.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::Value;

use crate::args::{AnalyticsCommand, RebuildArgs, SummaryArgs};
use crate::client::Client;

/// Runs an analytics command.
///
/// # Errors
/// When the server or the bus cannot be reached, or refuses.
pub(crate) async fn run(client: Option<&Client>, command: AnalyticsCommand) -> anyhow::Result<()> {
    match command {
        AnalyticsCommand::Summary(args) => summary(client.context("no client")?, &args).await,
        AnalyticsCommand::Rebuild(args) if args.bus.as_deref().is_some_and(|b| b.starts_with("kafka://")) => {
            rebuild_from_kafka(&args).await
        }
        AnalyticsCommand::Rebuild(_) => rebuild_through_server(client.context("no client")?).await,
    }
}

async fn summary(client: &Client, args: &SummaryArgs) -> anyhow::Result<()> {
    let mut query = Vec::new();
    if let Some(from) = &args.from {
        query.push(("from", from.clone()));
    }
    if let Some(to) = &args.to {
        query.push(("to", to.clone()));
    }
    let reply = client
        .send::<Value>(Method::GET, "/api/analytics/summary", &query, None, None)
        .await?;
    let s = reply.body;
    if args.json {
        println!("{s}");
        return Ok(());
    }
    let rate = |v: &Value| v.as_f64().map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0));
    let hours = |v: &Value| v.as_f64().map_or("-".to_owned(), |s| format!("{:.1} h", s / 3600.0));
    println!(
        "From {} to {}",
        s["from"].as_str().unwrap_or("?"),
        s["to"].as_str().unwrap_or("?")
    );
    println!(
        "  tasks:     {} created, {} completed, {} deleted; completion rate {}",
        s["created"],
        s["completed"],
        s["deleted"],
        rate(&s["completion_rate"])
    );
    println!("  now:       {} open, {} overdue", s["open"], s["overdue"]);
    println!(
        "  time to complete: median {}, p90 {}",
        hours(&s["median_time_to_complete_seconds"]),
        hours(&s["p90_time_to_complete_seconds"])
    );
    println!(
        "  chat:      {} sessions, {} messages; intents failed {}",
        s["sessions"],
        s["messages"],
        rate(&s["intents"]["failure_rate"])
    );
    println!(
        "  webhooks:  {} sent, {} failed",
        s["notifications"]["sent"], s["notifications"]["failed"]
    );
    Ok(())
}

/// Asks `todo serve` to rebuild from its in-process bus and prints the progress it streams.
async fn rebuild_through_server(client: &Client) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()?;
    let url = format!("{}/api/admin/analytics/rebuild", client.base());
    let mut response = http
        .post(&url)
        .bearer_auth(client.token())
        .send()
        .await
        .with_context(|| {
            format!(
                "cannot reach the todo server at {}; is `todo serve` running?",
                client.base()
            )
        })?;
    if !response.status().is_success() {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        bail!("{}", Client::problem(status, &body));
    }
    let mut buffer = String::new();
    while let Some(chunk) = response.chunk().await.context("the server's answer was cut off")? {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find('\n') {
            let line: String = buffer.drain(..=end).collect();
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if let Some(n) = message["progress"].as_u64() {
                show_progress(n);
            } else if let Some(report) = message.get("report") {
                return print_report(report);
            } else if let Some(error) = message["error"].as_str() {
                bail!("the rebuild failed: {error}");
            }
        }
    }
    bail!("the server stopped answering before the rebuild finished")
}

/// Replays Kafka into the read model at `--database-url`.
async fn rebuild_from_kafka(args: &RebuildArgs) -> anyhow::Result<()> {
    let database_url = args
        .database_url
        .as_deref()
        .context("--database-url (or DATABASE_URL) must name the read model's database")?;
    let bus_url = args.bus.as_deref().unwrap_or_default();
    let analytics = analytics::connect(database_url)
        .await
        .context("Failed to open the analytics read model")?;
    let bus = todo_kit::bus::from_env(bus_url)?;
    let topics = analytics::prefixed_topics(&args.topic_prefix);
    let report = analytics::rebuild(
        bus.as_ref(),
        analytics.model.as_ref(),
        &topics,
        Duration::from_millis(args.idle_ms),
        |n| {
            if n % 100 == 0 {
                show_progress(n);
            }
        },
    )
    .await?;
    print_report(&report.to_json())
}

fn show_progress(events: u64) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\rreplaying: {events} events read");
    let _ = err.flush();
}

fn print_report(report: &Value) -> anyhow::Result<()> {
    eprintln!();
    println!(
        "Rebuilt the analytics read model from {} events: {} applied, {} already applied by the live consumer, {} without effect, {} failed ({} ms).",
        report["events"],
        report["applied"],
        report["duplicates"],
        report["skipped"],
        report["failed"],
        report["elapsed_ms"]
    );
    if report["failed"].as_u64().unwrap_or(0) > 0 {
        bail!("some events could not be applied; see the server's log");
    }
    Ok(())
}
