//! `node(id:)` for invitations to lead: answered for those who see them (the invitee, the
//! inviter, the alliance's CPD leads and admins).

use async_graphql::Context;
use entity::leadership_invitation;

use super::LeadershipInvitation;
use crate::errors::ApiResult;
use crate::graphql::context::load_visible;
use crate::graphql::ids::NodeType;

impl NodeType for LeadershipInvitation {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<leadership_invitation::Entity>(ctx, key, |access, row| {
            access.sees_leadership_invitation(row)
        });
        Ok(row.await?.map(LeadershipInvitation))
    }
}
