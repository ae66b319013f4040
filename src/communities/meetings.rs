//! Meetings of a community: scheduled, edited or cancelled by facilitators, with notes
//! and attendance recorded afterwards.

use async_graphql::{Context, ID, InputObject, Result};
use chrono::{DateTime, Utc};
use entity::enums::{CommunityMembershipStatus, MeetingStatus};
use entity::{community, community_meeting, community_member, meeting_attendance};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, Set};
use trellis_macros::mutations;

use super::{CommunityMeeting, open_for_content, visible_community};
use crate::audit::AuditEntry;
use crate::auth::policy::{Access, allowed};
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::scalars::Url;
use crate::graphql::versioned::{Change, InsertFirst};
use crate::notifications::{MeetingChange, Notices};
use crate::payload;
use crate::sort_keys::time_key;
use crate::validation;

/// The input of `scheduleCommunityMeeting`.
#[derive(InputObject)]
pub struct ScheduleCommunityMeetingInput {
    /// The community the meeting is for.
    pub community_id: ID,
    /// What the meeting is called (at most 200 characters).
    pub title: String,
    /// When it starts (RFC 3339).
    pub starts_at: DateTime<Utc>,
    /// When it ends (RFC 3339): after it starts, at most a week later.
    pub ends_at: DateTime<Utc>,
    /// Where to meet in person (at most 300 characters).
    pub place: Option<String>,
    /// Where to join online: an `https` link.
    pub online_url: Option<Url>,
    /// The agenda, in Markdown (at most 20,000 characters).
    pub agenda_markdown: Option<String>,
}

/// The input of `updateCommunityMeeting`: what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateCommunityMeetingInput {
    /// The meeting to change.
    pub meeting_id: ID,
    /// The `version` the change was made from (see `CommunityMeeting.version`).
    pub expected_version: i32,
    /// The new title (at most 200 characters).
    pub title: Option<String>,
    /// The new start (RFC 3339); not in the future once notes or attendance were recorded.
    pub starts_at: Option<DateTime<Utc>>,
    /// The new end (RFC 3339): after the start, at most a week later.
    pub ends_at: Option<DateTime<Utc>>,
    /// Where to meet in person (at most 300 characters); an empty string removes it.
    pub place: Option<String>,
    /// Where to join online: an `https` link.
    pub online_url: Option<Url>,
    /// The agenda, in Markdown (at most 20,000 characters); an empty string removes it.
    pub agenda_markdown: Option<String>,
}

/// The input of `cancelCommunityMeeting`.
#[derive(InputObject)]
pub struct CancelCommunityMeetingInput {
    /// The meeting to cancel.
    pub meeting_id: ID,
}

/// The input of `recordCommunityMeeting`: what is left out stays as it is.
#[derive(InputObject)]
pub struct RecordCommunityMeetingInput {
    /// The meeting held.
    pub meeting_id: ID,
    /// Notes of what happened, in Markdown (at most 50,000 characters); an empty string
    /// removes them.
    pub notes_markdown: Option<String>,
    /// Everyone who attended (members of the community); replaces what was recorded.
    pub attendee_ids: Option<Vec<ID>>,
}

payload!(ScheduleCommunityMeetingPayload {
    meeting: CommunityMeeting
});
payload!(UpdateCommunityMeetingPayload {
    meeting: CommunityMeeting
});
payload!(CancelCommunityMeetingPayload {
    meeting: CommunityMeeting
});
payload!(RecordCommunityMeetingPayload {
    meeting: CommunityMeeting
});

#[derive(Default)]
pub struct MeetingMutation;

mutations! {
    impl MeetingMutation {
        /// Schedules a meeting. The community's facilitators may.
        fn schedule_community_meeting { schedule(ctx, input).await }

        /// Changes a meeting's title, times, place, link or agenda; members see the change. A
        /// meeting recorded as held (notes or attendance) cannot move to the future.
        fn update_community_meeting { update(ctx, input).await }

        /// Cancels a meeting; it stays listed with `includeCancelled`.
        fn cancel_community_meeting { cancel(ctx, input).await }

        /// Records a meeting's notes and who attended, once it has started (`INVALID_STATE`
        /// before). The community's facilitators may.
        fn record_community_meeting { record_meeting(ctx, input).await }
    }
}

/// Longest place of a meeting, in characters.
const PLACE_MAX: usize = 300;

fn check_times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), UserError> {
    if ends_at <= starts_at {
        return Err(UserError::invalid("endsAt", "must be after the start"));
    }
    if ends_at - starts_at > chrono::Duration::days(7) {
        return Err(UserError::invalid(
            "endsAt",
            "a meeting lasts at most a week",
        ));
    }
    Ok(())
}

fn place(value: Option<&str>) -> Result<Option<String>, UserError> {
    validation::optional("place", value, PLACE_MAX)
}

fn online_url(ctx: &Context<'_>, value: Option<&str>) -> Result<Option<String>, UserError> {
    validation::optional_link("onlineUrl", value, services(ctx).allow_http_links)
}

async fn schedule(
    ctx: &Context<'_>,
    input: ScheduleCommunityMeetingInput,
) -> MutationResult<CommunityMeeting> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let community = visible_community(&txn, &access, &input.community_id, "communityId").await?;
    allowed(
        access.runs_community(&community),
        "only the community's facilitators schedule meetings",
    )?;
    open_for_content(&community, "communityId")?;
    let title = validation::required("title", &input.title, 200)?;
    check_times(input.starts_at, input.ends_at)?;
    let place = place(input.place.as_deref())?;
    let online_url = online_url(ctx, input.online_url.as_deref())?;
    let agenda = validation::optional("agendaMarkdown", input.agenda_markdown.as_deref(), 20_000)?;
    let now = Utc::now();
    let meeting = community_meeting::ActiveModel {
        community_id: Set(community.id),
        title: Set(title),
        starts_at: Set(input.starts_at),
        starts_key: Set(time_key(input.starts_at)),
        ends_at: Set(input.ends_at),
        place: Set(place),
        online_url: Set(online_url),
        agenda_markdown: Set(agenda),
        notes_markdown: Set(None),
        status: Set(MeetingStatus::Scheduled),
        created_by_id: Set(access.person_id),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    record(
        &txn,
        &access,
        "community.meeting.scheduled",
        &community,
        &meeting,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .meeting(&txn, &community, &meeting, MeetingChange::Scheduled)
        .await?;
    notices.commit(txn).await?;
    Ok(CommunityMeeting(meeting))
}

/// The meeting named by `meetingId` in a community the caller reads, and that community;
/// `FORBIDDEN` unless they run it.
async fn run_meeting(
    txn: &DatabaseTransaction,
    access: &Access,
    id: &ID,
) -> MutationResult<(community_meeting::Model, community::Model)> {
    let not_found = || UserError::not_found("meetingId");
    let key = decode_as(id, NodeKind::CommunityMeeting).ok_or_else(not_found)?;
    let (meeting, community) = super::meeting_with_community(txn, key)
        .await?
        .filter(|(_, c)| access.sees_community(c) && access.reads_community(c))
        .ok_or_else(not_found)?;
    allowed(
        access.runs_community(&community),
        "only the community's facilitators change meetings",
    )?;
    Ok((meeting, community))
}

/// Whether notes or attendance were recorded: the meeting has been held.
async fn was_recorded(
    txn: &DatabaseTransaction,
    meeting: &community_meeting::Model,
) -> Result<bool, sea_orm::DbErr> {
    if meeting.notes_markdown.is_some() {
        return Ok(true);
    }
    let attended = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MeetingId.eq(meeting.id))
        .count(txn)
        .await?;
    Ok(attended > 0)
}

fn not_cancelled(meeting: &community_meeting::Model) -> Result<(), UserError> {
    if meeting.status == MeetingStatus::Cancelled {
        return Err(UserError::invalid_state(
            "meetingId",
            "the meeting was cancelled",
        ));
    }
    Ok(())
}

async fn update(
    ctx: &Context<'_>,
    input: UpdateCommunityMeetingInput,
) -> MutationResult<CommunityMeeting> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, community) = run_meeting(&txn, &access, &input.meeting_id).await?;
    not_cancelled(&current)?;
    open_for_content(&community, "meetingId")?;
    let mut change = Change::edit(&current, Utc::now());
    if let Some(title) = &input.title {
        change.title = Set(validation::required("title", title, 200)?);
    }
    let starts_at = input.starts_at.unwrap_or(current.starts_at);
    let ends_at = input.ends_at.unwrap_or(current.ends_at);
    check_times(starts_at, ends_at)?;
    if starts_at > Utc::now() && was_recorded(&txn, &current).await? {
        return Err(UserError::invalid_state(
            "startsAt",
            "the meeting was recorded as held, so it cannot move to the future",
        )
        .into());
    }
    change.starts_at = Set(starts_at);
    change.starts_key = Set(time_key(starts_at));
    change.ends_at = Set(ends_at);
    // Only what is given is checked: a link stored under other rules stays as it was.
    if input.place.is_some() {
        change.place = Set(place(input.place.as_deref())?);
    }
    if input.online_url.is_some() {
        change.online_url = Set(online_url(ctx, input.online_url.as_deref())?);
    }
    if input.agenda_markdown.is_some() {
        change.agenda_markdown = Set(validation::optional(
            "agendaMarkdown",
            input.agenda_markdown.as_deref(),
            20_000,
        )?);
    }
    let meeting = change.save(&txn, input.expected_version).await?;
    record(
        &txn,
        &access,
        "community.meeting.updated",
        &community,
        &meeting,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .meeting(&txn, &community, &meeting, MeetingChange::Changed)
        .await?;
    notices.commit(txn).await?;
    Ok(CommunityMeeting(meeting))
}

async fn cancel(
    ctx: &Context<'_>,
    input: CancelCommunityMeetingInput,
) -> MutationResult<CommunityMeeting> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, community) = run_meeting(&txn, &access, &input.meeting_id).await?;
    not_cancelled(&current)?;
    let mut change = Change::edit(&current, Utc::now());
    change.status = Set(MeetingStatus::Cancelled);
    let meeting = change.save_as_read(&txn).await?;
    record(
        &txn,
        &access,
        "community.meeting.cancelled",
        &community,
        &meeting,
    )
    .await?;
    let mut notices = Notices::new(ctx, access.person_id);
    notices
        .meeting(&txn, &community, &meeting, MeetingChange::Cancelled)
        .await?;
    notices.commit(txn).await?;
    Ok(CommunityMeeting(meeting))
}

async fn record_meeting(
    ctx: &Context<'_>,
    input: RecordCommunityMeetingInput,
) -> MutationResult<CommunityMeeting> {
    let access = access(ctx).await?;
    let txn = begin_write(db(ctx)).await?;
    let (current, community) = run_meeting(&txn, &access, &input.meeting_id).await?;
    not_cancelled(&current)?;
    let now = Utc::now();
    if now < current.starts_at {
        return Err(UserError::invalid_state(
            "meetingId",
            "the meeting has not started yet: record its notes and attendance once it has",
        )
        .into());
    }
    let mut change = Change::edit(&current, now);
    if input.notes_markdown.is_some() {
        change.notes_markdown = Set(validation::optional(
            "notesMarkdown",
            input.notes_markdown.as_deref(),
            50_000,
        )?);
    }
    let attendees = match &input.attendee_ids {
        Some(ids) => Some(attendees(&txn, community.id, ids).await?),
        None => None,
    };
    // Before the attendance is replaced: a recording at the same time waits here for this
    // one and then conflicts, rather than clashing over the attendance rows.
    let meeting = change.save_as_read(&txn).await?;
    if let Some(people) = attendees {
        meeting_attendance::Entity::delete_many()
            .filter(meeting_attendance::Column::MeetingId.eq(current.id))
            .exec(&txn)
            .await?;
        if !people.is_empty() {
            meeting_attendance::Entity::insert_many(people.into_iter().map(|person| {
                meeting_attendance::ActiveModel {
                    meeting_id: Set(current.id),
                    person_id: Set(person),
                    recorded_at: Set(now),
                    ..Default::default()
                }
            }))
            .exec(&txn)
            .await?;
        }
    }
    record(
        &txn,
        &access,
        "community.meeting.recorded",
        &community,
        &meeting,
    )
    .await?;
    txn.commit().await?;
    Ok(CommunityMeeting(meeting))
}

/// The people `ids` names, each once, who must all be active members of the community.
async fn attendees(
    txn: &DatabaseTransaction,
    community_id: i32,
    ids: &[ID],
) -> MutationResult<Vec<i32>> {
    if ids.len() > 500 {
        return Err(UserError::invalid("attendeeIds", "at most 500 people").into());
    }
    let mut people: Vec<i32> = Vec::new();
    for id in ids {
        let key =
            decode_as(id, NodeKind::Person).ok_or_else(|| UserError::not_found("attendeeIds"))?;
        if !people.contains(&key) {
            people.push(key);
        }
    }
    let members = community_member::Entity::find()
        .filter(community_member::Column::CommunityId.eq(community_id))
        .filter(community_member::Column::PersonId.is_in(people.clone()))
        .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
        .count(txn)
        .await?;
    if members != people.len() as u64 {
        return Err(UserError::invalid(
            "attendeeIds",
            "attendees must be members of the community",
        )
        .into());
    }
    Ok(people)
}

async fn record(
    txn: &DatabaseTransaction,
    access: &Access,
    action: &str,
    community: &community::Model,
    meeting: &community_meeting::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by(
        access.person_id,
        action,
        NodeKind::CommunityMeeting.id(meeting.id),
    )
    .alliance(Some(community.alliance_id))
    .details(serde_json::json!({ "title": meeting.title, "status": meeting.status }))
    .record(txn)
    .await
}
