use async_graphql::{Context, InputObject, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    AllianceKind, AllianceRoleKind, MembershipRole, MembershipStatus, PartnershipStatus,
};
use entity::{
    alliance, alliance_membership, alliance_role, partnership, partnership_school, school,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use super::alliance_seen_with;
use crate::graphql::companion::bring;
use crate::graphql::context::{access, load_required};
use crate::graphql::eager::Eager;
use crate::graphql::filters::any_of;
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
#[fields(
    /// The alliance's global id.
    id = NodeKind::Alliance,
    /// The alliance's name.
    name: &str,
    /// What sort of network the alliance is.
    kind: AllianceKind,
    /// Where the alliance is going.
    vision: Option<&str>,
    /// What the alliance is and does, in its own words; `null` when not given.
    description: Option<&str>,
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When the alliance was started.
    created_at: DateTime<Utc>,
    /// When the alliance's details last changed.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
impl Alliance {
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
        let condition = Condition::all()
            .add_option(any_of(
                alliance_membership::Column::Status,
                &filter.statuses,
            ))
            .add_option(any_of(alliance_membership::Column::Role, &filter.roles));
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
        let condition =
            Condition::all().add_option(any_of(partnership::Column::Status, &filter.statuses));
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
        let condition = Condition::all()
            .add_option((!filter.include_ended).then(|| alliance_role::Column::EndsOn.is_null()))
            .add_option(any_of(alliance_role::Column::Role, &filter.roles));
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
#[fields(
    /// The membership's global id.
    id = NodeKind::AllianceMembership,
    /// The school's role in the alliance.
    role: MembershipRole,
    /// Where the membership stands: invited, active, suspended, left or declined.
    status: MembershipStatus,
    /// When the alliance invited the school.
    invited_at: DateTime<Utc>,
    /// When the school's leader accepted.
    joined_at: Option<DateTime<Utc>>,
    /// When the school left, or declined the invitation.
    ended_at: Option<DateTime<Utc>>,
    /// Increases with every change; pass it back as `expectedVersion` to change the role
    /// safely.
    version: i32,
)]
#[Object]
impl AllianceMembership {
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
    /// Who invited the school, if the caller can see them.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.0.invited_by_id {
            Some(id) => Ok(visible_person(ctx, id).await?),
            None => Ok(None),
        }
    }
}

/// A named collaboration between two or more member schools of one alliance, such as a
/// maths-mastery partnership or a transition partnership of a secondary and its feeder
/// primaries. Seen by those who see its alliance.
#[fields(
    /// The partnership's global id.
    id = NodeKind::Partnership,
    /// The partnership's name.
    name: &str,
    /// What the schools work together on; `null` when not given.
    purpose: Option<&str>,
    /// Whether the partnership is active or has ended.
    status: PartnershipStatus,
    /// The day the partnership began.
    starts_on: NaiveDate,
    /// The day the partnership ended; `null` while it is active.
    ends_on: Option<NaiveDate>,
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
)]
#[connections]
#[Object]
impl Partnership {
    /// The alliance whose member schools form the partnership.
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Alliance> {
        Ok(alliance_seen_with(ctx, self.0.alliance_id).await?)
    }
    /// The school that leads the partnership, one of its schools.
    async fn lead_school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.lead_school_id).await?,
        ))
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
#[fields(
    /// The global id of the school's part in the partnership.
    id = NodeKind::PartnershipSchool,
    /// The day the school joined the partnership.
    joined_on: NaiveDate,
    /// The day the school left the partnership; `null` while it takes part.
    left_on: Option<NaiveDate>,
)]
#[Object]
impl PartnershipSchool {
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
}
