//! Changing what a staff role says of the work: its job title, subjects and phases
//! (roles start and end in `employment`).
//!
//! The school's leaders and the admins of alliances it is an active member of change them,
//! as they manage the school's staff. A person may also change these on their own current
//! role: they describe what the person does, and grant nothing (the kind of role, which
//! decides what a person may do, is not changed here).

use async_graphql::{Context, ID, InputObject};
use entity::enums::SchoolPhase;
use entity::staff_role;
use sea_orm::{EntityTrait, Set};
use trellis_macros::mutations;

use super::StaffRole;
use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::validation;

/// Changes to what a current staff role says of the work: only the fields given change.
#[derive(InputObject)]
pub struct UpdateStaffRoleInput {
    /// The staff role to change; it must be current.
    pub staff_role_id: ID,
    /// The `version` the change was made from (see `StaffRole.version`).
    pub expected_version: i32,
    /// An empty text clears it.
    pub job_title: Option<String>,
    /// Replaces the subjects (at most 30).
    pub subjects: Option<Vec<String>>,
    /// Replaces the phases.
    pub phases: Option<Vec<SchoolPhase>>,
}

payload!(UpdateStaffRolePayload {
    staff_role: StaffRole
});

#[derive(Default)]
pub struct StaffRoleMutation;

mutations! {
    impl StaffRoleMutation {
        /// Changes a current staff role's job title, subjects or phases. The school's leaders,
        /// the admins of alliances it is an active member of, and the person in the role may.
        fn update_staff_role { update(ctx, input).await }
    }
}

/// Phases without repeats, in the order given.
fn distinct(phases: Vec<SchoolPhase>) -> Vec<SchoolPhase> {
    let mut out: Vec<SchoolPhase> = Vec::new();
    for phase in phases {
        if !out.contains(&phase) {
            out.push(phase);
        }
    }
    out
}

async fn update(ctx: &Context<'_>, input: UpdateStaffRoleInput) -> MutationResult<StaffRole> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("staffRoleId");
    let id = decode_as(&input.staff_role_id, NodeKind::StaffRole).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let current = staff_role::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|role| access.finds_staff_role(role))
        .ok_or_else(not_found)?;
    allowed(
        access.changes_staff_role(&current),
        "only the school's leaders, its alliances' admins and the person in the role change it",
    )?;
    if current.ends_on.is_some() {
        return Err(UserError::invalid_state("staffRoleId", "this role has ended").into());
    }
    let mut change = Change::new(&current);
    if input.job_title.is_some() {
        change.job_title = Set(validation::optional(
            "jobTitle",
            input.job_title.as_deref(),
            200,
        )?);
    }
    if let Some(subjects) = &input.subjects {
        change.subjects = Set(serde_json::json!(validation::labels("subjects", subjects)?));
    }
    if let Some(phases) = input.phases {
        change.phases = Set(serde_json::json!(distinct(phases)));
    }
    let role = change.save(&txn, input.expected_version).await?;
    crate::sync::person_changed(&txn, role.person_id).await?;
    AuditEntry::by_caller(
        &access,
        "staff_role.updated",
        NodeKind::StaffRole.id(role.id),
    )
    .school(Some(role.school_id))
    .details(serde_json::json!({
        "person": NodeKind::Person.id(role.person_id).to_string(),
        "version": role.version,
    }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(StaffRole(role))
}
