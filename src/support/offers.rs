//! Posting, editing, pausing, resuming and withdrawing offers of support.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::{MembershipStatus, SchoolPhase, SupportOfferStatus};
use entity::{alliance_membership, staff_role, support_offer};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{
    DESCRIPTION_MAX, NOTE_MAX, SupportOffer, TITLE_MAX, days, half_days, offer_history,
    phases_json, record, visible_offer, wrong_state,
};
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationError, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::update_if_version;
use crate::payload;
use crate::people::member_school;
use crate::themes::theme_keys;
use crate::validation;

#[derive(InputObject)]
pub struct CreateSupportOfferInput {
    /// The alliance to offer support in.
    pub alliance_id: ID,
    /// Offer on behalf of this school (the caller must lead it; it must be an active
    /// member of the alliance). Without it, the caller offers their own support.
    pub school_id: Option<ID>,
    /// With `schoolId`: the member of its staff who would give the support, if one is
    /// named.
    pub person_id: Option<ID>,
    /// A short name of the strength, such as "Maths mastery in KS2" (at most 200
    /// characters).
    pub title: String,
    /// What is offered (Markdown, at most 10,000 characters).
    pub description_markdown: String,
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// Phases the support suits; empty means any phase.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    /// Capacity in days per term, from 0.5 to 100 in steps of half a day.
    pub days_per_term: f64,
}

#[derive(InputObject)]
pub struct UpdateSupportOfferInput {
    pub offer_id: ID,
    /// The `version` the change was made from (see `SupportOffer.version`).
    pub expected_version: i32,
    pub title: Option<String>,
    pub description_markdown: Option<String>,
    pub theme_ids: Option<Vec<ID>>,
    pub phases: Option<Vec<SchoolPhase>>,
    /// New capacity, from 0.5 to 100 in steps of half a day; never below the days
    /// already committed.
    pub days_per_term: Option<f64>,
}

/// Names an offer whose status changes, and why.
#[derive(InputObject)]
pub struct PauseSupportOfferInput {
    pub offer_id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ResumeSupportOfferInput {
    pub offer_id: ID,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct WithdrawSupportOfferInput {
    pub offer_id: ID,
    pub note: Option<String>,
}

payload!(CreateSupportOfferPayload {
    offer: SupportOffer
});
payload!(UpdateSupportOfferPayload {
    offer: SupportOffer
});
payload!(PauseSupportOfferPayload {
    offer: SupportOffer
});
payload!(ResumeSupportOfferPayload {
    offer: SupportOffer
});
payload!(WithdrawSupportOfferPayload {
    offer: SupportOffer
});

#[derive(Default)]
pub struct SupportOfferMutation;

#[Object]
impl SupportOfferMutation {
    /// Offers support in one's strengths within an alliance: staff for themselves (from
    /// their member school), school leaders for their school. It starts `OPEN`.
    async fn create_support_offer(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportOfferInput,
    ) -> Result<CreateSupportOfferPayload> {
        CreateSupportOfferPayload::run(input, |input| create(ctx, input)).await
    }

    /// Changes an offer that is not withdrawn. The person named, whoever posted it and
    /// the offering school's leaders may.
    async fn update_support_offer(
        &self,
        ctx: &Context<'_>,
        input: UpdateSupportOfferInput,
    ) -> Result<UpdateSupportOfferPayload> {
        UpdateSupportOfferPayload::run(input, |input| update(ctx, input)).await
    }

    /// `OPEN` → `PAUSED`: not suggested nor brokered until resumed.
    async fn pause_support_offer(
        &self,
        ctx: &Context<'_>,
        input: PauseSupportOfferInput,
    ) -> Result<PauseSupportOfferPayload> {
        PauseSupportOfferPayload::run(input, |input| async move {
            set_status(
                ctx,
                &input.offer_id,
                SupportOfferStatus::Paused,
                input.note.as_deref(),
            )
            .await
        })
        .await
    }

    /// `PAUSED` → `OPEN`.
    async fn resume_support_offer(
        &self,
        ctx: &Context<'_>,
        input: ResumeSupportOfferInput,
    ) -> Result<ResumeSupportOfferPayload> {
        ResumeSupportOfferPayload::run(input, |input| async move {
            set_status(
                ctx,
                &input.offer_id,
                SupportOfferStatus::Open,
                input.note.as_deref(),
            )
            .await
        })
        .await
    }

    /// `OPEN` or `PAUSED` → `WITHDRAWN`, for good. Arrangements already brokered from it
    /// go on.
    async fn withdraw_support_offer(
        &self,
        ctx: &Context<'_>,
        input: WithdrawSupportOfferInput,
    ) -> Result<WithdrawSupportOfferPayload> {
        WithdrawSupportOfferPayload::run(input, |input| async move {
            set_status(
                ctx,
                &input.offer_id,
                SupportOfferStatus::Withdrawn,
                input.note.as_deref(),
            )
            .await
        })
        .await
    }
}

async fn create(ctx: &Context<'_>, input: CreateSupportOfferInput) -> MutationResult<SupportOffer> {
    let access = access(ctx).await?;
    let alliance_id = decode_as(&input.alliance_id, NodeKind::Alliance)
        .filter(|id| access.sees_alliance(*id))
        .ok_or_else(|| UserError::not_found("allianceId"))?;
    let title = validation::required("title", &input.title, TITLE_MAX)?;
    let description = validation::required(
        "descriptionMarkdown",
        &input.description_markdown,
        DESCRIPTION_MAX,
    )?;
    let capacity = half_days("daysPerTerm", input.days_per_term)?;
    let txn = begin_write(db(ctx)).await?;
    let (person_id, school_id) = match &input.school_id {
        Some(school) => {
            let school_id = decode_as(school, NodeKind::School)
                .ok_or_else(|| UserError::not_found("schoolId"))?;
            allowed(
                access.leads_school(school_id),
                "only the school's leaders offer support on its behalf",
            )?;
            let member = alliance_membership::Entity::find()
                .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
                .filter(alliance_membership::Column::SchoolId.eq(school_id))
                .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                .one(&txn)
                .await?;
            if member.is_none() {
                return Err(UserError::invalid_state(
                    "schoolId",
                    "the school is not an active member of the alliance",
                )
                .into());
            }
            let person_id = match &input.person_id {
                Some(person) => {
                    let person_id = decode_as(person, NodeKind::Person)
                        .ok_or_else(|| UserError::not_found("personId"))?;
                    let works_there = staff_role::Entity::find()
                        .filter(staff_role::Column::PersonId.eq(person_id))
                        .filter(staff_role::Column::SchoolId.eq(school_id))
                        .filter(staff_role::Column::EndsOn.is_null())
                        .one(&txn)
                        .await?
                        .is_some();
                    if !works_there {
                        return Err(UserError::not_found("personId").into());
                    }
                    Some(person_id)
                }
                None => None,
            };
            (person_id, Some(school_id))
        }
        None => {
            if input
                .person_id
                .as_ref()
                .is_some_and(|id| decode_as(id, NodeKind::Person) != Some(access.person_id))
            {
                return Err(UserError::invalid(
                    "personId",
                    "to offer someone else's support, offer it on behalf of their school",
                )
                .into());
            }
            let school = member_school(&txn, access.person_id, alliance_id).await?;
            let Ok(school) = school else {
                return Err(MutationError::Api(crate::errors::ApiError::Forbidden(
                    "only people taking part in the alliance offer support in it",
                )));
            };
            (Some(access.person_id), school)
        }
    };
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let now = Utc::now();
    let offer = support_offer::ActiveModel {
        alliance_id: Set(alliance_id),
        person_id: Set(person_id),
        school_id: Set(school_id),
        title: Set(title),
        description_markdown: Set(description),
        theme_keys: Set(themes),
        phases: Set(phases_json(&input.phases)),
        half_days_per_term: Set(capacity),
        half_days_committed: Set(0),
        status: Set(SupportOfferStatus::Open),
        created_by_id: Set(access.person_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    offer_history(&txn, &offer, None, access.person_id, None).await?;
    audit(&txn, &access, "support_offer.created", &offer).await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}

pub(super) async fn audit(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    action: &str,
    offer: &support_offer::Model,
) -> Result<(), sea_orm::DbErr> {
    record(
        conn,
        access,
        action,
        NodeKind::SupportOffer.id(offer.id),
        offer.alliance_id,
        offer.school_id,
        serde_json::json!({
            "title": offer.title,
            "status": offer.status,
            "daysPerTerm": days(offer.half_days_per_term),
            "daysCommitted": days(offer.half_days_committed),
        }),
    )
    .await
}

async fn update(ctx: &Context<'_>, input: UpdateSupportOfferInput) -> MutationResult<SupportOffer> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_offer(&txn, &access, &input.offer_id, "offerId").await?;
    allowed(
        access.manages_support_offer(&current),
        "only those who made the offer change it",
    )?;
    if current.status == SupportOfferStatus::Withdrawn {
        return Err(wrong_state("offerId", "offer", current.status).into());
    }
    let mut change: support_offer::ActiveModel = current.clone().into();
    if let Some(title) = &input.title {
        change.title = Set(validation::required("title", title, TITLE_MAX)?);
    }
    if let Some(description) = &input.description_markdown {
        change.description_markdown = Set(validation::required(
            "descriptionMarkdown",
            description,
            DESCRIPTION_MAX,
        )?);
    }
    if let Some(ids) = &input.theme_ids {
        change.theme_keys = Set(theme_keys(&txn, "themeIds", ids, current.alliance_id).await?);
    }
    if let Some(phases) = &input.phases {
        change.phases = Set(phases_json(phases));
    }
    if let Some(days_per_term) = input.days_per_term {
        let capacity = half_days("daysPerTerm", days_per_term)?;
        if capacity < current.half_days_committed {
            return Err(UserError::invalid(
                "daysPerTerm",
                format!(
                    "{} days are already committed; capacity cannot be less",
                    days(current.half_days_committed)
                ),
            )
            .into());
        }
        change.half_days_per_term = Set(capacity);
    }
    change.version = Set(current.version + 1);
    change.updated_at = Set(Utc::now());
    update_if_version(
        &txn,
        change,
        (support_offer::Column::Id, current.id),
        (support_offer::Column::Version, input.expected_version),
        MutationError::from,
    )
    .await?;
    let offer = support_offer::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("offerId"))?;
    audit(&txn, &access, "support_offer.updated", &offer).await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}

async fn set_status(
    ctx: &Context<'_>,
    id: &ID,
    status: SupportOfferStatus,
    note: Option<&str>,
) -> MutationResult<SupportOffer> {
    let access = access(ctx).await?;
    let note = validation::optional("note", note, NOTE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_offer(&txn, &access, id, "offerId").await?;
    allowed(
        access.manages_support_offer(&current),
        "only those who made the offer change its status",
    )?;
    let from: &[SupportOfferStatus] = match status {
        SupportOfferStatus::Paused => &[SupportOfferStatus::Open],
        SupportOfferStatus::Open => &[SupportOfferStatus::Paused],
        SupportOfferStatus::Withdrawn => &[SupportOfferStatus::Open, SupportOfferStatus::Paused],
    };
    if !from.contains(&current.status) {
        return Err(wrong_state("offerId", "offer", current.status).into());
    }
    let now = Utc::now();
    let mut change: support_offer::ActiveModel = current.clone().into();
    change.status = Set(status);
    change.version = Set(current.version + 1);
    change.updated_at = Set(now);
    update_if_version(
        &txn,
        change,
        (support_offer::Column::Id, current.id),
        (support_offer::Column::Version, current.version),
        MutationError::from,
    )
    .await?;
    let offer = support_offer::Model {
        status,
        version: current.version + 1,
        updated_at: now,
        ..current.clone()
    };
    offer_history(&txn, &offer, Some(current.status), access.person_id, note).await?;
    let action = match status {
        SupportOfferStatus::Paused => "support_offer.paused",
        SupportOfferStatus::Open => "support_offer.resumed",
        SupportOfferStatus::Withdrawn => "support_offer.withdrawn",
    };
    audit(&txn, &access, action, &offer).await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}
