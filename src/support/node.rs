//! `node(id:)` for requests, offers and arrangements: each answers only if the policy lets
//! the caller see it, exactly as the lists do.

use async_graphql::Context;
use entity::{support_arrangement, support_offer, support_request};

use super::{SupportArrangement, SupportOffer, SupportRequest};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeKind;
use crate::schema::node::Node;

pub async fn resolve(ctx: &Context<'_>, kind: NodeKind, key: i32) -> ApiResult<Option<Node>> {
    let access = access(ctx).await?;
    Ok(match kind {
        NodeKind::SupportRequest => load::<support_request::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_request(row))
            .map(|row| Node::SupportRequest(SupportRequest(row))),
        NodeKind::SupportOffer => load::<support_offer::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_offer(row))
            .map(|row| Node::SupportOffer(SupportOffer(row))),
        NodeKind::SupportArrangement => load::<support_arrangement::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_support_arrangement(row))
            .map(|row| Node::SupportArrangement(SupportArrangement(row))),
        _ => None,
    })
}
