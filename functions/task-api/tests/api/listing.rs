//! `GET /api/tasks` through HTTP: filters, repeated parameters, sorting and search.

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_problem, id_of, ids, invalid_param_names, spawn_app};

on_both_backends!(
    filters_select_exactly_the_matching_tasks,
    repeated_tag_parameters_must_all_match,
    repeated_priority_parameters_match_any_of_them,
    overdue_lists_only_pending_tasks_past_their_due_time,
    sort_minus_priority_puts_the_most_urgent_first_with_ties_by_id,
    tasks_without_due_date_come_last_in_both_directions,
    search_matches_word_prefixes_in_title_and_description,
    odd_search_text_never_causes_a_500,
    searches_spend_the_costly_budget_and_plain_lists_do_not,
);

pub(crate) fn at(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Four tasks of alice: milk (home, errands; high; due tomorrow), rent (home, money; urgent;
/// overdue), report (work; low; was due, but completed) and book (no tags, medium, no due date).
pub(crate) async fn seed(app: &TestApp) -> anyhow::Result<[i64; 4]> {
    let milk = app
        .create_task(
            "alice",
            json!({"title": "Buy milk", "tags": ["home", "errands"], "priority": "high", "due_at": at(Duration::days(1))}),
        )
        .await;
    let rent = app
        .create_task(
            "alice",
            json!({"title": "Pay rent", "tags": ["home", "money"], "priority": "urgent", "due_at": at(-Duration::days(1))}),
        )
        .await;
    let report = app
        .create_task(
            "alice",
            json!({"title": "Write report", "description": "quarterly numbers", "tags": ["work"], "priority": "low", "due_at": at(-Duration::days(2))}),
        )
        .await;
    let book = app.create_task("alice", json!({"title": "Read book"})).await;
    let report = id_of(&report);
    let done = app
        .request("alice", Method::POST, &format!("/api/tasks/{report}/complete"))
        .send()
        .await?;
    assert_eq!(done.status(), StatusCode::OK);
    Ok([id_of(&milk), id_of(&rent), report, id_of(&book)])
}

async fn filters_select_exactly_the_matching_tasks(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let [milk, rent, report, book] = seed(&app).await?;
    let now = at(Duration::zero());
    let cases: Vec<(String, Vec<i64>)> = vec![
        (String::new(), vec![milk, rent, report, book]),
        ("status=all".into(), vec![milk, rent, report, book]),
        ("status=pending".into(), vec![milk, rent, book]),
        ("status=completed".into(), vec![report]),
        ("tag=home".into(), vec![milk, rent]),
        ("tag=HOME".into(), vec![milk, rent]),
        ("tag=work&status=pending".into(), vec![]),
        ("priority=urgent".into(), vec![rent]),
        (format!("due_before={now}"), vec![rent, report]),
        (format!("due_after={now}"), vec![milk]),
        (
            format!("due_after={}&due_before={}", at(-Duration::hours(36)), now),
            vec![rent],
        ),
        ("tag=home&priority=urgent".into(), vec![rent]),
        ("q=report&status=completed".into(), vec![report]),
    ];

    for (query, expected) in cases {
        // Act
        let page = app.list("alice", &query).await;

        // Assert
        assert_eq!(ids(&page), expected, "?{query}");
        assert_eq!(page["next_cursor"], Value::Null, "?{query}");
    }
    Ok(())
}

async fn repeated_tag_parameters_must_all_match(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let [milk, rent, ..] = seed(&app).await?;

    // Act
    let both = app.list_ids("alice", "tag=home&tag=errands").await;
    let comma = app.list_ids("alice", "tag=home,money").await;
    let hash = app.list_ids("alice", "tag=%23home&tag=money").await;
    let none = app.list_ids("alice", "tag=errands&tag=money").await;

    // Assert
    assert_eq!(both, [milk]);
    assert_eq!(comma, [rent]);
    assert_eq!(hash, [rent]);
    assert!(none.is_empty());
    Ok(())
}

async fn repeated_priority_parameters_match_any_of_them(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let [milk, rent, report, book] = seed(&app).await?;

    // Act
    let repeated = app.list_ids("alice", "priority=high&priority=urgent").await;
    let comma = app.list_ids("alice", "priority=low,medium").await;
    let mixed_case = app.list_ids("alice", "priority=LOW&priority=High").await;

    // Assert
    assert_eq!(repeated, [milk, rent]);
    assert_eq!(comma, [report, book]);
    assert_eq!(mixed_case, [milk, report]);
    Ok(())
}

async fn overdue_lists_only_pending_tasks_past_their_due_time(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let [milk, rent, report, book] = seed(&app).await?;

    // Act
    let overdue = app.list_ids("alice", "overdue=true").await;
    let not_filtered = app.list_ids("alice", "overdue=false").await;

    // Assert
    assert_eq!(overdue, [rent], "completed and future tasks are not overdue");
    assert_eq!(not_filtered, [milk, rent, report, book]);
    Ok(())
}

async fn sort_minus_priority_puts_the_most_urgent_first_with_ties_by_id(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let mut created = Vec::new();
    for priority in ["low", "urgent", "medium", "urgent", "high"] {
        created.push(id_of(
            &app.create_task("alice", json!({"title": priority, "priority": priority}))
                .await,
        ));
    }
    let [low, urgent1, medium, urgent2, high] = created[..] else {
        unreachable!()
    };

    // Act
    let descending = app.list_ids("alice", "sort=-priority").await;
    let ascending = app.list_ids("alice", "sort=priority").await;

    // Assert
    assert_eq!(descending, [urgent2, urgent1, high, medium, low]);
    assert_eq!(ascending, [low, medium, high, urgent1, urgent2]);
    Ok(())
}

async fn tasks_without_due_date_come_last_in_both_directions(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let undated = id_of(&app.create_task("alice", json!({"title": "whenever"})).await);
    let late = id_of(
        &app.create_task("alice", json!({"title": "late", "due_at": "2031-01-01T00:00:00Z"}))
            .await,
    );
    let early = id_of(
        &app.create_task("alice", json!({"title": "early", "due_at": "2030-01-01T00:00:00Z"}))
            .await,
    );

    // Act
    let ascending = app.list_ids("alice", "sort=due_at").await;
    let descending = app.list_ids("alice", "sort=-due_at").await;
    let by_title = app.list_ids("alice", "sort=-title").await;

    // Assert
    assert_eq!(ascending, [early, late, undated]);
    assert_eq!(descending, [late, early, undated]);
    assert_eq!(by_title, [undated, late, early]);
    Ok(())
}

async fn search_matches_word_prefixes_in_title_and_description(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let [milk, _, report, _] = seed(&app).await?;

    // Act
    let prefix = app.list_ids("alice", "q=mil").await;
    let description = app.list_ids("alice", "q=quarterly").await;
    let all_words = app.list_ids("alice", "q=write%20numbers").await;
    let not_all_words = app.list_ids("alice", "q=milk%20numbers").await;
    let only_stop_words = app.list_ids("alice", "q=the%20and").await;

    // Assert
    assert_eq!(prefix, [milk]);
    assert_eq!(description, [report]);
    assert_eq!(all_words, [report]);
    assert!(not_all_words.is_empty());
    assert!(only_stop_words.is_empty());
    Ok(())
}

async fn odd_search_text_never_causes_a_500(backend: Backend) -> anyhow::Result<()> {
    // Arrange: more searches than a user's costly budget allows in a minute; the budget is
    // tested in `limits`, the search text here.
    let edge = todo_kit::limits::EdgeSettings {
        limits: todo_kit::limits::LimitSettings {
            expensive: None,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with_edge(backend, edge).await;
    app.create_task("alice", json!({"title": "Über café 日本 ½ report"}))
        .await;
    let long_word = "a".repeat(3000);
    let many_words = (0..40).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let texts = [
        "\"",
        "'",
        "*",
        "NEAR(a b)",
        "a AND b",
        "-milk",
        "milk:*",
        "!",
        "&|",
        "(((",
        "\u{345}",
        "½",
        "ǅ",
        "日本",
        "über",
        "café",
        "x\u{0}y",
        "%",
        "_",
        "\\",
        "report:*",
        "NOT report",
        "rep*",
        &long_word,
        &many_words,
    ];

    for text in texts {
        // Act
        let response = app
            .request("alice", Method::GET, "/api/tasks")
            .query(&[("q", text)])
            .send()
            .await?;

        // Assert
        let status = response.status();
        let shown: String = text.chars().take(40).collect();
        assert!(
            status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
            "q={shown:?} answered {status}: {}",
            response.text().await?
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            let problem = assert_problem(response, status).await?;
            assert_eq!(invalid_param_names(&problem), ["q"], "q={shown:?}");
        }
    }
    Ok(())
}

async fn searches_spend_the_costly_budget_and_plain_lists_do_not(backend: Backend) -> anyhow::Result<()> {
    // Arrange: two costly requests a minute per user.
    let edge = todo_kit::limits::EdgeSettings {
        limits: todo_kit::limits::LimitSettings {
            expensive: Some(todo_kit::limits::Budget::per_minute(2, 2)),
            ..Default::default()
        },
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with_edge(backend, edge).await;
    let list = |q: &'static str| {
        let request = app.request("alice", Method::GET, "/api/tasks");
        if q.is_empty() {
            request
        } else {
            request.query(&[("q", q)])
        }
        .send()
    };

    // Act
    let searched = [list("milk").await?.status(), list("rent").await?.status()];
    let third = list("book").await?;
    let blank = list("   ").await?.status();
    let plain = list("").await?.status();
    let other = app
        .request("bob", Method::GET, "/api/tasks")
        .query(&[("q", "milk")])
        .send()
        .await?
        .status();

    // Assert
    assert_eq!(searched, [StatusCode::OK, StatusCode::OK]);
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key("retry-after"));
    let problem: Value = third.json().await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("costly"),
        "{problem}"
    );
    assert_eq!(blank, StatusCode::OK, "a blank q is no search");
    assert_eq!(plain, StatusCode::OK, "paging through the list is not costly");
    assert_eq!(other, StatusCode::OK, "each user has a budget of their own");
    Ok(())
}
