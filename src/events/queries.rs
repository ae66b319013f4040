//! Lists of events (ordered by start) and of bookings. Every list holds only what the
//! policy lets the caller see; an event itself is read with `node(id:)`.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, TimeZone, Utc};
use entity::enums::{BookingStatus, EventKind, EventStatus, SchoolPhase};
use entity::{event, event_booking};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::types::STANDING;
use super::{Event, EventBooking};
use crate::alliances::in_alliance;
use crate::auth::policy::Access;
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::filters::{any_of, node_is};
use crate::graphql::ids::NodeKind;
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::themes::tagged_with_any;

/// Narrows a list of events. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct EventFilter {
    /// Only events tagged with any of these themes.
    pub theme_ids: Option<Vec<ID>>,
    /// Only events for any of these school phases.
    pub phases: Option<Vec<SchoolPhase>>,
    /// Only events of any of these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// Only events in any of these statuses.
    pub statuses: Option<Vec<EventStatus>>,
    /// Only events that have not ended by this time (their last session ends at or after
    /// it).
    pub from: Option<DateTime<Utc>>,
    /// Only events that start before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only events hosted by this school.
    pub host_school_id: Option<ID>,
    /// Only events of this alliance.
    pub alliance_id: Option<ID>,
}

impl EventFilter {
    /// The events the policy shows the caller and the filter keeps.
    pub fn condition(&self, access: &Access) -> Condition {
        use event::Column;
        // Phases are stored as a JSON array of their names.
        let any_phase = self.phases.as_ref().map(|phases| {
            phases.iter().fold(Condition::any(), |any, phase| {
                let needle = serde_json::to_string(phase).unwrap_or_default();
                any.add(
                    Expr::col(Column::Phases)
                        .cast_as(sea_orm::sea_query::Alias::new("TEXT"))
                        .like(format!("%{needle}%")),
                )
            })
        });
        Condition::all()
            .add(access.event_condition())
            .add_option(tagged_with_any(
                Some(access),
                Column::ThemeKeys,
                &self.theme_ids,
            ))
            .add_option(any_phase)
            .add_option(any_of(Column::Kind, &self.kinds))
            .add_option(any_of(Column::Status, &self.statuses))
            .add_option(self.from.map(|from| Column::EndsAt.gte(from)))
            .add_option(self.to.map(|to| Column::StartsAt.lt(to)))
            .add_option(node_is(
                Column::HostSchoolId,
                &self.host_school_id,
                NodeKind::School,
            ))
            .add_option(in_alliance(
                Some(access),
                Column::AllianceId,
                &self.alliance_id,
            ))
    }
}

/// A page of events in order of their start (then id), with a keyset cursor on that
/// order: the delta pager's `(time, id)` keyset, over the start instead of the last change.
async fn by_start(
    ctx: &Context<'_>,
    condition: Condition,
    args: &PageArgs,
) -> ApiResult<Page<Event>> {
    let before_any_event = Utc.timestamp_opt(0, 0).single().unwrap_or_default();
    crate::sync::delta_page(
        db(ctx),
        event::Entity::find().filter(condition),
        (event::Column::Id, event::Column::StartsAt),
        before_any_event,
        args,
        |row: &event::Model| (row.id, row.starts_at),
    )
    .await
}

/// The events the viewer sees that have not ended and are neither drafts nor cancelled,
/// by start; with `booked`, only those they hold a standing booking on (awaiting approval,
/// confirmed or waitlisted).
pub async fn upcoming(ctx: &Context<'_>, args: PageArgs, booked: bool) -> Result<Page<Event>> {
    let access = access(ctx).await?;
    let mut condition = Condition::all()
        .add(access.event_condition())
        .add(event::Column::EndsAt.gte(Utc::now()))
        .add(event::Column::Status.is_in([EventStatus::Open, EventStatus::Closed]));
    if booked {
        let mine = Query::select()
            .column(event_booking::Column::EventId)
            .from(event_booking::Entity)
            .and_where(event_booking::Column::PersonId.eq(access.person_id))
            .and_where(event_booking::Column::Status.is_in(STANDING))
            .to_owned();
        condition = condition.add(event::Column::Id.in_subquery(mine));
    }
    Ok(by_start(ctx, condition, &args).await?)
}

/// Narrows the viewer's own bookings.
#[derive(InputObject, Default, Debug)]
pub struct OwnBookingFilter {
    /// Only bookings in any of these statuses.
    pub statuses: Option<Vec<BookingStatus>>,
}

/// The viewer's own bookings, oldest first.
pub async fn own_bookings(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: Option<OwnBookingFilter>,
) -> Result<Page<EventBooking>> {
    let access = access(ctx).await?;
    let mut select = event_booking::Entity::find()
        .filter(access.booking_condition())
        .filter(event_booking::Column::PersonId.eq(access.person_id));
    if let Some(statuses) = filter.and_then(|filter| filter.statuses) {
        select = select.filter(event_booking::Column::Status.is_in(statuses));
    }
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

/// Bookings waiting for the viewer's approval, oldest first: of staff at the schools they
/// lead, never their own.
pub async fn awaiting_my_approval(ctx: &Context<'_>, args: PageArgs) -> Result<Page<EventBooking>> {
    let access = access(ctx).await?;
    let select = event_booking::Entity::find()
        .filter(access.booking_condition())
        .filter(event_booking::Column::Status.eq(BookingStatus::AwaitingApproval))
        .filter(event_booking::Column::SchoolId.is_in(access.led_schools()))
        .filter(event_booking::Column::PersonId.ne(access.person_id));
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

#[derive(Default)]
pub struct EventQuery;

#[connections]
#[Object]
impl EventQuery {
    /// Events the caller can see, in order of their start (then creation): drafts only
    /// to those who may edit them.
    async fn events(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every event listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<EventFilter>,
        #[graphql(
            desc = "Only what changed after this time (the `syncedAt` of `sync`), oldest change first. See `sync`."
        )]
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Page<Event>> {
        let access = access(ctx).await?;
        let condition = filter.unwrap_or_default().condition(&access);
        if let Some(since) = updated_since {
            let since = crate::sync::checked_since(ctx, since, false, true).await?;
            return Ok(crate::sync::delta_page(
                db(ctx),
                event::Entity::find().filter(condition),
                (event::Column::Id, event::Column::UpdatedAt),
                since,
                &args,
                |row: &event::Model| (row.id, row.updated_at),
            )
            .await?);
        }
        Ok(by_start(ctx, condition, &args).await?)
    }
}
