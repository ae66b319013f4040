//! `node(id:)` for requests, offers and arrangements: each answers only if the policy lets
//! the caller see it, exactly as the lists do.

use async_graphql::Context;
use entity::{support_arrangement, support_offer, support_request};

use super::{SupportArrangement, SupportOffer, SupportRequest};
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for SupportRequest {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<support_request::Entity>(ctx, key, |access, row| {
            access.sees_support_request(row)
        });
        Ok(row.await?.map(SupportRequest))
    }
}

impl NodeType for SupportOffer {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<support_offer::Entity>(ctx, key, |access, row| {
            access.sees_support_offer(row)
        });
        Ok(row.await?.map(SupportOffer))
    }
}

impl NodeType for SupportArrangement {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<support_arrangement::Entity>(ctx, key, |access, row| {
            access.sees_support_arrangement(row)
        });
        Ok(row.await?.map(SupportArrangement))
    }
}
