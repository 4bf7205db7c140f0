//! The audit trail end to end on `todo serve`: the local user's writes and reads, another user's
//! attempt at the local user's task and an anonymous attempt are each in the trail (through
//! `audit-events` and the analytics read model) with who, the route and resource id, and the
//! outcome; each user reads only their own trail, and a token with the `admin` role reads anyone's.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::Platform;

pub(crate) async fn every_data_access_and_refusal_is_in_the_trail_each_user_sees_their_own() {
    // Arrange
    let platform = Platform::start(None);
    let local = platform.local_token();
    let mallory = platform.token_for("mallory", &[]);
    let admin = platform.token_for("ops", &["admin"]);
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", platform.url);

    // Act: local creates and reads a task; mallory tries it; someone without a token tries it.
    let created: Value = client
        .post(url("/api/tasks"))
        .bearer_auth(&local)
        .json(&json!({"title": "Renew the passport"}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_i64().expect("an id").to_string();
    let read = client
        .get(url(&format!("/api/tasks/{id}")))
        .bearer_auth(&local)
        .send()
        .await
        .expect("read");
    let tried = client
        .get(url(&format!("/api/tasks/{id}")))
        .bearer_auth(&mallory)
        .send()
        .await
        .expect("try");
    let anonymous = client
        .get(url(&format!("/api/tasks/{id}")))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(
        (
            read.status().as_u16(),
            tried.status().as_u16(),
            anonymous.status().as_u16()
        ),
        (200, 404, 401)
    );

    // Assert: the trail has caught up (it goes through the bus and the read model).
    let trail = |token: String, query: &'static str| {
        let client = client.clone();
        let url = url(&format!("/api/audit{query}"));
        async move {
            let response = client.get(url).bearer_auth(token).send().await.expect("audit");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let own = loop {
        let (_, page) = trail(local.clone(), "").await;
        let routes: Vec<String> = page["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["route"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if routes.iter().any(|r| r == "/api/tasks/{id}") && routes.iter().any(|r| r == "/api/tasks") {
            break page;
        }
        assert!(
            Instant::now() < deadline,
            "the trail never showed the local user's requests: {page}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let items = own["items"].as_array().expect("items");
    assert!(
        items.iter().all(|i| i["actor"] == "local"),
        "only the caller's own: {own}"
    );
    let read_entry = items
        .iter()
        .find(|i| i["route"] == "/api/tasks/{id}" && i["method"] == "GET")
        .expect("the read");
    assert_eq!(read_entry["resource_id"], id.as_str());
    assert_eq!(read_entry["outcome"], "allowed");
    assert_eq!(read_entry["client"], "127.0.0.1");
    assert_eq!(read_entry["service"], "todo-serve");

    let (_, theirs) = trail(mallory.clone(), "").await;
    let attempt = theirs["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["route"] == "/api/tasks/{id}").cloned())
        .expect("mallory's attempt is in mallory's trail");
    assert_eq!(attempt["outcome"], "not_found");
    assert_eq!(attempt["event"], "cross_user_access", "{attempt}");
    assert_eq!(attempt["resource_id"], id.as_str());
    let (status, refused) = trail(mallory, "?actor=local").await;
    assert_eq!(status, 403, "{refused}");

    let (status, anonymous) = trail(admin, "?actor=anonymous").await;
    assert_eq!(status, 200, "{anonymous}");
    let unauthenticated = anonymous["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["outcome"] == "unauthenticated").cloned())
        .expect("the attempt without a token");
    assert_eq!(unauthenticated["resource_id"], id.as_str());
    assert_eq!(unauthenticated["status"], 401);
}
