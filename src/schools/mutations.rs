use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{SchoolPhase, SchoolStatus};
use entity::school;
use sea_orm::{EntityTrait, Set};
use trellis_macros::mutations;

use super::School;
use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, on_unique};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::validation;

/// A school to register on the platform; it starts `OPEN`.
#[derive(InputObject)]
pub struct CreateSchoolInput {
    /// URN from Get Information About Schools; unique.
    pub urn: Option<String>,
    /// The school's name (at most 200 characters).
    pub name: String,
    /// The school's phase of education.
    pub phase: SchoolPhase,
    /// Type of establishment, in GIAS's words (at most 100 characters; for example
    /// "Academy converter").
    pub establishment_type: Option<String>,
    /// The local authority the school is in (at most 100 characters).
    pub local_authority: Option<String>,
    /// A UK postcode; stored upper case with one space before the inward code.
    pub postcode: Option<String>,
}

/// Corrections to a school's record: only the fields given change.
#[derive(InputObject)]
pub struct UpdateSchoolInput {
    /// The school to change.
    pub school_id: ID,
    /// The `version` the change was made from; a newer one means someone else changed the
    /// school first, and nothing is changed.
    pub expected_version: i32,
    /// A new URN (six or seven digits, unique); an empty text clears it.
    pub urn: Option<String>,
    /// A new name (at most 200 characters; not blank).
    pub name: Option<String>,
    /// A new phase of education.
    pub phase: Option<SchoolPhase>,
    /// A new type of establishment (at most 100 characters); an empty text clears it.
    pub establishment_type: Option<String>,
    /// A new local authority (at most 100 characters); an empty text clears it.
    pub local_authority: Option<String>,
    /// A new UK postcode; an empty text clears it.
    pub postcode: Option<String>,
    /// Opens or closes the school.
    pub status: Option<SchoolStatus>,
}

payload!(CreateSchoolPayload { school: School });
payload!(UpdateSchoolPayload { school: School });

const URN_TAKEN: &str = "another school has this URN";

#[derive(Default)]
pub struct SchoolMutation;

mutations! {
    impl SchoolMutation {
        /// Registers a school. Alliance admins, CPD leads and platform admins may.
        fn create_school { create_school(ctx, input).await }

        /// Corrects a school's record. The school's leaders and the admins of alliances it is
        /// an active member of may.
        fn update_school { update_school(ctx, input).await }
    }
}

async fn create_school(ctx: &Context<'_>, input: CreateSchoolInput) -> MutationResult<School> {
    let access = access(ctx).await?;
    allowed(
        access.administers_any_alliance(),
        "only alliance admins and CPD leads register schools",
    )?;
    let now = Utc::now();
    let model = school::ActiveModel {
        urn: Set(validation::urn("urn", input.urn.as_deref())?),
        name: Set(validation::required("name", &input.name, 200)?),
        phase: Set(input.phase),
        establishment_type: Set(validation::optional(
            "establishmentType",
            input.establishment_type.as_deref(),
            100,
        )?),
        local_authority: Set(validation::optional(
            "localAuthority",
            input.local_authority.as_deref(),
            100,
        )?),
        postcode: Set(validation::postcode("postcode", input.postcode.as_deref())?),
        status: Set(SchoolStatus::Open),
        ..Default::default()
    };
    let txn = begin_write(db(ctx)).await?;
    let school = model
        .insert_first(&txn, now)
        .await
        .map_err(on_unique("urn", URN_TAKEN))?;
    AuditEntry::by(
        access.person_id,
        "school.created",
        NodeKind::School.id(school.id),
    )
    .school(Some(school.id))
    .details(serde_json::json!({ "name": school.name, "urn": school.urn }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(School(school))
}

async fn update_school(ctx: &Context<'_>, input: UpdateSchoolInput) -> MutationResult<School> {
    let access = access(ctx).await?;
    let id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    let txn = begin_write(db(ctx)).await?;
    let current = school::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    allowed(
        access.manages_school(id),
        "only the school's leaders and its alliances' admins change its record",
    )?;
    let mut change = Change::edit(&current, Utc::now());
    if input.urn.is_some() {
        change.urn = Set(validation::urn("urn", input.urn.as_deref())?);
    }
    validation::patch_required(&mut change.name, "name", input.name.as_deref(), 200)?;
    if let Some(phase) = input.phase {
        change.phase = Set(phase);
    }
    validation::patch_optional(
        &mut change.establishment_type,
        "establishmentType",
        input.establishment_type.as_deref(),
        100,
    )?;
    validation::patch_optional(
        &mut change.local_authority,
        "localAuthority",
        input.local_authority.as_deref(),
        100,
    )?;
    if input.postcode.is_some() {
        change.postcode = Set(validation::postcode("postcode", input.postcode.as_deref())?);
    }
    if let Some(status) = input.status {
        change.status = Set(status);
    }
    let school = change
        .save_or(&txn, input.expected_version, on_unique("urn", URN_TAKEN))
        .await?;
    AuditEntry::by(access.person_id, "school.updated", NodeKind::School.id(id))
        .school(Some(id))
        .details(serde_json::json!({ "version": school.version }))
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(School(school))
}
