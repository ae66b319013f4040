//! The GraphQL types of events, their sessions and bookings.

use async_graphql::{Context, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{BookingStatus, EventAudience, EventKind, EventStatus, SchoolPhase};
use entity::{event, event_booking, event_facilitator, event_session, partnership, school};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use super::times::{offset, wall_clock};
use crate::alliances::{Alliance, Partnership};
use crate::graphql::context::{access, load, load_required, load_visible};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, all_children, child_count, child_page, child_rows};
use crate::graphql::pagination::{Page, PageArgs};
use crate::people::{Person, person_of};
use crate::schools::School;
use crate::support::{days, phases_of};
use crate::themes::Theme;

crate::wraps! {
    /// An event: a course, network meeting, school visit, lesson study, open classroom or
    /// conference.
    Event(event::Model),
    /// One dated session of an event.
    EventSession(event_session::Model),
    /// A person's booking on an event.
    EventBooking(event_booking::Model),
}

/// Bookings that hold a place: confirmed, and those whose attendance was recorded.
pub const HOLDING_A_PLACE: [BookingStatus; 3] = [
    BookingStatus::Confirmed,
    BookingStatus::Attended,
    BookingStatus::NoShow,
];

/// Bookings still standing before the event: awaiting approval, confirmed, waitlisted.
pub const STANDING: [BookingStatus; 3] = [
    BookingStatus::AwaitingApproval,
    BookingStatus::Confirmed,
    BookingStatus::Waitlisted,
];

/// The waitlisted bookings of an event, loaded with every other event's in one statement.
async fn waitlist(ctx: &Context<'_>, event_id: i32) -> Result<Vec<event_booking::Model>> {
    let list = ChildList::<event_booking::Entity>::new(
        event_id,
        event_booking::Column::EventId,
        Condition::all().add(event_booking::Column::Status.eq(BookingStatus::Waitlisted)),
    );
    let mut rows = child_rows(ctx, list).await?;
    rows.sort_by_key(|row| (row.waitlisted_at, row.id));
    Ok(rows)
}

/// Narrows an event's bookings.
#[derive(InputObject, Default, Debug)]
pub struct EventBookingFilter {
    /// Only bookings in any of these statuses.
    pub statuses: Option<Vec<BookingStatus>>,
}

#[fields(
    /// The event's global id.
    id = NodeKind::Event,
    /// The alliance the event belongs to.
    alliance: Alliance = alliance(alliance_id),
    /// The school that hosts it; `null` when the alliance itself does.
    host_school: School = school(host_school_id),
    /// What kind of event it is.
    kind: EventKind,
    /// Its title, such as "Questioning for deeper thinking".
    title: &str,
    /// What it is about and who it is for, in Markdown (not rendered).
    description_markdown: &str,
    /// The themes it is about that the caller sees.
    themes: Vec<Theme> = themes(theme_keys),
    /// When its first session starts.
    starts_at: DateTime<Utc>,
    /// When its last session ends.
    ends_at: DateTime<Utc>,
    /// The school it takes place at, if any.
    venue_school: School = school(venue_school_id),
    /// The address it takes place at, if given.
    address: Option<&str>,
    /// The link to join it online, if it is (also) online.
    online_url: Option<&str>,
    /// How many places it offers.
    capacity: i32,
    /// Places held by bookings (confirmed, attended or no-show).
    places_taken: i32,
    /// When booking opens; `null`: as soon as the event is open for booking.
    booking_opens_at: Option<DateTime<Utc>>,
    /// When booking closes; `null`: when the event starts.
    booking_closes_at: Option<DateTime<Utc>>,
    /// Who may book: the host school's staff, the alliance's, or a partnership's.
    audience: EventAudience,
    /// Whether a booking waits for one of the person's school leaders to approve their
    /// release. An approved booking takes a place if one is free, else joins the waitlist:
    /// a booking awaiting approval holds no place.
    approval_required: bool,
    /// Weeks after the event that attendees are asked what changed in their practice.
    follow_up_weeks: i32,
    /// Where the event stands: draft, open for booking, closed, held or cancelled.
    status: EventStatus,
    /// Why it was cancelled, when it was.
    cancelled_reason: Option<&str>,
    /// Who created it, if the caller may see them.
    created_by: Person = person(created_by_id),
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When it was created.
    created_at: DateTime<Utc>,
    /// When it last changed.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// An event hosted by an alliance or by one of its schools: a course, network meeting,
/// school visit, lesson study, open classroom or conference, over one or more sessions,
/// with a number of places that staff book.
impl Event {
    /// What attending changed, in aggregate (counts, themes of change) and in full only
    /// where people chose to share: seen by the event's hosts and the alliance's CPD leads
    /// and admins; `null` for others.
    async fn impact(&self, ctx: &Context<'_>) -> Result<Option<crate::evaluations::EventImpact>> {
        if !access(ctx).await?.sees_event_impact(&self.0) {
            return Ok(None);
        }
        Ok(Some(
            crate::evaluations::impact::impact_of(ctx, &self.0).await?,
        ))
    }
    /// The school phases it is for.
    async fn phases(&self) -> Vec<SchoolPhase> {
        phases_of(&self.0.phases)
    }
    /// Who leads it (those the caller may see).
    async fn facilitators(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let rows: Vec<event_facilitator::Model> = all_children::<event_facilitator::Entity, _>(
            ctx,
            self.0.id,
            event_facilitator::Column::EventId,
        )
        .await?;
        // One DataLoader round for all of them.
        let people = futures_util::future::try_join_all(
            rows.iter().map(|row| person_of(ctx, Some(row.person_id))),
        )
        .await?;
        Ok(people.into_iter().flatten().collect())
    }
    /// Its sessions, in order of their start.
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Vec<EventSession>> {
        let mut sessions: Vec<EventSession> = all_children::<event_session::Entity, _>(
            ctx,
            self.0.id,
            event_session::Column::EventId,
        )
        .await?;
        sessions.sort_by_key(|session| (session.0.starts_at, session.0.id));
        Ok(sessions)
    }
    /// Places still free (never below 0). When it is 0, new bookings join the waitlist.
    async fn places_left(&self) -> i32 {
        (self.0.capacity - self.0.places_taken).max(0)
    }
    /// How many bookings wait on the waitlist for a place.
    async fn waitlist_length(&self, ctx: &Context<'_>) -> Result<i32> {
        let list = ChildList::<event_booking::Entity>::new(
            self.0.id,
            event_booking::Column::EventId,
            Condition::all().add(event_booking::Column::Status.eq(BookingStatus::Waitlisted)),
        );
        Ok(i32::try_from(child_count(ctx, list).await?).unwrap_or(i32::MAX))
    }
    /// The partnership whose schools' staff may book, when the audience is `PARTNERSHIP`.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Option<Partnership>> {
        let Some(id) = self.0.partnership_id else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        Ok(load::<partnership::Entity>(ctx, id)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(Partnership))
    }
    /// Release time attending costs each person, in days (half days allowed).
    async fn release_days(&self) -> f64 {
        days(self.0.release_half_days)
    }
    /// Whether the viewer may edit it, move it through its life cycle, see all its
    /// bookings and record attendance.
    async fn viewer_can_edit(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.edits_event(&self.0))
    }
    /// The viewer's own booking on it, in whatever state, if they have one.
    async fn viewer_booking(&self, ctx: &Context<'_>) -> Result<Option<EventBooking>> {
        let me = access(ctx).await?.person_id;
        let list = ChildList::<event_booking::Entity>::new(
            self.0.id,
            event_booking::Column::EventId,
            Condition::all().add(event_booking::Column::PersonId.eq(me)),
        );
        Ok(child_rows(ctx, list)
            .await?
            .into_iter()
            .next()
            .map(EventBooking))
    }
    /// Its bookings that the caller sees, oldest first: all of them for the host (its
    /// editors); a school's leaders see their staff's, anyone else their own.
    async fn bookings(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the bookings by status.")] filter: Option<EventBookingFilter>,
    ) -> Result<Page<EventBooking>> {
        let access = access(ctx).await?;
        let mut condition = Condition::all().add(access.booking_condition());
        if let Some(statuses) = filter.and_then(|filter| filter.statuses) {
            condition = condition.add(event_booking::Column::Status.is_in(statuses));
        }
        let list = ChildList::<event_booking::Entity>::new(
            self.0.id,
            event_booking::Column::EventId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }
}

#[fields(
    /// When it starts (UTC).
    starts_at: DateTime<Utc>,
    /// When it ends (UTC).
    ends_at: DateTime<Utc>,
    /// The IANA time zone it was given in, such as `Europe/London`.
    time_zone: &str,
)]
#[Object]
/// One dated session of an event, stored in UTC and shown also on the wall clock of the
/// time zone it was given in.
impl EventSession {
    /// When it starts on the local wall clock of `timeZone`, such as
    /// `2027-03-28T09:00:00` (no offset: see `localStartOffset`).
    async fn local_starts_at(&self) -> String {
        wall_clock(self.0.starts_at, &self.0.time_zone)
    }
    /// When it ends on the local wall clock of `timeZone`.
    async fn local_ends_at(&self) -> String {
        wall_clock(self.0.ends_at, &self.0.time_zone)
    }
    /// The offset from UTC of `timeZone` when it starts, such as `+01:00` in British
    /// Summer Time.
    async fn local_start_offset(&self) -> String {
        offset(self.0.starts_at, &self.0.time_zone)
    }
}

#[fields(
    /// The booking's global id.
    id = NodeKind::EventBooking,
    /// The person booked, if the caller may see them.
    person: Person = person(person_id),
    /// Who made the booking: the person, or one of their school leaders.
    booked_by: Person = person(booked_by_id),
    /// Where the booking stands. `AWAITING_APPROVAL` holds no place; once approved it
    /// becomes `CONFIRMED` if a place is free, else `WAITLISTED`.
    status: BookingStatus,
    /// When it joined the waitlist; `null` unless `WAITLISTED`.
    waitlisted_at: Option<DateTime<Utc>>,
    /// The school leader who approved or declined it, if the caller may see them.
    decided_by: Person = person(decided_by_id),
    /// When it was approved or declined.
    decided_at: Option<DateTime<Utc>>,
    /// Why it was declined.
    decline_reason: Option<&str>,
    /// When it was cancelled.
    cancelled_at: Option<DateTime<Utc>>,
    /// When the host recorded attendance (`ATTENDED` or `NO_SHOW`).
    attendance_recorded_at: Option<DateTime<Utc>>,
    /// Increases with every change.
    version: i32,
    /// When it was first made.
    created_at: DateTime<Utc>,
    /// When it last changed.
    updated_at: DateTime<Utc>,
)]
#[Object]
/// A person's booking on an event, from booking to attendance: awaiting approval,
/// confirmed (a place held), waitlisted, declined, cancelled, attended or no-show.
impl EventBooking {
    /// The event booked, if the caller sees it.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        Ok(
            load_visible::<event::Entity>(ctx, self.0.event_id, |access, row| {
                access.sees_event(row)
            })
            .await?
            .map(Event),
        )
    }
    /// The school the person attends from: its leaders approve the booking.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
    /// The person's days out of school this term with and without this booking, against
    /// the limit their school sets: what an approver weighs (a warning, never a refusal).
    /// Seen by the person and the leaders of the school they book from; `null` for others.
    async fn release_check(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::release::ReleaseCheck>> {
        Ok(crate::release::days_out::release_check_of(ctx, &self.0).await?)
    }
    /// Where it stands on the waitlist (1 is next to get a place); `null` unless
    /// `WAITLISTED`.
    async fn waitlist_position(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        if self.0.status != BookingStatus::Waitlisted {
            return Ok(None);
        }
        let list = waitlist(ctx, self.0.event_id).await?;
        Ok(list
            .iter()
            .position(|row| row.id == self.0.id)
            .and_then(|at| i32::try_from(at + 1).ok()))
    }
}
