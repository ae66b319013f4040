//! `node(id:)` for observations: it answers only to those the policy lets see it, exactly
//! as the lists do; to everyone else as if it did not exist.

use async_graphql::Context;

use super::{Observation, visible_observation};
use crate::errors::ApiResult;
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeType;

impl NodeType for Observation {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(visible_observation(db(ctx), &access, key)
            .await?
            .map(Observation))
    }
}
