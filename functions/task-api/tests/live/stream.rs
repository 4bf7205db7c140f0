//! `GET /api/stream` over a real socket: authentication, per-user filtering, `Last-Event-ID`,
//! gaps, and shutdown with a client connected.

use super::*;

/// One Server-Sent Event as a client sees it.
#[derive(Debug, Default, PartialEq)]
struct SseEvent {
    id: Option<String>,
    event: Option<String>,
    data: String,
}

impl SseEvent {
    /// The event the stream sends for `event`.
    fn of(event: &DomainEvent) -> Self {
        Self {
            id: Some(id(event)),
            event: Some("task.created".to_owned()),
            data: event.to_structured_json().to_string(),
        }
    }

    fn json(&self) -> Result<Value> {
        serde_json::from_str(&self.data).context("SSE data is not JSON")
    }
}

/// Parses one block of lines; `None` for a block of comments only (keep-alives).
fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = SseEvent::default();
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines().filter(|l| !l.is_empty() && !l.starts_with(':')) {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => event.id = Some(value.to_owned()),
            "event" => event.event = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    event.data = data.join("\n");
    (event != SseEvent::default()).then_some(event)
}

/// A connected client reading the streamed body chunk by chunk.
struct SseClient {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl SseClient {
    /// The next event, failing after [`WAIT`].
    async fn next(&mut self) -> Result<SseEvent> {
        timeout(WAIT, self.read_event())
            .await
            .context("no SSE event within 5 s")?
    }

    async fn read_event(&mut self) -> Result<SseEvent> {
        loop {
            while let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_block(std::str::from_utf8(&block)?) {
                    return Ok(event);
                }
            }
            let chunk = self.response.chunk().await?.context("the stream ended")?;
            self.buffer.extend_from_slice(&chunk);
        }
    }
}

/// Serves the stream of `feed` on a random port; returns its URL.
async fn serve_stream(feed: Arc<LiveFeed>) -> Result<String> {
    let auth = Authenticator::new(&AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET.to_owned())),
        ..Default::default()
    })?;
    let router = task_api::live::router(feed, Arc::new(auth));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/stream", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}

/// Connects as `user`, optionally resuming after `last_event_id`.
async fn connect(url: &str, user: &str, last_event_id: Option<&str>) -> Result<SseClient> {
    let token = mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(300))?;
    let mut request = reqwest::Client::new().get(url).bearer_auth(token);
    if let Some(last) = last_event_id {
        request = request.header("Last-Event-ID", last);
    }
    let response = timeout(WAIT, request.send())
        .await
        .context("no response within 5 s")??;
    ensure!(response.status() == 200, "status {}", response.status());
    let content_type = response.headers().get("content-type").map(|v| v.to_str()).transpose()?;
    ensure!(
        content_type == Some("text/event-stream"),
        "content type {content_type:?}"
    );
    Ok(SseClient {
        response,
        buffer: Vec::new(),
    })
}

#[tokio::test]
async fn the_stream_refuses_a_missing_or_forged_token_with_401_problem_json() -> Result<()> {
    // Arrange
    let url = serve_stream(LiveFeed::new(10)).await?;
    let client = reqwest::Client::new();
    let forged = mint_hs256(
        b"another-secret-that-is-also-32-bytes-long!",
        "alice",
        Duration::from_secs(300),
    )?;

    for (request, challenge) in [
        (client.get(&url), "Bearer"),
        (client.get(&url).bearer_auth(forged), "Bearer error=\"invalid_token\""),
    ] {
        // Act
        let response = timeout(WAIT, request.send()).await??;

        // Assert
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert_eq!(response.headers()["www-authenticate"], challenge);
        let problem: Value = timeout(WAIT, response.json()).await??;
        assert_eq!(problem["status"], 401);
        assert_eq!(problem["title"], "Unauthorized");
        assert_eq!(problem["type"], "https://evolution-of-todo.dev/problems/unauthorized");
    }
    Ok(())
}

#[tokio::test]
async fn a_user_receives_only_their_own_events_from_when_they_connect() -> Result<()> {
    // Arrange
    let feed = LiveFeed::new(10);
    let url = serve_stream(feed.clone()).await?;
    feed.push(&task_created(Some("alice"), 1)); // before connecting: not replayed
    let mut alice = connect(&url, "alice", None).await?;
    let mut bob = connect(&url, "bob", None).await?;
    let (a2, b3, a4) = (
        task_created(Some("alice"), 2),
        task_created(Some("bob"), 3),
        task_created(Some("alice"), 4),
    );

    // Act
    for event in [&a2, &b3, &a4] {
        feed.push(event);
    }

    // Assert
    assert_eq!(alice.next().await?, SseEvent::of(&a2));
    assert_eq!(alice.next().await?, SseEvent::of(&a4));
    let received = bob.next().await?;
    assert_eq!(received, SseEvent::of(&b3));
    assert_eq!(received.json()?["userid"], "bob");
    assert_eq!(received.json()?["data"]["task_id"], 3);
    Ok(())
}

#[tokio::test]
async fn last_event_id_resumes_after_that_event() -> Result<()> {
    // Arrange
    let feed = LiveFeed::new(10);
    let url = serve_stream(feed.clone()).await?;
    let events: Vec<DomainEvent> = [("alice", 1), ("bob", 2), ("alice", 3), ("alice", 4)]
        .into_iter()
        .map(|(user, task)| task_created(Some(user), task))
        .collect();
    events.iter().for_each(|e| feed.push(e));

    // Act
    let mut alice = connect(&url, "alice", Some(&id(&events[0]))).await?;
    let live = task_created(Some("alice"), 5);
    feed.push(&live);

    // Assert: the missed events (without bob's), then the live one; no gap, no repeat.
    assert_eq!(alice.next().await?, SseEvent::of(&events[2]));
    assert_eq!(alice.next().await?, SseEvent::of(&events[3]));
    assert_eq!(alice.next().await?, SseEvent::of(&live));
    Ok(())
}

#[tokio::test]
async fn a_too_old_last_event_id_yields_a_gap_event_first() -> Result<()> {
    // Arrange: a ring of 3 that has dropped alice's first event.
    let feed = LiveFeed::new(3);
    let url = serve_stream(feed.clone()).await?;
    let events: Vec<DomainEvent> = [("alice", 1), ("bob", 2), ("alice", 3), ("alice", 4)]
        .into_iter()
        .map(|(user, task)| task_created(Some(user), task))
        .collect();
    events.iter().for_each(|e| feed.push(e));

    // Act
    let mut alice = connect(&url, "alice", Some(&id(&events[0]))).await?;

    // Assert: the gap, then all of alice's kept events.
    let gap = alice.next().await?;
    assert_eq!((gap.id.as_deref(), gap.event.as_deref()), (None, Some("gap")));
    assert!(gap.json()?["reason"].as_str().is_some_and(|r| r.contains("reload")));
    assert_eq!(alice.next().await?, SseEvent::of(&events[2]));
    assert_eq!(alice.next().await?, SseEvent::of(&events[3]));
    Ok(())
}

/// A graceful shutdown waits for every open response and a stream never ends by itself
/// (tokio-rs/axum#2673): closing the feed at shutdown ends the streams, so a server with
/// `todo watch` or a browser tab connected still stops.
#[tokio::test]
async fn graceful_shutdown_is_not_held_open_by_a_connected_client() -> Result<()> {
    // Arrange
    let auth = Authenticator::new(&AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET.to_owned())),
        ..Default::default()
    })?;
    let feed = LiveFeed::new(10);
    let router = task_api::live::router(feed.clone(), Arc::new(auth));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/stream", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
            feed.close();
        };
        axum::serve(listener, router).with_graceful_shutdown(shutdown).await
    });
    let _alice = connect(&url, "alice", None).await?;

    // Act
    stop.send(())
        .map_err(|()| anyhow::anyhow!("the server is gone before shutdown"))?;

    // Assert
    timeout(WAIT, server)
        .await
        .context("the server still runs 5 s after shutdown")???;
    Ok(())
}
