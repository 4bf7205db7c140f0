//! Cross-user isolation: through every route, another user's task does not exist (404, as for an
//! unknown id), stays unchanged, and no event is written.

use reqwest::{Method, RequestBuilder, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_problem, id_of, problem_kind, spawn_app};

on_both_backends!(
    bob_gets_404_for_alices_tasks_on_every_route_and_nothing_changes,
    a_matching_if_match_does_not_reveal_alices_task_to_bob,
    alices_task_looks_exactly_like_a_missing_task_to_bob,
    lists_and_searches_show_only_the_callers_own_tasks,
    bob_cannot_create_or_list_in_alices_compat_collection,
);

/// Every route that names one task, as `user` would call it for task `id` under `prefix`
/// (`/api/tasks` or a compatibility `/api/{user_id}/tasks`).
fn task_routes(app: &TestApp, user: &str, prefix: &str, id: i64) -> Vec<(String, RequestBuilder)> {
    let path = format!("{prefix}/{id}");
    let mut routes = vec![
        (format!("GET {path}"), app.request(user, Method::GET, &path)),
        (
            format!("PATCH {path}"),
            app.request(user, Method::PATCH, &path)
                .json(&json!({"title": "taken over"})),
        ),
        (
            format!("PUT {path}"),
            app.request(user, Method::PUT, &path)
                .json(&json!({"title": "taken over"})),
        ),
        (
            format!("DELETE {path}?reason"),
            app.request(user, Method::DELETE, &format!("{path}?reason=mine")),
        ),
        (
            format!("DELETE {path} with body"),
            app.request(user, Method::DELETE, &path)
                .json(&json!({"reason": "mine"})),
        ),
        (
            format!("POST {path}/complete"),
            app.request(user, Method::POST, &format!("{path}/complete")),
        ),
        (
            format!("POST {path}/reopen"),
            app.request(user, Method::POST, &format!("{path}/reopen")),
        ),
        (
            format!("GET {path}/history"),
            app.request(user, Method::GET, &format!("{path}/history")),
        ),
    ];
    if prefix != "/api/tasks" {
        routes.push((
            format!("PATCH {path}/complete"),
            app.request(user, Method::PATCH, &format!("{path}/complete")),
        ));
    }
    routes
}

async fn alices_tasks(app: &TestApp) -> anyhow::Result<(Value, Value)> {
    let pending = app
        .create_task("alice", json!({"title": "Alice's secret plan", "tags": ["private"]}))
        .await;
    let completed = app.create_task("alice", json!({"title": "Alice's done deal"})).await;
    let response = app
        .request(
            "alice",
            Method::POST,
            &format!("/api/tasks/{}/complete", id_of(&completed)),
        )
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let completed = response.json().await?;
    Ok((pending, completed))
}

async fn bob_gets_404_for_alices_tasks_on_every_route_and_nothing_changes(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let (pending, completed) = alices_tasks(&app).await?;
    let outbox_before = app.outbox_len().await;
    let mut attempts = Vec::new();
    for task in [&pending, &completed] {
        for prefix in ["/api/tasks", "/api/bob/tasks", "/api/alice/tasks"] {
            attempts.extend(task_routes(&app, "bob", prefix, id_of(task)));
        }
    }
    assert_eq!(attempts.len(), 2 * (8 + 9 + 9));

    for (route, attempt) in attempts {
        // Act
        let response = attempt.send().await?;

        // Assert
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{route}");
        let problem = assert_problem(response, StatusCode::NOT_FOUND).await?;
        assert_eq!(problem_kind(&problem), "not-found", "{route}");
    }
    assert_eq!(app.task("alice", id_of(&pending)).await, pending);
    assert_eq!(app.task("alice", id_of(&completed)).await, completed);
    assert_eq!(app.outbox_len().await, outbox_before, "bob's attempts wrote no event");
    let history: Value = app
        .request("alice", Method::GET, &format!("/api/tasks/{}/history", id_of(&pending)))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        history["items"].as_array().map(Vec::len),
        Some(1),
        "bob left no history"
    );
    Ok(())
}

async fn a_matching_if_match_does_not_reveal_alices_task_to_bob(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let (pending, _) = alices_tasks(&app).await?;
    let id = id_of(&pending);

    for (if_match, route) in [("\"1\"", "right version"), ("\"7\"", "wrong version")] {
        for (label, attempt) in task_routes(&app, "bob", "/api/tasks", id) {
            // Act
            let response = attempt.header(header::IF_MATCH, if_match).send().await?;

            // Assert
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{label} with the {route}");
        }
    }
    assert_eq!(app.task("alice", id).await, pending);
    Ok(())
}

async fn alices_task_looks_exactly_like_a_missing_task_to_bob(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let (pending, _) = alices_tasks(&app).await?;
    let id = id_of(&pending);
    let missing = id + 1000;

    // Act
    let alices = assert_problem(app.get("bob", id).await, StatusCode::NOT_FOUND).await?;
    let nobodys = assert_problem(app.get("bob", missing).await, StatusCode::NOT_FOUND).await?;

    // Assert
    assert_eq!(alices["type"], nobodys["type"]);
    assert_eq!(alices["title"], nobodys["title"]);
    let alices_detail = alices["detail"].as_str().unwrap_or_default();
    let nobodys_detail = nobodys["detail"].as_str().unwrap_or_default();
    assert_eq!(
        alices_detail.replace(&id.to_string(), "N"),
        nobodys_detail.replace(&missing.to_string(), "N")
    );
    assert!(
        !alices.to_string().contains("alice"),
        "the owner is not named: {alices}"
    );
    Ok(())
}

async fn lists_and_searches_show_only_the_callers_own_tasks(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let (pending, completed) = alices_tasks(&app).await?;
    let bobs = id_of(
        &app.create_task("bob", json!({"title": "Bob's secret plan", "tags": ["private"]}))
            .await,
    );

    // Act
    let queries = [
        "",
        "status=all",
        "q=secret",
        "tag=private",
        "status=completed",
        "sort=-priority&limit=200",
    ];
    let mut bob_sees = Vec::new();
    let mut alice_sees = Vec::new();
    for query in queries {
        bob_sees.push(app.list_ids("bob", query).await);
        alice_sees.push(app.list_ids("alice", query).await);
    }
    let compat: Value = app
        .request("bob", Method::GET, "/api/bob/tasks?q=plan")
        .send()
        .await?
        .json()
        .await?;

    // Assert
    let alices = [id_of(&pending), id_of(&completed)];
    for (query, seen) in queries.iter().zip(&bob_sees) {
        assert!(
            seen.iter().all(|id| !alices.contains(id)),
            "bob sees alice's task with ?{query}"
        );
    }
    for (query, seen) in queries.iter().zip(&alice_sees) {
        assert!(!seen.contains(&bobs), "alice sees bob's task with ?{query}");
    }
    assert_eq!(bob_sees[2], [bobs]);
    assert_eq!(crate::helpers::ids(&compat), [bobs]);
    assert_problem(app.get("alice", bobs).await, StatusCode::NOT_FOUND).await?;
    Ok(())
}

async fn bob_cannot_create_or_list_in_alices_compat_collection(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    alices_tasks(&app).await?;
    let outbox_before = app.outbox_len().await;

    // Act
    let create = app
        .request("bob", Method::POST, "/api/alice/tasks")
        .json(&json!({"title": "planted by bob"}))
        .send()
        .await?;
    let list = app.request("bob", Method::GET, "/api/alice/tasks").send().await?;
    let list_with_filters = app
        .request("bob", Method::GET, "/api/alice/tasks?status=all&limit=200")
        .send()
        .await?;

    // Assert
    for response in [create, list, list_with_filters] {
        assert_problem(response, StatusCode::NOT_FOUND).await?;
    }
    assert_eq!(app.outbox_len().await, outbox_before);
    assert_eq!(app.list_ids("alice", "").await.len(), 2);
    assert!(app.list_ids("bob", "").await.is_empty());
    Ok(())
}
