//! `node(id:)` for themes: the shared taxonomy, and those of alliances the caller sees.

use async_graphql::Context;
use entity::theme;

use super::Theme;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for Theme {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<theme::Entity>(ctx, key, |access, row| {
            access.sees_theme(row.alliance_id)
        });
        Ok(row.await?.map(Theme))
    }
}
