//! Field rules: every broken rule is listed in one 422 problem (`invalid-params`), limits hold
//! exactly at their edges, and a refused write leaves no task, history or outbox row.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Backend, assert_problem, id_of, invalid_param_names, problem_kind, spawn_app};

on_both_backends!(
    every_invalid_field_is_reported_in_one_422_problem,
    an_invalid_patch_lists_every_bad_field_and_changes_nothing,
    an_invalid_put_lists_every_bad_field_and_changes_nothing,
    a_reminder_or_recurrence_without_due_date_is_refused,
    a_bad_delete_reason_is_refused_and_the_task_stays,
    limits_are_enforced_exactly_at_their_edges,
    extreme_due_dates_are_accepted_or_refused_but_never_a_500,
);

async fn every_invalid_field_is_reported_in_one_422_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let tags: Vec<String> = (0..21).map(|i| format!("tag{i}")).collect();
    let body = json!({
        "title": "   ",
        "priority": "critical",
        "tags": tags,
        "due_at": "tomorrow at noon",
        "remind_before_minutes": -5,
        "recurrence": "FREQ=HOURLY"
    });

    // Act
    let response = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&body)
        .send()
        .await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
    assert_eq!(problem_kind(&problem), "validation");
    let names = invalid_param_names(&problem);
    for field in [
        "title",
        "priority",
        "tags",
        "due_at",
        "remind_before_minutes",
        "recurrence",
    ] {
        assert!(names.iter().any(|n| n == field), "{field} is reported: {problem}");
    }
    let params = problem["invalid-params"].as_array().cloned().unwrap_or_default();
    assert!(params.len() >= 4, "{problem}");
    assert!(
        params
            .iter()
            .all(|p| !p["reason"].as_str().unwrap_or_default().is_empty())
    );
    assert_eq!(app.outbox_len().await, 0, "nothing was written");
    assert!(app.list_ids("alice", "").await.is_empty());
    Ok(())
}

async fn an_invalid_patch_lists_every_bad_field_and_changes_nothing(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app
        .create_task("alice", json!({"title": "Stable", "tags": ["a"]}))
        .await;
    let id = id_of(&task);
    let body = json!({
        "title": null,
        "priority": "someday",
        "tags": ["ok", " ", "x".repeat(51)],
        "due_at": "2026-13-01T00:00:00Z",
        "description": "d".repeat(4001)
    });

    // Act
    let response = app.patch_with_if_match("alice", id, 1, body).await;

    // Assert
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
    let names = invalid_param_names(&problem);
    for field in ["title", "priority", "tags[1]", "tags[2]", "due_at", "description"] {
        assert!(names.iter().any(|n| n == field), "{field} is reported: {problem}");
    }
    assert_eq!(app.task("alice", id).await, task);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn an_invalid_put_lists_every_bad_field_and_changes_nothing(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app.create_task("alice", json!({"title": "Stable"})).await;
    let id = id_of(&task);

    // Act
    let response = app
        .request("alice", Method::PUT, &format!("/api/tasks/{id}"))
        .json(&json!({"title": "t".repeat(201), "priority": "meh", "recurrence": "FREQ=DAILY;COUNT=0"}))
        .send()
        .await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
    let names = invalid_param_names(&problem);
    for field in ["title", "priority", "recurrence"] {
        assert!(names.iter().any(|n| n == field), "{field} is reported: {problem}");
    }
    assert_eq!(app.task("alice", id).await, task);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn a_reminder_or_recurrence_without_due_date_is_refused(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app
        .create_task(
            "alice",
            json!({"title": "Weekly", "due_at": "2030-01-07T09:00:00Z", "remind_before_minutes": 15, "recurrence": "FREQ=WEEKLY"}),
        )
        .await;
    let id = id_of(&task);

    // Act
    let create = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&json!({"title": "No due", "remind_before_minutes": 10, "recurrence": "FREQ=DAILY"}))
        .send()
        .await?;
    let clear_due = app.patch_with_if_match("alice", id, 1, json!({"due_at": null})).await;

    // Assert
    let problem = assert_problem(create, StatusCode::UNPROCESSABLE_ENTITY).await?;
    assert_eq!(invalid_param_names(&problem), ["remind_before_minutes", "recurrence"]);
    let problem = assert_problem(clear_due, StatusCode::UNPROCESSABLE_ENTITY).await?;
    assert_eq!(invalid_param_names(&problem), ["remind_before_minutes", "recurrence"]);
    assert_eq!(app.task("alice", id).await, task);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn a_bad_delete_reason_is_refused_and_the_task_stays(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Stays"})).await);
    let path = format!("/api/tasks/{id}");
    let long = "r".repeat(501);

    // Act
    let too_long_query = app
        .request("alice", Method::DELETE, &format!("{path}?reason={long}"))
        .send()
        .await?;
    let too_long_body = app
        .request("alice", Method::DELETE, &path)
        .json(&json!({"reason": long}))
        .send()
        .await?;
    let malformed_body = app
        .request("alice", Method::DELETE, &path)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"reason\": ")
        .send()
        .await?;
    let wrong_type = app
        .request("alice", Method::DELETE, &path)
        .json(&json!({"reason": 42}))
        .send()
        .await?;

    // Assert
    for response in [too_long_query, too_long_body] {
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
        assert_eq!(invalid_param_names(&problem), ["reason"]);
    }
    for response in [malformed_body, wrong_type] {
        assert_problem(response, StatusCode::BAD_REQUEST).await?;
    }
    assert_eq!(app.task("alice", id).await["version"], 1);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn limits_are_enforced_exactly_at_their_edges(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let tags: Vec<String> = (0..20).map(|i| format!("{i:0>50}")).collect();
    let at_limits = json!({
        "title": "é".repeat(200),
        "description": "🦀".repeat(4000),
        "tags": tags,
        "due_at": "2030-01-01T00:00:00Z",
        "remind_before_minutes": 525_600
    });
    let over_limits = [
        (json!({"title": "é".repeat(201)}), "title"),
        (json!({"title": "a", "description": "🦀".repeat(4001)}), "description"),
        (json!({"title": "a", "tags": ["x".repeat(51)]}), "tags[0]"),
        (
            json!({"title": "a", "due_at": "2030-01-01T00:00:00Z", "remind_before_minutes": 525_601}),
            "remind_before_minutes",
        ),
        (
            json!({"title": "a", "due_at": "2030-01-01T00:00:00Z", "remind_before_minutes": i64::MAX}),
            "remind_before_minutes",
        ),
        (json!({"title": "line\nbreak"}), "title"),
        (json!({"title": "a", "tags": ["a,b"]}), "tags[0]"),
        (json!({"title": "a", "due_at": "2030-01-01T00:00:00"}), "due_at"),
    ];

    // Act
    let accepted = app.create_task("alice", at_limits).await;
    let mut refused = Vec::new();
    for (body, field) in over_limits {
        let response = app
            .request("alice", Method::POST, "/api/tasks")
            .json(&body)
            .send()
            .await?;
        refused.push((assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?, field));
    }

    // Assert
    assert_eq!(accepted["tags"].as_array().map(Vec::len), Some(20));
    assert_eq!(app.task("alice", id_of(&accepted)).await, accepted);
    for (problem, field) in refused {
        assert_eq!(invalid_param_names(&problem), [field], "{problem}");
    }
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn extreme_due_dates_are_accepted_or_refused_but_never_a_500(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let dates = [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
        "2030-02-30T00:00:00Z",
        "2030-01-01T25:00:00Z",
        "2030-01-01T00:00:00.123456789+05:30",
    ];

    for due in dates {
        // Act
        let response = app
            .request("alice", Method::POST, "/api/tasks")
            .json(&json!({"title": format!("due {due}"), "due_at": due}))
            .send()
            .await?;

        // Assert
        let status = response.status();
        if status == StatusCode::CREATED {
            let task: Value = response.json().await?;
            assert_eq!(app.task("alice", id_of(&task)).await, task, "{due} reads back");
        } else {
            let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
            assert_eq!(invalid_param_names(&problem), ["due_at"], "{due}");
        }
    }
    for sort in ["due_at", "-due_at"] {
        app.list("alice", &format!("sort={sort}")).await;
    }
    app.list("alice", "overdue=true").await;
    Ok(())
}
