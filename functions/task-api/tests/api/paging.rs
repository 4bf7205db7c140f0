//! List parameters that are refused (422 for bad values, 400 for bad cursors), and cursor paging
//! that shows every task exactly once, in order.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, assert_problem, id_of, ids, invalid_param_names, problem_kind, spawn_app};
use crate::listing::seed;

on_both_backends!(
    a_limit_out_of_range_is_a_422_problem,
    every_bad_parameter_is_reported_in_one_422_problem,
    a_bad_cursor_is_a_400_problem,
    a_tampered_cursor_is_a_400_problem_not_a_500,
    cursor_paging_over_120_tasks_returns_every_task_exactly_once,
    a_cursor_still_works_after_the_last_task_it_saw_is_deleted,
);

async fn a_limit_out_of_range_is_a_422_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    seed(&app).await?;

    for limit in ["0", "201", "-1", "abc", "", "1.5", "99999999999"] {
        // Act
        let response = app
            .request("alice", Method::GET, &format!("/api/tasks?limit={limit}"))
            .send()
            .await?;

        // Assert
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
        assert_eq!(invalid_param_names(&problem), ["limit"], "limit={limit}");
    }
    assert_eq!(app.list_ids("alice", "limit=1").await.len(), 1);
    assert_eq!(app.list_ids("alice", "limit=200").await.len(), 4);
    Ok(())
}

async fn every_bad_parameter_is_reported_in_one_422_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let query = "status=done&priority=critical&sort=owner_id&overdue=maybe&due_before=tomorrow&due_after=2030-01-01&owner_id=bob&q=%21%21";

    // Act
    let response = app
        .request("alice", Method::GET, &format!("/api/tasks?{query}"))
        .send()
        .await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await?;
    assert_eq!(problem_kind(&problem), "validation");
    let names = invalid_param_names(&problem);
    for name in [
        "status",
        "priority",
        "sort",
        "overdue",
        "due_before",
        "due_after",
        "owner_id",
        "q",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} is reported: {problem}");
    }
    Ok(())
}

async fn a_bad_cursor_is_a_400_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    seed(&app).await?;
    let by_title = app.list("alice", "sort=title&limit=1").await;
    let title_cursor = by_title["next_cursor"].as_str().expect("a next page").to_owned();
    let not_ours = URL_SAFE_NO_PAD.encode(br#"{"page": 2}"#);
    let attempts = [
        "cursor=garbage".to_owned(),
        "cursor=%21%21%21".to_owned(),
        format!("cursor={not_ours}"),
        format!("cursor={}", URL_SAFE_NO_PAD.encode(b"not json")),
        format!("sort=-title&limit=1&cursor={title_cursor}"),
        format!("sort=title&limit=1&tag=home&cursor={title_cursor}"),
        format!("limit=1&cursor={title_cursor}"),
    ];

    for query in attempts {
        // Act
        let response = app
            .request("alice", Method::GET, &format!("/api/tasks?{query}"))
            .send()
            .await?;

        // Assert
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await?;
        assert_eq!(problem_kind(&problem), "invalid-query", "?{query}");
    }
    let next = app
        .list("alice", &format!("sort=title&limit=1&cursor={title_cursor}"))
        .await;
    assert_eq!(ids(&next).len(), 1, "the cursor works with its own query");
    Ok(())
}

/// Rewrites the sort key inside a cursor this API issued.
fn with_key(cursor: &str, key: Value) -> anyhow::Result<String> {
    let mut decoded: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor)?)?;
    decoded["key"] = key;
    Ok(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&decoded)?))
}

async fn a_tampered_cursor_is_a_400_problem_not_a_500(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    seed(&app).await?;
    let mut attempts = Vec::new();
    for (sort, key) in [
        ("created_at", json!([{"t": "Text", "v": "yesterday"}])),
        ("created_at", json!([{"t": "Int", "v": 5}])),
        ("title", json!([{"t": "Time", "v": "2030-01-01T00:00:00Z"}])),
        ("priority", json!([{"t": "Text", "v": "high"}])),
        (
            "due_at",
            json!([{"t": "Time", "v": "2030-01-01T00:00:00Z"}, {"t": "Text", "v": "x"}]),
        ),
    ] {
        let page = app.list("alice", &format!("sort={sort}&limit=1")).await;
        let cursor = page["next_cursor"].as_str().expect("a next page");
        attempts.push(format!("sort={sort}&limit=1&cursor={}", with_key(cursor, key)?));
    }

    for query in attempts {
        // Act
        let response = app
            .request("alice", Method::GET, &format!("/api/tasks?{query}"))
            .send()
            .await?;

        // Assert
        assert_problem(response, StatusCode::BAD_REQUEST).await?;
    }
    Ok(())
}

async fn cursor_paging_over_120_tasks_returns_every_task_exactly_once(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let priorities = ["low", "medium", "high", "urgent"];
    let mut all = HashSet::new();
    for i in 0..120_i64 {
        let mut body = json!({"title": format!("Task {}", i % 7), "priority": priorities[(i % 4) as usize]});
        if i % 3 != 0 {
            body["due_at"] = json!(format!("2030-01-{:02}T09:00:00Z", i % 5 + 1));
        }
        all.insert(id_of(&app.create_task("alice", body).await));
    }

    for sort in ["created_at", "-priority", "due_at", "-due_at", "-title", "updated_at"] {
        // Act
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = format!("sort={sort}&limit=50");
            if let Some(c) = &cursor {
                query.push_str(&format!("&cursor={c}"));
            }
            let page = app.list("alice", &query).await;
            let page_ids = ids(&page);
            sizes.push(page_ids.len());
            seen.extend(page_ids);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(sizes.len() <= 3, "sort={sort}: too many pages");
        }

        // Assert
        assert_eq!(sizes, [50, 50, 20], "sort={sort}");
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "sort={sort}: a task was shown twice");
        assert_eq!(unique, all, "sort={sort}: every task is shown");
        let whole = app.list_ids("alice", &format!("sort={sort}&limit=200")).await;
        assert_eq!(seen, whole, "sort={sort}: pages follow the order of one big page");
    }
    assert_eq!(app.list_ids("alice", "").await.len(), 50, "the default limit is 50");
    Ok(())
}

async fn a_cursor_still_works_after_the_last_task_it_saw_is_deleted(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(id_of(
            &app.create_task("alice", json!({"title": format!("t{i}")})).await,
        ));
    }
    let first = app.list("alice", "limit=2").await;
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let deleted = app
        .request("alice", Method::DELETE, &format!("/api/tasks/{}", created[1]))
        .send()
        .await?;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    // Act
    let second = app.list_ids("alice", &format!("limit=2&cursor={cursor}")).await;

    // Assert
    assert_eq!(ids(&first), created[..2]);
    assert_eq!(second, created[2..4]);
    Ok(())
}
