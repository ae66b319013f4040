//! The Relay `Node` interface, and `node`/`nodes`: fetch anything by global id that the
//! caller may see. What they may not see answers exactly as what does not exist.

use async_graphql::{Context, ID, Interface, Object, Result};
use entity::{
    alliance, alliance_membership, alliance_role, partnership, partnership_school, school,
    staff_role, theme,
};

use crate::alliances::{Alliance, AllianceMembership, Partnership, PartnershipSchool};
use crate::communities::{
    Community, CommunityMeeting, CommunityMembership, DiscussionReply, DiscussionThread, Enquiry,
    EnquiryEvidence,
};
use crate::config::MAX_PAGE_SIZE;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, load};
use crate::graphql::ids::{NodeKind, decode};
use crate::people::invitation_upkeep::managed_invitation;
use crate::people::{AllianceRole, Invitation, Person, StaffRole, visible_person};
use crate::practice::{Practice, PracticeEndorsement};
use crate::schools::School;
use crate::support::{SupportArrangement, SupportOffer, SupportRequest};
use crate::themes::Theme;

/// An object with a global id.
// Built once per `node` answer and handed to the executor: boxing variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque global id; stable across releases."
))]
pub enum Node {
    Alliance(Alliance),
    AllianceMembership(AllianceMembership),
    AllianceRole(AllianceRole),
    Community(Community),
    CommunityMeeting(CommunityMeeting),
    CommunityMembership(CommunityMembership),
    DiscussionReply(DiscussionReply),
    DiscussionThread(DiscussionThread),
    Enquiry(Enquiry),
    EnquiryEvidence(EnquiryEvidence),
    Invitation(Invitation),
    Partnership(Partnership),
    PartnershipSchool(PartnershipSchool),
    Person(Person),
    Practice(Practice),
    PracticeEndorsement(PracticeEndorsement),
    School(School),
    StaffRole(StaffRole),
    SupportArrangement(SupportArrangement),
    SupportOffer(SupportOffer),
    SupportRequest(SupportRequest),
    Theme(Theme),
}

async fn resolve(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    let Some((kind, key)) = decode(id) else {
        return Ok(None);
    };
    // Public practice is read without signing in.
    if matches!(kind, NodeKind::Practice | NodeKind::PracticeEndorsement) {
        return crate::practice::node::resolve(ctx, kind, key).await;
    }
    let access = access(ctx).await?;
    let node = match kind {
        NodeKind::Alliance => load::<alliance::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.id))
            .map(|row| Node::Alliance(Alliance(row))),
        NodeKind::AllianceMembership => load::<alliance_membership::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(|row| Node::AllianceMembership(AllianceMembership(row))),
        NodeKind::AllianceRole => load::<alliance_role::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(|row| Node::AllianceRole(AllianceRole(row))),
        NodeKind::Community
        | NodeKind::CommunityMeeting
        | NodeKind::CommunityMembership
        | NodeKind::DiscussionReply
        | NodeKind::DiscussionThread
        | NodeKind::Enquiry
        | NodeKind::EnquiryEvidence => crate::communities::node::resolve(ctx, kind, key).await?,
        NodeKind::Invitation => managed_invitation(ctx, key).await?.map(Node::Invitation),
        NodeKind::Partnership => load::<partnership::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_alliance(row.alliance_id))
            .map(|row| Node::Partnership(Partnership(row))),
        NodeKind::PartnershipSchool => {
            let Some(place) = load::<partnership_school::Entity>(ctx, key).await? else {
                return Ok(None);
            };
            load::<partnership::Entity>(ctx, place.partnership_id)
                .await?
                .filter(|row| access.sees_alliance(row.alliance_id))
                .map(|_| Node::PartnershipSchool(PartnershipSchool(place)))
        }
        NodeKind::Person => visible_person(ctx, key).await?.map(Node::Person),
        NodeKind::Practice | NodeKind::PracticeEndorsement => unreachable!("resolved above"),
        NodeKind::School => load::<school::Entity>(ctx, key)
            .await?
            .map(|row| Node::School(School(row))),
        NodeKind::StaffRole => {
            let Some(role) = load::<staff_role::Entity>(ctx, key).await? else {
                return Ok(None);
            };
            visible_person(ctx, role.person_id)
                .await?
                .map(|_| Node::StaffRole(StaffRole(role)))
        }
        NodeKind::SupportArrangement | NodeKind::SupportOffer | NodeKind::SupportRequest => {
            crate::support::node::resolve(ctx, kind, key).await?
        }
        NodeKind::Theme => load::<theme::Entity>(ctx, key)
            .await?
            .filter(|row| access.sees_theme(row.alliance_id))
            .map(|row| Node::Theme(Theme(row))),
    };
    Ok(node)
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches an object by its global id. `NOT_FOUND` when there is none the caller may
    /// see.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        match resolve(ctx, &id).await? {
            Some(node) => Ok(Some(node)),
            None => Err(ApiError::NotFound.into()),
        }
    }

    /// Fetches objects by global id, in the order given (at most 100); `null` for each id
    /// with no object the caller may see.
    #[graphql(complexity = "ids.len().max(1) * child_complexity + 1")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_PAGE_SIZE {
            return Err(ApiError::BadUserInput(format!("pass at most {MAX_PAGE_SIZE} ids")).into());
        }
        let found = futures_util::future::try_join_all(ids.iter().map(|id| async move {
            match resolve(ctx, id).await {
                // Anonymous callers see public practice; anything else is, for them, an
                // object they may not see: `null`, as for a signed-in caller.
                Err(ApiError::Unauthenticated) => Ok(None),
                found => found,
            }
        }))
        .await?;
        Ok(found)
    }
}
