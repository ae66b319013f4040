//! Joining and leaving communities: requests that facilitators approve or decline,
//! invitations that people accept or decline, leaving, removal, facilitators. A community
//! always keeps at least one facilitator.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::Utc;
use entity::enums::{CommunityMembershipStatus as Status, CommunityRole};
use entity::{community, community_member};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TryIntoModel,
};
use trellis_macros::mutations;

use super::{CommunityMembership, LIVE, visible_community};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, caller, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::notifications::Notices;
use crate::payload;
use crate::people::member_school;
use crate::validation;

/// The input of `requestToJoinCommunity`.
#[derive(InputObject)]
pub struct RequestToJoinCommunityInput {
    /// The community to ask to join.
    pub community_id: ID,
}

/// The input of `inviteToCommunity`.
#[derive(InputObject)]
pub struct InviteToCommunityInput {
    /// The community to invite to.
    pub community_id: ID,
    /// The person invited: staff of an active member school of the alliance, or someone in
    /// one of its roles.
    pub person_id: ID,
}

/// Inputs that name one membership, each with its description and its field's.
macro_rules! membership_inputs {
    ($($(#[$doc:meta])* $name:ident { $field_doc:literal }),+ $(,)?) => {
        $($(#[$doc])*
        #[derive(InputObject)]
        pub struct $name {
            #[doc = $field_doc]
            pub membership_id: ID,
        })+
    };
}

membership_inputs!(
    /// The input of `approveCommunityMembership`.
    ApproveCommunityMembershipInput { "The request to join (a `REQUESTED` membership) to approve." },
    /// The input of `acceptCommunityInvitation`.
    AcceptCommunityInvitationInput { "The caller's invitation (an `INVITED` membership) to accept." },
    /// The input of `declineCommunityInvitation`.
    DeclineCommunityInvitationInput { "The caller's invitation (an `INVITED` membership) to decline." },
    /// The input of `makeCommunityFacilitator`.
    MakeCommunityFacilitatorInput { "The active member to make a facilitator." },
);

/// The input of `declineCommunityMembership`.
#[derive(InputObject)]
pub struct DeclineCommunityMembershipInput {
    /// The request to join (a `REQUESTED` membership) to decline.
    pub membership_id: ID,
    /// Why, for the person who asked.
    pub reason: String,
}

/// The input of `removeCommunityMember`.
#[derive(InputObject)]
pub struct RemoveCommunityMemberInput {
    /// The active membership to end.
    pub membership_id: ID,
    /// Why, kept on the membership as its `reason` (at most 1,000 characters).
    pub reason: Option<String>,
}

/// The input of `leaveCommunity`.
#[derive(InputObject)]
pub struct LeaveCommunityInput {
    /// The community the caller leaves.
    pub community_id: ID,
}

payload!(RequestToJoinCommunityPayload {
    membership: CommunityMembership
});
payload!(InviteToCommunityPayload {
    membership: CommunityMembership
});
payload!(ApproveCommunityMembershipPayload {
    membership: CommunityMembership
});
payload!(DeclineCommunityMembershipPayload {
    membership: CommunityMembership
});
payload!(AcceptCommunityInvitationPayload {
    membership: CommunityMembership
});
payload!(DeclineCommunityInvitationPayload {
    membership: CommunityMembership
});
payload!(RemoveCommunityMemberPayload {
    membership: CommunityMembership
});
payload!(MakeCommunityFacilitatorPayload {
    membership: CommunityMembership
});
payload!(LeaveCommunityPayload {
    membership: CommunityMembership
});

#[derive(Default)]
pub struct CommunityMembershipMutation;

mutations! {
    impl CommunityMembershipMutation {
        /// Asks to join a community the caller can see. Staff of the alliance's active member
        /// schools (and people in its roles) may; a facilitator approves or declines.
        fn request_to_join_community { request(ctx, input).await }

        /// Invites someone who takes part in the alliance. Facilitators may.
        fn invite_to_community { invite(ctx, input).await }

        /// Approves a request to join. Facilitators may.
        fn approve_community_membership {
            step(ctx, &input.membership_id, Step::Approve, None).await
        }

        /// Declines a request to join, with a reason. Facilitators may.
        fn decline_community_membership {
            step(
                ctx,
                &input.membership_id,
                Step::Decline,
                Some(&input.reason),
            )
            .await
        }

        /// Accepts an invitation to the caller.
        fn accept_community_invitation { step(ctx, &input.membership_id, Step::Accept, None).await }

        /// Declines an invitation to the caller.
        fn decline_community_invitation {
            step(ctx, &input.membership_id, Step::Refuse, None).await
        }

        /// Removes a member. Facilitators may; the last facilitator cannot be removed.
        fn remove_community_member {
            step(
                ctx,
                &input.membership_id,
                Step::Remove,
                input.reason.as_deref(),
            )
            .await
        }

        /// Makes a member a facilitator. Facilitators may.
        fn make_community_facilitator { step(ctx, &input.membership_id, Step::Promote, None).await }

        /// Leaves a community. The last facilitator must first make another.
        fn leave_community { leave(ctx, input).await }
    }
}

/// Creates a membership, or reuses a person's ended one (one row per person and community).
async fn open_membership(
    txn: &DatabaseTransaction,
    community: &community::Model,
    person_id: i32,
    status: Status,
    invited_by: Option<i32>,
) -> MutationResult<community_member::Model> {
    let school = member_school(txn, person_id, community.alliance_id)
        .await?
        .map_err(|_| {
            UserError::invalid_state(
                if invited_by.is_some() { "personId" } else { "communityId" },
                "only staff of the alliance's active member schools, and people in its roles, take part",
            )
        })?;
    let existing = community_member::Entity::find()
        .filter(community_member::Column::CommunityId.eq(community.id))
        .filter(community_member::Column::PersonId.eq(person_id))
        .one(txn)
        .await?;
    if let Some(existing) = &existing
        && LIVE.contains(&existing.status)
    {
        return Err(UserError::new(
            if invited_by.is_some() {
                "personId"
            } else {
                "communityId"
            },
            UserErrorCode::Taken,
            match existing.status {
                Status::Active => "already a member",
                Status::Invited => "already invited",
                _ => "already asked to join",
            },
        )
        .into());
    }
    let now = Utc::now();
    let mut row: community_member::ActiveModel = match existing {
        Some(existing) => existing.into(),
        None => community_member::ActiveModel {
            community_id: Set(community.id),
            person_id: Set(person_id),
            ..Default::default()
        },
    };
    row.school_id = Set(school);
    row.role = Set(CommunityRole::Member);
    row.status = Set(status);
    row.reason = Set(None);
    row.invited_by_id = Set(invited_by);
    row.created_at = Set(now);
    row.joined_at = Set(None);
    row.ended_at = Set(None);
    row.updated_at = Set(now);
    Ok(row.save(txn).await?.try_into_model()?)
}

async fn request(
    ctx: &Context<'_>,
    input: RequestToJoinCommunityInput,
) -> MutationResult<CommunityMembership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let community = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    super::open_for_content(&community, "communityId")?;
    let membership =
        open_membership(&txn, &community, access.person_id, Status::Requested, None).await?;
    record(
        &txn,
        &access,
        "community.membership.requested",
        &community,
        &membership,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .join_requested(&txn, &community, &membership)
        .await?;
    notices.commit(txn).await?;
    caller(ctx).forget_access();
    Ok(CommunityMembership(membership))
}

async fn invite(
    ctx: &Context<'_>,
    input: InviteToCommunityInput,
) -> MutationResult<CommunityMembership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let community = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    allowed(
        access.runs_community(&community),
        "only the community's facilitators invite",
    )?;
    super::open_for_content(&community, "communityId")?;
    let person_id = decode_as(&input.person_id, NodeKind::Person)
        .ok_or_else(|| UserError::not_found("personId"))?;
    let exists = entity::person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .is_some();
    if !exists {
        return Err(UserError::not_found("personId").into());
    }
    let membership = open_membership(
        &txn,
        &community,
        person_id,
        Status::Invited,
        Some(access.person_id),
    )
    .await?;
    record(
        &txn,
        &access,
        "community.membership.invited",
        &community,
        &membership,
    )
    .await?;
    txn.commit().await?;
    Ok(CommunityMembership(membership))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Approve,
    Decline,
    Accept,
    Refuse,
    Remove,
    Promote,
}

async fn active_facilitators(
    conn: &impl ConnectionTrait,
    community_id: i32,
) -> Result<u64, sea_orm::DbErr> {
    community_member::Entity::find()
        .filter(community_member::Column::CommunityId.eq(community_id))
        .filter(community_member::Column::Status.eq(Status::Active))
        .filter(community_member::Column::Role.eq(CommunityRole::Facilitator))
        .count(conn)
        .await
}

fn last_facilitator() -> UserError {
    UserError::invalid_state(
        "membershipId",
        "a community keeps at least one facilitator; make another member a facilitator first",
    )
}

async fn step(
    ctx: &Context<'_>,
    id: &ID,
    step: Step,
    reason: Option<&str>,
) -> MutationResult<CommunityMembership> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("membershipId");
    let key = decode_as(id, NodeKind::CommunityMembership).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let membership = community_member::Entity::find_by_id(key)
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let community = community::Entity::find_by_id(membership.community_id)
        .one(&txn)
        .await?
        .filter(|c| access.sees_community_membership(c, &membership))
        .ok_or_else(not_found)?;
    let own = membership.person_id == access.person_id;
    let runs = access.runs_community(&community);
    let (from, to, action) = match step {
        Step::Approve => (Status::Requested, Status::Active, "approved"),
        Step::Decline => (Status::Requested, Status::Declined, "declined"),
        Step::Accept => (Status::Invited, Status::Active, "accepted"),
        Step::Refuse => (Status::Invited, Status::Declined, "refused"),
        Step::Remove => (Status::Active, Status::Removed, "removed"),
        Step::Promote => (Status::Active, Status::Active, "promoted"),
    };
    match step {
        Step::Accept | Step::Refuse => allowed(own, "only the person invited may answer")?,
        _ => allowed(runs, "only the community's facilitators may do this")?,
    }
    if membership.status != from {
        return Err(UserError::wrong_state("membershipId", "membership", membership.status).into());
    }
    let reason = match step {
        Step::Decline => Some(validation::required(
            "reason",
            reason.unwrap_or_default(),
            1000,
        )?),
        Step::Remove => validation::optional("reason", reason, 1000)?,
        _ => None,
    };
    if step == Step::Promote && membership.role == CommunityRole::Facilitator {
        return Err(UserError::invalid_state("membershipId", "already a facilitator").into());
    }
    if matches!(step, Step::Approve | Step::Accept) {
        super::open_for_content(&community, "membershipId")?;
    }
    if step == Step::Remove
        && membership.role == CommunityRole::Facilitator
        && active_facilitators(&txn, community.id).await? <= 1
    {
        return Err(last_facilitator().into());
    }
    let now = Utc::now();
    let mut change: community_member::ActiveModel = membership.clone().into();
    change.status = Set(to);
    change.updated_at = Set(now);
    if step == Step::Promote {
        change.role = Set(CommunityRole::Facilitator);
    }
    if to == Status::Active && membership.joined_at.is_none() {
        change.joined_at = Set(Some(now));
    }
    if matches!(to, Status::Declined | Status::Removed) {
        change.ended_at = Set(Some(now));
        change.reason = Set(reason);
    }
    let membership = change.update(&txn).await?;
    record(
        &txn,
        &access,
        &format!("community.membership.{action}"),
        &community,
        &membership,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    if matches!(step, Step::Approve | Step::Decline) {
        notices.join_answered(&community, &membership);
    }
    notices.commit(txn).await?;
    caller(ctx).forget_access();
    Ok(CommunityMembership(membership))
}

async fn leave(
    ctx: &Context<'_>,
    input: LeaveCommunityInput,
) -> MutationResult<CommunityMembership> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let community = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    let membership = community_member::Entity::find()
        .filter(community_member::Column::CommunityId.eq(community.id))
        .filter(community_member::Column::PersonId.eq(access.person_id))
        .filter(community_member::Column::Status.eq(Status::Active))
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::invalid_state("communityId", "not a member"))?;
    if membership.role == CommunityRole::Facilitator
        && active_facilitators(&txn, community.id).await? <= 1
    {
        return Err(UserError::invalid_state(
            "communityId",
            "a community keeps at least one facilitator; make another member a facilitator first",
        )
        .into());
    }
    let now = Utc::now();
    let mut change: community_member::ActiveModel = membership.into();
    change.status = Set(Status::Left);
    change.ended_at = Set(Some(now));
    change.updated_at = Set(now);
    let membership = change.update(&txn).await?;
    record(
        &txn,
        &access,
        "community.membership.left",
        &community,
        &membership,
    )
    .await?;
    txn.commit().await?;
    caller(ctx).forget_access();
    Ok(CommunityMembership(membership))
}

async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    action: &str,
    community: &community::Model,
    membership: &community_member::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by(
        access.person_id,
        action,
        NodeKind::CommunityMembership.id(membership.id),
    )
    .alliance(Some(community.alliance_id))
    .school(membership.school_id)
    .details(serde_json::json!({
        "community": NodeKind::Community.id(community.id).to_string(),
        "person": NodeKind::Person.id(membership.person_id).to_string(),
        "status": membership.status,
        "role": membership.role,
    }))
    .record(txn)
    .await
}

/// When a school leaves an alliance, its staff's memberships of the alliance's
/// communities end; what they contributed stays, shown with their school.
pub async fn end_for_school(
    txn: &DatabaseTransaction,
    alliance_id: i32,
    school_id: i32,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let communities = Query::select()
        .column(community::Column::Id)
        .from(community::Entity)
        .and_where(community::Column::AllianceId.eq(alliance_id))
        .to_owned();
    community_member::Entity::update_many()
        .col_expr(community_member::Column::Status, Expr::value(Status::Ended))
        .col_expr(community_member::Column::EndedAt, Expr::value(now))
        .col_expr(community_member::Column::UpdatedAt, Expr::value(now))
        .filter(community_member::Column::SchoolId.eq(school_id))
        .filter(community_member::Column::Status.is_in(LIVE))
        .filter(community_member::Column::CommunityId.in_subquery(communities))
        .exec(txn)
        .await?;
    Ok(())
}
