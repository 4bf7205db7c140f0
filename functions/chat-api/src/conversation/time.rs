//! Due times as task-api takes them (RFC 3339 in the user's offset) and as a person reads them.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

/// RFC 3339 in the user's offset, as task-api accepts it.
pub(crate) fn rfc3339(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).to_rfc3339()
}

/// "today 17:00", "tomorrow 09:30", "Fri 4 Dec 17:00", "4 Dec 2027 17:00".
pub(crate) fn describe(at: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) -> String {
    let (at, now) = (at.with_timezone(&tz), now.with_timezone(&tz));
    let days = (at.date_naive() - now.date_naive()).num_days();
    let time = if at.time() == todo_nlu::END_OF_DAY {
        String::new()
    } else {
        format!(" {}", at.format("%H:%M"))
    };
    let day = match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        2..=6 => at.format("%A").to_string(),
        _ if at.year() == now.year() => at.format("%a %-d %b").to_string(),
        _ => at.format("%-d %b %Y").to_string(),
    };
    format!("{day}{time}")
}
