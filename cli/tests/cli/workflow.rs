//! What a person does with the CLI, step by step.

use serde_json::Value;

use crate::harness::Platform;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

pub(crate) fn full(p: &Platform) {
    // Arrange: the data directory holds the generated secret and token.
    assert!(p.data_dir.join("dev-secret").exists());
    assert!(p.data_dir.join("local.token").exists());

    // Act + Assert: add, with human dates, tags, priority, recurrence and reminder.
    let added = p.ok(&["add", "Buy milk", "--due", "tomorrow", "--tag", "home"]);
    assert!(added.starts_with("Added task 1: Buy milk (due "), "{added}");
    let meeting = json(&p.ok(&[
        "add",
        "Team meeting",
        "--due",
        "in 3 days",
        "-p",
        "high",
        "--every",
        "mon,wed",
        "--remind",
        "30m",
        "--json",
    ]));
    assert_eq!(meeting["recurrence"], "FREQ=WEEKLY;BYDAY=MO,WE");
    assert_eq!(meeting["remind_before_minutes"], 30);
    assert_eq!(meeting["priority"], "high");
    let id = meeting["id"].as_i64().expect("id").to_string();

    let table = p.ok(&["list"]);
    assert!(table.contains("[ ] 1  medium  Buy milk #home"), "{table}");
    assert!(table.contains("Team meeting"), "{table}");

    let done = p.ok(&["done", "1"]);
    assert!(done.starts_with("Completed task 1"), "{done}");
    let pending = p.ok(&["list", "--status", "pending"]);
    assert!(
        !pending.contains("Buy milk") && pending.contains("Team meeting"),
        "{pending}"
    );
    let completed = p.ok(&["list", "--status", "completed", "--json"]);
    assert_eq!(json(&completed).as_array().map(Vec::len), Some(1));
    p.ok(&["reopen", "1"]);

    p.ok(&["edit", &id, "--add-tag", "work", "--title", "Team meetings"]);
    let shown = p.ok(&["show", &id]);
    assert!(shown.contains("Task 2: Team meetings"), "{shown}");
    assert!(shown.contains("#work"), "{shown}");
    assert!(shown.contains("weekly on Mon, Wed"), "{shown}");
    assert!(shown.contains("updated"), "{shown}");

    let found = p.ok(&["search", "meet"]);
    assert!(
        found.contains("Team meetings") && !found.contains("Buy milk"),
        "{found}"
    );
    let tagged = json(&p.ok(&["list", "--tag", "home", "--json"]));
    assert_eq!(tagged[0]["title"], "Buy milk");

    p.ok(&["rm", "1", "--reason", "bought already"]);
    let after = p.ok(&["list"]);
    assert!(!after.contains("Buy milk"), "{after}");
    let gone = p.todo(&["show", "1"]);
    assert!(!gone.status.success());
    assert!(gone.stderr.contains("Task 1 does not exist"), "{}", gone.stderr);

    // A repetition without --due starts on its first occurrence, as "every monday" does in the chat.
    let gym = json(&p.ok(&["add", "Gym", "--every", "every monday", "--json"]));
    assert_eq!(gym["recurrence"], "FREQ=WEEKLY;BYDAY=MO");
    let due = chrono::DateTime::parse_from_rfc3339(gym["due_at"].as_str().expect("a due time")).expect("RFC 3339");
    assert_eq!(chrono::Datelike::weekday(&due), chrono::Weekday::Mon, "{due}");
    let until = json(&p.ok(&[
        "add",
        "Report",
        "--due",
        "friday",
        "--every",
        "weekly for 4 times",
        "--json",
    ]));
    assert_eq!(until["recurrence"], "FREQ=WEEKLY;COUNT=4");
}

pub(crate) fn bad_input(p: &Platform) {
    let blank = p.todo(&["add", "   "]);
    assert!(!blank.status.success());
    assert!(blank.stderr.contains("title: a title is required"), "{}", blank.stderr);
    let bad_priority = p.todo(&["add", "x", "-p", "critical"]);
    assert!(
        bad_priority.stderr.contains("unknown priority 'critical'"),
        "{}",
        bad_priority.stderr
    );
    let bad_date = p.todo(&["add", "x", "--due", "blursday"]);
    assert!(!bad_date.status.success());
    assert!(bad_date.stderr.contains("--due"), "{}", bad_date.stderr);
    let half_a_date = p.todo(&["add", "x", "--due", "tomorrow buy milk"]);
    assert!(
        half_a_date
            .stderr
            .contains("could not understand 'tomorrow buy milk' as a due date"),
        "{}",
        half_a_date.stderr
    );
    let bad_repeat = p.todo(&["add", "x", "--every", "0 days"]);
    assert!(
        bad_repeat
            .stderr
            .contains("--every: '0' in '0 days' must be a whole number from 1 to 999"),
        "{}",
        bad_repeat.stderr
    );
    let nothing = p.todo(&["edit", "1", "--json"]);
    assert!(!nothing.status.success());
    assert_eq!(
        json(&p.ok(&["list", "--json"])),
        serde_json::json!([]),
        "nothing was written"
    );
}

pub(crate) fn token_works_over_http(p: &Platform) {
    let out = p.ok(&["token", "--user", "alice"]);
    let token = out.lines().last().expect("token line").trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    // The token is for alice: local's tasks are invisible to her.
    p.ok(&["add", "local's task"]);
    let alice = crate::harness::todo(&p.data_dir, &p.url, &["--token", &token, "list", "--json"]);
    assert!(alice.status.success(), "{}", alice.stderr);
    assert_eq!(json(&alice.stdout), serde_json::json!([]));
    let added = crate::harness::todo(
        &p.data_dir,
        &p.url,
        &["--token", &token, "add", "alice's task", "--json"],
    );
    assert_eq!(json(&added.stdout)["owner_id"], "alice");
}
