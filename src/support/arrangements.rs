//! Brokering a request into a support arrangement, and the arrangement's life cycle:
//! `PLANNED` → `ACTIVE` → `COMPLETED` (with a closing note on what changed), or
//! `CANCELLED` from either of the first two.
//!
//! Capacity: brokering from an offer commits the planned days against the offer's
//! capacity for the term, in the same transaction, and is refused with a `userError` when
//! the offer has fewer days left (there is no override). Cancelling an arrangement gives
//! its days back to the offer; completing it keeps them spent.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::{DateTime, Utc};
use entity::enums::{
    MembershipStatus, SupportArrangementStatus, SupportOfferStatus, SupportRequestStatus,
};
use entity::{alliance_membership, support_arrangement, support_offer, support_request};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::requests::change_status as change_request_status;
use super::{
    Audited, CLOSING_NOTE_MAX, NOTE_MAX, Subject, SupportArrangement, audit, days, half_days, step,
    visible_arrangement, visible_offer, visible_request,
};
use crate::auth::policy::{Access, allowed};
use crate::db::{begin_write, lock_row};
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{InsertFirst, LifeCycle};
use crate::notifications::Notices;
use crate::payload;
use crate::people::{member_school, works_at_now};
use crate::validation;

/// The support that meets a request: from an offer, or from a person or school directly.
#[derive(InputObject)]
pub struct BrokerSupportRequestInput {
    /// The request to broker: an `OPEN` or `BROKERED` one.
    pub request_id: ID,
    /// The offer that meets the need; its person and school become the supporters.
    pub offer_id: Option<ID>,
    /// Who gives the support: without an offer, anyone taking part in the alliance (such
    /// as a Specialist Leader of Education); with a school's offer that names no one, a
    /// member of that school's staff.
    pub supporting_person_id: Option<ID>,
    /// Without an offer: the member school giving the support (default: the supporting
    /// person's member school).
    pub supporting_school_id: Option<ID>,
    /// What the support is about (at most 2,000 characters).
    pub focus: String,
    /// Days planned, from 0.5 to 100 in steps of half a day; taken from the offer's
    /// remaining capacity.
    pub days: f64,
    /// Kept in the arrangement's history (at most 2,000 characters).
    pub note: Option<String>,
}

/// Starting a planned support arrangement.
#[derive(InputObject)]
pub struct StartSupportArrangementInput {
    /// The `PLANNED` arrangement to start.
    pub arrangement_id: ID,
    /// Kept in the arrangement's history (at most 2,000 characters).
    pub note: Option<String>,
}

/// Completing an active support arrangement, saying what changed.
#[derive(InputObject)]
pub struct CompleteSupportArrangementInput {
    /// The `ACTIVE` arrangement to complete.
    pub arrangement_id: ID,
    /// What changed thanks to the support (required; at most 5,000 characters).
    pub closing_note: String,
}

/// Cancelling a planned or active support arrangement.
#[derive(InputObject)]
pub struct CancelSupportArrangementInput {
    /// The `PLANNED` or `ACTIVE` arrangement to cancel.
    pub arrangement_id: ID,
    /// Why, kept in the arrangement's history (at most 2,000 characters).
    pub note: Option<String>,
}

payload!(BrokerSupportRequestPayload {
    arrangement: SupportArrangement
});
payload!(StartSupportArrangementPayload {
    arrangement: SupportArrangement
});
payload!(CompleteSupportArrangementPayload {
    arrangement: SupportArrangement
});
payload!(CancelSupportArrangementPayload {
    arrangement: SupportArrangement
});

#[derive(Default)]
pub struct SupportArrangementMutation;

mutations! {
    impl SupportArrangementMutation {
        /// Brokers a request into a support arrangement (`PLANNED`): from an offer, or to a
        /// person or school directly. The request becomes `BROKERED`; the offer's remaining
        /// capacity drops by the planned days, and brokering is refused when it has too few.
        /// The alliance's admins and CPD leads may. A request can be brokered more than once
        /// while it is `OPEN` or `BROKERED`.
        fn broker_support_request { broker(ctx, input).await }

        /// `PLANNED` → `ACTIVE`. The parties and the alliance's admins and CPD leads may.
        fn start_support_arrangement {
            let note = validation::optional("note", input.note.as_deref(), NOTE_MAX)?;
            set_status(
                ctx,
                &input.arrangement_id,
                SupportArrangementStatus::Active,
                note,
            )
            .await
        }

        /// `ACTIVE` → `COMPLETED`, with a closing note on what changed.
        fn complete_support_arrangement {
            let note = validation::required("closingNote", &input.closing_note, CLOSING_NOTE_MAX)?;
            set_status(
                ctx,
                &input.arrangement_id,
                SupportArrangementStatus::Completed,
                Some(note),
            )
            .await
        }

        /// `PLANNED` or `ACTIVE` → `CANCELLED`. The planned days go back to the offer; a
        /// `BROKERED` request left without any other live arrangement is `OPEN` again.
        fn cancel_support_arrangement {
            let note = validation::optional("note", input.note.as_deref(), NOTE_MAX)?;
            set_status(
                ctx,
                &input.arrangement_id,
                SupportArrangementStatus::Cancelled,
                note,
            )
            .await
        }
    }
}

async fn active_member(
    conn: &impl ConnectionTrait,
    alliance: i32,
    school: i32,
) -> Result<bool, sea_orm::DbErr> {
    Ok(alliance_membership::Entity::find()
        .filter(alliance_membership::Column::AllianceId.eq(alliance))
        .filter(alliance_membership::Column::SchoolId.eq(school))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .one(conn)
        .await?
        .is_some())
}

/// Who gives the support: (offer, person, school).
type Supporters = (Option<support_offer::Model>, Option<i32>, Option<i32>);

async fn supporters(
    conn: &impl ConnectionTrait,
    access: &Access,
    input: &BrokerSupportRequestInput,
    request: &support_request::Model,
    half_days: i32,
) -> MutationResult<Supporters> {
    let person = match &input.supporting_person_id {
        Some(id) => Some(
            decode_as(id, NodeKind::Person)
                .ok_or_else(|| UserError::not_found("supportingPersonId"))?,
        ),
        None => None,
    };
    if let Some(offer_id) = &input.offer_id {
        let offer = visible_offer(conn, access, offer_id, "offerId").await?;
        if offer.alliance_id != request.alliance_id {
            return Err(UserError::not_found("offerId").into());
        }
        if offer.status != SupportOfferStatus::Open {
            return Err(UserError::wrong_state("offerId", "offer", offer.status).into());
        }
        if input.supporting_school_id.is_some() {
            return Err(UserError::invalid(
                "supportingSchoolId",
                "the offer says which school gives the support",
            )
            .into());
        }
        let person = match (offer.person_id, person, offer.school_id) {
            (Some(named), Some(given), _) if named != given => {
                return Err(UserError::invalid(
                    "supportingPersonId",
                    "the offer names who gives the support",
                )
                .into());
            }
            (Some(named), _, _) => Some(named),
            (None, Some(given), Some(school)) => {
                if !works_at_now(conn, given, school).await? {
                    return Err(UserError::not_found("supportingPersonId").into());
                }
                Some(given)
            }
            (None, given, _) => given,
        };
        check_room(&offer, half_days)?;
        let school = offer.school_id;
        return Ok((Some(offer), person, school));
    }
    let mut school = match &input.supporting_school_id {
        Some(id) => {
            let school = decode_as(id, NodeKind::School)
                .ok_or_else(|| UserError::not_found("supportingSchoolId"))?;
            if !active_member(conn, request.alliance_id, school).await? {
                return Err(UserError::not_found("supportingSchoolId").into());
            }
            Some(school)
        }
        None => None,
    };
    if let Some(person) = person {
        let Ok(member) = member_school(conn, person, request.alliance_id).await? else {
            return Err(UserError::not_found("supportingPersonId").into());
        };
        school = school.or(member);
    }
    if person.is_none() && school.is_none() {
        return Err(UserError::invalid(
            "offerId",
            "name an offer, a supporting person or a supporting school",
        )
        .into());
    }
    Ok((None, person, school))
}

/// Refuses more days than the offer has left this term.
fn check_room(offer: &support_offer::Model, half_days: i32) -> Result<(), UserError> {
    let remaining = offer.half_days_per_term - offer.half_days_committed;
    if half_days > remaining {
        return Err(UserError::invalid(
            "days",
            format!(
                "the offer has {} days left this term, fewer than the {} planned",
                days(Ord::max(remaining, 0)),
                days(half_days)
            ),
        ));
    }
    Ok(())
}

/// Commits `half_days` of `offer`, in one statement that checks the offer as it is when
/// written (still open, with the room): brokerings at once each take their days, and
/// none overdraws it. If it changed since it was read, says why it no longer fits.
async fn commit_days(
    txn: &DatabaseTransaction,
    offer: &support_offer::Model,
    half_days: i32,
    now: DateTime<Utc>,
) -> MutationResult<()> {
    let committed = support_offer::Entity::update_many()
        .col_expr(
            support_offer::Column::HalfDaysCommitted,
            Expr::col(support_offer::Column::HalfDaysCommitted).add(half_days),
        )
        .col_expr(
            support_offer::Column::Version,
            Expr::col(support_offer::Column::Version).add(1),
        )
        .col_expr(support_offer::Column::UpdatedAt, Expr::value(now))
        .filter(support_offer::Column::Id.eq(offer.id))
        .filter(support_offer::Column::Status.eq(SupportOfferStatus::Open))
        .filter(
            Expr::col(support_offer::Column::HalfDaysCommitted)
                .add(half_days)
                .lte(Expr::col(support_offer::Column::HalfDaysPerTerm)),
        )
        .exec(txn)
        .await?;
    if committed.rows_affected == 1 {
        return Ok(());
    }
    let current = support_offer::Entity::find_by_id(offer.id)
        .one(txn)
        .await?
        .ok_or_else(|| UserError::not_found("offerId"))?;
    if current.status != SupportOfferStatus::Open {
        return Err(UserError::wrong_state("offerId", "offer", current.status).into());
    }
    check_room(&current, half_days)?;
    Err(UserError::conflict().into())
}

async fn broker(
    ctx: &Context<'_>,
    input: BrokerSupportRequestInput,
) -> MutationResult<SupportArrangement> {
    let access = access(ctx).await?;
    let focus = validation::required("focus", &input.focus, NOTE_MAX)?;
    let note = validation::optional("note", input.note.as_deref(), NOTE_MAX)?;
    let half_days = half_days("days", input.days)?;
    let txn = begin_write(db(ctx)).await?;
    let request = visible_request(&txn, &access, &input.request_id, "requestId").await?;
    allowed(
        access.brokers_support(request.alliance_id),
        "only the alliance's admins and CPD leads broker support",
    )?;
    if !matches!(
        request.status,
        SupportRequestStatus::Open | SupportRequestStatus::Brokered
    ) {
        return Err(UserError::wrong_state("requestId", "request", request.status).into());
    }
    let (offer, person, school) = supporters(&txn, &access, &input, &request, half_days).await?;
    let now = Utc::now();
    if let Some(offer) = &offer {
        commit_days(&txn, offer, half_days, now).await?;
    }
    let arrangement = support_arrangement::ActiveModel {
        alliance_id: Set(request.alliance_id),
        request_id: Set(request.id),
        offer_id: Set(offer.as_ref().map(|o| o.id)),
        supported_school_id: Set(request.school_id),
        supporting_person_id: Set(person),
        supporting_school_id: Set(school),
        focus: Set(focus),
        half_days_planned: Set(half_days),
        status: Set(SupportArrangementStatus::Planned),
        closing_note: Set(None),
        brokered_by_id: Set(access.person_id),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    support_arrangement::Entity::keep_history(
        &txn,
        &arrangement,
        None,
        access.person_id,
        note.clone(),
    )
    .await?;
    if request.status == SupportRequestStatus::Open {
        change_request_status(
            &txn,
            &access,
            &request,
            SupportRequestStatus::Brokered,
            note,
        )
        .await?;
    }
    audit(&txn, &access, "support.brokered", &arrangement).await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .support_brokered(&txn, &request, &arrangement)
        .await?;
    notices.commit(txn).await?;
    Ok(SupportArrangement(arrangement))
}

impl Audited for support_arrangement::Model {
    fn audited(&self) -> Subject {
        Subject {
            id: NodeKind::SupportArrangement.id(self.id),
            alliance: self.alliance_id,
            school: Some(self.supported_school_id),
            details: serde_json::json!({
                "request": NodeKind::SupportRequest.id(self.request_id).to_string(),
                "offer": self.offer_id.map(|id| NodeKind::SupportOffer.id(id).to_string()),
                "supportingPerson": self.supporting_person_id.map(|id| NodeKind::Person.id(id).to_string()),
                "supportingSchool": self.supporting_school_id.map(|id| NodeKind::School.id(id).to_string()),
                "days": days(self.half_days_planned),
                "status": self.status,
            }),
        }
    }
}

async fn set_status(
    ctx: &Context<'_>,
    id: &ID,
    status: SupportArrangementStatus,
    note: Option<String>,
) -> MutationResult<SupportArrangement> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_arrangement(&txn, &access, id, "arrangementId").await?;
    allowed(
        access.runs_support_arrangement(&current),
        "only the parties and the alliance's CPD leads move an arrangement along",
    )?;
    let from: &[SupportArrangementStatus] = match status {
        SupportArrangementStatus::Active => &[SupportArrangementStatus::Planned],
        SupportArrangementStatus::Completed => &[SupportArrangementStatus::Active],
        SupportArrangementStatus::Cancelled => &[
            SupportArrangementStatus::Planned,
            SupportArrangementStatus::Active,
        ],
        SupportArrangementStatus::Planned => &[],
    };
    let mut change = step(&current, status, from, ("arrangementId", "arrangement"))?;
    if status == SupportArrangementStatus::Completed {
        change.closing_note = Set(note.clone());
    }
    let arrangement = change.save_step(&txn, access.person_id, note).await?;
    if status == SupportArrangementStatus::Cancelled {
        release(&txn, &access, &arrangement).await?;
    }
    let action = match status {
        SupportArrangementStatus::Active => "support_arrangement.started",
        SupportArrangementStatus::Completed => "support_arrangement.completed",
        _ => "support_arrangement.cancelled",
    };
    audit(&txn, &access, action, &arrangement).await?;
    txn.commit().await?;
    Ok(SupportArrangement(arrangement))
}

/// After a cancellation: the days go back to the offer, and a brokered request with no
/// other live arrangement is open again.
async fn release(
    txn: &impl ConnectionTrait,
    access: &Access,
    arrangement: &support_arrangement::Model,
) -> MutationResult<()> {
    if let Some(offer) = arrangement.offer_id {
        support_offer::Entity::update_many()
            .col_expr(
                support_offer::Column::HalfDaysCommitted,
                Expr::col(support_offer::Column::HalfDaysCommitted)
                    .sub(arrangement.half_days_planned),
            )
            .col_expr(
                support_offer::Column::Version,
                Expr::col(support_offer::Column::Version).add(1),
            )
            .filter(support_offer::Column::Id.eq(offer))
            .exec(txn)
            .await?;
    }
    // Whether the request has another live arrangement, counting those cancelled at the
    // same time (`lock_row`): otherwise two cancelled at once would each see the other
    // live, and the request would stay brokered with none.
    lock_row::<support_request::Entity>(txn, support_request::Column::Id, arrangement.request_id)
        .await?;
    let others = support_arrangement::Entity::find()
        .filter(support_arrangement::Column::RequestId.eq(arrangement.request_id))
        .filter(support_arrangement::Column::Id.ne(arrangement.id))
        .filter(support_arrangement::Column::Status.ne(SupportArrangementStatus::Cancelled))
        .one(txn)
        .await?;
    if others.is_none() {
        let request = support_request::Entity::find_by_id(arrangement.request_id)
            .one(txn)
            .await?
            .ok_or_else(|| UserError::not_found("arrangementId"))?;
        if request.status == SupportRequestStatus::Brokered {
            change_request_status(
                txn,
                access,
                &request,
                SupportRequestStatus::Open,
                Some("its only live arrangement was cancelled".into()),
            )
            .await?;
        }
    }
    Ok(())
}
