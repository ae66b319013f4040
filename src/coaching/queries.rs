//! Lists of coaching relationships, and the counts a school's leaders see.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::enums::CoachingStatus;
use entity::{coaching_relationship, staff_role};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use trellis_macros::connections;

use super::{CoachingRelationship, UNDER_WAY};
use crate::errors::ApiError;
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as, filter_key};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};
use crate::people::places::current_staff;

/// Narrows a list of coaching relationships.
#[derive(InputObject, Default, Debug)]
pub struct CoachingRelationshipFilter {
    /// Only relationships of this alliance.
    pub alliance_id: Option<ID>,
    /// Only relationships in any of these statuses.
    pub statuses: Option<Vec<CoachingStatus>>,
    /// Only those in which the viewer is the coach (true) or the coachee (false).
    pub as_coach: Option<bool>,
}

/// How many of a school's staff coach and are coached: counts only, never content, and
/// never a count under five (`null` then, with `fewerThanFive`), so that no one is singled
/// out. Only the school's current staff are counted.
#[derive(SimpleObject)]
pub struct CoachingCounts {
    /// Relationships under way (proposed or active) in which one of the school's staff
    /// coaches; `null` when fewer than five.
    pub coaching: Option<i32>,
    /// Relationships under way in which one of the school's staff is coached; `null` when
    /// fewer than five.
    pub coached: Option<i32>,
    /// Relationships that ended, either way; `null` when fewer than five.
    pub ended: Option<i32>,
    /// Whether any of the counts is withheld because it is under five.
    pub fewer_than_five: bool,
}

/// `n`, unless it is under five (`expertise::SMALLEST_COUNT`).
fn shown(n: u64) -> Option<i32> {
    (i64::try_from(n).unwrap_or(i64::MAX) >= crate::expertise::SMALLEST_COUNT)
        .then(|| i32::try_from(n).unwrap_or(i32::MAX))
}

#[derive(Default)]
pub struct CoachingQuery;

#[connections]
#[Object]
impl CoachingQuery {
    /// Coaching relationships the caller sees, oldest first: their own as coach or coachee,
    /// and, for an alliance's CPD leads and admins, the alliance's (that they exist and
    /// their status, never their notes).
    async fn coaching_relationships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Conditions every relationship listed must meet.")] filter: Option<
            CoachingRelationshipFilter,
        >,
    ) -> Result<Page<CoachingRelationship>> {
        use coaching_relationship::Column;
        let access = access(ctx).await?;
        let mut condition = Condition::all().add(access.coaching_relationship_condition());
        if let Some(filter) = filter {
            if let Some(id) = &filter.alliance_id {
                condition =
                    condition.add(Column::AllianceId.eq(filter_key(id, NodeKind::Alliance)));
            }
            if let Some(statuses) = filter.statuses {
                condition = condition.add(Column::Status.is_in(statuses));
            }
            match filter.as_coach {
                Some(true) => condition = condition.add(Column::CoachId.eq(access.person_id)),
                Some(false) => condition = condition.add(Column::CoacheeId.eq(access.person_id)),
                None => {}
            }
        }
        let select = coaching_relationship::Entity::find().filter(condition);
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }

    /// How many of a school's staff coach and are coached (counts, never content): for
    /// the school's leaders and those who manage it for an alliance.
    async fn coaching_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school.")] school_id: ID,
    ) -> Result<CoachingCounts> {
        use coaching_relationship::Column;
        let access = access(ctx).await?;
        let school = decode_as(&school_id, NodeKind::School)
            .filter(|school| access.sees_coaching_counts_of(*school))
            .ok_or(ApiError::NotFound)?;
        // Only the school's current staff; those who manage it for an alliance (and do not
        // lead it) count only the relationships of the alliances they administer.
        let staff = |column: Column| {
            column.in_subquery(current_staff(staff_role::Column::SchoolId.eq(school)))
        };
        let mut scope = Condition::all();
        if !access.leads_school(school) {
            scope = scope.add(Column::AllianceId.is_in(access.administered_alliances()));
        }
        let count = |condition: Condition| {
            coaching_relationship::Entity::find()
                .filter(scope.clone().add(condition))
                .count(db(ctx))
        };
        let coaching = count(
            Condition::all()
                .add(Column::CoachSchoolId.eq(school))
                .add(staff(Column::CoachId))
                .add(Column::Status.is_in(UNDER_WAY)),
        )
        .await?;
        let coached = count(
            Condition::all()
                .add(Column::CoacheeSchoolId.eq(school))
                .add(staff(Column::CoacheeId))
                .add(Column::Status.is_in(UNDER_WAY)),
        )
        .await?;
        let ended = count(
            Condition::all()
                .add(
                    Condition::any()
                        .add(
                            Condition::all()
                                .add(Column::CoachSchoolId.eq(school))
                                .add(staff(Column::CoachId)),
                        )
                        .add(
                            Condition::all()
                                .add(Column::CoacheeSchoolId.eq(school))
                                .add(staff(Column::CoacheeId)),
                        ),
                )
                .add(Column::Status.eq(CoachingStatus::Ended)),
        )
        .await?;
        let (coaching, coached, ended) = (shown(coaching), shown(coached), shown(ended));
        Ok(CoachingCounts {
            fewer_than_five: coaching.is_none() || coached.is_none() || ended.is_none(),
            coaching,
            coached,
            ended,
        })
    }
}
