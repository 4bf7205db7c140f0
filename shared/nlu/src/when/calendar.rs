//! Calendar arithmetic in the user's zone: local wall-clock times to instants (DST-aware), weeks
//! starting on Monday, month ends, and which date a written day means.

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::dates::{Day, WeekChoice};
use crate::types::PartOfDay;

/// The instant of a local date and time in `tz`.
pub(crate) fn local(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    let resolved = (0..=3).find_map(|hours| tz.from_local_datetime(&(naive + Duration::hours(hours))).earliest());
    resolved.map_or_else(|| naive.and_utc(), |at| at.with_timezone(&Utc))
}

/// The local date and time of `at` in `tz`.
pub(crate) fn local_parts(tz: Tz, at: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let local = at.with_timezone(&tz);
    (local.date_naive(), local.time())
}

/// The first instant of `date` in `tz`.
pub(crate) fn start_of(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local(tz, date, NaiveTime::MIN)
}

/// 23:59 on `date`: the due time of a task due "on" that day.
pub(crate) fn end_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local(tz, date, END_OF_DAY)
}

/// A day without a time means "by the end of that day": 23:59 local.
pub const END_OF_DAY: NaiveTime = hm(23, 59);
pub(crate) const NOON: NaiveTime = hm(12, 0);
/// The last second of a day: a series' `UNTIL` keeps its last day whole.
pub(crate) const LAST_SECOND: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(time) => time,
    None => panic!("23:59:59 exists"),
};

/// A constant wall-clock time: only for literals in `const` items, where a bad one fails the build.
const fn hm(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(time) => time,
        None => panic!("invalid constant time"),
    }
}

/// The default time of a part of the day.
pub(crate) fn part_time(part: PartOfDay) -> NaiveTime {
    match part {
        PartOfDay::Morning => const { hm(9, 0) },
        PartOfDay::Afternoon => const { hm(15, 0) },
        PartOfDay::Evening => const { hm(19, 0) },
        PartOfDay::Night => const { hm(20, 0) },
    }
}

/// When a part of the day starts and how many hours it lasts: morning 05-12, afternoon 12-17,
/// evening 17-21, and night 17-05, since "tonight" takes in the evening.
pub(crate) fn part_span(part: PartOfDay) -> (NaiveTime, i64) {
    let (start, hours) = match part {
        PartOfDay::Morning => (5, 7),
        PartOfDay::Afternoon => (12, 5),
        PartOfDay::Evening => (17, 4),
        PartOfDay::Night => (17, 12),
    };
    (hm(start, 0), hours)
}

/// True when a local time falls in a part of the day.
pub(crate) fn in_part(part: PartOfDay, time: NaiveTime) -> bool {
    let (start, hours) = part_span(part);
    (i64::from(time.hour()) - i64::from(start.hour())).rem_euclid(24) < hours
}

pub(super) fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

pub(super) fn in_week(monday: NaiveDate, day: Weekday) -> NaiveDate {
    monday + Days::new(u64::from(day.num_days_from_monday()))
}

pub(super) fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

pub(super) fn last_of_month(date: NaiveDate) -> NaiveDate {
    first_of_month(date)
        .checked_add_months(Months::new(1))
        .map_or(date, |next| next - Days::new(1))
}

/// True in zones that write the month first ("12/3" is December 3rd): the United States'.
pub(super) fn month_first(tz: Tz) -> bool {
    const US: &str = "America/New_York America/Chicago America/Denver America/Los_Angeles America/Phoenix \
        America/Anchorage America/Detroit America/Boise America/Juneau America/Sitka America/Nome America/Adak \
        America/Yakutat America/Menominee America/Metlakatla Pacific/Honolulu";
    let name = tz.name();
    name.starts_with("US/")
        || name.starts_with("America/Indiana/")
        || name.starts_with("America/Kentucky/")
        || name.starts_with("America/North_Dakota/")
        || US.split_whitespace().any(|zone| zone == name)
}

/// The local date a day expression means, seen from `today` in `tz`.
pub(crate) fn resolve_day_in(day: Day, today: NaiveDate, tz: Tz) -> Option<NaiveDate> {
    match day {
        Day::Numeric { first, second, year } => {
            let (month, day) = if first > 12 || (second <= 12 && !month_first(tz)) {
                (second, first)
            } else {
                (first, second)
            };
            resolve_day(Day::Date { year, month, day }, today)
        }
        day => resolve_day(day, today),
    }
}

/// The local date a day expression means, seen from `today`.
pub(crate) fn resolve_day(day: Day, today: NaiveDate) -> Option<NaiveDate> {
    let coming = |weekday: Weekday| {
        let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        today + Days::new(u64::from(if ahead == 0 { 7 } else { ahead }))
    };
    let next_monday = monday_of(today) + Days::new(7);
    Some(match day {
        Day::Today => today,
        Day::Tomorrow => today + Days::new(1),
        Day::AfterTomorrow => today + Days::new(2),
        Day::Weekday(weekday, WeekChoice::Coming) => coming(weekday),
        Day::Weekday(weekday, WeekChoice::This) => Some(in_week(monday_of(today), weekday))
            .filter(|date| *date >= today)
            .unwrap_or_else(|| coming(weekday)),
        Day::Weekday(weekday, WeekChoice::Next) => in_week(next_monday, weekday),
        Day::Date {
            year: Some(year),
            month,
            day,
        } => NaiveDate::from_ymd_opt(year, month, day)?,
        Day::Date { year: None, month, day } => (0..=4)
            .filter_map(|ahead| NaiveDate::from_ymd_opt(today.year() + ahead, month, day))
            .find(|date| *date >= today)?,
        Day::OfMonth(day) => (0..=2)
            .filter_map(|ahead| {
                first_of_month(today)
                    .checked_add_months(Months::new(ahead))?
                    .with_day(day)
            })
            .find(|date| *date >= today)?,
        Day::OfNextMonth(day) => first_of_month(today)
            .checked_add_months(Months::new(1))?
            .with_day(day)?,
        Day::InDays(days) => today.checked_add_signed(Duration::days(days))?,
        Day::InMonths(months) => today.checked_add_months(Months::new(u32::try_from(months).ok()?))?,
        Day::EndOfWeek | Day::Week { next: false } if today.weekday().num_days_from_monday() <= 4 => {
            in_week(monday_of(today), Weekday::Fri)
        }
        Day::EndOfWeek | Day::Week { next: false } => in_week(monday_of(today), Weekday::Sun),
        Day::Week { next: true } => next_monday,
        Day::EndOfMonth | Day::Month { next: false } => last_of_month(today),
        Day::Month { next: true } => first_of_month(today).checked_add_months(Months::new(1))?,
        Day::Weekend { next: false } if today.weekday() == Weekday::Sun => today,
        Day::Weekend { next: false } => in_week(monday_of(today), Weekday::Sat),
        Day::Weekend { next: true } => in_week(next_monday, Weekday::Sat),
        Day::Numeric { first, second, year } => {
            return resolve_day(
                Day::Date {
                    year,
                    month: first.min(second),
                    day: first.max(second),
                },
                today,
            );
        }
    })
}
