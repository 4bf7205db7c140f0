//! `/metrics`: the Prometheus text format, route templates (never raw paths) as the `endpoint`
//! label, task operations counted, and output that `promtool check metrics` accepts. Counters are
//! process-wide and other tests run beside these, so the checks are on increases, not totals.

use std::io::Write;
use std::process::{Command, Stdio};
use todo_testing::sample;

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::helpers::{Backend, id_of, spawn_app};

async fn scrape(app: &crate::helpers::TestApp) -> anyhow::Result<String> {
    let response = app.anonymous(Method::GET, "/metrics").send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str()?.to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    Ok(response.text().await?)
}

#[tokio::test]
async fn requests_and_task_operations_are_counted_by_route_template() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let before = scrape(&app).await?;
    let show = [
        ("service", "task-api"),
        ("endpoint", "/api/tasks/{id}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let created = [("service", "task-api"), ("operation", "create")];
    let completed = [("service", "task-api"), ("operation", "complete")];

    // Act
    let task = app.create_task("alice", json!({ "title": "measured" })).await;
    let id = id_of(&task);
    for _ in 0..3 {
        assert_eq!(app.get("alice", id).await.status(), StatusCode::OK);
    }
    let done = app
        .request("alice", Method::POST, &format!("/api/tasks/{id}/complete"))
        .send()
        .await?;
    assert_eq!(done.status(), StatusCode::OK);
    app.request("alice", Method::GET, "/no/such/route/123").send().await?;
    let after = scrape(&app).await?;

    // Assert
    assert!(sample(&after, "http_requests_total", &show) - sample(&before, "http_requests_total", &show) >= 3.0);
    assert!(sample(&after, "task_operations_total", &created) > sample(&before, "task_operations_total", &created));
    assert!(sample(&after, "task_operations_total", &completed) > sample(&before, "task_operations_total", &completed));
    let count = [
        ("service", "task-api"),
        ("endpoint", "/api/tasks/{id}"),
        ("method", "GET"),
    ];
    assert!(sample(&after, "http_request_duration_seconds_count", &count) >= 3.0);
    assert!(after.contains("# TYPE http_request_duration_seconds histogram"));
    assert!(after.contains("process_resident_memory_bytes "));
    for line in after.lines().filter(|l| l.starts_with("http_request")) {
        assert!(
            !line.contains(&format!("/{id}\"")),
            "a raw path leaked into a label: {line}"
        );
        assert!(
            !line.contains("/no/such/route"),
            "an unmatched path became a label: {line}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn promtool_accepts_the_scrape() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    app.create_task("alice", json!({ "title": "for promtool" })).await;
    let text = scrape(&app).await?;
    if Command::new("promtool").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "promtool is missing; CI installs it (apt-get install prometheus)"
        );
        eprintln!("skipping: promtool is not installed (apt-get install prometheus)");
        return Ok(());
    }

    // Act
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().expect("stdin").write_all(text.as_bytes())?;
    let output = child.wait_with_output()?;

    // Assert
    assert!(
        output.status.success(),
        "promtool check metrics failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
