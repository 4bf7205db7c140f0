//! The shortcuts the page's help lists, each pressed as a person would: `?` opens the help and
//! Escape closes it, `g a` / `g w` / `g t` switch views, `c` goes to the chat, `j` / `k` move the
//! selection, Delete deletes the selected task and Undo brings it back.

use serde_json::{Value, json};

use super::driver::Driver;
use super::{screenshots, signed_in, tasks, wait_for};
use crate::harness::Platform;

/// WebDriver's key codes.
const ESCAPE: &str = "\u{E00C}";
const DELETE: &str = "\u{E017}";

/// The title of the selected row, if any.
async fn selected(browser: &super::Browser) -> Value {
    browser
        .script(
            "const li = document.querySelector('#task-list li.task.selected');
             return li ? li.dataset.id : null;",
            json!([]),
        )
        .await
}

/// The ids of the rows, top to bottom.
async fn rows(browser: &super::Browser) -> Vec<Value> {
    let ids = browser
        .script(
            "return [...document.querySelectorAll('#task-list li.task')].map(li => li.dataset.id);",
            json!([]),
        )
        .await;
    ids.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shortcut_in_the_help_does_what_it_says() {
    let platform = Platform::start(None);
    let shots = screenshots("keyboard");
    let token = platform.local_token();
    let http = reqwest::Client::new();
    for title in ["Alpha", "Bravo"] {
        let created = http
            .post(format!("{}/api/tasks", platform.url))
            .bearer_auth(&token)
            .json(&json!({ "title": title }))
            .send()
            .await
            .expect("create");
        assert_eq!(created.status(), 201);
    }
    let driver = Driver::start().await;
    let browser = signed_in(&driver, &platform, "local").await;
    browser.wait_for_text("#task-list", "Alpha").await;
    browser.wait_for_text("#task-list", "Bravo").await;

    // `?` opens the list of shortcuts; Escape closes it.
    let help_open = || async {
        browser
            .script("return document.getElementById('shortcuts').open;", json!([]))
            .await
            == json!(true)
    };
    browser.keys("body", "?").await;
    wait_for(help_open).await;
    browser.screenshot(&shots, "01-help").await;
    browser.keys("#shortcuts", ESCAPE).await;
    wait_for(|| async { !help_open().await }).await;

    // `g` then a view's letter goes to that view.
    for (key, view) in [("a", "analytics"), ("w", "webhooks"), ("t", "tasks")] {
        browser.keys("body", &format!("g{key}")).await;
        wait_for(|| async {
            browser
                .script(
                    "return !document.getElementById(arguments[0]).hidden;",
                    json!([format!("view-{view}")]),
                )
                .await
                == json!(true)
        })
        .await;
    }

    // `c` puts the cursor in the chat box.
    browser.keys("body", "c").await;
    let focused = browser.script("return document.activeElement.id;", json!([])).await;
    assert_eq!(focused, "chat-input");
    browser.script("document.activeElement.blur();", json!([])).await;

    // `j` selects the first row, `j` the next, `k` goes back up.
    let ids = rows(&browser).await;
    assert_eq!(ids.len(), 2, "{ids:?}");
    browser.keys("body", "j").await;
    assert_eq!(selected(&browser).await, ids[0]);
    browser.keys("body", "j").await;
    assert_eq!(selected(&browser).await, ids[1]);
    browser.keys("body", "k").await;
    assert_eq!(selected(&browser).await, ids[0]);

    // Delete deletes the selected task; Undo brings it back as a new one.
    let doomed: i64 = ids[0].as_str().and_then(|id| id.parse().ok()).expect("id");
    let title = tasks(&platform, &token)
        .await
        .into_iter()
        .find(|t| t["id"] == doomed)
        .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
        .expect("the selected task");
    browser.keys("body", DELETE).await;
    browser.wait_for_text("#toast", "Deleted").await;
    wait_for(|| async { rows(&browser).await.len() == 1 }).await;
    assert!(
        tasks(&platform, &token).await.iter().all(|t| t["title"] != title),
        "deleted on the server"
    );
    browser.screenshot(&shots, "02-deleted").await;
    browser.click("#undo").await;
    browser.wait_for_text("#toast", "is back").await;
    wait_for(|| async { rows(&browser).await.len() == 2 }).await;
    assert!(
        tasks(&platform, &token).await.iter().any(|t| t["title"] == title),
        "{title} is back"
    );
    browser.close().await;
}
