//! VTIMEZONE components (RFC 5545 §3.6.5) from the IANA time zone database.
//!
//! A feed's times are written as local times with a `TZID`, and RFC 5545 asks for a
//! VTIMEZONE of each `TZID` used. Rather than rules (`RRULE`), which a zone's history does
//! not always follow, each observance is written once, from the offsets chrono-tz gives:
//! the one in force when the range starts, then one per change of offset within it. A
//! client reading the feed needs nothing but the feed to place every time.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use ics::properties::TzName;
use ics::{Daylight, Standard};

/// Most years one VTIMEZONE covers: the feeds hold a year of history and what is planned,
/// so more would only come from a date typed wrongly.
const MOST_YEARS: i32 = 20;

/// The local time format of DATE-TIME values with a `TZID`.
pub const LOCAL_FORMAT: &str = "%Y%m%dT%H%M%S";

/// The offset in force at one instant: what an observance states.
#[derive(Clone, PartialEq, Eq)]
struct Observance {
    seconds_east: i32,
    daylight: bool,
    name: Option<String>,
}

fn observance(zone: Tz, at: DateTime<Utc>) -> Observance {
    let offset = zone.offset_from_utc_datetime(&at.naive_utc());
    Observance {
        seconds_east: offset.fix().local_minus_utc(),
        daylight: !offset.dst_offset().is_zero(),
        name: offset.abbreviation().map(str::to_owned),
    }
}

/// `+0100`, `-0330`, or `+053028` when the offset has seconds.
fn utc_offset(seconds_east: i32) -> String {
    let sign = if seconds_east < 0 { '-' } else { '+' };
    let seconds = seconds_east.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

/// The first instant in `(after, before]` whose observance differs from `after`'s: found by
/// halving, to the second.
fn change_between(zone: Tz, after: DateTime<Utc>, before: DateTime<Utc>) -> DateTime<Utc> {
    let old = observance(zone, after);
    let (mut low, mut high) = (after, before);
    while high - low > Duration::seconds(1) {
        let middle = low + (high - low) / 2;
        if observance(zone, middle) == old {
            low = middle;
        } else {
            high = middle;
        }
    }
    high
}

/// The VTIMEZONE of `zone` for the years from `first` to `last` (at most twenty).
pub fn vtimezone(zone: Tz, first: DateTime<Utc>, last: DateTime<Utc>) -> ics::TimeZone<'static> {
    use chrono::Datelike;
    let start_year = first.year();
    let end_year = last.year().clamp(start_year, start_year + MOST_YEARS - 1);
    let start = Utc.with_ymd_and_hms(start_year, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(end_year + 1, 1, 1, 0, 0, 0).unwrap();

    let initial = observance(zone, start);
    let onset = start.naive_utc() + Duration::seconds(initial.seconds_east.into());
    let mut timezone = match definition(&initial, &initial, onset) {
        Definition::Standard(standard) => ics::TimeZone::standard(zone.name(), standard),
        Definition::Daylight(daylight) => ics::TimeZone::daylight(zone.name(), daylight),
    };
    let mut day = start;
    let mut current = initial.clone();
    while day < end {
        let next_day = day + Duration::days(1);
        if observance(zone, next_day) != current {
            let at = change_between(zone, day, next_day);
            let next = observance(zone, at);
            // The onset is written in the local time of the observance it ends.
            let onset = at.naive_utc() + Duration::seconds(current.seconds_east.into());
            match definition(&current, &next, onset) {
                Definition::Standard(standard) => timezone.add_standard(standard),
                Definition::Daylight(daylight) => timezone.add_daylight(daylight),
            }
            current = next;
        }
        day = next_day;
    }
    timezone
}

/// One observance of a VTIMEZONE: standard time or daylight saving time.
enum Definition {
    Standard(Standard<'static>),
    Daylight(Daylight<'static>),
}

/// The observance `to` that follows `from` at `onset` (local time in `from`'s offset).
fn definition(from: &Observance, to: &Observance, onset: NaiveDateTime) -> Definition {
    macro_rules! written {
        ($kind:ident) => {{
            let mut definition = $kind::new(
                onset.format(LOCAL_FORMAT).to_string(),
                utc_offset(from.seconds_east),
                utc_offset(to.seconds_east),
            );
            if let Some(name) = &to.name {
                let name = name.clone();
                definition.push(TzName::new(name));
            }
            definition
        }};
    }
    if to.daylight {
        Definition::Daylight(written!(Daylight))
    } else {
        Definition::Standard(written!(Standard))
    }
}
