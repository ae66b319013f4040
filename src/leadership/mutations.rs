//! An invitation's life: a leader invites (`inviteToLead`); the invitee accepts or
//! declines; the inviter withdraws it while it waits; either marks an accepted one done.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{LeadershipKind, LeadershipStatus, PersonStatus};
use entity::{leadership_invitation, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::subjects::{subject, subject_kind};
use super::{LeadershipInvitation, MESSAGE_MAX, NewInvitation, OPEN, WHAT_MAX, invitation_audit};
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::notifications::Notices;
use crate::validation;

/// An invitation to lead something of an alliance.
#[derive(InputObject)]
pub struct InviteToLeadInput {
    /// The alliance it is made in.
    pub alliance_id: ID,
    /// The person invited: someone taking part in the alliance (staff of an active member
    /// school, or in an alliance role), never the caller.
    pub person_id: ID,
    /// What they are invited to do; it says what `subjectId` names.
    pub kind: LeadershipKind,
    /// What it is about, of the alliance and seen by the caller: a `CommunityMeeting`
    /// (`FACILITATE_COMMUNITY_MEETING`, the person an active member of its community), a
    /// `CoachingRelationship` whose coach is the person (`COACH`), or an `Event`
    /// (`LEAD_EVENT`).
    pub subject_id: ID,
    /// What they are invited to lead, in a few words (1 to 200 characters), such as
    /// "Facilitate the March session on hinge questions".
    pub what: String,
    /// A message to the person (at most 2,000 characters).
    pub message: Option<String>,
}

/// The inputs of an invitation's steps: the invitation.
macro_rules! step_inputs {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(InputObject)]
        pub struct $name {
            /// The invitation to lead.
            pub invitation_id: ID,
        }
    )+};
}

step_inputs! {
    /// Accepting an invitation to lead (the invitee).
    AcceptLeadershipInvitationInput,
    /// Declining an invitation to lead (the invitee).
    DeclineLeadershipInvitationInput,
    /// Withdrawing an invitation to lead that waits for an answer (the inviter).
    WithdrawLeadershipInvitationInput,
    /// Marking accepted leadership done (the invitee or the inviter).
    CompleteLeadershipInput,
}

crate::payload!(
    InviteToLeadPayload,
    AcceptLeadershipInvitationPayload,
    DeclineLeadershipInvitationPayload,
    WithdrawLeadershipInvitationPayload,
    CompleteLeadershipPayload {
        invitation: LeadershipInvitation
    }
);

#[derive(Default)]
pub struct LeadershipMutation;

mutations! {
    impl LeadershipMutation {
        /// Invites a person of an alliance to lead something of it: to facilitate a meeting
        /// of a community, to coach in a coaching relationship, to lead an event. A school's
        /// leaders invite their own staff; the alliance's admins and CPD leads anyone taking
        /// part in it; a community's facilitators its members, to facilitate one of its
        /// meetings. The person is told.
        fn invite_to_lead { invite(ctx, input).await }

        /// Accepts an invitation to lead: `PENDING` → `ACCEPTED`; it joins the caller's
        /// leadership record. Only the person invited may; the inviter is told.
        fn accept_leadership_invitation {
            step(ctx, input.invitation_id, Party::Invitee, LeadershipStatus::Pending, LeadershipStatus::Accepted).await
        }

        /// Declines an invitation to lead: `PENDING` → `DECLINED`. Only the person invited
        /// may; the inviter is told.
        fn decline_leadership_invitation {
            step(ctx, input.invitation_id, Party::Invitee, LeadershipStatus::Pending, LeadershipStatus::Declined).await
        }

        /// Withdraws an invitation to lead that waits for an answer: `PENDING` →
        /// `WITHDRAWN`. Only the inviter may.
        fn withdraw_leadership_invitation {
            step(ctx, input.invitation_id, Party::Inviter, LeadershipStatus::Pending, LeadershipStatus::Withdrawn).await
        }

        /// Marks accepted leadership done: `ACCEPTED` → `COMPLETED`, dated today. The person
        /// invited or the inviter may.
        fn complete_leadership {
            step(ctx, input.invitation_id, Party::Either, LeadershipStatus::Accepted, LeadershipStatus::Completed).await
        }
    }
}

/// Where the person named by `personId` takes part in the alliance: their current schools
/// active in it (none when through an alliance role alone). Anyone else, a disabled
/// account or no such person alike, is `NOT_ON_PLATFORM`; the caller is `INVALID`.
async fn invitee(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    id: &ID,
    alliance_id: i32,
) -> MutationResult<(i32, Vec<i32>)> {
    let field = "personId";
    let outside = || {
        UserError::new(
            field,
            UserErrorCode::NotOnPlatform,
            "invite someone who takes part in the alliance",
        )
    };
    let key = decode_as(id, NodeKind::Person).ok_or_else(outside)?;
    if key == access.person_id {
        return Err(UserError::invalid(field, "you cannot invite yourself").into());
    }
    person::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|row| row.status == PersonStatus::Active)
        .ok_or_else(outside)?;
    let schools = crate::people::member_schools(conn, key, alliance_id)
        .await?
        .map_err(|()| outside())?;
    Ok((key, schools))
}

async fn invite(
    ctx: &Context<'_>,
    input: InviteToLeadInput,
) -> MutationResult<LeadershipInvitation> {
    let access = access(ctx).await?;
    let what = validation::required("what", &input.what, WHAT_MAX)?;
    let message = validation::optional("message", input.message.as_deref(), MESSAGE_MAX)?;
    let alliance_id = decode_as(&input.alliance_id, NodeKind::Alliance)
        .filter(|alliance| access.sees_alliance(*alliance))
        .ok_or_else(|| UserError::not_found("allianceId"))?;
    let subject_key = decode_as(&input.subject_id, subject_kind(input.kind))
        .ok_or_else(|| UserError::not_found("subjectId"))?;
    let txn = begin_write(db(ctx)).await?;
    let (person_id, schools) = invitee(&txn, &access, &input.person_id, alliance_id).await?;
    let subject = subject(&txn, &access, input.kind, subject_key, person_id).await?;
    if subject.alliance_id != alliance_id {
        return Err(UserError::invalid("subjectId", "it belongs to another alliance").into());
    }
    allowed(
        access.may_invite_to_lead(alliance_id, &schools, subject.community_id),
        "only the invitee's school leaders, the alliance's CPD leads and admins, and a \
         community's facilitators (for its meetings) invite to lead",
    )?;
    let open = leadership_invitation::Entity::find()
        .filter(leadership_invitation::Column::Kind.eq(input.kind))
        .filter(leadership_invitation::Column::SubjectId.eq(subject_key))
        .filter(leadership_invitation::Column::PersonId.eq(person_id))
        .filter(leadership_invitation::Column::Status.is_in(OPEN))
        .count(&txn)
        .await?;
    if open > 0 {
        return Err(UserError::new(
            "personId",
            UserErrorCode::Taken,
            "the person already has an open invitation to lead this",
        )
        .into());
    }
    let row = NewInvitation {
        alliance_id,
        person_id,
        invited_by_id: access.person_id,
        kind: input.kind,
        subject_id: subject_key,
        what,
        message,
    }
    .pending(Utc::now())
    .insert(&txn)
    .await?;
    invitation_audit(access.person_id, "leadership.invited", &row, None)
        .record(&txn)
        .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.leadership_invited(&row);
    notices.commit(txn).await?;
    Ok(LeadershipInvitation(row))
}

/// Who may take a step of an invitation.
#[derive(Clone, Copy)]
enum Party {
    Invitee,
    Inviter,
    Either,
}

impl Party {
    fn is(self, access: &Access, row: &leadership_invitation::Model) -> bool {
        match self {
            Party::Invitee => access.is_invited_to_lead(row),
            Party::Inviter => access.invited_to_lead(row),
            Party::Either => access.is_invited_to_lead(row) || access.invited_to_lead(row),
        }
    }
}

async fn step(
    ctx: &Context<'_>,
    invitation_id: ID,
    party: Party,
    from: LeadershipStatus,
    to: LeadershipStatus,
) -> MutationResult<LeadershipInvitation> {
    let access = access(ctx).await?;
    let field = "invitationId";
    let key = decode_as(&invitation_id, NodeKind::LeadershipInvitation)
        .ok_or_else(|| UserError::not_found(field))?;
    let txn = begin_write(db(ctx)).await?;
    // An invitation the caller takes no part in is, for this step, none: a CPD lead who
    // sees it does not answer for the invitee, nor withdraw another's invitation.
    let current = leadership_invitation::Entity::find_by_id(key)
        .one(&txn)
        .await?
        .filter(|row| party.is(&access, row))
        .ok_or_else(|| UserError::not_found(field))?;
    if current.status != from {
        return Err(UserError::invalid_state(
            field,
            format!(
                "the invitation is {}, so this cannot be done",
                format!("{:?}", current.status).to_lowercase()
            ),
        )
        .into());
    }
    let now = Utc::now();
    let mut change = Change::step(&current, to, now);
    if to == LeadershipStatus::Completed {
        change.completed_on = Set(Some(now.date_naive()));
    } else {
        change.responded_at = Set(Some(now));
    }
    let row = change.save_step(&txn, access.person_id, None).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    if matches!(to, LeadershipStatus::Accepted | LeadershipStatus::Declined) {
        notices.leadership_answered(&row);
    }
    notices.commit(txn).await?;
    Ok(LeadershipInvitation(row))
}
