//! Times `understand` over every labelled utterance, many times, and prints the mean and the
//! 99th percentile per message. The NLU must stay under 1 ms per message; run in release:
//!
//! `cargo run -p todo-nlu --release --example nlu_bench [rounds]`

use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use todo_kit::percentile::Sorted;
use todo_nlu::{Context, understand};

const UTTERANCES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/utterances.jsonl"));

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(200);
    let now: DateTime<Utc> = "2026-11-26T15:00:00Z".parse().expect("a valid instant");
    let messages: Vec<(String, Context)> = UTTERANCES
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let tz: Tz = value["tz"]
                .as_str()
                .unwrap_or("Europe/Berlin")
                .parse()
                .expect("a known zone");
            (
                value["text"].as_str().expect("a text").to_owned(),
                Context::new(now, tz),
            )
        })
        .collect();
    // Warm up caches and the allocator.
    for (text, ctx) in &messages {
        std::hint::black_box(understand(text, ctx));
    }
    let mut micros: Vec<f64> = Vec::with_capacity(messages.len() * rounds);
    // Each message's fastest run: its CPU cost without the noise of other processes.
    let mut best = vec![f64::INFINITY; messages.len()];
    let started = Instant::now();
    for _ in 0..rounds {
        for (index, (text, ctx)) in messages.iter().enumerate() {
            let start = Instant::now();
            std::hint::black_box(understand(std::hint::black_box(text), ctx));
            let elapsed = start.elapsed().as_secs_f64() * 1e6;
            micros.push(elapsed);
            best[index] = best[index].min(elapsed);
        }
    }
    let total = started.elapsed();
    let mut slowest: Vec<(f64, &str)> = best
        .iter()
        .zip(&messages)
        .map(|(us, (text, _))| (*us, text.as_str()))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let micros = Sorted::new(micros);
    let (mean, p99, max) = (
        micros.mean().unwrap_or_default(),
        micros.percentile(0.99).unwrap_or_default(),
        micros.max().unwrap_or_default(),
    );
    println!(
        "{} messages x {rounds} rounds = {} calls in {:.2} s",
        messages.len(),
        micros.len(),
        total.as_secs_f64()
    );
    println!("per message: mean {mean:.1} us, p99 {p99:.1} us, max {max:.1} us (budget 1000 us)");
    let best_mean = Sorted::new(best.iter().copied()).mean().unwrap_or_default();
    println!(
        "best of {rounds} per message (CPU cost without scheduling noise): mean {best_mean:.1} us, max {:.1} us",
        slowest[0].0
    );
    println!("slowest messages (best run):");
    for (us, text) in slowest.iter().take(5) {
        println!("  {us:>7.1} us  {text:?}");
    }
}
