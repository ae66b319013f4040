use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AllianceRoleKind, PersonStatus, SchoolPhase, StaffRoleKind};
use entity::{alliance, alliance_role, invitation, person, school, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::fields;

use super::places::places_of;
use super::{person_in_staff_role, visible_person};
use crate::alliances::{Alliance, alliance_seen_with};
use crate::graphql::context::{access, caller, load_required};
use crate::graphql::eager::Eager;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_rows};
use crate::schools::School;

crate::wraps! {
    /// Someone with an account: staff at one or more schools, or in alliance roles.
    Person(person::Model),
    /// A person's role at a school.
    StaffRole(staff_role::Model),
    /// A person's role in an alliance.
    AllianceRole(alliance_role::Model),
    /// An invitation of someone, by email, into a staff role at a school or a role in an
    /// alliance. Seen only by those who manage it (who may send it): the school's leaders,
    /// its alliances' admins, or the alliance's admins. The token travels only in the email.
    Invitation(invitation::Model),
}

/// Where an invitation stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvitationStatus {
    /// Sent, not yet answered; its link works.
    Pending,
    /// Not answered in time; its link no longer works. It can be sent again.
    Expired,
    /// Accepted: the person holds the role.
    Accepted,
    /// Withdrawn; its link no longer works.
    Revoked,
}

impl Invitation {
    pub fn status_at(&self, now: DateTime<Utc>) -> InvitationStatus {
        if self.0.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.0.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.0.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// Someone with an account, one per human, by email: staff at one or more schools, or in
/// alliance roles. Seen by themself, by platform admins, and by colleagues and people of
/// the same alliances: those whose network includes a school where the person works now,
/// or who see an alliance where the person holds a current role.
#[fields(
    /// The person's global id.
    id = NodeKind::Person,
    /// The person's given (first) name.
    given_name: &str,
    /// The person's family name (surname).
    family_name: &str,
    /// Whether the person may sign in (`ACTIVE`) or has been disabled.
    status: PersonStatus,
    /// When the account was created.
    created_at: DateTime<Utc>,
)]
#[Object]
impl Person {
    /// Their days out of school this term (events attended or booked, support given)
    /// against their school's limit; for themself and the leaders of a school they work
    /// at, `null` for others.
    async fn days_out_this_term(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::release::DaysOutThisTerm>> {
        Ok(crate::release::days_out::days_out_this_term(ctx, self.0.id).await?)
    }
    /// Given and family name together.
    async fn display_name(&self) -> String {
        self.0.full_name()
    }
    /// Seen by the person, the leaders of schools they work at, and the admins of their
    /// alliances; `null` for everyone else (and before signing in).
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if caller(ctx).is_anonymous() {
            return Ok(None);
        }
        let access = access(ctx).await?;
        let places = places_of(ctx, self.0.id).await?;
        Ok(access
            .administers_person(self.0.id, &places.schools, &places.alliances)
            .then_some(self.0.email.as_str()))
    }
    /// Roles at schools, oldest first; ended ones only with `includeEnded`.
    pub async fn staff_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Also list roles that have ended (default: no).")]
        include_ended: bool,
    ) -> Result<Vec<StaffRole>> {
        let condition = current_only(include_ended, staff_role::Column::EndsOn);
        let list = ChildList::<staff_role::Entity>::new(
            self.0.id,
            staff_role::Column::PersonId,
            condition,
        );
        Ok(child_rows(ctx, list)
            .await?
            .into_iter()
            .map(StaffRole)
            .collect())
    }
    /// Roles in alliances the caller can see, oldest first; ended ones only with
    /// `includeEnded`.
    pub async fn alliance_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default, desc = "Also list roles that have ended (default: no).")]
        include_ended: bool,
    ) -> Result<Vec<AllianceRole>> {
        let access = access(ctx).await?;
        let condition = current_only(include_ended, alliance_role::Column::EndsOn)
            .add(access.alliance_condition(alliance_role::Column::AllianceId));
        let list = ChildList::<alliance_role::Entity>::new(
            self.0.id,
            alliance_role::Column::PersonId,
            condition,
        );
        Ok(child_rows(ctx, list)
            .await?
            .into_iter()
            .map(AllianceRole)
            .collect())
    }
}

/// Roles whose end date is not set, unless ended ones are wanted too.
fn current_only(include_ended: bool, ends_on: impl ColumnTrait) -> Condition {
    if include_ended {
        Condition::all()
    } else {
        Condition::all().add(ends_on.is_null())
    }
}

/// A person's role at a school (teacher, headteacher, school CPD lead...), with what they
/// teach and when the role began and ended. Ended roles stay as history. Seen with its
/// person.
#[fields(
    /// The staff role's global id.
    id = NodeKind::StaffRole,
    /// The kind of role, which decides what the person may do at the school.
    role: StaffRoleKind,
    /// The person's job title at the school, in the school's words (for example "Head of
    /// Year 9"); `null` when not given.
    job_title: Option<&str>,
    /// The day the role began.
    starts_on: NaiveDate,
    /// The day the role ended; `null` while it is current.
    ends_on: Option<NaiveDate>,
    /// Increases with every change of the job title, subjects or phases; pass it back as
    /// `expectedVersion` to update safely.
    version: i32,
)]
#[Object]
impl StaffRole {
    /// The person in the role, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Eager<Person>>> {
        Ok(person_in_staff_role(ctx, &self.0).await?.map(Eager))
    }
    /// The school the person works at.
    async fn school(&self, ctx: &Context<'_>) -> Result<Eager<School>> {
        Ok(Eager(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        )))
    }
    /// The subjects the person teaches or leads, as free text labels; empty when none
    /// are given.
    async fn subjects(&self) -> Vec<String> {
        strings(&self.0.subjects)
    }
    /// The phases of education the person works in; empty when none are given.
    async fn phases(&self) -> Vec<SchoolPhase> {
        serde_json::from_value(self.0.phases.clone()).unwrap_or_default()
    }
    /// Whether the role is current (it has no end date).
    async fn is_current(&self) -> bool {
        self.0.ends_on.is_none()
    }
}

/// An invitation of someone, by email, into a staff role at a school or a role in an
/// alliance. Seen only by those who may send it: the school's leaders and its alliances'
/// admins and CPD leads, or the alliance's admins and CPD leads. Its token travels only in the email.
#[fields(
    /// The invitation's global id.
    id = NodeKind::Invitation,
    /// Where the invitation was sent.
    email: &str,
    /// The given name of the person invited, as the inviter wrote it.
    given_name: &str,
    /// The family name of the person invited, as the inviter wrote it.
    family_name: &str,
    /// The role at `school` it invites into, if it is into a school.
    staff_role: Option<StaffRoleKind>,
    /// The job title the staff role will have; `null` when not given, and for invitations
    /// into an alliance.
    job_title: Option<&str>,
    /// The role in `alliance` it invites into, if it is into an alliance.
    alliance_role: Option<AllianceRoleKind>,
    /// When it was first sent.
    created_at: DateTime<Utc>,
    /// When its link stops working, unless it is sent again.
    expires_at: DateTime<Utc>,
    /// When the invitation was accepted; `null` until it is.
    accepted_at: Option<DateTime<Utc>>,
    /// When the invitation was revoked; `null` unless it was.
    revoked_at: Option<DateTime<Utc>>,
)]
#[Object]
impl Invitation {
    /// The school it invites into; `null` for an invitation into an alliance.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        match self.0.school_id {
            Some(id) => Ok(Some(School(
                load_required::<school::Entity>(ctx, id).await?,
            ))),
            None => Ok(None),
        }
    }
    /// The alliance it invites into; `null` for an invitation into a school, or when the
    /// caller cannot see the alliance.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        let access = access(ctx).await?;
        match self.0.alliance_id.filter(|id| access.sees_alliance(*id)) {
            Some(id) => Ok(Some(Alliance(
                load_required::<alliance::Entity>(ctx, id).await?,
            ))),
            None => Ok(None),
        }
    }
    /// Who sent it, if the caller can see them.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(visible_person(ctx, self.0.invited_by_id).await?)
    }
    /// Where the invitation stands now: pending, expired, accepted or revoked.
    async fn status(&self) -> InvitationStatus {
        self.status_at(Utc::now())
    }
    /// When it was last sent (with `resendInvitation`, a new link).
    async fn last_sent_at(&self) -> DateTime<Utc> {
        self.0.resent_at.unwrap_or(self.0.created_at)
    }
}

/// A person's role in an alliance: admin, CPD lead, facilitator or Specialist Leader of
/// Education. Ended roles stay as history. Seen by those who see the alliance.
#[fields(
    /// The alliance role's global id.
    id = NodeKind::AllianceRole,
    /// The kind of role, which decides what the person may do in the alliance.
    role: AllianceRoleKind,
    /// The day the role began.
    starts_on: NaiveDate,
    /// The day the role ended; `null` while it is current.
    ends_on: Option<NaiveDate>,
)]
#[Object]
impl AllianceRole {
    /// The person in the role, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(visible_person(ctx, self.0.person_id).await?)
    }
    /// The alliance the role is in.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Alliance> {
        Ok(alliance_seen_with(ctx, self.0.alliance_id).await?)
    }
    /// Areas of expertise (for Specialist Leaders of Education).
    async fn expertise(&self) -> Vec<String> {
        strings(&self.0.expertise)
    }
    /// Whether the role is current (it has no end date).
    async fn is_current(&self) -> bool {
        self.0.ends_on.is_none()
    }
}
