//! `node(id:)` for communities and what they hold: each answers only if the policy lets
//! the caller see it, exactly as the lists do.

use async_graphql::Context;
use entity::{community, community_meeting, community_member, enquiry, enquiry_evidence};
use sea_orm::{EntityTrait, QueryFilter};

use super::{Community, CommunityMeeting, CommunityMembership, Enquiry, EnquiryEvidence};
use crate::auth::policy::Access;
use crate::errors::ApiResult;
use crate::graphql::context::{access, db, load, load_visible};
use crate::graphql::ids::NodeType;
use crate::graphql::loaders::Keyed;

impl NodeType for Community {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = load_visible::<community::Entity>(ctx, key, |access, c| access.sees_community(c));
        Ok(row.await?.map(Community))
    }
}

/// The row of `E` with this key, held by the community `community_of` names, if the
/// caller sees it by `sees`, given that community.
async fn held_by_community<E>(
    ctx: &Context<'_>,
    key: i32,
    community_of: impl FnOnce(&E::Model) -> i32 + Send,
    sees: impl FnOnce(&Access, &community::Model, &E::Model) -> bool + Send,
) -> ApiResult<Option<E::Model>>
where
    E: Keyed,
    E::Model: Clone + Send + Sync,
{
    let access = access(ctx).await?;
    let Some(row) = load::<E>(ctx, key).await? else {
        return Ok(None);
    };
    let visible = load::<community::Entity>(ctx, community_of(&row))
        .await?
        .is_some_and(|c| sees(&access, &c, &row));
    Ok(visible.then_some(row))
}

impl NodeType for CommunityMembership {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = held_by_community::<community_member::Entity>(
            ctx,
            key,
            |row| row.community_id,
            |access, c, row| access.sees_community_membership(c, row),
        );
        Ok(row.await?.map(CommunityMembership))
    }
}

impl NodeType for CommunityMeeting {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let row = held_by_community::<community_meeting::Entity>(
            ctx,
            key,
            |row| row.community_id,
            |access, c, _| access.reads_community(c),
        );
        Ok(row.await?.map(CommunityMeeting))
    }
}

impl NodeType for Enquiry {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        Ok(enquiry::Entity::find_by_id(key)
            .filter(access.enquiry_condition())
            .one(db(ctx))
            .await?
            .map(Enquiry))
    }
}

impl NodeType for EnquiryEvidence {
    async fn visible(ctx: &Context<'_>, key: i32) -> ApiResult<Option<Self>> {
        let access = access(ctx).await?;
        let Some(row) = enquiry_evidence::Entity::find_by_id(key)
            .filter(access.evidence_condition())
            .one(db(ctx))
            .await?
        else {
            return Ok(None);
        };
        let enquiry_visible = enquiry::Entity::find_by_id(row.enquiry_id)
            .filter(access.enquiry_condition())
            .one(db(ctx))
            .await?
            .is_some();
        Ok(enquiry_visible.then_some(EnquiryEvidence(row)))
    }
}
