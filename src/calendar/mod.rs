//! Calendars: iCalendar (RFC 5545) feeds of events at `GET /calendar/<token>.ics`.
//!
//! - `feeds`: making, replacing and revoking feeds, and listing them (the API);
//! - `tokens`: the feeds' tokens, of which only a hash is kept;
//! - `serve`: the HTTP endpoint that calendar clients poll;
//! - `feed` and `zones`: writing the iCalendar object and its VTIMEZONE components.

mod feed;
pub mod feeds;
mod node;
pub mod serve;
pub mod tokens;
mod zones;

pub use feeds::{CalendarFeed, CalendarFeedMutation, CalendarFeedQuery};
