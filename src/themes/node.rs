//! `node(id:)` for themes: the shared taxonomy, and those of alliances the caller sees.

use async_graphql::Context;
use entity::theme;

use super::Theme;
use crate::errors::ApiResult;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeType;

impl NodeType for Theme {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<theme::Entity>(ctx, key)
            .await?
            .filter(|row| row.alliance_id.is_none_or(|id| access.sees_alliance(id)))
            .map(Theme))
    }
}
