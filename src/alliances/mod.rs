//! Alliances of schools: their memberships and the partnerships between member schools.

pub mod memberships;
pub mod mutations;
mod node;
pub mod partnerships;
pub mod queries;
pub mod types;

pub use types::{Alliance, AllianceMembership, Partnership, PartnershipSchool};

use async_graphql::{Context, ID};
use entity::alliance;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Expr;

use crate::auth::policy::{self, Access, allowed};
use crate::errors::{ApiError, ApiResult, MutationResult, UserError};
use crate::graphql::context::{load, reader};
use crate::graphql::ids::{NodeKind, decode_as};

/// The alliance named by input field `allianceId`, which the caller must administer:
/// a `NOT_FOUND` user error when they cannot see it, `FORBIDDEN` when they see it but may
/// not do `what`.
pub fn administered_alliance(access: &Access, id: &ID, what: &'static str) -> MutationResult<i32> {
    let alliance_id = seen_alliance(access, id)?;
    allowed(access.administers_alliance(alliance_id), what)?;
    Ok(alliance_id)
}

/// The alliance named by input field `allianceId`, if the caller sees it; a `NOT_FOUND`
/// user error otherwise.
pub fn seen_alliance(access: &Access, id: &ID) -> Result<i32, UserError> {
    decode_as(id, NodeKind::Alliance)
        .filter(|id| access.sees_alliance(*id))
        .ok_or_else(|| UserError::not_found("allianceId"))
}

/// The key of an alliance named in a filter (`allianceId`), or 0 (which matches nothing)
/// when it is malformed or names an alliance `reader` may not see: what belongs to an
/// alliance is not theirs to learn by filtering on it.
pub fn alliance_filter_key(reader: Option<&Access>, id: &ID) -> i32 {
    decode_as(id, NodeKind::Alliance)
        .filter(|key| policy::sees_alliance(reader, *key))
        .unwrap_or(0)
}

/// A list filter on one alliance: the rows whose `column` holds the alliance given, if
/// `reader` sees it (`alliance_filter_key`); no condition when none is given.
pub fn in_alliance(
    reader: Option<&Access>,
    column: impl ColumnTrait,
    id: &Option<ID>,
) -> Option<Expr> {
    id.as_ref()
        .map(|id| column.eq(alliance_filter_key(reader, id)))
}

/// The alliance with this id if the caller may see it, whichever object led there (a
/// theme, a community, a request...); `None` otherwise, and for anonymous callers.
pub async fn visible_alliance(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Alliance>> {
    if !policy::sees_alliance(reader(ctx).await?.as_deref(), id) {
        return Ok(None);
    }
    Ok(load::<alliance::Entity>(ctx, id).await?.map(Alliance))
}

/// The alliance of an object that is only seen with its alliance (a membership, a role,
/// a partnership): checked all the same, `NOT_FOUND` should that ever not hold.
pub async fn alliance_seen_with(ctx: &Context<'_>, id: i32) -> ApiResult<Alliance> {
    visible_alliance(ctx, id).await?.ok_or(ApiError::NotFound)
}

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct AlliancesMutations(
    mutations::AllianceMutation,
    memberships::MembershipMutation,
    partnerships::PartnershipMutation,
);
