//! The good-practice exchange: schools share practice, find it, adapt it and say what
//! happened. Practice items (authoring, review and publication, revisions), adaptations
//! and their lineage, endorsements, comments (the communities' discussion), safeguarding
//! take-downs, and search.

pub mod adaptation;
pub mod authoring;
pub mod comments;
pub mod counts;
pub mod discussion_host;
pub mod endorsements;
pub mod keys;
pub mod lifecycle;
mod node;
pub mod safeguarding;
pub mod search;
pub mod types;

pub use types::{Practice, PracticeEndorsement, is_author_of};

use async_graphql::{Context, ID};
use entity::practice;
use sea_orm::sea_query::Condition;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::policy::Access;
use crate::auth::policy::practice::practice_condition;

use crate::errors::{ApiResult, MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::nested::{ChildList, child_rows};

pub use crate::graphql::context::reader;

/// What the caller reads of practice.
pub async fn reader_condition(ctx: &Context<'_>) -> ApiResult<Condition> {
    Ok(practice_condition(reader(ctx).await?.as_deref()))
}

/// A practice the caller reads, loaded in one batch with the request's other such loads.
pub async fn visible_practice(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Practice>> {
    let list =
        ChildList::<practice::Entity>::new(id, practice::Column::Id, reader_condition(ctx).await?);
    Ok(child_rows(ctx, list)
        .await?
        .into_iter()
        .next()
        .map(Practice))
}

/// A practice the signed-in caller reads, for a mutation; `NOT_FOUND` otherwise.
pub async fn readable_practice(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<practice::Model> {
    let key = decode_as(id, NodeKind::Practice).ok_or_else(|| UserError::not_found(field))?;
    Ok(practice::Entity::find_by_id(key)
        .filter(access.practice_condition())
        .one(conn)
        .await?
        .ok_or_else(|| UserError::not_found(field))?)
}

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct PracticeMutations(
    authoring::PracticeAuthoringMutation,
    lifecycle::PracticeLifecycleMutation,
    adaptation::AdaptationMutation,
    endorsements::EndorsementMutation,
    comments::PracticeCommentMutation,
    safeguarding::SafeguardingMutation,
);
