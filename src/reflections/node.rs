//! `node(id:)` for reflections: only for those the policy lets see it (the same SQL
//! condition as the lists), batched with the request's other such reads.

use async_graphql::Context;
use entity::reflection;

use super::Reflection;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::access;
use crate::graphql::ids::NodeType;
use crate::graphql::readable::readable_row;

impl NodeType for Reflection {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let condition = access(ctx).await?.reflection_condition();
        match readable_row::<reflection::Entity>(ctx, key, reflection::Column::Id, condition).await
        {
            Ok(row) => Ok(Some(Reflection(row))),
            Err(ApiError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }
}
