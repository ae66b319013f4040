use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    AllianceKind, AllianceRoleKind, MembershipRole, MembershipStatus, PartnershipStatus,
};
use entity::{
    alliance, alliance_membership, alliance_role, partnership, partnership_school, school,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::connections;

use super::alliance_seen_with;
use crate::graphql::companion::bring;
use crate::graphql::context::{access, load_required};
use crate::graphql::eager::Eager;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_page, child_page_bringing};
use crate::graphql::pagination::{Page, PageArgs};
use crate::people::invitation_upkeep::waiting_invitations;
use crate::people::{AllianceRole, Invitation, Person, visible_person};
use crate::schools::School;
use crate::support::queries::{SupportOfferFilter, SupportRequestFilter};
use crate::themes::Theme;

crate::wraps! {
    /// A network of schools that work together.
    Alliance(alliance::Model),
    /// A school in an alliance, with its role and where the membership stands.
    AllianceMembership(alliance_membership::Model),
    /// A named collaboration between member schools of one alliance.
    Partnership(partnership::Model),
    /// A school's part in a partnership.
    PartnershipSchool(partnership_school::Model),
}

/// Narrows an alliance's memberships.
#[derive(InputObject, Default, Debug)]
pub struct MembershipFilter {
    /// Only memberships in these states (default: all, history included).
    pub statuses: Option<Vec<MembershipStatus>>,
    /// Only memberships with one of these roles (default: any role).
    pub roles: Option<Vec<MembershipRole>>,
}

/// Narrows an alliance's partnerships.
#[derive(InputObject, Default, Debug)]
pub struct PartnershipFilter {
    /// Only partnerships in these states (default: all, ended ones included).
    pub statuses: Option<Vec<PartnershipStatus>>,
}

/// Narrows an alliance's people in roles.
#[derive(InputObject, Default, Debug)]
pub struct AllianceRoleFilter {
    /// Only these roles (default: every role).
    pub roles: Option<Vec<AllianceRoleKind>>,
    /// Also list roles that have ended (default: current roles only).
    #[graphql(default)]
    pub include_ended: bool,
}

/// A network of schools that work together: a teaching school alliance, a multi-academy
/// trust, a local cluster or a research-school network. Seen by people with a role in it,
/// staff of schools invited to or in it (until their membership ends) and platform admins.
#[connections]
#[Object]
impl Alliance {
    /// The alliance's global id.
    pub async fn id(&self) -> ID {
        NodeKind::Alliance.id(self.0.id)
    }
    /// The alliance's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What sort of network the alliance is.
    async fn kind(&self) -> AllianceKind {
        self.0.kind
    }
    /// Where the alliance is going.
    async fn vision(&self) -> Option<&str> {
        self.0.vision.as_deref()
    }
    /// What the alliance is and does, in its own words; `null` when not given.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the alliance was started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the alliance's details last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Whether the caller administers this alliance (admin or CPD lead).
    async fn viewer_can_administer(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.administers_alliance(self.0.id))
    }

    /// The release-time ledger: per active member school, the days its staff gave other
    /// schools and the days it received, over a term or an academic year. The alliance's
    /// admins and CPD leads see every school; a school's leaders see their own; others see
    /// none.
    async fn release_ledger(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "The term or academic year; without it, the current term.")]
        period: Option<crate::release::ReleasePeriodInput>,
    ) -> Result<Page<crate::release::ReleaseLedgerRow>> {
        let term = crate::release::term_of(period)?;
        Ok(crate::release::ledger::alliance_ledger(ctx, self.0.id, term, &args).await?)
    }

    /// Whether the alliance's give and take of staff time is fair (givers, receivers, the
    /// share of the largest giver), for its admins and CPD leads; `null` for others.
    async fn release_fairness(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The term or academic year; without it, the current term.")]
        period: Option<crate::release::ReleasePeriodInput>,
    ) -> Result<Option<crate::release::ReleaseFairness>> {
        let term = crate::release::term_of(period)?;
        Ok(crate::release::ledger::fairness(ctx, self.0.id, term).await?)
    }

    /// Member schools, in the order they were invited; history included unless filtered.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by status and role.")] filter: Option<MembershipFilter>,
    ) -> Result<Page<AllianceMembership>> {
        let filter = filter.unwrap_or_default();
        let mut condition = Condition::all();
        if let Some(statuses) = &filter.statuses {
            condition = condition.add(alliance_membership::Column::Status.is_in(statuses.clone()));
        }
        if let Some(roles) = &filter.roles {
            condition = condition.add(alliance_membership::Column::Role.is_in(roles.clone()));
        }
        let list = ChildList::<alliance_membership::Entity>::new(
            self.0.id,
            alliance_membership::Column::AllianceId,
            condition,
        );
        let schools = bring::<school::Entity, alliance_membership::Entity>(
            ctx,
            "school",
            alliance_membership::Column::SchoolId,
        );
        Ok(child_page_bringing(ctx, list, schools, &args).await?)
    }

    /// Partnerships of member schools, oldest first.
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by status.")] filter: Option<PartnershipFilter>,
    ) -> Result<Page<Partnership>> {
        let filter = filter.unwrap_or_default();
        let mut condition = Condition::all();
        if let Some(statuses) = &filter.statuses {
            condition = condition.add(partnership::Column::Status.is_in(statuses.clone()));
        }
        let list = ChildList::<partnership::Entity>::new(
            self.0.id,
            partnership::Column::AllianceId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }

    /// People in alliance roles: admins, CPD leads, facilitators, Specialist Leaders of
    /// Education.
    async fn roles(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by role; ended roles are left out unless asked for.")]
        filter: Option<AllianceRoleFilter>,
    ) -> Result<Page<AllianceRole>> {
        let filter = filter.unwrap_or_default();
        let mut condition = Condition::all();
        if !filter.include_ended {
            condition = condition.add(alliance_role::Column::EndsOn.is_null());
        }
        if let Some(roles) = &filter.roles {
            condition = condition.add(alliance_role::Column::Role.is_in(roles.clone()));
        }
        let list = ChildList::<alliance_role::Entity>::new(
            self.0.id,
            alliance_role::Column::AllianceId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }

    /// Invitations into the alliance's roles that wait for an answer (expired ones
    /// included, to send again), in the order sent. Listed to its admins and CPD leads;
    /// empty for everyone else. Invitations into its schools' staff are listed by each
    /// school (`School.pendingInvitations`).
    async fn pending_invitations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<Invitation>> {
        let column = entity::invitation::Column::AllianceId;
        Ok(waiting_invitations(ctx, self.0.id, column, args).await?)
    }

    /// Themes this alliance added to the shared taxonomy.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        Ok(crate::themes::alliance_themes(ctx, self.0.id).await?)
    }

    /// Support requests of the alliance's schools that the caller can see, oldest first.
    async fn support_requests(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the requests.")] filter: Option<SupportRequestFilter>,
    ) -> Result<Page<crate::support::SupportRequest>> {
        let column = entity::support_request::Column::AllianceId;
        crate::support::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }

    /// Invitations to lead made in the alliance, oldest first: all of them for its admins
    /// and CPD leads, who coordinate who leads what; for anyone else only those they sent
    /// or received.
    async fn leadership_invitations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Only those in any of these statuses.")] statuses: Option<
            Vec<entity::enums::LeadershipStatus>,
        >,
    ) -> Result<Page<crate::leadership::LeadershipInvitation>> {
        crate::leadership::queries::alliance_invitations(ctx, self.0.id, args, statuses).await
    }

    /// Offers of support in the alliance that the caller can see, oldest first.
    async fn support_offers(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the offers.")] filter: Option<SupportOfferFilter>,
    ) -> Result<Page<crate::support::SupportOffer>> {
        let column = entity::support_offer::Column::AllianceId;
        crate::support::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }
}

/// A school's membership of an alliance: its role there and where the membership stands,
/// from the invitation to the school leaving. Ended memberships stay as history.
#[Object]
impl AllianceMembership {
    /// The membership's global id.
    pub async fn id(&self) -> ID {
        NodeKind::AllianceMembership.id(self.0.id)
    }
    /// The alliance the school belongs to.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Alliance> {
        Ok(alliance_seen_with(ctx, self.0.alliance_id).await?)
    }
    /// The member school.
    async fn school(&self, ctx: &Context<'_>) -> Result<Eager<School>> {
        Ok(Eager(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        )))
    }
    /// The school's role in the alliance.
    async fn role(&self) -> MembershipRole {
        self.0.role
    }
    /// Where the membership stands: invited, active, suspended, left or declined.
    async fn status(&self) -> MembershipStatus {
        self.0.status
    }
    /// Who invited the school, if the caller can see them.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.0.invited_by_id {
            Some(id) => Ok(visible_person(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// When the alliance invited the school.
    async fn invited_at(&self) -> DateTime<Utc> {
        self.0.invited_at
    }
    /// When the school's leader accepted.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        self.0.joined_at
    }
    /// When the school left, or declined the invitation.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
    /// Increases with every change; pass it back as `expectedVersion` to change the role
    /// safely.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A named collaboration between two or more member schools of one alliance, such as a
/// maths-mastery partnership or a transition partnership of a secondary and its feeder
/// primaries. Seen by those who see its alliance.
#[connections]
#[Object]
impl Partnership {
    /// The partnership's global id.
    pub async fn id(&self) -> ID {
        NodeKind::Partnership.id(self.0.id)
    }
    /// The alliance whose member schools form the partnership.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Alliance> {
        Ok(alliance_seen_with(ctx, self.0.alliance_id).await?)
    }
    /// The partnership's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the schools work together on; `null` when not given.
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    /// The school that leads the partnership, one of its schools.
    async fn lead_school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.lead_school_id).await?,
        ))
    }
    /// Whether the partnership is active or has ended.
    async fn status(&self) -> PartnershipStatus {
        self.0.status
    }
    /// The day the partnership began.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// The day the partnership ended; `null` while it is active.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Schools in the partnership, in the order they joined; those that left are listed
    /// only with `includeLeft`.
    async fn schools(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(default, desc = "Also list schools that have left (default: no).")]
        include_left: bool,
    ) -> Result<Page<PartnershipSchool>> {
        let mut condition = Condition::all();
        if !include_left {
            condition = condition.add(partnership_school::Column::LeftOn.is_null());
        }
        let list = ChildList::<partnership_school::Entity>::new(
            self.0.id,
            partnership_school::Column::PartnershipId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }
}

/// A school's part in a partnership: when it joined and, once it has, when it left.
#[Object]
impl PartnershipSchool {
    /// The global id of the school's part in the partnership.
    pub async fn id(&self) -> ID {
        NodeKind::PartnershipSchool.id(self.0.id)
    }
    /// The partnership.
    async fn partnership(&self, ctx: &Context<'_>) -> Result<Partnership> {
        let row = load_required::<partnership::Entity>(ctx, self.0.partnership_id).await?;
        // Seen with its alliance: checked all the same.
        alliance_seen_with(ctx, row.alliance_id).await?;
        Ok(Partnership(row))
    }
    /// The school taking part.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
    /// The day the school joined the partnership.
    async fn joined_on(&self) -> NaiveDate {
        self.0.joined_on
    }
    /// The day the school left the partnership; `null` while it takes part.
    async fn left_on(&self) -> Option<NaiveDate> {
        self.0.left_on
    }
}
