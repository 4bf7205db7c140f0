//! [`FeedHandler`] fed by the in-memory bus, until shutdown.

use super::*;

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
