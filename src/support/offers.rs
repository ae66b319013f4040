//! Posting, editing, pausing, resuming and withdrawing offers of support.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{SchoolPhase, SupportOfferStatus};
use entity::support_offer;
use sea_orm::Set;
use trellis_macros::mutations;

use super::listing::{Listed, ListingChange, NewListing, post, require_active_member};
use super::{
    Audited, NOTE_MAX, Subject, SupportOffer, audit, days, half_days, save_step, step,
    visible_offer,
};
use crate::alliances::seen_alliance;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{MutationError, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::people::{member_school, staff_member_now};
use crate::validation;

/// An offer of support in a strength, by a person or on behalf of a school, within one
/// alliance.
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
    /// Themes of the shared taxonomy or of the alliance.
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// Phases the support suits; empty means any phase.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    /// Capacity in days per term, from 0.5 to 100 in steps of half a day.
    pub days_per_term: f64,
}

/// Changes to an offer of support; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateSupportOfferInput {
    /// The offer to change: one not withdrawn.
    pub offer_id: ID,
    /// The `version` the change was made from (see `SupportOffer.version`).
    pub expected_version: i32,
    #[graphql(flatten)]
    pub listing: ListingChange,
    /// New capacity, from 0.5 to 100 in steps of half a day; never below the days
    /// already committed.
    pub days_per_term: Option<f64>,
}

step_inputs!(offer_id [
    /// The offer whose status changes.
] [
    /// Why, kept in the offer's history (at most 2,000 characters).
];
    /// Pausing an open offer: it is not suggested nor brokered until resumed.
    PauseSupportOfferInput,
    /// Opening a paused offer again.
    ResumeSupportOfferInput,
    /// Withdrawing an open or paused offer, for good.
    WithdrawSupportOfferInput,
);

payload!(
    CreateSupportOfferPayload,
    UpdateSupportOfferPayload,
    PauseSupportOfferPayload,
    ResumeSupportOfferPayload,
    WithdrawSupportOfferPayload {
        offer: SupportOffer
    }
);

#[derive(Default)]
pub struct SupportOfferMutation;

mutations! {
    impl SupportOfferMutation {
        /// Offers support in one's strengths within an alliance: staff for themselves (from
        /// their member school), school leaders for their school. It starts `OPEN`.
        fn create_support_offer { create(ctx, input).await }

        /// Changes an offer that is not withdrawn. The person named, whoever posted it and
        /// the offering school's leaders may.
        fn update_support_offer { update(ctx, input).await }

        /// `OPEN` → `PAUSED`: not suggested nor brokered until resumed.
        fn pause_support_offer {
            set_status(ctx, input.offer_id, SupportOfferStatus::Paused, input.note).await
        }

        /// `PAUSED` → `OPEN`.
        fn resume_support_offer {
            set_status(ctx, input.offer_id, SupportOfferStatus::Open, input.note).await
        }

        /// `OPEN` or `PAUSED` → `WITHDRAWN`, for good. Arrangements already brokered from it
        /// go on.
        fn withdraw_support_offer {
            set_status(
                            ctx,
                            input.offer_id,
                            SupportOfferStatus::Withdrawn,
                            input.note,
                        ).await
        }
    }
}

async fn create(ctx: &Context<'_>, input: CreateSupportOfferInput) -> MutationResult<SupportOffer> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    let listing = NewListing::check(
        alliance_id,
        &input.title,
        &input.description_markdown,
        &input.theme_ids,
        &input.phases,
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
            require_active_member(&txn, alliance_id, school_id).await?;
            let person_id = match &input.person_id {
                Some(person) => Some(staff_member_now(&txn, "personId", person, school_id).await?),
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
    let offer = support_offer::ActiveModel {
        alliance_id: Set(alliance_id),
        person_id: Set(person_id),
        school_id: Set(school_id),
        half_days_per_term: Set(capacity),
        half_days_committed: Set(0),
        status: Set(SupportOfferStatus::Open),
        ..Default::default()
    };
    let offer = post(&txn, &access, listing, offer, "support_offer.created").await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}

impl Audited for support_offer::Model {
    fn audited(&self) -> Subject {
        Subject {
            id: NodeKind::SupportOffer.id(self.id),
            alliance: self.alliance_id,
            school: self.school_id,
            details: serde_json::json!({
                "title": self.title,
                "status": self.status,
                "daysPerTerm": days(self.half_days_per_term),
                "daysCommitted": days(self.half_days_committed),
            }),
        }
    }
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
        return Err(UserError::wrong_state("offerId", "offer", current.status).into());
    }
    let mut change = Change::edit(&current, Utc::now());
    change.list(input.listing.check(&txn, current.alliance_id).await?);
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
    let offer = change.save(&txn, input.expected_version).await?;
    audit(&txn, &access, "support_offer.updated", &offer).await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}

async fn set_status(
    ctx: &Context<'_>,
    id: ID,
    status: SupportOfferStatus,
    note: Option<String>,
) -> MutationResult<SupportOffer> {
    let access = access(ctx).await?;
    let note = validation::optional("note", note.as_deref(), NOTE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_offer(&txn, &access, &id, "offerId").await?;
    allowed(
        access.manages_support_offer(&current),
        "only those who made the offer change its status",
    )?;
    let from: &[SupportOfferStatus] = match status {
        SupportOfferStatus::Paused => &[SupportOfferStatus::Open],
        SupportOfferStatus::Open => &[SupportOfferStatus::Paused],
        SupportOfferStatus::Withdrawn => &[SupportOfferStatus::Open, SupportOfferStatus::Paused],
    };
    let change = step(&current, status, from, ("offerId", "offer"))?;
    let action = match status {
        SupportOfferStatus::Paused => "support_offer.paused",
        SupportOfferStatus::Open => "support_offer.resumed",
        SupportOfferStatus::Withdrawn => "support_offer.withdrawn",
    };
    let offer = save_step(&txn, &access, change, note, action).await?;
    txn.commit().await?;
    Ok(SupportOffer(offer))
}
