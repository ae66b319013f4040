//! `node(id:)` for alliances and what is seen with them: memberships, partnerships and
//! the schools in a partnership.

use async_graphql::Context;
use entity::{alliance, alliance_membership, partnership, partnership_school};

use super::{Alliance, AllianceMembership, Partnership, PartnershipSchool};
use crate::errors::ApiResult;
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeType;

impl NodeType for Alliance {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<alliance::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.id))
            .map(Alliance))
    }
}

impl NodeType for AllianceMembership {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<alliance_membership::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(AllianceMembership))
    }
}

impl NodeType for Partnership {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(load::<partnership::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(Partnership))
    }
}

impl NodeType for PartnershipSchool {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        let Some(place) = load::<partnership_school::Entity>(ctx, key).await? else {
            return Ok(None);
        };
        Ok(load::<partnership::Entity>(ctx, place.partnership_id)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(|_| PartnershipSchool(place)))
    }
}
