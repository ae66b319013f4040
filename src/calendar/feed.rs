//! Writing a feed: an iCalendar object (RFC 5545) with one VEVENT per session of each
//! event, and a VTIMEZONE for each time zone the sessions were given in.
//!
//! What a calendar client relies on to update what it shows:
//! - `UID`: the same for a session in every fetch (`trellis-event-<event>-session-<session>@<host>`);
//! - `SEQUENCE`: rises with every change of the event (its `version`) and, in a person's
//!   feed, of their booking;
//! - `STATUS`: `CANCELLED` for a cancelled event (or a booking that was cancelled or
//!   declined), `TENTATIVE` while a booking waits for approval or on the waitlist;
//! - `DTSTAMP`: when what the VEVENT says last changed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{event, event_session};
use ics::parameters::TzIDParam;
use ics::properties::{
    CalScale, Categories, Description, DtEnd, DtStart, Location, Name, RefreshInterval, Sequence,
    Status, Summary, URL,
};
use ics::{Event, ICalendar, escape_text};

use super::zones::{LOCAL_FORMAT, vtimezone};

/// How often a client should fetch a feed again.
const REFRESH: &str = "PT1H";

/// What a VEVENT says of the person's place, in a person's feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// A place is held, or was used.
    Confirmed,
    /// Waiting for approval or on the waitlist.
    Tentative,
    /// The event, or the person's booking, was cancelled (or declined).
    Cancelled,
}

/// One event of a feed, with what the feed says of it.
pub struct Entry<'a> {
    pub event: &'a event::Model,
    pub sessions: Vec<&'a event_session::Model>,
    /// Where it happens, in words: the venue school's name and the address.
    pub location: Option<String>,
    pub standing: Standing,
    /// Counts every change of what the VEVENT says.
    pub sequence: i32,
    pub stamp: DateTime<Utc>,
    /// A line put before the event's description (the person's booking, in their feed).
    pub note: Option<String>,
}

/// The feed named `name`, whose UIDs end in `@host`.
pub fn write(name: &str, host: &str, entries: &[Entry<'_>]) -> String {
    let mut calendar = ICalendar::new("2.0", "-//Trellis//Events//EN");
    calendar.push(CalScale::new("GREGORIAN"));
    calendar.push(Name::new(escape_text(name)));
    calendar.push(ics::components::Property::new(
        "X-WR-CALNAME",
        escape_text(name),
    ));
    calendar.push(RefreshInterval::new(REFRESH));
    calendar.push(ics::components::Property::new("X-PUBLISHED-TTL", REFRESH));

    for (zone, (first, last)) in zones_used(entries) {
        calendar.add_timezone(vtimezone(zone, first, last));
    }
    for entry in entries {
        let count = entry.sessions.len();
        for (n, session) in entry.sessions.iter().enumerate() {
            calendar.add_event(vevent(host, entry, session, (n + 1, count)));
        }
    }
    calendar.to_string()
}

/// The zones the sessions were given in, with the first and last instant each covers.
/// The first and last instant a zone must cover.
type Span = (DateTime<Utc>, DateTime<Utc>);

fn zones_used(entries: &[Entry<'_>]) -> Vec<(Tz, Span)> {
    let mut zones: BTreeMap<&'static str, (Tz, Span)> = BTreeMap::new();
    for session in entries.iter().flat_map(|entry| &entry.sessions) {
        if let Ok(zone) = session.time_zone.parse::<Tz>() {
            let (_, span) = zones
                .entry(zone.name())
                .or_insert((zone, (session.starts_at, session.ends_at)));
            span.0 = span.0.min(session.starts_at);
            span.1 = span.1.max(session.ends_at);
        }
    }
    zones.into_values().collect()
}

fn vevent<'a>(
    host: &str,
    entry: &Entry<'a>,
    session: &event_session::Model,
    (n, count): (usize, usize),
) -> Event<'a> {
    let event = entry.event;
    let uid = format!("trellis-event-{}-session-{}@{host}", event.id, session.id);
    let mut vevent = Event::new(uid, utc(entry.stamp));
    let (start, zone) = local(session.starts_at, &session.time_zone);
    let mut dtstart = DtStart::new(start);
    let (end, _) = local(session.ends_at, &session.time_zone);
    let mut dtend = DtEnd::new(end);
    if let Some(zone) = zone {
        dtstart.add(TzIDParam::new(zone));
        dtend.add(TzIDParam::new(zone));
    }
    vevent.push(dtstart);
    vevent.push(dtend);
    let summary = if count > 1 {
        format!("{} (session {n} of {count})", event.title)
    } else {
        event.title.clone()
    };
    vevent.push(Summary::new(escape_text(summary)));
    let description = match &entry.note {
        Some(note) => format!("{note}\n\n{}", event.description_markdown),
        None => event.description_markdown.clone(),
    };
    if !description.trim().is_empty() {
        vevent.push(Description::new(escape_text(description)));
    }
    if let Some(location) = &entry.location {
        vevent.push(Location::new(escape_text(location.clone())));
    }
    if let Some(url) = &event.online_url {
        vevent.push(URL::new(url.clone()));
    }
    vevent.push(Categories::new(escape_text(kind_name(event))));
    vevent.push(Sequence::new(entry.sequence.max(0).to_string()));
    vevent.push(match entry.standing {
        Standing::Confirmed => Status::confirmed(),
        Standing::Tentative => Status::tentative(),
        Standing::Cancelled => Status::cancelled(),
    });
    vevent
}

/// A DATE-TIME in UTC: `20270328T090000Z`.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// `at` as a local time of `zone` with the zone's name, for `DTSTART;TZID=Europe/London:
/// 20270328T100000`; in UTC, without a zone, for a zone the database does not know (which
/// input checks keep from happening).
fn local(at: DateTime<Utc>, zone: &str) -> (String, Option<&'static str>) {
    match zone.parse::<Tz>() {
        Ok(tz) => (
            at.with_timezone(&tz).format(LOCAL_FORMAT).to_string(),
            Some(tz.name()),
        ),
        Err(_) => (utc(at), None),
    }
}

/// The event's kind in words, as a category.
fn kind_name(event: &event::Model) -> &'static str {
    use entity::enums::EventKind;
    match event.kind {
        EventKind::Course => "Course",
        EventKind::NetworkMeeting => "Network meeting",
        EventKind::SchoolVisit => "School visit",
        EventKind::LessonStudy => "Lesson study",
        EventKind::OpenClassroom => "Open classroom",
        EventKind::Conference => "Conference",
    }
}
