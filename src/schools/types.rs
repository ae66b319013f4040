use async_graphql::{Context, InputObject, Object, Result};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{MembershipStatus, SchoolPhase, SchoolStatus, StaffRoleKind};
use entity::{alliance_membership, partnership, partnership_school, person, school, staff_role};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Query};
use trellis_macros::{connections, fields};

use crate::alliances::{AllianceMembership, PartnershipSchool};
use crate::graphql::companion::bring;
use crate::graphql::context::{access, load_required};
use crate::graphql::filters::any_of;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, child_page, child_page_bringing};
use crate::graphql::pagination::{Page, PageArgs};
use crate::identity::SchoolIdentityProvider;
use crate::people::invitation_upkeep::waiting_invitations;
use crate::people::{Invitation, StaffRole};
use crate::support::queries::{SupportOfferFilter, SupportRequestFilter};

crate::wraps! {
    /// A school. In England, identified by its URN from Get Information About Schools.
    School(school::Model),
}

/// The school an optional reference names (where an author shared from, where support
/// comes from): schools are public register data, seen by every caller.
pub async fn school_of(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<School>> {
    match id {
        Some(id) => Ok(Some(School(
            load_required::<school::Entity>(ctx, id).await?,
        ))),
        None => Ok(None),
    }
}

/// Narrows a school's alliance memberships.
#[derive(InputObject, Default, Debug)]
pub struct SchoolMembershipFilter {
    /// Only memberships in these states.
    pub statuses: Option<Vec<MembershipStatus>>,
}

/// Narrows a school's staff.
#[derive(InputObject, Default, Debug)]
pub struct StaffFilter {
    /// Only these roles.
    pub roles: Option<Vec<StaffRoleKind>>,
    /// Also list roles that have ended (default: current roles only).
    #[graphql(default)]
    pub include_ended: bool,
}

/// A school. In England, identified by its URN (unique reference number) from Get
/// Information About Schools. Schools are public register data: every signed-in caller
/// sees them; their staff, memberships and support are listed to whom their rules allow.
#[fields(
    /// The school's global id.
    id = NodeKind::School,
    /// Unique reference number (Get Information About Schools), when known.
    urn: Option<&str>,
    /// The school's name.
    name: &str,
    /// The school's phase of education.
    phase: SchoolPhase,
    /// Type of establishment, in GIAS's words (for example "Academy converter").
    establishment_type: Option<&str>,
    /// The local authority the school is in, in GIAS's words (for example "Leeds"); `null`
    /// when not known.
    local_authority: Option<&str>,
    /// The school's postcode, upper case with one space before the inward code (for
    /// example "LS1 4AP"); `null` when not known.
    postcode: Option<&str>,
    /// Whether the school is open or closed.
    status: SchoolStatus,
    /// The academy trust the school belongs to, as Get Information About Schools names it
    /// (for example "Northern Lights Learning Trust"); `null` when it has none or it is not
    /// known.
    trust_name: Option<&str>,
    /// The day the school closed, as Get Information About Schools records it; `null` while
    /// it is open or when not known.
    closed_on: Option<NaiveDate>,
    /// The day Get Information About Schools last changed the school's record, as of the
    /// last import of its extract; `null` for a school never imported from it.
    gias_last_changed_on: Option<NaiveDate>,
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When the school was registered on the platform.
    created_at: DateTime<Utc>,
    /// When the school's record last changed.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
impl School {
    /// The school's release-time ledger lines, one per alliance it is an active member of
    /// (days given and received), for its leaders and those alliances' admins and CPD
    /// leads; empty for others.
    async fn release_ledger(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The term or academic year; without it, the current term.")]
        period: Option<crate::release::ReleasePeriodInput>,
    ) -> Result<Vec<crate::release::ReleaseLedgerRow>> {
        let term = crate::release::term_of(period)?;
        Ok(crate::release::ledger::school_ledger(ctx, self.0.id, term).await?)
    }
    /// The school's limits on its staff's days out per term, for its leaders and staff;
    /// empty for others.
    async fn release_limits(&self, ctx: &Context<'_>) -> Result<Vec<crate::release::ReleaseLimit>> {
        Ok(crate::release::school_limits(ctx, self.0.id).await?)
    }

    /// The organisations (Microsoft Entra ID tenants, Google Workspace domains) whose
    /// accounts the school's staff sign in with, oldest first. Listed to those who manage
    /// the school (its leaders, its alliances' admins and CPD leads); empty for everyone
    /// else.
    async fn identity_providers(&self, ctx: &Context<'_>) -> Result<Vec<SchoolIdentityProvider>> {
        Ok(crate::identity::registrations::of_school(ctx, self.0.id).await?)
    }

    /// The school's memberships of alliances the caller can see, oldest first; history
    /// included unless filtered.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by status.")] filter: Option<SchoolMembershipFilter>,
    ) -> Result<Page<AllianceMembership>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let condition = access
            .alliance_condition(alliance_membership::Column::AllianceId)
            .add_option(any_of(
                alliance_membership::Column::Status,
                &filter.statuses,
            ));
        let list = ChildList::<alliance_membership::Entity>::new(
            self.0.id,
            alliance_membership::Column::SchoolId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }

    /// The partnerships the school takes or took part in, in alliances the caller can see.
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<PartnershipSchool>> {
        let access = access(ctx).await?;
        let visible_partnerships = Query::select()
            .column(partnership::Column::Id)
            .from(partnership::Entity)
            .cond_where(access.alliance_condition(partnership::Column::AllianceId))
            .to_owned();
        let list = ChildList::<partnership_school::Entity>::new(
            self.0.id,
            partnership_school::Column::SchoolId,
            Condition::all()
                .add(partnership_school::Column::PartnershipId.in_subquery(visible_partnerships)),
        );
        Ok(child_page(ctx, list, &args).await?)
    }

    /// People who work at the school, to callers in the school's network.
    async fn staff(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list by role; ended roles are left out unless asked for.")]
        filter: Option<StaffFilter>,
    ) -> Result<Page<StaffRole>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let condition = Condition::all()
            .add_option(
                (!access.sees_staff_of(self.0.id)).then(|| staff_role::Column::Id.is_null()),
            )
            .add_option((!filter.include_ended).then(|| staff_role::Column::EndsOn.is_null()))
            .add_option(any_of(staff_role::Column::Role, &filter.roles));
        let list = ChildList::<staff_role::Entity>::new(
            self.0.id,
            staff_role::Column::SchoolId,
            condition,
        );
        let people = bring::<person::Entity, staff_role::Entity>(
            ctx,
            "person",
            staff_role::Column::PersonId,
        );
        Ok(child_page_bringing(ctx, list, people, &args).await?)
    }

    /// Invitations into staff roles at the school that wait for an answer (expired ones
    /// included, to send again), in the order sent. Listed to those who may send them:
    /// the school's leaders, its alliances' admins and CPD leads (and, while the school
    /// has no leader, invitations of its first leader to the admins and CPD leads of an
    /// alliance it is invited to); empty for everyone else.
    async fn pending_invitations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<Invitation>> {
        let column = entity::invitation::Column::SchoolId;
        Ok(waiting_invitations(ctx, self.0.id, column, args).await?)
    }

    /// The school's support requests that the caller can see, oldest first.
    async fn support_requests(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the requests.")] filter: Option<SupportRequestFilter>,
    ) -> Result<Page<crate::support::SupportRequest>> {
        let column = entity::support_request::Column::SchoolId;
        crate::support::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }

    /// Offers of support from the school that the caller can see, oldest first.
    async fn support_offers(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the offers.")] filter: Option<SupportOfferFilter>,
    ) -> Result<Page<crate::support::SupportOffer>> {
        let column = entity::support_offer::Column::SchoolId;
        crate::support::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }
}
