//! Expertise profiles: the strengths and needs audit. Each person keeps, per theme of the
//! shared taxonomy (or an alliance's own), a strength or a development need with a short
//! note of evidence, self-declared and confirmable by one of their school's leaders; and
//! says whether they are visible as a potential coach, with their capacity. An alliance's
//! CPD leads see the audit in aggregate (`allianceExpertise`), never a count under five.
//! Who sees what: `auth/policy/expertise.rs`.

pub mod mutations;
mod node;
pub mod queries;
pub mod types;

pub use types::{AllianceExpertiseCell, ExpertiseEntry, ExpertiseProfile};

use async_graphql::ID;
use entity::expertise_entry;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::errors::{MutationResult, UserError};
use crate::graphql::ids::{NodeKind, decode_as};

/// Longest note of evidence.
pub const EVIDENCE_MAX: usize = 500;
/// Most coaching sessions a term a person may offer.
pub const SESSIONS_PER_TERM_MAX: i32 = 60;
/// Fewest people a count of the alliance-wide view shows: below it, `fewerThanFive`.
pub const SMALLEST_COUNT: i64 = 5;

/// The schools `person_id` works at now.
pub async fn current_schools(
    conn: &impl ConnectionTrait,
    person_id: i32,
) -> Result<Vec<i32>, sea_orm::DbErr> {
    let mut schools: Vec<i32> = entity::staff_role::Entity::find()
        .select_only()
        .column(entity::staff_role::Column::SchoolId)
        .filter(entity::staff_role::Column::PersonId.eq(person_id))
        .filter(entity::staff_role::Column::EndsOn.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    schools.sort_unstable();
    schools.dedup();
    Ok(schools)
}

/// The entry named by input `field` with its person's current schools, if the caller
/// sees it; otherwise `NOT_FOUND`.
pub async fn visible_entry(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
    field: &str,
) -> MutationResult<(expertise_entry::Model, Vec<i32>)> {
    let not_found = || UserError::not_found(field);
    let key = decode_as(id, NodeKind::ExpertiseEntry).ok_or_else(not_found)?;
    let entry = expertise_entry::Entity::find_by_id(key)
        .one(conn)
        .await?
        .ok_or_else(not_found)?;
    let schools = current_schools(conn, entry.person_id).await?;
    if !access.sees_expertise_of(entry.person_id, &schools) {
        return Err(not_found().into());
    }
    Ok((entry, schools))
}

/// What the audit log says of an entry.
pub fn entry_audit<'a>(
    access: &Access,
    action: &'a str,
    entry: &expertise_entry::Model,
) -> AuditEntry<'a> {
    AuditEntry::by_caller(access, action, NodeKind::ExpertiseEntry.id(entry.id)).details(
        serde_json::json!({
            "person": NodeKind::Person.id(entry.person_id).to_string(),
            "theme": NodeKind::Theme.id(entry.theme_id).to_string(),
            "kind": entry.kind,
        }),
    )
}

// The domain's queries and mutations, merged into the schema's `Query` and `Mutation`.
#[derive(async_graphql::MergedObject, Default)]
pub struct ExpertiseQueries(queries::ExpertiseQuery);

#[derive(async_graphql::MergedObject, Default)]
pub struct ExpertiseMutations(mutations::ExpertiseMutation);
