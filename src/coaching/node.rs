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

impl NodeType for CoachingCycle {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        access(ctx).await?;
        let Some(row) = load::<coaching_cycle::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(reads_content(ctx, row.relationship_id)
            .await?
            .then_some(CoachingCycle(row)))
    }
}

impl NodeType for CoachingSession {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        access(ctx).await?;
        let Some(row) = load::<coaching_session::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(reads_content(ctx, row.relationship_id)
            .await?
            .then_some(CoachingSession(row)))
    }
}

impl NodeType for CoachingActionStep {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        access(ctx).await?;
        let Some(row) = load::<coaching_action_step::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(reads_content(ctx, row.relationship_id)
            .await?
            .then_some(CoachingActionStep(row)))
    }
}

impl NodeType for Technique {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row =
            load_visible::<technique::Entity>(ctx, key, |access, row| access.sees_technique(row));
        Ok(row.await?.map(Technique))
    }
}
