//! The release-time ledger: for each school of an alliance, the days its staff gave other
//! schools and the days it received, over a term or an academic year.
//!
//! Where the days come from (all in half days, shown as days):
//! - **Support given / received**: support arrangements of the alliance that were not
//!   cancelled (`PLANNED`, `ACTIVE`, `COMPLETED`), their planned days, dated by when they
//!   were brokered. The supporting school gives them; the supported school receives them.
//! - **Events attended** (received): each `ATTENDED` booking costs the person's school the
//!   event's release days, dated by the event's start, except at an event its own school
//!   hosts (nobody left the building).
//! - **Hosting credit** (given): a school that hosts an event (the host school, or for an
//!   alliance's own event the venue school) earns, for each place taken by staff of
//!   another school who attended, the event's release days. So a school opening its
//!   classrooms, running a course or a lesson study for others is seen to give.
//!
//! - **Coaching** (given / received): coaching sessions held out of school in the
//!   alliance's coaching relationships cost the coach release time (their half days), dated
//!   by the day held. The coach's school gives them; the coachee's school receives them
//!   (none when both work at the same school).
//!
//! Days given = support given + hosting credit + coaching given; days received = support
//! received + events attended + coaching received; balance = given − received.
//!
//! Statements: the figures of every school a request asks for, per alliance and period,
//! load in three statements (`Loader<FiguresKey>`), whatever the number of schools: a page
//! of 60 schools costs the page, the two figures statements and the schools.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Object, Result, SimpleObject};
use entity::enums::{BookingStatus, MembershipStatus, SupportArrangementStatus};
use entity::{alliance_membership, event, event_booking, school, support_arrangement};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::ReleasePeriod;
use super::terms::{Period, Term};
use crate::errors::ApiResult;
use crate::graphql::context::{access, db, load_required, loader};
use crate::graphql::loaders::{SqlLoader, loader_error, one_of};
use crate::graphql::pagination::{Page, PageArgs, Rows, TotalCount, id_cursor};
use crate::schools::School;

/// One school's figures in one alliance over one period.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FiguresKey {
    pub alliance: i32,
    pub period: Period,
    pub school: i32,
}

/// A school's figures, in half days.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Figures {
    pub support_given: i64,
    pub hosting_credit: i64,
    pub support_received: i64,
    pub events_attended: i64,
    pub coaching_given: i64,
    pub coaching_received: i64,
    /// Coaching relationships behind `coaching_given` (and `coaching_received`): under
    /// five, the coaching figures are not given (so no one is singled out).
    pub coaching_given_relationships: i64,
    pub coaching_received_relationships: i64,
}

impl Figures {
    pub fn given(&self) -> i64 {
        self.support_given + self.hosting_credit + self.coaching_given
    }

    pub fn received(&self) -> i64 {
        self.support_received + self.events_attended + self.coaching_received
    }
}

/// A school's coaching days, unless fewer than five relationships (`SMALLEST_COUNT`)
/// make them up: then `None`, so that a coach or coachee is not singled out.
fn shown_coaching(half_days: i64, relationships: i64) -> Option<f64> {
    (relationships >= crate::expertise::SMALLEST_COUNT).then(|| half_days_as_days(half_days))
}

fn half_days_as_days(half_days: i64) -> f64 {
    half_days as f64 / 2.0
}

/// The school credited with hosting an event: its host school, else its venue school.
fn credited() -> SimpleExpr {
    Func::coalesce([
        Expr::col((event::Entity, event::Column::HostSchoolId)),
        Expr::col((event::Entity, event::Column::VenueSchoolId)),
    ])
    .into()
}

/// The figures of `schools` in `alliance` over `period`: three statements.
pub async fn figures(
    conn: &impl ConnectionTrait,
    alliance: i32,
    period: Period,
    schools: &[i32],
) -> Result<HashMap<i32, Figures>, DbErr> {
    let backend = conn.get_database_backend();
    let (from, until) = period.instants();
    let mut found: HashMap<i32, Figures> = HashMap::new();

    // Attended places, by the attendee's school and the school credited with hosting.
    let places = Query::select()
        .column((event_booking::Entity, event_booking::Column::SchoolId))
        .expr(credited())
        .expr(Func::sum(Expr::col((
            event::Entity,
            event::Column::ReleaseHalfDays,
        ))))
        .from(event_booking::Entity)
        .inner_join(
            event::Entity,
            Expr::col((event::Entity, event::Column::Id))
                .equals((event_booking::Entity, event_booking::Column::EventId)),
        )
        .and_where(event_booking::Column::Status.eq(BookingStatus::Attended))
        .and_where(event::Column::AllianceId.eq(alliance))
        .and_where(event::Column::StartsAt.gte(from))
        .and_where(event::Column::StartsAt.lt(until))
        .cond_where(
            sea_orm::Condition::any()
                .add(one_of(
                    backend,
                    event_booking::Column::SchoolId,
                    schools.iter().copied(),
                ))
                .add(credited().is_in(schools.iter().copied())),
        )
        .group_by_col((event_booking::Entity, event_booking::Column::SchoolId))
        .add_group_by([credited()])
        .to_owned();
    for row in conn.query_all(&places).await? {
        let attendee: i32 = row.try_get_by_index(0)?;
        let host: Option<i32> = row.try_get_by_index(1)?;
        let half_days: i64 = row.try_get_by_index(2)?;
        if host == Some(attendee) {
            continue;
        }
        found.entry(attendee).or_default().events_attended += half_days;
        if let Some(host) = host {
            found.entry(host).or_default().hosting_credit += half_days;
        }
    }

    // Support arrangements, by supporting and supported school.
    use support_arrangement::Column as Arrangement;
    let support = Query::select()
        .columns([
            Arrangement::SupportingSchoolId,
            Arrangement::SupportedSchoolId,
        ])
        .expr(Func::sum(Expr::col(Arrangement::HalfDaysPlanned)))
        .from(support_arrangement::Entity)
        .and_where(Arrangement::AllianceId.eq(alliance))
        .and_where(Arrangement::Status.ne(SupportArrangementStatus::Cancelled))
        .and_where(Arrangement::CreatedAt.gte(from))
        .and_where(Arrangement::CreatedAt.lt(until))
        .cond_where(
            sea_orm::Condition::any()
                .add(one_of(
                    backend,
                    Arrangement::SupportingSchoolId,
                    schools.iter().copied(),
                ))
                .add(one_of(
                    backend,
                    Arrangement::SupportedSchoolId,
                    schools.iter().copied(),
                )),
        )
        .group_by_columns([
            Arrangement::SupportingSchoolId,
            Arrangement::SupportedSchoolId,
        ])
        .to_owned();
    for row in conn.query_all(&support).await? {
        let giver: Option<i32> = row.try_get_by_index(0)?;
        let receiver: i32 = row.try_get_by_index(1)?;
        let half_days: i64 = row.try_get_by_index(2)?;
        if giver == Some(receiver) {
            continue;
        }
        found.entry(receiver).or_default().support_received += half_days;
        if let Some(giver) = giver {
            found.entry(giver).or_default().support_given += half_days;
        }
    }
    // Coaching sessions held out of school, by the coach's and the coachee's school.
    use entity::{coaching_relationship, coaching_session};
    let coaching = Query::select()
        .column((
            coaching_relationship::Entity,
            coaching_relationship::Column::CoachSchoolId,
        ))
        .column((
            coaching_relationship::Entity,
            coaching_relationship::Column::CoacheeSchoolId,
        ))
        .expr(Func::sum(Expr::col((
            coaching_session::Entity,
            coaching_session::Column::HalfDays,
        ))))
        .expr(Func::count_distinct(Expr::col((
            coaching_session::Entity,
            coaching_session::Column::RelationshipId,
        ))))
        .from(coaching_session::Entity)
        .inner_join(
            coaching_relationship::Entity,
            Expr::col((
                coaching_relationship::Entity,
                coaching_relationship::Column::Id,
            ))
            .equals((
                coaching_session::Entity,
                coaching_session::Column::RelationshipId,
            )),
        )
        .and_where(coaching_relationship::Column::AllianceId.eq(alliance))
        .and_where(coaching_session::Column::OutOfSchool.eq(true))
        .and_where(coaching_session::Column::HeldOn.gte(period.from))
        .and_where(coaching_session::Column::HeldOn.lt(period.until))
        .cond_where(
            sea_orm::Condition::any()
                .add(one_of(
                    backend,
                    coaching_relationship::Column::CoachSchoolId,
                    schools.iter().copied(),
                ))
                .add(one_of(
                    backend,
                    coaching_relationship::Column::CoacheeSchoolId,
                    schools.iter().copied(),
                )),
        )
        .group_by_col((
            coaching_relationship::Entity,
            coaching_relationship::Column::CoachSchoolId,
        ))
        .group_by_col((
            coaching_relationship::Entity,
            coaching_relationship::Column::CoacheeSchoolId,
        ))
        .to_owned();
    for row in conn.query_all(&coaching).await? {
        let giver: Option<i32> = row.try_get_by_index(0)?;
        let receiver: Option<i32> = row.try_get_by_index(1)?;
        let half_days: Option<i64> = row.try_get_by_index(2)?;
        let relationships: i64 = row.try_get_by_index(3)?;
        let half_days = half_days.unwrap_or(0);
        if giver == receiver {
            continue;
        }
        if let Some(giver) = giver {
            let figures = found.entry(giver).or_default();
            figures.coaching_given += half_days;
            figures.coaching_given_relationships += relationships;
        }
        if let Some(receiver) = receiver {
            let figures = found.entry(receiver).or_default();
            figures.coaching_received += half_days;
            figures.coaching_received_relationships += relationships;
        }
    }
    found.retain(|school, _| schools.contains(school));
    Ok(found)
}

impl Loader<FiguresKey> for SqlLoader {
    type Value = Figures;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[FiguresKey]) -> Result<HashMap<FiguresKey, Figures>, Arc<DbErr>> {
        let mut groups: HashMap<(i32, Period), Vec<i32>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.alliance, key.period))
                .or_default()
                .push(key.school);
        }
        let mut loaded = HashMap::new();
        for ((alliance, period), schools) in groups {
            let figures = figures(&self.db, alliance, period, &schools)
                .await
                .map_err(Arc::new)?;
            for school in schools {
                let key = FiguresKey {
                    alliance,
                    period,
                    school,
                };
                loaded.insert(key, figures.get(&school).copied().unwrap_or_default());
            }
        }
        Ok(loaded)
    }
}

async fn load_figures(ctx: &Context<'_>, key: FiguresKey) -> ApiResult<Figures> {
    Ok(loader(ctx)
        .load_one(key)
        .await
        .map_err(loader_error)?
        .unwrap_or_default())
}

/// One school's line in the ledger of an alliance for a period.
pub struct ReleaseLedgerRow {
    pub key: FiguresKey,
    pub term: Term,
}

/// One school's release time in one alliance over a term or an academic year: the days
/// its staff gave other schools (support and hosting) and the days it received (support,
/// and its staff attending events). Seen by the school's leaders and by the alliance's
/// admins and CPD leads.
#[Object]
impl ReleaseLedgerRow {
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.key.school).await?,
        ))
    }
    /// The term or academic year the figures cover.
    async fn period(&self) -> ReleasePeriod {
        ReleasePeriod::of(self.term)
    }
    /// Days given: support its staff gave other schools, plus hosting credit.
    async fn days_given(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.given(),
        ))
    }
    /// Days received: support other schools gave it, plus days its staff spent at events
    /// hosted elsewhere.
    async fn days_received(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.received(),
        ))
    }
    /// `daysGiven` − `daysReceived`: above 0 the school gives more than it takes.
    async fn balance(&self, ctx: &Context<'_>) -> Result<f64> {
        let figures = load_figures(ctx, self.key).await?;
        Ok(half_days_as_days(figures.given() - figures.received()))
    }
    /// Of the days given: release days of coaching sessions its staff held out of school
    /// as coaches of another school's staff. `null` when fewer than five coaching
    /// relationships contribute (the days still count in `daysGiven`), and for service
    /// accounts.
    async fn coaching_given_days(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        if access(ctx).await?.service_account.is_some() {
            return Ok(None);
        }
        let figures = load_figures(ctx, self.key).await?;
        Ok(shown_coaching(
            figures.coaching_given,
            figures.coaching_given_relationships,
        ))
    }
    /// Of the days received: release days of coaching sessions held out of school by
    /// coaches of another school for its staff. `null` when fewer than five coaching
    /// relationships contribute (the days still count in `daysReceived`), and for service
    /// accounts.
    async fn coaching_received_days(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        if access(ctx).await?.service_account.is_some() {
            return Ok(None);
        }
        let figures = load_figures(ctx, self.key).await?;
        Ok(shown_coaching(
            figures.coaching_received,
            figures.coaching_received_relationships,
        ))
    }
    /// Of the days given: days of support arrangements in which the school supports
    /// another (planned days of arrangements not cancelled).
    async fn support_given_days(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.support_given,
        ))
    }
    /// Of the days given: hosting credit, the release days of each place at an event it
    /// hosted that staff of another school attended.
    async fn hosting_credit_days(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.hosting_credit,
        ))
    }
    /// Of the days received: days of support arrangements in which another school
    /// supports it.
    async fn support_received_days(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.support_received,
        ))
    }
    /// Of the days received: release days of its staff's attended places at events not
    /// hosted by the school itself.
    async fn events_attended_days(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(half_days_as_days(
            load_figures(ctx, self.key).await?.events_attended,
        ))
    }
}

/// `Alliance.releaseLedger`: a page of the ledger rows the caller sees (every active member
/// school for its admins and CPD leads, their own school for school leaders), in order
/// of joining.
pub async fn alliance_ledger(
    ctx: &Context<'_>,
    alliance: i32,
    term: Term,
    args: &PageArgs,
) -> ApiResult<Page<ReleaseLedgerRow>> {
    let access = access(ctx).await?;
    let request = args.validate()?;
    use alliance_membership::Column;
    let select = alliance_membership::Entity::find()
        .filter(Column::AllianceId.eq(alliance))
        .filter(Column::Status.eq(MembershipStatus::Active))
        .filter(access.school_release_condition());
    let counting = select.clone();
    let counting_db = db(ctx).clone();
    let total = TotalCount::new(move || {
        let select = counting.clone();
        let db = counting_db.clone();
        async move { Ok(select.count(&db).await?) }
    });
    let mut page = select;
    if let Some((after, _)) = &request.after {
        page = page.filter(Column::Id.gt(*after));
    }
    if let Some((before, _)) = &request.before {
        page = page.filter(Column::Id.lt(*before));
    }
    let order = if request.backward {
        Order::Desc
    } else {
        Order::Asc
    };
    let fetched = page
        .order_by(Column::Id, order)
        .limit(request.size + 1)
        .all(db(ctx))
        .await?;
    let period = term.period();
    Ok(Rows::from_fetched(fetched, &request).into_page(
        |membership| id_cursor(membership.id),
        |membership| ReleaseLedgerRow {
            key: FiguresKey {
                alliance,
                period,
                school: membership.school_id,
            },
            term,
        },
        total,
    ))
}

/// `School.releaseLedger`: the school's line in each alliance it is an active member of,
/// where the caller sees it.
pub async fn school_ledger(
    ctx: &Context<'_>,
    school: i32,
    term: Term,
) -> ApiResult<Vec<ReleaseLedgerRow>> {
    let access = access(ctx).await?;
    let memberships = alliance_membership::Entity::find()
        .filter(alliance_membership::Column::SchoolId.eq(school))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(alliance_membership::Column::AllianceId)
        .all(db(ctx))
        .await?;
    let period = term.period();
    Ok(memberships
        .into_iter()
        .filter(|membership| access.sees_school_release(membership.alliance_id, school))
        .map(|membership| ReleaseLedgerRow {
            key: FiguresKey {
                alliance: membership.alliance_id,
                period,
                school,
            },
            term,
        })
        .collect())
}

/// Whether an alliance's give and take of staff time is fair: for its admins and CPD
/// leads, over a term or an academic year, across every active member school.
#[derive(SimpleObject)]
pub struct ReleaseFairness {
    /// The term or academic year.
    pub period: ReleasePeriod,
    /// Active member schools.
    pub schools: i32,
    /// Schools that gave more days than they received.
    pub givers: i32,
    /// Schools that received more days than they gave.
    pub receivers: i32,
    /// Schools whose days given and received are equal (including those with neither).
    pub balanced: i32,
    /// Days given by all schools together.
    pub days_given: f64,
    /// Days received by all schools together.
    pub days_received: f64,
    /// The share (0 to 1) of all days given that the school giving most gave; `null` when
    /// no school gave any. Near 1, one school carries the alliance.
    pub largest_giver_share: Option<f64>,
    /// The school that gave most (the first to join among equals); `null` when none gave.
    pub largest_giver: Option<School>,
}

/// `Alliance.releaseFairness`: `None` for those who may not see it.
pub async fn fairness(
    ctx: &Context<'_>,
    alliance: i32,
    term: Term,
) -> ApiResult<Option<ReleaseFairness>> {
    let access = access(ctx).await?;
    if !access.sees_alliance_release(alliance) {
        return Ok(None);
    }
    let schools: Vec<i32> = alliance_membership::Entity::find()
        .select_only()
        .column(alliance_membership::Column::SchoolId)
        .filter(alliance_membership::Column::AllianceId.eq(alliance))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(alliance_membership::Column::Id)
        .into_tuple()
        .all(db(ctx))
        .await?;
    let period = term.period();
    let figures = figures(db(ctx), alliance, period, &schools).await?;
    let of = |school: &i32| figures.get(school).copied().unwrap_or_default();
    let (mut givers, mut receivers, mut balanced) = (0, 0, 0);
    let (mut given, mut received) = (0i64, 0i64);
    let mut largest: Option<(i32, i64)> = None;
    for school in &schools {
        let figures = of(school);
        match figures.given().cmp(&figures.received()) {
            std::cmp::Ordering::Greater => givers += 1,
            std::cmp::Ordering::Less => receivers += 1,
            std::cmp::Ordering::Equal => balanced += 1,
        }
        given += figures.given();
        received += figures.received();
        if figures.given() > 0 && largest.is_none_or(|(_, most)| figures.given() > most) {
            largest = Some((*school, figures.given()));
        }
    }
    let largest_giver = match largest {
        Some((school, _)) => Some(School(load_required::<school::Entity>(ctx, school).await?)),
        None => None,
    };
    Ok(Some(ReleaseFairness {
        period: ReleasePeriod::of(term),
        schools: schools.len() as i32,
        givers,
        receivers,
        balanced,
        days_given: half_days_as_days(given),
        days_received: half_days_as_days(received),
        largest_giver_share: largest.map(|(_, most)| most as f64 / given as f64),
        largest_giver,
    }))
}
