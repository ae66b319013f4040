//! `node(id:)` for webhook endpoints: seen by their tenant's managers.

use async_graphql::Context;
use entity::webhook_endpoint;

use super::WebhookEndpoint;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for WebhookEndpoint {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<webhook_endpoint::Entity>(ctx, key, |access, row| {
            access.sees_webhook_endpoint(row)
        });
        Ok(row.await?.map(WebhookEndpoint))
    }
}
