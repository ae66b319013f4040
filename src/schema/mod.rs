//! The schema as served: each domain's queries and mutations merged into one `Query` and
//! one `Mutation`, the `Node` interface over every domain's objects, and the limits
//! async-graphql applies itself. Domains do not import this module; it imports them.

pub mod node;

use std::sync::Arc;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::alliances::memberships::MembershipMutation;
use crate::alliances::mutations::AllianceMutation;
use crate::alliances::partnerships::PartnershipMutation;
use crate::alliances::queries::AllianceQuery;
use crate::audit_log::AuditQuery;
use crate::communities::consent::{ConsentMutation, ConsentQuery};
use crate::communities::discussion_host::CommunityDiscussionMutation;
use crate::communities::enquiries::EnquiryMutation;
use crate::communities::meetings::MeetingMutation;
use crate::communities::membership::CommunityMembershipMutation;
use crate::communities::mutations::CommunityMutation;
use crate::communities::queries::CommunityQuery;
use crate::communities::views::CommunityViewQuery;
use crate::config::Limits;
use crate::discussion::mutations::DiscussionMutation;
use crate::graphql::context::Services;
use crate::people::accounts::AccountMutation;
use crate::people::invitation_upkeep::InvitationUpkeepMutation;
use crate::people::invitations::InvitationMutation;
use crate::people::queries::PeopleQuery;
use crate::people::sessions::SessionMutation;
use crate::people::staff_roles::StaffRoleMutation;
use crate::practice::adaptation::AdaptationMutation;
use crate::practice::authoring::PracticeAuthoringMutation;
use crate::practice::comments::PracticeCommentMutation;
use crate::practice::endorsements::EndorsementMutation;
use crate::practice::lifecycle::PracticeLifecycleMutation;
use crate::practice::safeguarding::SafeguardingMutation;
use crate::practice::search::PracticeSearchQuery;
use crate::schools::mutations::SchoolMutation;
use crate::schools::queries::SchoolQuery;
use crate::support::arrangements::SupportArrangementMutation;
use crate::support::offers::SupportOfferMutation;
use crate::support::queries::SupportQuery;
use crate::support::requests::SupportRequestMutation;
use crate::themes::{ThemeMutation, ThemeQuery};

#[derive(MergedObject, Default)]
pub struct Query(
    NodeQueryRoot,
    PeopleQuery,
    AllianceQuery,
    SchoolQuery,
    ThemeQuery,
    CommunityQuery,
    CommunityViewQuery,
    ConsentQuery,
    AuditQuery,
    SupportQuery,
    PracticeSearchQuery,
);

type NodeQueryRoot = node::NodeQuery;

#[derive(MergedObject, Default)]
pub struct Mutation(
    SessionMutation,
    InvitationMutation,
    InvitationUpkeepMutation,
    AccountMutation,
    StaffRoleMutation,
    AllianceMutation,
    MembershipMutation,
    PartnershipMutation,
    SchoolMutation,
    ThemeMutation,
    CommunityMutation,
    CommunityMembershipMutation,
    ConsentMutation,
    MeetingMutation,
    CommunityDiscussionMutation,
    DiscussionMutation,
    EnquiryMutation,
    PracticeAuthoringMutation,
    PracticeLifecycleMutation,
    AdaptationMutation,
    EndorsementMutation,
    PracticeCommentMutation,
    SafeguardingMutation,
    SupportRequestMutation,
    SupportOfferMutation,
    SupportArrangementMutation,
);

pub type TrellisSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's types and limits, without services: enough to print the SDL. The limits
/// async-graphql does not check itself, and persisted queries, are applied before a
/// request reaches the schema (`limits::check`, `persisted`), not as extensions: with any
/// extension, every field of every answer goes through its `resolve` hook.
pub fn builder(
    limits: &Limits,
    introspection: bool,
) -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_complexity(limits.max_complexity);
    if introspection {
        builder
    } else {
        builder.disable_introspection()
    }
}

pub fn build(services: Arc<Services>, limits: &Limits, introspection: bool) -> TrellisSchema {
    builder(limits, introspection).data(services).finish()
}

/// The schema as served, in SDL: what `schema.graphql` holds.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
}
