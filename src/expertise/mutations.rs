//! Keeping an expertise profile: declaring, changing and removing entries, a leader
//! confirming one, and saying whether one offers to coach.

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::ExpertiseKind;
use entity::{coaching_availability, expertise_entry, theme};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::{
    EVIDENCE_MAX, ExpertiseEntry, ExpertiseProfile, SESSIONS_PER_TERM_MAX, entry_audit,
    visible_entry,
};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst, set_given};
use crate::payload;
use crate::validation;

/// A new entry of the viewer's own profile.
#[derive(InputObject)]
pub struct DeclareExpertiseInput {
    /// A theme of the shared taxonomy, or of an alliance the viewer takes part in. One
    /// entry per theme.
    pub theme_id: ID,
    /// A strength or a development need.
    pub kind: ExpertiseKind,
    /// A short note of evidence (1 to 500 characters).
    pub evidence: String,
}

/// Changes to an entry of the viewer's own profile; absent fields stay as they are. Any
/// change withdraws a leader's confirmation.
#[derive(InputObject)]
pub struct UpdateExpertiseInput {
    /// The entry.
    pub entry_id: ID,
    /// The `version` the change was made from (see `ExpertiseEntry.version`).
    pub expected_version: i32,
    /// A strength or a development need.
    pub kind: Option<ExpertiseKind>,
    /// A short note of evidence (1 to 500 characters).
    pub evidence: Option<String>,
}

/// Removing an entry of the viewer's own profile.
#[derive(InputObject)]
pub struct RemoveExpertiseInput {
    /// The entry.
    pub entry_id: ID,
}

/// Confirming an entry of a colleague's profile.
#[derive(InputObject)]
pub struct ConfirmExpertiseInput {
    /// The entry: of someone who works now at a school the viewer leads (never the
    /// viewer's own).
    pub entry_id: ID,
}

/// Whether the viewer offers to coach, and how much.
#[derive(InputObject)]
pub struct SetCoachingAvailabilityInput {
    /// Whether the viewer is visible as a potential coach: named in their alliances'
    /// strengths view and suggested as a coach.
    pub visible_as_coach: bool,
    /// Coaching sessions a term they can give (0 to 60).
    pub sessions_per_term: i32,
}

payload!(DeclareExpertisePayload {
    entry: ExpertiseEntry
});
payload!(UpdateExpertisePayload {
    entry: ExpertiseEntry
});
payload!(RemoveExpertisePayload {
    removed_entry_id: ID
});
payload!(ConfirmExpertisePayload {
    entry: ExpertiseEntry
});
payload!(SetCoachingAvailabilityPayload {
    profile: ExpertiseProfile
});

#[derive(Default)]
pub struct ExpertiseMutation;

mutations! {
    impl ExpertiseMutation {
        /// Adds a strength or a development need to the viewer's own expertise profile, in a
        /// theme they have no entry for yet.
        fn declare_expertise { declare(ctx, input).await }

        /// Changes an entry of the viewer's own profile; a leader's confirmation is
        /// withdrawn.
        fn update_expertise { update(ctx, input).await }

        /// Removes an entry of the viewer's own profile.
        fn remove_expertise { remove(ctx, input).await }

        /// Confirms a colleague's entry: a leader of a school the person works at now may;
        /// confirming one's own is refused (`INVALID`).
        fn confirm_expertise { confirm(ctx, input).await }

        /// Says whether the viewer is visible as a potential coach, and their capacity.
        fn set_coaching_availability { availability(ctx, input).await }
    }
}

fn evidence(text: &str) -> Result<String, UserError> {
    validation::required("evidence", text, EVIDENCE_MAX)
}

/// An entry of the caller's own profile, named by input `entryId`: `NOT_FOUND` when they
/// do not see it, `FORBIDDEN` when it is someone else's.
async fn own_entry(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: &ID,
) -> MutationResult<expertise_entry::Model> {
    let (entry, _) = visible_entry(conn, access, id, "entryId").await?;
    allowed(
        entry.person_id == access.person_id,
        "only the person keeps their expertise profile",
    )?;
    Ok(entry)
}

async fn declare(
    ctx: &Context<'_>,
    input: DeclareExpertiseInput,
) -> MutationResult<ExpertiseEntry> {
    let access = access(ctx).await?;
    let evidence = evidence(&input.evidence)?;
    let theme_key = decode_as(&input.theme_id, NodeKind::Theme)
        .ok_or_else(|| UserError::not_found("themeId"))?;
    let txn = begin_write(db(ctx)).await?;
    theme::Entity::find_by_id(theme_key)
        .one(&txn)
        .await?
        .filter(|theme| {
            theme
                .alliance_id
                .is_none_or(|alliance| access.active_alliances.contains(&alliance))
        })
        .ok_or_else(|| UserError::not_found("themeId"))?;
    let taken = expertise_entry::Entity::find()
        .filter(expertise_entry::Column::PersonId.eq(access.person_id))
        .filter(expertise_entry::Column::ThemeId.eq(theme_key))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(UserError::new(
            "themeId",
            UserErrorCode::Taken,
            "your profile has an entry for this theme: change it instead",
        )
        .into());
    }
    let now = Utc::now();
    let row = expertise_entry::ActiveModel {
        person_id: Set(access.person_id),
        theme_id: Set(theme_key),
        kind: Set(input.kind),
        evidence: Set(evidence),
        confirmed_by_id: Set(None),
        confirmed_at: Set(None),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    entry_audit(&access, "expertise.declared", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ExpertiseEntry(row))
}

async fn update(ctx: &Context<'_>, input: UpdateExpertiseInput) -> MutationResult<ExpertiseEntry> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = own_entry(&txn, &access, &input.entry_id).await?;
    let mut change = Change::edit(&current, Utc::now());
    set_given(&mut change.kind, input.kind);
    if let Some(text) = &input.evidence {
        change.evidence = Set(evidence(text)?);
    }
    change.confirmed_by_id = Set(None);
    change.confirmed_at = Set(None);
    let row = change.save(&txn, input.expected_version).await?;
    entry_audit(&access, "expertise.updated", &row)
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ExpertiseEntry(row))
}

async fn remove(ctx: &Context<'_>, input: RemoveExpertiseInput) -> MutationResult<ID> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let current = own_entry(&txn, &access, &input.entry_id).await?;
    entry_audit(&access, "expertise.removed", &current)
        .record(&txn)
        .await?;
    current.delete(&txn).await?;
    txn.commit().await?;
    Ok(input.entry_id)
}

async fn confirm(
    ctx: &Context<'_>,
    input: ConfirmExpertiseInput,
) -> MutationResult<ExpertiseEntry> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, schools) = visible_entry(&txn, &access, &input.entry_id, "entryId").await?;
    if current.person_id == access.person_id {
        return Err(UserError::invalid(
            "entryId",
            "a leader of your school confirms your profile: you cannot confirm your own",
        )
        .into());
    }
    allowed(
        access.may_confirm_expertise_of(current.person_id, &schools),
        "only a leader of a school the person works at confirms their profile",
    )?;
    let now = Utc::now();
    let mut change = Change::new(&current);
    change.confirmed_by_id = Set(Some(access.person_id));
    change.confirmed_at = Set(Some(now));
    let row = change.save_as_read(&txn).await?;
    entry_audit(&access, "expertise.confirmed", &row)
        .school(schools.first().copied())
        .record(&txn)
        .await?;
    txn.commit().await?;
    Ok(ExpertiseEntry(row))
}

async fn availability(
    ctx: &Context<'_>,
    input: SetCoachingAvailabilityInput,
) -> MutationResult<ExpertiseProfile> {
    let access = access(ctx).await?;
    if !(0..=SESSIONS_PER_TERM_MAX).contains(&input.sessions_per_term) {
        return Err(UserError::invalid(
            "sessionsPerTerm",
            format!("must be from 0 to {SESSIONS_PER_TERM_MAX}"),
        )
        .into());
    }
    let txn = begin_write(db(ctx)).await?;
    let now = Utc::now();
    let existing = coaching_availability::Entity::find()
        .filter(coaching_availability::Column::PersonId.eq(access.person_id))
        .one(&txn)
        .await?;
    let row = match existing {
        Some(current) => {
            let mut change = Change::edit(&current, now);
            change.visible_as_coach = Set(input.visible_as_coach);
            change.sessions_per_term = Set(input.sessions_per_term);
            change.save_as_read(&txn).await?
        }
        None => {
            coaching_availability::ActiveModel {
                person_id: Set(access.person_id),
                visible_as_coach: Set(input.visible_as_coach),
                sessions_per_term: Set(input.sessions_per_term),
                ..Default::default()
            }
            .insert_first(&txn, now)
            .await?
        }
    };
    AuditEntry::by_caller(
        &access,
        "coaching_availability.set",
        NodeKind::Person.id(access.person_id),
    )
    .details(serde_json::json!({
        "visibleAsCoach": row.visible_as_coach,
        "sessionsPerTerm": row.sessions_per_term,
    }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(ExpertiseProfile {
        person_id: access.person_id,
        availability: Some(row),
    })
}
