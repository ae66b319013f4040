//! Lists of coaching relationships, and the counts a school's leaders see.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::coaching_relationship;
use entity::enums::CoachingStatus;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use trellis_macros::connections;

use super::{CoachingRelationship, UNDER_WAY};
use crate::errors::ApiError;
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};

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

/// How many of a school's staff coach and are coached: counts only, never content.
#[derive(SimpleObject)]
pub struct CoachingCounts {
    /// Relationships under way (proposed or active) in which one of the school's staff
    /// coaches.
    pub coaching: i32,
    /// Relationships under way in which one of the school's staff is coached.
    pub coached: i32,
    /// Relationships that ended, either way.
    pub ended: i32,
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
                condition = condition
                    .add(Column::AllianceId.eq(decode_as(id, NodeKind::Alliance).unwrap_or(0)));
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
        let count = |condition: Condition| {
            coaching_relationship::Entity::find()
                .filter(condition)
                .count(db(ctx))
        };
        let coaching = count(
            Condition::all()
                .add(Column::CoachSchoolId.eq(school))
                .add(Column::Status.is_in(UNDER_WAY)),
        )
        .await?;
        let coached = count(
            Condition::all()
                .add(Column::CoacheeSchoolId.eq(school))
                .add(Column::Status.is_in(UNDER_WAY)),
        )
        .await?;
        let ended = count(
            Condition::all()
                .add(
                    Condition::any()
                        .add(Column::CoachSchoolId.eq(school))
                        .add(Column::CoacheeSchoolId.eq(school)),
                )
                .add(Column::Status.eq(CoachingStatus::Ended)),
        )
        .await?;
        let int = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(CoachingCounts {
            coaching: int(coaching),
            coached: int(coached),
            ended: int(ended),
        })
    }
}
