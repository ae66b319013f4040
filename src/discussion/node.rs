//! `node(id:)` for threads and replies: each answers only if the policy lets the caller
//! read it, exactly as the lists do.

use async_graphql::Context;
use entity::discussion_post;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{DiscussionReply, DiscussionThread};
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeType;

/// The discussion post with this key that meets `condition`.
async fn post(
    ctx: &Context<'_>,
    key: i32,
    condition: Condition,
) -> ApiResult<Option<discussion_post::Model>> {
    Ok(discussion_post::Entity::find_by_id(key)
        .filter(condition)
        .one(db(ctx))
        .await?)
}

impl NodeType for DiscussionThread {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        let condition = Condition::all()
            .add(access.post_condition())
            .add(discussion_post::Column::ThreadId.is_null());
        Ok(post(ctx, key, condition).await?.map(DiscussionThread))
    }
}

impl NodeType for DiscussionReply {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(post(ctx, key, access.reply_condition())
            .await?
            .map(DiscussionReply))
    }
}
