//! The schema as served: each domain's queries and mutations merged into one `Query` and
//! one `Mutation`, the `Node` interface over every domain's objects, and the limits
//! async-graphql applies itself. Domains do not import this module; it imports them.

pub mod node;

use std::sync::Arc;

use async_graphql::{MergedObject, SDLExportOptions, Schema, SchemaBuilder};

use crate::audit_log::AuditQuery;
use crate::calendar::{CalendarFeedMutation, CalendarFeedQuery};
use crate::config::Limits;
use crate::graphql::context::Services;
use crate::notifications::inbox::NotificationMutation;
use crate::practice::search::PracticeSearchQuery;
use crate::realtime::Subscription;
use crate::service_accounts::{ServiceAccountMutation, ServiceAccountQuery};
use crate::themes::{ThemeMutation, ThemeQuery};
use crate::{
    alliances, coaching, communities, discussion, evaluations, events, expertise, identity,
    imports, leadership, observations, people, practice, reflections, release, schools, support,
    sync, webhooks,
};

// Every domain's queries: one line each.
/// The entry points for reading: the signed-in `viewer`, any object by its global id
/// (`node`, `nodes`), and the lists of each domain. Every list holds only what the caller
/// may see.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQueryRoot,
    people::queries::PeopleQuery,
    alliances::queries::AllianceQuery,
    schools::queries::SchoolQuery,
    ThemeQuery,
    communities::CommunitiesQueries,
    AuditQuery,
    support::queries::SupportQuery,
    PracticeSearchQuery,
    sync::SyncQuery,
    ServiceAccountQuery,
    webhooks::WebhookQuery,
    CalendarFeedQuery,
    events::EventsQueries,
    release::ReleaseQuery,
    evaluations::EvaluationQueries,
    observations::ObservationsQueries,
    reflections::ReflectionsQueries,
    expertise::ExpertiseQueries,
    coaching::CoachingQueries,
);

type NodeQueryRoot = node::NodeQuery;

// Every domain's mutations: one line each.
/// The entry points for changing data. Each mutation takes one `input` and returns a
/// payload holding what it changed and the `userErrors` the user can put right; a change
/// is made whole or not at all.
#[derive(MergedObject, Default)]
pub struct Mutation(
    people::PeopleMutations,
    alliances::AlliancesMutations,
    schools::mutations::SchoolMutation,
    ThemeMutation,
    communities::CommunitiesMutations,
    discussion::mutations::DiscussionMutation,
    practice::PracticeMutations,
    support::SupportMutations,
    identity::IdentityMutations,
    ServiceAccountMutation,
    imports::ImportMutation,
    webhooks::WebhookMutation,
    CalendarFeedMutation,
    NotificationMutation,
    events::EventsMutations,
    release::ReleaseMutations,
    evaluations::EvaluationMutations,
    observations::ObservationsMutations,
    reflections::ReflectionsMutations,
    expertise::ExpertiseMutations,
    coaching::CoachingMutations,
    leadership::LeadershipMutations,
);

pub type TrellisSchema = Schema<Query, Mutation, Subscription>;

/// The schema's types and limits, without services: enough to print the SDL. The limits
/// async-graphql does not check itself, and persisted queries, are applied before a
/// request reaches the schema (`limits::check`, `persisted`), not as extensions: with any
/// extension, every field of every answer goes through its `resolve` hook.
pub fn builder(
    limits: &Limits,
    introspection: bool,
) -> SchemaBuilder<Query, Mutation, Subscription> {
    let builder = Schema::build(Query::default(), Mutation::default(), Subscription)
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
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .finish()
        .sdl_with_options(SDLExportOptions::new().include_specified_by())
}
