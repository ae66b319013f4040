//! Hosting events: creating one as a draft, editing it, and its life cycle (open for
//! booking, closed, held, cancelled).

use async_graphql::{Context, ID, InputObject};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::enums::{
    EventAudience, EventKind, EventStatus, MembershipStatus, SchoolPhase, WebhookEventType,
};
use entity::{
    alliance_membership, event, event_facilitator, event_session, partnership, staff_role,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait, Set,
};
use trellis_macros::mutations;

use super::places::{lock_event, promote_waitlist};
use super::times::{DEFAULT_TIME_ZONE, local_time, zone};
use super::{
    CAPACITY_MAX, DESCRIPTION_MAX, Event, FACILITATORS_MAX, REASON_MAX, RELEASE_DAYS_MAX,
    SESSIONS_MAX, TITLE_MAX, event_entry, visible_event,
};
use crate::alliances::seen_alliance;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::versioned::{Change, InsertFirst};
use crate::notifications::Notices;
use crate::payload;
use crate::realtime::Signal;
use crate::support::phases_json;
use crate::themes::theme_keys;
use crate::validation;
use crate::webhooks::events::{Event as WebhookEvent, emit};

/// One session of an event, as its host gives it.
#[derive(InputObject, Clone)]
pub struct EventSessionInput {
    /// When it starts: a local date and time in `timeZone`, such as `2027-03-28T09:00`
    /// (seconds optional), or an RFC 3339 time with its offset. Stored in UTC.
    pub starts_at: String,
    /// When it ends, written as `startsAt` is: after it starts.
    pub ends_at: String,
    /// The IANA time zone of the local times, such as `Europe/London` (the default).
    #[graphql(default_with = "DEFAULT_TIME_ZONE.to_owned()")]
    pub time_zone: String,
}

/// Where an event takes place: a school, an address, or online (at least one).
#[derive(InputObject, Clone)]
pub struct EventVenueInput {
    /// A school of the alliance that hosts it in person.
    pub school_id: Option<ID>,
    /// A postal address (at most 500 characters).
    pub address: Option<String>,
    /// A link to join online (`https`).
    pub online_url: Option<Url>,
}

/// A new event, created as a draft.
#[derive(InputObject)]
pub struct HostEventInput {
    /// The alliance the event belongs to.
    pub alliance_id: ID,
    /// The school that hosts it (its leaders may); leave out when the alliance itself
    /// hosts it (its admins and CPD leads may).
    pub host_school_id: Option<ID>,
    /// What kind of event it is.
    pub kind: EventKind,
    /// Its title (at most 200 characters).
    pub title: String,
    /// What it is about and who it is for (Markdown, at most 10,000 characters).
    #[graphql(default)]
    pub description_markdown: String,
    /// Themes of the shared taxonomy or of the alliance (at most 20).
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// The school phases it is for.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    /// Who leads it: people with a current role at a member school of the alliance (at
    /// most 20).
    #[graphql(default)]
    pub facilitator_ids: Vec<ID>,
    /// Its sessions (1 to 50), in any order.
    pub sessions: Vec<EventSessionInput>,
    /// Where it takes place.
    pub venue: EventVenueInput,
    /// How many places it offers (1 to 10,000).
    pub capacity: i32,
    /// When booking opens; leave out to open as soon as the event is opened for booking.
    pub booking_opens_at: Option<DateTime<Utc>>,
    /// When booking closes; leave out to close when the event starts.
    pub booking_closes_at: Option<DateTime<Utc>>,
    /// Who may book. Default: `ALLIANCE`.
    #[graphql(default_with = "EventAudience::Alliance")]
    pub audience: EventAudience,
    /// The partnership whose schools' staff may book, when the audience is `PARTNERSHIP`.
    pub partnership_id: Option<ID>,
    /// Whether a booking waits for one of the person's school leaders to approve their
    /// release. Default: false.
    #[graphql(default)]
    pub approval_required: bool,
    /// Release time attending costs each person, in days: 0 to 50 in steps of half a day.
    /// Default: 0.
    #[graphql(default)]
    pub release_days: f64,
    /// Weeks after the event that attendees are asked what changed (1 to 52). Default: 6.
    #[graphql(default = 6)]
    pub follow_up_weeks: i32,
}

/// Changes to an event that is not held or cancelled; absent fields stay as they are.
/// Changing the sessions or the venue of a published event tells everyone booked.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event to change.
    pub event_id: ID,
    /// The `version` the change was made from (see `Event.version`).
    pub expected_version: i32,
    /// What kind of event it is.
    pub kind: Option<EventKind>,
    /// Its title (at most 200 characters).
    pub title: Option<String>,
    /// Its description (Markdown, at most 10,000 characters).
    pub description_markdown: Option<String>,
    /// Replaces its themes.
    pub theme_ids: Option<Vec<ID>>,
    /// Replaces its school phases.
    pub phases: Option<Vec<SchoolPhase>>,
    /// Replaces its facilitators.
    pub facilitator_ids: Option<Vec<ID>>,
    /// Replaces its sessions (1 to 50).
    pub sessions: Option<Vec<EventSessionInput>>,
    /// Replaces where it takes place.
    pub venue: Option<EventVenueInput>,
    /// How many places it offers: not fewer than the places taken. Raising it gives the
    /// new places to the waitlist at once, in order.
    pub capacity: Option<i32>,
    /// When booking opens.
    pub booking_opens_at: Option<DateTime<Utc>>,
    /// When booking closes.
    pub booking_closes_at: Option<DateTime<Utc>>,
    /// Whether a booking waits for a school leader's approval (bookings made before keep
    /// their state).
    pub approval_required: Option<bool>,
    /// Release time attending costs, in days: 0 to 50 in steps of half a day.
    pub release_days: Option<f64>,
    /// Weeks after the event that attendees are asked what changed (1 to 52).
    pub follow_up_weeks: Option<i32>,
}

/// Opening an event for booking (publishing it).
#[derive(InputObject)]
pub struct OpenEventForBookingInput {
    /// The event: a draft, or one whose booking was closed.
    pub event_id: ID,
}

/// Closing an event's booking.
#[derive(InputObject)]
pub struct CloseEventBookingInput {
    /// The event, open for booking.
    pub event_id: ID,
}

/// Marking an event as held.
#[derive(InputObject)]
pub struct MarkEventHeldInput {
    /// The event, open or closed, that has started.
    pub event_id: ID,
}

/// Cancelling an event.
#[derive(InputObject)]
pub struct CancelEventInput {
    /// The event: a draft, open or closed.
    pub event_id: ID,
    /// Why, told to everyone booked (at most 500 characters).
    pub reason: String,
}

payload!(HostEventPayload { event: Event });
payload!(UpdateEventPayload { event: Event });
payload!(OpenEventForBookingPayload { event: Event });
payload!(CloseEventBookingPayload { event: Event });
payload!(MarkEventHeldPayload { event: Event });
payload!(CancelEventPayload { event: Event });

#[derive(Default)]
pub struct EventHostingMutation;

mutations! {
    impl EventHostingMutation {
        /// Creates an event as a `DRAFT`, seen only by those who may edit it until it is
        /// opened for booking. An alliance's admins and CPD leads host for the alliance; a
        /// school's leaders host for their school (an active member of the alliance).
        fn host_event { host(ctx, input).await }

        /// Changes an event that is not held or cancelled. Its editors may. A capacity
        /// below the places taken is refused; a raised capacity promotes waitlisted
        /// bookings at once.
        fn update_event { update(ctx, input).await }

        /// Opens an event for booking: `DRAFT` or `CLOSED` → `OPEN`, before it starts.
        /// Its editors may.
        fn open_event_for_booking {
            step(ctx, input.event_id, EventStatus::Open, None).await
        }

        /// Stops taking bookings: `OPEN` → `CLOSED`. Bookings made stay. Its editors may.
        fn close_event_booking {
            step(ctx, input.event_id, EventStatus::Closed, None).await
        }

        /// Marks an event that has started as held: `OPEN` or `CLOSED` → `HELD`. Its
        /// editors may.
        fn mark_event_held {
            step(ctx, input.event_id, EventStatus::Held, None).await
        }

        /// Cancels an event that is not held: everyone booked, waitlisted or awaiting
        /// approval is told, with the reason. Bookings keep their history. Its editors may.
        fn cancel_event {
            step(ctx, input.event_id, EventStatus::Cancelled, Some(input.reason)).await
        }
    }
}

/// Release days given as input, in half days: from 0 to `RELEASE_DAYS_MAX` in steps of
/// half a day, exactly.
fn release_half_days(field: &str, days: f64) -> Result<i32, UserError> {
    if !(0.0..=RELEASE_DAYS_MAX).contains(&days) {
        return Err(UserError::invalid(
            field,
            format!("must be from 0 to {RELEASE_DAYS_MAX} days"),
        ));
    }
    let half = days * 2.0;
    if half.fract() != 0.0 {
        return Err(UserError::invalid(field, "must be in steps of half a day"));
    }
    Ok(half as i32)
}

fn capacity(value: i32) -> Result<i32, UserError> {
    if !(1..=CAPACITY_MAX).contains(&value) {
        return Err(UserError::invalid(
            "capacity",
            format!("must be from 1 to {CAPACITY_MAX}"),
        ));
    }
    Ok(value)
}

fn follow_up_weeks(value: i32) -> Result<i32, UserError> {
    if !(1..=52).contains(&value) {
        return Err(UserError::invalid("followUpWeeks", "must be from 1 to 52"));
    }
    Ok(value)
}

/// A session, read: in UTC, with its zone.
struct Session {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    time_zone: Tz,
}

/// Reads the sessions given as input, ordered by start.
fn sessions(input: &[EventSessionInput]) -> Result<Vec<Session>, UserError> {
    if input.is_empty() || input.len() > SESSIONS_MAX {
        return Err(UserError::invalid(
            "sessions",
            format!("give from 1 to {SESSIONS_MAX} sessions"),
        ));
    }
    let mut read = Vec::with_capacity(input.len());
    for (at, session) in input.iter().enumerate() {
        let field = |name: &str| format!("sessions.{at}.{name}");
        let time_zone = zone(&field("timeZone"), &session.time_zone)?;
        let starts_at = local_time(&field("startsAt"), &session.starts_at, time_zone)?;
        let ends_at = local_time(&field("endsAt"), &session.ends_at, time_zone)?;
        if ends_at <= starts_at {
            return Err(UserError::invalid(
                &field("endsAt"),
                "must be after the session starts",
            ));
        }
        if ends_at - starts_at > chrono::Duration::days(7) {
            return Err(UserError::invalid(
                &field("endsAt"),
                "a session lasts at most a week: give each day as a session",
            ));
        }
        read.push(Session {
            starts_at,
            ends_at,
            time_zone,
        });
    }
    read.sort_by_key(|session| session.starts_at);
    Ok(read)
}

/// The first start and last end of `sessions` (read, so not empty).
fn span(sessions: &[Session]) -> (DateTime<Utc>, DateTime<Utc>) {
    let starts = sessions
        .iter()
        .map(|s| s.starts_at)
        .min()
        .unwrap_or_default();
    let ends = sessions.iter().map(|s| s.ends_at).max().unwrap_or_default();
    (starts, ends)
}

/// Checks a booking window against the event's start.
fn booking_window(
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
    starts_at: DateTime<Utc>,
) -> Result<(), UserError> {
    if let (Some(opens), Some(closes)) = (opens, closes)
        && closes <= opens
    {
        return Err(UserError::invalid(
            "bookingClosesAt",
            "must be after booking opens",
        ));
    }
    if closes.is_some_and(|closes| closes > starts_at) {
        return Err(UserError::invalid(
            "bookingClosesAt",
            "must be no later than the event's start",
        ));
    }
    if opens.is_some_and(|opens| opens >= starts_at) {
        return Err(UserError::invalid(
            "bookingOpensAt",
            "must be before the event starts",
        ));
    }
    Ok(())
}

/// The venue, read: the school's key, the address and the link.
type Venue = (Option<i32>, Option<String>, Option<String>);

/// Reads a venue: at least one of school, address or link; the school an active member of
/// the alliance.
async fn venue(
    ctx: &Context<'_>,
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    input: &EventVenueInput,
) -> MutationResult<Venue> {
    let school = match &input.school_id {
        Some(id) => {
            let key = decode_as(id, NodeKind::School)
                .ok_or_else(|| UserError::not_found("venue.schoolId"))?;
            if active_members(conn, alliance_id, vec![key])
                .await?
                .is_empty()
            {
                return Err(UserError::invalid_state(
                    "venue.schoolId",
                    "the school is not an active member of the alliance",
                )
                .into());
            }
            Some(key)
        }
        None => None,
    };
    let address = validation::optional("venue.address", input.address.as_deref(), REASON_MAX)?
        .filter(|address| !address.trim().is_empty());
    let link = validation::optional_link(
        "venue.onlineUrl",
        input.online_url.as_deref(),
        services(ctx).allow_http_links,
    )?;
    if school.is_none() && address.is_none() && link.is_none() {
        return Err(
            UserError::invalid("venue", "give a school, an address or an online link").into(),
        );
    }
    Ok((school, address, link))
}

/// Those of `schools` that are active members of the alliance.
pub async fn active_members(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    schools: Vec<i32>,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    alliance_membership::Entity::find()
        .select_only()
        .column(alliance_membership::Column::SchoolId)
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::SchoolId.is_in(schools))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .into_tuple()
        .all(conn)
        .await
}

/// Reads facilitators: people with a current role at an active member school.
async fn facilitators(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    ids: &[ID],
) -> MutationResult<Vec<i32>> {
    let field = "facilitatorIds";
    if ids.len() > FACILITATORS_MAX {
        return Err(UserError::invalid(field, format!("at most {FACILITATORS_MAX}")).into());
    }
    let mut people: Vec<i32> = Vec::new();
    for id in ids {
        let key = decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found(field))?;
        if !people.contains(&key) {
            people.push(key);
        }
    }
    if people.is_empty() {
        return Ok(people);
    }
    let members = alliance_membership::Entity::find()
        .select_only()
        .column(alliance_membership::Column::SchoolId)
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .into_query();
    let mut working: Vec<i32> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::PersonId)
        .filter(staff_role::Column::PersonId.is_in(people.clone()))
        .filter(staff_role::Column::EndsOn.is_null())
        .filter(staff_role::Column::SchoolId.in_subquery(members))
        .into_tuple()
        .all(conn)
        .await?;
    working.sort_unstable();
    working.dedup();
    if working.len() != people.len() {
        return Err(UserError::invalid(
            field,
            "each facilitator must work at a member school of the alliance",
        )
        .into());
    }
    Ok(people)
}

/// Writes an event's sessions and facilitators, replacing any it had.
async fn write_children(
    conn: &impl ConnectionTrait,
    event_id: i32,
    sessions: Option<&[Session]>,
    facilitators: Option<&[i32]>,
) -> Result<(), sea_orm::DbErr> {
    if let Some(sessions) = sessions {
        event_session::Entity::delete_many()
            .filter(event_session::Column::EventId.eq(event_id))
            .exec(conn)
            .await?;
        event_session::Entity::insert_many(sessions.iter().map(|session| {
            event_session::ActiveModel {
                event_id: Set(event_id),
                starts_at: Set(session.starts_at),
                ends_at: Set(session.ends_at),
                time_zone: Set(session.time_zone.name().to_owned()),
                ..Default::default()
            }
        }))
        .exec(conn)
        .await?;
    }
    if let Some(people) = facilitators {
        event_facilitator::Entity::delete_many()
            .filter(event_facilitator::Column::EventId.eq(event_id))
            .exec(conn)
            .await?;
        if !people.is_empty() {
            event_facilitator::Entity::insert_many(people.iter().map(|person| {
                event_facilitator::ActiveModel {
                    event_id: Set(event_id),
                    person_id: Set(*person),
                }
            }))
            .exec_without_returning(conn)
            .await?;
        }
    }
    Ok(())
}

/// Reads the audience: a partnership of the alliance for `PARTNERSHIP`, a host school for
/// `HOST_SCHOOL`.
async fn audience(
    conn: &impl ConnectionTrait,
    alliance_id: i32,
    host_school_id: Option<i32>,
    audience: EventAudience,
    partnership_id: Option<&ID>,
) -> MutationResult<Option<i32>> {
    match audience {
        EventAudience::HostSchool if host_school_id.is_none() => Err(UserError::invalid(
            "audience",
            "an event for the host school only needs a host school",
        )
        .into()),
        EventAudience::Partnership => {
            let field = "partnershipId";
            let id = partnership_id.ok_or_else(|| {
                UserError::invalid(field, "an event for a partnership names the partnership")
            })?;
            let key =
                decode_as(id, NodeKind::Partnership).ok_or_else(|| UserError::not_found(field))?;
            partnership::Entity::find_by_id(key)
                .one(conn)
                .await?
                .filter(|row| row.alliance_id == alliance_id)
                .ok_or_else(|| UserError::not_found(field))?;
            Ok(Some(key))
        }
        _ => Ok(None),
    }
}

async fn host(ctx: &Context<'_>, input: HostEventInput) -> MutationResult<Event> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    let host_school_id = match &input.host_school_id {
        Some(id) => Some(
            decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found("hostSchoolId"))?,
        ),
        None => None,
    };
    allowed(
        access.may_host_event(alliance_id, host_school_id),
        "only an alliance's admins and CPD leads, or a school's leaders, host its events",
    )?;
    let title = validation::required("title", &input.title, TITLE_MAX)?;
    let description = validation::optional(
        "descriptionMarkdown",
        Some(&input.description_markdown),
        DESCRIPTION_MAX,
    )?
    .unwrap_or_default();
    let sessions = sessions(&input.sessions)?;
    let (starts_at, ends_at) = span(&sessions);
    let capacity = capacity(input.capacity)?;
    booking_window(input.booking_opens_at, input.booking_closes_at, starts_at)?;
    let release = release_half_days("releaseDays", input.release_days)?;
    let weeks = follow_up_weeks(input.follow_up_weeks)?;

    let txn = begin_write(db(ctx)).await?;
    if let Some(school) = host_school_id
        && active_members(&txn, alliance_id, vec![school])
            .await?
            .is_empty()
    {
        return Err(UserError::invalid_state(
            "hostSchoolId",
            "the school is not an active member of the alliance",
        )
        .into());
    }
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let people = facilitators(&txn, alliance_id, &input.facilitator_ids).await?;
    let (venue_school, address, online_url) = venue(ctx, &txn, alliance_id, &input.venue).await?;
    let partnership = audience(
        &txn,
        alliance_id,
        host_school_id,
        input.audience,
        input.partnership_id.as_ref(),
    )
    .await?;
    let now = Utc::now();
    let row = event::ActiveModel {
        alliance_id: Set(alliance_id),
        host_school_id: Set(host_school_id),
        kind: Set(input.kind),
        title: Set(title),
        description_markdown: Set(description),
        theme_keys: Set(themes),
        phases: Set(phases_json(&input.phases)),
        venue_school_id: Set(venue_school),
        address: Set(address),
        online_url: Set(online_url),
        capacity: Set(capacity),
        places_taken: Set(0),
        booking_opens_at: Set(input.booking_opens_at),
        booking_closes_at: Set(input.booking_closes_at),
        audience: Set(input.audience),
        partnership_id: Set(partnership),
        approval_required: Set(input.approval_required),
        release_half_days: Set(release),
        follow_up_weeks: Set(weeks),
        status: Set(EventStatus::Draft),
        cancelled_reason: Set(None),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        created_by_id: Set(access.actor()),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    write_children(&txn, row.id, Some(&sessions), Some(&people)).await?;
    event_entry(&access, "event.created", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(Event(row))
}

/// Whether an event is published: seen by its audience.
fn published(status: EventStatus) -> bool {
    matches!(status, EventStatus::Open | EventStatus::Closed)
}

async fn update(ctx: &Context<'_>, input: UpdateEventInput) -> MutationResult<Event> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let key = decode_as(&input.event_id, NodeKind::Event)
        .ok_or_else(|| UserError::not_found("eventId"))?;
    lock_event(&txn, key).await?;
    let current = visible_event(&txn, &access, &input.event_id, "eventId").await?;
    allowed(
        access.edits_event(&current),
        "only the event's host edits it",
    )?;
    if !matches!(
        current.status,
        EventStatus::Draft | EventStatus::Open | EventStatus::Closed
    ) {
        return Err(UserError::wrong_state("eventId", "event", current.status).into());
    }
    let mut change = Change::edit(&current, Utc::now());
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    if let Some(title) = &input.title {
        change.title = Set(validation::required("title", title, TITLE_MAX)?);
    }
    if let Some(text) = &input.description_markdown {
        change.description_markdown =
            Set(
                validation::optional("descriptionMarkdown", Some(text), DESCRIPTION_MAX)?
                    .unwrap_or_default(),
            );
    }
    let new_sessions = input.sessions.as_deref().map(sessions).transpose()?;
    let (starts_at, ends_at) = match &new_sessions {
        Some(read) => span(read),
        None => (current.starts_at, current.ends_at),
    };
    change.starts_at = Set(starts_at);
    change.ends_at = Set(ends_at);
    let capacity = match input.capacity {
        Some(value) => capacity(value)?,
        None => current.capacity,
    };
    if capacity < current.places_taken {
        return Err(UserError::invalid(
            "capacity",
            format!(
                "{} places are taken: cancel bookings before offering fewer places",
                current.places_taken
            ),
        )
        .into());
    }
    change.capacity = Set(capacity);
    let opens = input.booking_opens_at.or(current.booking_opens_at);
    let closes = input.booking_closes_at.or(current.booking_closes_at);
    booking_window(opens, closes, starts_at)?;
    change.booking_opens_at = Set(opens);
    change.booking_closes_at = Set(closes);
    if let Some(required) = input.approval_required {
        change.approval_required = Set(required);
    }
    if let Some(days) = input.release_days {
        change.release_half_days = Set(release_half_days("releaseDays", days)?);
    }
    if let Some(weeks) = input.follow_up_weeks {
        change.follow_up_weeks = Set(follow_up_weeks(weeks)?);
    }
    if let Some(ids) = &input.theme_ids {
        change.theme_keys = Set(theme_keys(&txn, "themeIds", ids, current.alliance_id).await?);
    }
    if let Some(phases) = &input.phases {
        change.phases = Set(phases_json(phases));
    }
    let people = match &input.facilitator_ids {
        Some(ids) => Some(facilitators(&txn, current.alliance_id, ids).await?),
        None => None,
    };
    if let Some(given) = &input.venue {
        let (school, address, link) = venue(ctx, &txn, current.alliance_id, given).await?;
        change.venue_school_id = Set(school);
        change.address = Set(address);
        change.online_url = Set(link);
    }
    let row = change.save(&txn, input.expected_version).await?;
    write_children(&txn, row.id, new_sessions.as_deref(), people.as_deref()).await?;
    let moved = new_sessions.is_some()
        || row.venue_school_id != current.venue_school_id
        || row.address != current.address
        || row.online_url != current.online_url;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.signal(Signal::Event { event: row.id });
    if published(row.status) {
        if moved {
            notices.event_changed(&txn, &row).await?;
        }
        emit(
            &txn,
            WebhookEvent::hosted_event(WebhookEventType::EventChanged, &row),
        )
        .await?;
    }
    event_entry(&access, "event.updated", &row)
        .record(&txn)
        .await?;
    let row = if row.capacity > current.capacity {
        promote_waitlist(&txn, access.actor(), &row, &mut notices).await?;
        reread(&txn, row.id).await?
    } else {
        row
    };
    notices.commit(txn).await?;
    Ok(Event(row))
}

/// The event as it is now, in `txn` (after places changed).
async fn reread(txn: &DatabaseTransaction, id: i32) -> MutationResult<event::Model> {
    Ok(event::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| UserError::not_found("eventId"))?)
}

/// A step of an event's life cycle (see the mutations' descriptions).
async fn step(
    ctx: &Context<'_>,
    id: ID,
    to: EventStatus,
    reason: Option<String>,
) -> MutationResult<Event> {
    let access = access(ctx).await?;
    let reason = match reason {
        Some(text) => Some(validation::required("reason", &text, REASON_MAX)?),
        None => None,
    };
    let txn = begin_write(db(ctx)).await?;
    let current = visible_event(&txn, &access, &id, "eventId").await?;
    allowed(
        access.edits_event(&current),
        "only the event's host moves it through its life cycle",
    )?;
    let from: &[EventStatus] = match to {
        EventStatus::Open => &[EventStatus::Draft, EventStatus::Closed],
        EventStatus::Closed => &[EventStatus::Open],
        EventStatus::Held => &[EventStatus::Open, EventStatus::Closed],
        EventStatus::Cancelled => &[EventStatus::Draft, EventStatus::Open, EventStatus::Closed],
        EventStatus::Draft => &[],
    };
    if !from.contains(&current.status) {
        return Err(UserError::wrong_state("eventId", "event", current.status).into());
    }
    let now = Utc::now();
    if to == EventStatus::Open && current.starts_at <= now {
        return Err(UserError::invalid_state(
            "eventId",
            "the event has started: it can no longer open for booking",
        )
        .into());
    }
    if to == EventStatus::Held && current.starts_at > now {
        return Err(UserError::invalid_state("eventId", "the event has not started yet").into());
    }
    let mut change = Change::step(&current, to, now);
    if to == EventStatus::Cancelled {
        change.cancelled_reason = Set(reason.clone());
    }
    let row = change.save_step(&txn, access.actor(), reason).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.signal(Signal::Event { event: row.id });
    let webhook = match (current.status, to) {
        (EventStatus::Draft, EventStatus::Cancelled) => None,
        (_, EventStatus::Cancelled) => Some(WebhookEventType::EventCancelled),
        (EventStatus::Draft, EventStatus::Open) => Some(WebhookEventType::EventPublished),
        _ => Some(WebhookEventType::EventChanged),
    };
    if let Some(event_type) = webhook {
        emit(&txn, WebhookEvent::hosted_event(event_type, &row)).await?;
    }
    if to == EventStatus::Cancelled {
        notices.event_changed(&txn, &row).await?;
    }
    notices.commit(txn).await?;
    Ok(Event(row))
}
