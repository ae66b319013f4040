//! Database entities of Trellis, one module a table.

pub mod enums;

pub mod alliance;
pub mod alliance_membership;
pub mod alliance_role;
pub mod audit_event;
pub mod invitation;
pub mod partnership;
pub mod partnership_school;
pub mod person;
pub mod refresh_session;
pub mod school;
pub mod staff_role;
pub mod theme;
