//! Posting, editing, withdrawing and closing support requests.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{SchoolPhase, SupportRequestStatus, SupportUrgency};
use entity::support_request;
use sea_orm::Set;
use trellis_macros::mutations;

use super::listing::{Listed, ListingChange, NewListing, post, require_active_member};
use super::{
    Audited, NOTE_MAX, Subject, SupportRequest, audit, half_days, save_step, step, visible_request,
};
use crate::alliances::seen_alliance;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::validation;

/// A school's need for support, posted in one alliance.
#[derive(InputObject)]
pub struct CreateSupportRequestInput {
    /// The alliance to ask in; the school must be an active member of it.
    pub alliance_id: ID,
    /// The school that needs support; the caller must lead it.
    pub school_id: ID,
    /// A short name of the need, such as "Questioning in KS2 maths" (at most 200
    /// characters).
    pub title: String,
    /// What the school needs and why (Markdown, at most 10,000 characters).
    pub description_markdown: String,
    /// Themes of the shared taxonomy or of the alliance.
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// The school phases the support is for.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    /// How soon the school needs it. Default: `MEDIUM`.
    #[graphql(default_with = "SupportUrgency::Medium")]
    pub urgency: SupportUrgency,
    /// Days of support hoped for, from 0.5 to 100 in steps of half a day.
    pub days: f64,
}

/// Changes to an open support request; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateSupportRequestInput {
    /// The request to change: an `OPEN` one of a school the caller leads.
    pub request_id: ID,
    /// The `version` the change was made from (see `SupportRequest.version`).
    pub expected_version: i32,
    #[graphql(flatten)]
    pub listing: ListingChange,
    /// How soon the school needs it.
    pub urgency: Option<SupportUrgency>,
    /// Days of support hoped for, from 0.5 to 100 in steps of half a day.
    pub days: Option<f64>,
}

step_inputs!(request_id [
    /// The request whose status changes.
] [
    /// Why, kept in the request's history (at most 2,000 characters).
];
    /// Taking back an open support request.
    WithdrawSupportRequestInput,
    /// Closing a support request, met or no longer pursued.
    CloseSupportRequestInput,
);

payload!(
    CreateSupportRequestPayload,
    UpdateSupportRequestPayload,
    WithdrawSupportRequestPayload,
    CloseSupportRequestPayload {
        request: SupportRequest
    }
);

#[derive(Default)]
pub struct SupportRequestMutation;

mutations! {
    impl SupportRequestMutation {
        /// Posts a school's need for support in one alliance the school is an active member
        /// of. The school's leaders (headteacher, senior leaders, school CPD lead) may. It
        /// starts `OPEN`.
        fn create_support_request { create(ctx, input).await }

        /// Changes an open request. The school's leaders may.
        fn update_support_request { update(ctx, input).await }

        /// Takes back an open request: `OPEN` → `WITHDRAWN`. The school's leaders may.
        fn withdraw_support_request {
            set_status(
                            ctx,
                            input.request_id,
                            SupportRequestStatus::Withdrawn,
                            input.note,
                        ).await
        }

        /// Closes a request, met or no longer pursued: `OPEN` or `BROKERED` → `CLOSED`. The
        /// school's leaders and the alliance's admins and CPD leads may. Its arrangements go
        /// on as they are.
        fn close_support_request {
            set_status(
                            ctx,
                            input.request_id,
                            SupportRequestStatus::Closed,
                            input.note,
                        ).await
        }
    }
}

async fn create(
    ctx: &Context<'_>,
    input: CreateSupportRequestInput,
) -> MutationResult<SupportRequest> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    let school_id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    allowed(
        access.may_post_support_request(school_id),
        "only the school's leaders post its support requests",
    )?;
    let listing = NewListing::check(
        alliance_id,
        &input.title,
        &input.description_markdown,
        &input.theme_ids,
        &input.phases,
    )?;
    let half_days = half_days("days", input.days)?;
    let txn = begin_write(db(ctx)).await?;
    require_active_member(&txn, alliance_id, school_id).await?;
    let request = support_request::ActiveModel {
        alliance_id: Set(alliance_id),
        school_id: Set(school_id),
        urgency: Set(input.urgency),
        half_days_requested: Set(half_days),
        status: Set(SupportRequestStatus::Open),
        ..Default::default()
    };
    let request = post(&txn, &access, listing, request, "support_request.created").await?;
    txn.commit().await?;
    Ok(SupportRequest(request))
}

impl Audited for support_request::Model {
    fn audited(&self) -> Subject {
        Subject {
            id: NodeKind::SupportRequest.id(self.id),
            alliance: self.alliance_id,
            school: Some(self.school_id),
            details: serde_json::json!({ "title": self.title, "status": self.status }),
        }
    }
}

async fn update(
    ctx: &Context<'_>,
    input: UpdateSupportRequestInput,
) -> MutationResult<SupportRequest> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_request(&txn, &access, &input.request_id, "requestId").await?;
    allowed(
        access.manages_support_request(&current),
        "only the school's leaders change its support requests",
    )?;
    if current.status != SupportRequestStatus::Open {
        return Err(UserError::wrong_state("requestId", "request", current.status).into());
    }
    let mut change = Change::edit(&current, Utc::now());
    change.list(input.listing.check(&txn, current.alliance_id).await?);
    if let Some(urgency) = input.urgency {
        change.urgency = Set(urgency);
    }
    if let Some(days) = input.days {
        change.half_days_requested = Set(half_days("days", days)?);
    }
    let request = change.save(&txn, input.expected_version).await?;
    audit(&txn, &access, "support_request.updated", &request).await?;
    txn.commit().await?;
    Ok(SupportRequest(request))
}

async fn set_status(
    ctx: &Context<'_>,
    id: ID,
    status: SupportRequestStatus,
    note: Option<String>,
) -> MutationResult<SupportRequest> {
    let access = access(ctx).await?;
    let note = validation::optional("note", note.as_deref(), NOTE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_request(&txn, &access, &id, "requestId").await?;
    let (may, from): (bool, &[SupportRequestStatus]) = match status {
        SupportRequestStatus::Withdrawn => (
            access.manages_support_request(&current),
            &[SupportRequestStatus::Open],
        ),
        SupportRequestStatus::Closed => (
            access.may_close_support_request(&current),
            &[SupportRequestStatus::Open, SupportRequestStatus::Brokered],
        ),
        SupportRequestStatus::Open | SupportRequestStatus::Brokered => (false, &[]),
    };
    allowed(
        may,
        "only the school's leaders or the alliance's CPD leads may",
    )?;
    let change = step(&current, status, from, ("requestId", "request"))?;
    let request = save_step(&txn, &access, change, note, action(status)).await?;
    txn.commit().await?;
    Ok(SupportRequest(request))
}

/// Moves a request to `status`, with its history and audit entries, in `txn`.
pub(super) async fn change_status(
    txn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    current: &support_request::Model,
    status: SupportRequestStatus,
    note: Option<String>,
) -> MutationResult<support_request::Model> {
    let change = Change::step(current, status, Utc::now());
    save_step(txn, access, change, note, action(status)).await
}

/// The audit entry of a request's step to `status`.
fn action(status: SupportRequestStatus) -> &'static str {
    match status {
        SupportRequestStatus::Open => "support_request.reopened",
        SupportRequestStatus::Brokered => "support_request.brokered",
        SupportRequestStatus::Closed => "support_request.closed",
        SupportRequestStatus::Withdrawn => "support_request.withdrawn",
    }
}
