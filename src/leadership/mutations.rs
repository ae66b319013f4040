//! An invitation's life: a leader invites (`inviteToLead`); the invitee accepts or
//! declines; the inviter withdraws it while it waits; either marks an accepted one done.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{LeadershipKind, LeadershipStatus, PersonStatus};
use entity::{leadership_invitation, person};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use trellis_macros::mutations;

use super::subjects::{Subject, subject_kind};
use super::{LeadershipInvitation, MESSAGE_MAX, NewInvitation, WHAT_MAX};
use crate::alliances::seen_alliance;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationError, MutationResult, UserError, UserErrorCode, on_unique};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, LifeCycle};
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
    /// Declining an invitation to lead, or stepping back from one accepted (the invitee).
    DeclineLeadershipInvitationInput,
    /// Withdrawing an invitation to lead, waiting or accepted (the inviter).
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
        /// meetings; in each case only to lead what they have authority over (an event they
        /// edit, a community they run, coaching of their school or alliance). The person is
        /// told.
        fn invite_to_lead { invite(ctx, input).await }

        /// Accepts an invitation to lead: `PENDING` → `ACCEPTED`, while what it is about
        /// can still be led by the caller; it joins the caller's leadership record. Only
        /// the person invited may; the inviter is told.
        fn accept_leadership_invitation { step(ctx, input.invitation_id, Step::Accept).await }

        /// Declines an invitation to lead, or steps back from one accepted: `PENDING` or
        /// `ACCEPTED` → `DECLINED` (it leaves the caller's leadership record). Only the
        /// person invited may; the inviter is told.
        fn decline_leadership_invitation { step(ctx, input.invitation_id, Step::Decline).await }

        /// Withdraws an invitation to lead: `PENDING` or `ACCEPTED` → `WITHDRAWN` (it
        /// leaves the person's leadership record). Only the inviter may, while they could
        /// still make it; the person invited is told.
        fn withdraw_leadership_invitation { step(ctx, input.invitation_id, Step::Withdraw).await }

        /// Marks accepted leadership done: `ACCEPTED` → `COMPLETED`, dated today. The person
        /// invited may, or the inviter while they could still make the invitation.
        fn complete_leadership { step(ctx, input.invitation_id, Step::Complete).await }
    }
}

/// Where the person named by `personId` takes part in the alliance: their current schools
/// active in it (none when through an alliance role alone). Anyone else, a disabled
/// account or no such person alike, is `NOT_ON_PLATFORM`; the caller is `INVALID`.
async fn invitee(
    conn: &impl ConnectionTrait,
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

const MAY_INVITE: &str = "only the invitee's school leaders, the alliance's CPD leads and \
     admins, and a community's facilitators (for its meetings) invite to lead, and only to \
     lead what they have authority over";

async fn invite(
    ctx: &Context<'_>,
    input: InviteToLeadInput,
) -> MutationResult<LeadershipInvitation> {
    let access = access(ctx).await?;
    let what = validation::required("what", &input.what, WHAT_MAX)?;
    let message = validation::optional("message", input.message.as_deref(), MESSAGE_MAX)?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    allowed(access.may_invite_to_lead_at_all(alliance_id), MAY_INVITE)?;
    let subject_key = decode_as(&input.subject_id, subject_kind(input.kind))
        .ok_or_else(|| UserError::not_found("subjectId"))?;
    let txn = begin_write(db(ctx)).await?;
    let (person_id, schools) = invitee(&txn, &access, &input.person_id, alliance_id).await?;
    let subject = Some(Subject::load(&txn, input.kind, subject_key).await?)
        .filter(|subject| subject.seen_by(&access))
        .ok_or_else(|| UserError::not_found("subjectId"))?;
    if subject.alliance_id() != alliance_id {
        return Err(UserError::invalid("subjectId", "it belongs to another alliance").into());
    }
    allowed(
        access.may_invite_to_lead(alliance_id, &schools, subject.community_id())
            && subject.led_by(&access),
        MAY_INVITE,
    )?;
    subject.suits(&txn, person_id, &schools).await?;
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
    .await
    // One open invitation per person and subject (a unique index): made twice at once,
    // the second is told so.
    .map_err(on_unique(
        "personId",
        "the person already has an open invitation to lead this",
    ))?;
    leadership_invitation::Entity::keep_history(&txn, &row, None, access.person_id, None).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices.leadership_invited(&row);
    notices.commit(txn).await?;
    Ok(LeadershipInvitation(row))
}

/// A step of an invitation's life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Accept,
    Decline,
    Withdraw,
    Complete,
}

impl Step {
    /// The statuses it is taken from, and the one it leads to.
    fn path(self) -> (&'static [LeadershipStatus], LeadershipStatus) {
        use LeadershipStatus::{Accepted, Completed, Declined, Pending, Withdrawn};
        match self {
            Step::Accept => (&[Pending], Accepted),
            Step::Decline => (&[Pending, Accepted], Declined),
            Step::Withdraw => (&[Pending, Accepted], Withdrawn),
            Step::Complete => (&[Accepted], Completed),
        }
    }

    /// Whether the caller takes part in the invitation as this step needs.
    fn may(self, access: &Access, row: &leadership_invitation::Model) -> bool {
        match self {
            Step::Accept | Step::Decline => access.may_answer_invitation(row),
            Step::Withdraw => access.may_withdraw_invitation(row),
            Step::Complete => access.may_complete_leadership(row),
        }
    }
}

/// The subject of `row` and the invitee's schools in its alliance (`None` once they no
/// longer take part in it).
async fn subject_of(
    conn: &impl ConnectionTrait,
    row: &leadership_invitation::Model,
) -> MutationResult<(Subject, Option<Vec<i32>>)> {
    let subject = Subject::load(conn, row.kind, row.subject_id).await?;
    let schools = crate::people::member_schools(conn, row.person_id, row.alliance_id)
        .await?
        .ok();
    Ok((subject, schools))
}

async fn step(
    ctx: &Context<'_>,
    invitation_id: ID,
    step: Step,
) -> MutationResult<LeadershipInvitation> {
    let access = access(ctx).await?;
    let field = "invitationId";
    let (from, to) = step.path();
    let key = decode_as(&invitation_id, NodeKind::LeadershipInvitation)
        .ok_or_else(|| UserError::not_found(field))?;
    let txn = begin_write(db(ctx)).await?;
    // An invitation the caller takes no part in is, for this step, none: a CPD lead who
    // sees it does not answer for the invitee, nor withdraw another's invitation.
    let current = leadership_invitation::Entity::find_by_id(key)
        .one(&txn)
        .await?
        .filter(|row| step.may(&access, row))
        .ok_or_else(|| UserError::not_found(field))?;
    if !from.contains(&current.status) {
        return Err(UserError::wrong_state(field, "invitation", current.status).into());
    }
    if step == Step::Accept {
        // What was true when invited may have changed: the meeting cancelled, the
        // relationship ended, the invitee gone from the alliance or the community.
        let (subject, schools) = subject_of(&txn, &current).await?;
        let schools = schools.ok_or_else(|| {
            UserError::invalid_state(field, "you no longer take part in the alliance")
        })?;
        match subject.suits(&txn, current.person_id, &schools).await {
            Err(MutationError::User(_)) => {
                return Err(UserError::invalid_state(
                    field,
                    "what it is about can no longer be led by you",
                )
                .into());
            }
            result => result?,
        }
    } else if !access.is_invited_to_lead(&current) {
        // The inviter acts on it only while they could still make it.
        let (subject, schools) = subject_of(&txn, &current).await?;
        allowed(
            access.may_invite_to_lead(
                current.alliance_id,
                &schools.unwrap_or_default(),
                subject.community_id(),
            ) && subject.led_by(&access),
            "you may no longer invite this person to lead this",
        )?;
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
    match to {
        LeadershipStatus::Accepted | LeadershipStatus::Declined => {
            notices.leadership_answered(&row)
        }
        LeadershipStatus::Withdrawn => notices.leadership_withdrawn(&row),
        LeadershipStatus::Pending | LeadershipStatus::Completed => {}
    }
    notices.commit(txn).await?;
    Ok(LeadershipInvitation(row))
}
