//! The limits at task-api's edge over real connections: a client address that floods (with or
//! without tokens) gets 429s before any token is checked, while a client our proxies vouch for
//! (`X-Forwarded-For` from a loopback peer) has its own budget; one user's burst leaves another
//! user's requests alone.

use reqwest::{Method, StatusCode};
use todo_kit::limits::{Budget, EdgeSettings, LimitSettings};

use crate::helpers::{Backend, spawn_app_with_edge};

fn edge(per_ip: Option<Budget>, per_user: Option<Budget>) -> EdgeSettings {
    EdgeSettings {
        limits: LimitSettings {
            per_ip,
            per_user,
            ..LimitSettings::default()
        },
        ..EdgeSettings::default()
    }
}

#[tokio::test]
async fn a_flooding_address_is_refused_before_its_tokens_are_read_and_other_clients_go_on() -> anyhow::Result<()> {
    // Arrange: three requests a minute per address.
    let app = spawn_app_with_edge(Backend::Sqlite, edge(Some(Budget::per_minute(3, 3)), None)).await;

    // Act: forged tokens, then a valid one, from this address.
    let mut codes = Vec::new();
    for _ in 0..3 {
        let forged = app
            .anonymous(Method::GET, "/api/tasks")
            .bearer_auth("forged.token.here");
        codes.push(forged.send().await?.status());
    }
    let refused = app.request("alice", Method::GET, "/api/tasks").send().await?;
    let proxied = app
        .request("bob", Method::GET, "/api/tasks")
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await?;

    // Assert
    assert_eq!(codes, [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"].to_str()?.parse()?;
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(refused.headers()["ratelimit-limit"], "3");
    assert_eq!(
        proxied.status(),
        StatusCode::OK,
        "a client behind our proxy has its own budget"
    );
    Ok(())
}

#[tokio::test]
async fn one_users_burst_leaves_another_user_alone() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app_with_edge(Backend::Sqlite, edge(None, Some(Budget::per_minute(1, 10)))).await;

    // Act: alice bursts 15 reads at once, bob reads during the burst.
    let alice = (0..15).map(|_| app.request("alice", Method::GET, "/api/tasks").send());
    let (alice, bob) = tokio::join!(
        futures_util::future::join_all(alice),
        app.request("bob", Method::GET, "/api/tasks").send()
    );

    // Assert
    let refused = alice
        .into_iter()
        .map(|r| r.map(|r| r.status()))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|s| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(refused, 5, "ten pass, the rest wait a minute");
    assert_eq!(bob?.status(), StatusCode::OK);
    Ok(())
}
