//! Views for a CPD lead: an alliance's communities with members by school, meetings held
//! in a date range, active threads and enquiries by stage; and a school's participation.
//! Aggregates count activity, never content, so they are not narrowed by consent.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{Days, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::enums::{CommunityMembershipStatus, DiscussionHostKind, EnquiryStage, MeetingStatus};
use entity::{
    community, community_meeting, community_member, discussion_post, enquiry, school, staff_role,
};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::Community;
use super::types::SchoolMemberCount;
use crate::auth::policy::allowed;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db, loader};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::loaders::{ById, loader_error};
use crate::schools::School;

/// How many enquiries are at one stage.
#[derive(SimpleObject)]
pub struct EnquiryStageCount {
    /// The stage.
    pub stage: EnquiryStage,
    /// How many enquiries are at it.
    pub count: i32,
}

/// One community in an alliance report.
#[derive(SimpleObject)]
pub struct CommunitySummary {
    /// The community summed up.
    pub community: Community,
    /// Active members.
    pub member_count: i32,
    /// Active members by the school they take part from (no school: alliance staff).
    pub members_by_school: Vec<SchoolMemberCount>,
}

/// An alliance's communities at a glance, for its CPD lead.
#[derive(SimpleObject)]
pub struct AllianceCommunityReport {
    /// The first day of the range (`YYYY-MM-DD`, UTC).
    pub from: NaiveDate,
    /// The last day of the range, included (`YYYY-MM-DD`, UTC).
    pub to: NaiveDate,
    /// Every community of the alliance (at most 500), alphabetical.
    pub communities: Vec<CommunitySummary>,
    /// Meetings (not cancelled) that started within the range.
    pub meetings_held: i32,
    /// Threads started or replied to within the range.
    pub active_threads: i32,
    /// Enquiries of the alliance at each stage, personal ones included.
    pub enquiries_by_stage: Vec<EnquiryStageCount>,
}

/// How a school's staff take part in communities.
#[derive(SimpleObject)]
pub struct SchoolCommunityParticipation {
    /// The school.
    pub school: School,
    /// Current staff.
    pub staff_count: i32,
    /// Current staff who are active members of at least one community.
    pub participating_staff: i32,
    /// Communities with at least one active member from the school.
    pub community_count: i32,
}

#[derive(Default)]
pub struct CommunityViewQuery;

#[Object]
impl CommunityViewQuery {
    /// An alliance's communities, meetings, discussion and enquiries in a date range
    /// (default: the last 30 days). The alliance's admins and CPD leads may.
    async fn alliance_community_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance.")] alliance_id: ID,
        #[graphql(
            desc = "The first day of the range (`YYYY-MM-DD`, UTC; default: 30 days before `to`)."
        )]
        from: Option<NaiveDate>,
        #[graphql(
            desc = "The last day of the range, included (`YYYY-MM-DD`, UTC; default: today); not before `from`."
        )]
        to: Option<NaiveDate>,
    ) -> Result<AllianceCommunityReport> {
        Ok(report(ctx, &alliance_id, from, to).await?)
    }

    /// How many of a school's staff take part in how many communities. The school's
    /// leaders and the admins of alliances it is active in may.
    async fn school_community_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school.")] school_id: ID,
    ) -> Result<SchoolCommunityParticipation> {
        Ok(participation(ctx, &school_id).await?)
    }
}

fn as_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn report(
    ctx: &Context<'_>,
    alliance_id: &ID,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<AllianceCommunityReport> {
    let access = access(ctx).await?;
    let alliance_id = decode_as(alliance_id, NodeKind::Alliance)
        .filter(|id| access.sees_alliance(*id))
        .ok_or(ApiError::NotFound)?;
    allowed(
        access.administers_alliance(alliance_id),
        "only the alliance's admins and CPD leads see this report",
    )?;
    let today = Utc::now().date_naive();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Days::new(30));
    if to < from {
        return Err(ApiError::BadUserInput("`to` is before `from`".into()));
    }
    let start = Utc.from_utc_datetime(&from.and_time(NaiveTime::MIN));
    let end = Utc.from_utc_datetime(&(to + Days::new(1)).and_time(NaiveTime::MIN));
    let db = db(ctx);

    let communities = community::Entity::find()
        .filter(community::Column::AllianceId.eq(alliance_id))
        .order_by_asc(community::Column::Name)
        .order_by_asc(community::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let of_alliance = || {
        Query::select()
            .column(community::Column::Id)
            .from(community::Entity)
            .and_where(community::Column::AllianceId.eq(alliance_id))
            .to_owned()
    };
    let mut by_community: HashMap<i32, BTreeMap<Option<i32>, i64>> = HashMap::new();
    for (community_id, school_id, n) in community_member::Entity::find()
        .select_only()
        .column(community_member::Column::CommunityId)
        .column(community_member::Column::SchoolId)
        .expr_as(Func::count(Expr::col(community_member::Column::Id)), "n")
        .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
        .filter(community_member::Column::CommunityId.in_subquery(of_alliance()))
        .group_by(community_member::Column::CommunityId)
        .group_by(community_member::Column::SchoolId)
        .into_tuple::<(i32, Option<i32>, i64)>()
        .all(db)
        .await?
    {
        by_community
            .entry(community_id)
            .or_default()
            .insert(school_id, n);
    }
    // Every school named, in one batch.
    let school_ids: BTreeSet<i32> = by_community
        .values()
        .flat_map(|counts| counts.keys().flatten().copied())
        .collect();
    let mut schools = loader(ctx)
        .load_many(school_ids.into_iter().map(ById::<school::Entity>::new))
        .await
        .map_err(loader_error)?;
    let mut summaries = Vec::new();
    for row in communities {
        let counts = by_community.remove(&row.id).unwrap_or_default();
        let members_by_school = counts
            .iter()
            .map(|(school_id, n)| SchoolMemberCount {
                school: school_id
                    .and_then(|id| schools.get(&ById::new(id)))
                    .map(|school| school.as_ref().clone())
                    .map(School),
                members: *n as i32,
            })
            .collect();
        summaries.push(CommunitySummary {
            member_count: counts.values().sum::<i64>() as i32,
            members_by_school,
            community: Community(row),
        });
    }
    schools.clear();

    let meetings_held = community_meeting::Entity::find()
        .filter(community_meeting::Column::CommunityId.in_subquery(of_alliance()))
        .filter(community_meeting::Column::Status.eq(MeetingStatus::Scheduled))
        .filter(community_meeting::Column::StartsAt.gte(start))
        .filter(community_meeting::Column::StartsAt.lt(end))
        .filter(community_meeting::Column::StartsAt.lte(Utc::now()))
        .count(db)
        .await?;

    let active: BTreeSet<i32> = discussion_post::Entity::find()
        .select_only()
        .column(discussion_post::Column::Id)
        .column(discussion_post::Column::ThreadId)
        .filter(discussion_post::Column::HostKind.eq(DiscussionHostKind::Community))
        .filter(discussion_post::Column::HostId.in_subquery(of_alliance()))
        .filter(discussion_post::Column::CreatedAt.gte(start))
        .filter(discussion_post::Column::CreatedAt.lt(end))
        .into_tuple::<(i32, Option<i32>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, thread)| thread.unwrap_or(id))
        .collect();

    let stage_counts: HashMap<EnquiryStage, i64> = enquiry::Entity::find()
        .select_only()
        .column(enquiry::Column::Stage)
        .expr_as(Func::count(Expr::col(enquiry::Column::Id)), "n")
        .filter(enquiry::Column::AllianceId.eq(alliance_id))
        .group_by(enquiry::Column::Stage)
        .into_tuple::<(EnquiryStage, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    Ok(AllianceCommunityReport {
        from,
        to,
        communities: summaries,
        meetings_held: as_i32(meetings_held),
        active_threads: active.len() as i32,
        enquiries_by_stage: super::queries::stages()
            .into_iter()
            .map(|stage| EnquiryStageCount {
                stage,
                count: stage_counts.get(&stage).copied().unwrap_or(0) as i32,
            })
            .collect(),
    })
}

async fn participation(
    ctx: &Context<'_>,
    school_id: &ID,
) -> ApiResult<SchoolCommunityParticipation> {
    let access = access(ctx).await?;
    let id = decode_as(school_id, NodeKind::School).ok_or(ApiError::NotFound)?;
    let db = db(ctx);
    let school = school::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    allowed(
        access.manages_school(id),
        "only the school's leaders and its alliances' admins see this",
    )?;
    let staff: BTreeSet<i32> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::PersonId)
        .filter(staff_role::Column::SchoolId.eq(id))
        .filter(staff_role::Column::EndsOn.is_null())
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let memberships = community_member::Entity::find()
        .select_only()
        .column(community_member::Column::PersonId)
        .column(community_member::Column::CommunityId)
        .filter(community_member::Column::SchoolId.eq(id))
        .filter(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?;
    let participating: BTreeSet<i32> = memberships
        .iter()
        .map(|(person, _)| *person)
        .filter(|person| staff.contains(person))
        .collect();
    let communities: BTreeSet<i32> = memberships.iter().map(|(_, c)| *c).collect();
    Ok(SchoolCommunityParticipation {
        school: School(school),
        staff_count: staff.len() as i32,
        participating_staff: participating.len() as i32,
        community_count: communities.len() as i32,
    })
}
