//! At-least-once delivery: repeats, concurrent repeats and any order give the same numbers.

use std::sync::Arc;

use analytics::ReadModel;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use todo_kit::handler::Outcome;

use crate::cases::{assert_alice_numbers, deliver};
use crate::common::{APPLIED, SKIPPED, history};

pub(crate) async fn a_repeated_delivery_counts_once(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange
    let events = history();
    let first = deliver(&model, &events).await;

    // Act: the same events (same ids) again.
    let second = deliver(&model, &events).await;

    // Assert
    assert_eq!(first.iter().filter(|o| **o == Outcome::Done).count(), APPLIED);
    assert_eq!(second, vec![Outcome::Duplicate; APPLIED + SKIPPED]);
    assert_alice_numbers(&model).await;
}

pub(crate) async fn concurrent_repeated_deliveries_count_once(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange: every event twice, all at once.
    let handler = model.handler();
    let events = history();
    let mut running = Vec::new();
    for event in [events.clone(), events].concat() {
        let handler = handler.clone();
        running.push(tokio::spawn(async move { handler.handle(&event).await }));
    }

    // Act
    let mut outcomes = Vec::new();
    for task in running {
        outcomes.push(task.await.expect("no panic").expect("handled"));
    }

    // Assert
    let count = |wanted: Outcome| outcomes.iter().filter(|o| **o == wanted).count();
    assert_eq!(count(Outcome::Done), APPLIED);
    assert_eq!(count(Outcome::Skipped), SKIPPED);
    assert_eq!(count(Outcome::Duplicate), APPLIED + SKIPPED);
    assert_alice_numbers(&model).await;
}

pub(crate) async fn any_delivery_order_gives_the_same_numbers(model: Arc<dyn ReadModel>, _url: &str) {
    for seed in [7, 42, 2026] {
        // Arrange
        model.reset().await.expect("reset");
        let mut events = history();
        events.shuffle(&mut StdRng::seed_from_u64(seed));

        // Act
        deliver(&model, &events).await;

        // Assert
        assert_alice_numbers(&model).await;
    }
}
