//! List ETags and the list cache: a list is `304 Not Modified` until one of the owner's tasks
//! changes, and a cached page never hides a change, even one made by another instance.

use reqwest::{Method, StatusCode};
use serde_json::json;
use todo_domain::{TaskDraft, WriteContext};
use todo_events::EventMetadata;

use crate::helpers::{Backend, TestApp, spawn_app};

on_both_backends!(
    an_unchanged_list_is_not_modified,
    any_change_of_the_owner_gives_a_new_etag_and_fresh_items,
    another_users_changes_leave_the_etag_alone,
    a_change_made_by_another_instance_is_never_hidden_by_the_cache,
    lists_that_depend_on_the_clock_carry_no_etag,
);

async fn get_list(app: &TestApp, user: &str, query: &str, if_none_match: Option<&str>) -> reqwest::Response {
    let mut request = app.request(user, Method::GET, &format!("/api/tasks{query}"));
    if let Some(tag) = if_none_match {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.expect("list request")
}

fn etag(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

async fn an_unchanged_list_is_not_modified(backend: Backend) -> anyhow::Result<()> {
    let app = spawn_app(backend).await;
    app.create_task("alice", json!({"title": "one"})).await;
    let first = get_list(&app, "alice", "?limit=10", None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let tag = etag(&first);
    let again = get_list(&app, "alice", "?limit=10", Some(&tag)).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&again), tag);
    assert!(again.bytes().await?.is_empty());
    let other_query = get_list(&app, "alice", "?limit=11", Some(&tag)).await;
    assert_eq!(other_query.status(), StatusCode::OK, "the ETag belongs to one query");
    Ok(())
}

async fn any_change_of_the_owner_gives_a_new_etag_and_fresh_items(backend: Backend) -> anyhow::Result<()> {
    let app = spawn_app(backend).await;
    let task = app.create_task("alice", json!({"title": "one"})).await;
    let id = task["id"].as_i64().expect("id");
    let mut tag = etag(&get_list(&app, "alice", "", None).await);
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/tasks/{id}"),
            Some(json!({"title": "renamed"})),
        ),
        (Method::POST, format!("/api/tasks/{id}/complete"), None),
        (Method::POST, format!("/api/tasks/{id}/reopen"), None),
        (Method::POST, "/api/tasks".to_owned(), Some(json!({"title": "two"}))),
        (Method::DELETE, format!("/api/tasks/{id}"), None),
    ] {
        let mut request = app.request("alice", method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert!(request.send().await?.status().is_success(), "{method} {path}");
        let response = get_list(&app, "alice", "", Some(&tag)).await;
        assert_eq!(response.status(), StatusCode::OK, "after {method} {path}");
        let new_tag = etag(&response);
        assert_ne!(new_tag, tag, "after {method} {path}");
        tag = new_tag;
        let page: serde_json::Value = response.json().await?;
        let titles: Vec<&str> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|t| t["title"].as_str())
            .collect();
        match method.as_str() {
            "PATCH" => assert_eq!(titles, ["renamed"]),
            "DELETE" => assert_eq!(titles, ["two"]),
            _ => {}
        }
    }
    Ok(())
}

async fn another_users_changes_leave_the_etag_alone(backend: Backend) -> anyhow::Result<()> {
    let app = spawn_app(backend).await;
    app.create_task("alice", json!({"title": "mine"})).await;
    let tag = etag(&get_list(&app, "alice", "", None).await);
    app.create_task("bob", json!({"title": "his"})).await;
    assert_eq!(
        get_list(&app, "alice", "", Some(&tag)).await.status(),
        StatusCode::NOT_MODIFIED
    );
    Ok(())
}

async fn a_change_made_by_another_instance_is_never_hidden_by_the_cache(backend: Backend) -> anyhow::Result<()> {
    let app = spawn_app(backend).await;
    app.create_task("alice", json!({"title": "one"})).await;
    // Fill this instance's cache.
    for _ in 0..3 {
        assert_eq!(
            get_list(&app, "alice", "?sort=title", None).await.status(),
            StatusCode::OK
        );
    }
    // Another instance writes to the same database.
    let ctx = WriteContext::new("alice", "/functions/task-api", EventMetadata::default());
    let draft = TaskDraft {
        title: "from elsewhere".into(),
        ..TaskDraft::default()
    };
    app.store.create(&ctx, draft.validate()?).await?;
    let page: serde_json::Value = get_list(&app, "alice", "?sort=title", None).await.json().await?;
    let titles: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    assert_eq!(titles, ["from elsewhere", "one"]);
    Ok(())
}

async fn lists_that_depend_on_the_clock_carry_no_etag(backend: Backend) -> anyhow::Result<()> {
    let app = spawn_app(backend).await;
    let response = get_list(&app, "alice", "?overdue=true", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("etag").is_none());
    Ok(())
}
