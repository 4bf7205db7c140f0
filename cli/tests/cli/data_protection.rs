//! Backups and the archive as a person uses them on the embedded default: `todo backup` while
//! `todo serve` runs, more writes, `todo restore` into a new file, `todo replay --into` from the
//! archive `todo serve` keeps, and the restored database serving every task; restoring into a
//! database that is not empty is refused; `todo replay --bus` publishes the archived events again.

use serde_json::Value;

use crate::harness::Platform;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Titles and statuses of every task, sorted.
fn tasks(platform: &Platform) -> Vec<(String, String)> {
    let listed = json(&platform.ok(&["list", "--json"]));
    let mut tasks: Vec<(String, String)> = listed["items"]
        .as_array()
        .or_else(|| listed.as_array())
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["title"].as_str().unwrap_or_default().to_owned(),
                t["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    tasks.sort();
    tasks
}

pub(crate) fn a_backup_and_the_archive_bring_every_task_back(platform: &Platform) {
    // Before the backup: two tasks, one done.
    platform.ok(&["add", "before one"]);
    let done = json(&platform.ok(&["add", "before two", "--json"]));
    platform.ok(&["done", &done["id"].as_i64().expect("id").to_string()]);
    let manifest = json(&platform.ok(&["backup", "--json"]));
    let backup = manifest["id"].as_str().expect("backup id").to_owned();
    let listed = json(&platform.ok(&["backups", "list", "--json"]));
    assert!(listed.to_string().contains(&backup), "{listed}");
    // After it: two more, one of the earlier ones completed.
    platform.ok(&["add", "after one", "--priority", "urgent", "--tag", "late"]);
    let later = json(&platform.ok(&["add", "after two", "--json"]));
    platform.ok(&["done", &later["id"].as_i64().expect("id").to_string()]);
    let expected = tasks(platform);

    // The archive has every event (the embedded archiver writes each batch within a moment).
    let started = std::time::Instant::now();
    loop {
        let published = json(&platform.ok(&[
            "replay",
            "--since",
            "2000-01-01T00:00:00Z",
            "--bus",
            "memory://",
            "--json",
        ]));
        if published["published"].as_u64() >= Some(6) {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "the archive did not fill: {published}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Restore into a new database, then replay what came after.
    let restored = platform.data_dir.join("restored.db");
    let url = format!("sqlite://{}", restored.display());
    platform.ok(&["restore", &backup, "--database-url", &url, "--json"]);
    let replayed = json(&platform.ok(&["replay", "--after-backup", &backup, "--into", &url, "--json"]));
    assert!(replayed["applied"].as_u64() >= Some(3), "{replayed}");
    let again = platform.todo(&["restore", &backup, "--database-url", &url]);
    assert!(!again.status.success(), "restoring over data must be refused");
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);

    let second = Platform::start(Some(&url));
    assert_eq!(
        tasks(&second),
        expected,
        "the restored database serves every task as it was"
    );
}
