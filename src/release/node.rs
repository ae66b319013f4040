//! `node(id:)` for release limits: answered only to those the policy lets see them.

use async_graphql::Context;
use entity::release_limit;

use super::ReleaseLimit;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for ReleaseLimit {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<release_limit::Entity>(ctx, key, |access, row| {
            access.sees_release_limits(row.school_id)
        });
        Ok(row.await?.map(ReleaseLimit))
    }
}
