//! What of the audit log a caller reads.
//!
//! - A school's leaders read the entries of their school, an alliance's admins and CPD
//!   leads those of their alliance; platform admins read everything.
//! - Within that, an entry is listed only to those who may read the object it is about,
//!   by that object's own rule (a practice by the practice's, a community membership by
//!   the community's member list, a post by the discussion's...), so that the log never
//!   tells of a practice in review, a members-only community or a hidden post.
//! - A practice entry's comment (a send-back comment, a take-down reason, a publication
//!   note) is part of the practice's history: read only by its authors and approvers.

use entity::{
    alliance, alliance_membership, alliance_role, audit_event, calendar_feed, community,
    community_meeting, community_member, discussion_post, enquiry, event, event_booking,
    invitation, notification, partnership, partnership_school, person, practice, service_account,
    staff_role, support_arrangement, support_offer, support_request, theme, webhook_endpoint,
};
use sea_orm::sea_query::{Condition, Query, SelectStatement};
use sea_orm::{ColumnTrait, EntityTrait};

use super::{Access, theme_condition};
use crate::auth::scopes::Scope;
use crate::graphql::ids::NodeKind;

/// The ids of `entity` rows that `condition` lets through.
fn ids<E: EntityTrait>(id: E::Column, condition: Condition) -> SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .cond_where(condition)
        .to_owned()
}

impl Access {
    /// Restricts the audit log to what the caller reads (see the module's rules).
    pub fn audit_condition(&self) -> Condition {
        if self.platform_admin {
            // Even a platform admin reads of an observation or a reflection only what the
            // record's own rule lets them (nothing, unless it is theirs or shared with
            // them): the teacher owns the record.
            return NodeKind::ALL
                .into_iter()
                .filter(|kind| matches!(kind, NodeKind::Observation | NodeKind::Reflection))
                .fold(Condition::all(), |all, kind| {
                    let keys = self.readable_subjects(kind).expect("records have a rule");
                    all.add(
                        Condition::any()
                            .add(audit_event::Column::SubjectKind.is_null())
                            .add(audit_event::Column::SubjectKind.ne(kind.name()))
                            .add(audit_event::Column::SubjectKey.in_subquery(keys)),
                    )
                });
        }
        if !self.reads(Scope::ReportsRead) {
            return Condition::any();
        }
        let scope = Condition::any()
            .add(audit_event::Column::SchoolId.is_in(self.led_schools()))
            .add(audit_event::Column::AllianceId.is_in(self.administered_alliances()));
        let subject = NodeKind::ALL
            .into_iter()
            .fold(Condition::any(), |any, kind| {
                let of_kind =
                    Condition::all().add(audit_event::Column::SubjectKind.eq(kind.name()));
                any.add(match self.readable_subjects(kind) {
                    Some(keys) => of_kind.add(audit_event::Column::SubjectKey.in_subquery(keys)),
                    None => of_kind,
                })
            });
        Condition::all().add(scope).add(subject)
    }

    /// The keys of objects of `kind` the caller reads, by that kind's own rule; `None`
    /// for a kind everyone in the log's scope reads (schools: public register data).
    fn readable_subjects(&self, kind: NodeKind) -> Option<SelectStatement> {
        Some(match kind {
            NodeKind::School => return None,
            NodeKind::Alliance => ids::<alliance::Entity>(
                alliance::Column::Id,
                self.alliance_condition(alliance::Column::Id),
            ),
            NodeKind::AllianceMembership => ids::<alliance_membership::Entity>(
                alliance_membership::Column::Id,
                self.alliance_condition(alliance_membership::Column::AllianceId),
            ),
            NodeKind::AllianceRole => ids::<alliance_role::Entity>(
                alliance_role::Column::Id,
                self.alliance_condition(alliance_role::Column::AllianceId),
            ),
            NodeKind::Partnership => ids::<partnership::Entity>(
                partnership::Column::Id,
                self.alliance_condition(partnership::Column::AllianceId),
            ),
            NodeKind::PartnershipSchool => ids::<partnership_school::Entity>(
                partnership_school::Column::Id,
                Condition::all().add(partnership_school::Column::PartnershipId.in_subquery(ids::<
                    partnership::Entity,
                >(
                    partnership::Column::Id,
                    self.alliance_condition(partnership::Column::AllianceId),
                ))),
            ),
            NodeKind::CalendarFeed => ids::<calendar_feed::Entity>(
                calendar_feed::Column::Id,
                self.calendar_feed_condition(),
            ),
            NodeKind::Notification => {
                ids::<notification::Entity>(notification::Column::Id, self.notification_condition())
            }
            NodeKind::WebhookEndpoint => ids::<webhook_endpoint::Entity>(
                webhook_endpoint::Column::Id,
                self.webhook_endpoint_condition(),
            ),
            NodeKind::Theme => ids::<theme::Entity>(
                theme::Column::Id,
                theme_condition(Some(self), theme::Column::AllianceId),
            ),
            NodeKind::Person => ids::<person::Entity>(person::Column::Id, self.person_condition()),
            NodeKind::Invitation => {
                ids::<invitation::Entity>(invitation::Column::Id, self.invitation_condition())
            }
            NodeKind::StaffRole => ids::<staff_role::Entity>(
                staff_role::Column::Id,
                Condition::all().add(staff_role::Column::PersonId.in_subquery(
                    ids::<person::Entity>(person::Column::Id, self.person_condition()),
                )),
            ),
            NodeKind::Community => {
                ids::<community::Entity>(community::Column::Id, self.community_condition())
            }
            NodeKind::CommunityMembership => ids::<community_member::Entity>(
                community_member::Column::Id,
                self.community_membership_condition(),
            ),
            NodeKind::CommunityMeeting => ids::<community_meeting::Entity>(
                community_meeting::Column::Id,
                self.readable_condition(community_meeting::Column::CommunityId),
            ),
            NodeKind::DiscussionThread => ids::<discussion_post::Entity>(
                discussion_post::Column::Id,
                Condition::all()
                    .add(self.post_condition())
                    .add(discussion_post::Column::ThreadId.is_null()),
            ),
            NodeKind::DiscussionReply => {
                ids::<discussion_post::Entity>(discussion_post::Column::Id, self.reply_condition())
            }
            NodeKind::Enquiry => {
                ids::<enquiry::Entity>(enquiry::Column::Id, self.enquiry_condition())
            }
            NodeKind::EnquiryEvidence => ids::<entity::enquiry_evidence::Entity>(
                entity::enquiry_evidence::Column::Id,
                Condition::all().add(self.evidence_condition()).add(
                    entity::enquiry_evidence::Column::EnquiryId.in_subquery(
                        ids::<enquiry::Entity>(enquiry::Column::Id, self.enquiry_condition()),
                    ),
                ),
            ),
            // Its approvers answer for a practice in every state (they sent it back, took
            // it down, restored it); others read its entries where they read it.
            NodeKind::Practice => ids::<practice::Entity>(
                practice::Column::Id,
                Condition::any()
                    .add(self.practice_condition())
                    .add(practice::Column::SchoolId.is_in(self.led_schools())),
            ),
            NodeKind::PracticeEndorsement => ids::<entity::practice_endorsement::Entity>(
                entity::practice_endorsement::Column::Id,
                Condition::all().add(
                    entity::practice_endorsement::Column::PracticeId.in_subquery(ids::<
                        practice::Entity,
                    >(
                        practice::Column::Id,
                        self.practice_condition(),
                    )),
                ),
            ),
            NodeKind::SupportRequest => ids::<support_request::Entity>(
                support_request::Column::Id,
                self.support_request_condition(),
            ),
            NodeKind::SupportOffer => ids::<support_offer::Entity>(
                support_offer::Column::Id,
                self.support_offer_condition(),
            ),
            NodeKind::Event => ids::<event::Entity>(event::Column::Id, self.event_condition()),
            NodeKind::LeadershipInvitation => ids::<entity::leadership_invitation::Entity>(
                entity::leadership_invitation::Column::Id,
                self.leadership_invitation_condition(),
            ),
            NodeKind::CoachingRelationship => ids::<entity::coaching_relationship::Entity>(
                entity::coaching_relationship::Column::Id,
                self.coaching_relationship_condition(),
            ),
            // The content of a relationship has no entries of its own: they are written
            // about the relationship.
            NodeKind::CoachingCycle | NodeKind::CoachingSession | NodeKind::CoachingActionStep => {
                ids::<entity::coaching_cycle::Entity>(
                    entity::coaching_cycle::Column::Id,
                    Condition::any(),
                )
            }
            NodeKind::Technique => ids::<entity::technique::Entity>(
                entity::technique::Column::Id,
                self.technique_condition(),
            ),
            NodeKind::ExpertiseEntry => ids::<entity::expertise_entry::Entity>(
                entity::expertise_entry::Column::Id,
                self.expertise_condition(),
            ),
            NodeKind::EventBooking => {
                ids::<event_booking::Entity>(event_booking::Column::Id, self.booking_condition())
            }
            NodeKind::SupportArrangement => ids::<support_arrangement::Entity>(
                support_arrangement::Column::Id,
                self.support_arrangement_condition(),
            ),
            NodeKind::ReleaseLimit => ids::<entity::release_limit::Entity>(
                entity::release_limit::Column::Id,
                self.release_limit_condition(),
            ),
            NodeKind::Observation => ids::<entity::observation::Entity>(
                entity::observation::Column::Id,
                self.observation_condition(),
            ),
            NodeKind::Reflection => ids::<entity::reflection::Entity>(
                entity::reflection::Column::Id,
                self.reflection_condition(),
            ),
            NodeKind::ServiceAccount => ids::<service_account::Entity>(
                service_account::Column::Id,
                self.service_account_condition(),
            ),
        })
    }
}

/// Whether the reader of a practice's audit entry reads its comment: they answer for the
/// practice (an approver of its school, or an author), as for `Practice.history`.
pub fn reads_practice_comment(access: &Access, school_id: Option<i32>, is_author: bool) -> bool {
    access.platform_admin
        || is_author
        || school_id.is_some_and(|school| access.approves_practice_of(school))
}
