//! Keys that sort as text in the order of what they encode, for keyset pages sorted by
//! something other than an id (meetings by start, threads by activity).

use chrono::{DateTime, SecondsFormat, Utc};

/// A time as fixed-width RFC 3339 (microseconds, `Z`), which sorts as text in time order.
pub fn time_key(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn key_time(key: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(key)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}
