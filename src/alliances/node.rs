//! `node(id:)` for alliances and what is seen with them: memberships, partnerships and
//! the schools in a partnership.

use async_graphql::Context;
use entity::{alliance, alliance_membership, partnership, partnership_school};

use super::{Alliance, AllianceMembership, Partnership, PartnershipSchool};
use crate::errors::ApiResult;
use crate::graphql::context::{load_seen_with, load_visible};
use crate::graphql::ids::NodeType;

impl NodeType for Alliance {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row =
            load_visible::<alliance::Entity>(ctx, key, |access, row| access.sees_alliance(row.id));
        Ok(row.await?.map(Alliance))
    }
}

impl NodeType for AllianceMembership {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<alliance_membership::Entity>(ctx, key, |access, row| {
            access.sees_alliance(row.alliance_id)
        });
        Ok(row.await?.map(AllianceMembership))
    }
}

impl NodeType for Partnership {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<partnership::Entity>(ctx, key, |access, row| {
            access.sees_alliance(row.alliance_id)
        });
        Ok(row.await?.map(Partnership))
    }
}

impl NodeType for PartnershipSchool {
    /// Seen with its partnership.
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_seen_with::<partnership_school::Entity, Partnership>(ctx, key, |row| {
            row.partnership_id
        });
        Ok(row.await?.map(PartnershipSchool))
    }
}
