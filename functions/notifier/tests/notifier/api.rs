//! The subscriptions API: ownership, validation, target checks, limits and the delivery log.

use axum::http::{Method, StatusCode};
use notifier::Settings;
use serde_json::{Value, json};

use crate::helpers::{Backend, on_both, settings, spawn, spawn_with, task_created};

on_both!(
    a_subscription_shows_its_secret_only_when_created,
    a_given_secret_is_kept,
    another_users_subscription_is_not_found_on_every_route,
    requests_without_a_token_are_unauthorized,
    invalid_fields_are_problem_json_naming_each_field,
    private_targets_are_refused_without_the_setting,
    a_user_has_at_most_twenty_five_subscriptions,
    the_delivery_log_pages_newest_first,
);

const HOOK: &str = "http://127.0.0.1:9/hook";

fn invalid_names(body: &Value) -> Vec<String> {
    body["invalid-params"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn a_subscription_shows_its_secret_only_when_created(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    // Act
    let created = app.subscribe("alice", HOOK, json!({ "description": "my hook" })).await;
    // Assert
    let secret = created["secret"].as_str().expect("a secret");
    assert!(secret.starts_with("whsec_"));
    assert!(notifier::signature::secret_bytes(secret).is_ok_and(|k| k.len() == 24));
    assert_eq!(
        created["event_types"],
        json!(["task.created", "task.due_soon", "task.overdue", "task.reminder"])
    );
    assert_eq!(created["active"], json!(true));
    let id = created["id"].as_str().expect("an id");
    let shown = app
        .call(Some("alice"), Method::GET, &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.get("secret").is_none());
    assert_eq!(shown.body["description"], "my hook");
    let list = app.call(Some("alice"), Method::GET, "/api/webhooks", None).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    assert!(list.body["items"][0].get("secret").is_none());
}

async fn a_given_secret_is_kept(backend: Backend) {
    let app = spawn(backend).await;
    let secret = notifier::signature::generate_secret();
    let created = app.subscribe("alice", HOOK, json!({ "secret": secret })).await;
    assert_eq!(created["secret"], json!(secret));
}

async fn another_users_subscription_is_not_found_on_every_route(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let created = app.subscribe("alice", HOOK, json!({})).await;
    let id = created["id"].as_str().expect("an id");
    // Act / Assert
    for (method, path) in [
        (Method::GET, format!("/api/webhooks/{id}")),
        (Method::GET, format!("/api/webhooks/{id}/deliveries")),
        (Method::DELETE, format!("/api/webhooks/{id}")),
    ] {
        let answer = app.call(Some("mallory"), method.clone(), &path, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(answer.content_type, "application/problem+json");
    }
    let list = app.call(Some("mallory"), Method::GET, "/api/webhooks", None).await;
    assert_eq!(list.body["items"], json!([]));
    let still_there = app
        .call(Some("alice"), Method::GET, &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(still_there.status, StatusCode::OK);
    let deleted = app
        .call(Some("alice"), Method::DELETE, &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = app
        .call(Some("alice"), Method::GET, &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let junk = app
        .call(Some("alice"), Method::GET, "/api/webhooks/not-a-uuid", None)
        .await;
    assert_eq!(junk.status, StatusCode::NOT_FOUND);
}

async fn requests_without_a_token_are_unauthorized(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [(Method::GET, "/api/webhooks"), (Method::POST, "/api/webhooks")] {
        let answer = app.call(None, method, path, Some(json!({ "url": HOOK }))).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.content_type, "application/problem+json");
    }
}

async fn invalid_fields_are_problem_json_naming_each_field(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let body = json!({
        "url": "ftp://user:pw@example.com/",
        "event_types": ["task.created", "task.exploded", "notification.sent"],
        "secret": "whsec_c2hvcnQ=",
        "description": "x".repeat(501),
    });
    // Act
    let answer = app.call(Some("alice"), Method::POST, "/api/webhooks", Some(body)).await;
    // Assert
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(
        invalid_names(&answer.body),
        ["url", "event_types[1]", "event_types[2]", "secret", "description"]
    );
    let reason = answer.body["invalid-params"][1]["reason"].as_str().unwrap_or_default();
    let allowed = reason.split("allowed: ").nth(1).unwrap_or_default();
    assert!(allowed.starts_with("task.created, task.updated"), "{reason}");
    assert!(!allowed.contains("notification"), "{reason}");
    let missing = app
        .call(Some("alice"), Method::POST, "/api/webhooks", Some(json!({})))
        .await;
    assert_eq!(invalid_names(&missing.body), ["url"]);
    let empty = app
        .call(
            Some("alice"),
            Method::POST,
            "/api/webhooks",
            Some(json!({ "url": HOOK, "event_types": [] })),
        )
        .await;
    assert_eq!(invalid_names(&empty.body), ["event_types"]);
    let long = format!("https://example.com/{}", "a".repeat(2048));
    let too_long = app
        .call(
            Some("alice"),
            Method::POST,
            "/api/webhooks",
            Some(json!({ "url": long })),
        )
        .await;
    assert_eq!(invalid_names(&too_long.body), ["url"]);
    let nothing = app.call(Some("alice"), Method::GET, "/api/webhooks", None).await;
    assert_eq!(nothing.body["items"], json!([]), "nothing invalid was stored");
}

async fn private_targets_are_refused_without_the_setting(backend: Backend) {
    // Arrange
    let strict = spawn_with(backend, Settings::default()).await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://100.64.1.1/",
        "http://0.0.0.0/",
        "http://localhost:3000/hook",
    ] {
        // Act
        let answer = strict
            .call(
                Some("alice"),
                Method::POST,
                "/api/webhooks",
                Some(json!({ "url": url })),
            )
            .await;
        // Assert
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(
            answer.body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("webhook-target-refused")),
            "{url}"
        );
        assert_eq!(invalid_names(&answer.body), ["url"]);
    }
    let allowed = spawn_with(backend, settings()).await;
    allowed
        .subscribe("alice", "http://127.0.0.1:8080/hook", json!({}))
        .await;
}

async fn a_user_has_at_most_twenty_five_subscriptions(backend: Backend) {
    let app = spawn(backend).await;
    for _ in 0..25 {
        app.subscribe("alice", HOOK, json!({})).await;
    }
    let answer = app
        .call(
            Some("alice"),
            Method::POST,
            "/api/webhooks",
            Some(json!({ "url": HOOK })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("subscription-limit"))
    );
    app.subscribe("bob", HOOK, json!({})).await;
}

async fn the_delivery_log_pages_newest_first(backend: Backend) {
    // Arrange: five queued deliveries.
    let app = spawn(backend).await;
    let created = app.subscribe("alice", HOOK, json!({})).await;
    let id = created["id"].as_str().expect("an id");
    let mut event_ids = Vec::new();
    for _ in 0..5 {
        let event = task_created("alice");
        event_ids.push(event.id.to_string());
        app.deliver_event(&event).await;
    }
    // Act
    let path = format!("/api/webhooks/{id}/deliveries?limit=2");
    let first = app.call(Some("alice"), Method::GET, &path, None).await;
    let cursor = first.body["next_cursor"].as_str().expect("a cursor").to_owned();
    let second = app
        .call(Some("alice"), Method::GET, &format!("{path}&cursor={cursor}"), None)
        .await;
    let third_cursor = second.body["next_cursor"].as_str().expect("a cursor").to_owned();
    let third = app
        .call(
            Some("alice"),
            Method::GET,
            &format!("{path}&cursor={third_cursor}"),
            None,
        )
        .await;
    // Assert
    let seen: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|page| page.body["items"].as_array().cloned().unwrap_or_default())
        .map(|d| d["event_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    event_ids.reverse();
    assert_eq!(seen, event_ids);
    assert_eq!(third.body["next_cursor"], Value::Null);
    let item = &first.body["items"][0];
    assert_eq!(item["status"], "pending");
    assert_eq!(item["attempts"], 0);
    assert_eq!(item["event_type"], "task.created");
    let bad = app
        .call(
            Some("alice"),
            Method::GET,
            &format!("/api/webhooks/{id}/deliveries?limit=0&cursor=x&sort=up"),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid_names(&bad.body), ["limit", "cursor", "sort"]);
}

#[tokio::test]
async fn the_openapi_document_lists_the_webhook_routes() {
    let app = spawn(Backend::Sqlite).await;
    let doc = app.call(None, Method::GET, "/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    for path in ["/api/webhooks", "/api/webhooks/{id}", "/api/webhooks/{id}/deliveries"] {
        assert!(doc.body["paths"].get(path).is_some(), "{path} missing");
    }
}
