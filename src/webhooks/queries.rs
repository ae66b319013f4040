//! Reading endpoints and their delivery log.

use async_graphql::{Context, ID, Object, Result};
use entity::{webhook_attempt, webhook_endpoint};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::{WebhookDeliveryAttempt, WebhookEndpoint};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::pagination::{Page, PageArgs, Sort, id_cursor, oldest_first_page, root_page};

#[derive(Default)]
pub struct WebhookQuery;

#[connections]
#[Object]
impl WebhookQuery {
    /// Webhook endpoints the caller sees, oldest first: those of schools they lead and
    /// alliances they administer.
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<WebhookEndpoint>> {
        let access = access(ctx).await?;
        let select = webhook_endpoint::Entity::find().filter(access.webhook_endpoint_condition());
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }

    /// The delivery log of one endpoint, newest attempt first; `null` unless the caller
    /// sees the endpoint (as for one that does not exist).
    async fn webhook_delivery_attempts(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "The endpoint whose log to read.")] endpoint_id: ID,
    ) -> Result<Option<Page<WebhookDeliveryAttempt>>> {
        let access = access(ctx).await?;
        let Some(key) = decode_as(&endpoint_id, NodeKind::WebhookEndpoint) else {
            return Ok(None);
        };
        let seen = webhook_endpoint::Entity::find_by_id(key)
            .filter(access.webhook_endpoint_condition())
            .one(db(ctx))
            .await?;
        if seen.is_none() {
            return Ok(None);
        }
        let select =
            webhook_attempt::Entity::find().filter(webhook_attempt::Column::EndpointId.eq(key));
        let newest_first = Sort {
            column: None,
            descending: true,
        };
        Ok(Some(
            root_page(
                db(ctx),
                select,
                webhook_attempt::Column::Id,
                newest_first,
                &args,
                |row: &webhook_attempt::Model| id_cursor(row.id),
            )
            .await?,
        ))
    }
}
