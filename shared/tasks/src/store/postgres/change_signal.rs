//! Tells listeners, right after task writes commit, that the outbox has new rows (`outbox`, for
//! the relay) and whose tasks changed (`task_changes`, for every instance's list versions).
//!
//! The notifications are sent by the store after commit, not by a trigger inside the write:
//! PostgreSQL serializes the commits of notifying transactions, which would make every task
//! write wait for the one before it. A background task sends them, one statement for all writes
//! that committed while the previous one was on its way, so their cost shrinks as load grows.
//! A process that dies between a commit and its notification loses it: the relay still polls,
//! and list versions are trusted only for a few seconds (see `list_versions`).

use std::collections::BTreeSet;

use sqlx::PgPool;
use tokio::sync::mpsc;

/// The channel whose payload lists the owners whose tasks changed, one per line.
pub(super) const TASK_CHANGES: &str = "task_changes";

/// Longest payload of one notification (PostgreSQL allows just under 8,000 bytes).
const MAX_PAYLOAD: usize = 7_000;

/// Sends change notifications for one store.
#[derive(Debug, Default)]
pub(super) struct ChangeSignal {
    sender: std::sync::OnceLock<mpsc::UnboundedSender<String>>,
}

impl ChangeSignal {
    /// Notes that `owner_id`'s tasks changed in a write that committed.
    pub(super) fn changed(&self, pool: &PgPool, owner_id: &str) {
        let sender = self.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(send_notifications(pool.clone(), receiver));
            sender
        });
        // Fails only when the sending task is gone (its runtime shut down).
        let _ = sender.send(owner_id.to_owned());
    }
}

async fn send_notifications(pool: PgPool, mut changes: mpsc::UnboundedReceiver<String>) {
    while let Some(first) = changes.recv().await {
        let mut owners = BTreeSet::from([first]);
        while let Ok(more) = changes.try_recv() {
            owners.insert(more);
        }
        for payload in payloads(&owners) {
            let sent = sqlx::query("SELECT pg_notify('outbox', ''), pg_notify($1, $2)")
                .bind(TASK_CHANGES)
                .bind(&payload)
                .execute(&pool)
                .await;
            if let Err(error) = sent {
                tracing::warn!(%error, "cannot notify task changes; listeners catch up by polling");
            }
        }
    }
}

/// The owners as newline-separated payloads, each short enough for one notification.
fn payloads(owners: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for owner in owners {
        if !current.is_empty() && current.len() + 1 + owner.len() > MAX_PAYLOAD {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(owner);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_split_into_payloads_that_fit_a_notification() {
        let owners: BTreeSet<String> = (0..1000).map(|i| format!("user-{i:04}-{}", "x".repeat(40))).collect();
        let payloads = payloads(&owners);
        assert!(payloads.len() > 1);
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD));
        let back: BTreeSet<String> = payloads.iter().flat_map(|p| p.split('\n')).map(str::to_owned).collect();
        assert_eq!(back, owners);
    }
}
