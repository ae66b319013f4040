//! `node(id:)` for threads and replies: each answers only if the policy lets the caller
//! read it, exactly as the lists do.

use async_graphql::Context;
use entity::discussion_post;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{DiscussionReply, DiscussionThread};
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeKind;
use crate::schema::node::Node;

pub async fn resolve(ctx: &Context<'_>, kind: NodeKind, key: i32) -> ApiResult<Option<Node>> {
    let access = access(ctx).await?;
    let thread = kind == NodeKind::DiscussionThread;
    Ok(discussion_post::Entity::find_by_id(key)
        .filter(if thread {
            Condition::all()
                .add(access.post_condition())
                .add(discussion_post::Column::ThreadId.is_null())
        } else {
            access.reply_condition()
        })
        .one(db(ctx))
        .await?
        .map(|row| {
            if thread {
                Node::DiscussionThread(DiscussionThread(row))
            } else {
                Node::DiscussionReply(DiscussionReply(row))
            }
        }))
}
