//! "We tried this here": staff of another school record, once per person per practice,
//! a short note and how it went. They edit (with a version check) or withdraw it.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{EndorsementOutcome, PracticeStatus};
use entity::practice_endorsement;
use sea_orm::{EntityTrait, Set};
use trellis_macros::mutations;

use super::{PracticeEndorsement, readable_practice};
use crate::auth::policy::allowed;
use crate::auth::policy::practice::is_author;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, on_unique};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::validation;

const NOTE_MAX: usize = 2_000;

/// An endorsement of a practice: where the caller tried it and how it went.
#[derive(InputObject)]
pub struct EndorsePracticeInput {
    /// The practice tried: a published or archived one the caller reads, not of their own.
    pub practice_id: ID,
    /// Where it was tried: a school the caller works at, other than the practice's own.
    /// Default: the caller's first such school.
    pub school_id: Option<ID>,
    /// What they did and saw; at most 2,000 characters.
    pub note: String,
    /// How it went.
    pub outcome: EndorsementOutcome,
}

/// Changes to the caller's endorsement; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdatePracticeEndorsementInput {
    /// The endorsement to edit: one the caller made.
    pub endorsement_id: ID,
    /// The `version` the change was made from (see `PracticeEndorsement.version`).
    pub expected_version: i32,
    /// What they did and saw; at most 2,000 characters.
    pub note: Option<String>,
    /// How it went.
    pub outcome: Option<EndorsementOutcome>,
}

/// The endorsement the caller takes back.
#[derive(InputObject)]
pub struct WithdrawPracticeEndorsementInput {
    /// The endorsement to withdraw: one the caller made.
    pub endorsement_id: ID,
}

payload!(EndorsePracticePayload {
    endorsement: PracticeEndorsement
});
payload!(UpdatePracticeEndorsementPayload {
    endorsement: PracticeEndorsement
});
payload!(WithdrawPracticeEndorsementPayload {
    endorsement: PracticeEndorsement
});

#[derive(Default)]
pub struct EndorsementMutation;

mutations! {
    impl EndorsementMutation {
        /// Records that the caller's school tried a published practice, and how it went. One
        /// per person per practice (`TAKEN` for a second); not by its authors, nor by staff
        /// of its own school.
        fn endorse_practice { endorse(ctx, input).await }

        /// Edits the caller's endorsement; `CONFLICT` if it changed since `expectedVersion`.
        fn update_practice_endorsement { update(ctx, input).await }

        /// Withdraws the caller's endorsement.
        fn withdraw_practice_endorsement { withdraw(ctx, input).await }
    }
}

async fn endorse(
    ctx: &Context<'_>,
    input: EndorsePracticeInput,
) -> MutationResult<PracticeEndorsement> {
    let access = access(ctx).await?;
    let note = validation::required("note", &input.note, NOTE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    if !matches!(
        found.status,
        PracticeStatus::Published | PracticeStatus::Archived
    ) || found.taken_down_at.is_some()
    {
        return Err(
            UserError::invalid_state("practiceId", "only shared practice is endorsed").into(),
        );
    }
    if is_author(&txn, found.id, access.person_id).await? {
        return Err(
            UserError::invalid("practiceId", "authors do not endorse their own practice").into(),
        );
    }
    let school_id = match &input.school_id {
        Some(id) => {
            let key =
                decode_as(id, NodeKind::School).ok_or_else(|| UserError::not_found("schoolId"))?;
            if !access.endorses_from(key) {
                return Err(
                    UserError::invalid("schoolId", "endorse from a school you work at").into(),
                );
            }
            key
        }
        None => access
            .own_schools()
            .into_iter()
            .find(|school| *school != found.school_id)
            .ok_or_else(|| {
                UserError::invalid("schoolId", "staff of another school endorse practice")
            })?,
    };
    if school_id == found.school_id {
        return Err(
            UserError::invalid("schoolId", "staff of another school endorse practice").into(),
        );
    }
    let now = Utc::now();
    let created = practice_endorsement::ActiveModel {
        practice_id: Set(found.id),
        person_id: Set(access.person_id),
        school_id: Set(school_id),
        note: Set(note),
        outcome: Set(input.outcome),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await
    .map_err(on_unique(
        "practiceId",
        "you already endorsed this practice: edit your endorsement",
    ))?;
    super::counts::refresh(&txn, found.id).await?;
    txn.commit().await?;
    Ok(PracticeEndorsement(created))
}

/// The caller's own endorsement named by `id`, on a practice they still read.
async fn own_endorsement(
    txn: &sea_orm::DatabaseTransaction,
    access: &crate::auth::policy::Access,
    id: &ID,
) -> MutationResult<practice_endorsement::Model> {
    let not_found = || UserError::not_found("endorsementId");
    let key = decode_as(id, NodeKind::PracticeEndorsement).ok_or_else(not_found)?;
    let found = practice_endorsement::Entity::find_by_id(key)
        .one(txn)
        .await?
        .ok_or_else(not_found)?;
    let practice_id = NodeKind::Practice.id(found.practice_id);
    readable_practice(txn, access, &practice_id, "endorsementId").await?;
    allowed(
        access.changes_endorsement(&found),
        "only its author changes an endorsement",
    )?;
    Ok(found)
}

async fn update(
    ctx: &Context<'_>,
    input: UpdatePracticeEndorsementInput,
) -> MutationResult<PracticeEndorsement> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let found = own_endorsement(&txn, &access, &input.endorsement_id).await?;
    let mut change = Change::edit(&found, Utc::now());
    if let Some(note) = &input.note {
        change.note = Set(validation::required("note", note, NOTE_MAX)?);
    }
    if let Some(outcome) = input.outcome {
        change.outcome = Set(outcome);
    }
    let updated = change.save(&txn, input.expected_version).await?;
    txn.commit().await?;
    Ok(PracticeEndorsement(updated))
}

async fn withdraw(
    ctx: &Context<'_>,
    input: WithdrawPracticeEndorsementInput,
) -> MutationResult<PracticeEndorsement> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let found = own_endorsement(&txn, &access, &input.endorsement_id).await?;
    practice_endorsement::Entity::delete_by_id(found.id)
        .exec(&txn)
        .await?;
    super::counts::refresh(&txn, found.practice_id).await?;
    txn.commit().await?;
    Ok(PracticeEndorsement(found))
}
