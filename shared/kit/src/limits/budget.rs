//! A [`Budget`]: how many requests a key may make, as a rate and a burst, written `50/s,200`
//! (50 a second, up to 200 at once after a quiet spell) or `30/min,10`; `off` for none.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use governor::Quota;

/// A token bucket's size and refill rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Requests refilled per `per`.
    pub rate: u32,
    /// The refill window: a second or a minute.
    pub per: Duration,
    /// The bucket's size: requests that may come at once.
    pub burst: u32,
}

impl Budget {
    /// `rate` a second, bursts of `burst`.
    pub const fn per_second(rate: u32, burst: u32) -> Self {
        Self {
            rate,
            per: Duration::from_secs(1),
            burst,
        }
    }

    /// `rate` a minute, bursts of `burst`.
    pub const fn per_minute(rate: u32, burst: u32) -> Self {
        Self {
            rate,
            per: Duration::from_secs(60),
            burst,
        }
    }

    /// Governor's quota: one request replenished every `per / rate`, `burst` at most.
    pub(crate) fn quota(self) -> Option<Quota> {
        let rate = NonZeroU32::new(self.rate)?;
        let burst = NonZeroU32::new(self.burst.max(1))?;
        let period = self.per / rate.get();
        Quota::with_period(period.max(Duration::from_nanos(1))).map(|q| q.allow_burst(burst))
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.per == Duration::from_secs(60) {
            "min"
        } else {
            "s"
        };
        write!(f, "{}/{unit},{}", self.rate, self.burst)
    }
}

impl FromStr for Budget {
    type Err = String;

    /// `50/s,200`, `30/min,10`, `50/s` (a burst of the rate).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong =
            || format!("'{text}' is not a budget: write RATE/s,BURST or RATE/min,BURST (e.g. 50/s,200), or off");
        let (rate, burst) = match text.trim().split_once(',') {
            Some((rate, burst)) => (rate.trim(), Some(burst.trim())),
            None => (text.trim(), None),
        };
        let (count, unit) = rate.split_once('/').ok_or_else(wrong)?;
        let rate: u32 = count.trim().parse().map_err(|_| wrong())?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            _ => return Err(wrong()),
        };
        let burst = match burst {
            Some(burst) => burst.parse().map_err(|_| wrong())?,
            None => rate,
        };
        if rate == 0 || burst == 0 {
            return Err(wrong());
        }
        Ok(Self { rate, per, burst })
    }
}

/// A budget setting's value: `None` for `off`.
///
/// # Errors
/// A value that is neither `off` nor a [`Budget`].
pub fn parse_budget(text: &str) -> Result<Option<Budget>, String> {
    match text.trim() {
        "off" | "none" => Ok(None),
        other => other.parse().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_written_and_bad_ones_say_how_to_write_them() {
        assert_eq!("50/s,200".parse(), Ok(Budget::per_second(50, 200)));
        assert_eq!(" 30/min , 10 ".parse(), Ok(Budget::per_minute(30, 10)));
        assert_eq!("5/s".parse(), Ok(Budget::per_second(5, 5)));
        assert_eq!(parse_budget("off"), Ok(None));
        for wrong in ["", "50", "50/h,1", "0/s,1", "5/s,0", "-1/s", "x/s"] {
            let error = wrong.parse::<Budget>().unwrap_err();
            assert!(error.contains("RATE/s,BURST"), "{wrong}: {error}");
        }
        assert_eq!(Budget::per_minute(30, 10).to_string(), "30/min,10");
    }
}
