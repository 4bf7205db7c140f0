//! The smaller slots of a new or changed task: the reminder offset ("remind me 30 minutes
//! before", "with a reminder 1 day before") and the description ("notes: use the vinegar spray",
//! "with description for the wedding gifts").

use std::ops::Range;

use crate::message::Message;
use crate::words;

/// Finds and claims a reminder offset, in minutes.
pub(crate) fn take_reminder(m: &mut Message<'_>, range: Range<usize>) -> Option<i64> {
    let end = range.end.min(m.len());
    for i in range.start..end {
        let (minutes, unit_end) = if let Some(after) = m.at(i, "half an? hour") {
            (30, after)
        } else {
            let Some(amount) = words::number(m.word(i)).filter(|_| m.is_free(i) && m.is_free(i + 1)) else {
                continue;
            };
            let per = match m.word(i + 1).trim_end_matches('s') {
                "minute" => 1,
                "hour" => 60,
                "day" => 24 * 60,
                "week" => 7 * 24 * 60,
                _ => continue,
            };
            (i64::from(amount) * per, i + 2)
        };
        // "a two day notification before", "30 minutes reminder before".
        let unit_end = m
            .at(unit_end, "notification|reminder|alert|warning|notice")
            .unwrap_or(unit_end);
        // "a thirty minute reminder on the meeting": before the task named.
        let named = unit_end > i + 2 || m.at(i, "half").is_some() && unit_end > i + 3;
        let Some(stop) = m
            .at(unit_end, "before|beforehand|ahead|earlier|prior")
            .or_else(|| m.at(unit_end, "in advance"))
            .or_else(|| m.at(unit_end, "on|for").filter(|_| named && unit_end > i + 2))
            // "with a 30 minute reminder": the reminder word says it is an offset.
            .or_else(|| named.then_some(unit_end))
        else {
            continue;
        };
        // "five minutes before time", "an hour before it will happen": before the task itself.
        let stop = m
            .at(stop, "time|hand|then")
            .or_else(|| m.at(stop, "it will|would start|begin|happen"))
            .or_else(|| m.at(stop, "it starts|begins|happens"))
            .unwrap_or(stop);
        let lead = ["with a? reminder", "a? reminder", "remind me", "reminder :?"]
            .iter()
            .find_map(|lead| (i.saturating_sub(4)..i).find(|&s| m.at(s, lead) == Some(i)));
        m.take(lead.unwrap_or(i)..stop);
        return Some(minutes);
    }
    None
}

/// True when a reminder offset is followed by the task it is for: "30 minutes before the
/// dentist", "an hour before my two pm appointment". Such a reminder is for a task that exists.
pub(crate) fn reminder_before_a_task(text: &str) -> bool {
    let m = Message::new(text);
    let offset_before = |i: usize| {
        (i.saturating_sub(3)..i)
            .any(|j| is_unit(m.word(j)) || m.at(j, "notification|reminder|alert|warning|notice").is_some())
    };
    (1..m.len()).any(|i| {
        m.at(i, "before")
            .or_else(|| m.at(i, "ahead of"))
            .and_then(|after| m.at(after, "my|the|our|his|her|their"))
            .is_some()
            && offset_before(i)
            // "a thirty minute reminder on the meeting".
            || m.at(i, "notification|reminder|alert|warning|notice on|for").is_some()
                && (i.saturating_sub(2)..i).any(|j| is_unit(m.word(j)))
    })
}

fn is_unit(word: &str) -> bool {
    matches!(word.trim_end_matches('s'), "minute" | "hour" | "day" | "week")
}

/// Finds and claims a description: the rest of the message after "notes:", "description:",
/// "with a note", "with description"…
pub(crate) fn take_description(m: &mut Message<'_>, range: Range<usize>) -> Option<String> {
    let end = range.end.min(m.len());
    let start = (range.start..end).find_map(|i| {
        m.at(i, "with|and a? description|note|notes|details|comment :?")
            .or_else(|| m.at(i, "description|note|notes|details|comment :|-"))
            .map(|after| (i, after))
    })?;
    let (cue, text_start) = start;
    let text = rest(m, text_start..end)?;
    m.take(cue..end);
    Some(text)
}

/// The user's own text of the free tokens in `range`, as typed.
pub(crate) fn rest(m: &Message<'_>, range: Range<usize>) -> Option<String> {
    let free = m.free_in(range);
    let (first, last) = (*free.first()?, *free.last()?);
    let token = |i: usize| m.token(i).map(|t| (t.start, t.end));
    let (start, _) = token(first)?;
    let (_, stop) = token(last)?;
    let text = m.source()[start..stop].trim().trim_end_matches(['.', '!']).trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_offsets_are_minutes_before() {
        let mut message = Message::new("call mom, remind me 30 minutes before, tomorrow");
        let len = message.len();
        assert_eq!(take_reminder(&mut message, 0..len), Some(30));
        let mut message = Message::new("pay bill with a reminder 1 day before");
        assert_eq!(take_reminder(&mut message, 0..9), Some(1440));
        let mut message = Message::new("remind me about task 2 an hour before");
        assert_eq!(take_reminder(&mut message, 0..8), Some(60));
        assert!(message.is_free(3));
    }

    #[test]
    fn descriptions_are_the_rest_of_the_message_as_typed() {
        let mut message = Message::new("clean the windows, notes: use the Vinegar spray.");
        let len = message.len();
        assert_eq!(
            take_description(&mut message, 0..len).as_deref(),
            Some("use the Vinegar spray")
        );
        assert!(message.is_free(0));
    }
}
