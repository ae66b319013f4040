//! Release time: the ledger of staff days given and received between the schools of an
//! alliance (`ledger`), each person's days out of school against their school's limit
//! (`days_out`), the limits themselves (`limits`), and the academic terms they are
//! counted in (`terms`). Days are stored in half days and shown as `Float` days, as in
//! `support`. Who sees what: `auth/policy/release.rs`.

pub mod days_out;
pub mod ledger;
pub mod limits;
mod node;
pub mod terms;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::release_limit;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub use days_out::{DaysOutThisTerm, ReleaseCheck};
pub use ledger::{ReleaseFairness, ReleaseLedgerRow};
pub use limits::ReleaseLimit;
use terms::{AcademicTerm, Term, YEARS};

use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db};

/// Half days as days.
pub fn days(half_days: i32) -> f64 {
    f64::from(half_days) / 2.0
}

/// Which span of time figures cover: an academic year, or one term of it.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct ReleasePeriodInput {
    /// The academic year, named by the calendar year it starts in on 1 September (2026 for
    /// 2026–27); from 2000 to 2100.
    pub academic_year: i32,
    /// One term of that year; without it, the whole academic year.
    pub term: Option<AcademicTerm>,
}

/// The term (or year) asked for; the current term when none is.
pub fn term_of(input: Option<ReleasePeriodInput>) -> ApiResult<Term> {
    match input {
        None => Ok(Term::current()),
        Some(input) if YEARS.contains(&input.academic_year) => Ok(Term {
            year: input.academic_year,
            term: input.term,
        }),
        Some(_) => Err(ApiError::BadUserInput(
            "academicYear must be from 2000 to 2100".into(),
        )),
    }
}

/// A span of time figures cover: a term of an academic year, or the whole year. Terms are
/// simplified to fixed dates: autumn 1 September–31 December, spring 1 January–31 March,
/// summer 1 April–31 August.
#[derive(SimpleObject)]
pub struct ReleasePeriod {
    /// The academic year, by the calendar year it starts in (2026 for 2026–27).
    pub academic_year: i32,
    /// The term; `null` for the whole academic year.
    pub term: Option<AcademicTerm>,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day.
    pub ends_on: NaiveDate,
}

impl ReleasePeriod {
    pub fn of(term: Term) -> Self {
        let period = term.period();
        Self {
            academic_year: term.year,
            term: term.term,
            starts_on: period.from,
            ends_on: period.last_day(),
        }
    }
}

/// `School.releaseLimits`: the school's limits, for its leaders and staff; empty for
/// others.
pub async fn school_limits(ctx: &Context<'_>, school: i32) -> ApiResult<Vec<ReleaseLimit>> {
    let access = access(ctx).await?;
    if !access.sees_release_limits(school) {
        return Ok(Vec::new());
    }
    Ok(release_limit::Entity::find()
        .filter(release_limit::Column::SchoolId.eq(school))
        .order_by_asc(release_limit::Column::Id)
        .all(db(ctx))
        .await?
        .into_iter()
        .map(ReleaseLimit)
        .collect())
}

#[derive(Default)]
pub struct ReleaseQuery;

#[Object]
impl ReleaseQuery {
    /// What a booking would do to the booked person's days out of school in the event's
    /// term, against their school's limit: for the school leaders who approve it (and the
    /// person). A warning with the figures, never a refusal. `NOT_FOUND` for a booking the
    /// caller may not check.
    async fn release_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The booking (an `EventBooking` id).")] booking_id: ID,
    ) -> Result<Option<ReleaseCheck>> {
        Ok(Some(days_out::release_check(ctx, &booking_id).await?))
    }
}

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
pub use limits::ReleaseLimitMutation as ReleaseMutations;
