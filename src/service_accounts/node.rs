//! `node(id:)` for service accounts: seen by those who manage them.

use async_graphql::Context;
use entity::service_account;

use super::ServiceAccount;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for ServiceAccount {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<service_account::Entity>(ctx, key, |access, row| {
            access.manages_service_account(row)
        });
        Ok(row.await?.map(ServiceAccount))
    }
}
