//! `node(id:)` for requests, offers and arrangements: each answers only if the policy lets
//! the caller see it, exactly as the lists do.

use async_graphql::Context;
use entity::{support_arrangement, support_offer, support_request};

use super::{SupportArrangement, SupportOffer, SupportRequest};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeType;

impl NodeType for SupportRequest {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<support_request::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_request(row))
            .map(SupportRequest))
    }
}

impl NodeType for SupportOffer {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<support_offer::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_offer(row))
            .map(SupportOffer))
    }
}

impl NodeType for SupportArrangement {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<support_arrangement::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_arrangement(row))
            .map(SupportArrangement))
    }
}
