//! The user's time zone, for the dates they type (`--due`, `--every`) and for the chat: the
//! system's IANA zone, so "tomorrow 9am" is 9 in the morning where the user is, on either side of
//! a daylight-saving change.

use anyhow::anyhow;
use chrono_tz::Tz;

/// The system's IANA time zone name: `TZ`, `/etc/timezone`, or the `/etc/localtime` link.
pub(crate) fn system_time_zone() -> Option<String> {
    let from_env = std::env::var("TZ").ok().map(|tz| tz.trim_start_matches(':').to_owned());
    let from_file = || {
        std::fs::read_to_string("/etc/timezone")
            .ok()
            .map(|s| s.trim().to_owned())
    };
    let from_link = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|target| {
            let target = target.to_string_lossy().into_owned();
            target.split_once("zoneinfo/").map(|(_, zone)| zone.to_owned())
        })
    };
    from_env
        .filter(|tz| !tz.is_empty())
        .or_else(from_file)
        .or_else(from_link)
        .filter(|tz| !tz.is_empty())
}

/// The zone typed dates are read in.
///
/// # Errors
/// When the system names no zone, or one that is not an IANA name: guessing would put every
/// due time hours off, so the user is told how to say it.
pub(crate) fn user_zone() -> anyhow::Result<Tz> {
    zone_named(system_time_zone())
}

fn zone_named(name: Option<String>) -> anyhow::Result<Tz> {
    let name =
        name.ok_or_else(|| anyhow!("cannot tell your time zone: set TZ to an IANA name such as Europe/Berlin"))?;
    name.parse()
        .map_err(|_| anyhow!("TZ '{name}' is not an IANA time zone: set TZ to a name such as Europe/Berlin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iana_name_is_the_zone_and_anything_else_is_refused_with_the_fix() {
        assert_eq!(
            zone_named(Some("Europe/Berlin".into())).expect("zone"),
            chrono_tz::Europe::Berlin
        );
        let posix = zone_named(Some("CET-1CEST".into()))
            .expect_err("a POSIX rule is not a name")
            .to_string();
        assert!(
            posix.contains("'CET-1CEST'") && posix.contains("Europe/Berlin"),
            "{posix}"
        );
        let none = zone_named(None).expect_err("no zone").to_string();
        assert!(none.contains("set TZ"), "{none}");
    }
}
