//! What the page does when things go wrong or happen elsewhere: the API's reason for refusing a
//! field is shown next to that field; a lost connection is shown and the write waits for it
//! instead of being lost or sent twice; a webhook's bad URL is explained next to its field, a good
//! one shows its secret once, and its delivery log shows what was sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::post;
use serde_json::json;

use super::driver::Driver;
use super::{screenshots, signed_in, task_named, tasks, wait_for};
use crate::harness::Platform;

/// Whether the element `id` is shown.
async fn shown(browser: &super::Browser, id: &str) -> bool {
    browser
        .script("return !document.getElementById(arguments[0]).hidden;", json!([id]))
        .await
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_is_shown_and_the_write_goes_through_once_when_it_is_back() {
    let platform = Platform::start(None);
    let shots = screenshots("lost_connection");
    let driver = Driver::start().await;
    let browser = signed_in(&driver, &platform, "local").await;
    let token = platform.local_token();
    browser.wait_for_text("#live-status", "live").await;

    // A tag the API refuses (longer than 50 characters): its reason is next to the tags field,
    // which is marked invalid, and nothing is added.
    browser.fill("#add-title", "Tagged badly").await;
    browser.fill("#add-tags", &format!("home, {}", "t".repeat(60))).await;
    browser.click("#add-submit").await;
    let reason = browser.wait_for_text("#add-tags-error", "at most 50 characters").await;
    let invalid = browser
        .script(
            "return document.getElementById('add-tags').getAttribute('aria-invalid');",
            json!([]),
        )
        .await;
    assert_eq!(invalid, "true", "{reason}");
    browser.screenshot(&shots, "00-refused-field").await;
    assert!(tasks(&platform, &token).await.is_empty(), "nothing was added");
    browser.fill("#add-tags", "").await;

    // The network drops: the live stream says it is reconnecting, and a task added now waits.
    browser.set_offline(true).await;
    browser.fill("#add-title", "Written offline").await;
    browser.click("#add-submit").await;
    wait_for(|| shown(&browser, "offline")).await;
    browser.wait_for_text("#live-status", "reconnecting").await;
    browser.screenshot(&shots, "01-offline").await;
    assert!(
        tasks(&platform, &token)
            .await
            .iter()
            .all(|t| t["title"] != "Written offline"),
        "nothing reached the server while offline"
    );

    // Back online: Retry (or the browser's own `online` event) sends it, once.
    browser.set_offline(false).await;
    browser
        .script(
            "if (!document.getElementById('offline').hidden) document.getElementById('offline-retry').click();",
            json!([]),
        )
        .await;
    browser.wait_for_text("#task-list", "Written offline").await;
    wait_for(|| async { !shown(&browser, "offline").await }).await;
    browser.wait_for_text("#live-status", "live").await;
    browser.screenshot(&shots, "02-back-online").await;
    let all = tasks(&platform, &token).await;
    task_named(&all, "Written offline");
    assert_eq!(
        all.iter().filter(|t| t["title"] == "Written offline").count(),
        1,
        "sent exactly once: {all:#?}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_added_from_the_page_and_its_deliveries_are_listed() {
    // An endpoint on this machine (the platform is told to accept private targets).
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    let receiver = axum::Router::new().route(
        "/hook",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}/hook", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let platform = Platform::start_with(None, &[("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")]);
    let shots = screenshots("webhooks");
    let driver = Driver::start().await;
    let browser = signed_in(&driver, &platform, "local").await;
    browser.click("#nav-webhooks").await;
    browser.wait_for_text("#view-webhooks", "Webhooks").await;

    // A URL the API refuses: its reason is shown next to the URL field.
    browser.fill("#webhook-url", "ftp://hooks.example.com/todo").await;
    browser.click("#webhook-add").await;
    wait_for(|| async { !browser.all("#webhook-url-error").await.is_empty() }).await;
    let invalid = browser
        .script(
            "return document.getElementById('webhook-url').getAttribute('aria-invalid');",
            json!([]),
        )
        .await;
    assert_eq!(invalid, "true", "the field is marked invalid");
    let reason = browser.text("#webhook-url-error").await;
    assert!(!reason.trim().is_empty(), "a reason next to the field");
    browser.screenshot(&shots, "01-refused").await;

    // A good one: its signing secret is shown, once.
    browser.fill("#webhook-url", &endpoint).await;
    browser.click("#webhook-add").await;
    let secret = browser.wait_for_text("#webhook-secret", "Signing secret").await;
    assert!(secret.contains("whsec_"), "{secret}");
    browser.wait_for_text("#webhook-list", &endpoint).await;

    // A task is created: the endpoint gets it, and the delivery log says so.
    let token = platform.local_token();
    let created = reqwest::Client::new()
        .post(format!("{}/api/tasks", platform.url))
        .bearer_auth(&token)
        .json(&json!({"title": "Tell the hook"}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), 201);
    wait_for(|| async { received.load(Ordering::SeqCst) >= 1 }).await;
    browser.click(".deliveries-toggle").await;
    let log = browser.wait_for_text(".deliveries", "task.created").await;
    assert!(log.contains("sent") && log.contains("HTTP 200"), "{log}");
    browser.screenshot(&shots, "02-delivered").await;
    browser.close().await;
}
