//! Live updates end to end: the [`LiveFeed`] ring (users, redeliveries, capacity, resuming, gaps),
//! `GET /api/stream` over a real socket (authentication, per-user filtering, `Last-Event-ID`), and
//! [`FeedHandler`] fed by the in-memory bus until shutdown.
//!
//! Run with `cargo test -p todo-kit --test live`. Every wait is bounded, so a broken stream fails
//! a test instead of hanging it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use serde_json::Value;
use todo_events::{DomainEvent, EventMetadata, TaskCreated};
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::bus::{EventBus, MemoryBus, Outgoing};
use todo_kit::handler::{ConsumeSettings, consume_until_shutdown};
use todo_kit::live::{FeedHandler, LiveEvent, LiveFeed};
use tokio::sync::broadcast::error::TryRecvError;
use tokio::time::timeout;

const SECRET: &str = "a-test-secret-that-is-at-least-32-bytes-long";
/// The longest any single step may take before the test fails.
const WAIT: Duration = Duration::from_secs(5);

/// A `task.created` event about task `task_id`, on behalf of `user` (or nobody).
fn task_created(user: Option<&str>, task_id: i64) -> DomainEvent {
    let metadata = EventMetadata {
        user_id: user.map(str::to_owned),
        ..Default::default()
    };
    let payload = TaskCreated {
        task_id,
        title: format!("task {task_id}"),
        description: None,
        priority: "medium".to_owned(),
        tags: vec!["live".to_owned()],
        due_at: None,
        recurrence: None,
    };
    let time = Utc
        .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("a valid time");
    DomainEvent::new("/functions/task-api", time, metadata, payload.into())
}

fn ids(events: &[Arc<LiveEvent>]) -> Vec<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

fn id(event: &DomainEvent) -> String {
    event.id.to_string()
}

/// Every event the feed still keeps, oldest first (an unknown id replays the whole ring).
fn ring(feed: &LiveFeed) -> Vec<String> {
    ids(&feed.subscribe(Some("not-an-event-id")).missed)
}

// ---------------------------------------------------------------------------------------------
// LiveFeed

#[test]
fn events_without_a_user_are_dropped() {
    // Arrange
    let feed = LiveFeed::new(10);
    let mut resume = feed.subscribe(None);
    let (nobodys, alices) = (task_created(None, 1), task_created(Some("alice"), 2));

    // Act
    feed.push(&nobodys);
    feed.push(&alices);

    // Assert
    assert_eq!(ring(&feed), vec![id(&alices)]);
    assert_eq!(resume.updates.try_recv().expect("alice's event").id, id(&alices));
    assert!(matches!(resume.updates.try_recv(), Err(TryRecvError::Empty)));
}

#[test]
fn a_redelivered_event_is_kept_and_broadcast_once() {
    // Arrange
    let feed = LiveFeed::new(10);
    let mut resume = feed.subscribe(None);
    let (first, second) = (task_created(Some("alice"), 1), task_created(Some("alice"), 2));

    // Act
    feed.push(&first);
    feed.push(&first.clone());
    feed.push(&second);

    // Assert
    assert_eq!(ring(&feed), vec![id(&first), id(&second)]);
    assert_eq!(resume.updates.try_recv().expect("the first").id, id(&first));
    assert_eq!(resume.updates.try_recv().expect("the second").id, id(&second));
    assert!(matches!(resume.updates.try_recv(), Err(TryRecvError::Empty)));
}

#[test]
fn the_ring_keeps_only_the_newest_capacity_events() {
    // Arrange
    let feed = LiveFeed::new(3);
    let events: Vec<DomainEvent> = (1..=5).map(|n| task_created(Some("alice"), n)).collect();

    // Act
    events.iter().for_each(|e| feed.push(e));

    // Assert
    assert_eq!(ring(&feed), events[2..].iter().map(id).collect::<Vec<_>>());
}

#[test]
fn resuming_replays_exactly_the_events_after_the_last_id() {
    // Arrange
    let feed = LiveFeed::new(10);
    let events: Vec<DomainEvent> = (1..=4).map(|n| task_created(Some("alice"), n)).collect();
    events.iter().for_each(|e| feed.push(e));

    // Act
    let after_second = feed.subscribe(Some(&id(&events[1])));
    let after_newest = feed.subscribe(Some(&id(&events[3])));
    let fresh = feed.subscribe(None);

    // Assert
    assert_eq!(ids(&after_second.missed), vec![id(&events[2]), id(&events[3])]);
    assert!(!after_second.gap);
    assert!(after_newest.missed.is_empty() && !after_newest.gap);
    assert!(fresh.missed.is_empty() && !fresh.gap);
}

#[test]
fn an_unknown_or_evicted_last_id_reports_a_gap_with_the_whole_ring() {
    // Arrange
    let feed = LiveFeed::new(2);
    let events: Vec<DomainEvent> = (1..=3).map(|n| task_created(Some("alice"), n)).collect();
    events.iter().for_each(|e| feed.push(e));
    let whole_ring = vec![id(&events[1]), id(&events[2])];

    // Act
    let evicted = feed.subscribe(Some(&id(&events[0])));
    let unknown = feed.subscribe(Some(&uuid::Uuid::now_v7().to_string()));

    // Assert
    assert!(evicted.gap);
    assert_eq!(ids(&evicted.missed), whole_ring);
    assert!(unknown.gap);
    assert_eq!(ids(&unknown.missed), whole_ring);
}

#[tokio::test]
async fn new_pushes_reach_every_subscribers_updates() -> Result<()> {
    // Arrange
    let feed = LiveFeed::new(10);
    let mut one = feed.subscribe(None);
    let mut other = feed.subscribe(None);
    let event = task_created(Some("alice"), 7);

    // Act
    feed.push(&event);

    // Assert
    let expected = LiveEvent {
        id: id(&event),
        user_id: "alice".to_owned(),
        event_type: "task.created".to_owned(),
        cloudevent: event.to_structured_json(),
    };
    for updates in [&mut one.updates, &mut other.updates] {
        let received = timeout(WAIT, updates.recv()).await??;
        assert_eq!(*received, expected);
    }
    assert_eq!(expected.cloudevent["userid"], "alice");
    assert_eq!(expected.cloudevent["data"]["title"], "task 7");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GET /api/stream

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
    let router = todo_kit::live::router(feed, Arc::new(auth));
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
    let router = todo_kit::live::router(feed.clone(), Arc::new(auth));
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

// ---------------------------------------------------------------------------------------------
// FeedHandler on the bus

/// A `FeedHandler` consuming `task-events` of `bus` in a task, until the returned sender fires.
async fn start_consumer(
    bus: &MemoryBus,
    feed: Arc<LiveFeed>,
) -> Result<(tokio::task::JoinHandle<()>, tokio::sync::oneshot::Sender<()>)> {
    let topic = todo_events::Topic::TaskEvents.name().to_owned();
    bus.ensure_topic(&topic, 3).await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bus = bus.clone();
    let handle = tokio::spawn(async move {
        let handler = FeedHandler::new(format!("live-{}", uuid::Uuid::new_v4()), feed);
        let shutdown = async {
            let _ = stopped.await;
        };
        consume_until_shutdown(&bus, &handler, &[topic], &ConsumeSettings::default(), shutdown).await;
    });
    Ok((handle, stop))
}

async fn publish(bus: &MemoryBus, events: &[&DomainEvent]) -> Result<()> {
    let outgoing: Vec<Outgoing> = events
        .iter()
        .map(|e| Outgoing {
            topic: e.topic().name().to_owned(),
            key: e.partition_key(),
            event: e.to_cloudevent(),
        })
        .collect();
    Ok(bus.publish(&outgoing).await?)
}

#[tokio::test]
async fn events_on_the_bus_reach_the_feed_once_each_and_only_with_a_user() -> Result<()> {
    // Arrange: one task, so one partition and one order.
    let bus = MemoryBus::new();
    let feed = LiveFeed::new(10);
    let mut resume = feed.subscribe(None);
    let (_consumer, _stop) = start_consumer(&bus, feed.clone()).await?;
    let (first, nobodys, last) = (
        task_created(Some("alice"), 9),
        task_created(None, 9),
        task_created(Some("bob"), 9),
    );

    // Act
    publish(&bus, &[&first, &nobodys, &first, &last]).await?;

    // Assert
    let received = timeout(WAIT, resume.updates.recv()).await??;
    assert_eq!((received.id.clone(), received.user_id.as_str()), (id(&first), "alice"));
    assert_eq!(received.cloudevent, first.to_structured_json());
    let received = timeout(WAIT, resume.updates.recv()).await??;
    assert_eq!((received.id.clone(), received.user_id.as_str()), (id(&last), "bob"));
    assert!(matches!(resume.updates.try_recv(), Err(TryRecvError::Empty)));
    assert_eq!(ring(&feed), vec![id(&first), id(&last)]);
    Ok(())
}

#[tokio::test]
async fn the_consumer_ends_within_5_s_of_shutdown() -> Result<()> {
    // Arrange: a consumer that has handled an event and waits for the next.
    let bus = MemoryBus::new();
    let feed = LiveFeed::new(10);
    let mut resume = feed.subscribe(None);
    let (consumer, stop) = start_consumer(&bus, feed.clone()).await?;
    let event = task_created(Some("alice"), 1);
    publish(&bus, &[&event]).await?;
    assert_eq!(timeout(WAIT, resume.updates.recv()).await??.id, id(&event));
    assert!(!consumer.is_finished(), "the consumer ended before shutdown");

    // Act
    stop.send(())
        .map_err(|()| anyhow::anyhow!("the consumer is gone before shutdown"))?;

    // Assert
    timeout(WAIT, consumer)
        .await
        .context("the consumer still runs 5 s after shutdown")??;
    Ok(())
}
