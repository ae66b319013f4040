//! Starting, changing, activating and closing communities.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::Utc;
use entity::enums::{
    CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityStatus, CommunityVisibility,
    SchoolPhase, WebhookEventType,
};
use entity::{community, community_member};
use sea_orm::{ActiveModelTrait, Set};
use trellis_macros::mutations;

use super::{Community, visible_community};
use crate::alliances::seen_alliance;
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, caller, db};
use crate::graphql::ids::NodeKind;
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::people::member_school;
use crate::themes::theme_keys;
use crate::validation;
use crate::webhooks::{Event, emit};

/// The input of `createCommunity`.
#[derive(InputObject)]
pub struct CreateCommunityInput {
    /// The alliance the community belongs to.
    pub alliance_id: ID,
    /// The community's name (at most 200 characters).
    pub name: String,
    /// The purpose or enquiry focus.
    pub purpose: Option<String>,
    /// Whether members share with each other or only with their facilitators.
    pub kind: CommunityKind,
    /// Who sees the community (default: all the alliance's staff).
    #[graphql(default_with = "CommunityVisibility::Alliance")]
    pub visibility: CommunityVisibility,
    /// Themes to tag it with: shared ones or the alliance's own.
    #[graphql(default)]
    pub theme_ids: Vec<ID>,
    /// The school phases it is for.
    #[graphql(default)]
    pub phases: Vec<SchoolPhase>,
}

/// The input of `updateCommunity`: what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateCommunityInput {
    /// The community to change.
    pub community_id: ID,
    /// The `version` the change was made from (see `Community.version`).
    pub expected_version: i32,
    /// The new name (at most 200 characters).
    pub name: Option<String>,
    /// The new purpose or enquiry focus; an empty string removes it.
    pub purpose: Option<String>,
    /// Who sees the community from now on.
    pub visibility: Option<CommunityVisibility>,
    /// The themes it is tagged with, replacing the current ones.
    pub theme_ids: Option<Vec<ID>>,
    /// The school phases it is for, replacing the current ones.
    pub phases: Option<Vec<SchoolPhase>>,
}

/// The input of `activateCommunity`.
#[derive(InputObject)]
pub struct ActivateCommunityInput {
    /// The forming community to activate.
    pub community_id: ID,
}

/// The input of `closeCommunity`.
#[derive(InputObject)]
pub struct CloseCommunityInput {
    /// The community to close.
    pub community_id: ID,
}

payload!(CreateCommunityPayload {
    community: Community
});
payload!(UpdateCommunityPayload {
    community: Community
});
payload!(ActivateCommunityPayload {
    community: Community
});
payload!(CloseCommunityPayload {
    community: Community
});

#[derive(Default)]
pub struct CommunityMutation;

mutations! {
    impl CommunityMutation {
        /// Starts a community in an alliance; it begins `FORMING`. The alliance's admins, CPD
        /// leads and facilitators may; the creator becomes its first facilitator.
        fn create_community { create(ctx, input).await }

        /// Changes a community's name, purpose, visibility, themes or phases. Its facilitators
        /// and the alliance's admins may.
        fn update_community { update(ctx, input).await }

        /// Moves a forming community to `ACTIVE`.
        fn activate_community {
            set_status(ctx, &input.community_id, CommunityStatus::Active).await
        }

        /// Closes a community: it stays readable to its members and takes no new content.
        fn close_community { set_status(ctx, &input.community_id, CommunityStatus::Closed).await }
    }
}

fn phases_json(phases: &[SchoolPhase]) -> serde_json::Value {
    let mut unique: Vec<SchoolPhase> = Vec::new();
    for phase in phases {
        if !unique.contains(phase) {
            unique.push(*phase);
        }
    }
    serde_json::to_value(unique).unwrap_or_default()
}

async fn create(ctx: &Context<'_>, input: CreateCommunityInput) -> MutationResult<Community> {
    let access = access(ctx).await?;
    let alliance_id = seen_alliance(&access, &input.alliance_id)?;
    allowed(
        access.may_create_community(alliance_id),
        "only the alliance's admins, CPD leads and facilitators start communities",
    )?;
    let name = validation::required("name", &input.name, 200)?;
    let purpose = validation::optional("purpose", input.purpose.as_deref(), 5000)?;
    let txn = begin_write(db(ctx)).await?;
    let themes = theme_keys(&txn, "themeIds", &input.theme_ids, alliance_id).await?;
    let now = Utc::now();
    let community = community::ActiveModel {
        alliance_id: Set(alliance_id),
        name: Set(name),
        purpose: Set(purpose),
        kind: Set(input.kind),
        visibility: Set(input.visibility),
        status: Set(CommunityStatus::Forming),
        theme_keys: Set(themes),
        phases: Set(phases_json(&input.phases)),
        created_by_id: Set(access.person_id),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    if !access.platform_admin {
        let school = member_school(&txn, access.person_id, alliance_id)
            .await?
            .unwrap_or(None);
        community_member::ActiveModel {
            community_id: Set(community.id),
            person_id: Set(access.person_id),
            school_id: Set(school),
            role: Set(CommunityRole::Facilitator),
            status: Set(CommunityMembershipStatus::Active),
            reason: Set(None),
            invited_by_id: Set(None),
            created_at: Set(now),
            joined_at: Set(Some(now)),
            ended_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    record(&txn, &access, "community.created", &community).await?;
    txn.commit().await?;
    caller(ctx).forget_access();
    Ok(Community(community))
}

pub(super) async fn record(
    txn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    action: &str,
    community: &community::Model,
) -> Result<(), sea_orm::DbErr> {
    let event = match action {
        "community.created" => Some(WebhookEventType::CommunityCreated),
        "community.closed" => Some(WebhookEventType::CommunityClosed),
        _ => None,
    };
    if let Some(event) = event {
        emit(txn, Event::community(event, community)).await?;
    }
    AuditEntry::by(
        access.person_id,
        action,
        NodeKind::Community.id(community.id),
    )
    .alliance(Some(community.alliance_id))
    .details(serde_json::json!({ "name": community.name, "status": community.status }))
    .record(txn)
    .await
}

async fn update(ctx: &Context<'_>, input: UpdateCommunityInput) -> MutationResult<Community> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    allowed(
        access.runs_community(&current),
        "only the community's facilitators change it",
    )?;
    let mut change = Change::edit(&current, Utc::now());
    validation::patch_required(&mut change.name, "name", input.name.as_deref(), 200)?;
    validation::patch_optional(
        &mut change.purpose,
        "purpose",
        input.purpose.as_deref(),
        5000,
    )?;
    if let Some(visibility) = input.visibility {
        if current.visibility == CommunityVisibility::Alliance
            && visibility != CommunityVisibility::Alliance
        {
            crate::sync::tombstones::community_leaves_alliance(&txn, &current).await?;
        }
        change.visibility = Set(visibility);
    }
    if let Some(ids) = &input.theme_ids {
        change.theme_keys = Set(theme_keys(&txn, "themeIds", ids, current.alliance_id).await?);
    }
    if let Some(phases) = &input.phases {
        change.phases = Set(phases_json(phases));
    }
    let community = change.save(&txn, input.expected_version).await?;
    record(&txn, &access, "community.updated", &community).await?;
    txn.commit().await?;
    Ok(Community(community))
}

async fn set_status(
    ctx: &Context<'_>,
    id: &ID,
    status: CommunityStatus,
) -> MutationResult<Community> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = visible_community(&txn, &access, id, "communityId").await?;
    allowed(
        access.runs_community(&current),
        "only the community's facilitators change its status",
    )?;
    let allowed_from: &[CommunityStatus] = match status {
        CommunityStatus::Active => &[CommunityStatus::Forming],
        CommunityStatus::Closed => &[CommunityStatus::Forming, CommunityStatus::Active],
        CommunityStatus::Forming => &[],
    };
    if !allowed_from.contains(&current.status) {
        return Err(UserError::wrong_state("communityId", "community", current.status).into());
    }
    let now = Utc::now();
    let mut change = Change::edit(&current, now);
    change.status = Set(status);
    if status == CommunityStatus::Closed {
        change.closed_at = Set(Some(now));
    }
    let community = change.save_as_read(&txn).await?;
    record(
        &txn,
        &access,
        match status {
            CommunityStatus::Closed => "community.closed",
            _ => "community.activated",
        },
        &community,
    )
    .await?;
    txn.commit().await?;
    Ok(Community(community))
}
