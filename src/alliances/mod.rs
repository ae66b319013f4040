//! Alliances of schools: their memberships and the partnerships between member schools.

pub mod memberships;
pub mod mutations;
pub mod partnerships;
pub mod queries;
pub mod types;

pub use types::{Alliance, AllianceMembership, Partnership, PartnershipSchool};
