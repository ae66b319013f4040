//! `node(id:)` for coaching objects: a relationship answers for those who see it; its
//! cycles, sessions and action steps only for its coach and coachee; a technique for those
//! who see its alliance (the shared ones for everyone signed in).

use async_graphql::Context;
use entity::{
    coaching_action_step, coaching_cycle, coaching_relationship, coaching_session, technique,
};

use super::{CoachingActionStep, CoachingCycle, CoachingRelationship, CoachingSession, Technique};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load, load_visible};
use crate::graphql::ids::NodeType;
use crate::graphql::loaders::Keyed;

impl NodeType for CoachingRelationship {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<coaching_relationship::Entity>(ctx, key, |access, row| {
            access.sees_coaching_relationship(row)
        });
        Ok(row.await?.map(CoachingRelationship))
    }
}

/// Whether the caller reads the content of relationship `key`.
async fn reads_content(ctx: &Context<'_>, key: i32) -> ApiResult<bool> {
    let access = access(ctx).await?;
    Ok(load::<coaching_relationship::Entity>(ctx, key)
        .await?
        .is_some_and(|row| access.reads_coaching_content(&row)))
}

/// The row `key` of `E`, part of a relationship's content (`relationship_of` names the
/// relationship), if the caller reads that content; `Unauthenticated` for anonymous
/// callers, before anything is read.
async fn content<E>(
    ctx: &Context<'_>,
    key: i32,
    relationship_of: impl FnOnce(&E::Model) -> i32 + Send,
) -> ApiResult<Option<E::Model>>
where
    E: Keyed,
    E::Model: Clone + Send + Sync,
{
    access(ctx).await?;
    let Some(row) = load::<E>(ctx, key).await? else {
        return Ok(None);
    };
    Ok(reads_content(ctx, relationship_of(&row))
        .await?
        .then_some(row))
}

impl NodeType for CoachingCycle {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = content::<coaching_cycle::Entity>(ctx, key, |row| row.relationship_id);
        Ok(row.await?.map(CoachingCycle))
    }
}

impl NodeType for CoachingSession {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = content::<coaching_session::Entity>(ctx, key, |row| row.relationship_id);
        Ok(row.await?.map(CoachingSession))
    }
}

impl NodeType for CoachingActionStep {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = content::<coaching_action_step::Entity>(ctx, key, |row| row.relationship_id);
        Ok(row.await?.map(CoachingActionStep))
    }
}

impl NodeType for Technique {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row =
            load_visible::<technique::Entity>(ctx, key, |access, row| access.sees_technique(row));
        Ok(row.await?.map(Technique))
    }
}
