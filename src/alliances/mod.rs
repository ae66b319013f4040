//! Alliances of schools: their memberships and the partnerships between member schools.

pub mod memberships;
pub mod mutations;
pub mod partnerships;
pub mod queries;
pub mod types;

pub use types::{Alliance, AllianceMembership, Partnership, PartnershipSchool};

use async_graphql::ID;

use crate::auth::policy::{Access, allowed};
use crate::graphql::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};

/// The alliance named by input field `allianceId`, which the caller must administer:
/// a `NOT_FOUND` user error when they cannot see it, `FORBIDDEN` when they see it but may
/// not do `what`.
pub fn administered_alliance(access: &Access, id: &ID, what: &'static str) -> MutationResult<i32> {
    let alliance_id = decode_as(id, NodeKind::Alliance)
        .filter(|id| access.sees_alliance(*id))
        .ok_or_else(|| UserError::not_found("allianceId"))?;
    allowed(access.administers_alliance(alliance_id), what)?;
    Ok(alliance_id)
}
