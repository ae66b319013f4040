use crate::enums::{AllianceRoleKind, StaffRoleKind};
use sea_orm::entity::prelude::*;

/// An invitation of a person, by email, into a staff role at a school or a role in an alliance.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    /// SHA-256 of the single-use token, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub school_id: Option<i32>,
    pub staff_role: Option<StaffRoleKind>,
    pub job_title: Option<String>,
    pub alliance_id: Option<i32>,
    pub alliance_role: Option<AllianceRoleKind>,
    /// Subjects and phases of a staff role, or expertise of an alliance role.
    pub role_details: Json,
    pub invited_by_id: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    /// When it was withdrawn, and by whom: its link no longer works.
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by_id: Option<i32>,
    /// When it was last sent again (with a new token); `None` if only sent once.
    pub resent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
