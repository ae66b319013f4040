//! `node(id:)` for people, their roles and the invitations the caller manages.

use async_graphql::Context;
use entity::{alliance_role, staff_role};

use super::invitation_upkeep::managed_invitation;
use super::{AllianceRole, Invitation, Person, StaffRole, visible_person};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load, load_visible};
use crate::graphql::ids::NodeType;

impl NodeType for Person {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        visible_person(ctx, key).await
    }
}

impl NodeType for StaffRole {
    /// Seen with its person.
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        // Anonymous callers are refused before the role is read, as for other kinds.
        access(ctx).await?;
        let Some(role) = load::<staff_role::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(visible_person(ctx, role.person_id)
            .await?
            .map(|_| StaffRole(role)))
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
