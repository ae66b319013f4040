//! A school's membership of an alliance: invited by the alliance, accepted (or declined)
//! by the school's leaders, suspended and reinstated by the alliance, ended by either;
//! its role (lead school, strategic partner, member, associate) changed by the alliance.
//! Rows are never deleted, so the alliance's history stays readable.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::Utc;
use entity::enums::{
    MembershipRole, MembershipStatus, PartnershipStatus, SchoolStatus, WebhookEventType,
};
use entity::{alliance, alliance_membership, partnership, partnership_school, school};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::AllianceMembership;
use super::administered_alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationError, MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::notifications::Notices;
use crate::payload;
use crate::webhooks::{Event, emit};

/// A school to invite into an alliance.
#[derive(InputObject)]
pub struct InviteSchoolToAllianceInput {
    /// The alliance that invites.
    pub alliance_id: ID,
    /// The school invited; it must be open, and not already invited to or a member of the
    /// alliance.
    pub school_id: ID,
    /// The role the school will have once it accepts (default: `MEMBER`).
    #[graphql(default_with = "MembershipRole::Member")]
    pub role: MembershipRole,
}

macro_rules! membership_step {
    ($($(#[$doc:meta])* $input:ident => $payload:ident),+ $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(InputObject)]
            pub struct $input {
                /// The alliance membership to act on.
                pub membership_id: ID,
            }
            payload!($payload { membership: AllianceMembership });
        )+
    };
}

/// A member school's new role in its alliance.
#[derive(InputObject)]
pub struct ChangeAllianceMembershipRoleInput {
    /// The membership whose role changes.
    pub membership_id: ID,
    /// The `version` the change was made from (see `AllianceMembership.version`).
    pub expected_version: i32,
    /// The school's new role.
    pub role: MembershipRole,
}

payload!(InviteSchoolToAlliancePayload {
    membership: AllianceMembership
});
payload!(ChangeAllianceMembershipRolePayload {
    membership: AllianceMembership
});
membership_step!(
    /// The invitation a school accepts: a membership that is `INVITED`.
    AcceptAllianceInvitationInput => AcceptAllianceInvitationPayload,
    /// The invitation a school declines: a membership that is `INVITED`.
    DeclineAllianceInvitationInput => DeclineAllianceInvitationPayload,
    /// The membership to suspend: one that is `ACTIVE`.
    SuspendAllianceMembershipInput => SuspendAllianceMembershipPayload,
    /// The membership to reinstate: one that is `SUSPENDED`.
    ReinstateAllianceMembershipInput => ReinstateAllianceMembershipPayload,
    /// The membership to end: one that has not ended yet.
    EndAllianceMembershipInput => EndAllianceMembershipPayload,
);

/// Who may take a step in a membership's life.
#[derive(Clone, Copy)]
enum Actor {
    AllianceAdmin,
    SchoolLeader,
    Either,
}

/// One step of a membership's life cycle.
struct Step {
    actor: Actor,
    from: &'static [MembershipStatus],
    to: MembershipStatus,
    action: &'static str,
}

const ACCEPT: Step = Step {
    actor: Actor::SchoolLeader,
    from: &[MembershipStatus::Invited],
    to: MembershipStatus::Active,
    action: "alliance_membership.accepted",
};
const DECLINE: Step = Step {
    actor: Actor::SchoolLeader,
    from: &[MembershipStatus::Invited],
    to: MembershipStatus::Declined,
    action: "alliance_membership.declined",
};
const SUSPEND: Step = Step {
    actor: Actor::AllianceAdmin,
    from: &[MembershipStatus::Active],
    to: MembershipStatus::Suspended,
    action: "alliance_membership.suspended",
};
const REINSTATE: Step = Step {
    actor: Actor::AllianceAdmin,
    from: &[MembershipStatus::Suspended],
    to: MembershipStatus::Active,
    action: "alliance_membership.reinstated",
};
const END: Step = Step {
    actor: Actor::Either,
    from: &[
        MembershipStatus::Invited,
        MembershipStatus::Active,
        MembershipStatus::Suspended,
    ],
    to: MembershipStatus::Left,
    action: "alliance_membership.ended",
};

#[derive(Default)]
pub struct MembershipMutation;

mutations! {
    impl MembershipMutation {
        /// Invites a school into an alliance; the school's leaders are emailed and accept or
        /// decline. The alliance's admins and CPD leads may.
        fn invite_school_to_alliance { invite(ctx, input).await }

        /// Accepts an alliance's invitation on behalf of the school. The school's leaders may.
        fn accept_alliance_invitation { take_step(ctx, &input.membership_id, &ACCEPT).await }

        /// Declines an alliance's invitation on behalf of the school. The school's leaders may.
        fn decline_alliance_invitation { take_step(ctx, &input.membership_id, &DECLINE).await }

        /// Pauses an active membership. The alliance's admins and CPD leads may.
        fn suspend_alliance_membership { take_step(ctx, &input.membership_id, &SUSPEND).await }

        /// Makes a suspended membership active again. The alliance's admins and CPD leads may.
        fn reinstate_alliance_membership { take_step(ctx, &input.membership_id, &REINSTATE).await }

        /// Ends a membership: the school leaves the alliance and its partnerships there. The
        /// history stays. The alliance's admins and the school's leaders may.
        fn end_alliance_membership { take_step(ctx, &input.membership_id, &END).await }

        /// Changes a member school's role in the alliance (lead school, strategic partner,
        /// member, associate), while the membership has not ended. The alliance's admins and
        /// CPD leads may.
        fn change_alliance_membership_role { change_role(ctx, input).await }
    }
}

async fn invite(
    ctx: &Context<'_>,
    input: InviteSchoolToAllianceInput,
) -> MutationResult<AllianceMembership> {
    let access = access(ctx).await?;
    let alliance_id = administered_alliance(
        &access,
        &input.alliance_id,
        "only the alliance's admins and CPD leads invite schools",
    )?;
    let school_id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    let txn = begin_write(db(ctx)).await?;
    let alliance = alliance::Entity::find_by_id(alliance_id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("allianceId"))?;
    let school = school::Entity::find_by_id(school_id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    if school.status == SchoolStatus::Closed {
        return Err(UserError::invalid_state("schoolId", "the school is closed").into());
    }
    let existing = alliance_membership::Entity::find()
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::SchoolId.eq(school_id))
        .filter(alliance_membership::Column::Status.is_not_in(MembershipStatus::ENDED))
        .one(&txn)
        .await?;
    if existing.is_some() {
        return Err(UserError::new(
            "schoolId",
            UserErrorCode::Taken,
            "the school is already invited to or a member of this alliance",
        )
        .into());
    }
    let now = Utc::now();
    let membership = alliance_membership::ActiveModel {
        alliance_id: Set(alliance_id),
        school_id: Set(school_id),
        role: Set(input.role),
        status: Set(MembershipStatus::Invited),
        invited_by_id: Set(Some(access.person_id)),
        invited_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        access.person_id,
        "alliance_membership.invited",
        NodeKind::AllianceMembership.id(membership.id),
    )
    .alliance(Some(alliance_id))
    .school(Some(school_id))
    .details(serde_json::json!({ "role": membership.role }))
    .record(&txn)
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .alliance_invitation(&txn, &alliance, &school, &membership)
        .await?;
    notices.commit(txn).await?;
    Ok(AllianceMembership(membership))
}

fn may_take(access: &Access, actor: Actor, membership: &alliance_membership::Model) -> bool {
    let admin = access.administers_alliance(membership.alliance_id);
    let leader = access.leads_school(membership.school_id);
    match actor {
        Actor::AllianceAdmin => admin,
        Actor::SchoolLeader => leader,
        Actor::Either => admin || leader,
    }
}

/// The membership named by `membershipId`, if the caller sees its alliance; otherwise a
/// `NOT_FOUND` user error, as if it did not exist.
async fn visible_membership(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<alliance_membership::Model> {
    let not_found = || UserError::not_found("membershipId");
    let id = decode_as(id, NodeKind::AllianceMembership).ok_or_else(not_found)?;
    Ok(alliance_membership::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|m| access.sees_alliance(m.alliance_id))
        .ok_or_else(not_found)?)
}

/// Why nothing can be done to a membership in `status`.
fn refused_in(status: MembershipStatus) -> MutationError {
    UserError::wrong_state("membershipId", "membership", status).into()
}

/// Refuses a change to a membership that has ended.
fn not_ended(membership: &alliance_membership::Model) -> MutationResult<()> {
    if MembershipStatus::ENDED.contains(&membership.status) {
        return Err(refused_in(membership.status));
    }
    Ok(())
}

async fn take_step(ctx: &Context<'_>, id: &ID, step: &Step) -> MutationResult<AllianceMembership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let membership = visible_membership(&txn, &access, id).await?;
    allowed(
        may_take(&access, step.actor, &membership),
        match step.actor {
            Actor::AllianceAdmin => "only the alliance's admins and CPD leads may do this",
            Actor::SchoolLeader => {
                "only the school's headteacher, senior leaders or CPD lead may do this"
            }
            Actor::Either => "only the alliance's admins or the school's leaders may do this",
        },
    )?;
    if !step.from.contains(&membership.status) {
        return Err(refused_in(membership.status));
    }
    let now = Utc::now();
    let mut change = Change::edit(&membership, now);
    change.status = Set(step.to);
    if step.to == MembershipStatus::Active && membership.joined_at.is_none() {
        change.joined_at = Set(Some(now));
    }
    if MembershipStatus::ENDED.contains(&step.to) {
        change.ended_at = Set(Some(now));
    }
    // A school that declines was in no partnership or community: only leaving ends those.
    if step.to == MembershipStatus::Left {
        leave_partnerships(&txn, &membership, now.date_naive()).await?;
        crate::communities::membership::end_for_school(
            &txn,
            membership.alliance_id,
            membership.school_id,
        )
        .await?;
    }
    let was = membership.status;
    let membership = change.save_as_read(&txn).await?;
    // Joining is accepting an invitation; leaving is ending a membership that had begun.
    let event = match step.to {
        MembershipStatus::Active if was == MembershipStatus::Invited => {
            Some(WebhookEventType::SchoolJoinedAlliance)
        }
        MembershipStatus::Left if was != MembershipStatus::Invited => {
            Some(WebhookEventType::SchoolLeftAlliance)
        }
        _ => None,
    };
    if let Some(event) = event {
        emit(&txn, Event::membership(event, &membership)).await?;
    }
    AuditEntry::by(
        access.person_id,
        step.action,
        NodeKind::AllianceMembership.id(membership.id),
    )
    .alliance(Some(membership.alliance_id))
    .school(Some(membership.school_id))
    .details(serde_json::json!({ "status": membership.status }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(AllianceMembership(membership))
}

async fn change_role(
    ctx: &Context<'_>,
    input: ChangeAllianceMembershipRoleInput,
) -> MutationResult<AllianceMembership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_membership(&txn, &access, &input.membership_id).await?;
    allowed(
        access.administers_alliance(current.alliance_id),
        "only the alliance's admins and CPD leads change a member school's role",
    )?;
    not_ended(&current)?;
    let mut change = Change::edit(&current, Utc::now());
    change.role = Set(input.role);
    let membership = change.save(&txn, input.expected_version).await?;
    AuditEntry::by(
        access.person_id,
        "alliance_membership.role_changed",
        NodeKind::AllianceMembership.id(membership.id),
    )
    .alliance(Some(membership.alliance_id))
    .school(Some(membership.school_id))
    .details(serde_json::json!({ "from": current.role, "to": membership.role }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(AllianceMembership(membership))
}

/// A school that leaves an alliance leaves its active partnerships there; the rows stay,
/// and partnerships that had already ended keep their history as it was.
async fn leave_partnerships(
    txn: &DatabaseTransaction,
    membership: &alliance_membership::Model,
    today: chrono::NaiveDate,
) -> Result<(), sea_orm::DbErr> {
    let alliance_partnerships = Query::select()
        .column(partnership::Column::Id)
        .from(partnership::Entity)
        .and_where(partnership::Column::AllianceId.eq(membership.alliance_id))
        .and_where(partnership::Column::Status.eq(PartnershipStatus::Active))
        .to_owned();
    partnership_school::Entity::update_many()
        .col_expr(partnership_school::Column::LeftOn, Expr::value(today))
        .filter(partnership_school::Column::SchoolId.eq(membership.school_id))
        .filter(partnership_school::Column::LeftOn.is_null())
        .filter(partnership_school::Column::PartnershipId.in_subquery(alliance_partnerships))
        .exec(txn)
        .await?;
    Ok(())
}
