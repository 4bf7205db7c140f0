use super::*;

fn parse(text: &str) -> (Option<When>, Vec<String>) {
    let mut message = Message::new(text);
    let len = message.len();
    let when = take(&mut message, 0..len);
    let left = message
        .free_in(0..len)
        .into_iter()
        .map(|i| message.word(i).to_owned())
        .collect();
    (when, left)
}

fn when(text: &str) -> When {
    parse(text).0.unwrap_or_else(|| panic!("no date in {text:?}"))
}

/// A clock time said in words or digits: exact when am or pm was said.
fn clock(hour: u32, minute: u32, pm: Option<bool>) -> Option<Time> {
    Some(Time::Clock {
        hour,
        minute,
        pm,
        exact: pm.is_some(),
    })
}

#[test]
fn a_day_and_a_time_combine_wherever_they_are() {
    let expected = Some(Day::Tomorrow);
    assert_eq!(when("tomorrow at 5pm").day, expected);
    assert_eq!(when("5pm tomorrow").day, expected);
    assert_eq!(
        when("tomorrow at 5pm").time,
        Some(Time::Clock {
            hour: 5,
            minute: 0,
            pm: Some(true),
            exact: true
        })
    );
}

#[test]
fn next_this_and_bare_weekdays_choose_different_weeks() {
    assert_eq!(
        when("next friday").day,
        Some(Day::Weekday(Weekday::Fri, WeekChoice::Next))
    );
    assert_eq!(
        when("this friday").day,
        Some(Day::Weekday(Weekday::Fri, WeekChoice::This))
    );
    assert_eq!(
        when("on friday").day,
        Some(Day::Weekday(Weekday::Fri, WeekChoice::Coming))
    );
}

#[test]
fn relative_expressions_are_offsets_or_days() {
    assert_eq!(when("in 2 hours").offset_minutes, Some(120));
    assert_eq!(when("in half an hour").offset_minutes, Some(30));
    assert_eq!(when("in a week").day, Some(Day::InDays(7)));
    assert_eq!(when("3 days from now").day, Some(Day::InDays(3)));
}

#[test]
fn calendar_dates_in_every_common_shape() {
    let december_3 = Some(Day::Date {
        year: None,
        month: 12,
        day: 3,
    });
    for text in ["on Dec 3", "december 3rd", "3 dec", "the 3rd of december"] {
        assert_eq!(when(text).day, december_3, "{text}");
    }
    assert_eq!(
        when("2026-12-01").day,
        Some(Day::Date {
            year: Some(2026),
            month: 12,
            day: 1
        })
    );
    assert_eq!(
        when("oct 31 2027").day,
        Some(Day::Date {
            year: Some(2027),
            month: 10,
            day: 31
        })
    );
    assert_eq!(when("on the 15th").day, Some(Day::OfMonth(15)));
    assert_eq!(
        when("by 12/15").day,
        Some(Day::Numeric {
            first: 12,
            second: 15,
            year: None
        })
    );
}

#[test]
fn periods_and_parts_of_the_day() {
    assert_eq!(when("end of the week").day, Some(Day::EndOfWeek));
    assert_eq!(when("this weekend").day, Some(Day::Weekend { next: false }));
    assert_eq!(when("tonight").part, Some(PartOfDay::Night));
    assert_eq!(when("this evening").day, Some(Day::Today));
    let monday_morning = when("monday morning");
    assert_eq!(monday_morning.day, Some(Day::Weekday(Weekday::Mon, WeekChoice::Coming)));
    assert_eq!(monday_morning.part, Some(PartOfDay::Morning));
    assert_eq!(when("coming up").upcoming, Some(7 * 24 * 60));
    assert_eq!(when("in the next 3 days").upcoming, Some(3 * 24 * 60));
}

#[test]
fn clock_times_need_am_pm_a_colon_or_at() {
    assert_eq!(
        when("at 14:30").time,
        Some(Time::Clock {
            hour: 14,
            minute: 30,
            pm: None,
            exact: true
        })
    );
    assert_eq!(
        when("at 6").time,
        Some(Time::Clock {
            hour: 6,
            minute: 0,
            pm: None,
            exact: false
        })
    );
    assert_eq!(when("noon").time, Some(Time::Noon));
}

#[test]
fn days_of_the_month_said_in_words() {
    let date = |text: &str| match when(text).day {
        Some(Day::Date { month, day, .. }) => (month, day),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(date("march twenty first"), (3, 21));
    assert_eq!(date("on may two"), (5, 2));
    assert_eq!(date("july fourth"), (7, 4));
    assert_eq!(date("thirteenth june"), (6, 13));
    assert_eq!(date("january twenty five"), (1, 25));
    assert_eq!(date("the third of april"), (4, 3));
    assert_eq!(date("december twenty-fifth"), (12, 25));
}

#[test]
fn clock_times_said_in_words() {
    assert_eq!(when("at five pm").time, clock(5, 0, Some(true)));
    assert_eq!(when("at seven thirty am").time, clock(7, 30, Some(false)));
    assert_eq!(when("at four hundred pm").time, clock(4, 0, Some(true)));
    assert_eq!(
        when("at seven hundred and forty five pm").time,
        clock(7, 45, Some(true))
    );
    assert_eq!(when("twelve o'clock").time, clock(12, 0, None));
    assert_eq!(when("at eleven thirty").time, clock(11, 30, None));
    assert_eq!(when("at nine oh five").time, clock(9, 5, None));
    assert_eq!(when("at six forty-five pm").time, clock(6, 45, Some(true)));
    // Without "at", am/pm or o'clock a number word is not a time: "buy five apples".
    assert_eq!(parse("buy five apples").0, None);
}

#[test]
fn words_that_only_look_like_dates_stay_free() {
    for text in [
        "pick up kids at the school",
        "finish chapter 4",
        "order glasses 2 weeks",
        "buy christmas tree",
        "call may",
        "weekly review",
    ] {
        assert!(parse(text).0.is_none(), "{text:?} has no date");
    }
}

#[test]
fn prepositions_of_a_date_are_claimed_with_it() {
    let (_, left) = parse("submit the report no later than friday 5pm");
    assert_eq!(left, ["submit", "the", "report"]);
    let (parsed, _) = parse("before saturday");
    assert_eq!(parsed.map(|w| w.bound), Some(Bound::Before));
}

#[test]
fn times_as_speech_to_text_writes_them() {
    assert_eq!(when("tomorrow at 2 30").time, clock(2, 30, None));
    assert_eq!(when("on march 3rd at 4 00 pm").time, clock(4, 0, Some(true)));
    assert_eq!(when("tuesday 2 45 pm").time, clock(2, 45, Some(true)));
    assert_eq!(when("at half past 10 in the morning").time, clock(10, 30, None));
    assert_eq!(when("to half past 2").time, clock(2, 30, None));
    assert_eq!(when("a quarter to five pm").time, clock(4, 45, Some(true)));
    // Two numbers without "at" or am/pm stay numbers.
    assert_eq!(parse("buy 2 30 packs").0, None);
}

#[test]
fn a_weekday_before_its_date_only_repeats_it() {
    let date = Some(Day::Date {
        year: None,
        month: 11,
        day: 28,
    });
    let (found, left) = parse("saturday november 28th at twelve pm");
    assert_eq!(found.and_then(|w| w.day), date);
    assert!(left.is_empty(), "{left:?}");
    let (found, left) = parse("on monday the thirtieth call greg");
    assert_eq!(
        found.and_then(|w| w.day),
        Some(Day::Weekday(Weekday::Mon, WeekChoice::Coming))
    );
    assert_eq!(left, ["call", "greg"]);
    assert_eq!(
        when("on dec. 11").day,
        Some(Day::Date {
            year: None,
            month: 12,
            day: 11
        })
    );
}

#[test]
fn a_week_or_a_month_said_after_the_day() {
    assert_eq!(
        when("saturday this week").day,
        Some(Day::Weekday(Weekday::Sat, WeekChoice::This))
    );
    assert_eq!(
        when("friday next week").day,
        Some(Day::Weekday(Weekday::Fri, WeekChoice::Next))
    );
    assert_eq!(when("for the 1st of next month").day, Some(Day::OfNextMonth(1)));
    let (found, left) = parse("for the 29th of this month");
    assert_eq!(found.and_then(|w| w.day), Some(Day::OfMonth(29)));
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(when("for the twenty first").day, Some(Day::OfMonth(21)));
}
