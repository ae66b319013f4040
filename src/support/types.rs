//! The GraphQL types of support requests, offers and arrangements, and their histories.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{
    SchoolPhase, SupportArrangementStatus, SupportOfferStatus, SupportRequestStatus, SupportUrgency,
};
use entity::{
    school, support_arrangement, support_arrangement_change, support_offer, support_offer_change,
    support_request, support_request_change,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use super::suggestions::{self, SupportSuggestion};
use super::{days, phases_of};
use crate::alliances::Alliance;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, load_required, load_visible};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, all_children, child_rows};
use crate::graphql::pagination::{Page, PageArgs};
use crate::people::Person;
use crate::schools::School;
use crate::themes::Theme;

crate::wraps! {
    /// A school's need for support, posted within one alliance.
    SupportRequest(support_request::Model),
    /// An offer of support in someone's strengths, by a person or a school.
    SupportOffer(support_offer::Model),
    /// Support brokered for a request: who supports whom, on what, for how many days.
    SupportArrangement(support_arrangement::Model),
    /// A request moving between statuses.
    SupportRequestStatusChange(support_request_change::Model),
    /// An offer moving between statuses.
    SupportOfferStatusChange(support_offer_change::Model),
    /// An arrangement moving between statuses.
    SupportArrangementStatusChange(support_arrangement_change::Model),
}

/// Half days planned in arrangements of a request that were not cancelled, loaded with
/// every other request's in one statement.
pub(super) async fn half_days_planned(ctx: &Context<'_>, request: i32) -> ApiResult<i32> {
    let list = ChildList::<support_arrangement::Entity>::new(
        request,
        support_arrangement::Column::RequestId,
        Condition::all()
            .add(support_arrangement::Column::Status.ne(SupportArrangementStatus::Cancelled)),
    );
    Ok(child_rows(ctx, list)
        .await?
        .iter()
        .map(|row| row.half_days_planned)
        .sum())
}

/// Narrows a list of arrangements. All given conditions must hold.
#[derive(InputObject, Default, Debug)]
pub struct SupportArrangementFilter {
    /// Only arrangements in any of these statuses.
    pub statuses: Option<Vec<SupportArrangementStatus>>,
    /// Only arrangements in this alliance.
    pub alliance_id: Option<ID>,
    /// Only arrangements in which this school gives or receives support.
    pub school_id: Option<ID>,
    /// Only arrangements in which this person gives support.
    pub supporting_person_id: Option<ID>,
}

#[fields(
    /// The request's global id.
    id = NodeKind::SupportRequest,
    /// The alliance; `null` when the caller may not see it (one whose school has left it
    /// still sees what it asked for, offered or took part in there).
    alliance: Alliance = alliance(alliance_id),
    /// A short name of the need, such as "Questioning in KS2 maths".
    title: &str,
    /// What the school needs and why, in Markdown (not rendered).
    description_markdown: &str,
    /// The themes the need is about that the caller sees.
    themes: Vec<Theme> = themes(theme_keys),
    /// How soon the school needs it.
    urgency: SupportUrgency,
    /// Where the request stands: open, brokered, closed or withdrawn.
    status: SupportRequestStatus,
    /// Who posted it, if the caller may see them.
    created_by: Person = person(created_by_id),
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When it was posted.
    created_at: DateTime<Utc>,
    /// When it last changed: an edit or a change of status.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// A school's need for support, posted within one alliance, such as "Questioning in KS2
/// maths", for an alliance's CPD lead to broker into support arrangements.
impl SupportRequest {
    /// The school that needs support.
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.school_id).await?,
        ))
    }
    /// The school phases the support is for.
    async fn phases(&self) -> Vec<SchoolPhase> {
        phases_of(&self.0.phases)
    }
    /// Days of support the school hopes for.
    async fn days_requested(&self) -> f64 {
        days(self.0.half_days_requested)
    }
    /// Days planned in arrangements for this request that were not cancelled.
    async fn days_planned(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(days(half_days_planned(ctx, self.0.id).await?))
    }
    /// Days requested that no arrangement covers yet (never below 0).
    async fn days_still_needed(&self, ctx: &Context<'_>) -> Result<f64> {
        let planned = half_days_planned(ctx, self.0.id).await?;
        Ok(days((self.0.half_days_requested - planned).max(0)))
    }
    /// Whether the caller edits and withdraws this request (the school's leaders).
    async fn viewer_can_manage(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.manages_support_request(&self.0))
    }
    /// Whether the caller sees suggestions for and brokers this request (the alliance's
    /// admins and CPD leads).
    async fn viewer_can_broker(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.brokers_support(self.0.alliance_id))
    }
    /// Every status change, oldest first, starting with the request being posted.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<SupportRequestStatusChange>> {
        Ok(all_children::<support_request_change::Entity, _>(
            ctx,
            self.0.id,
            support_request_change::Column::RequestId,
        )
        .await?)
    }
    /// Arrangements brokered for this request that the caller may see, oldest first.
    async fn arrangements(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every arrangement listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<SupportArrangementFilter>,
    ) -> Result<Page<SupportArrangement>> {
        let column = support_arrangement::Column::RequestId;
        super::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }
    /// Ranked suggestions of who or what could meet this need: matching offers with
    /// capacity left, Specialist Leaders of Education whose expertise matches, and
    /// communities on the same themes; other schools first. Best first, at most `first`
    /// (default 10, at most 100). Only the alliance's admins and CPD leads see them; for
    /// anyone else this field is `null` with a `FORBIDDEN` error.
    #[graphql(complexity = "first.unwrap_or(10).clamp(1, 100) as usize * child_complexity + 5")]
    async fn suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many suggestions at most, from 0 to 100. Default: 10.")]
        first: Option<i32>,
    ) -> Result<Option<Vec<SupportSuggestion>>> {
        let access = access(ctx).await?;
        if !access.brokers_support(self.0.alliance_id) {
            return Err(ApiError::Forbidden(
                "only the alliance's admins and CPD leads see suggestions",
            )
            .into());
        }
        let limit = first.unwrap_or(10);
        if !(0..=100).contains(&limit) {
            return Err(ApiError::BadUserInput("first must be between 0 and 100".into()).into());
        }
        Ok(Some(
            suggestions::suggest(ctx, &self.0, limit as usize).await?,
        ))
    }
}

#[fields(
    /// The offer's global id.
    id = NodeKind::SupportOffer,
    /// The alliance; `null` when the caller may not see it (one whose school has left it
    /// still sees what it asked for, offered or took part in there).
    alliance: Alliance = alliance(alliance_id),
    /// The person who would give the support, if one is named (and the caller sees them).
    person: Person = person(person_id),
    /// The school the support comes from, if any.
    school: School = school(school_id),
    /// A short name of the strength, such as "Maths mastery in KS2".
    title: &str,
    /// What is offered, in Markdown (not rendered).
    description_markdown: &str,
    /// The themes the support is about that the caller sees.
    themes: Vec<Theme> = themes(theme_keys),
    /// Where the offer stands: open, paused or withdrawn.
    status: SupportOfferStatus,
    /// Who posted it, if the caller may see them.
    created_by: Person = person(created_by_id),
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When it was posted.
    created_at: DateTime<Utc>,
    /// When it last changed: an edit, a change of status or days committed.
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// An offer of support in someone's strengths within one alliance, by a person or on
/// behalf of a school, with a capacity in days per term.
impl SupportOffer {
    /// Phases the support suits; empty means any phase.
    async fn phases(&self) -> Vec<SchoolPhase> {
        phases_of(&self.0.phases)
    }
    /// Capacity in days per term.
    async fn days_per_term(&self) -> f64 {
        days(self.0.half_days_per_term)
    }
    /// Days planned in arrangements brokered from this offer that were not cancelled.
    async fn days_committed(&self) -> f64 {
        days(self.0.half_days_committed)
    }
    /// Days per term not yet committed.
    async fn days_remaining(&self) -> f64 {
        days((self.0.half_days_per_term - self.0.half_days_committed).max(0))
    }
    /// Whether the caller edits, pauses and withdraws this offer.
    async fn viewer_can_manage(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.manages_support_offer(&self.0))
    }
    /// Every status change, oldest first, starting with the offer being posted.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<SupportOfferStatusChange>> {
        Ok(all_children::<support_offer_change::Entity, _>(
            ctx,
            self.0.id,
            support_offer_change::Column::OfferId,
        )
        .await?)
    }
    /// Arrangements brokered from this offer that the caller may see, oldest first.
    async fn arrangements(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Conditions every arrangement listed must meet (all given ones hold); without it, all the caller sees."
        )]
        filter: Option<SupportArrangementFilter>,
    ) -> Result<Page<SupportArrangement>> {
        let column = support_arrangement::Column::OfferId;
        super::queries::nested_list(ctx, self.0.id, column, args, filter).await
    }
}

#[fields(
    /// The arrangement's global id.
    id = NodeKind::SupportArrangement,
    /// The alliance; `null` when the caller may not see it (one whose school has left it
    /// still sees what it asked for, offered or took part in there).
    alliance: Alliance = alliance(alliance_id),
    /// The person giving support, if one is named (and the caller sees them).
    supporting_person: Person = person(supporting_person_id),
    /// The school giving support, if any.
    supporting_school: School = school(supporting_school_id),
    /// What the support is about.
    focus: &str,
    /// Where the arrangement stands: planned, active, completed or cancelled.
    status: SupportArrangementStatus,
    /// What changed, written when the support was completed.
    closing_note: Option<&str>,
    /// The CPD lead or admin who brokered it, if the caller may see them.
    brokered_by: Person = person(brokered_by_id),
    /// Increases with every change.
    version: i32,
    /// When it was brokered.
    created_at: DateTime<Utc>,
    /// When it last changed status.
    updated_at: DateTime<Utc>,
)]
#[Object]
/// Support brokered for a request: who supports which school, on what, for how many days.
/// Planned, then active, then completed (or cancelled).
impl SupportArrangement {
    /// The request it meets, if the caller sees it.
    async fn request(&self, ctx: &Context<'_>) -> Result<Option<SupportRequest>> {
        let row = load_visible::<support_request::Entity>(ctx, self.0.request_id, |access, row| {
            access.sees_support_request(row)
        })
        .await?;
        Ok(row.map(SupportRequest))
    }
    /// The offer it was brokered from, if any and if the caller sees it.
    async fn offer(&self, ctx: &Context<'_>) -> Result<Option<SupportOffer>> {
        let Some(id) = self.0.offer_id else {
            return Ok(None);
        };
        Ok(
            load_visible::<support_offer::Entity>(ctx, id, |access, row| {
                access.sees_support_offer(row)
            })
            .await?
            .map(SupportOffer),
        )
    }
    /// The school receiving support.
    async fn supported_school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            load_required::<school::Entity>(ctx, self.0.supported_school_id).await?,
        ))
    }
    /// Days of support planned, in steps of half a day.
    async fn days_planned(&self) -> f64 {
        days(self.0.half_days_planned)
    }
    /// Every status change, oldest first, starting with the brokering.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<SupportArrangementStatusChange>> {
        Ok(all_children::<support_arrangement_change::Entity, _>(
            ctx,
            self.0.id,
            support_arrangement_change::Column::ArrangementId,
        )
        .await?)
    }
}

/// The GraphQL fields of one kind of status change, documented by the attributes before
/// its name.
macro_rules! status_change {
    ($(#[$doc:meta])* $ty:ident, $status:ty) => {
        #[fields(
            /// `null` for the first entry, written when the subject was created.
            from_status: Option<$status>,
            /// The status it moved to.
            to_status: $status,
            /// Why, when the person who made the change said.
            note: Option<&str>,
            /// Who made the change, if the caller may see them.
            changed_by: Person = person(changed_by_id),
            /// When the change was made.
            changed_at: DateTime<Utc>,
        )]
        #[Object]
        #[allow(clippy::wrong_self_convention)]
        $(#[$doc])*
        impl $ty {}
    };
}

status_change!(
    /// A support request moving between statuses, in its history.
    SupportRequestStatusChange,
    SupportRequestStatus
);
status_change!(
    /// An offer of support moving between statuses, in its history.
    SupportOfferStatusChange,
    SupportOfferStatus
);
status_change!(
    /// A support arrangement moving between statuses, in its history.
    SupportArrangementStatusChange,
    SupportArrangementStatus
);
