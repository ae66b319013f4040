use crate::enums::{LeadershipKind, LeadershipStatus};
use sea_orm::entity::prelude::*;

/// An invitation to lead something in an alliance, made by a leader to a person; what it is
/// about is `subject_id` of the table `kind` names.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "leadership_invitation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub alliance_id: i32,
    /// The person invited to lead.
    pub person_id: i32,
    pub invited_by_id: i32,
    pub kind: LeadershipKind,
    /// The community meeting, coaching relationship or event, as `kind` says.
    pub subject_id: i32,
    /// What they are invited to lead, in the inviter's words.
    pub what: String,
    pub message: Option<String>,
    pub status: LeadershipStatus,
    /// When the invitee accepted or declined, or the inviter withdrew it.
    pub responded_at: Option<DateTimeUtc>,
    pub completed_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
