//! Enquiry cycles: a community's or one person's practitioner enquiry, from question to
//! sharing, with evidence added over time and every move between stages recorded.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::{NaiveDate, Utc};
use entity::enums::EnquiryStage;
use entity::{enquiry, enquiry_evidence, enquiry_stage_change};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::{Enquiry, EnquiryEvidence, open_for_content, require_member, visible_community};
use crate::alliances::seen_alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::people::member_school;
use crate::themes::theme_keys;
use crate::validation;

const TEXT_MAX: usize = 20_000;

/// The input of `startEnquiry`: give `communityId` for a community's enquiry, or
/// `allianceId` for a personal one.
#[derive(InputObject)]
pub struct StartEnquiryInput {
    /// The community running the enquiry; leave out for a personal enquiry.
    pub community_id: Option<ID>,
    /// For a personal enquiry: the alliance it belongs to.
    pub alliance_id: Option<ID>,
    /// The question the enquiry asks (at most 2,000 characters).
    pub question: String,
    /// Why the question matters (at most 20,000 characters).
    pub rationale: Option<String>,
    /// Where we are now.
    pub baseline: Option<String>,
    /// What will be done to find out (at most 20,000 characters).
    pub planned_actions: Option<String>,
    /// Themes to tag it with: shared ones or the alliance's own.
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
}

/// The input of `updateEnquiry`: what is left out stays as it is; an empty string
/// removes an optional text.
#[derive(InputObject)]
pub struct UpdateEnquiryInput {
    /// The enquiry to change.
    pub enquiry_id: ID,
    /// The `version` the change was made from (see `Enquiry.version`).
    pub expected_version: i32,
    /// The new question (at most 2,000 characters).
    pub question: Option<String>,
    /// Why the question matters (at most 20,000 characters).
    pub rationale: Option<String>,
    /// Where we are now (at most 20,000 characters).
    pub baseline: Option<String>,
    /// What will be done to find out (at most 20,000 characters).
    pub planned_actions: Option<String>,
    /// What was found (at most 20,000 characters).
    pub findings: Option<String>,
}

/// The input of `moveEnquiryStage`.
#[derive(InputObject)]
pub struct MoveEnquiryStageInput {
    /// The enquiry to move.
    pub enquiry_id: ID,
    /// The next or the previous stage.
    pub stage: EnquiryStage,
}

/// The input of `addEnquiryEvidence`.
#[derive(InputObject)]
pub struct AddEnquiryEvidenceInput {
    /// The enquiry the evidence is for.
    pub enquiry_id: ID,
    /// What was observed (at most 20,000 characters).
    pub note: String,
    /// Where the evidence is: an `https` link.
    pub link: Option<Url>,
    /// When it was gathered (default: today); not in the future.
    pub observed_on: Option<NaiveDate>,
}

payload!(StartEnquiryPayload { enquiry: Enquiry });
payload!(UpdateEnquiryPayload { enquiry: Enquiry });
payload!(MoveEnquiryStagePayload { enquiry: Enquiry });
payload!(AddEnquiryEvidencePayload {
    evidence: EnquiryEvidence
});

#[derive(Default)]
pub struct EnquiryMutation;

mutations! {
    impl EnquiryMutation {
        /// Starts an enquiry at the `QUESTION` stage: a community's (its active members may)
        /// or the caller's own in an alliance they take part in.
        fn start_enquiry { start(ctx, input).await }

        /// Changes an enquiry's question, rationale, baseline, planned actions or findings.
        /// Its owner and the community's facilitators may.
        fn update_enquiry { update(ctx, input).await }

        /// Moves an enquiry one stage forward or back; who and when are recorded.
        fn move_enquiry_stage { move_stage(ctx, input).await }

        /// Adds evidence to an enquiry: its owner, or any active member of its community.
        fn add_enquiry_evidence { add_evidence(ctx, input).await }
    }
}

async fn start(ctx: &Context<'_>, input: StartEnquiryInput) -> MutationResult<Enquiry> {
    let access = access(ctx).await?;
    let question = validation::required("question", &input.question, 2000)?;
    let rationale = validation::optional("rationale", input.rationale.as_deref(), TEXT_MAX)?;
    let baseline = validation::optional("baseline", input.baseline.as_deref(), TEXT_MAX)?;
    let planned =
        validation::optional("plannedActions", input.planned_actions.as_deref(), TEXT_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let (alliance_id, community_id, school) = match (&input.community_id, &input.alliance_id) {
        (Some(id), None) => {
            let community = visible_community(&txn, &access, id, "communityId").await?;
            require_member(&access, &community)?;
            open_for_content(&community, "communityId")?;
            let school = super::sharing_school(&txn, &access, community.id).await?;
            (community.alliance_id, Some(community.id), school)
        }
        (None, Some(id)) => {
            let alliance_id = seen_alliance(&access, id)?;
            let school = member_school(&txn, access.person_id, alliance_id)
                .await?
                .map_err(|_| {
                    UserError::invalid_state(
                        "allianceId",
                        "only people taking part in the alliance run enquiries in it",
                    )
                })?;
            (alliance_id, None, school)
        }
        _ => {
            return Err(UserError::invalid(
                "communityId",
                "give a communityId, or an allianceId for a personal enquiry",
            )
            .into());
        }
    };
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let now = Utc::now();
    let enquiry = enquiry::ActiveModel {
        alliance_id: Set(alliance_id),
        community_id: Set(community_id),
        owner_id: Set(access.person_id),
        owner_school_id: Set(school),
        question: Set(question),
        rationale: Set(rationale),
        baseline: Set(baseline),
        planned_actions: Set(planned),
        findings: Set(None),
        stage: Set(EnquiryStage::Question),
        theme_keys: Set(themes),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    record(&txn, &access, "enquiry.started", &enquiry).await?;
    txn.commit().await?;
    Ok(Enquiry(enquiry))
}

/// The enquiry named by `enquiryId` if the caller reads it.
async fn readable_enquiry(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<(enquiry::Model, Option<entity::community::Model>)> {
    let not_found = || UserError::not_found("enquiryId");
    let key = decode_as(id, NodeKind::Enquiry).ok_or_else(not_found)?;
    let enquiry = enquiry::Entity::find_by_id(key)
        .filter(access.enquiry_condition())
        .one(txn)
        .await?
        .ok_or_else(not_found)?;
    let community = match enquiry.community_id {
        Some(id) => Some(
            entity::community::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(not_found)?,
        ),
        None => None,
    };
    Ok((enquiry, community))
}

/// Owners and the community's facilitators steer an enquiry.
fn steers(
    access: &Access,
    enquiry: &enquiry::Model,
    community: &Option<entity::community::Model>,
) -> MutationResult<()> {
    allowed(
        access.steers_enquiry(enquiry, community.as_ref()),
        "only the enquiry's owner and facilitators change it",
    )?;
    if let Some(community) = community {
        open_for_content(community, "enquiryId")?;
    }
    Ok(())
}

async fn update(ctx: &Context<'_>, input: UpdateEnquiryInput) -> MutationResult<Enquiry> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, community) = readable_enquiry(&txn, &access, &input.enquiry_id).await?;
    steers(&access, &current, &community)?;
    let mut change = Change::edit(&current, Utc::now());
    if let Some(question) = &input.question {
        change.question = Set(validation::required("question", question, 2000)?);
    }
    let texts: &mut enquiry::ActiveModel = &mut change;
    for (field, value, column) in [
        ("rationale", &input.rationale, &mut texts.rationale),
        ("baseline", &input.baseline, &mut texts.baseline),
        (
            "plannedActions",
            &input.planned_actions,
            &mut texts.planned_actions,
        ),
        ("findings", &input.findings, &mut texts.findings),
    ] {
        if value.is_some() {
            *column = Set(validation::optional(field, value.as_deref(), TEXT_MAX)?);
        }
    }
    let enquiry = change.save(&txn, input.expected_version).await?;
    record(&txn, &access, "enquiry.updated", &enquiry).await?;
    txn.commit().await?;
    Ok(Enquiry(enquiry))
}

async fn move_stage(ctx: &Context<'_>, input: MoveEnquiryStageInput) -> MutationResult<Enquiry> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, community) = readable_enquiry(&txn, &access, &input.enquiry_id).await?;
    steers(&access, &current, &community)?;
    let from = current.stage.position();
    let to = input.stage.position();
    if from.abs_diff(to) != 1 {
        return Err(UserError::invalid(
            "stage",
            "an enquiry moves one stage forward or back at a time",
        )
        .into());
    }
    let now = Utc::now();
    enquiry_stage_change::ActiveModel {
        enquiry_id: Set(current.id),
        from_stage: Set(current.stage),
        to_stage: Set(input.stage),
        changed_by_id: Set(access.person_id),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut change = Change::edit(&current, now);
    change.stage = Set(input.stage);
    let enquiry = change.save_as_read(&txn).await?;
    record(&txn, &access, "enquiry.stage_moved", &enquiry).await?;
    txn.commit().await?;
    Ok(Enquiry(enquiry))
}

async fn add_evidence(
    ctx: &Context<'_>,
    input: AddEnquiryEvidenceInput,
) -> MutationResult<EnquiryEvidence> {
    let access = access(ctx).await?;
    let note = validation::required("note", &input.note, TEXT_MAX)?;
    let link = validation::optional_link(
        "link",
        input.link.as_deref(),
        services(ctx).allow_http_links,
    )?;
    let observed_on = match input.observed_on {
        Some(day) => validation::happened_on("observedOn", day)?,
        None => Utc::now().date_naive(),
    };
    let txn = begin_write(db(ctx)).await?;
    let (enquiry, community) = readable_enquiry(&txn, &access, &input.enquiry_id).await?;
    let school = match &community {
        Some(community) => {
            require_member(&access, community)?;
            open_for_content(community, "enquiryId")?;
            super::sharing_school(&txn, &access, community.id).await?
        }
        None => {
            allowed(
                access.adds_evidence_to_personal_enquiry(&enquiry),
                "only the owner adds evidence to a personal enquiry",
            )?;
            enquiry.owner_school_id
        }
    };
    let evidence = enquiry_evidence::ActiveModel {
        enquiry_id: Set(enquiry.id),
        community_id: Set(enquiry.community_id),
        author_id: Set(access.person_id),
        author_school_id: Set(school),
        note: Set(note),
        link: Set(link),
        observed_on: Set(observed_on),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(&txn, &access, "enquiry.evidence_added", &enquiry).await?;
    txn.commit().await?;
    Ok(EnquiryEvidence(evidence))
}

async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    action: &str,
    enquiry: &enquiry::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by(access.person_id, action, NodeKind::Enquiry.id(enquiry.id))
        .alliance(Some(enquiry.alliance_id))
        .school(enquiry.owner_school_id)
        .details(serde_json::json!({ "stage": enquiry.stage, "version": enquiry.version }))
        .record(txn)
        .await
}
