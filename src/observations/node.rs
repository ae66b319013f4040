//! `node(id:)` for observations: it answers only to those the policy lets see it, exactly
//! as the lists do (the same SQL condition); to everyone else as if it did not exist.
//! Batched with the request's other such reads.

use async_graphql::Context;
use entity::observation;

use super::Observation;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::access;
use crate::graphql::ids::NodeType;
use crate::graphql::readable::readable_row;

impl NodeType for Observation {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let condition = access(ctx).await?.observation_condition();
        match readable_row::<observation::Entity>(ctx, key, observation::Column::Id, condition)
            .await
        {
            Ok(row) => Ok(Some(Observation(row))),
            Err(ApiError::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }
}
