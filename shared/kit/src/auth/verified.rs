//! Tokens already verified. A client sends the same bearer token (or session cookie) with every
//! request, and checking its signature and decoding its claims was the largest cost of a cached
//! read (a third of task-api's instructions per list request, under callgrind); a token seen
//! before is answered from here.
//!
//! Keyed by the whole token, so only the very same bytes hit. An entry lasts until the token
//! expires or for [`VERIFIED_TTL`], whichever comes first: a key withdrawn from the provider's
//! JWKS stops being honoured within that time, as it would with the JWKS cache alone. Only
//! accepted tokens are kept (a refusal is always verified again), and at most
//! [`VERIFIED_CAPACITY`] of them: when full, the oldest half is forgotten.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::Verified;

/// The longest a verified token is taken without checking it again.
pub const VERIFIED_TTL: Duration = Duration::from_secs(60);
/// The most tokens kept (a few hundred bytes each).
pub const VERIFIED_CAPACITY: usize = 4_096;

struct Entry {
    verified: Verified,
    until: Instant,
}

/// The verified tokens of one [`super::Authenticator`].
#[derive(Default)]
pub(crate) struct VerifiedTokens {
    entries: RwLock<HashMap<Box<str>, Entry>>,
}

impl std::fmt::Debug for VerifiedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the tokens themselves: they are credentials.
        let kept = self.entries.read().map_or(0, |entries| entries.len());
        f.debug_struct("VerifiedTokens").field("kept", &kept).finish()
    }
}

impl VerifiedTokens {
    /// Who `token` names, if it was verified and is still good at `now`.
    pub(crate) fn get(&self, token: &str, now: Instant) -> Option<Verified> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(token)?;
        (now < entry.until).then(|| entry.verified.clone())
    }

    /// Keeps `token`, verified at `now`, until its expiry (`exp`, seconds since the epoch) or
    /// [`VERIFIED_TTL`].
    pub(crate) fn keep(&self, token: &str, verified: &Verified, exp: u64, now: Instant) {
        let unix_now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let left = Duration::from_secs(exp.saturating_sub(unix_now));
        if left.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= VERIFIED_CAPACITY {
            forget_oldest_half(&mut entries, now);
        }
        entries.insert(
            token.into(),
            Entry {
                verified: verified.clone(),
                until: now + left.min(VERIFIED_TTL),
            },
        );
    }
}

/// Drops the entries that have run out, then, if that is not half, those that run out soonest.
fn forget_oldest_half(entries: &mut HashMap<Box<str>, Entry>, now: Instant) {
    entries.retain(|_, entry| entry.until > now);
    let keep = VERIFIED_CAPACITY / 2;
    if entries.len() > keep {
        let mut ends: Vec<Instant> = entries.values().map(|e| e.until).collect();
        let cut = ends.len() - keep;
        let (_, threshold, _) = ends.select_nth_unstable(cut);
        let threshold = *threshold;
        entries.retain(|_, entry| entry.until >= threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Verified {
        Verified {
            user_id: "alice".into(),
            roles: vec!["admin".into()],
        }
    }

    fn unix_now() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn a_kept_token_is_known_until_the_ttl_and_only_by_its_exact_bytes() {
        let tokens = VerifiedTokens::default();
        let now = Instant::now();
        tokens.keep("a.b.c", &alice(), unix_now() + 3600, now);
        assert_eq!(tokens.get("a.b.c", now), Some(alice()));
        assert_eq!(
            tokens.get("a.b.c", now + VERIFIED_TTL - Duration::from_secs(1)),
            Some(alice())
        );
        assert_eq!(
            tokens.get("a.b.c", now + VERIFIED_TTL),
            None,
            "checked again after the TTL"
        );
        assert_eq!(tokens.get("a.b.d", now), None);
        assert_eq!(tokens.get("a.b.c ", now), None);
    }

    #[test]
    fn a_token_is_never_known_past_its_own_expiry() {
        let tokens = VerifiedTokens::default();
        let now = Instant::now();
        tokens.keep("soon", &alice(), unix_now() + 5, now);
        assert!(tokens.get("soon", now).is_some());
        assert_eq!(tokens.get("soon", now + Duration::from_secs(6)), None);
        tokens.keep("gone", &alice(), unix_now().saturating_sub(1), now);
        assert_eq!(tokens.get("gone", now), None, "an expired token is not kept");
    }

    #[test]
    fn when_full_the_soonest_to_run_out_are_forgotten() {
        let tokens = VerifiedTokens::default();
        let now = Instant::now();
        let exp = unix_now() + 3600;
        for i in 0..VERIFIED_CAPACITY {
            // Later tokens were verified later, so they last longer.
            tokens.keep(&format!("t{i}"), &alice(), exp, now + Duration::from_millis(i as u64));
        }
        tokens.keep("newest", &alice(), exp, now + Duration::from_secs(10));
        let kept = tokens.entries.read().unwrap().len();
        assert!(kept <= VERIFIED_CAPACITY / 2 + 1, "{kept}");
        let at = now + Duration::from_secs(10);
        assert!(tokens.get("newest", at).is_some());
        assert!(tokens.get(&format!("t{}", VERIFIED_CAPACITY - 1), at).is_some());
        assert!(tokens.get("t0", at).is_none());
        assert!(!format!("{tokens:?}").contains("newest"), "no token in Debug");
    }
}
