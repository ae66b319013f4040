//! `node(id:)` for practice and endorsements: answered only when the caller reads the
//! practice, signed in or not.

use async_graphql::Context;
use entity::practice_endorsement;

use super::{Practice, PracticeEndorsement, visible_practice};
use crate::errors::ApiResult;
use crate::graphql::context::load;
use crate::graphql::ids::NodeKind;
use crate::schema::node::Node;

pub async fn resolve(ctx: &Context<'_>, kind: NodeKind, key: i32) -> ApiResult<Option<Node>> {
    Ok(match kind {
        NodeKind::PracticeEndorsement => {
            let Some(row) = load::<practice_endorsement::Entity>(ctx, key).await? else {
                return Ok(None);
            };
            visible_practice(ctx, row.practice_id)
                .await?
                .map(|_| Node::PracticeEndorsement(PracticeEndorsement(row)))
        }
        _ => visible_practice(ctx, key)
            .await?
            .map(|p: Practice| Node::Practice(p)),
    })
}
