//! Task priority: four ordered levels, stored as their rank so sorting by priority is numeric.

use serde::{Deserialize, Serialize};

/// How important a task is. Ordered from least to most urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Do soon.
    High,
    /// Do now.
    Urgent,
}

impl Priority {
    /// Every level, least urgent first.
    pub const ALL: [Priority; 4] = [Self::Low, Self::Medium, Self::High, Self::Urgent];

    /// The name used in the API and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// Parses a name (case-insensitive, surrounding spaces ignored).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name))
    }

    /// The stored rank: 0 (low) to 3 (urgent).
    pub fn rank(self) -> i16 {
        match self {
            Self::Low => 0,
            Self::Medium => 1,
            Self::High => 2,
            Self::Urgent => 3,
        }
    }

    /// The level of a stored rank.
    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| i64::from(p.rank()) == rank)
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ranks_round_trip() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
            assert_eq!(Priority::from_rank(i64::from(p.rank())), Some(p));
        }
        assert_eq!(Priority::parse(" URGENT "), Some(Priority::Urgent));
        assert_eq!(Priority::parse("critical"), None);
    }

    #[test]
    fn ranks_follow_urgency() {
        assert!(Priority::Low < Priority::Urgent);
        assert!(Priority::High.rank() > Priority::Medium.rank());
    }
}
