//! Optimistic concurrency: `ETag` is the version, `If-Match` makes every write conditional on it.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::helpers::{Backend, assert_problem, etag_version, id_of, problem_kind, spawn_app};

on_both_backends!(
    a_stale_if_match_is_a_412_problem_and_changes_nothing,
    a_matching_if_match_succeeds_and_returns_the_next_etag,
    a_malformed_if_match_is_a_400_problem_and_changes_nothing,
    writes_without_if_match_are_unconditional,
    concurrent_patches_from_the_same_version_let_exactly_one_win,
);

async fn a_stale_if_match_is_a_412_problem_and_changes_nothing(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "v1"})).await);
    let current = app.patch_with_if_match("alice", id, 1, json!({"title": "v2"})).await;
    assert_eq!(etag_version(&current), Some(2));
    let before = app.task("alice", id).await;
    let outbox_before = app.outbox_len().await;
    let path = format!("/api/tasks/{id}");
    let stale = [
        app.request("alice", Method::PATCH, &path)
            .json(&json!({"title": "lost update"})),
        app.request("alice", Method::PUT, &path)
            .json(&json!({"title": "lost update"})),
        app.request("alice", Method::DELETE, &path),
        app.request("alice", Method::POST, &format!("{path}/complete")),
        app.request("alice", Method::POST, &format!("{path}/reopen")),
        app.request("alice", Method::PATCH, &format!("/api/alice/tasks/{id}/complete")),
    ];

    for attempt in stale {
        // Act
        let response = attempt.header(header::IF_MATCH, "\"1\"").send().await?;

        // Assert
        let problem = assert_problem(response, StatusCode::PRECONDITION_FAILED).await?;
        assert_eq!(problem_kind(&problem), "version-conflict");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains('1') && detail.contains('2'),
            "names both versions: {detail}"
        );
    }
    assert_eq!(app.task("alice", id).await, before);
    assert_eq!(app.outbox_len().await, outbox_before);
    Ok(())
}

async fn a_matching_if_match_succeeds_and_returns_the_next_etag(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "v1"})).await);
    let path = format!("/api/tasks/{id}");

    // Act
    let strong = app.patch_with_if_match("alice", id, 1, json!({"title": "v2"})).await;
    let weak = app
        .request("alice", Method::PUT, &path)
        .header(header::IF_MATCH, "W/\"2\"")
        .json(&json!({"title": "v3"}))
        .send()
        .await?;
    let any = app
        .request("alice", Method::POST, &format!("{path}/complete"))
        .header(header::IF_MATCH, "*")
        .send()
        .await?;
    let delete = app
        .request("alice", Method::DELETE, &path)
        .header(header::IF_MATCH, "\"4\"")
        .send()
        .await?;

    // Assert
    assert_eq!(strong.status(), StatusCode::OK);
    assert_eq!(etag_version(&strong), Some(2));
    assert_eq!(weak.status(), StatusCode::OK);
    assert_eq!(etag_version(&weak), Some(3));
    assert_eq!(any.status(), StatusCode::OK);
    assert_eq!(etag_version(&any), Some(4));
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.outbox_types().await,
        [
            "task.created",
            "task.updated",
            "task.updated",
            "task.completed",
            "task.deleted"
        ]
    );
    Ok(())
}

async fn a_malformed_if_match_is_a_400_problem_and_changes_nothing(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "v1"})).await);
    let before = app.task("alice", id).await;
    let path = format!("/api/tasks/{id}");

    for value in ["\"abc\"", "v1", "\"1\", \"2\"", "\"\"", "W/"] {
        let attempts = [
            app.request("alice", Method::PATCH, &path).json(&json!({"title": "x"})),
            app.request("alice", Method::PUT, &path).json(&json!({"title": "x"})),
            app.request("alice", Method::DELETE, &path),
            app.request("alice", Method::POST, &format!("{path}/complete")),
        ];
        for attempt in attempts {
            // Act
            let response = attempt.header(header::IF_MATCH, value).send().await?;

            // Assert
            let problem = assert_problem(response, StatusCode::BAD_REQUEST).await?;
            assert_eq!(problem_kind(&problem), "invalid-if-match", "If-Match: {value}");
        }
    }
    assert_eq!(app.task("alice", id).await, before);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn writes_without_if_match_are_unconditional(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "v1"})).await);
    app.patch_with_if_match("alice", id, 1, json!({"title": "v2"})).await;

    // Act
    let response = app
        .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
        .json(&json!({"title": "v3"}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(etag_version(&response), Some(3));
    Ok(())
}

async fn concurrent_patches_from_the_same_version_let_exactly_one_win(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "v1"})).await);

    // Act
    let (a, b, c) = tokio::join!(
        app.patch_with_if_match("alice", id, 1, json!({"title": "from a"})),
        app.patch_with_if_match("alice", id, 1, json!({"title": "from b"})),
        app.patch_with_if_match("alice", id, 1, json!({"title": "from c"})),
    );

    // Assert
    let statuses = [a.status(), b.status(), c.status()];
    let winners = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let losers = statuses
        .iter()
        .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((winners, losers), (1, 2), "{statuses:?}");
    let task = app.task("alice", id).await;
    assert_eq!(task["version"], 2);
    assert_eq!(app.outbox_types().await, ["task.created", "task.updated"]);
    Ok(())
}
