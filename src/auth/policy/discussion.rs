//! Who reads and who moderates a discussion, on each kind of host.
//!
//! - In a community, posts are read as its shared contributions (see `communities.rs`:
//!   active members and the alliance's admins and CPD leads, within coaching networks
//!   and school consent); on a practice, by everyone who reads the practice.
//! - A reply is read only with its thread.
//! - Moderators pin threads, hide posts and read hidden posts: in a community its
//!   facilitators and its alliance's admins and CPD leads (those who run it); on a
//!   practice the leaders of its school (its approvers) and its authors.

use entity::discussion_post::{Column, Entity};
use entity::enums::DiscussionHostKind;
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};

use super::Access;
use super::practice::is_author;

/// A discussion's host, as far as who moderates it depends on it.
#[derive(Debug, Clone, Copy)]
pub enum Moderators {
    Community { community_id: i32, alliance_id: i32 },
    Practice { practice_id: i32, school_id: i32 },
}

impl Access {
    /// Whether the caller moderates a host's discussion. Looks up authorship of a
    /// practice only when the caller does not approve it anyway.
    pub async fn moderates(
        &self,
        conn: &impl ConnectionTrait,
        host: Moderators,
    ) -> Result<bool, DbErr> {
        let authors = match host {
            Moderators::Practice {
                practice_id,
                school_id,
            } if !self.approves_practice_of(school_id) => {
                is_author(conn, practice_id, self.person_id).await?
            }
            _ => false,
        };
        Ok(self.moderates_given(host, authors))
    }

    /// The moderation rule, given whether the caller authored the host (a practice).
    fn moderates_given(&self, host: Moderators, authors: bool) -> bool {
        match host {
            Moderators::Community {
                community_id,
                alliance_id,
            } => self.facilitates(community_id) || self.administers_alliance(alliance_id),
            Moderators::Practice { school_id, .. } => {
                self.approves_practice_of(school_id) || authors
            }
        }
    }

    /// Restricts discussion posts to those the caller reads: in a community, as its
    /// shared contributions; on a practice, as the practice.
    pub fn post_condition(&self) -> Condition {
        let readable_practice = Query::select()
            .column(entity::practice::Column::Id)
            .from(entity::practice::Entity)
            .cond_where(self.practice_condition())
            .to_owned();
        Condition::any()
            .add(
                Condition::all()
                    .add(Column::HostKind.eq(DiscussionHostKind::Community))
                    .add(self.shared_condition(
                        Column::HostId,
                        Column::AuthorId,
                        Column::AuthorSchoolId,
                    )),
            )
            .add(
                Condition::all()
                    .add(Column::HostKind.eq(DiscussionHostKind::Practice))
                    .add(Column::HostId.in_subquery(readable_practice)),
            )
    }

    /// Restricts replies to those the caller reads whose thread they also read: a reply
    /// in a thread hidden from them (its author's school withdrew consent, say) is hidden
    /// with it.
    pub fn reply_condition(&self) -> Condition {
        let readable_threads = Query::select()
            .column(Column::Id)
            .from(Entity)
            .cond_where(self.post_condition())
            .to_owned();
        Condition::all()
            .add(self.post_condition())
            .add(Column::ThreadId.in_subquery(readable_threads))
    }
}

#[cfg(test)]
mod tests {

    use entity::enums::{
        AllianceRoleKind, CommunityMembershipStatus, CommunityRole, StaffRoleKind,
    };

    use super::*;
    use crate::auth::policy::CommunityPlace;

    const COMMUNITY: Moderators = Moderators::Community {
        community_id: 7,
        alliance_id: 3,
    };
    const PRACTICE: Moderators = Moderators::Practice {
        practice_id: 9,
        school_id: 5,
    };

    fn caller() -> Access {
        Access {
            person_id: 1,
            ..Access::default()
        }
    }

    fn in_community(role: CommunityRole, status: CommunityMembershipStatus) -> Access {
        let mut access = caller();
        let place = CommunityPlace {
            membership_id: 1,
            role,
            status,
        };
        access.communities.insert(7, place);
        access
    }

    fn in_alliance(role: AllianceRoleKind) -> Access {
        let mut access = caller();
        access.alliance_roles.insert(3, vec![role]);
        access
    }

    fn at_school(school: i32, role: StaffRoleKind) -> Access {
        let mut access = caller();
        access.school_roles.insert(school, vec![role]);
        access
    }

    #[test]
    fn who_moderates_each_host() {
        use CommunityMembershipStatus::{Active, Invited};
        use CommunityRole::{Facilitator, Member};
        let admin = Access {
            platform_admin: true,
            ..caller()
        };
        // (who, host, authored the host, moderates)
        let cases = [
            (
                "facilitator",
                in_community(Facilitator, Active),
                COMMUNITY,
                false,
                true,
            ),
            (
                "invited facilitator",
                in_community(Facilitator, Invited),
                COMMUNITY,
                false,
                false,
            ),
            (
                "member",
                in_community(Member, Active),
                COMMUNITY,
                false,
                false,
            ),
            (
                "alliance admin",
                in_alliance(AllianceRoleKind::Admin),
                COMMUNITY,
                false,
                true,
            ),
            (
                "alliance CPD lead",
                in_alliance(AllianceRoleKind::CpdLead),
                COMMUNITY,
                false,
                true,
            ),
            (
                "alliance facilitator",
                in_alliance(AllianceRoleKind::Facilitator),
                COMMUNITY,
                false,
                false,
            ),
            ("platform admin", admin, COMMUNITY, false, true),
            ("stranger", caller(), COMMUNITY, false, false),
            (
                "headteacher of its school",
                at_school(5, StaffRoleKind::Headteacher),
                PRACTICE,
                false,
                true,
            ),
            (
                "teacher of its school",
                at_school(5, StaffRoleKind::Teacher),
                PRACTICE,
                false,
                false,
            ),
            (
                "headteacher elsewhere",
                at_school(6, StaffRoleKind::Headteacher),
                PRACTICE,
                false,
                false,
            ),
            (
                "its author",
                at_school(6, StaffRoleKind::Teacher),
                PRACTICE,
                true,
                true,
            ),
            (
                "facilitator, on a practice",
                in_community(Facilitator, Active),
                PRACTICE,
                false,
                false,
            ),
            (
                "author, on a community",
                in_community(Member, Active),
                COMMUNITY,
                true,
                false,
            ),
        ];
        for (who, access, host, authors, expected) in cases {
            assert_eq!(
                access.moderates_given(host, authors),
                expected,
                "{who} on {host:?}"
            );
        }
    }
}
