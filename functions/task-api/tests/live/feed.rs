//! The [`LiveFeed`] ring: users, redeliveries, capacity, resuming and gaps.

use super::*;

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
