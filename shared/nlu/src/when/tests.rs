use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Tokyo, Europe::Berlin};

use super::*;
use crate::dates;
use crate::message::Message;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 instant")
}

fn due(text: &str, now: &str, tz: Tz, time_of_day: bool) -> Due {
    let mut message = Message::new(text);
    let len = message.len();
    let parsed = dates::take(&mut message, 0..len).expect("a date");
    to_due(&parsed, utc(now), tz, time_of_day).expect("a due time")
}

fn at(text: &str, now: &str, tz: Tz) -> DateTime<Utc> {
    match due(text, now, tz, false) {
        Due::At { at } | Due::Day { at, .. } => at,
        other => panic!("{text:?} gave {other:?}"),
    }
}

fn range(text: &str, now: &str, tz: Tz) -> DueRange {
    let mut message = Message::new(text);
    let len = message.len();
    let parsed = dates::take(&mut message, 0..len).expect("a date");
    to_range(&parsed, utc(now), tz).expect("a range")
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn time(text: &str) -> NaiveTime {
    text.parse().expect("a time")
}

// 2026-11-26 is a Thursday; 15:00 UTC is 16:00 in Berlin.
const NOW: &str = "2026-11-26T15:00:00Z";

#[test]
fn a_time_is_local_to_the_users_zone() {
    assert_eq!(at("tomorrow at 5pm", NOW, Berlin), utc("2026-11-27T16:00:00Z"));
    assert_eq!(at("tomorrow at 5pm", NOW, New_York), utc("2026-11-27T22:00:00Z"));
    // In Tokyo it is already Friday the 27th, so tomorrow is Saturday.
    assert_eq!(at("tomorrow at 5pm", NOW, Tokyo), utc("2026-11-28T08:00:00Z"));
}

#[test]
fn a_day_without_a_time_is_due_at_the_end_of_that_day() {
    assert_eq!(
        due("tomorrow", NOW, Berlin, false),
        Due::Day {
            date: date("2026-11-27"),
            at: utc("2026-11-27T22:59:00Z")
        }
    );
}

#[test]
fn weekdays_follow_the_next_week_rule() {
    let day = |text| match due(text, NOW, Berlin, false) {
        Due::Day { date, .. } => date,
        other => panic!("{other:?}"),
    };
    assert_eq!(day("friday"), date("2026-11-27"));
    assert_eq!(day("next friday"), date("2026-12-04"));
    assert_eq!(day("thursday"), date("2026-12-03"));
    assert_eq!(day("end of the week"), date("2026-11-27"));
    assert_eq!(day("end of the month"), date("2026-11-30"));
    assert_eq!(day("before saturday"), date("2026-11-27"));
    assert_eq!(day("before the end of the month"), date("2026-11-30"));
    // Saturday: the end of the week is Sunday.
    assert_eq!(
        resolve_day(crate::dates::Day::EndOfWeek, date("2026-11-28")),
        Some(date("2026-11-29"))
    );
}

#[test]
fn an_hour_without_am_or_pm_is_guessed_the_way_people_mean_it() {
    assert_eq!(at("tomorrow at 5", NOW, Berlin), utc("2026-11-27T16:00:00Z"));
    assert_eq!(at("tomorrow at 10", NOW, Berlin), utc("2026-11-27T09:00:00Z"));
    // 8 in the morning has passed at 16:00, 8 in the evening has not.
    assert_eq!(at("at 8", NOW, Berlin), utc("2026-11-26T19:00:00Z"));
    assert_eq!(at("tonight at 9", NOW, Berlin), utc("2026-11-26T20:00:00Z"));
}

#[test]
fn a_time_that_has_passed_today_is_tomorrow() {
    assert_eq!(at("at 14:30", NOW, Berlin), utc("2026-11-27T13:30:00Z"));
    assert_eq!(at("at 17:30", NOW, Berlin), utc("2026-11-26T16:30:00Z"));
}

#[test]
fn a_time_in_the_spring_gap_moves_forward_by_the_gap() {
    // Berlin skips 02:00-03:00 on 2027-03-28.
    assert_eq!(at("2027-03-28 at 2:30am", NOW, Berlin), utc("2027-03-28T01:30:00Z"));
    assert_eq!(
        local(Berlin, date("2027-03-28"), time("02:30:00")),
        utc("2027-03-28T01:30:00Z")
    );
}

#[test]
fn a_repeated_autumn_time_takes_its_first_occurrence() {
    // Berlin has 02:30 twice on 2027-10-31: first in summer time (UTC+2).
    assert_eq!(at("oct 31 2027 at 2:30am", NOW, Berlin), utc("2027-10-31T00:30:00Z"));
}

#[test]
fn tomorrow_across_a_dst_change_keeps_the_wall_clock_time() {
    // Saturday before the spring change: 9am on Sunday is in summer time.
    assert_eq!(
        at("tomorrow at 9am", "2027-03-27T12:00:00Z", Berlin),
        utc("2027-03-28T07:00:00Z")
    );
    // New York falls back on 2026-11-01.
    assert_eq!(
        at("tomorrow at 9am", "2026-10-31T12:00:00Z", New_York),
        utc("2026-11-01T14:00:00Z")
    );
}

#[test]
fn a_time_of_day_change_keeps_each_tasks_date_across_dst() {
    let two_pm = Due::TimeOfDay { time: time("14:00:00") };
    let before = utc("2027-03-27T08:00:00Z"); // 09:00 CET
    let after = utc("2027-03-29T07:00:00Z"); // 09:00 CEST
    assert_eq!(
        two_pm.apply(Some(before), utc(NOW), Berlin),
        Some(utc("2027-03-27T13:00:00Z"))
    );
    assert_eq!(
        two_pm.apply(Some(after), utc(NOW), Berlin),
        Some(utc("2027-03-29T12:00:00Z"))
    );
    assert_eq!(two_pm.apply(None, utc(NOW), Berlin), Some(utc("2026-11-27T13:00:00Z")));
    assert_eq!(due("to 2 PM", NOW, Berlin, true), two_pm);
}

#[test]
fn a_shift_by_days_keeps_the_wall_clock_time_across_dst() {
    let one_day = Due::Shift { days: 1, minutes: 0 };
    assert_eq!(
        one_day.apply(Some(utc("2027-03-27T08:00:00Z")), utc(NOW), Berlin),
        Some(utc("2027-03-28T07:00:00Z"))
    );
    assert_eq!(one_day.apply(None, utc(NOW), Berlin), None);
}

#[test]
fn list_ranges_cover_whole_local_days_and_weeks() {
    let today = range("today", NOW, Berlin);
    assert_eq!(
        (today.from, today.to),
        (Some(utc("2026-11-25T23:00:00Z")), Some(utc("2026-11-26T23:00:00Z")))
    );
    let week = range("this week", NOW, Berlin);
    assert_eq!(
        (week.from, week.to),
        (Some(utc("2026-11-22T23:00:00Z")), Some(utc("2026-11-29T23:00:00Z")))
    );
    let by_friday = range("by friday", NOW, Berlin);
    assert_eq!(
        (by_friday.from, by_friday.to),
        (None, Some(utc("2026-11-27T23:00:00Z")))
    );
    // The week of the spring change is 167 hours long.
    let dst_week = range("this week", "2027-03-24T12:00:00Z", Berlin);
    let hours = (dst_week.to.expect("end") - dst_week.from.expect("start")).num_hours();
    assert_eq!(hours, 167);
}

#[test]
fn numeric_dates_follow_the_zones_order_unless_one_part_is_over_12() {
    let day = |text, tz| match due(text, NOW, tz, false) {
        Due::Day { date, .. } => date,
        other => panic!("{other:?}"),
    };
    assert_eq!(day("by 3/12", New_York), date("2027-03-12"));
    assert_eq!(day("by 3/12", Berlin), date("2026-12-03"));
    assert_eq!(day("by 12/15", Berlin), date("2026-12-15"));
}
