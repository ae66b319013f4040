//! Every field that returns an object passes that object through the policy, whatever
//! path reached it (issue 18, item 3). The first test walks the served schema's
//! object-valued fields by introspection and fails on any field this file does not say
//! how it is policed: a new field cannot be added without deciding. The others test the
//! paths that leaked, from the viewpoints that matter.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::gid;
use crate::practice_readers::practice_world;
use crate::support_world::support_world;
use crate::world::{error_code, mutate_ok};

// How an object-valued field is policed. Where a path leaked, the test that covers it is
// named.
/// A root field: restricted by the policy's condition (or check) for what it lists.
const ROOT: &str = "root field: the policy's condition or check";
/// What a mutation returns: the object it just changed; the mutation checks the caller.
const PAYLOAD: &str = "payload: the object the mutation changed, after its check";
/// `visible_person`: `null` unless the caller sees the person (anonymous: never).
const PERSON: &str = "visible_person";
/// Schools are public register data; what hangs below a school is checked itself.
const SCHOOL: &str = "school: public register data";
/// `themes_of`: only themes the caller sees (tested: an_alliance_theme_on_public_practice_*).
const THEMES: &str = "themes_of: policy::sees_theme";
/// `visible_alliance`: `null` unless the caller sees the alliance (tested:
/// an_alliance_theme_on_public_practice_*, the_alliance_of_what_a_leaver_keeps_*).
const VISIBLE_ALLIANCE: &str = "visible_alliance: policy::sees_alliance";
/// Only seen with its alliance, and checked all the same (`alliance_seen_with`).
const ALLIANCE_SEEN_WITH: &str = "alliance_seen_with: policy::sees_alliance";
/// `community_if_seen` / `community_seen_with`: `Access::sees_community`.
const COMMUNITY: &str = "community_if_seen: Access::sees_community";
/// Loaded through the policy's SQL condition for its kind (tested:
/// a_reply_to_a_thread_hidden_by_consent_*).
const READABLE_ROW: &str = "readable_row: post_condition / enquiry_condition";
/// A list restricted by the policy's SQL condition for its rows.
const CONDITION: &str = "child list under the policy's condition";
/// Support rows under `support_*_condition` or `sees_support_*`.
const SUPPORT_ROWS: &str = "support_*_condition / sees_support_*";
/// Suggestions: brokers only; each subject passes its own kind's policy.
const SUGGESTIONS: &str = "brokers_support; each subject policed";
/// `visible_practice` / `practice_condition` (lineage: placeholders for the rest).
const PRACTICE: &str = "practice_condition";
/// Its authors and approvers only (`caller_answers_for`).
const ANSWERS_FOR: &str = "caller_answers_for";
/// Part of an object already policed, and seen with it.
const WITH_PARENT: &str = "seen with its parent";
/// The caller's own.
const OWN: &str = "the caller's own";
/// Reports for an alliance's admins or a school's leaders, checked before they are built.
const REPORT: &str = "report: administers_alliance / leads_school";

/// `Access::manages_sign_in_of`: empty unless the caller manages the school (tested:
/// golden `schools-sign-in-organisations-*`, single_sign_on).
const SIGN_IN_ORGANISATIONS: &str = "manages_sign_in_of";
/// Tombstones under `sync::tombstones::shown_condition`: every audience reached now, and
/// the object no longer seen (tested: delta_sync, the golden `sync-removed-*` cases).
const TOMBSTONES: &str = "sync::tombstones::shown_condition";

/// Invitations under `Access::invitation_condition`: those the caller may send.
const INVITATIONS: &str = "invitation_condition";
/// What awaits the viewer's decision: each source under its own condition (schools they
/// lead, communities they facilitate), each subject through its kind's policy.
const AWAITING: &str = "approvals::sources; each subject policed";

/// `Access::sees_event`: the event's audience within its alliance (tested: events_visibility).
const EVENT: &str = "sees_event / event_condition";
/// `Access::sees_days_out`: the person, and the leaders of the school they work or book from
/// (tested: release_visibility).
const DAYS_OUT: &str = "sees_days_out";
/// `Access::sees_event_impact`: the event's hosts and the alliance's CPD leads and admins;
/// full texts only where shared (tested: evaluations).
const IMPACT: &str = "sees_event_impact; shared_in_full";
/// Each event of a subscription is reloaded through the object's node check, as the
/// subscriber, before it is sent (tested: subscriptions).
const SUBSCRIPTION: &str = "subscription: reloaded through the node check per event";

/// `observation_condition` / `reflection_condition` (and `sees_*` for one): the owner,
/// the observer, whom the owner shares with, never an admin (tested: observations_visibility).
const RECORD: &str = "observation_condition / reflection_condition";
/// A record's shares: its owner only (tested: observations_visibility).
const RECORD_OWNER: &str = "the record's owner only";
/// `Access::sees_expertise_of`: the person and the leaders of a school they work at now
/// (tested: coaching_visibility).
const EXPERTISE: &str = "sees_expertise_of / expertise_condition";
/// `Access::sees_coaching_relationship`: coach, coachee, the alliance's CPD leads and
/// admins; its content (`reads_coaching_content`) the coach and coachee only (tested:
/// coaching_visibility).
const COACHING: &str = "sees_coaching_relationship / reads_coaching_content";
/// `theme_of`: the theme if the caller sees it (`Access::sees_theme`).
const THEME: &str = "theme_of: Access::sees_theme";
/// `Access::sees_technique`: the shared library, and an alliance's own with the alliance.
const TECHNIQUE: &str = "sees_technique / technique_condition";

/// `Access::sees_leadership_invitation`: the invitee, the inviter, the alliance's CPD
/// leads and admins (tested: leadership).
const LEADERSHIP: &str = "sees_leadership_invitation / leadership_invitation_condition";
/// What an invitation to lead is about: each kind through its own node check (a meeting's
/// community, `sees_coaching_relationship`, `sees_event`).
const LEADERSHIP_SUBJECT: &str = "each kind's NodeType::visible";

/// Every object-valued field of the schema, and how it is policed. Connections' `edges`,
/// `nodes` and `pageInfo`, edges' `node` and payloads' `userErrors` carry nothing of their
/// own (the field returning the connection or payload is listed) and are left out.
const POLICED: &[(&str, &str)] = &[
    // Observations, reflections, the portfolio (lane 24b).
    ("Query.appraisalObservations", RECORD),
    ("Query.observationActivity", REPORT),
    ("Query.reflections", RECORD),
    ("Viewer.observations", RECORD),
    ("Viewer.reflections", RECORD),
    ("Viewer.portfolio", OWN),
    ("Viewer.performanceReviewSelection", OWN),
    ("Observation.observer", PERSON),
    ("Observation.teacher", PERSON),
    ("Observation.school", SCHOOL),
    ("Observation.themes", THEMES),
    ("Observation.shares", RECORD_OWNER),
    ("RecordShare.person", PERSON),
    ("RecordShare.endsOnLeaving", SCHOOL),
    ("Reflection.person", PERSON),
    ("Reflection.themes", THEMES),
    ("Reflection.event", EVENT),
    ("Reflection.practice", PRACTICE),
    ("Reflection.enquiry", READABLE_ROW),
    ("Reflection.shares", RECORD_OWNER),
    ("Reflection.coachingCycle", COACHING),
    ("ObservationActivity.school", SCHOOL),
    ("ObservationActivity.theme", THEMES),
    ("Portfolio.schools", WITH_PARENT),
    ("Portfolio.communities", WITH_PARENT),
    ("Portfolio.enquiries", WITH_PARENT),
    ("Portfolio.practiceShared", WITH_PARENT),
    ("Portfolio.practiceAdapted", WITH_PARENT),
    ("Portfolio.endorsementsReceived", WITH_PARENT),
    ("Portfolio.supportGiven", WITH_PARENT),
    ("Portfolio.supportReceived", WITH_PARENT),
    ("Portfolio.eventsAttended", WITH_PARENT),
    ("Portfolio.coaching", WITH_PARENT),
    ("Portfolio.leadership", WITH_PARENT),
    ("Portfolio.observations", OWN),
    ("Portfolio.reflections", OWN),
    ("PerformanceReviewSelection.coaching", WITH_PARENT),
    ("PerformanceReviewSelection.observations", OWN),
    ("PerformanceReviewSelection.reflections", OWN),
    ("RecordObservationPayload.observation", PAYLOAD),
    ("EditObservationPayload.observation", PAYLOAD),
    ("RespondToObservationPayload.observation", PAYLOAD),
    ("ShareRecordPayload.record", PAYLOAD),
    ("WithdrawRecordSharePayload.record", PAYLOAD),
    ("SelectRecordPayload.record", PAYLOAD),
    ("WriteReflectionPayload.reflection", PAYLOAD),
    ("EditReflectionPayload.reflection", PAYLOAD),
    // Expertise and coaching.
    ("Query.expertiseProfile", ROOT),
    ("Query.schoolExpertise", ROOT),
    ("Query.allianceExpertise", REPORT),
    ("Query.coachingSuggestions", REPORT),
    ("Query.coachingRelationships", ROOT),
    ("Query.coachingCounts", REPORT),
    ("Query.techniques", ROOT),
    ("ExpertiseProfile.person", PERSON),
    ("ExpertiseProfile.entries", EXPERTISE),
    ("ExpertiseEntry.person", PERSON),
    ("ExpertiseEntry.theme", THEME),
    ("ExpertiseEntry.confirmedBy", PERSON),
    ("AllianceExpertiseCell.theme", THEME),
    ("AllianceExpertiseCell.school", SCHOOL),
    ("AllianceExpertiseCell.visibleCoaches", PERSON),
    ("CoachingSuggestion.coach", PERSON),
    ("CoachingSuggestion.coachee", PERSON),
    ("CoachingSuggestion.coachSchool", SCHOOL),
    ("CoachingSuggestion.coacheeSchool", SCHOOL),
    ("CoachingSuggestion.theme", THEME),
    ("CoachingSuggestion.alliance", VISIBLE_ALLIANCE),
    ("CoachingRelationship.alliance", VISIBLE_ALLIANCE),
    ("CoachingRelationship.coach", PERSON),
    ("CoachingRelationship.coachee", PERSON),
    ("CoachingRelationship.coachSchool", SCHOOL),
    ("CoachingRelationship.coacheeSchool", SCHOOL),
    ("CoachingRelationship.theme", THEME),
    ("CoachingRelationship.brokeredBy", PERSON),
    ("CoachingRelationship.cycles", COACHING),
    ("CoachingRelationship.sessions", COACHING),
    ("CoachingRelationship.actionSteps", COACHING),
    ("CoachingSession.recordedBy", PERSON),
    ("CoachingActionStep.technique", TECHNIQUE),
    ("Technique.themes", THEMES),
    ("Technique.alliance", VISIBLE_ALLIANCE),
    ("DeclareExpertisePayload.entry", PAYLOAD),
    ("UpdateExpertisePayload.entry", PAYLOAD),
    ("ConfirmExpertisePayload.entry", PAYLOAD),
    ("SetCoachingAvailabilityPayload.profile", PAYLOAD),
    ("ConfirmCoachingSuggestionPayload.relationship", PAYLOAD),
    ("StartCoachingRelationshipPayload.relationship", PAYLOAD),
    ("PauseCoachingRelationshipPayload.relationship", PAYLOAD),
    ("ResumeCoachingRelationshipPayload.relationship", PAYLOAD),
    ("EndCoachingRelationshipPayload.relationship", PAYLOAD),
    ("StartCoachingCyclePayload.cycle", PAYLOAD),
    ("CloseCoachingCyclePayload.cycle", PAYLOAD),
    ("RecordCoachingSessionPayload.session", PAYLOAD),
    ("AgreeCoachingActionStepPayload.actionStep", PAYLOAD),
    ("CompleteCoachingActionStepPayload.actionStep", PAYLOAD),
    ("UpdateCoachingRelationshipPayload.relationship", PAYLOAD),
    ("AddTechniquePayload.technique", PAYLOAD),
    // Distributed leadership.
    ("Viewer.leadershipInvitations", LEADERSHIP),
    ("Viewer.leadershipRecord", OWN),
    ("Alliance.leadershipInvitations", LEADERSHIP),
    ("LeadershipInvitation.alliance", VISIBLE_ALLIANCE),
    ("LeadershipInvitation.person", PERSON),
    ("LeadershipInvitation.invitedBy", PERSON),
    ("LeadershipInvitation.subject", LEADERSHIP_SUBJECT),
    ("InviteToLeadPayload.invitation", PAYLOAD),
    ("AcceptLeadershipInvitationPayload.invitation", PAYLOAD),
    ("DeclineLeadershipInvitationPayload.invitation", PAYLOAD),
    ("WithdrawLeadershipInvitationPayload.invitation", PAYLOAD),
    ("CompleteLeadershipPayload.invitation", PAYLOAD),
    // Events and bookings.
    ("Query.events", ROOT),
    ("Viewer.upcomingEvents", EVENT),
    ("Viewer.eventBookings", OWN),
    ("Viewer.bookingsAwaitingMyApproval", CONDITION),
    ("Event.alliance", VISIBLE_ALLIANCE),
    ("Event.partnership", ALLIANCE_SEEN_WITH),
    ("Event.hostSchool", SCHOOL),
    ("Event.venueSchool", SCHOOL),
    ("Event.createdBy", PERSON),
    ("Event.facilitators", PERSON),
    ("Event.sessions", WITH_PARENT),
    ("Event.themes", THEMES),
    ("Event.bookings", CONDITION),
    ("Event.viewerBooking", OWN),
    ("Event.impact", IMPACT),
    ("EventBooking.event", EVENT),
    ("EventBooking.person", PERSON),
    ("EventBooking.bookedBy", PERSON),
    ("EventBooking.decidedBy", PERSON),
    ("EventBooking.school", SCHOOL),
    ("EventBooking.releaseCheck", DAYS_OUT),
    ("HostEventPayload.event", PAYLOAD),
    ("UpdateEventPayload.event", PAYLOAD),
    ("OpenEventForBookingPayload.event", PAYLOAD),
    ("CloseEventBookingPayload.event", PAYLOAD),
    ("MarkEventHeldPayload.event", PAYLOAD),
    ("CancelEventPayload.event", PAYLOAD),
    ("BookEventPlacePayload.booking", PAYLOAD),
    ("ApproveBookingPayload.booking", PAYLOAD),
    ("DeclineBookingPayload.booking", PAYLOAD),
    ("CancelBookingPayload.booking", PAYLOAD),
    ("RecordAttendancePayload.booking", PAYLOAD),
    // Release time, evaluations and impact.
    ("Query.releaseCheck", ROOT),
    ("Query.eventEvaluation", ROOT),
    ("Query.eventFollowUp", ROOT),
    ("Query.eventImpact", ROOT),
    ("Alliance.releaseLedger", CONDITION),
    ("Alliance.releaseFairness", REPORT),
    ("School.releaseLedger", CONDITION),
    ("School.releaseLimits", CONDITION),
    ("Person.daysOutThisTerm", DAYS_OUT),
    ("DaysOutThisTerm.period", WITH_PARENT),
    ("ReleaseCheck.period", WITH_PARENT),
    ("ReleaseFairness.period", WITH_PARENT),
    ("ReleaseFairness.largestGiver", SCHOOL),
    ("ReleaseLedgerRow.period", WITH_PARENT),
    ("ReleaseLedgerRow.school", SCHOOL),
    ("ReleaseLimit.person", PERSON),
    ("ReleaseLimit.school", SCHOOL),
    ("SetReleaseLimitPayload.releaseLimit", PAYLOAD),
    ("EventEvaluation.person", PERSON),
    ("EventEvaluation.themes", THEMES),
    ("EventFollowUp.person", PERSON),
    ("EventFollowUp.practice", PRACTICE),
    ("EventFollowUp.community", COMMUNITY),
    ("EventImpact.sharedEvaluations", IMPACT),
    ("EventImpact.sharedFollowUps", IMPACT),
    ("EventImpact.themesOfChange", WITH_PARENT),
    ("ThemeOfChange.theme", THEMES),
    ("SubmitEventEvaluationPayload.evaluation", PAYLOAD),
    ("SubmitEventFollowUpPayload.followUp", PAYLOAD),
    // Calendar feeds.
    ("Query.calendarFeeds", ROOT),
    ("CalendarFeedWithUrl.feed", WITH_PARENT),
    ("CreateCalendarFeedPayload.created", PAYLOAD),
    ("ReplaceCalendarFeedPayload.replacement", PAYLOAD),
    ("RevokeCalendarFeedPayload.feed", PAYLOAD),
    // The inbox and subscriptions.
    ("Viewer.notifications", OWN),
    ("Viewer.notificationPreferences", OWN),
    ("SetNotificationPreferencesPayload.preferences", PAYLOAD),
    ("Subscription.notificationAdded", SUBSCRIPTION),
    ("Subscription.communityActivity", SUBSCRIPTION),
    ("Subscription.practiceChanged", SUBSCRIPTION),
    ("Subscription.eventChanged", SUBSCRIPTION),
    ("CommunityActivity.thread", SUBSCRIPTION),
    ("CommunityActivity.reply", SUBSCRIPTION),
    ("CommunityActivity.meeting", SUBSCRIPTION),
    ("Alliance.pendingInvitations", INVITATIONS),
    ("School.pendingInvitations", INVITATIONS),
    ("Invitation.alliance", VISIBLE_ALLIANCE),
    ("Invitation.invitedBy", PERSON),
    ("Invitation.school", SCHOOL),
    ("AwaitingApproval.subject", AWAITING),
    ("SyncState.removed", TOMBSTONES),
    ("Viewer.awaitingMyApproval", AWAITING),
    ("Viewer.communityMemberships", OWN),
    ("ChangeAllianceMembershipRolePayload.membership", PAYLOAD),
    ("ResendInvitationPayload.invitation", PAYLOAD),
    ("RevokeInvitationPayload.invitation", PAYLOAD),
    ("UpdatePartnershipPayload.partnership", PAYLOAD),
    ("UpdateStaffRolePayload.staffRole", PAYLOAD),
    ("ImportGiasExtractPayload.report", PAYLOAD),
    ("ImportOneRosterExportPayload.report", PAYLOAD),
    ("ImportReport.files", WITH_PARENT),
    ("ImportReport.problems", WITH_PARENT),
    ("AcceptAllianceInvitationPayload.membership", PAYLOAD),
    ("AcceptCommunityInvitationPayload.membership", PAYLOAD),
    ("AcceptInvitationPayload.session", PAYLOAD),
    ("ActivateCommunityPayload.community", PAYLOAD),
    ("AdaptPracticePayload.practice", PAYLOAD),
    ("AddAllianceThemePayload.theme", PAYLOAD),
    ("AddEnquiryEvidencePayload.evidence", PAYLOAD),
    ("AddPracticeCoAuthorPayload.practice", PAYLOAD),
    ("AddSchoolToPartnershipPayload.partnershipSchool", PAYLOAD),
    ("Alliance.memberships", WITH_PARENT),
    ("Alliance.partnerships", WITH_PARENT),
    ("Alliance.roles", WITH_PARENT),
    ("Alliance.themes", WITH_PARENT),
    ("Alliance.supportRequests", SUPPORT_ROWS),
    ("Alliance.supportOffers", SUPPORT_ROWS),
    ("AllianceCommunityReport.communities", REPORT),
    ("AllianceCommunityReport.enquiriesByStage", REPORT),
    ("AllianceMembership.alliance", ALLIANCE_SEEN_WITH),
    ("AllianceMembership.school", SCHOOL),
    ("AllianceMembership.invitedBy", PERSON),
    ("AllianceRole.person", PERSON),
    ("AllianceRole.alliance", ALLIANCE_SEEN_WITH),
    ("ApproveCommunityMembershipPayload.membership", PAYLOAD),
    ("ApprovePracticePayload.practice", PAYLOAD),
    ("ArchivePracticePayload.practice", PAYLOAD),
    ("AuditEvent.actor", PERSON),
    ("BrokerSupportRequestPayload.arrangement", PAYLOAD),
    ("CancelCommunityMeetingPayload.meeting", PAYLOAD),
    ("CancelSupportArrangementPayload.arrangement", PAYLOAD),
    ("CloseCommunityPayload.community", PAYLOAD),
    ("CloseSupportRequestPayload.request", PAYLOAD),
    ("CommentOnPracticePayload.thread", PAYLOAD),
    ("Community.alliance", VISIBLE_ALLIANCE),
    ("Community.themes", THEMES),
    ("Community.viewerMembership", OWN),
    ("Community.memberships", CONDITION),
    ("Community.meetings", CONDITION),
    ("Community.threads", CONDITION),
    ("Community.enquiries", CONDITION),
    ("CommunityMeeting.community", COMMUNITY),
    ("CommunityMeeting.attendance", WITH_PARENT),
    ("CommunityMembership.community", COMMUNITY),
    ("CommunityMembership.person", PERSON),
    ("CommunityMembership.school", SCHOOL),
    ("CommunityMembership.invitedBy", PERSON),
    ("CommunitySummary.community", REPORT),
    ("CommunitySummary.membersBySchool", REPORT),
    ("CompleteSupportArrangementPayload.arrangement", PAYLOAD),
    ("CreateAlliancePayload.alliance", PAYLOAD),
    ("CreateCommunityPayload.community", PAYLOAD),
    ("CreatePartnershipPayload.partnership", PAYLOAD),
    ("CreatePracticePayload.practice", PAYLOAD),
    ("CreateSchoolPayload.school", PAYLOAD),
    ("CreateSupportOfferPayload.offer", PAYLOAD),
    ("CreateSupportRequestPayload.request", PAYLOAD),
    ("DeclineAllianceInvitationPayload.membership", PAYLOAD),
    ("DeclineCommunityInvitationPayload.membership", PAYLOAD),
    ("DeclineCommunityMembershipPayload.membership", PAYLOAD),
    ("DeleteDiscussionReplyPayload.reply", PAYLOAD),
    ("DeleteDiscussionThreadPayload.thread", PAYLOAD),
    ("DisablePersonPayload.person", PAYLOAD),
    ("DiscussionReply.thread", READABLE_ROW),
    ("DiscussionReply.author", PERSON),
    ("DiscussionReply.authorSchool", SCHOOL),
    ("DiscussionThread.community", COMMUNITY),
    ("DiscussionThread.practice", PRACTICE),
    ("DiscussionThread.author", PERSON),
    ("DiscussionThread.authorSchool", SCHOOL),
    ("DiscussionThread.replies", CONDITION),
    ("EnablePersonPayload.person", PAYLOAD),
    ("EndAllianceMembershipPayload.membership", PAYLOAD),
    ("EndAllianceRolePayload.allianceRole", PAYLOAD),
    ("EndPartnershipPayload.partnership", PAYLOAD),
    ("EndStaffRolePayload.staffRole", PAYLOAD),
    ("EndorsePracticePayload.endorsement", PAYLOAD),
    ("Enquiry.alliance", VISIBLE_ALLIANCE),
    ("Enquiry.community", COMMUNITY),
    ("Enquiry.owner", PERSON),
    ("Enquiry.ownerSchool", SCHOOL),
    ("Enquiry.themes", THEMES),
    ("Enquiry.evidence", CONDITION),
    ("Enquiry.stageHistory", WITH_PARENT),
    ("EnquiryEvidence.enquiry", READABLE_ROW),
    ("EnquiryEvidence.author", PERSON),
    ("EnquiryEvidence.authorSchool", SCHOOL),
    ("EnquiryStageChange.changedBy", PERSON),
    ("HideDiscussionReplyPayload.reply", PAYLOAD),
    ("HideDiscussionThreadPayload.thread", PAYLOAD),
    ("InvitePersonToAlliancePayload.invitation", PAYLOAD),
    ("InviteSchoolToAlliancePayload.membership", PAYLOAD),
    ("InviteStaffMemberPayload.invitation", PAYLOAD),
    ("InviteToCommunityPayload.membership", PAYLOAD),
    ("LeaveCommunityPayload.membership", PAYLOAD),
    ("MakeCommunityFacilitatorPayload.membership", PAYLOAD),
    ("MeetingAttendance.person", PERSON),
    ("MoveEnquiryStagePayload.enquiry", PAYLOAD),
    ("Partnership.alliance", ALLIANCE_SEEN_WITH),
    ("Partnership.leadSchool", SCHOOL),
    ("Partnership.schools", WITH_PARENT),
    ("PartnershipSchool.partnership", ALLIANCE_SEEN_WITH),
    ("PartnershipSchool.school", SCHOOL),
    ("PauseSupportOfferPayload.offer", PAYLOAD),
    ("Person.staffRoles", WITH_PARENT),
    ("Person.allianceRoles", CONDITION),
    ("PinDiscussionThreadPayload.thread", PAYLOAD),
    ("Practice.links", WITH_PARENT),
    ("Practice.themes", THEMES),
    ("Practice.school", SCHOOL),
    ("Practice.alliance", VISIBLE_ALLIANCE),
    ("Practice.partnership", VISIBLE_ALLIANCE),
    ("Practice.authors", WITH_PARENT),
    ("Practice.adaptedFrom", PRACTICE),
    ("Practice.adaptations", CONDITION),
    ("Practice.lineage", PRACTICE),
    ("Practice.endorsements", WITH_PARENT),
    ("Practice.viewerEndorsement", OWN),
    ("Practice.commentThreads", CONDITION),
    ("Practice.revisions", ANSWERS_FOR),
    ("Practice.history", ANSWERS_FOR),
    ("PracticeAuthor.person", PERSON),
    ("PracticeAuthor.school", SCHOOL),
    ("PracticeEndorsement.practice", PRACTICE),
    ("PracticeEndorsement.person", PERSON),
    ("PracticeEndorsement.school", SCHOOL),
    ("PracticeEvent.actor", PERSON),
    ("PracticeLineage.branches", PRACTICE),
    ("PracticeLineageBranch.practice", PRACTICE),
    ("PracticeLineageBranch.school", PRACTICE),
    ("PracticeRevision.editedBy", PERSON),
    ("PublishPracticePayload.practice", PAYLOAD),
    ("Query.node", ROOT),
    ("Query.nodes", ROOT),
    ("Query.viewer", ROOT),
    ("Query.webhookEndpoints", ROOT),
    ("Query.webhookDeliveryAttempts", ROOT),
    ("RegisterWebhookEndpointPayload.registered", PAYLOAD),
    ("RotateWebhookEndpointSecretPayload.rotated", PAYLOAD),
    ("UpdateWebhookEndpointPayload.endpoint", PAYLOAD),
    ("RedeliverWebhookEventPayload.endpoint", PAYLOAD),
    ("WebhookEndpointWithSecret.endpoint", WITH_PARENT),
    ("Query.people", ROOT),
    ("Query.alliances", ROOT),
    ("Query.schools", ROOT),
    ("Query.schoolByUrn", ROOT),
    ("Query.themes", ROOT),
    ("Query.communities", ROOT),
    ("Query.enquiries", ROOT),
    ("Query.upcomingMeetings", ROOT),
    ("Query.allianceCommunityReport", ROOT),
    ("Query.schoolCommunityParticipation", ROOT),
    ("Query.schoolSharingConsent", ROOT),
    ("Query.auditEvents", ROOT),
    ("Query.supportRequests", ROOT),
    ("Query.supportOffers", ROOT),
    ("Query.supportArrangements", ROOT),
    ("Query.practices", ROOT),
    ("Query.sync", ROOT),
    ("RecordCommunityMeetingPayload.meeting", PAYLOAD),
    ("RefreshSessionPayload.session", PAYLOAD),
    ("ReinstateAllianceMembershipPayload.membership", PAYLOAD),
    ("RemoveCommunityMemberPayload.membership", PAYLOAD),
    ("RemovePracticeCoAuthorPayload.practice", PAYLOAD),
    (
        "RemoveSchoolFromPartnershipPayload.partnershipSchool",
        PAYLOAD,
    ),
    ("ReplyToDiscussionThreadPayload.reply", PAYLOAD),
    ("ReportPracticePayload.practice", PAYLOAD),
    ("RequestToJoinCommunityPayload.membership", PAYLOAD),
    ("RestorePracticePayload.practice", PAYLOAD),
    ("ResumeSupportOfferPayload.offer", PAYLOAD),
    ("ScheduleCommunityMeetingPayload.meeting", PAYLOAD),
    ("School.memberships", CONDITION),
    ("School.partnerships", CONDITION),
    ("School.staff", CONDITION),
    ("School.supportRequests", SUPPORT_ROWS),
    ("School.supportOffers", SUPPORT_ROWS),
    ("SchoolCommunityParticipation.school", REPORT),
    ("SchoolMemberCount.school", REPORT),
    ("SendPracticeBackPayload.practice", PAYLOAD),
    ("Session.person", OWN),
    ("SetSchoolSharingConsentPayload.consent", PAYLOAD),
    ("SharingConsent.school", SCHOOL),
    ("SharingConsent.changedBy", PERSON),
    ("SignInPayload.session", PAYLOAD),
    ("SignInWithIdentityProviderPayload.session", PAYLOAD),
    ("RegisterSchoolIdentityProviderPayload.school", PAYLOAD),
    ("RemoveSchoolIdentityProviderPayload.school", PAYLOAD),
    ("UnlinkIdentityPayload.identity", PAYLOAD),
    ("School.identityProviders", SIGN_IN_ORGANISATIONS),
    ("Viewer.linkedIdentities", OWN),
    ("StaffRole.person", PERSON),
    ("StaffRole.school", SCHOOL),
    ("StartDiscussionThreadPayload.thread", PAYLOAD),
    ("StartEnquiryPayload.enquiry", PAYLOAD),
    ("StartSupportArrangementPayload.arrangement", PAYLOAD),
    ("SubmitPracticeForReviewPayload.practice", PAYLOAD),
    ("SupportArrangement.alliance", VISIBLE_ALLIANCE),
    ("SupportArrangement.request", SUPPORT_ROWS),
    ("SupportArrangement.offer", SUPPORT_ROWS),
    ("SupportArrangement.supportedSchool", SCHOOL),
    ("SupportArrangement.supportingPerson", PERSON),
    ("SupportArrangement.supportingSchool", SCHOOL),
    ("SupportArrangement.brokeredBy", PERSON),
    ("SupportArrangement.history", WITH_PARENT),
    ("SupportArrangementStatusChange.changedBy", PERSON),
    ("SupportOffer.alliance", VISIBLE_ALLIANCE),
    ("SupportOffer.person", PERSON),
    ("SupportOffer.school", SCHOOL),
    ("SupportOffer.themes", THEMES),
    ("SupportOffer.createdBy", PERSON),
    ("SupportOffer.history", WITH_PARENT),
    ("SupportOffer.arrangements", SUPPORT_ROWS),
    ("SupportOfferStatusChange.changedBy", PERSON),
    ("SupportRequest.alliance", VISIBLE_ALLIANCE),
    ("SupportRequest.school", SCHOOL),
    ("SupportRequest.themes", THEMES),
    ("SupportRequest.createdBy", PERSON),
    ("SupportRequest.history", WITH_PARENT),
    ("SupportRequest.arrangements", SUPPORT_ROWS),
    ("SupportRequest.suggestions", SUGGESTIONS),
    ("SupportRequestStatusChange.changedBy", PERSON),
    ("SupportSuggestion.subject", SUGGESTIONS),
    ("SuspendAllianceMembershipPayload.membership", PAYLOAD),
    ("Theme.alliance", VISIBLE_ALLIANCE),
    ("UpdateAlliancePayload.alliance", PAYLOAD),
    ("UpdateCommunityMeetingPayload.meeting", PAYLOAD),
    ("UpdateCommunityPayload.community", PAYLOAD),
    ("UpdateDiscussionReplyPayload.reply", PAYLOAD),
    ("UpdateDiscussionThreadPayload.thread", PAYLOAD),
    ("UpdateEnquiryPayload.enquiry", PAYLOAD),
    ("UpdatePracticeEndorsementPayload.endorsement", PAYLOAD),
    ("UpdatePracticePayload.practice", PAYLOAD),
    ("UpdateSchoolPayload.school", PAYLOAD),
    ("UpdateSupportOfferPayload.offer", PAYLOAD),
    ("UpdateSupportRequestPayload.request", PAYLOAD),
    ("Viewer.person", OWN),
    ("Viewer.staffRoles", OWN),
    ("Viewer.allianceRoles", OWN),
    ("Viewer.administeredAlliances", OWN),
    ("Viewer.ledSchools", OWN),
    ("Viewer.serviceAccount", OWN),
    ("Query.serviceAccounts", ROOT),
    ("CreateServiceAccountPayload.credentials", PAYLOAD),
    ("RotateServiceAccountSecretPayload.credentials", PAYLOAD),
    ("RevokeServiceAccountPayload.serviceAccount", PAYLOAD),
    ("ServiceAccountCredentials.serviceAccount", WITH_PARENT),
    ("ServiceAccount.alliance", VISIBLE_ALLIANCE),
    ("ServiceAccount.owner", PERSON),
    ("ServiceAccount.school", SCHOOL),
    ("WithdrawPracticeEndorsementPayload.endorsement", PAYLOAD),
    ("WithdrawPracticePayload.practice", PAYLOAD),
    ("WithdrawSupportOfferPayload.offer", PAYLOAD),
    ("WithdrawSupportRequestPayload.request", PAYLOAD),
];

const INTROSPECTION: &str = "{ __schema { types { name kind fields(includeDeprecated: true) {
    name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

/// The named type under a field's list and non-null wrappers.
fn named(ty: &Value) -> (&str, &str) {
    match ty["ofType"].is_null() {
        true => (ty["kind"].as_str().unwrap(), ty["name"].as_str().unwrap()),
        false => named(&ty["ofType"]),
    }
}

#[tokio::test]
async fn every_object_valued_field_is_policed() {
    let app = crate::common::spawn_app().await;
    let data = app.ok(None, INTROSPECTION, json!({})).await;
    let mut served = BTreeSet::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let type_name = ty["name"].as_str().unwrap();
        if type_name.starts_with("__") || ty["fields"].is_null() {
            continue;
        }
        for field in ty["fields"].as_array().unwrap() {
            let field_name = field["name"].as_str().unwrap();
            let (kind, target) = named(&field["type"]);
            if !matches!(kind, "OBJECT" | "INTERFACE" | "UNION") {
                continue;
            }
            if type_name == "Mutation" {
                // Every mutation answers with its own payload, whose fields are listed.
                let mut chars = field_name.chars();
                let first = chars.next().unwrap().to_ascii_uppercase();
                assert_eq!(target, format!("{first}{}Payload", chars.as_str()));
                continue;
            }
            let structural = (type_name.ends_with("Connection")
                && matches!(field_name, "edges" | "nodes" | "pageInfo"))
                || (type_name.ends_with("Edge") && field_name == "node")
                || (type_name.ends_with("Payload") && field_name == "userErrors");
            if !structural {
                served.insert(format!("{type_name}.{field_name}"));
            }
        }
    }
    let listed: BTreeSet<String> = POLICED.iter().map(|(f, _)| (*f).to_owned()).collect();
    let unlisted: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        unlisted.is_empty(),
        "object-valued fields with no policy decision in related_objects::POLICED: {unlisted:?}"
    );
    assert!(stale.is_empty(), "listed but not served: {stale:?}");
    assert_eq!(listed.len(), POLICED.len(), "a field is listed twice");
}

const PRACTICE_THEMES: &str = "query($id: ID!) { node(id: $id) { ... on Practice {
    title themes { id name alliance { name vision memberships(first: 10) { totalCount } } } } } }";

const BY_THEME: &str =
    "query($t: ID!) { practices(filter: { themeIds: [$t] }) { totalCount nodes { title } } }";

#[tokio::test]
async fn an_alliance_theme_on_public_practice_shows_neither_theme_nor_alliance_to_outsiders() {
    let w = practice_world().await;
    let added = mutate_ok(
        &w.app,
        &w.lead.token,
        "addAllianceTheme",
        "theme { id }",
        json!({ "allianceId": gid("Alliance", w.severn), "name": "Severn oracy project" }),
    )
    .await;
    let theme = added["theme"]["id"].clone();
    let created = mutate_ok(
        &w.app,
        &w.head_a.token,
        "createPractice",
        "practice { id }",
        json!({ "schoolId": gid("School", w.ashby), "kind": "CASE_STUDY",
                "title": "Talk partners", "summary": "Pairs talk first.",
                "bodyMarkdown": "Every question starts with a minute of talk.",
                "themeIds": [theme], "audience": w.audience(w.ashby, "PUBLIC") }),
    )
    .await;
    let id = created["practice"]["id"].clone();
    mutate_ok(
        &w.app,
        &w.head_a.token,
        "publishPractice",
        "practice { status }",
        json!({ "practiceId": id }),
    )
    .await;

    // Not signed in, in another alliance, in none: the practice, without the theme.
    for (who, token) in [
        ("anonymous", None),
        ("oz", Some(w.oz.token.as_str())),
        ("lou", Some(w.lou.token.as_str())),
    ] {
        let body = w.app.gql(token, PRACTICE_THEMES, json!({ "id": id })).await;
        assert_eq!(
            body["data"]["node"]["title"], "Talk partners",
            "{who}: {body:#}"
        );
        assert_eq!(body["data"]["node"]["themes"], json!([]), "{who}: {body:#}");
        assert!(!body.to_string().contains("Severn"), "{who}: {body:#}");
        let found = w.app.gql(token, BY_THEME, json!({ "t": theme })).await;
        assert_eq!(
            found["data"]["practices"]["totalCount"], 0,
            "{who} finds what carries a theme they may not see: {found:#}"
        );
    }
    // Taking part in the alliance: the theme and its alliance.
    let body = w
        .app
        .ok(Some(&w.amy.token), PRACTICE_THEMES, json!({ "id": id }))
        .await;
    assert_eq!(body["node"]["themes"][0]["id"], theme);
    assert_eq!(
        body["node"]["themes"][0]["alliance"]["name"],
        "Severn Alliance"
    );
    let found = w
        .app
        .ok(Some(&w.amy.token), BY_THEME, json!({ "t": theme }))
        .await;
    assert_eq!(found["practices"]["totalCount"], 1);
}

#[tokio::test]
async fn a_reply_to_a_thread_hidden_by_consent_does_not_lead_to_the_thread() {
    let s = support_world().await;
    let w = &s.w;
    let community = w
        .create("Questioning", "COLLABORATION_NETWORK", "ALLIANCE")
        .await;
    w.add(&community, &w.teachers[0]).await;
    w.add(&community, &w.teachers[1]).await;
    let thread = w
        .thread(&community, &w.teachers[0], "Ashby's hinge questions")
        .await;
    let replied = mutate_ok(
        &w.app,
        &w.teachers[1].token,
        "replyToDiscussionThread",
        "reply { id }",
        json!({ "threadId": thread, "bodyMarkdown": "We tried these at Brook." }),
    )
    .await;
    let reply = replied["reply"]["id"].clone();
    mutate_ok(
        &w.app,
        &w.heads[0].token,
        "setSchoolSharingConsent",
        "consent { consents }",
        json!({ "schoolId": gid("School", w.schools[0]), "consents": false }),
    )
    .await;

    let query = "query($id: ID!) { node(id: $id) { ... on DiscussionReply { bodyMarkdown
        thread { title bodyMarkdown } } } }";
    // Brook's teacher wrote the reply; the CPD lead runs the alliance: neither reads
    // Ashby's thread now, nor reaches it through the reply.
    for (who, token) in [("ben", &w.teachers[1].token), ("lead", &w.lead.token)] {
        let thread_body = w
            .app
            .gql(
                Some(token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": thread }),
            )
            .await;
        assert_eq!(
            error_code(&thread_body),
            Some("NOT_FOUND"),
            "{who}: {thread_body:#}"
        );
        let body = w.app.gql(Some(token), query, json!({ "id": reply })).await;
        assert!(!body.to_string().contains("hinge"), "{who}: {body:#}");
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{who}: {body:#}");
    }
    // At Ashby, both are read as before.
    let body = w
        .app
        .ok(Some(&w.teachers[0].token), query, json!({ "id": reply }))
        .await;
    assert_eq!(body["node"]["thread"]["title"], "Ashby's hinge questions");
}

#[tokio::test]
async fn the_alliance_of_what_a_leaver_keeps_is_not_shown_once_they_have_left() {
    let s = support_world().await;
    let w = &s.w;
    let request = s.request(0, 2.0).await;
    let offer = s.own_offer(&w.teachers[0], "Coaching in maths", 2.0).await;
    let started = mutate_ok(
        &w.app,
        &w.teachers[0].token,
        "startEnquiry",
        "enquiry { id }",
        json!({ "allianceId": s.alliance(), "question": "Do hinge questions help?" }),
    )
    .await;
    let enquiry = started["enquiry"]["id"].clone();
    let community = w.create("Maths", "COLLABORATION_NETWORK", "ALLIANCE").await;
    mutate_ok(
        &w.app,
        &w.lead.token,
        "endAllianceMembership",
        "membership { status }",
        json!({ "membershipId": gid("AllianceMembership", w.memberships[0]) }),
    )
    .await;

    let alliance = w
        .app
        .gql(
            Some(&w.teachers[0].token),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": s.alliance() }),
        )
        .await;
    assert_eq!(error_code(&alliance), Some("NOT_FOUND"), "{alliance:#}");
    let query = "query($id: ID!) { node(id: $id) {
        ... on SupportRequest { alliance { name vision } }
        ... on SupportOffer { alliance { name vision } }
        ... on Enquiry { alliance { name vision } } } }";
    for (who, token, id) in [
        (
            "Ashby's head, its request",
            &w.heads[0].token,
            &request["id"],
        ),
        (
            "Ashby's teacher, her offer",
            &w.teachers[0].token,
            &offer["id"],
        ),
        (
            "Ashby's teacher, her enquiry",
            &w.teachers[0].token,
            &enquiry,
        ),
    ] {
        let body = w.app.ok(Some(token), query, json!({ "id": id })).await;
        assert_eq!(body["node"]["alliance"], Value::Null, "{who}: {body:#}");
    }
    // Those still taking part see the alliance of the same objects.
    let body = w
        .app
        .ok(Some(&w.lead.token), query, json!({ "id": request["id"] }))
        .await;
    assert_eq!(body["node"]["alliance"]["name"], "Severn Alliance");
    let body = w
        .app
        .ok(
            Some(&w.teachers[1].token),
            "query($id: ID!) { node(id: $id) { ... on Community { alliance { name } } } }",
            json!({ "id": community }),
        )
        .await;
    assert_eq!(body["node"]["alliance"]["name"], "Severn Alliance");
}
