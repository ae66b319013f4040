//! Who sees and does what in professional learning communities.
//!
//! - A community is seen by the admins and CPD leads of its alliance, by anyone with a
//!   membership that has not ended (asked, invited or active), and, when its visibility is
//!   `ALLIANCE`, by everyone taking part actively in the alliance (staff of active member
//!   schools, people in alliance roles).
//! - What happens inside (meetings, discussion, enquiries, evidence) is read by active
//!   members and the alliance's admins and CPD leads. Closed communities stay readable.
//! - In a coaching network a member's contributions are read only by them and the
//!   facilitators.
//! - When a school withdraws consent to share, what its staff shared in a community that
//!   includes other schools is hidden from everyone outside that school, in every query,
//!   until consent is restored. Nothing is deleted.
//! - Facilitators (and the alliance's admins and CPD leads) run a community: members,
//!   meetings, pins and hiding. Only active members contribute, and only while the
//!   community is not closed.

use std::collections::HashMap;

use entity::enums::{
    AllianceRoleKind, CommunityKind, CommunityMembershipStatus, CommunityRole, CommunityVisibility,
};
use entity::{community, community_member, sharing_consent};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::Access;
use crate::auth::scopes::Scope;

/// The caller's membership of one community (one that has not ended).
#[derive(Debug, Clone, Copy)]
pub struct CommunityPlace {
    pub membership_id: i32,
    pub role: CommunityRole,
    pub status: CommunityMembershipStatus,
}

pub(super) async fn load_places(
    db: &DatabaseConnection,
    person_id: i32,
) -> Result<HashMap<i32, CommunityPlace>, DbErr> {
    Ok(community_member::Entity::find()
        .select_only()
        .columns([
            community_member::Column::CommunityId,
            community_member::Column::Id,
            community_member::Column::Role,
            community_member::Column::Status,
        ])
        .filter(community_member::Column::PersonId.eq(person_id))
        .filter(community_member::Column::Status.is_in([
            CommunityMembershipStatus::Requested,
            CommunityMembershipStatus::Invited,
            CommunityMembershipStatus::Active,
        ]))
        .into_tuple::<(i32, i32, CommunityRole, CommunityMembershipStatus)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(community, membership_id, role, status)| {
            (
                community,
                CommunityPlace {
                    membership_id,
                    role,
                    status,
                },
            )
        })
        .collect())
}

fn communities_of_alliances(alliances: Vec<i32>) -> SelectStatement {
    Query::select()
        .column(community::Column::Id)
        .from(community::Entity)
        .and_where(community::Column::AllianceId.is_in(alliances))
        .to_owned()
}

impl Access {
    /// Communities where the caller is an active member.
    pub fn member_communities(&self) -> Vec<i32> {
        self.communities
            .iter()
            .filter(|(_, place)| place.status == CommunityMembershipStatus::Active)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Communities the caller facilitates.
    pub fn facilitated_communities(&self) -> Vec<i32> {
        self.communities
            .iter()
            .filter(|(_, place)| {
                place.status == CommunityMembershipStatus::Active
                    && place.role == CommunityRole::Facilitator
            })
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn is_community_member(&self, community_id: i32) -> bool {
        self.communities
            .get(&community_id)
            .is_some_and(|place| place.status == CommunityMembershipStatus::Active)
    }

    pub fn facilitates(&self, community_id: i32) -> bool {
        self.communities.get(&community_id).is_some_and(|place| {
            place.status == CommunityMembershipStatus::Active
                && place.role == CommunityRole::Facilitator
        })
    }

    /// Facilitators, and the alliance's admins and CPD leads, run a community.
    pub fn runs_community(&self, community: &community::Model) -> bool {
        self.facilitates(community.id) || self.administers_alliance(community.alliance_id)
    }

    /// Alliance admins, CPD leads and facilitators start communities.
    pub fn may_create_community(&self, alliance_id: i32) -> bool {
        self.administers_alliance(alliance_id)
            || self
                .alliance_roles
                .get(&alliance_id)
                .is_some_and(|roles| roles.contains(&AllianceRoleKind::Facilitator))
    }

    pub fn sees_community(&self, community: &community::Model) -> bool {
        if !self.reads(Scope::CommunitiesRead) {
            return false;
        }
        self.platform_admin
            || self.administers_alliance(community.alliance_id)
            || self.communities.contains_key(&community.id)
            || (community.visibility == CommunityVisibility::Alliance
                && self.active_alliances.contains(&community.alliance_id))
    }

    /// Whether the caller sees a membership of a community: in a community they see, an
    /// active one, their own, and any if they run the community (see
    /// `member_list_condition`).
    pub fn sees_community_membership(
        &self,
        community: &community::Model,
        membership: &community_member::Model,
    ) -> bool {
        self.sees_community(community)
            && (membership.status == CommunityMembershipStatus::Active
                || membership.person_id == self.person_id
                || self.runs_community(community))
    }

    /// Restricts community memberships to those the caller sees (see
    /// `sees_community_membership`).
    pub fn community_membership_condition(&self) -> Condition {
        let seen_communities = Query::select()
            .column(community::Column::Id)
            .from(community::Entity)
            .cond_where(self.community_condition())
            .to_owned();
        Condition::all()
            .add(self.member_list_condition())
            .add(community_member::Column::CommunityId.in_subquery(seen_communities))
    }

    /// Only active members contribute (post, start an enquiry, add evidence); platform
    /// admins too.
    pub fn contributes_to(&self, community: &community::Model) -> bool {
        self.platform_admin || self.is_community_member(community.id)
    }

    /// Restricts a query on communities to those the caller sees.
    pub fn community_condition(&self) -> Condition {
        self.rows_seen(Scope::CommunitiesRead, || {
            Condition::any()
                .add(community::Column::AllianceId.is_in(self.administered_alliances()))
                .add(community::Column::Id.is_in(self.communities.keys().copied()))
                .add(
                    Condition::all()
                        .add(community::Column::Visibility.eq(CommunityVisibility::Alliance))
                        .add(
                            community::Column::AllianceId
                                .is_in(self.active_alliances.iter().copied()),
                        ),
                )
        })
    }

    /// Whether the caller reads what happens inside a community (meetings, discussion,
    /// enquiries): its active members and the alliance's admins and CPD leads, who all
    /// see the community too.
    pub fn reads_community(&self, community: &community::Model) -> bool {
        if !self.reads(Scope::CommunitiesRead) {
            return false;
        }
        self.platform_admin
            || self.is_community_member(community.id)
            || self.administers_alliance(community.alliance_id)
    }

    /// Restricts rows of communities' content (column `community` names the community) to
    /// communities whose content the caller reads.
    pub fn readable_condition(&self, community: impl ColumnTrait) -> Condition {
        self.rows_seen(Scope::CommunitiesRead, || {
            Condition::any()
                .add(community.is_in(self.member_communities()))
                .add(community.in_subquery(communities_of_alliances(self.administered_alliances())))
        })
    }

    /// Restricts shared contributions (posts, enquiries, evidence) to those the caller may
    /// read: in a community they read, not another member's in a coaching network unless
    /// they facilitate it, and not from a school that withdrew consent to share while the
    /// community includes other schools (unless the caller works at that school).
    pub fn shared_condition(
        &self,
        community: impl ColumnTrait,
        author: impl ColumnTrait,
        author_school: impl ColumnTrait,
    ) -> Condition {
        let mut condition = Condition::all()
            .add(self.readable_condition(community))
            .add(self.consent_condition(community, author_school));
        if !self.platform_admin {
            let coaching = Query::select()
                .column(community::Column::Id)
                .from(community::Entity)
                .and_where(community::Column::Kind.eq(CommunityKind::CoachingNetwork))
                .to_owned();
            condition = condition.add(
                Condition::any()
                    .add(author.eq(self.person_id))
                    .add(community.is_in(self.facilitated_communities()))
                    .add(community.not_in_subquery(coaching)),
            );
        }
        condition
    }

    /// Hides what staff of a school that withdrew consent shared in communities that
    /// include other schools, except from that school's own staff.
    pub fn consent_condition(
        &self,
        community: impl ColumnTrait,
        author_school: impl ColumnTrait,
    ) -> Condition {
        let withdrawn = Query::select()
            .column(sharing_consent::Column::SchoolId)
            .from(sharing_consent::Entity)
            .and_where(sharing_consent::Column::Consents.eq(false))
            .to_owned();
        let other = Alias::new("other_member");
        let other_schools = Query::select()
            .expr(Expr::val(1))
            .from_as(community_member::Entity, other.clone())
            .and_where(
                Expr::col((other.clone(), community_member::Column::CommunityId))
                    .equals(community.as_column_ref()),
            )
            .and_where(
                Expr::col((other.clone(), community_member::Column::Status))
                    .eq(CommunityMembershipStatus::Active),
            )
            .and_where(Expr::col((other.clone(), community_member::Column::SchoolId)).is_not_null())
            .and_where(
                Expr::col((other, community_member::Column::SchoolId))
                    .ne(Expr::col(author_school.as_column_ref())),
            )
            .to_owned();
        Condition::any()
            .add(author_school.is_null())
            .add(author_school.is_in(self.school_roles.keys().copied()))
            .add(author_school.not_in_subquery(withdrawn))
            .add(Expr::exists(other_schools).not())
    }

    /// Restricts a community's member list: active members for all who see it; requests,
    /// invitations and past members only for those who run it, and one's own.
    pub fn member_list_condition(&self) -> Condition {
        if self.platform_admin {
            return Condition::all();
        }
        Condition::any()
            .add(community_member::Column::Status.eq(CommunityMembershipStatus::Active))
            .add(community_member::Column::PersonId.eq(self.person_id))
            .add(self.run_by_role_condition(community_member::Column::CommunityId))
    }

    /// Restricts `community` (a column holding a community id) to communities the caller
    /// runs by a role of theirs: facilitates, or administers the alliance of. Platform
    /// admins are not counted in: requests to join do not await their approval.
    pub fn run_by_role_condition(&self, community: impl ColumnTrait) -> Condition {
        Condition::any()
            .add(community.is_in(self.facilitated_communities()))
            .add(community.in_subquery(communities_of_alliances(self.administered_alliances())))
    }
}
