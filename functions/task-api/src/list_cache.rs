//! A cache of serialized list pages, keyed by owner and query string and stamped with the owner's
//! list version (a counter every write moves in the same transaction as the change).
//!
//! A request first reads the current version and serves the cached bytes only when they carry
//! that version. On PostgreSQL the version usually comes from memory kept current by database
//! notifications (no round trip): a client reads its own writes at once, and a write through
//! another instance shows once its notification arrived, normally within a millisecond. Reading
//! the version before the list query keeps a miss honest too: the stored page is at least as new
//! as its stamp. Memory is bounded; the oldest pages go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;

/// Serialized list pages, bounded in bytes.
#[derive(Debug)]
pub struct ListCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    pages: HashMap<String, (i64, Bytes)>,
    /// Insertion order, for eviction; keys may repeat when a page was replaced.
    order: VecDeque<String>,
    bytes: usize,
}

fn key(owner_id: &str, query: &str) -> String {
    format!("{owner_id}\u{0}{query}")
}

impl ListCache {
    /// A cache holding at most `max_bytes` of page bodies; 0 disables it.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Size from `TASK_LIST_CACHE_MB` (default 16).
    pub fn from_env() -> Self {
        let mb = crate::function::TASK_LIST_CACHE_MB
            .parse::<usize>("a number of MB")
            .ok()
            .flatten()
            .unwrap_or(16);
        Self::new(mb * 1024 * 1024)
    }

    /// The page for `owner_id` and `query` if it was stored at `version`.
    pub(crate) fn get(&self, owner_id: &str, query: &str, version: i64) -> Option<Bytes> {
        if self.max_bytes == 0 {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match inner.pages.get(&key(owner_id, query)) {
            Some((stored, body)) if *stored == version => Some(body.clone()),
            _ => None,
        }
    }

    /// Stores a page read at `version`, evicting the oldest pages beyond the size bound.
    pub(crate) fn put(&self, owner_id: &str, query: &str, version: i64, body: Bytes) {
        if body.len() > self.max_bytes / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = key(owner_id, query);
        inner.bytes += body.len();
        if let Some((_, old)) = inner.pages.insert(key.clone(), (version, body)) {
            inner.bytes -= old.len();
        } else {
            inner.order.push_back(key);
        }
        while inner.bytes > self.max_bytes {
            let Some(oldest) = inner.order.pop_front() else { break };
            if let Some((_, old)) = inner.pages.remove(&oldest) {
                inner.bytes -= old.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_at_the_version_it_was_stored_with() {
        let cache = ListCache::new(1024);
        cache.put("alice", "limit=5", 3, Bytes::from_static(b"[3]"));
        assert_eq!(cache.get("alice", "limit=5", 3), Some(Bytes::from_static(b"[3]")));
        assert_eq!(cache.get("alice", "limit=5", 4), None);
        assert_eq!(cache.get("bob", "limit=5", 3), None);
        assert_eq!(cache.get("alice", "limit=6", 3), None);
    }

    #[test]
    fn the_oldest_pages_are_evicted_beyond_the_bound() {
        let cache = ListCache::new(100);
        for i in 0..10 {
            cache.put("alice", &format!("q{i}"), 1, Bytes::from(vec![b'x'; 20]));
        }
        assert_eq!(cache.get("alice", "q0", 1), None);
        assert!(cache.get("alice", "q9", 1).is_some());
        let inner = cache.inner.lock().expect("lock");
        assert!(inner.bytes <= 100);
        assert_eq!(inner.bytes, inner.pages.values().map(|(_, b)| b.len()).sum::<usize>());
    }

    #[test]
    fn replacing_a_page_keeps_the_byte_count_exact() {
        let cache = ListCache::new(1000);
        cache.put("alice", "q", 1, Bytes::from(vec![b'x'; 50]));
        cache.put("alice", "q", 2, Bytes::from(vec![b'x'; 30]));
        assert_eq!(cache.inner.lock().expect("lock").bytes, 30);
        assert!(cache.get("alice", "q", 2).is_some());
    }

    #[test]
    fn a_zero_bound_disables_the_cache() {
        let cache = ListCache::new(0);
        cache.put("alice", "q", 1, Bytes::from_static(b"x"));
        assert_eq!(cache.get("alice", "q", 1), None);
    }
}
