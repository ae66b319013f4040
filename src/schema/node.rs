//! The Relay `Node` interface, and `node`/`nodes`: fetch anything by global id that the
//! caller may see. What they may not see answers exactly as what does not exist.

use async_graphql::{Context, ID, Interface, Object, Result};

use crate::alliances::{Alliance, AllianceMembership, Partnership, PartnershipSchool};
use crate::calendar::CalendarFeed;
use crate::coaching::{
    CoachingActionStep, CoachingCycle, CoachingRelationship, CoachingSession, Technique,
};
use crate::communities::{
    Community, CommunityMeeting, CommunityMembership, Enquiry, EnquiryEvidence,
};
use crate::config::MAX_PAGE_SIZE;
use crate::discussion::{DiscussionReply, DiscussionThread};
use crate::errors::{ApiError, ApiResult};
use crate::events::{Event, EventBooking};
use crate::expertise::ExpertiseEntry;
use crate::graphql::ids::{NodeKind, NodeType, decode, node_kinds};
use crate::leadership::LeadershipInvitation;
use crate::notifications::inbox::Notification;
use crate::observations::Observation;
use crate::people::{AllianceRole, Invitation, Person, StaffRole};
use crate::practice::{Practice, PracticeEndorsement};
use crate::reflections::Reflection;
use crate::release::ReleaseLimit;
use crate::schools::School;
use crate::service_accounts::ServiceAccount;
use crate::support::{SupportArrangement, SupportOffer, SupportRequest};
use crate::themes::Theme;
use crate::webhooks::WebhookEndpoint;

/// Builds the `Node` interface and the reading of a decoded id from the list of node kinds
/// (`ids::node_kinds!`): each type is named as its kind and must implement `NodeType`.
macro_rules! node_interface {
    ($($kind:ident),+ $(,)?) => {
        /// An object with a global id.
        // Built once per `node` answer and handed to the executor: boxing variants buys
        // nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Interface)]
        #[graphql(field(
            name = "id",
            ty = "ID",
            desc = "Opaque global id; stable across releases."
        ))]
        pub enum Node {
            $($kind($kind)),+
        }

        /// The object of `kind` with this key, if the caller may see it.
        async fn visible(ctx: &Context<'_>, kind: NodeKind, key: i32) -> ApiResult<Option<Node>> {
            Ok(match kind {
                $(NodeKind::$kind => $kind::visible(ctx, key).await?.map(Node::$kind)),+
            })
        }
    };
}

node_kinds!(node_interface);

async fn resolve(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Node>> {
    match decode(id) {
        Some((kind, key)) => visible(ctx, kind, key).await,
        None => Ok(None),
    }
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches an object by its global id. `NOT_FOUND` when there is none the caller may
    /// see.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global id, as any of its `id` fields gives it.")] id: ID,
    ) -> Result<Option<Node>> {
        match resolve(ctx, &id).await? {
            Some(node) => Ok(Some(node)),
            None => Err(ApiError::NotFound.into()),
        }
    }

    /// Fetches objects by global id, in the order given (at most 100); `null` for each id
    /// with no object the caller may see.
    #[graphql(complexity = "ids.len().max(1) * child_complexity + 1")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids of the objects, of any types (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
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
