//! The GraphQL types of communities, their members, meetings, discussion and enquiries.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityStatus, CommunityVisibility,
    DiscussionHostKind, EnquiryStage, MeetingStatus, SchoolPhase,
};
use entity::{
    community, community_meeting, community_member, discussion_post, enquiry, enquiry_evidence,
    enquiry_stage_change, meeting_attendance,
};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;
use trellis_macros::connections;

use crate::alliances::Alliance;
use crate::alliances::visible_alliance;
use crate::discussion::{DiscussionThread, thread_cursor};
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, load};
use crate::graphql::ids::NodeKind;
use crate::graphql::nested::{ChildList, all_children, child_page, sorted_child_page};
use crate::graphql::pagination::{Cursor, Page, PageArgs, Sort};
use crate::graphql::readable::readable_row;
use crate::graphql::scalars::Url;
use crate::people::{Person, person_of};
use crate::schools::{School, school_of};
use crate::themes::{Theme, themes_of};

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

#[connections]
#[Object]
/// A professional learning community: staff from different schools of an alliance who
/// learn together over time around one enquiry.
impl Community {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::Community.id(self.0.id)
    }
    /// The community's alliance; `null` when the caller may not see it (a member whose
    /// own place in the alliance has ended).
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        Ok(visible_alliance(ctx, self.0.alliance_id).await?)
    }
    /// The community's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The community's purpose or enquiry focus.
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    /// Whether members share with each other or only with their facilitators.
    async fn kind(&self) -> CommunityKind {
        self.0.kind
    }
    /// Who sees the community: all the alliance's staff, or its members only.
    async fn visibility(&self) -> CommunityVisibility {
        self.0.visibility
    }
    /// Where the community is in its life cycle: forming, active or closed.
    async fn status(&self) -> CommunityStatus {
        self.0.status
    }
    /// The themes the community is tagged with, those the caller may see.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// The school phases the community is for.
    async fn phases(&self) -> Vec<SchoolPhase> {
        serde_json::from_value(self.0.phases.clone()).unwrap_or_default()
    }
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the community was started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the community was closed; `null` unless it is `CLOSED`.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
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
        let mut condition = Condition::all()
            .add(access.member_list_condition())
            .add(community_member::Column::Status.is_in(statuses));
        if let Some(roles) = &filter.roles {
            condition = condition.add(community_member::Column::Role.is_in(roles.clone()));
        }
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
        let access = access(ctx).await?;
        let list = ChildList::<discussion_post::Entity>::new(
            self.0.id,
            discussion_post::Column::HostId,
            Condition::all()
                .add(discussion_post::Column::HostKind.eq(DiscussionHostKind::Community))
                .add(discussion_post::Column::ThreadId.is_null())
                .add(access.post_condition()),
        );
        let sort = Sort {
            column: Some(discussion_post::Column::ActivityKey),
            descending: true,
        };
        Ok(sorted_child_page(ctx, list, sort, &args, thread_cursor).await?)
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

#[Object]
/// A person's membership of a community, from request or invitation to its end.
impl CommunityMembership {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::CommunityMembership.id(self.0.id)
    }
    /// The community joined.
    async fn community(&self, ctx: &Context<'_>) -> Result<Community> {
        Ok(community_seen_with(ctx, self.0.community_id).await?)
    }
    /// The member, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// The school the member takes part from; stays as it was after they leave.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.school_id).await
    }
    /// Whether the person is a member or a facilitator.
    async fn role(&self) -> CommunityRole {
        self.0.role
    }
    /// Where the membership stands: asked, invited, active, or how it ended.
    async fn status(&self) -> CommunityMembershipStatus {
        self.0.status
    }
    /// Why a request was declined or a member removed.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Who invited the person; `null` when nobody did (they asked to join or started the
    /// community) or when the caller cannot see the inviter.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, self.0.invited_by_id).await
    }
    /// When the person asked or was invited.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the person became an active member; `null` until they do.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        self.0.joined_at
    }
    /// When the request or invitation was declined or the membership ended; `null` while it
    /// lasts.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
}

#[connections]
#[Object]
/// A scheduled session of a community, seen by its members and the alliance's admins.
impl CommunityMeeting {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::CommunityMeeting.id(self.0.id)
    }
    /// The community holding the meeting.
    async fn community(&self, ctx: &Context<'_>) -> Result<Community> {
        Ok(community_seen_with(ctx, self.0.community_id).await?)
    }
    /// What the meeting is called.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// When the meeting starts (RFC 3339, UTC).
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    /// When the meeting ends (RFC 3339, UTC): after it starts, at most a week later.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }
    /// Where to meet in person; `null` if not given.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// Where to join online (a link); `null` if not given.
    async fn online_url(&self) -> Option<Url> {
        Url::of(self.0.online_url.as_deref())
    }
    /// The agenda, in Markdown; `null` if not given.
    async fn agenda_markdown(&self) -> Option<&str> {
        self.0.agenda_markdown.as_deref()
    }
    /// Notes of what happened, in Markdown, recorded by a facilitator once the meeting
    /// started; `null` until then.
    async fn notes_markdown(&self) -> Option<&str> {
        self.0.notes_markdown.as_deref()
    }
    /// `CANCELLED` once a facilitator cancelled the meeting.
    async fn status(&self) -> MeetingStatus {
        self.0.status
    }
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
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

#[Object]
/// Someone recorded as having attended a community meeting.
impl MeetingAttendance {
    /// The attendee, if the caller can see them.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.person_id)).await
    }
    /// When a facilitator recorded the attendance.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

#[connections]
#[Object]
/// A practitioner enquiry, run by a community or by one person, moving through the stages
/// question, planning, acting, evidence and sharing.
impl Enquiry {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::Enquiry.id(self.0.id)
    }
    /// The enquiry's alliance; `null` when the caller may not see it (the owner of a
    /// personal enquiry whose school has left).
    async fn alliance(&self, ctx: &Context<'_>) -> Result<Option<Alliance>> {
        Ok(visible_alliance(ctx, self.0.alliance_id).await?)
    }
    /// The community running the enquiry; `null` for a personal enquiry.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<Community>> {
        match self.0.community_id {
            Some(id) => Ok(community_if_seen(ctx, id).await?),
            None => Ok(None),
        }
    }
    /// The person who started the enquiry, if the caller can see them.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.owner_id)).await
    }
    /// The school the owner runs the enquiry from; `null` when they take part through an
    /// alliance role alone.
    async fn owner_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.owner_school_id).await
    }
    /// The question the enquiry asks.
    async fn question(&self) -> &str {
        &self.0.question
    }
    /// Why the question matters.
    async fn rationale(&self) -> Option<&str> {
        self.0.rationale.as_deref()
    }
    /// Where we are now.
    async fn baseline(&self) -> Option<&str> {
        self.0.baseline.as_deref()
    }
    /// What will be done to find out.
    async fn planned_actions(&self) -> Option<&str> {
        self.0.planned_actions.as_deref()
    }
    /// What was found; `null` until written.
    async fn findings(&self) -> Option<&str> {
        self.0.findings.as_deref()
    }
    /// Where the enquiry is in its cycle.
    async fn stage(&self) -> EnquiryStage {
        self.0.stage
    }
    /// The themes the enquiry is tagged with, those the caller may see.
    async fn themes(&self, ctx: &Context<'_>) -> Result<Vec<Theme>> {
        themes_of(ctx, &self.0.theme_keys).await
    }
    /// Increases with every change; pass it back as `expectedVersion` to update safely.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the enquiry was started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the enquiry last changed (its text or its stage).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
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

#[Object]
/// Evidence gathered in an enquiry: what was observed, when, and perhaps a link to it.
impl EnquiryEvidence {
    /// Opaque global id; stable across releases.
    pub async fn id(&self) -> ID {
        NodeKind::EnquiryEvidence.id(self.0.id)
    }
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
    /// Who added the evidence, if the caller can see them.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.author_id)).await
    }
    /// The school the author added it from; `null` when they take part through an alliance
    /// role alone.
    async fn author_school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        school_of(ctx, self.0.author_school_id).await
    }
    /// What was observed.
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// Where the evidence is kept (a link); `null` if not given.
    async fn link(&self) -> Option<Url> {
        Url::of(self.0.link.as_deref())
    }
    /// The day the evidence was gathered (`YYYY-MM-DD`).
    async fn observed_on(&self) -> NaiveDate {
        self.0.observed_on
    }
    /// When the evidence was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[Object]
/// An enquiry moving one stage forward or back.
impl EnquiryStageChange {
    /// The stage the enquiry left.
    async fn from_stage(&self) -> EnquiryStage {
        self.0.from_stage
    }
    /// The stage the enquiry moved to.
    async fn to_stage(&self) -> EnquiryStage {
        self.0.to_stage
    }
    /// Who moved it, if the caller can see them.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person_of(ctx, Some(self.0.changed_by_id)).await
    }
    /// When it moved.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.0.changed_at
    }
}

/// Members of a community from one school.
#[derive(SimpleObject)]
pub struct SchoolMemberCount {
    /// The school; `null` for members who take part through an alliance role alone.
    pub school: Option<School>,
    /// How many active members take part from it.
    pub members: i32,
}
