//! Times where the engine has no timestamp type (SQLite): whole microseconds since the epoch in an
//! INTEGER, the precision PostgreSQL's TIMESTAMPTZ keeps, so both engines give back what was
//! written and sort the same way.

use chrono::{DateTime, Utc};

/// A stored number that is no time chrono can hold: a bug or a hand-edited row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("time {0} (microseconds since 1970) is out of range")]
pub struct OutOfRange(pub i64);

/// `time` as stored.
#[must_use]
pub fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

/// The time a stored number holds.
///
/// # Errors
/// [`OutOfRange`] when no time has that many microseconds.
pub fn from_micros(micros: i64) -> Result<DateTime<Utc>, OutOfRange> {
    DateTime::from_timestamp_micros(micros).ok_or(OutOfRange(micros))
}

/// A stored optional time.
///
/// # Errors
/// [`OutOfRange`] as [`from_micros`].
pub fn from_opt_micros(micros: Option<i64>) -> Result<Option<DateTime<Utc>>, OutOfRange> {
    micros.map(from_micros).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_comes_back_to_the_microsecond_and_an_impossible_number_is_an_error() {
        let at: DateTime<Utc> = "2026-12-04T15:30:12.345678Z".parse().expect("a time");
        assert_eq!(from_micros(micros(at)), Ok(at));
        assert_eq!(from_opt_micros(None), Ok(None));
        assert_eq!(from_micros(i64::MAX), Err(OutOfRange(i64::MAX)));
    }
}
