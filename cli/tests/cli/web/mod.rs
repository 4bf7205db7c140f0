//! The web page in a real headless Chromium (Debian's `chromium` through `chromedriver`), against
//! `todo serve` on a fresh data directory: signing in with the printed link, adding, finding,
//! completing and editing tasks, a stale edit, a change from the CLI appearing live, the chat
//! panel, the analytics charts, a second user, and axe-core on every page. Each test saves
//! screenshots under `target/browser-screenshots/<test>/` so a failure can be looked at.

mod csrf;
mod driver;
mod keyboard;
mod recovery;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use driver::{Browser, Driver};
use serde_json::{Value, json};

use crate::harness::Platform;

/// Where a test's screenshots go.
fn screenshots(test: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/browser-screenshots")
        .join(test)
}

/// A sign-in link for `user`, as `todo web` prints it.
fn sign_in_link(platform: &Platform, user: &str) -> String {
    let out = platform.ok(&["web", "--user", user]);
    let link = out.lines().last().expect("a link").trim().to_owned();
    assert!(link.starts_with(&format!("{}/signin?token=", platform.url)), "{out}");
    link
}

/// A browser signed in as `user`.
async fn signed_in(driver: &Driver, platform: &Platform, user: &str) -> Browser {
    let browser = driver.browser(1280, 900).await;
    browser.goto(&sign_in_link(platform, user)).await;
    browser.wait_for_text("#who", user).await;
    browser
}

/// Runs axe-core on the page and fails on any serious or critical violation.
async fn assert_accessible(browser: &Browser, page: &str) {
    let axe = include_str!("../../../../web/vendor/axe-core/axe.min.js");
    let outcome = browser
        .script_async(
            &format!(
                "{axe}\nconst done = arguments[arguments.length - 1];
                 axe.run(document, {{resultTypes: ['violations']}})
                   .then(r => done(r.violations.map(v => ({{id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}}))))
                   .catch(e => done([{{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}}]));"
            ),
            json!([]),
        )
        .await;
    let serious: Vec<&Value> = outcome
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "axe-core on {page}: {serious:#?}");
}

/// The caller's tasks through the API.
async fn tasks(platform: &Platform, token: &str) -> Vec<Value> {
    let page: Value = reqwest::Client::new()
        .get(format!("{}/api/tasks?status=all&limit=100", platform.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("JSON");
    page["items"].as_array().cloned().unwrap_or_default()
}

fn task_named<'a>(tasks: &'a [Value], title: &str) -> &'a Value {
    tasks
        .iter()
        .find(|t| t["title"] == title)
        .unwrap_or_else(|| panic!("no task '{title}' in {tasks:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_manages_tasks_in_the_browser_and_sees_changes_from_the_cli_live() {
    let platform = Platform::start(None);
    let shots = screenshots("manage_tasks");
    let driver = Driver::start().await;
    let browser = signed_in(&driver, &platform, "local").await;
    let token = platform.local_token();
    browser.screenshot(&shots, "01-signed-in").await;
    assert_accessible(&browser, "the task list").await;

    // Keyboard first: "/" goes to the search box, "n" to a new task's title.
    browser.keys("body", "/").await;
    let focused = browser.script("return document.activeElement.id;", json!([])).await;
    assert_eq!(focused, "search");
    browser.script("document.activeElement.blur();", json!([])).await;
    browser.keys("body", "n").await;
    let focused = browser.script("return document.activeElement.id;", json!([])).await;
    assert_eq!(focused, "add-title");

    // Add a task with a due date and tags.
    browser.fill("#add-title", "Water the plants").await;
    browser.set_value("#add-due", "2030-06-01T09:30").await;
    browser.fill("#add-tags", "home, garden").await;
    browser.click("#add-submit").await;
    browser.wait_for_text("#task-list", "Water the plants").await;
    browser.screenshot(&shots, "02-added").await;
    let all = tasks(&platform, &token).await;
    let added = task_named(&all, "Water the plants");
    assert_eq!(added["tags"], json!(["home", "garden"]), "{added}");
    assert!(
        added["due_at"].as_str().is_some_and(|d| d.starts_with("2030-06-01")),
        "{added}"
    );

    // Search finds it, and a search for something else does not.
    platform.ok(&["add", "Pay the rent"]);
    browser.wait_for_text("#task-list", "Pay the rent").await;
    browser.fill("#search", "plants").await;
    wait_until_gone(&browser, "#task-list", "Pay the rent").await;
    browser.wait_for_text("#task-list", "Water the plants").await;
    browser.screenshot(&shots, "03-searched").await;
    browser.fill("#search", "").await;
    browser.wait_for_text("#task-list", "Pay the rent").await;

    // Complete it from its row.
    let row = format!("li.task[data-id=\"{}\"]", added["id"]);
    browser.click(&format!("{row} .complete")).await;
    wait_for(|| async {
        let all = tasks(&platform, &token).await;
        task_named(&all, "Water the plants")["status"] == "completed"
    })
    .await;
    browser.screenshot(&shots, "04-completed").await;

    // A task added with the CLI appears in the open page within a second.
    let before = Instant::now();
    platform.ok(&["add", "Call the plumber"]);
    browser
        .wait_for_text_within("#task-list", "Call the plumber", Duration::from_secs(1))
        .await;
    eprintln!(
        "a task added with the CLI appeared in the page after {:?}",
        before.elapsed()
    );

    // The chat panel adds a task that then appears in the list.
    browser.fill("#chat-input", "add buy oat milk tomorrow").await;
    browser.click("#chat-send").await;
    browser.wait_for_text("#chat-log", "oat milk").await;
    browser.wait_for_text("#task-list", "oat milk").await;
    browser.screenshot(&shots, "05-chat").await;

    // The analytics page draws its charts.
    browser.click("#nav-analytics").await;
    browser.wait_for_text("#completion-rate", "%").await;
    wait_for(|| async {
        browser
            .script(
                "return document.querySelectorAll('#chart-trend rect, #chart-trend path, #chart-trend circle, #chart-trend polyline').length;",
                json!([]),
            )
            .await
            .as_u64()
            .unwrap_or(0)
            > 0
    })
    .await;
    browser.find("svg#chart-priority").await;
    browser.screenshot(&shots, "06-analytics").await;
    assert_accessible(&browser, "analytics").await;
    browser.click("#nav-webhooks").await;
    browser.find("#webhook-form").await;
    assert_accessible(&browser, "webhooks").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_edit_is_offered_as_reload_and_merge_and_another_user_sees_nothing() {
    let platform = Platform::start(None);
    let shots = screenshots("stale_edit");
    let token = platform.local_token();
    platform.ok(&["add", "Renew the passport"]);
    let driver = Driver::start().await;
    let browser = signed_in(&driver, &platform, "local").await;
    browser.wait_for_text("#task-list", "Renew the passport").await;
    let all = tasks(&platform, &token).await;
    let task = task_named(&all, "Renew the passport").clone();
    let row = format!("li.task[data-id=\"{}\"]", task["id"]);

    // Open the editor from the keyboard ("j" selects the first row, "e" edits it), then someone
    // else changes the task.
    browser.keys("body", "j").await;
    browser.find(&format!("{row}.selected")).await;
    browser.keys("body", "e").await;
    browser.find("#edit-dialog #edit-title").await;
    let changed = reqwest::Client::new()
        .patch(format!("{}/api/tasks/{}", platform.url, task["id"]))
        .bearer_auth(&token)
        .json(&json!({"priority": "high"}))
        .send()
        .await
        .expect("patch");
    assert!(changed.status().is_success(), "{}", changed.status());
    browser.fill("#edit-title", "Renew the passport before June").await;
    browser.click("#edit-save").await;
    browser.wait_for_text("#conflict", "changed").await;
    browser.screenshot(&shots, "01-conflict").await;
    browser.click("#conflict-reload").await;
    browser.click("#edit-save").await;
    wait_for(|| async {
        let all = tasks(&platform, &token).await;
        all.iter()
            .any(|t| t["title"] == "Renew the passport before June" && t["priority"] == "high")
    })
    .await;
    browser.screenshot(&shots, "02-merged").await;
    browser.close().await;

    // A second user's page shows none of the first user's tasks.
    let bob = signed_in(&driver, &platform, "bob").await;
    bob.fill("#add-title", "Bob's own task").await;
    bob.click("#add-submit").await;
    bob.wait_for_text("#task-list", "Bob's own task").await;
    let shown = bob.text("#task-list").await;
    assert!(!shown.contains("passport"), "bob sees alice's task: {shown}");
    // "j" then "x" completes the selected task.
    bob.keys("body", "j").await;
    bob.find("li.task.selected").await;
    bob.keys("body", "x").await;
    let bobs_token = platform.token_for("bob", &[]);
    wait_for(|| async {
        let all = tasks(&platform, &bobs_token).await;
        task_named(&all, "Bob's own task")["status"] == "completed"
    })
    .await;
    bob.screenshot(&shots, "03-second-user").await;
    bob.close().await;
}

/// Waits until `condition` holds, up to [`driver::WAIT`].
async fn wait_for<F, Fut>(condition: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !condition().await {
        assert!(started.elapsed() < driver::WAIT, "the condition did not come true");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the text inside `css` no longer contains `needle`.
async fn wait_until_gone(browser: &Browser, css: &str, needle: &str) {
    wait_for(|| async {
        let mut seen = String::new();
        for element in browser.all(css).await {
            seen.push_str(&browser.text_of(&element).await);
        }
        !seen.contains(needle)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_fits_a_phone_screen() {
    let platform = Platform::start(None);
    let shots = screenshots("phone");
    platform.ok(&["add", "Book the dentist", "--tag", "health"]);
    let driver = Driver::start().await;
    let phone = driver.phone(375, 812).await;
    phone.goto(&sign_in_link(&platform, "local")).await;
    phone.wait_for_text("#task-list", "Book the dentist").await;
    let widths = phone
        .script(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            json!([]),
        )
        .await;
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "no sideways scrolling: {widths}"
    );
    // The chat folds away behind a button on a small screen.
    phone.click("#chat-toggle").await;
    phone.find("#chat-input").await;
    phone.screenshot(&shots, "01-tasks-and-chat").await;
    assert_accessible(&phone, "the task list on a phone").await;
    phone.close().await;
}
