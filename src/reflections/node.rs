//! `node(id:)` for reflections: only for those the policy lets see it.

use async_graphql::Context;

use super::Reflection;
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeType;
use crate::observations::visible_reflection;

impl NodeType for Reflection {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(visible_reflection(db(ctx), &access, key)
            .await?
            .map(Reflection))
    }
}
