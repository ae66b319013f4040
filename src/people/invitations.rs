//! Inviting people by email into a role, and accepting an invitation. Who may invite is
//! decided in `auth::policy::invitations`; sending again and revoking are in
//! `invitation_upkeep`.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::Utc;
use entity::enums::{AllianceRoleKind, PersonStatus, SchoolPhase, StaffRoleKind};
use entity::{alliance, alliance_role, invitation, person, school, staff_role};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use trellis_macros::mutations;

use super::invitation_upkeep::unanswered;
use super::sessions::Session;
use super::{Invitation, employment};
use crate::alliances::administered_alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::auth::{passwords, sessions, tokens};
use crate::config::INVITATION_TTL;
use crate::db::begin_write;
use crate::errors::{ApiError, MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::InsertFirst;
use crate::mail::Email;
use crate::payload;
use crate::validation;
use crate::webhooks::{Event, emit};

/// What the role will hold once accepted.
#[derive(Serialize, Deserialize, Default)]
struct RoleDetails {
    #[serde(default)]
    subjects: Vec<String>,
    #[serde(default)]
    phases: Vec<SchoolPhase>,
    #[serde(default)]
    expertise: Vec<String>,
}

/// Someone to invite by email into a role at a school.
#[derive(InputObject)]
pub struct InviteStaffMemberInput {
    /// The school the role is at.
    pub school_id: ID,
    /// Where to send the invitation (at most 254 characters); it is the account's email
    /// once accepted.
    pub email: String,
    /// The person's given name (at most 100 characters).
    pub given_name: String,
    /// The person's family name (at most 100 characters).
    pub family_name: String,
    /// The role at the school the invitation grants once accepted.
    pub role: StaffRoleKind,
    /// The job title the role will have (at most 200 characters).
    pub job_title: Option<String>,
    /// Subjects the person teaches or leads (at most 30, each at most 100 characters;
    /// default: none).
    #[graphql(default)]
    pub subjects: Vec<String>,
    /// Phases of education the person works in (default: none).
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
}

/// Someone to invite by email into a role in an alliance.
#[derive(InputObject)]
pub struct InvitePersonToAllianceInput {
    /// The alliance the role is in.
    pub alliance_id: ID,
    /// Where to send the invitation (at most 254 characters); it is the account's email
    /// once accepted.
    pub email: String,
    /// The person's given name (at most 100 characters).
    pub given_name: String,
    /// The person's family name (at most 100 characters).
    pub family_name: String,
    /// The role in the alliance the invitation grants once accepted.
    pub role: AllianceRoleKind,
    /// Areas of expertise, for Specialist Leaders of Education.
    #[graphql(default)]
    pub expertise: Vec<String>,
}

/// The invitation to accept, from its email.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from the invitation email.
    pub token: String,
    /// The new account's password (8 to 128 characters, not a common one). Not needed by
    /// someone who already has a password.
    pub password: Option<String>,
}

payload!(InviteStaffMemberPayload {
    invitation: Invitation
});
payload!(InvitePersonToAlliancePayload {
    invitation: Invitation
});
payload!(AcceptInvitationPayload { session: Session });

#[derive(Default)]
pub struct InvitationMutation;

mutations! {
    impl InvitationMutation {
        /// Invites someone by email into a role at a school. The school's leaders and the
        /// admins and CPD leads of alliances it is an active member of may. So that a new
        /// school can get going, the admins and CPD leads of an alliance it is a member of, or
        /// invited to, may invite its first leader (headteacher, senior leader or school CPD
        /// lead) while it has none. An email is invited into a role once at a time: while
        /// that invitation waits for an answer, send it again or revoke it instead.
        fn invite_staff_member { invite_staff(ctx, input).await }

        /// Invites someone by email into a role in an alliance. Its admins and CPD leads may;
        /// an email is invited into a role once at a time.
        fn invite_person_to_alliance { invite_to_alliance(ctx, input).await }

        /// Accepts an invitation: creates the account (or uses the existing one), grants the
        /// role and signs in. Each invitation works once, until it expires.
        fn accept_invitation { accept(ctx, input).await }
    }
}

/// The person's names and email, checked.
fn invitee(email: &str, given: &str, family: &str) -> MutationResult<(String, String, String)> {
    Ok((
        validation::email("email", email)?,
        validation::required("givenName", given, 100)?,
        validation::required("familyName", family, 100)?,
    ))
}

async fn invite_staff(
    ctx: &Context<'_>,
    input: InviteStaffMemberInput,
) -> MutationResult<Invitation> {
    let access = access(ctx).await?;
    let school_id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    let txn = begin_write(db(ctx)).await?;
    // Schools are public: an unknown one is reported as such before asking who may invite.
    let exists = school::Entity::find_by_id(school_id).count(&txn).await? > 0;
    if !exists {
        return Err(UserError::not_found("schoolId").into());
    }
    allowed(
        access.manages_school(school_id)
            || (input.role.leads_school() && first_leader_wanted(&txn, &access, school_id).await?),
        "only the school's leaders and its alliances' admins invite its staff (an alliance's admins and CPD leads may invite the first leader of a school in or invited to the alliance)",
    )?;
    let (email, given, family) = invitee(&input.email, &input.given_name, &input.family_name)?;
    let job_title = validation::optional("jobTitle", input.job_title.as_deref(), 200)?;
    let details = RoleDetails {
        subjects: validation::labels("subjects", &input.subjects)?,
        phases: input.phases,
        expertise: Vec::new(),
    };
    let same_email = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::Email.eq(email.as_str()))
        .to_owned();
    let already = staff_role::Entity::find()
        .filter(staff_role::Column::PersonId.in_subquery(same_email))
        .filter(staff_role::Column::SchoolId.eq(school_id))
        .filter(staff_role::Column::Role.eq(input.role))
        .filter(staff_role::Column::EndsOn.is_null())
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(UserError::new(
            "email",
            UserErrorCode::Taken,
            "this person already holds this role at the school",
        )
        .into());
    }
    let same_place = Condition::all()
        .add(invitation::Column::SchoolId.eq(school_id))
        .add(invitation::Column::StaffRole.eq(input.role));
    refuse_second_invitation(&txn, &email, same_place).await?;
    let draft = invitation::ActiveModel {
        school_id: Set(Some(school_id)),
        staff_role: Set(Some(input.role)),
        job_title: Set(job_title),
        ..Default::default()
    };
    send(ctx, txn, &access, draft, (email, given, family), details).await
}

/// Whether the caller may invite the first leader of a school that has none: see
/// `auth::policy::invitations`.
async fn first_leader_wanted(
    txn: &DatabaseTransaction,
    access: &Access,
    school_id: i32,
) -> Result<bool, sea_orm::DbErr> {
    Ok(school::Entity::find_by_id(school_id)
        .filter(access.first_leader_condition(school::Column::Id))
        .count(txn)
        .await?
        > 0)
}

/// Refuses a second invitation of the same email into the same role while one waits for
/// an answer (even past its expiry): that one is sent again or revoked instead, so that
/// inviting anew cannot get round the spacing of `resendInvitation`.
async fn refuse_second_invitation(
    txn: &DatabaseTransaction,
    email: &str,
    same_place: Condition,
) -> MutationResult<()> {
    let waiting = invitation::Entity::find()
        .filter(invitation::Column::Email.eq(email))
        .filter(same_place)
        .filter(unanswered())
        .count(txn)
        .await?;
    if waiting > 0 {
        return Err(UserError::new(
            "email",
            UserErrorCode::Taken,
            "an invitation of this person into this role is waiting for an answer; send it again or revoke it",
        )
        .into());
    }
    Ok(())
}

async fn invite_to_alliance(
    ctx: &Context<'_>,
    input: InvitePersonToAllianceInput,
) -> MutationResult<Invitation> {
    let access = access(ctx).await?;
    let alliance_id = administered_alliance(
        &access,
        &input.alliance_id,
        "only the alliance's admins and CPD leads invite people into its roles",
    )?;
    let (email, given, family) = invitee(&input.email, &input.given_name, &input.family_name)?;
    let details = RoleDetails {
        expertise: validation::labels("expertise", &input.expertise)?,
        ..Default::default()
    };
    let txn = begin_write(db(ctx)).await?;
    let exists = alliance::Entity::find_by_id(alliance_id)
        .count(&txn)
        .await?
        > 0;
    if !exists {
        return Err(UserError::not_found("allianceId").into());
    }
    let same_place = Condition::all()
        .add(invitation::Column::AllianceId.eq(alliance_id))
        .add(invitation::Column::AllianceRole.eq(input.role));
    refuse_second_invitation(&txn, &email, same_place).await?;
    let draft = invitation::ActiveModel {
        alliance_id: Set(Some(alliance_id)),
        alliance_role: Set(Some(input.role)),
        ..Default::default()
    };
    send(ctx, txn, &access, draft, (email, given, family), details).await
}

/// Stores the invitation with a fresh single-use token, records it, and emails the token.
async fn send(
    ctx: &Context<'_>,
    txn: DatabaseTransaction,
    access: &Access,
    mut draft: invitation::ActiveModel,
    (email, given, family): (String, String, String),
    details: RoleDetails,
) -> MutationResult<Invitation> {
    let token = tokens::new_secret_token();
    let now = Utc::now();
    draft.email = Set(email);
    draft.given_name = Set(given);
    draft.family_name = Set(family);
    draft.token_hash = Set(tokens::digest(&token));
    draft.role_details = Set(serde_json::to_value(details).map_err(ApiError::internal)?);
    draft.invited_by_id = Set(access.actor());
    draft.created_at = Set(now);
    draft.expires_at = Set(now + INVITATION_TTL);
    let invitation = draft.insert(&txn).await?;
    emit(&txn, Event::invitation(&invitation)).await?;
    AuditEntry::by_caller(access, "invitation.sent", invitation_place(&invitation))
        .alliance(invitation.alliance_id)
        .school(invitation.school_id)
        .details(serde_json::json!({
            "invitation": NodeKind::Invitation.id(invitation.id).to_string(),
            "staffRole": invitation.staff_role,
            "allianceRole": invitation.alliance_role,
        }))
        .record(&txn)
        .await?;
    let place = place_of(&txn, &invitation).await?;
    txn.commit().await?;
    email_invitation(ctx, &invitation, &token, &place);
    Ok(Invitation(invitation))
}

/// The role and the school or alliance an invitation is into, in words for its email.
pub(super) async fn place_of(
    conn: &impl ConnectionTrait,
    invitation: &invitation::Model,
) -> Result<String, sea_orm::DbErr> {
    let school = match invitation.school_id {
        Some(id) => school::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let alliance = match invitation.alliance_id {
        Some(id) => alliance::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(match (invitation.staff_role, invitation.alliance_role) {
        (Some(role), _) => format!("{role:?} at {}", school.map(|s| s.name).unwrap_or_default()),
        (None, Some(role)) => {
            format!(
                "{role:?} in {}",
                alliance.map(|a| a.name).unwrap_or_default()
            )
        }
        (None, None) => unreachable!("an invitation is into a role"),
    })
}

/// Queues the email of an invitation's link and token, once it has committed. A failure to
/// send is logged, not fatal: the invitation stands, and can be sent again.
pub(super) fn email_invitation(
    ctx: &Context<'_>,
    invitation: &invitation::Model,
    token: &str,
    place: &str,
) {
    let services = services(ctx);
    let message = Email {
        to: invitation.email.clone(),
        subject: "You are invited to Trellis".into(),
        body: format!(
            "Hello {},\n\nYou are invited to join Trellis as {place}.\n\nAccept the invitation: {}/accept-invitation?token={token}\n\nOr use this invitation token with the acceptInvitation mutation: {token}\n\nThe invitation expires on {}.\n",
            invitation.given_name,
            services.public_url,
            invitation.expires_at.format("%-d %B %Y"),
        ),
    };
    services.notifier.mail(message);
}

async fn accept(ctx: &Context<'_>, input: AcceptInvitationInput) -> MutationResult<Session> {
    let invalid = || {
        UserError::new(
            "token",
            UserErrorCode::InvalidCredentials,
            "this invitation is not valid: it was used, has expired, or the link is incomplete",
        )
    };
    let txn = begin_write(db(ctx)).await?;
    let invitation = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(tokens::digest(input.token.trim())))
        .one(&txn)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > Utc::now())
        .ok_or_else(invalid)?;
    // Claim the invitation before anything else: of two acceptances racing (or an
    // acceptance and a revocation), the second finds it taken (on PostgreSQL it waits for
    // the first to commit, then matches no row).
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Utc::now()))
        .filter(invitation::Column::Id.eq(invitation.id))
        .filter(unanswered())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid().into());
    }
    let existing = person::Entity::find()
        .filter(person::Column::Email.eq(invitation.email.as_str()))
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|p| p.status == PersonStatus::Disabled)
    {
        return Err(UserError::invalid_state(
            "token",
            "this account is disabled; ask a school leader to enable it",
        )
        .into());
    }
    let needs_password = existing.as_ref().is_none_or(|p| p.password_hash.is_none());
    let password_hash = if needs_password {
        let password = input.password.ok_or_else(|| {
            UserError::new("password", UserErrorCode::WeakPassword, "choose a password")
        })?;
        let inputs = [
            invitation.email.as_str(),
            invitation.given_name.as_str(),
            invitation.family_name.as_str(),
        ];
        if let Some(weakness) = passwords::weakness(&password, &inputs) {
            return Err(UserError::new("password", UserErrorCode::WeakPassword, weakness).into());
        }
        Some(
            tokio::task::spawn_blocking(move || passwords::hash(&password))
                .await
                .map_err(ApiError::internal)?,
        )
    } else {
        None
    };
    let now = Utc::now();
    let person = match existing {
        Some(person) => {
            let mut change: person::ActiveModel = person.into();
            if let Some(hash) = password_hash {
                change.password_hash = Set(Some(hash));
            }
            change.updated_at = Set(now);
            change.update(&txn).await?
        }
        None => {
            person::ActiveModel {
                email: Set(invitation.email.clone()),
                given_name: Set(invitation.given_name.clone()),
                family_name: Set(invitation.family_name.clone()),
                status: Set(PersonStatus::Active),
                password_hash: Set(password_hash),
                is_platform_admin: Set(false),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?
        }
    };
    grant_role(&txn, &invitation, person.id).await?;
    AuditEntry::by(
        person.id,
        "invitation.accepted",
        invitation_place(&invitation),
    )
    .alliance(invitation.alliance_id)
    .school(invitation.school_id)
    .details(serde_json::json!({
        "staffRole": invitation.staff_role,
        "allianceRole": invitation.alliance_role,
    }))
    .record(&txn)
    .await?;
    let issued = sessions::start(&txn, &services(ctx).keys, person.id).await?;
    txn.commit().await?;
    Session::from_issued(ctx, issued).await
}

/// The school or alliance an invitation is into, as a global id.
fn invitation_place(invitation: &invitation::Model) -> ID {
    match (invitation.school_id, invitation.alliance_id) {
        (Some(school), _) => NodeKind::School.id(school),
        (None, Some(alliance)) => NodeKind::Alliance.id(alliance),
        (None, None) => unreachable!("an invitation is into a school or an alliance"),
    }
}

async fn grant_role(
    txn: &DatabaseTransaction,
    invitation: &invitation::Model,
    person_id: i32,
) -> MutationResult<()> {
    let details: RoleDetails =
        serde_json::from_value(invitation.role_details.clone()).unwrap_or_default();
    let today = Utc::now().date_naive();
    // A staff role's start tells delta sync in `employment`; an alliance role's, below.
    if let (Some(school_id), Some(role)) = (invitation.school_id, invitation.staff_role) {
        let holds = staff_role::Entity::find()
            .filter(staff_role::Column::PersonId.eq(person_id))
            .filter(staff_role::Column::SchoolId.eq(school_id))
            .filter(staff_role::Column::Role.eq(role))
            .filter(staff_role::Column::EndsOn.is_null())
            .count(txn)
            .await?
            > 0;
        if holds {
            return Ok(());
        }
        employment::start_staff_role(
            txn,
            employment::NewStaffRole {
                person_id,
                school_id,
                role,
                job_title: invitation.job_title.clone(),
                subjects: details.subjects.clone(),
                phases: details.phases.clone(),
                starts_on: today,
            },
        )
        .await?;
    }
    if let (Some(alliance_id), Some(role)) = (invitation.alliance_id, invitation.alliance_role) {
        let holds = alliance_role::Entity::find()
            .filter(alliance_role::Column::PersonId.eq(person_id))
            .filter(alliance_role::Column::AllianceId.eq(alliance_id))
            .filter(alliance_role::Column::Role.eq(role))
            .filter(alliance_role::Column::EndsOn.is_null())
            .count(txn)
            .await?
            > 0;
        if holds {
            return Ok(());
        }
        // Seen at a new place, by some for the first time.
        crate::sync::person_changed(txn, person_id).await?;
        alliance_role::ActiveModel {
            person_id: Set(person_id),
            alliance_id: Set(alliance_id),
            role: Set(role),
            expertise: Set(serde_json::json!(details.expertise)),
            starts_on: Set(today),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
