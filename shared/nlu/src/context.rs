//! What the NLU knows besides the message: the moment and time zone to resolve dates in, and what
//! the conversation showed last. The caller passes `now`; the NLU never reads the clock, so the
//! same message in the same context always gives the same result.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The conversation state a message is understood in.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The moment the message was sent.
    pub now: DateTime<Utc>,
    /// The user's time zone: "tomorrow at 5pm" is 17:00 there.
    pub tz: Tz,
    /// Ids of the tasks of the last list shown, in the order shown; "the second one" and "task 2"
    /// point into it.
    pub last_listed: Vec<String>,
    /// The task talked about last; "it" and "that" mean this one.
    pub last_mentioned: Option<String>,
    /// The user's tags, so "show my work tasks" can filter by the tag `work` rather than search.
    pub known_tags: Vec<String>,
}

impl Context {
    /// A context with nothing shown or mentioned yet.
    pub fn new(now: DateTime<Utc>, tz: Tz) -> Self {
        Self {
            now,
            tz,
            last_listed: Vec::new(),
            last_mentioned: None,
            known_tags: Vec::new(),
        }
    }

    /// The same context after a list of tasks was shown.
    #[must_use]
    pub fn with_last_listed(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.last_listed = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The same context after a task was mentioned.
    #[must_use]
    pub fn with_last_mentioned(mut self, id: impl Into<String>) -> Self {
        self.last_mentioned = Some(id.into());
        self
    }

    /// The same context with the user's tags.
    #[must_use]
    pub fn with_known_tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.known_tags = tags.into_iter().map(Into::into).collect();
        self
    }
}
