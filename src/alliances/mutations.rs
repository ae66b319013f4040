use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{AllianceKind, AllianceRoleKind};
use entity::{alliance, alliance_role};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use trellis_macros::mutations;

use super::Alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::{allowed, visible};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, caller, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::validation;

/// A new alliance's details.
#[derive(InputObject)]
pub struct CreateAllianceInput {
    /// The alliance's name (at most 200 characters).
    pub name: String,
    /// What sort of network it is.
    pub kind: AllianceKind,
    /// Where the alliance is going (at most 5,000 characters).
    pub vision: Option<String>,
    /// What the alliance is and does (at most 5,000 characters).
    pub description: Option<String>,
}

/// Changes to an alliance's details: only the fields given change.
#[derive(InputObject)]
pub struct UpdateAllianceInput {
    /// The alliance to change.
    pub alliance_id: ID,
    /// The `version` the change was made from (see `Alliance.version`).
    pub expected_version: i32,
    /// A new name (at most 200 characters; not blank).
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<AllianceKind>,
    /// A new vision (at most 5,000 characters); an empty text clears it.
    pub vision: Option<String>,
    /// A new description (at most 5,000 characters); an empty text clears it.
    pub description: Option<String>,
}

payload!(CreateAlliancePayload { alliance: Alliance });
payload!(UpdateAlliancePayload { alliance: Alliance });

#[derive(Default)]
pub struct AllianceMutation;

mutations! {
    impl AllianceMutation {
        /// Starts an alliance. School leaders, alliance admins and CPD leads may; the creator
        /// becomes its CPD lead (platform admins excepted).
        fn create_alliance { create_alliance(ctx, input).await }

        /// Changes an alliance's name, kind, vision or description. Its admins and CPD leads
        /// may.
        fn update_alliance { update_alliance(ctx, input).await }
    }
}

async fn create_alliance(
    ctx: &Context<'_>,
    input: CreateAllianceInput,
) -> MutationResult<Alliance> {
    let access = access(ctx).await?;
    allowed(
        access.may_create_alliance(),
        "only school leaders and alliance admins start alliances",
    )?;
    let now = Utc::now();
    let model = alliance::ActiveModel {
        name: Set(validation::required("name", &input.name, 200)?),
        kind: Set(input.kind),
        vision: Set(validation::optional(
            "vision",
            input.vision.as_deref(),
            5000,
        )?),
        description: Set(validation::optional(
            "description",
            input.description.as_deref(),
            5000,
        )?),
        ..Default::default()
    };
    let txn = begin_write(db(ctx)).await?;
    let alliance = model.insert_first(&txn, now).await?;
    if !access.platform_admin {
        alliance_role::ActiveModel {
            person_id: Set(access.person_id),
            alliance_id: Set(alliance.id),
            role: Set(AllianceRoleKind::CpdLead),
            expertise: Set(serde_json::json!([])),
            starts_on: Set(now.date_naive()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    AuditEntry::by(
        access.person_id,
        "alliance.created",
        NodeKind::Alliance.id(alliance.id),
    )
    .alliance(Some(alliance.id))
    .details(serde_json::json!({ "name": alliance.name }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    caller(ctx).forget_access();
    Ok(Alliance(alliance))
}

async fn update_alliance(
    ctx: &Context<'_>,
    input: UpdateAllianceInput,
) -> MutationResult<Alliance> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("allianceId");
    let id = decode_as(&input.alliance_id, NodeKind::Alliance).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible(alliance::Entity::find_by_id(id).one(&txn).await?, |_| {
        access.sees_alliance(id)
    })
    .map_err(|_| not_found())?;
    allowed(
        access.administers_alliance(id),
        "only the alliance's admins and CPD leads change it",
    )?;
    let mut change = Change::edit(&current, Utc::now());
    validation::patch_required(&mut change.name, "name", input.name.as_deref(), 200)?;
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    validation::patch_optional(&mut change.vision, "vision", input.vision.as_deref(), 5000)?;
    validation::patch_optional(
        &mut change.description,
        "description",
        input.description.as_deref(),
        5000,
    )?;
    let alliance = change.save(&txn, input.expected_version).await?;
    AuditEntry::by(
        access.person_id,
        "alliance.updated",
        NodeKind::Alliance.id(id),
    )
    .alliance(Some(id))
    .details(serde_json::json!({ "version": alliance.version }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Alliance(alliance))
}
