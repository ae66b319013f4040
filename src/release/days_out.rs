//! A person's days out of school in a term, against the limit their school sets, and the
//! release check a school leader sees before approving a booking.
//!
//! Days out: release days of the person's bookings `ATTENDED` or `CONFIRMED` (a place held,
//! whether the event is past or to come) at events starting in the term, plus the planned
//! days of support arrangements (not cancelled) in which they are the supporting person,
//! brokered in the term, plus the release days of coaching sessions held out of school in
//! the term in which they are the coach.
//!
//! The limit, per school: a limit for the person, else the smallest limit for any role they
//! hold there, else the school's default, else none (no limit). Across several schools
//! (`Person.daysOutThisTerm`), the smallest of their schools' limits.
//!
//! Everything loads through `Loader<DaysOutKey>`: five statements for any number of people
//! and bookings (their roles, their schools' limits, their bookings, their support, their
//! coaching).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{BookingStatus, StaffRoleKind, SupportArrangementStatus};
use entity::{event, event_booking, release_limit, staff_role, support_arrangement};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::terms::{Period, Term};
use super::{ReleasePeriod, days};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db, loader};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::loaders::{SqlLoader, loader_error, one_of};

/// A person's days out over a period: from one school's point of view (its limit), or
/// over all their schools (`school: None`), leaving out one booking (`except_booking`)
/// when checking what that booking would add.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct DaysOutKey {
    pub person: i32,
    pub school: Option<i32>,
    pub period: Period,
    pub except_booking: Option<i32>,
}

/// Half days out, the limit that applies (half days per term; `None`: no limit), and the
/// schools the person works at now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaysOut {
    pub half_days: i64,
    pub limit: Option<i32>,
    pub schools: Vec<i32>,
}

/// The limit on `person`'s half days out per term that `school` sets: for the person, else
/// the smallest for a role of theirs there, else the school's default.
pub fn limit_at(
    limits: &[release_limit::Model],
    roles: &[StaffRoleKind],
    person: i32,
    school: i32,
) -> Option<i32> {
    let at_school = || limits.iter().filter(move |limit| limit.school_id == school);
    if let Some(limit) = at_school().find(|limit| limit.person_id == Some(person)) {
        return Some(limit.half_days_per_term);
    }
    let by_role = at_school()
        .filter(|limit| limit.role.is_some_and(|role| roles.contains(&role)))
        .map(|limit| limit.half_days_per_term)
        .min();
    by_role.or_else(|| {
        at_school()
            .find(|limit| limit.role.is_none() && limit.person_id.is_none())
            .map(|limit| limit.half_days_per_term)
    })
}

pub async fn load_days_out(
    conn: &impl ConnectionTrait,
    keys: &[DaysOutKey],
) -> Result<HashMap<DaysOutKey, DaysOut>, DbErr> {
    let backend = conn.get_database_backend();
    let people: BTreeSet<i32> = keys.iter().map(|key| key.person).collect();
    let Some(span) = keys.iter().map(|key| key.period).reduce(Period::union) else {
        return Ok(HashMap::new());
    };
    let (from, until) = span.instants();

    let roles: Vec<(i32, i32, StaffRoleKind)> = staff_role::Entity::find()
        .select_only()
        .columns([
            staff_role::Column::PersonId,
            staff_role::Column::SchoolId,
            staff_role::Column::Role,
        ])
        .filter(one_of(
            backend,
            staff_role::Column::PersonId,
            people.iter().copied(),
        ))
        .filter(staff_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    let mut schools: BTreeSet<i32> = roles.iter().map(|(_, school, _)| *school).collect();
    schools.extend(keys.iter().filter_map(|key| key.school));
    let limits = release_limit::Entity::find()
        .filter(one_of(
            backend,
            release_limit::Column::SchoolId,
            schools.iter().copied(),
        ))
        .all(conn)
        .await?;

    let bookings = Query::select()
        .column((event_booking::Entity, event_booking::Column::Id))
        .column((event_booking::Entity, event_booking::Column::PersonId))
        .column((event::Entity, event::Column::StartsAt))
        .column((event::Entity, event::Column::ReleaseHalfDays))
        .from(event_booking::Entity)
        .inner_join(
            event::Entity,
            Expr::col((event::Entity, event::Column::Id))
                .equals((event_booking::Entity, event_booking::Column::EventId)),
        )
        .and_where(one_of(
            backend,
            event_booking::Column::PersonId,
            people.iter().copied(),
        ))
        .and_where(
            event_booking::Column::Status
                .is_in([BookingStatus::Attended, BookingStatus::Confirmed]),
        )
        .and_where(event::Column::StartsAt.gte(from))
        .and_where(event::Column::StartsAt.lt(until))
        .to_owned();
    let mut booked: Vec<(i32, i32, DateTime<Utc>, i32)> = Vec::new();
    for row in conn.query_all(&bookings).await? {
        booked.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
        ));
    }

    let support: Vec<(Option<i32>, DateTime<Utc>, i32)> = support_arrangement::Entity::find()
        .select_only()
        .columns([
            support_arrangement::Column::SupportingPersonId,
            support_arrangement::Column::CreatedAt,
            support_arrangement::Column::HalfDaysPlanned,
        ])
        .filter(one_of(
            backend,
            support_arrangement::Column::SupportingPersonId,
            people.iter().copied(),
        ))
        .filter(support_arrangement::Column::Status.ne(SupportArrangementStatus::Cancelled))
        .filter(support_arrangement::Column::CreatedAt.gte(from))
        .filter(support_arrangement::Column::CreatedAt.lt(until))
        .into_tuple()
        .all(conn)
        .await?;

    let coaching = Query::select()
        .column((
            entity::coaching_relationship::Entity,
            entity::coaching_relationship::Column::CoachId,
        ))
        .column((
            entity::coaching_session::Entity,
            entity::coaching_session::Column::HeldOn,
        ))
        .column((
            entity::coaching_session::Entity,
            entity::coaching_session::Column::HalfDays,
        ))
        .from(entity::coaching_session::Entity)
        .inner_join(
            entity::coaching_relationship::Entity,
            Expr::col((
                entity::coaching_relationship::Entity,
                entity::coaching_relationship::Column::Id,
            ))
            .equals((
                entity::coaching_session::Entity,
                entity::coaching_session::Column::RelationshipId,
            )),
        )
        .and_where(one_of(
            backend,
            entity::coaching_relationship::Column::CoachId,
            people.iter().copied(),
        ))
        .and_where(entity::coaching_session::Column::OutOfSchool.eq(true))
        .and_where(entity::coaching_session::Column::HeldOn.gte(span.from))
        .and_where(entity::coaching_session::Column::HeldOn.lt(span.until))
        .to_owned();
    let mut coached: Vec<(i32, chrono::NaiveDate, i32)> = Vec::new();
    for row in conn.query_all(&coaching).await? {
        coached.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        ));
    }

    let mut found = HashMap::new();
    for key in keys {
        let from_coaching: i64 = coached
            .iter()
            .filter(|(person, held_on, _)| {
                *person == key.person && *held_on >= key.period.from && *held_on < key.period.until
            })
            .map(|(.., half_days)| i64::from(*half_days))
            .sum();
        let from_bookings: i64 = booked
            .iter()
            .filter(|(id, person, starts, _)| {
                *person == key.person
                    && key.period.holds(*starts)
                    && key.except_booking != Some(*id)
            })
            .map(|(.., half_days)| i64::from(*half_days))
            .sum();
        let from_support: i64 = support
            .iter()
            .filter(|(person, created, _)| {
                *person == Some(key.person) && key.period.holds(*created)
            })
            .map(|(.., half_days)| i64::from(*half_days))
            .sum();
        let mut person_schools: Vec<i32> = roles
            .iter()
            .filter(|(person, ..)| *person == key.person)
            .map(|(_, school, _)| *school)
            .collect();
        person_schools.sort_unstable();
        person_schools.dedup();
        let roles_at = |school: i32| -> Vec<StaffRoleKind> {
            roles
                .iter()
                .filter(|(person, at, _)| *person == key.person && *at == school)
                .map(|(.., role)| *role)
                .collect()
        };
        let limit = match key.school {
            Some(school) => limit_at(&limits, &roles_at(school), key.person, school),
            None => person_schools
                .iter()
                .filter_map(|school| limit_at(&limits, &roles_at(*school), key.person, *school))
                .min(),
        };
        found.insert(
            *key,
            DaysOut {
                half_days: from_bookings + from_support + from_coaching,
                limit,
                schools: person_schools,
            },
        );
    }
    Ok(found)
}

impl Loader<DaysOutKey> for SqlLoader {
    type Value = DaysOut;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[DaysOutKey]) -> Result<HashMap<DaysOutKey, DaysOut>, Arc<DbErr>> {
        load_days_out(&self.db, keys).await.map_err(Arc::new)
    }
}

/// An event by id, for the release checks of a list of bookings: one statement for all.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct EventRow(pub i32);

impl Loader<EventRow> for SqlLoader {
    type Value = Arc<event::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[EventRow]) -> Result<HashMap<EventRow, Self::Value>, Arc<DbErr>> {
        let backend = self.db.get_database_backend();
        let rows = event::Entity::find()
            .filter(one_of(
                backend,
                event::Column::Id,
                keys.iter().map(|key| key.0),
            ))
            .all(&self.db)
            .await
            .map_err(Arc::new)?;
        Ok(rows
            .into_iter()
            .map(|row| (EventRow(row.id), Arc::new(row)))
            .collect())
    }
}

async fn days_out(ctx: &Context<'_>, key: DaysOutKey) -> ApiResult<DaysOut> {
    Ok(loader(ctx)
        .load_one(key)
        .await
        .map_err(loader_error)?
        .unwrap_or_default())
}

fn as_days(half_days: i64) -> f64 {
    half_days as f64 / 2.0
}

/// A person's days out of school this term against their school's limit.
pub struct DaysOutThisTerm {
    term: Term,
    figures: DaysOut,
}

/// A person's days out of school in the current term (events attended or booked, support
/// given), against the limit their school sets. Seen by the person and by leaders of a
/// school they work at.
#[Object]
impl DaysOutThisTerm {
    /// The term.
    async fn period(&self) -> ReleasePeriod {
        ReleasePeriod::of(self.term)
    }
    /// Days out of school in the term: release days of events attended or with a place
    /// held, and days of support given to other schools.
    async fn days(&self) -> f64 {
        as_days(self.figures.half_days)
    }
    /// The most days out per term their school allows; `null` when no limit is set. With
    /// several schools, the smallest of their limits.
    async fn limit(&self) -> Option<f64> {
        self.figures.limit.map(days)
    }
    /// Days beyond the limit (0 within it); `null` when no limit is set.
    async fn exceeds_by(&self) -> Option<f64> {
        self.figures
            .limit
            .map(|limit| as_days(Ord::max(self.figures.half_days - i64::from(limit), 0)))
    }
}

/// `Person.daysOutThisTerm`: `None` for those who may not see it.
pub async fn days_out_this_term(
    ctx: &Context<'_>,
    person: i32,
) -> ApiResult<Option<DaysOutThisTerm>> {
    let access = access(ctx).await?;
    let term = Term::current();
    let figures = days_out(
        ctx,
        DaysOutKey {
            person,
            school: None,
            period: term.period(),
            except_booking: None,
        },
    )
    .await?;
    Ok(access
        .sees_days_out(person, &figures.schools)
        .then_some(DaysOutThisTerm { term, figures }))
}

/// What a booking would do to the person's days out in the event's term, against the
/// limit of the school they book from.
pub struct ReleaseCheck {
    term: Term,
    /// Half days out in the term without this booking.
    before: i64,
    /// What the booking costs, in half days.
    cost: i32,
    limit: Option<i32>,
}

impl ReleaseCheck {
    fn after(&self) -> i64 {
        self.before + i64::from(self.cost)
    }

    fn over(&self) -> i64 {
        self.limit
            .map_or(0, |limit| Ord::max(self.after() - i64::from(limit), 0))
    }
}

/// The check a school leader sees before approving a booking: the person's days out in
/// the event's term so far, what the booking costs, the school's limit, and whether the
/// booking would take them past it. A warning, never a refusal: the leader decides.
#[Object]
impl ReleaseCheck {
    /// The term the event falls in.
    async fn period(&self) -> ReleasePeriod {
        ReleasePeriod::of(self.term)
    }
    /// Days out in the term without this booking (events attended or with a place held,
    /// support given).
    async fn days_this_term(&self) -> f64 {
        as_days(self.before)
    }
    /// Release days this booking costs (the event's).
    async fn booking_days(&self) -> f64 {
        days(self.cost)
    }
    /// Days out in the term with this booking.
    async fn days_with_booking(&self) -> f64 {
        as_days(self.after())
    }
    /// The limit the person's school sets on days out per term; `null` when none is set.
    async fn limit(&self) -> Option<f64> {
        self.limit.map(days)
    }
    /// Whether the booking would take the person past the limit.
    async fn exceeds_limit(&self) -> bool {
        self.over() > 0
    }
    /// Days beyond the limit with the booking (0 within it or without a limit).
    async fn exceeds_by(&self) -> f64 {
        as_days(self.over())
    }
    /// A sentence for the approver when the booking would exceed the limit, with the
    /// figures; `null` otherwise.
    async fn warning(&self) -> Option<String> {
        let limit = self.limit?;
        (self.over() > 0).then(|| {
            format!(
                "This booking ({} days) would take them to {} days out this term, {} over the school's limit of {} days.",
                days(self.cost),
                as_days(self.after()),
                as_days(self.over()),
                days(limit),
            )
        })
    }
}

/// The release check of a booking, as `EventBooking.releaseCheck` shows it: `None` for
/// those who may not see it (anyone but the person and the leaders of the school they
/// book from).
pub async fn release_check_of(
    ctx: &Context<'_>,
    booking: &event_booking::Model,
) -> ApiResult<Option<ReleaseCheck>> {
    let access = access(ctx).await?;
    if !access.sees_days_out(booking.person_id, &[booking.school_id]) {
        return Ok(None);
    }
    let Some(event) = loader(ctx)
        .load_one(EventRow(booking.event_id))
        .await
        .map_err(loader_error)?
    else {
        return Ok(None);
    };
    let term = Term::at(event.starts_at);
    let figures = days_out(
        ctx,
        DaysOutKey {
            person: booking.person_id,
            school: Some(booking.school_id),
            period: term.period(),
            except_booking: Some(booking.id),
        },
    )
    .await?;
    Ok(Some(ReleaseCheck {
        term,
        before: figures.half_days,
        cost: event.release_half_days,
        limit: figures.limit,
    }))
}

/// `releaseCheck(bookingId:)`: `NOT_FOUND` for a booking the caller may not check.
pub async fn release_check(ctx: &Context<'_>, booking_id: &ID) -> ApiResult<ReleaseCheck> {
    let key = decode_as(booking_id, NodeKind::EventBooking).ok_or(ApiError::NotFound)?;
    let booking = event_booking::Entity::find_by_id(key)
        .one(db(ctx))
        .await?
        .ok_or(ApiError::NotFound)?;
    release_check_of(ctx, &booking)
        .await?
        .ok_or(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(
        school: i32,
        role: Option<StaffRoleKind>,
        person: Option<i32>,
        half: i32,
    ) -> release_limit::Model {
        release_limit::Model {
            id: 0,
            school_id: school,
            role,
            person_id: person,
            half_days_per_term: half,
            set_by_id: 1,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_persons_limit_beats_a_roles_which_beats_the_schools_default() {
        let teacher = [StaffRoleKind::Teacher];
        let both = [StaffRoleKind::Teacher, StaffRoleKind::MiddleLeader];
        let mut limits = vec![limit(1, None, None, 10)];
        assert_eq!(limit_at(&limits, &teacher, 7, 1), Some(10));
        assert_eq!(limit_at(&limits, &teacher, 7, 2), None, "another school's");
        limits.push(limit(1, Some(StaffRoleKind::Teacher), None, 8));
        limits.push(limit(1, Some(StaffRoleKind::MiddleLeader), None, 6));
        assert_eq!(limit_at(&limits, &teacher, 7, 1), Some(8));
        assert_eq!(
            limit_at(&limits, &both, 7, 1),
            Some(6),
            "the smallest role's"
        );
        assert_eq!(limit_at(&limits, &[], 7, 1), Some(10));
        limits.push(limit(1, None, Some(7), 12));
        assert_eq!(
            limit_at(&limits, &both, 7, 1),
            Some(12),
            "the person's, even above"
        );
        assert_eq!(limit_at(&limits, &both, 8, 1), Some(6));
        assert_eq!(limit_at(&[], &both, 7, 1), None);
    }
}
