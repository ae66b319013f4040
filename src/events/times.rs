//! Session times as people give them: a local date and time on the wall clock of an IANA
//! time zone (`2027-03-28T09:00` in `Europe/London`), stored in UTC with the zone, and
//! shown again in that zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::errors::UserError;

/// The zone sessions are given in when none is named.
pub const DEFAULT_TIME_ZONE: &str = "Europe/London";

/// Reads an IANA time zone name, such as `Europe/London`.
pub fn zone(field: &str, name: &str) -> Result<Tz, UserError> {
    name.parse::<Tz>().map_err(|_| {
        UserError::invalid(
            field,
            format!("unknown time zone {name:?}: use an IANA name such as Europe/London"),
        )
    })
}

/// Reads a time given as input: a local date and time in `zone` (`2027-03-28T09:00`, seconds
/// optional), or an RFC 3339 time with its offset (`2027-03-28T08:00:00Z`). A local time the
/// clocks skip (in the spring gap) is refused; one they pass twice (in the autumn) is the
/// first of the two.
pub fn local_time(field: &str, text: &str, zone: Tz) -> Result<DateTime<Utc>, UserError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            UserError::invalid(
                field,
                "must be a local date and time such as 2027-03-28T09:00, or an RFC 3339 time",
            )
        })?;
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.with_timezone(&Utc)),
        LocalResult::None => Err(UserError::invalid(
            field,
            format!("{text} does not exist in {zone}: the clocks go forward then"),
        )),
    }
}

/// A UTC time on the wall clock of the zone named `zone` (UTC when the name is unknown),
/// as `2027-03-28T09:00:00`.
pub fn wall_clock(at: DateTime<Utc>, zone: &str) -> String {
    let tz = zone.parse::<Tz>().unwrap_or(Tz::UTC);
    at.with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// The UTC offset of the zone named `zone` at `at`, as `+01:00`.
pub fn offset(at: DateTime<Utc>, zone: &str) -> String {
    let tz = zone.parse::<Tz>().unwrap_or(Tz::UTC);
    at.with_timezone(&tz).format("%:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> Tz {
        zone("tz", "Europe/London").unwrap()
    }

    #[test]
    fn local_times_in_london_are_stored_in_utc_across_the_clock_changes() {
        // British Summer Time starts at 01:00 UTC on 28 March 2027.
        let before = local_time("t", "2027-03-27T09:00", london()).unwrap();
        assert_eq!(before.to_rfc3339(), "2027-03-27T09:00:00+00:00");
        let after = local_time("t", "2027-03-28T09:00", london()).unwrap();
        assert_eq!(after.to_rfc3339(), "2027-03-28T08:00:00+00:00");
        assert_eq!(wall_clock(after, "Europe/London"), "2027-03-28T09:00:00");
        assert_eq!(offset(after, "Europe/London"), "+01:00");
        // And ends on 31 October 2027.
        let autumn = local_time("t", "2027-10-31T09:00", london()).unwrap();
        assert_eq!(autumn.to_rfc3339(), "2027-10-31T09:00:00+00:00");
    }

    #[test]
    fn the_skipped_hour_is_refused_and_the_repeated_hour_is_the_first() {
        assert!(local_time("t", "2027-03-28T01:30", london()).is_err());
        let twice = local_time("t", "2027-10-31T01:30", london()).unwrap();
        assert_eq!(twice.to_rfc3339(), "2027-10-31T00:30:00+00:00");
    }

    #[test]
    fn offsets_are_taken_as_given_and_nonsense_is_refused() {
        let at = local_time("t", "2027-03-28T09:00:00+02:00", london()).unwrap();
        assert_eq!(at.to_rfc3339(), "2027-03-28T07:00:00+00:00");
        for text in ["", "tomorrow", "2027-02-30T09:00", "2027-03-28 09:00"] {
            assert!(local_time("t", text, london()).is_err(), "{text}");
        }
        assert!(zone("tz", "Europe/Londinium").is_err());
        assert!(zone("tz", "").is_err());
    }
}
