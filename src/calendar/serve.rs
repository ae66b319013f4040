//! `GET /calendar/<token>.ics`: a feed, for whoever holds its token (a calendar client
//! subscribes with the URL alone, without signing in). A token that is unknown, revoked,
//! or whose owner can no longer see the feed's events gets 404, as any other wrong URL.
//!
//! Six statements at most, whatever the feed holds: the token, its owner, the events with what the feed
//! says of each (a person's events and bookings, or the alliance's open events), their
//! sessions, and their venues' names.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use entity::enums::{BookingStatus, EventAudience, EventStatus, PersonStatus};
use entity::{alliance, event, event_booking, event_session, person, school};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};

use super::feed::{Entry, Standing, write};
use super::tokens::{TOKEN_MAX, feed_by_token};
use crate::http::AppState;

/// How far back a feed reaches: a year of past events is history enough for a calendar.
const HISTORY_DAYS: i64 = 365;

/// Most events one feed holds, soonest first after the history.
const MOST_EVENTS: u64 = 500;

/// The feed, or 404.
pub async fn feed(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> actix_web::Result<HttpResponse> {
    let not_found = || HttpResponse::NotFound().finish();
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|token| token.len() <= TOKEN_MAX)
    else {
        return Ok(not_found());
    };
    let host = host_of(&state.services.public_url);
    let written = async {
        let Some(found) = feed_by_token(&state.db, token).await? else {
            return Ok::<_, DbErr>(None);
        };
        match (found.person_id, found.alliance_id) {
            (Some(person), _) => person_feed(&state.db, person, &host).await,
            (None, Some(alliance)) => alliance_feed(&state.db, alliance, &host).await,
            (None, None) => Ok(None),
        }
    };
    match written.await {
        Ok(Some(body)) => Ok(HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            // Clients poll; a feed may hold what only its owner should see.
            .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
            .body(body)),
        Ok(None) => Ok(not_found()),
        Err(error) => {
            tracing::error!(%error, "could not read a calendar feed");
            Ok(HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, "60"))
                .finish())
        }
    }
}

/// The host part of UIDs: the public URL's host.
fn host_of(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "trellis".to_owned())
}

/// The events of `select` a feed lists: published ones (not drafts) that ended at most
/// `HISTORY_DAYS` ago, in the order they start, at most `MOST_EVENTS`.
async fn feed_events(
    db: &DatabaseConnection,
    select: Select<event::Entity>,
) -> Result<Vec<event::Model>, DbErr> {
    select
        .filter(event::Column::Status.ne(EventStatus::Draft))
        .filter(event::Column::EndsAt.gte(Utc::now() - Duration::days(HISTORY_DAYS)))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(MOST_EVENTS)
        .all(db)
        .await
}

/// The events a person booked (whatever became of the booking, so that a client removes
/// what was cancelled), from a year ago on.
async fn person_feed(
    db: &DatabaseConnection,
    person_id: i32,
    host: &str,
) -> Result<Option<String>, DbErr> {
    let Some(owner) = person::Entity::find_by_id(person_id).one(db).await? else {
        return Ok(None);
    };
    if owner.status != PersonStatus::Active {
        return Ok(None);
    }
    let booked_events = event::Entity::find().filter(
        event::Column::Id.in_subquery(
            Query::select()
                .column(event_booking::Column::EventId)
                .from(event_booking::Entity)
                .and_where(event_booking::Column::PersonId.eq(person_id))
                .to_owned(),
        ),
    );
    let events = feed_events(db, booked_events).await?;
    let mut bookings: HashMap<i32, event_booking::Model> = event_booking::Entity::find()
        .filter(event_booking::Column::PersonId.eq(person_id))
        .filter(event_booking::Column::EventId.is_in(events.iter().map(|event| event.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|booking| (booking.event_id, booking))
        .collect();
    let booked: Vec<(event_booking::Model, event::Model)> = events
        .into_iter()
        .filter_map(|event| bookings.remove(&event.id).map(|booking| (booking, event)))
        .collect();
    let events: Vec<&event::Model> = booked.iter().map(|(_, event)| event).collect();
    let details = Details::load(db, &events).await?;
    let entries = booked
        .iter()
        .map(|(booking, event)| {
            let mut entry = details.entry(event);
            entry.standing = match (event.status, booking.status) {
                (EventStatus::Cancelled, _)
                | (_, BookingStatus::Cancelled | BookingStatus::Declined) => Standing::Cancelled,
                (_, BookingStatus::AwaitingApproval | BookingStatus::Waitlisted) => {
                    Standing::Tentative
                }
                _ => Standing::Confirmed,
            };
            entry.sequence += booking.version - 1;
            entry.stamp = entry.stamp.max(booking.updated_at);
            entry.note = Some(format!("Your booking: {}", booking_words(booking.status)));
            entry
        })
        .collect::<Vec<_>>();
    let name = format!("Trellis: {}'s events", owner.full_name());
    Ok(Some(write(&name, host, &entries)))
}

/// The alliance's events open to all its schools, published (not drafts), from a year
/// ago on.
async fn alliance_feed(
    db: &DatabaseConnection,
    alliance_id: i32,
    host: &str,
) -> Result<Option<String>, DbErr> {
    let Some(alliance) = alliance::Entity::find_by_id(alliance_id).one(db).await? else {
        return Ok(None);
    };
    let open_to_all = event::Entity::find()
        .filter(event::Column::AllianceId.eq(alliance_id))
        .filter(event::Column::Audience.eq(EventAudience::Alliance));
    let events = feed_events(db, open_to_all).await?;
    let listed: Vec<&event::Model> = events.iter().collect();
    let details = Details::load(db, &listed).await?;
    let entries = events
        .iter()
        .map(|event| details.entry(event))
        .collect::<Vec<_>>();
    Ok(Some(write(
        &format!("Trellis: {} events", alliance.name),
        host,
        &entries,
    )))
}

/// The sessions and venue names of a feed's events, each read in one statement.
struct Details {
    sessions: HashMap<i32, Vec<event_session::Model>>,
    venues: HashMap<i32, String>,
}

impl Details {
    async fn load(db: &DatabaseConnection, events: &[&event::Model]) -> Result<Self, DbErr> {
        let ids: Vec<i32> = events.iter().map(|event| event.id).collect();
        let mut sessions: HashMap<i32, Vec<event_session::Model>> = HashMap::new();
        for session in event_session::Entity::find()
            .filter(event_session::Column::EventId.is_in(ids))
            .order_by_asc(event_session::Column::StartsAt)
            .order_by_asc(event_session::Column::Id)
            .all(db)
            .await?
        {
            sessions.entry(session.event_id).or_default().push(session);
        }
        let venue_ids: Vec<i32> = events.iter().filter_map(|e| e.venue_school_id).collect();
        let venues = if venue_ids.is_empty() {
            HashMap::new()
        } else {
            school::Entity::find()
                .filter(school::Column::Id.is_in(venue_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|school| (school.id, school.name))
                .collect()
        };
        Ok(Self { sessions, venues })
    }

    /// What the feed says of `event` before any booking is considered.
    fn entry<'a>(&'a self, event: &'a event::Model) -> Entry<'a> {
        let venue = event
            .venue_school_id
            .and_then(|id| self.venues.get(&id))
            .map(String::as_str);
        let location = [venue, event.address.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        Entry {
            event,
            sessions: self
                .sessions
                .get(&event.id)
                .map(|sessions| sessions.iter().collect())
                .unwrap_or_default(),
            location: (!location.is_empty()).then_some(location),
            standing: if event.status == EventStatus::Cancelled {
                Standing::Cancelled
            } else {
                Standing::Confirmed
            },
            sequence: event.version - 1,
            stamp: event.updated_at,
            note: None,
        }
    }
}

fn booking_words(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::AwaitingApproval => "waiting for your school's approval",
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::Waitlisted => "on the waitlist",
        BookingStatus::Declined => "declined by your school",
        BookingStatus::Cancelled => "cancelled",
        BookingStatus::Attended => "attended",
        BookingStatus::NoShow => "not attended",
    }
}
