//! `node(id:)` for practice and endorsements: answered only when the caller reads the
//! practice, signed in or not.

use async_graphql::Context;
use entity::practice_endorsement;

use super::{Practice, PracticeEndorsement, visible_practice};
use crate::errors::ApiResult;
use crate::graphql::context::load;
use crate::graphql::ids::NodeType;

impl NodeType for Practice {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        visible_practice(ctx, key).await
    }
}

impl NodeType for PracticeEndorsement {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let Some(row) = load::<practice_endorsement::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(visible_practice(ctx, row.practice_id)
            .await?
            .map(|_| PracticeEndorsement(row)))
    }
}
