//! Database entities of Trellis, one module a table.

pub mod enums;
pub mod rows;

pub mod alliance;
pub mod alliance_membership;
pub mod alliance_role;
pub mod audit_event;
pub mod community;
pub mod community_meeting;
pub mod community_member;
pub mod discussion_post;
pub mod enquiry;
pub mod enquiry_evidence;
pub mod enquiry_stage_change;
pub mod invitation;
pub mod meeting_attendance;
pub mod partnership;
pub mod partnership_school;
pub mod person;
pub mod practice;
pub mod practice_ancestor;
pub mod practice_author;
pub mod practice_endorsement;
pub mod practice_event;
pub mod practice_revision;
pub mod refresh_session;
pub mod school;
pub mod sharing_consent;
pub mod staff_role;
pub mod support_arrangement;
pub mod support_arrangement_change;
pub mod support_offer;
pub mod support_offer_change;
pub mod support_request;
pub mod support_request_change;
pub mod theme;
