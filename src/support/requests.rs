//! Posting, editing, withdrawing and closing support requests.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::enums::{MembershipStatus, SchoolPhase, SupportRequestStatus, SupportUrgency};
use entity::{alliance_membership, support_request};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{
    DESCRIPTION_MAX, NOTE_MAX, SupportRequest, TITLE_MAX, half_days, phases_json, record,
    request_history, visible_request, wrong_state,
};
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationError, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::update_if_version;
use crate::payload;
use crate::themes::theme_keys;
use crate::validation;

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
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
    #[graphql(default_with = "SupportUrgency::Medium")]
    pub urgency: SupportUrgency,
    /// Days of support hoped for, from 0.5 to 100 in steps of half a day.
    pub days: f64,
}

#[derive(InputObject)]
pub struct UpdateSupportRequestInput {
    pub request_id: ID,
    /// The `version` the change was made from (see `SupportRequest.version`).
    pub expected_version: i32,
    pub title: Option<String>,
    pub description_markdown: Option<String>,
    pub theme_ids: Option<Vec<ID>>,
    pub phases: Option<Vec<SchoolPhase>>,
    pub urgency: Option<SupportUrgency>,
    /// Days of support hoped for, from 0.5 to 100 in steps of half a day.
    pub days: Option<f64>,
}

#[derive(InputObject)]
pub struct WithdrawSupportRequestInput {
    pub request_id: ID,
    /// Why, kept in the request's history (at most 2,000 characters).
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct CloseSupportRequestInput {
    pub request_id: ID,
    /// Why, kept in the request's history (at most 2,000 characters).
    pub note: Option<String>,
}

payload!(CreateSupportRequestPayload {
    request: SupportRequest
});
payload!(UpdateSupportRequestPayload {
    request: SupportRequest
});
payload!(WithdrawSupportRequestPayload {
    request: SupportRequest
});
payload!(CloseSupportRequestPayload {
    request: SupportRequest
});

#[derive(Default)]
pub struct SupportRequestMutation;

#[Object]
impl SupportRequestMutation {
    /// Posts a school's need for support in one alliance the school is an active member
    /// of. The school's leaders (headteacher, senior leaders, school CPD lead) may. It
    /// starts `OPEN`.
    async fn create_support_request(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportRequestInput,
    ) -> Result<CreateSupportRequestPayload> {
        CreateSupportRequestPayload::run(input, |input| create(ctx, input)).await
    }

    /// Changes an open request. The school's leaders may.
    async fn update_support_request(
        &self,
        ctx: &Context<'_>,
        input: UpdateSupportRequestInput,
    ) -> Result<UpdateSupportRequestPayload> {
        UpdateSupportRequestPayload::run(input, |input| update(ctx, input)).await
    }

    /// Takes back an open request: `OPEN` → `WITHDRAWN`. The school's leaders may.
    async fn withdraw_support_request(
        &self,
        ctx: &Context<'_>,
        input: WithdrawSupportRequestInput,
    ) -> Result<WithdrawSupportRequestPayload> {
        WithdrawSupportRequestPayload::run(input, |input| async move {
            set_status(
                ctx,
                &input.request_id,
                SupportRequestStatus::Withdrawn,
                input.note.as_deref(),
            )
            .await
        })
        .await
    }

    /// Closes a request, met or no longer pursued: `OPEN` or `BROKERED` → `CLOSED`. The
    /// school's leaders and the alliance's admins and CPD leads may. Its arrangements go
    /// on as they are.
    async fn close_support_request(
        &self,
        ctx: &Context<'_>,
        input: CloseSupportRequestInput,
    ) -> Result<CloseSupportRequestPayload> {
        CloseSupportRequestPayload::run(input, |input| async move {
            set_status(
                ctx,
                &input.request_id,
                SupportRequestStatus::Closed,
                input.note.as_deref(),
            )
            .await
        })
        .await
    }
}

async fn create(
    ctx: &Context<'_>,
    input: CreateSupportRequestInput,
) -> MutationResult<SupportRequest> {
    let access = access(ctx).await?;
    let alliance_id = decode_as(&input.alliance_id, NodeKind::Alliance)
        .filter(|id| access.sees_alliance(*id))
        .ok_or_else(|| UserError::not_found("allianceId"))?;
    let school_id = decode_as(&input.school_id, NodeKind::School)
        .ok_or_else(|| UserError::not_found("schoolId"))?;
    allowed(
        access.may_post_support_request(school_id),
        "only the school's leaders post its support requests",
    )?;
    let title = validation::required("title", &input.title, TITLE_MAX)?;
    let description = validation::required(
        "descriptionMarkdown",
        &input.description_markdown,
        DESCRIPTION_MAX,
    )?;
    let half_days = half_days("days", input.days)?;
    let txn = begin_write(db(ctx)).await?;
    let member = alliance_membership::Entity::find()
        .filter(alliance_membership::Column::AllianceId.eq(alliance_id))
        .filter(alliance_membership::Column::SchoolId.eq(school_id))
        .filter(alliance_membership::Column::Status.eq(MembershipStatus::Active))
        .one(&txn)
        .await?;
    if member.is_none() {
        return Err(UserError::invalid_state(
            "schoolId",
            "the school is not an active member of the alliance",
        )
        .into());
    }
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let now = Utc::now();
    let request = support_request::ActiveModel {
        alliance_id: Set(alliance_id),
        school_id: Set(school_id),
        title: Set(title),
        description_markdown: Set(description),
        theme_keys: Set(themes),
        phases: Set(phases_json(&input.phases)),
        urgency: Set(input.urgency),
        half_days_requested: Set(half_days),
        status: Set(SupportRequestStatus::Open),
        created_by_id: Set(access.person_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    request_history(&txn, &request, None, access.person_id, None).await?;
    audit(&txn, &access, "support_request.created", &request).await?;
    txn.commit().await?;
    Ok(SupportRequest(request))
}

pub(super) async fn audit(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    action: &str,
    request: &support_request::Model,
) -> Result<(), sea_orm::DbErr> {
    record(
        conn,
        access,
        action,
        NodeKind::SupportRequest.id(request.id),
        request.alliance_id,
        Some(request.school_id),
        serde_json::json!({ "title": request.title, "status": request.status }),
    )
    .await
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
        return Err(wrong_state("requestId", "request", current.status).into());
    }
    let mut change: support_request::ActiveModel = current.clone().into();
    if let Some(title) = &input.title {
        change.title = Set(validation::required("title", title, TITLE_MAX)?);
    }
    if let Some(description) = &input.description_markdown {
        change.description_markdown = Set(validation::required(
            "descriptionMarkdown",
            description,
            DESCRIPTION_MAX,
        )?);
    }
    if let Some(ids) = &input.theme_ids {
        change.theme_keys = Set(theme_keys(&txn, "themeIds", ids, current.alliance_id).await?);
    }
    if let Some(phases) = &input.phases {
        change.phases = Set(phases_json(phases));
    }
    if let Some(urgency) = input.urgency {
        change.urgency = Set(urgency);
    }
    if let Some(days) = input.days {
        change.half_days_requested = Set(half_days("days", days)?);
    }
    change.version = Set(current.version + 1);
    change.updated_at = Set(Utc::now());
    update_if_version(
        &txn,
        change,
        (support_request::Column::Id, current.id),
        (support_request::Column::Version, input.expected_version),
        MutationError::from,
    )
    .await?;
    let request = support_request::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or_else(|| UserError::not_found("requestId"))?;
    audit(&txn, &access, "support_request.updated", &request).await?;
    txn.commit().await?;
    Ok(SupportRequest(request))
}

async fn set_status(
    ctx: &Context<'_>,
    id: &ID,
    status: SupportRequestStatus,
    note: Option<&str>,
) -> MutationResult<SupportRequest> {
    let access = access(ctx).await?;
    let note = validation::optional("note", note, NOTE_MAX)?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_request(&txn, &access, id, "requestId").await?;
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
    if !from.contains(&current.status) {
        return Err(wrong_state("requestId", "request", current.status).into());
    }
    let request = change_status(&txn, &access, &current, status, note).await?;
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
    let now = Utc::now();
    let mut change: support_request::ActiveModel = current.clone().into();
    change.status = Set(status);
    change.version = Set(current.version + 1);
    change.updated_at = Set(now);
    update_if_version(
        txn,
        change,
        (support_request::Column::Id, current.id),
        (support_request::Column::Version, current.version),
        MutationError::from,
    )
    .await?;
    let request = support_request::Model {
        status,
        version: current.version + 1,
        updated_at: now,
        ..current.clone()
    };
    request_history(txn, &request, Some(current.status), access.person_id, note).await?;
    let action = match status {
        SupportRequestStatus::Open => "support_request.reopened",
        SupportRequestStatus::Brokered => "support_request.brokered",
        SupportRequestStatus::Closed => "support_request.closed",
        SupportRequestStatus::Withdrawn => "support_request.withdrawn",
    };
    audit(txn, access, action, &request).await?;
    Ok(request)
}
