//! A practice's life: draft → in review → published → archived. Publishing within the
//! school (`PRIVATE`, `SCHOOL`) is the author's choice; sharing beyond it needs a school
//! leader's approval, who may send it back with a comment. Each step is kept in the
//! practice's history, and publication, approval, take-down and restoration in the audit
//! log.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::Utc;
use entity::enums::{PracticeAction, PracticeStatus, WebhookEventType};
use entity::{practice, practice_event, practice_revision};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};
use trellis_macros::mutations;

use super::adaptation::check_within_origin;
use super::safeguarding::check_shareable;
use super::{Practice, readable_practice};
use crate::audit::AuditEntry;
use crate::auth::policy::practice::is_author;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::NodeKind;
use crate::graphql::versioned::Change;
use crate::notifications::Notices;
use crate::payload;
use crate::validation;
use crate::webhooks::{Event, emit};

/// Declares the input of a step of a practice's life: the practice and an optional
/// comment, kept in its history (each input documented by the attributes before its name).
macro_rules! step_input {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {
        $($(#[$doc])*
        #[derive(InputObject)]
        pub struct $name {
            /// The practice to move on.
            pub practice_id: ID,
            /// Why, for its history (`Practice.history`); at most 2,000 characters.
            pub comment: Option<String>,
        })+
    };
}

step_input!(
    /// Publishing a draft to the audience its authors chose.
    PublishPracticeInput,
    /// Asking the school's leaders to approve sharing a draft beyond the school.
    SubmitPracticeForReviewInput,
    /// Approving a practice in review, which publishes it.
    ApprovePracticeInput,
    /// Taking a practice in review or published back to draft.
    WithdrawPracticeInput,
    /// Archiving a published practice.
    ArchivePracticeInput,
);

/// Sending a practice back to its authors: the comment says what to change.
#[derive(InputObject)]
pub struct SendPracticeBackInput {
    /// The practice in review to send back.
    pub practice_id: ID,
    /// What to change, shown to its authors as `Practice.reviewComment`; at most 2,000
    /// characters.
    pub comment: String,
}

payload!(PublishPracticePayload { practice: Practice });
payload!(SubmitPracticeForReviewPayload { practice: Practice });
payload!(ApprovePracticePayload { practice: Practice });
payload!(SendPracticeBackPayload { practice: Practice });
payload!(WithdrawPracticePayload { practice: Practice });
payload!(ArchivePracticePayload { practice: Practice });

#[derive(Default)]
pub struct PracticeLifecycleMutation;

mutations! {
    impl PracticeLifecycleMutation {
        /// Publishes a draft. Within the school (`PRIVATE`, `SCHOOL`) its authors may; beyond
        /// it only an author who is also a school leader (`NEEDS_APPROVAL` otherwise: submit
        /// it for review). Refused with `IDENTIFIES_PUPIL` when shared beyond the school with
        /// a pupil's number or date of birth in it.
        fn publish_practice { publish(ctx, input.practice_id, input.comment).await }

        /// Asks the school's leaders to approve sharing a draft beyond the school.
        fn submit_practice_for_review { submit(ctx, input.practice_id, input.comment).await }

        /// Approves a practice in review: it is published to the audience its authors chose.
        /// The school's head, senior leaders and school CPD lead may.
        fn approve_practice { approve(ctx, input.practice_id, input.comment).await }

        /// Sends a practice in review back to draft, with a comment for its authors.
        fn send_practice_back { send_back(ctx, input.practice_id, input.comment).await }

        /// Takes a practice in review or published back to draft. Its authors may.
        fn withdraw_practice { withdraw(ctx, input.practice_id, input.comment).await }

        /// Archives a published practice: still readable, no longer adaptable. Its authors
        /// and approvers may.
        fn archive_practice { archive(ctx, input.practice_id, input.comment).await }
    }
}

pub async fn require_author(
    txn: &DatabaseTransaction,
    access: &Access,
    practice: &practice::Model,
) -> MutationResult<()> {
    allowed(
        is_author(txn, practice.id, access.person_id).await?,
        "only its authors may do this",
    )?;
    Ok(())
}

pub fn require_approver(access: &Access, practice: &practice::Model) -> MutationResult<()> {
    allowed(
        access.approves_practice_of(practice.school_id),
        "only the school's head, senior leaders and school CPD lead may do this",
    )?;
    Ok(())
}

fn require_status(
    practice: &practice::Model,
    allowed: &[PracticeStatus],
    message: &str,
) -> MutationResult<()> {
    if allowed.contains(&practice.status) {
        Ok(())
    } else {
        Err(UserError::invalid_state("practiceId", message).into())
    }
}

/// Keeps a step in the practice's history, and in the audit log when it concerns what
/// others read (publication, approval, take-down, restoration, withdrawal, archiving);
/// tells other systems (a webhook event) when it publishes the practice or takes a
/// published one down.
pub async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    practice: &practice::Model,
    action: PracticeAction,
    from: Option<PracticeStatus>,
    comment: Option<String>,
) -> Result<(), DbErr> {
    practice_event::ActiveModel {
        practice_id: Set(practice.id),
        actor_id: Set(access.person_id),
        action: Set(action),
        from_status: Set(from),
        to_status: Set(Some(practice.status)),
        visibility: Set(Some(practice.visibility)),
        comment: Set(comment.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let event = match action {
        PracticeAction::Published | PracticeAction::Approved | PracticeAction::Restored
            if practice.status == PracticeStatus::Published =>
        {
            Some(WebhookEventType::PracticePublished)
        }
        PracticeAction::Reported => Some(WebhookEventType::PracticeTakenDown),
        PracticeAction::Withdrawn if from == Some(PracticeStatus::Published) => {
            Some(WebhookEventType::PracticeTakenDown)
        }
        _ => None,
    };
    if let Some(event) = event {
        emit(txn, Event::practice(event, practice)).await?;
    }
    let audited = match action {
        PracticeAction::Created | PracticeAction::Edited => return Ok(()),
        PracticeAction::SubmittedForReview => "practice.submitted",
        PracticeAction::Approved => "practice.approved",
        PracticeAction::SentBack => "practice.sent_back",
        PracticeAction::Published => "practice.published",
        PracticeAction::Archived => "practice.archived",
        PracticeAction::Reported => "practice.taken_down",
        PracticeAction::Restored => "practice.restored",
        PracticeAction::Withdrawn => "practice.withdrawn",
    };
    AuditEntry::by(
        access.person_id,
        audited,
        NodeKind::Practice.id(practice.id),
    )
    .alliance(practice.alliance_id)
    .school(Some(practice.school_id))
    .details(serde_json::json!({
        "from": from,
        "to": practice.status,
        "visibility": practice.visibility,
        "comment": comment,
    }))
    .record(txn)
    .await
}

/// Keeps the text as published, so a published practice has its history of revisions.
pub async fn keep_revision(
    txn: &DatabaseTransaction,
    access: &Access,
    practice: &practice::Model,
) -> Result<(), DbErr> {
    practice_revision::ActiveModel {
        practice_id: Set(practice.id),
        version: Set(practice.version),
        title: Set(practice.title.clone()),
        summary: Set(practice.summary.clone()),
        body_markdown: Set(practice.body_markdown.clone()),
        evidence_of_impact: Set(practice.evidence_of_impact.clone()),
        edited_by_id: Set(access.person_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Moves a practice to `to`, keeping history, revisions and its origin's counts.
async fn change_status(
    txn: &DatabaseTransaction,
    access: &Access,
    found: practice::Model,
    to: PracticeStatus,
    action: PracticeAction,
    comment: Option<String>,
) -> MutationResult<practice::Model> {
    if to == PracticeStatus::Draft {
        // Withdrawn or sent back: its audience (and its adaptations'), and its approvers,
        // no longer read it.
        crate::sync::tombstones::practice_leaves(txn, found.id).await?;
        crate::sync::tombstones::practice_leaves_approvers(txn, &found).await?;
    }
    let now = Utc::now();
    let mut change = Change::edit(&found, now);
    change.status = Set(to);
    match to {
        PracticeStatus::Published => {
            change.published_at = Set(Some(now));
            change.archived_at = Set(None);
            change.review_comment = Set(None);
            if action == PracticeAction::Approved || found.visibility.beyond_school() {
                change.approved_by_id = Set(Some(access.person_id));
                change.approved_at = Set(Some(now));
            }
        }
        PracticeStatus::Archived => change.archived_at = Set(Some(now)),
        PracticeStatus::Draft | PracticeStatus::InReview => {}
    }
    if action == PracticeAction::SentBack {
        change.review_comment = Set(comment.clone());
    }
    let updated = change.save_as_read(txn).await?;
    if to == PracticeStatus::Published {
        keep_revision(txn, access, &updated).await?;
        crate::sync::adaptations_changed(txn, updated.id).await?;
    }
    record(txn, access, &updated, action, Some(found.status), comment).await?;
    super::counts::refresh_origin(txn, &updated).await?;
    Ok(updated)
}

/// One step of a practice's life: the caller, the practice, the check that the step is
/// allowed now, then the move to `to`, in one transaction.
struct Step {
    id: ID,
    comment: Option<String>,
    to: PracticeStatus,
    action: PracticeAction,
}

async fn take<F>(ctx: &Context<'_>, step: Step, check: F) -> MutationResult<Practice>
where
    F: AsyncFnOnce(&DatabaseTransaction, &Access, &practice::Model) -> MutationResult<()>,
{
    let access = access(ctx).await?;
    let comment = validation::optional("comment", step.comment.as_deref(), 2000)?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &step.id, "practiceId").await?;
    check(&txn, &access, &found).await?;
    if step.to == PracticeStatus::Published || step.to == PracticeStatus::InReview {
        // Sharing it (again): an origin may have narrowed since its audience was chosen.
        check_within_origin(&txn, &found, "practiceId").await?;
    }
    let mut notices = Notices::new(ctx, access.person_id);
    let updated =
        change_status(&txn, &access, found, step.to, step.action, comment.clone()).await?;
    notices
        .practice_step(&txn, &updated, step.action, comment.as_deref())
        .await?;
    notices.commit(txn).await?;
    Ok(Practice(updated))
}

async fn publish(ctx: &Context<'_>, id: ID, comment: Option<String>) -> MutationResult<Practice> {
    let step = Step {
        id,
        comment,
        to: PracticeStatus::Published,
        action: PracticeAction::Published,
    };
    take(ctx, step, async |txn, access, found| {
        require_author(txn, access, found).await?;
        require_status(found, &[PracticeStatus::Draft], "only a draft is published")?;
        if found.visibility.beyond_school() {
            if !access.approves_practice_of(found.school_id) {
                return Err(UserError::new(
                    "practiceId",
                    UserErrorCode::NeedsApproval,
                    "sharing beyond the school needs a school leader's approval: submit it for review",
                )
                .into());
            }
            check_shareable(found)?;
        }
        Ok(())
    })
    .await
}

async fn submit(ctx: &Context<'_>, id: ID, comment: Option<String>) -> MutationResult<Practice> {
    let step = Step {
        id,
        comment,
        to: PracticeStatus::InReview,
        action: PracticeAction::SubmittedForReview,
    };
    take(ctx, step, async |txn, access, found| {
        require_author(txn, access, found).await?;
        require_status(found, &[PracticeStatus::Draft], "only a draft is submitted")?;
        if !found.visibility.beyond_school() {
            return Err(UserError::invalid_state(
                "practiceId",
                "sharing within the school needs no approval: publish it",
            )
            .into());
        }
        check_shareable(found)
    })
    .await
}

async fn approve(ctx: &Context<'_>, id: ID, comment: Option<String>) -> MutationResult<Practice> {
    let step = Step {
        id,
        comment,
        to: PracticeStatus::Published,
        action: PracticeAction::Approved,
    };
    take(ctx, step, async |_, access, found| {
        require_approver(access, found)?;
        require_status(
            found,
            &[PracticeStatus::InReview],
            "only a practice in review is approved",
        )?;
        check_shareable(found)
    })
    .await
}

async fn send_back(ctx: &Context<'_>, id: ID, comment: String) -> MutationResult<Practice> {
    let comment = validation::required("comment", &comment, 2000)?;
    let step = Step {
        id,
        comment: Some(comment),
        to: PracticeStatus::Draft,
        action: PracticeAction::SentBack,
    };
    take(ctx, step, async |_, access, found| {
        require_approver(access, found)?;
        require_status(
            found,
            &[PracticeStatus::InReview],
            "only a practice in review is sent back",
        )
    })
    .await
}

async fn withdraw(ctx: &Context<'_>, id: ID, comment: Option<String>) -> MutationResult<Practice> {
    let step = Step {
        id,
        comment,
        to: PracticeStatus::Draft,
        action: PracticeAction::Withdrawn,
    };
    take(ctx, step, async |txn, access, found| {
        require_author(txn, access, found).await?;
        require_status(
            found,
            &[PracticeStatus::InReview, PracticeStatus::Published],
            "only a practice in review or published is withdrawn",
        )
    })
    .await
}

async fn archive(ctx: &Context<'_>, id: ID, comment: Option<String>) -> MutationResult<Practice> {
    let step = Step {
        id,
        comment,
        to: PracticeStatus::Archived,
        action: PracticeAction::Archived,
    };
    take(ctx, step, async |txn, access, found| {
        if !access.approves_practice_of(found.school_id) {
            require_author(txn, access, found).await?;
        }
        require_status(
            found,
            &[PracticeStatus::Published],
            "only a published practice is archived",
        )
    })
    .await
}
