use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AllianceRoleKind, PersonStatus, SchoolPhase, StaffRoleKind};
use entity::{alliance, alliance_role, invitation, person, school, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

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

#[Object]
impl Person {
    pub async fn id(&self) -> ID {
        NodeKind::Person.id(self.0.id)
    }
    async fn given_name(&self) -> &str {
        &self.0.given_name
    }
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    /// Given and family name together.
    async fn display_name(&self) -> String {
        format!("{} {}", self.0.given_name, self.0.family_name)
    }
    /// Seen by the person, the leaders of schools they work at, and the admins of their
    /// alliances; `null` for everyone else (and before signing in).
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if caller(ctx).signed_in().is_err() {
            return Ok(None);
        }
        let access = access(ctx).await?;
        let places = places_of(ctx, self.0.id).await?;
        Ok(access
            .administers_person(self.0.id, &places.schools, &places.alliances)
            .then_some(self.0.email.as_str()))
    }
    async fn status(&self) -> PersonStatus {
        self.0.status
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Roles at schools, oldest first; ended ones only with `includeEnded`.
    pub async fn staff_roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_ended: bool,
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
        #[graphql(default)] include_ended: bool,
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

#[Object]
impl StaffRole {
    pub async fn id(&self) -> ID {
        NodeKind::StaffRole.id(self.0.id)
    }
    /// The person in the role, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Eager<Person>>> {
        Ok(person_in_staff_role(ctx, &self.0).await?.map(Eager))
    }
    async fn school(&self, ctx: &Context<'_>) -> Result<Eager<School>> {
        Ok(Eager(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        )))
    }
    async fn role(&self) -> StaffRoleKind {
        self.0.role
    }
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    async fn subjects(&self) -> Vec<String> {
        strings(&self.0.subjects)
    }
    async fn phases(&self) -> Vec<SchoolPhase> {
        serde_json::from_value(self.0.phases.clone()).unwrap_or_default()
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    async fn is_current(&self) -> bool {
        self.0.ends_on.is_none()
    }
    /// Increases with every change of the job title, subjects or phases; pass it back as
    /// `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

#[Object]
impl Invitation {
    pub async fn id(&self) -> ID {
        NodeKind::Invitation.id(self.0.id)
    }
    /// Where the invitation was sent.
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn given_name(&self) -> &str {
        &self.0.given_name
    }
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    /// The role at `school` it invites into, if it is into a school.
    async fn staff_role(&self) -> Option<StaffRoleKind> {
        self.0.staff_role
    }
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        match self.0.school_id {
            Some(id) => Ok(Some(School(
                load_required::<school::Entity>(ctx, id).await?,
            ))),
            None => Ok(None),
        }
    }
    /// The role in `alliance` it invites into, if it is into an alliance.
    async fn alliance_role(&self) -> Option<AllianceRoleKind> {
        self.0.alliance_role
    }
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
    async fn status(&self) -> InvitationStatus {
        self.status_at(Utc::now())
    }
    /// When it was first sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last sent (with `resendInvitation`, a new link).
    async fn last_sent_at(&self) -> DateTime<Utc> {
        self.0.resent_at.unwrap_or(self.0.created_at)
    }
    /// When its link stops working, unless it is sent again.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.accepted_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

#[Object]
impl AllianceRole {
    pub async fn id(&self) -> ID {
        NodeKind::AllianceRole.id(self.0.id)
    }
    /// The person in the role, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(visible_person(ctx, self.0.person_id).await?)
    }
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Alliance> {
        Ok(alliance_seen_with(ctx, self.0.alliance_id).await?)
    }
    async fn role(&self) -> AllianceRoleKind {
        self.0.role
    }
    /// Areas of expertise (for Specialist Leaders of Education).
    async fn expertise(&self) -> Vec<String> {
        strings(&self.0.expertise)
    }
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    async fn is_current(&self) -> bool {
        self.0.ends_on.is_none()
    }
}
