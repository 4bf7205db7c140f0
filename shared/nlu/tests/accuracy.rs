//! Accuracy of the embedded NLU on the labelled utterances in `tests/data/nlu/utterances.jsonl`
//! (written as users type, not from the parser's patterns). Prints a report — intent accuracy,
//! exact slot match, per-intent confusion and every failure — and fails below 95 % intent
//! accuracy or 90 % exact slot match. Run with `cargo test -p todo-nlu --test accuracy --
//! --nocapture` to see the report.
//!
//! Each line: `text`, `intent`, optional `tz` (default Europe/Berlin), optional `context`
//! (`last_listed`, `last_mentioned`, `known_tags`), optional `slots` and `target`. Every slot not
//! given is expected empty, so a spurious date or tag counts as a miss. Dates are local to the
//! line's zone: "2026-11-27T17:00" (a moment), "2026-11-27" (a day), "time 14:00", "shift +2d";
//! a trailing `Z` compares in UTC. `now` is 2026-11-26T15:00:00Z for every line.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use todo_nlu::{Context, Due, DueRange, ListFilter, TaskRef, Understanding, understand};

const UTTERANCES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/utterances.jsonl"));
const DEFAULT_TZ: Tz = chrono_tz::Europe::Berlin;

fn now() -> DateTime<Utc> {
    "2026-11-26T15:00:00Z".parse().expect("a valid instant")
}

fn local(at: DateTime<Utc>, tz: Tz, utc: bool) -> String {
    if utc {
        at.format("%Y-%m-%dT%H:%MZ").to_string()
    } else {
        at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
    }
}

fn due_text(due: &Due, tz: Tz, utc: bool) -> String {
    match *due {
        Due::At { at } => local(at, tz, utc),
        Due::Day { date, .. } => date.to_string(),
        Due::TimeOfDay { time } => format!("time {}", time.format("%H:%M")),
        Due::Shift { days, minutes: 0 } => format!("shift {days:+}d"),
        Due::Shift { minutes, .. } if minutes % 60 == 0 => format!("shift {:+}h", minutes / 60),
        Due::Shift { minutes, .. } => format!("shift {minutes:+}m"),
    }
}

fn range_json(range: &DueRange, tz: Tz) -> Value {
    let mut map = Map::new();
    if let Some(from) = range.from {
        map.insert("from".into(), json!(local(from, tz, false)));
    }
    if let Some(to) = range.to {
        map.insert("to".into(), json!(local(to, tz, false)));
    }
    Value::Object(map)
}

fn filter_json(filter: &ListFilter, tz: Tz) -> Map<String, Value> {
    let mut map = Map::new();
    if let Some(status) = filter.status {
        map.insert("status".into(), json!(status));
    }
    if !filter.priorities.is_empty() {
        map.insert("priorities".into(), json!(filter.priorities));
    }
    if !filter.tags.is_empty() {
        map.insert("tags".into(), json!(filter.tags));
    }
    if let Some(due) = &filter.due {
        map.insert("due".into(), range_json(due, tz));
    }
    if filter.overdue {
        map.insert("overdue".into(), json!(true));
    }
    if let Some(text) = &filter.text {
        map.insert("text".into(), json!(text));
    }
    map
}

fn target_json(target: Option<&TaskRef>, tz: Tz) -> Value {
    match target {
        None => Value::Null,
        Some(TaskRef::Id { id }) => json!({ "id": id }),
        Some(TaskRef::Number { number }) => json!({ "number": number }),
        Some(TaskRef::Position { position }) => json!({ "position": position }),
        Some(TaskRef::Pronoun) => json!("pronoun"),
        Some(TaskRef::LastList) => json!("last_list"),
        Some(TaskRef::Title { text, when, at, next }) => {
            let mut map = json!({ "title": text });
            if let Some(when) = when {
                map["when"] = range_json(when, tz);
            }
            if let Some(at) = at {
                map["at"] = json!(at.format("%H:%M").to_string());
            }
            if *next {
                map["next"] = json!(true);
            }
            map
        }
        Some(TaskRef::Selection { filter, part_of_day }) => {
            let mut map = filter_json(filter, tz);
            if let Some(part) = part_of_day {
                map.insert("part_of_day".into(), json!(part));
            }
            json!({ "select": map })
        }
    }
}

/// The slots as the labelled file writes them; `utc_due` when the label is in UTC.
fn slots_json(understanding: &Understanding, tz: Tz, utc_due: bool) -> Value {
    let slots = &understanding.slots;
    let mut map = Map::new();
    let mut put = |key: &str, value: Value| {
        map.insert(key.to_owned(), value);
    };
    if let Some(title) = &slots.title {
        put("title", json!(title));
    }
    if let Some(description) = &slots.description {
        put("description", json!(description));
    }
    if let Some(due) = &slots.due {
        put("due", json!(due_text(due, tz, utc_due)));
    }
    if let Some(priority) = slots.priority {
        put("priority", json!(priority));
    }
    if !slots.tags_add.is_empty() {
        put("tags_add", json!(slots.tags_add));
    }
    if !slots.tags_remove.is_empty() {
        put("tags_remove", json!(slots.tags_remove));
    }
    if let Some(recurrence) = &slots.recurrence {
        put("recurrence", json!(recurrence));
    }
    if let Some(minutes) = slots.reminder_minutes {
        put("reminder_minutes", json!(minutes));
    }
    if !slots.clear.is_empty() {
        put("clear", json!(slots.clear));
    }
    if let Some(filter) = &slots.filter {
        put("filter", Value::Object(filter_json(filter, tz)));
    }
    if let Some(search) = &slots.search {
        put("search", json!(search));
    }
    Value::Object(map)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).map_or_else(Vec::new, |items| {
        items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
    })
}

struct Case {
    line: usize,
    /// "held-out" for lines written after the parser, to measure how it does on phrasing it
    /// was not written against.
    batch: String,
    text: String,
    tz: Tz,
    ctx: Context,
    intent: String,
    slots: Value,
    target: Value,
}

fn cases() -> Vec<Case> {
    UTTERANCES
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", index + 1));
            let tz = value["tz"]
                .as_str()
                .map_or(DEFAULT_TZ, |name| Tz::from_str(name).expect("a known zone"));
            let context = &value["context"];
            let mut ctx = Context::new(now(), tz)
                .with_last_listed(strings(context.get("last_listed")))
                .with_known_tags(strings(context.get("known_tags")));
            ctx.last_mentioned = context["last_mentioned"].as_str().map(str::to_owned);
            Case {
                line: index + 1,
                batch: value["batch"].as_str().unwrap_or("first").to_owned(),
                text: value["text"].as_str().expect("a text").to_owned(),
                tz,
                ctx,
                intent: value["intent"].as_str().expect("an intent").to_owned(),
                slots: value.get("slots").cloned().unwrap_or_else(|| json!({})),
                target: value.get("target").cloned().unwrap_or(Value::Null),
            }
        })
        .collect()
}

#[test]
fn the_nlu_understands_the_labelled_utterances() {
    // Arrange
    let cases = cases();
    let mut intent_hits = 0;
    let mut slot_hits = 0;
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut batches: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut rules = Vec::new();
    // Act
    for case in &cases {
        let understanding = understand(&case.text, &case.ctx);
        let intent = understanding.intent.as_str().to_owned();
        let utc_due = case.slots["due"].as_str().is_some_and(|due| due.ends_with('Z'));
        let slots = slots_json(&understanding, case.tz, utc_due);
        let target = target_json(understanding.target.as_ref(), case.tz);
        let intent_ok = intent == case.intent;
        let slots_ok = intent_ok && slots == case.slots && target == case.target;
        intent_hits += usize::from(intent_ok);
        slot_hits += usize::from(slots_ok);
        *confusion.entry((case.intent.clone(), intent.clone())).or_default() += 1;
        let batch = batches.entry(case.batch.clone()).or_default();
        *batch = (
            batch.0 + 1,
            batch.1 + usize::from(intent_ok),
            batch.2 + usize::from(slots_ok),
        );
        if let Some(rule) = &understanding.slots.recurrence {
            rules.push(rule.clone());
        }
        if !slots_ok {
            failures.push(format!(
                "  line {} [{}] {:?}\n    expected {} {} target {}\n    got      {} {} target {} (confidence {})",
                case.line,
                case.batch,
                case.text,
                case.intent,
                case.slots,
                case.target,
                intent,
                slots,
                target,
                understanding.confidence
            ));
        }
    }
    // Assert
    #[allow(clippy::cast_precision_loss)]
    let percent = |hits: usize| 100.0 * hits as f64 / cases.len() as f64;
    println!("NLU accuracy over {} labelled utterances", cases.len());
    println!(
        "  intent accuracy:   {:.1}% ({intent_hits}/{})",
        percent(intent_hits),
        cases.len()
    );
    println!(
        "  exact slot match:  {:.1}% ({slot_hits}/{}) (intent, every slot and the target)",
        percent(slot_hits),
        cases.len()
    );
    for (name, (total, intents, slots)) in &batches {
        println!("  batch {name:>9}: {total} lines, intent {intents}/{total}, exact slots {slots}/{total}");
    }
    println!("per intent (expected -> got: count):");
    for ((expected, got), count) in &confusion {
        let mark = if expected == got { "" } else { "   <-- confused" };
        println!("  {expected:>15} -> {got:<15} {count}{mark}");
    }
    println!("failures ({}):", failures.len());
    for failure in &failures {
        println!("{failure}");
    }
    for rule in &rules {
        let parsed = todo_domain::recurrence::Recurrence::from_str(rule)
            .unwrap_or_else(|e| panic!("the task model rejects {rule}: {e}"));
        assert_eq!(
            parsed.to_string(),
            *rule,
            "{rule} is not in the task model's canonical form"
        );
    }
    assert!(
        percent(intent_hits) >= 95.0,
        "intent accuracy {:.1}% is below 95%",
        percent(intent_hits)
    );
    assert!(
        percent(slot_hits) >= 90.0,
        "exact slot match {:.1}% is below 90%",
        percent(slot_hits)
    );
}

#[test]
fn priorities_use_the_task_models_names() {
    use todo_nlu::Priority;
    for priority in [Priority::Low, Priority::Medium, Priority::High, Priority::Urgent] {
        assert_eq!(
            serde_json::to_value(priority).expect("serialisable"),
            json!(priority.as_str())
        );
        let theirs = todo_domain::Priority::parse(priority.as_str()).expect("a task model priority");
        assert_eq!(theirs.as_str(), priority.as_str());
    }
}
