//! What the NLU makes of messages, one per argument (or one per line on stdin), as JSON: for
//! trying a phrasing while working on the parser; with the change it reads as when it names a
//! task (`as_change`).
//! `cargo run -q -p todo-nlu --example understand -- "jot down call the plumber"`.
//! `NOW` (RFC 3339, default the current time) and `TZ` (IANA, default UTC) set the context.

use std::io::BufRead;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use todo_nlu::{Context, as_change, understand};

fn main() {
    let now: DateTime<Utc> = match std::env::var("NOW") {
        Ok(text) => text.parse().unwrap_or_else(|e| panic!("NOW={text}: {e}")),
        Err(_) => Utc::now(),
    };
    let tz: Tz = match std::env::var("TZ") {
        Ok(name) => name.parse().unwrap_or_else(|e| panic!("TZ={name}: {e}")),
        Err(_) => Tz::UTC,
    };
    let ctx = Context::new(now, tz);
    let mut messages: Vec<String> = std::env::args().skip(1).collect();
    if messages.is_empty() {
        messages = std::io::stdin().lock().lines().map_while(Result::ok).collect();
    }
    for message in messages {
        let understood = understand(&message, &ctx);
        let json = serde_json::to_string(&understood).unwrap_or_else(|e| e.to_string());
        println!("{message}\n  {json}");
        if let Some(change) = as_change(&message, &ctx, &understood) {
            let json = serde_json::to_string(&change).unwrap_or_else(|e| e.to_string());
            println!("  or, if it names a task: {json}");
        }
    }
}
