//! Keeping invitations in hand: the list of those waiting for an answer (by school and by
//! alliance), sending one again (a new link; the old one stops working) and revoking one
//! (its link stops working). Who manages an invitation is decided in
//! `auth::policy::invitations`: exactly those who may send it; others cannot see it.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::{TimeDelta, Utc};
use entity::invitation;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use trellis_macros::mutations;

use super::Invitation;
use super::invitations::{email_invitation, place_of};
use crate::audit::AuditEntry;
use crate::auth::policy::Access;
use crate::auth::tokens;
use crate::config::{INVITATION_RESEND_INTERVAL, INVITATION_TTL};
use crate::db::begin_write;
use crate::errors::{ApiError, ApiResult, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::nested::{ChildList, child_page, child_rows};
use crate::graphql::pagination::{Page, PageArgs};
use crate::payload;

/// Invitations neither accepted nor revoked: waiting for an answer, or past their expiry
/// without one.
pub fn unanswered() -> Condition {
    Condition::all()
        .add(invitation::Column::AcceptedAt.is_null())
        .add(invitation::Column::RevokedAt.is_null())
}

/// The invitation to send again.
#[derive(InputObject)]
pub struct ResendInvitationInput {
    /// An invitation not yet answered (pending or expired).
    pub invitation_id: ID,
}

/// The invitation to revoke.
#[derive(InputObject)]
pub struct RevokeInvitationInput {
    /// An invitation not yet answered (pending or expired).
    pub invitation_id: ID,
}

payload!(ResendInvitationPayload {
    invitation: Invitation
});
payload!(RevokeInvitationPayload {
    invitation: Invitation
});

#[derive(Default)]
pub struct InvitationUpkeepMutation;

mutations! {
    impl InvitationUpkeepMutation {
        /// Sends an invitation again, with a new link valid for another 14 days; the old link
        /// stops working. For an invitation not yet answered (expired ones included), at most
        /// once every 10 minutes (`RATE_LIMITED`, with `retryAfter`, sooner). Those who may
        /// send it may.
        fn resend_invitation { resend(ctx, input).await }

        /// Revokes an invitation not yet answered: its link stops working. Those who may send
        /// it may.
        fn revoke_invitation { revoke(ctx, input).await }
    }
}

/// Unanswered invitations into `parent` (a school or an alliance, as `column` says) that
/// the caller manages, in the order they were first sent.
pub async fn waiting_invitations(
    ctx: &Context<'_>,
    parent: i32,
    column: invitation::Column,
    args: PageArgs,
) -> ApiResult<Page<Invitation>> {
    let access = access(ctx).await?;
    let list = ChildList::<invitation::Entity>::new(
        parent,
        column,
        Condition::all()
            .add(access.invitation_condition())
            .add(unanswered()),
    );
    child_page(ctx, list, &args).await
}

/// The invitation with this id if the caller manages it, loaded in one batch with the
/// request's other such loads (`node`, `nodes`).
pub async fn managed_invitation(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Invitation>> {
    let access = access(ctx).await?;
    let list = ChildList::<invitation::Entity>::new(
        id,
        invitation::Column::Id,
        access.invitation_condition(),
    );
    Ok(child_rows(ctx, list)
        .await?
        .into_iter()
        .next()
        .map(Invitation))
}

/// The invitation named by `invitationId`, if the caller manages it; otherwise a
/// `NOT_FOUND` user error, as if it did not exist.
async fn invitation_in_hand(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<invitation::Model> {
    let not_found = || UserError::not_found("invitationId");
    let key = decode_as(id, NodeKind::Invitation).ok_or_else(not_found)?;
    Ok(invitation::Entity::find_by_id(key)
        .filter(access.invitation_condition())
        .one(txn)
        .await?
        .ok_or_else(not_found)?)
}

/// Refuses to change an invitation that was answered: accepted or revoked.
fn unanswered_yet(invitation: &invitation::Model) -> MutationResult<()> {
    let answered = if invitation.accepted_at.is_some() {
        "the invitation was accepted"
    } else if invitation.revoked_at.is_some() {
        "the invitation was revoked"
    } else {
        return Ok(());
    };
    Err(UserError::invalid_state("invitationId", answered).into())
}

async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    action: &str,
    invitation: &invitation::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by_caller(access, action, NodeKind::Invitation.id(invitation.id))
        .alliance(invitation.alliance_id)
        .school(invitation.school_id)
        .details(serde_json::json!({
            "staffRole": invitation.staff_role,
            "allianceRole": invitation.alliance_role,
        }))
        .record(txn)
        .await
}

/// Reads an invitation back after a conditional update that matched no row: it was
/// answered meanwhile (a user error), or else sent again meanwhile (`RATE_LIMITED`).
async fn changed_meanwhile(txn: &DatabaseTransaction, id: i32) -> MutationResult<Invitation> {
    let current = invitation::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| UserError::not_found("invitationId"))?;
    unanswered_yet(&current)?;
    Err(ApiError::RateLimited {
        retry_after_secs: INVITATION_RESEND_INTERVAL.as_secs(),
    }
    .into())
}

async fn resend(ctx: &Context<'_>, input: ResendInvitationInput) -> MutationResult<Invitation> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = invitation_in_hand(&txn, &access, &input.invitation_id).await?;
    unanswered_yet(&current)?;
    let now = Utc::now();
    let interval = TimeDelta::from_std(INVITATION_RESEND_INTERVAL).expect("a short interval");
    let next = current.resent_at.unwrap_or(current.created_at) + interval;
    if now < next {
        return Err(ApiError::RateLimited {
            retry_after_secs: (next - now).num_seconds().max(1) as u64,
        }
        .into());
    }
    // Only if it was not sent again, nor answered, since it was read: of two resends
    // racing, one sends.
    let cutoff = now - interval;
    let token = tokens::new_secret_token();
    let sent = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::TokenHash,
            Expr::value(tokens::digest(&token)),
        )
        .col_expr(
            invitation::Column::ExpiresAt,
            Expr::value(now + INVITATION_TTL),
        )
        .col_expr(invitation::Column::ResentAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(current.id))
        .filter(unanswered())
        .filter(
            Condition::any()
                .add(invitation::Column::ResentAt.lte(cutoff))
                .add(
                    Condition::all()
                        .add(invitation::Column::ResentAt.is_null())
                        .add(invitation::Column::CreatedAt.lte(cutoff)),
                ),
        )
        .exec(&txn)
        .await?;
    if sent.rows_affected != 1 {
        return changed_meanwhile(&txn, current.id).await;
    }
    let invitation = invitation::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("invitationId"))?;
    record(&txn, &access, "invitation.resent", &invitation).await?;
    let place = place_of(&txn, &invitation).await?;
    txn.commit().await?;
    email_invitation(ctx, &invitation, &token, &place);
    Ok(Invitation(invitation))
}

async fn revoke(ctx: &Context<'_>, input: RevokeInvitationInput) -> MutationResult<Invitation> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = invitation_in_hand(&txn, &access, &input.invitation_id).await?;
    unanswered_yet(&current)?;
    let revoked = invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(invitation::Column::RevokedById, Expr::value(access.actor()))
        .filter(invitation::Column::Id.eq(current.id))
        .filter(unanswered())
        .exec(&txn)
        .await?;
    if revoked.rows_affected != 1 {
        return changed_meanwhile(&txn, current.id).await;
    }
    let invitation = invitation::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("invitationId"))?;
    record(&txn, &access, "invitation.revoked", &invitation).await?;
    txn.commit().await?;
    Ok(Invitation(invitation))
}
