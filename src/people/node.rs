//! `node(id:)` for people, their roles and the invitations the caller manages.

use async_graphql::Context;
use entity::{alliance_role, staff_role};

use super::invitation_upkeep::managed_invitation;
use super::{AllianceRole, Invitation, Person, StaffRole, visible_person};
use crate::errors::ApiResult;
use crate::graphql::context::{load_seen_with, load_visible};
use crate::graphql::ids::NodeType;

impl NodeType for Person {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        visible_person(ctx, key).await
    }
}

impl NodeType for StaffRole {
    /// Seen with its person.
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_seen_with::<staff_role::Entity, Person>(ctx, key, |row| row.person_id);
        Ok(row.await?.map(StaffRole))
    }
}

impl NodeType for AllianceRole {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<alliance_role::Entity>(ctx, key, |access, row| {
            access.sees_alliance(row.alliance_id)
        });
        Ok(row.await?.map(AllianceRole))
    }
}

impl NodeType for Invitation {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        managed_invitation(ctx, key).await
    }
}
