//! The GraphQL types of communities, their members, meetings, discussion and enquiries.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityStatus, CommunityVisibility,
    DiscussionHostKind, EnquiryStage, MeetingStatus, SchoolPhase,
};
use entity::{
    community, community_meeting, community_member, enquiry, enquiry_evidence,
    enquiry_stage_change, meeting_attendance,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::{connections, fields};

use crate::alliances::Alliance;
use crate::discussion::{DiscussionThread, host_threads};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, load};
use crate::graphql::filters::any_of;
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, all_children, child_page, sorted_child_page};
use crate::graphql::pagination::{Cursor, Page, PageArgs, Sort};
use crate::graphql::readable::readable_row;
use crate::graphql::scalars::Url;
use crate::people::Person;
use crate::schools::School;
use crate::themes::Theme;

crate::wraps! {
    /// A professional learning community: staff from different schools of an alliance who
    /// learn together over time around one enquiry.
    Community(community::Model),
    /// A person's membership of a community, from request or invitation to its end.
    CommunityMembership(community_member::Model),
    /// A scheduled session of a community.
    CommunityMeeting(community_meeting::Model),
    /// Someone who attended a meeting.
    MeetingAttendance(meeting_attendance::Model),
    /// A practitioner enquiry, run by a community or by one person.
    Enquiry(enquiry::Model),
    /// Evidence gathered in an enquiry.
    EnquiryEvidence(enquiry_evidence::Model),
    /// An enquiry moving between stages.
    EnquiryStageChange(enquiry_stage_change::Model),
}

/// The community with this id if the caller sees it, whichever object led there.
pub(crate) async fn community_if_seen(ctx: &Context<'_>, id: i32) -> ApiResult<Option<Community>> {
    let access = access(ctx).await?;
    Ok(load::<community::Entity>(ctx, id)
        .await?
        .filter(|row| access.sees_community(row))
        .map(Community))
}

/// The community of an object only seen with its community (a membership, a meeting):
/// checked all the same, `NOT_FOUND` should that ever not hold.
async fn community_seen_with(ctx: &Context<'_>, id: i32) -> ApiResult<Community> {
    community_if_seen(ctx, id).await?.ok_or(ApiError::NotFound)
}

/// Narrows a community's members.
#[derive(InputObject, Default, Debug)]
pub struct CommunityMembershipFilter {
    /// Only memberships in these states (default: active members only).
    pub statuses: Option<Vec<CommunityMembershipStatus>>,
    /// Only members in these roles (default: any role).
    pub roles: Option<Vec<CommunityRole>>,
}

/// Which meetings to list.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum MeetingWhen {
    /// Meetings that have not ended yet, soonest first.
    #[default]
    Upcoming,
    /// Meetings that have started, latest first.
    Past,
}

/// Narrows a community's meetings.
#[derive(InputObject, Default, Debug)]
pub struct MeetingFilter {
    /// Upcoming meetings (the default) or past ones.
    #[graphql(default)]
    pub when: MeetingWhen,
    /// Also list cancelled meetings (default: no).
    #[graphql(default)]
    pub include_cancelled: bool,
}

/// Narrows enquiries.
#[derive(InputObject, Default, Debug)]
pub struct EnquiryFilter {
    /// Only enquiries at these stages.
    pub stages: Option<Vec<EnquiryStage>>,
    /// Only enquiries tagged with this theme.
    pub theme_id: Option<ID>,
    /// Only enquiries owned by this person.
    pub owner_id: Option<ID>,
    /// Only enquiries of this community.
    pub community_id: Option<ID>,
}

pub(super) fn meeting_condition(
    filter: &MeetingFilter,
) -> (Condition, Sort<community_meeting::Column>) {
    let now = crate::sort_keys::time_key(Utc::now());
    let mut condition = Condition::all();
    if !filter.include_cancelled {
        condition = condition.add(community_meeting::Column::Status.eq(MeetingStatus::Scheduled));
    }
    let sort = match filter.when {
        MeetingWhen::Upcoming => {
            condition = condition.add(community_meeting::Column::EndsAt.gt(Utc::now()));
            Sort {
                column: Some(community_meeting::Column::StartsKey),
                descending: false,
            }
        }
        MeetingWhen::Past => {
            condition = condition.add(community_meeting::Column::StartsKey.lte(now));
            Sort {
                column: Some(community_meeting::Column::StartsKey),
                descending: true,
            }
        }
    };
    (condition, sort)
}

pub(super) fn meeting_cursor(row: &community_meeting::Model) -> Cursor {
    Cursor {
        id: row.id,
        key: Some(row.starts_key.clone()),
    }
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::Community,
    /// The community's alliance; `null` when the caller may not see it (a member whose
    /// own place in the alliance has ended).
    alliance: Alliance = alliance(alliance_id),
    /// The community's name.
    name: &str,
    /// The community's purpose or enquiry focus.
    purpose: Option<&str>,
    /// Whether members share with each other or only with their facilitators.
    kind: CommunityKind,
    /// Who sees the community: all the alliance's staff, or its members only.
    visibility: CommunityVisibility,
    /// Where the community is in its life cycle: forming, active or closed.
    status: CommunityStatus,
    /// The themes the community is tagged with, those the caller may see.
    themes: Vec<Theme> = themes(theme_keys),
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When the community was started.
    created_at: DateTime<Utc>,
    /// When the community was closed; `null` unless it is `CLOSED`.
    closed_at: Option<DateTime<Utc>>,
)]
#[connections]
#[Object]
/// A professional learning community: staff from different schools of an alliance who
/// learn together over time around one enquiry.
impl Community {
    /// The school phases the community is for.
    async fn phases(&self) -> Vec<SchoolPhase> {
        serde_json::from_value(self.0.phases.clone()).unwrap_or_default()
    }
    /// The caller's own membership (asked, invited or active), if any.
    async fn viewer_membership(&self, ctx: &Context<'_>) -> Result<Option<CommunityMembership>> {
        let access = access(ctx).await?;
        match access.communities.get(&self.0.id) {
            Some(place) => Ok(load::<community_member::Entity>(ctx, place.membership_id)
                .await?
                .map(CommunityMembership)),
            None => Ok(None),
        }
    }
    /// Whether the caller runs the community: its facilitators and the alliance's admins.
    async fn viewer_can_facilitate(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(access(ctx).await?.runs_community(&self.0))
    }

    /// Members, in the order they were asked or invited. Active members by default;
    /// requests, invitations and past members are listed to those who run the community.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Which memberships to list (default: active members in any role).")]
        filter: Option<CommunityMembershipFilter>,
    ) -> Result<Page<CommunityMembership>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let statuses = filter
            .statuses
            .clone()
            .unwrap_or_else(|| vec![CommunityMembershipStatus::Active]);
        let condition = Condition::all()
            .add(access.member_list_condition())
            .add(community_member::Column::Status.is_in(statuses))
            .add_option(any_of(community_member::Column::Role, &filter.roles));
        let list = ChildList::<community_member::Entity>::new(
            self.0.id,
            community_member::Column::CommunityId,
            condition,
        );
        Ok(child_page(ctx, list, &args).await?)
    }

    /// Meetings: upcoming (soonest first) by default, or past (latest first). Seen by
    /// members and the alliance's admins.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Which meetings to list (default: upcoming ones, not cancelled).")]
        filter: Option<MeetingFilter>,
    ) -> Result<Page<CommunityMeeting>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let (condition, sort) = meeting_condition(&filter);
        let list = ChildList::<community_meeting::Entity>::new(
            self.0.id,
            community_meeting::Column::CommunityId,
            condition.add(access.readable_condition(community_meeting::Column::CommunityId)),
        );
        Ok(sorted_child_page(ctx, list, sort, &args, meeting_cursor).await?)
    }

    /// Discussion threads: pinned first, then by latest activity.
    async fn threads(&self, ctx: &Context<'_>, args: PageArgs) -> Result<Page<DiscussionThread>> {
        let kind = DiscussionHostKind::Community;
        Ok(host_threads(ctx, kind, self.0.id, &args).await?)
    }

    /// The community's enquiries, oldest first.
    async fn enquiries(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Only enquiries at these stages (default: all).")] stages: Option<
            Vec<EnquiryStage>,
        >,
    ) -> Result<Page<Enquiry>> {
        let access = access(ctx).await?;
        let mut condition = access.enquiry_condition();
        if let Some(stages) = &stages {
            condition = Condition::all()
                .add(condition)
                .add(enquiry::Column::Stage.is_in(stages.clone()));
        }
        let list =
            ChildList::<enquiry::Entity>::new(self.0.id, enquiry::Column::CommunityId, condition);
        Ok(child_page(ctx, list, &args).await?)
    }
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::CommunityMembership,
    /// The member, if the caller can see them.
    person: Person = person(person_id),
    /// The school the member takes part from; stays as it was after they leave.
    school: School = school(school_id),
    /// Whether the person is a member or a facilitator.
    role: CommunityRole,
    /// Where the membership stands: asked, invited, active, or how it ended.
    status: CommunityMembershipStatus,
    /// Why a request was declined or a member removed.
    reason: Option<&str>,
    /// Who invited the person; `null` when nobody did (they asked to join or started the
    /// community) or when the caller cannot see the inviter.
    invited_by: Person = person(invited_by_id),
    /// When the person asked or was invited.
    created_at: DateTime<Utc>,
    /// When the person became an active member; `null` until they do.
    joined_at: Option<DateTime<Utc>>,
    /// When the request or invitation was declined or the membership ended; `null` while it
    /// lasts.
    ended_at: Option<DateTime<Utc>>,
)]
#[Object]
/// A person's membership of a community, from request or invitation to its end.
impl CommunityMembership {
    /// The community joined.
    async fn community(&self, ctx: &Context<'_>) -> Result<Community> {
        Ok(community_seen_with(ctx, self.0.community_id).await?)
    }
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::CommunityMeeting,
    /// What the meeting is called.
    title: &str,
    /// When the meeting starts (RFC 3339, UTC).
    starts_at: DateTime<Utc>,
    /// When the meeting ends (RFC 3339, UTC): after it starts, at most a week later.
    ends_at: DateTime<Utc>,
    /// Where to meet in person; `null` if not given.
    place: Option<&str>,
    /// The agenda, in Markdown; `null` if not given.
    agenda_markdown: Option<&str>,
    /// Notes of what happened, in Markdown, recorded by a facilitator once the meeting
    /// started; `null` until then.
    notes_markdown: Option<&str>,
    /// `CANCELLED` once a facilitator cancelled the meeting.
    status: MeetingStatus,
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
)]
#[connections]
#[Object]
/// A scheduled session of a community, seen by its members and the alliance's admins.
impl CommunityMeeting {
    /// The community holding the meeting.
    async fn community(&self, ctx: &Context<'_>) -> Result<Community> {
        Ok(community_seen_with(ctx, self.0.community_id).await?)
    }
    /// Where to join online (a link); `null` if not given.
    async fn online_url(&self) -> Option<Url> {
        Url::of(self.0.online_url.as_deref())
    }
    /// Who attended, as recorded by a facilitator.
    async fn attendance(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<MeetingAttendance>> {
        let list = ChildList::<meeting_attendance::Entity>::new(
            self.0.id,
            meeting_attendance::Column::MeetingId,
            Condition::all(),
        );
        Ok(child_page(ctx, list, &args).await?)
    }
}

#[fields(
    /// The attendee, if the caller can see them.
    person: Person = person(person_id),
    /// When a facilitator recorded the attendance.
    recorded_at: DateTime<Utc>,
)]
#[Object]
/// Someone recorded as having attended a community meeting.
impl MeetingAttendance {}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::Enquiry,
    /// The enquiry's alliance; `null` when the caller may not see it (the owner of a
    /// personal enquiry whose school has left).
    alliance: Alliance = alliance(alliance_id),
    /// The person who started the enquiry, if the caller can see them.
    owner: Person = person(owner_id),
    /// The school the owner runs the enquiry from; `null` when they take part through an
    /// alliance role alone.
    owner_school: School = school(owner_school_id),
    /// The question the enquiry asks.
    question: &str,
    /// Why the question matters.
    rationale: Option<&str>,
    /// Where we are now.
    baseline: Option<&str>,
    /// What will be done to find out.
    planned_actions: Option<&str>,
    /// What was found; `null` until written.
    findings: Option<&str>,
    /// Where the enquiry is in its cycle.
    stage: EnquiryStage,
    /// The themes the enquiry is tagged with, those the caller may see.
    themes: Vec<Theme> = themes(theme_keys),
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    version: i32,
    /// When the enquiry was started.
    created_at: DateTime<Utc>,
    /// When the enquiry last changed (its text or its stage).
    updated_at: DateTime<Utc>,
)]
#[connections]
#[Object]
/// A practitioner enquiry, run by a community or by one person, moving through the stages
/// question, planning, acting, evidence and sharing.
impl Enquiry {
    /// The community running the enquiry; `null` for a personal enquiry.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<Community>> {
        match self.0.community_id {
            Some(id) => Ok(community_if_seen(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// Evidence gathered, in the order it was added.
    async fn evidence(&self, ctx: &Context<'_>, args: PageArgs) -> Result<Page<EnquiryEvidence>> {
        let access = access(ctx).await?;
        let list = ChildList::<enquiry_evidence::Entity>::new(
            self.0.id,
            enquiry_evidence::Column::EnquiryId,
            access.evidence_condition(),
        );
        Ok(child_page(ctx, list, &args).await?)
    }
    /// Every move between stages: who moved it and when, oldest first.
    async fn stage_history(&self, ctx: &Context<'_>) -> Result<Vec<EnquiryStageChange>> {
        Ok(all_children::<enquiry_stage_change::Entity, _>(
            ctx,
            self.0.id,
            enquiry_stage_change::Column::EnquiryId,
        )
        .await?)
    }
}

#[fields(
    /// Opaque global id; stable across releases.
    id = NodeKind::EnquiryEvidence,
    /// Who added the evidence, if the caller can see them.
    author: Person = person(author_id),
    /// The school the author added it from; `null` when they take part through an alliance
    /// role alone.
    author_school: School = school(author_school_id),
    /// What was observed.
    note: &str,
    /// The day the evidence was gathered (`YYYY-MM-DD`).
    observed_on: NaiveDate,
    /// When the evidence was added.
    created_at: DateTime<Utc>,
)]
#[Object]
/// Evidence gathered in an enquiry: what was observed, when, and perhaps a link to it.
impl EnquiryEvidence {
    /// The enquiry the evidence belongs to.
    async fn enquiry(&self, ctx: &Context<'_>) -> Result<Enquiry> {
        Ok(Enquiry(
            readable_row::<enquiry::Entity>(
                ctx,
                self.0.enquiry_id,
                enquiry::Column::Id,
                access(ctx).await?.enquiry_condition(),
            )
            .await?,
        ))
    }
    /// Where the evidence is kept (a link); `null` if not given.
    async fn link(&self) -> Option<Url> {
        Url::of(self.0.link.as_deref())
    }
}

#[fields(
    /// The stage the enquiry left.
    from_stage: EnquiryStage,
    /// The stage the enquiry moved to.
    to_stage: EnquiryStage,
    /// Who moved it, if the caller can see them.
    changed_by: Person = person(changed_by_id),
    /// When it moved.
    changed_at: DateTime<Utc>,
)]
#[Object]
/// An enquiry moving one stage forward or back.
impl EnquiryStageChange {}

/// Members of a community from one school.
#[derive(SimpleObject)]
pub struct SchoolMemberCount {
    /// The school; `null` for members who take part through an alliance role alone.
    pub school: Option<School>,
    /// How many active members take part from it.
    pub members: i32,
}
