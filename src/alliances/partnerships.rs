//! Partnerships: named collaborations between two or more active member schools of one
//! alliance. Schools join and leave; the rows stay as history. The name, purpose and lead
//! school change with `updatePartnership`.

use std::collections::BTreeSet;
use trellis_macros::mutations;

use async_graphql::{Context, ID, InputObject, Result};
use chrono::{NaiveDate, Utc};
use entity::enums::{MembershipStatus, PartnershipStatus};
use entity::{alliance_membership, partnership, partnership_school};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

use super::administered_alliance;
use super::{Partnership, PartnershipSchool};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::validation;

/// A new partnership of an alliance's member schools.
#[derive(InputObject)]
pub struct CreatePartnershipInput {
    /// The alliance whose member schools form the partnership.
    pub alliance_id: ID,
    /// The partnership's name (at most 200 characters).
    pub name: String,
    /// What the schools will work together on (at most 5,000 characters).
    pub purpose: Option<String>,
    /// The lead school; one of `schoolIds`.
    pub lead_school_id: ID,
    /// Two or more schools, each an active member of the alliance.
    pub school_ids: Vec<ID>,
    /// Defaults to today.
    pub starts_on: Option<NaiveDate>,
}

/// Changes to a partnership while it has not ended: only the fields given change.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    /// The partnership to change.
    pub partnership_id: ID,
    /// The `version` the change was made from (see `Partnership.version`).
    pub expected_version: i32,
    /// A new name (at most 200 characters; not blank).
    pub name: Option<String>,
    /// An empty text clears it.
    pub purpose: Option<String>,
    /// One of the partnership's current schools.
    pub lead_school_id: Option<ID>,
}

/// A school to add to a partnership.
#[derive(InputObject)]
pub struct AddSchoolToPartnershipInput {
    /// The partnership the school joins.
    pub partnership_id: ID,
    /// The school: an active member of the partnership's alliance.
    pub school_id: ID,
}

/// A school that leaves a partnership.
#[derive(InputObject)]
pub struct RemoveSchoolFromPartnershipInput {
    /// The partnership the school leaves.
    pub partnership_id: ID,
    /// The school leaving it.
    pub school_id: ID,
}

/// A partnership to end.
#[derive(InputObject)]
pub struct EndPartnershipInput {
    /// The partnership to end.
    pub partnership_id: ID,
    /// Defaults to today.
    pub ends_on: Option<NaiveDate>,
}

payload!(CreatePartnershipPayload {
    partnership: Partnership
});
payload!(UpdatePartnershipPayload {
    partnership: Partnership
});
payload!(AddSchoolToPartnershipPayload {
    partnership_school: PartnershipSchool
});
payload!(RemoveSchoolFromPartnershipPayload {
    partnership_school: PartnershipSchool
});
payload!(EndPartnershipPayload {
    partnership: Partnership
});

#[derive(Default)]
pub struct PartnershipMutation;

mutations! {
    impl PartnershipMutation {
        /// Forms a partnership of member schools. The alliance's admins and CPD leads may.
        fn create_partnership { create(ctx, input).await }

        /// Renames a partnership, restates its purpose or changes its lead school (one of its
        /// current schools), while it has not ended. The alliance's admins and CPD leads may.
        fn update_partnership { update(ctx, input).await }

        /// Adds an active member school to a partnership. The alliance's admins and CPD leads
        /// may.
        fn add_school_to_partnership { add_school(ctx, input).await }

        /// Records that a school left a partnership. The alliance's admins and CPD leads may.
        fn remove_school_from_partnership { remove_school(ctx, input).await }

        /// Ends a partnership; its history stays. The alliance's admins and CPD leads may.
        fn end_partnership { end(ctx, input).await }
    }
}

/// Whether any of `schools` is not an active member of the alliance.
async fn includes_non_member(
    txn: &DatabaseTransaction,
    alliance_id: i32,
    schools: &BTreeSet<i32>,
) -> Result<bool, sea_orm::DbErr> {
    let active: BTreeSet<i32> = alliance_membership::Entity::find()
        .select_only()
        .column(alliance_membership::Column::SchoolId)
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .filter(alliance_membership::Column::SchoolId.is_in(schools.iter().copied()))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    Ok(active.len() != schools.len())
}

async fn create(ctx: &Context<'_>, input: CreatePartnershipInput) -> MutationResult<Partnership> {
    let access = access(ctx).await?;
    let alliance_id = administered_alliance(
        &access,
        &input.alliance_id,
        "only the alliance's admins and CPD leads form partnerships",
    )?;
    let name = validation::required("name", &input.name, 200)?;
    let purpose = validation::optional("purpose", input.purpose.as_deref(), 5000)?;
    let mut schools = BTreeSet::new();
    for id in &input.school_ids {
        schools.insert(
            decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found("schoolIds"))?,
        );
    }
    let lead = decode_as(&input.lead_school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("leadSchoolId"))?;
    if schools.len() < 2 {
        return Err(
            UserError::invalid("schoolIds", "a partnership needs two or more schools").into(),
        );
    }
    if !schools.contains(&lead) {
        return Err(UserError::invalid(
            "leadSchoolId",
            "the lead school must be one of the schools",
        )
        .into());
    }
    let txn = begin_write(db(ctx)).await?;
    if includes_non_member(&txn, alliance_id, &schools).await? {
        return Err(UserError::invalid_state(
            "schoolIds",
            "every school must be an active member of the alliance",
        )
        .into());
    }
    let now = Utc::now();
    let starts_on = input.starts_on.unwrap_or(now.date_naive());
    let partnership = partnership::ActiveModel {
        alliance_id: Set(alliance_id),
        name: Set(name),
        purpose: Set(purpose),
        lead_school_id: Set(lead),
        status: Set(PartnershipStatus::Active),
        starts_on: Set(starts_on),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    let rows = schools
        .iter()
        .map(|school| partnership_school::ActiveModel {
            partnership_id: Set(partnership.id),
            school_id: Set(*school),
            joined_on: Set(starts_on),
            ..Default::default()
        });
    partnership_school::Entity::insert_many(rows)
        .exec(&txn)
        .await?;
    AuditEntry::by(
        access.person_id,
        "partnership.created",
        NodeKind::Partnership.id(partnership.id),
    )
    .alliance(Some(alliance_id))
    .school(Some(lead))
    .details(serde_json::json!({ "name": partnership.name, "schools": schools }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Partnership(partnership))
}

/// Finds a partnership the caller administers, in a write transaction.
async fn administered_partnership(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<partnership::Model> {
    let not_found = || UserError::not_found("partnershipId");
    let id = decode_as(id, NodeKind::Partnership).ok_or_else(not_found)?;
    let partnership = partnership::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|p| access.sees_alliance(p.alliance_id))
        .ok_or_else(not_found)?;
    allowed(
        access.administers_alliance(partnership.alliance_id),
        "only the alliance's admins and CPD leads change partnerships",
    )?;
    if partnership.status == PartnershipStatus::Ended {
        return Err(UserError::invalid_state("partnershipId", "the partnership has ended").into());
    }
    Ok(partnership)
}

/// The school's place in the partnership, while it takes part (it has not left).
pub async fn current_place(
    conn: &impl ConnectionTrait,
    partnership_id: i32,
    school_id: i32,
) -> Result<Option<partnership_school::Model>, sea_orm::DbErr> {
    partnership_school::Entity::find()
        .filter(partnership_school::Column::PartnershipId.eq(partnership_id))
        .filter(partnership_school::Column::SchoolId.eq(school_id))
        .filter(partnership_school::Column::LeftOn.is_null())
        .one(conn)
        .await
}

async fn update(ctx: &Context<'_>, input: UpdatePartnershipInput) -> MutationResult<Partnership> {
    let access = access(ctx).await?;
    let lead = match &input.lead_school_id {
        Some(id) => Some(
            decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found("leadSchoolId"))?,
        ),
        None => None,
    };
    let txn = begin_write(db(ctx)).await?;
    let current = administered_partnership(&txn, &access, &input.partnership_id).await?;
    let mut change = Change::edit(&current, Utc::now());
    validation::patch_required(&mut change.name, "name", input.name.as_deref(), 200)?;
    validation::patch_optional(
        &mut change.purpose,
        "purpose",
        input.purpose.as_deref(),
        5000,
    )?;
    if let Some(lead) = lead {
        if current_place(&txn, current.id, lead).await?.is_none() {
            return Err(UserError::invalid(
                "leadSchoolId",
                "the lead school must be one of the partnership's current schools",
            )
            .into());
        }
        change.lead_school_id = Set(lead);
    }
    let partnership = change.save(&txn, input.expected_version).await?;
    AuditEntry::by(
        access.person_id,
        "partnership.updated",
        NodeKind::Partnership.id(partnership.id),
    )
    .alliance(Some(partnership.alliance_id))
    .school(Some(partnership.lead_school_id))
    .details(serde_json::json!({
        "version": partnership.version,
        "name": partnership.name,
        "leadSchool": NodeKind::School.id(partnership.lead_school_id).to_string(),
    }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Partnership(partnership))
}

/// A change to which schools take part in a partnership, in its transaction: the
/// partnership, which the caller must administer, and the school. Adding a school and
/// removing one begin and end alike.
struct PlaceChange {
    actor: i32,
    txn: DatabaseTransaction,
    partnership: partnership::Model,
    school_id: i32,
}

impl PlaceChange {
    async fn begin(ctx: &Context<'_>, partnership_id: &ID, school_id: &ID) -> MutationResult<Self> {
        let access = access(ctx).await?;
        let school_id = decode_as(school_id, NodeKind::School)
            .ok_or_else(|| UserError::not_found("schoolId"))?;
        let txn = begin_write(db(ctx)).await?;
        let partnership = administered_partnership(&txn, &access, partnership_id).await?;
        Ok(Self {
            actor: access.person_id,
            txn,
            partnership,
            school_id,
        })
    }

    /// Records the change in the audit log as `action`, commits it, and answers with the
    /// school's `place` as written.
    async fn commit(
        self,
        action: &str,
        place: partnership_school::Model,
    ) -> MutationResult<PartnershipSchool> {
        AuditEntry::by(
            self.actor,
            action,
            NodeKind::Partnership.id(self.partnership.id),
        )
        .alliance(Some(self.partnership.alliance_id))
        .school(Some(self.school_id))
        .details(serde_json::json!({}))
        .record(&self.txn)
        .await?;
        self.txn.commit().await?;
        Ok(PartnershipSchool(place))
    }
}

async fn add_school(
    ctx: &Context<'_>,
    input: AddSchoolToPartnershipInput,
) -> MutationResult<PartnershipSchool> {
    let change = PlaceChange::begin(ctx, &input.partnership_id, &input.school_id).await?;
    let (txn, partnership, school_id) = (&change.txn, &change.partnership, change.school_id);
    if includes_non_member(txn, partnership.alliance_id, &BTreeSet::from([school_id])).await? {
        return Err(UserError::invalid_state(
            "schoolId",
            "the school must be an active member of the alliance",
        )
        .into());
    }
    if current_place(txn, partnership.id, school_id)
        .await?
        .is_some()
    {
        return Err(UserError::new(
            "schoolId",
            UserErrorCode::Taken,
            "the school is already in this partnership",
        )
        .into());
    }
    let place = partnership_school::ActiveModel {
        partnership_id: Set(partnership.id),
        school_id: Set(school_id),
        joined_on: Set(Utc::now().date_naive()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    change.commit("partnership.school_added", place).await
}

async fn remove_school(
    ctx: &Context<'_>,
    input: RemoveSchoolFromPartnershipInput,
) -> MutationResult<PartnershipSchool> {
    let change = PlaceChange::begin(ctx, &input.partnership_id, &input.school_id).await?;
    let place = current_place(&change.txn, change.partnership.id, change.school_id)
        .await?
        .ok_or_else(|| {
            UserError::invalid_state("schoolId", "the school is not in this partnership")
        })?;
    if place.school_id == change.partnership.lead_school_id {
        return Err(UserError::invalid_state(
            "schoolId",
            "the lead school cannot leave; end the partnership instead",
        )
        .into());
    }
    let mut left: partnership_school::ActiveModel = place.into();
    left.left_on = Set(Some(Utc::now().date_naive()));
    let place = left.update(&change.txn).await?;
    change.commit("partnership.school_removed", place).await
}

async fn end(ctx: &Context<'_>, input: EndPartnershipInput) -> MutationResult<Partnership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let partnership = administered_partnership(&txn, &access, &input.partnership_id).await?;
    let ends_on = validation::end_date("endsOn", input.ends_on, partnership.starts_on)?;
    let mut change = Change::edit(&partnership, Utc::now());
    change.status = Set(PartnershipStatus::Ended);
    change.ends_on = Set(Some(ends_on));
    let partnership = change.save_as_read(&txn).await?;
    AuditEntry::by(
        access.person_id,
        "partnership.ended",
        NodeKind::Partnership.id(partnership.id),
    )
    .alliance(Some(partnership.alliance_id))
    .details(serde_json::json!({ "endsOn": ends_on }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(Partnership(partnership))
}
