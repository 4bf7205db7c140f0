//! `GET /api/stream`: the caller's events as Server-Sent Events (`id` = CloudEvent id, `event` =
//! its type, `data` = the structured CloudEvent), with a comment every 15 s to keep proxies from
//! closing an idle connection. `Last-Event-ID` resumes after that event; when it is too old to
//! resume from, a `gap` event tells the client to reload first.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use todo_kit::{AuthUser, Authenticator};
use tokio::sync::broadcast::error::RecvError;

use super::{LiveEvent, LiveFeed};

#[derive(Clone)]
struct Stream_ {
    feed: Arc<LiveFeed>,
    auth: Arc<Authenticator>,
}

impl FromRef<Stream_> for Arc<Authenticator> {
    fn from_ref(state: &Stream_) -> Self {
        state.auth.clone()
    }
}

/// The route, for `feed`, authenticating with `auth`.
pub fn router(feed: Arc<LiveFeed>, auth: Arc<Authenticator>) -> Router {
    Router::new()
        .route("/api/stream", get(stream_events))
        .with_state(Stream_ { feed, auth })
}

fn sse_event(event: &LiveEvent) -> Event {
    Event::default()
        .id(event.id.clone())
        .event(event.event_type.clone())
        .data(event.cloudevent.to_string())
}

async fn stream_events(State(state): State<Stream_>, user: AuthUser, headers: HeaderMap) -> Response {
    let last = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let resume = state.feed.subscribe(last);
    let user_id = user.user_id;
    let mut first: Vec<Event> = Vec::new();
    if resume.gap {
        first.push(
            Event::default()
                .event("gap")
                .data(r#"{"reason":"events since Last-Event-ID are no longer kept; reload"}"#),
        );
    }
    first.extend(
        resume
            .missed
            .iter()
            .filter(|e| e.user_id == user_id)
            .map(|e| sse_event(e)),
    );
    let updates = stream::unfold((resume.updates, user_id), |(mut updates, user_id)| async move {
        loop {
            match updates.recv().await {
                Ok(event) if event.user_id == user_id => return Some((sse_event(&event), (updates, user_id))),
                Ok(_) => {}
                Err(RecvError::Lagged(skipped)) => {
                    let gap = Event::default().event("gap").data(format!(
                        r#"{{"reason":"this client fell {skipped} events behind; reload"}}"#
                    ));
                    return Some((gap, (updates, user_id)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    // Ends when the feed closes or the process is asked to stop, so that shutdown is not held open.
    let feed = state.feed.clone();
    let stop = async move {
        tokio::select! {
            () = feed.closed() => {}
            () = todo_kit::serve::shutdown_signal() => {}
        }
    };
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(stream::iter(first).chain(updates).take_until(Box::pin(stop)).map(Ok));
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
